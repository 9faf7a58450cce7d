/**
 * Region loss: the topology across regions, what each tier can promise and on what it depends,
 * the rollout step the stack is in and the next one, and what the standby costs a month.
 * Printed for a warm standby, and for a primary that declares a `regionLoss` output.
 */
import { DEFAULT_ASSUMPTIONS, bomFromResources, estimate } from "../../../lib/cost";
import { PRICES, PriceError } from "../../../lib/prices";
import { Section } from "../section";
import { estimateRun, usd } from "./cost";

/** What each tier promises after a loss of the primary region, and what that rests on (README "Region loss"). */
export function promises(regions: string[], cache: string = "cold"): string[] {
    // With no region holding a majority of the electable nodes, a majority write is on a node outside any one region.
    const spread = regions.length >= 3;
    return [
        spread
            ? `  data (Atlas): RPO 0 for acknowledged w=majority writes; failover in seconds by an automatic election over ${regions.join(" + ")}, provided no region holds a majority of the electable nodes (2 + 2 + 1). Rests on retryable writes in the driver and on every region with nodes having its private endpoint`
            : `  data (Atlas): the cluster's electable nodes are in ${regions.join(", ") || "one region"}: losing the primary's region loses the majority, and writes stop until Atlas is reconfigured (possible data loss). Grow atlas.regions to three regions (2 + 2 + 1)`,
        "  keys: what the primary wrapped with the multi-Region app key decrypts here with its replica; data keys still wrapped by the old single-Region key do not (README \"Key migration\")",
        cache === "global"
            ? "  cache: ElastiCache Global Datastore (regionLoss.cache global): the standby's cache is a read-only secondary, replicated asynchronously (RPO typically under a second, AWS); promoting it takes about a minute (RTO, AWS's DR workshop), by hand: failover.cache.promote, or failover.cache.detach when the primary's region does not answer (not verified from the standby's region alone: drill it)"
            : "  cache: regional and cold: sessions, rate limits and cached data keys are rebuilt after a failover (admins sign in again); nothing in it is the only copy of a payment",
        "  traffic: RTO target 15 minutes (decision, gate flip, Route 53's health check, DNS TTL of the alias, scale-up from the warm floor); not a promise until two region drills have measured it. Needs neither pulumi up nor Route 53's control plane",
    ];
}

export const regionLoss: Section = (run) => {
    const o = run.outputs;
    const r = o.regionLoss;
    if (!r) return [];
    const lines: string[] = [];
    if (r.role === "standby") {
        const p = o.primary ?? {};
        lines.push(
            `topology: primary ${p.stack} (${p.region}) ──▶ this warm standby (${o.region}); the replica set ${p.clusterName} has electable nodes in ${(p.regions ?? []).join(", ")}`,
            `rollout step: ${r.step} (${r.step === "endpoint" ? "network, its VPC peering request and this region's private endpoint only" : "complete"}); next: ${r.next}`,
            ...(o.peering ? [`VPC peering: ${o.peering.connectionId} to ${p.stack}'s VPC (${p.region}); routes from this stack's private subnets to its private subnets ${(p.privateSubnetCidrs ?? []).join(", ")}, MongoDB (1024–65535) only`] : []),
            ...promises(p.regions ?? [], r.cache),
        );
        if (o.failover) lines.push(`failover: fail over \`${o.failover.gate.failOver}\`; fail back \`${o.failover.gate.failBack}\`; records: ${o.failover.records}`);
        if (o.failover?.cache?.mode === "global") lines.push(`cache failover: promote \`${o.failover.cache.promote}\`; or detach \`${o.failover.cache.detach}\`; status \`${o.failover.cache.status}\``);
        // At the standby's own region's prices; a region lib/prices.ts lacks is estimated at the
        // primary's (or the first priced region's), and says so.
        const fallback = [p.region, ...Object.keys(PRICES)].find((region) => region && region in PRICES)!;
        let priced = ` at ${o.region} prices`;
        let e;
        try {
            e = estimateRun(run);
        } catch (err) {
            if (!(err instanceof PriceError)) throw err;
            e = estimate(bomFromResources(fallback, run.resources), o.costAssumptions ?? DEFAULT_ASSUMPTIONS);
            priced = ` at ${fallback} prices (${o.region}'s are not in lib/prices.ts: add them from the pricing pages it cites)`;
        }
        lines.push(
            `monthly cost of the standby${priced}: ${usd(e.floor)} at its warm floor, ${usd(e.ceiling)} at the primary's ceilings; ` +
                "not included: the gate's Route 53 health check, and on the primary's bills the Atlas nodes in other regions and inter-region transfer" +
                (r.cache === "global" ? " (with the cache's Global Datastore also its replication across regions; the datastore has no price line of its own on ElastiCache's pricing page, its nodes are priced here)" : ""),
        );
        return lines;
    }
    // A primary's regionLoss output: the multi-region cluster and where its standby is.
    if (Array.isArray(r.regions)) lines.push(`topology: this primary (${o.region}); the replica set ${r.clusterName} has electable nodes in ${r.regions.join(", ")}`, ...promises(r.regions, r.cache));
    if (r.next) lines.push(r.peering ? `VPC peering: accepts ${r.peering.connectionId} (status ${r.peering.status}); ${r.next}` : `VPC peering: not yet; next: ${r.next}`);
    return lines;
};
