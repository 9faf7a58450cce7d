/**
 * What a standby's stack reference reads from its primary when a run is given nothing else: the
 * outputs the primary's stack file would declare (its region, domain, hosted zone, ceilings and
 * tier), and a `regionLoss` block for the rollout's target topology (the primary's region, the
 * standby's, and a third), so that `npm run plan -- --stack <standby>` and the shared runs show a
 * complete standby. The load balancer names and ids here are stand-ins: what the real primary
 * answers is read at `pulumi preview` (pass it with RunOptions.references).
 */
import { atlasRegionName } from "../../lib/limits";
import { SERVICE_NAMES, validateConfig } from "../../lib/config";
import { rawConfigFrom } from "../../lib/stackConfig";
import { ACCOUNT_ID, peeringId } from "./engine";
import { subnetLayout } from "../../lib/cidr";
import { assembleConfig, listStacks } from "./config";

/** The tie-breaker region the example topology adds (2 + 2 + 1, README "Region loss"). */
const THIRD_REGION = "US_WEST_2";

/** The mock's id of a standby's peering request (components/network.ts names it `pg-peer`). */
export const EXAMPLE_PEERING_ID = peeringId("pg-peer");

/** A stack's side of a peering as the example stack file would deploy it (lib/peering.ts PeerNetwork). */
function exampleNetwork(stack: string, c: { region: string; network: { cidr: string; azCount: number } }) {
    return { vpcId: `vpc-${stack.replace(/[^a-f0-9]/g, "").padEnd(17, "0").slice(0, 17)}`, region: c.region, cidr: c.network.cidr, privateSubnetCidrs: subnetLayout(c.network.cidr, c.network.azCount).private };
}

/**
 * What the other stack of a region-loss pair answers when a run is given nothing else: for a
 * standby, its primary (examplePrimaryOutputs); for a primary with regionLoss, its standby's
 * peering request, as the standby's stack file would deploy it.
 */
export function exampleReferences(stack: string, set: Record<string, unknown> = {}): Record<string, Record<string, unknown>> {
    const own = assembleConfig(stack, set).values;
    const raw = rawConfigFrom(own);
    if (raw.purpose === "standby") return examplePrimaryOutputs(stack, set);
    const standbyStack = (raw.regionLoss as { standbyStack?: string } | undefined)?.standbyStack;
    if (!standbyStack || !listStacks().includes(standbyStack)) return {};
    const { values } = assembleConfig(standbyStack);
    const c = validateConfig(rawConfigFrom(values), values["aws:region"], standbyStack);
    return { [standbyStack]: { environment: c.environment, region: c.region, peering: { connectionId: EXAMPLE_PEERING_ID, ...exampleNetwork(standbyStack, c) } } };
}

/**
 * What a standby recorded at its last update when a run is given nothing else: the complete
 * standby (step full) whose peering request (EXAMPLE_PEERING_ID) the example primary accepted.
 * Nothing for any other stack.
 */
export function exampleOwnOutputs(stack: string, set: Record<string, unknown> = {}): Record<string, unknown> {
    if (rawConfigFrom(assembleConfig(stack, set).values).purpose !== "standby") return {};
    return { regionLoss: { role: "standby", step: "full" }, peering: { connectionId: EXAMPLE_PEERING_ID } };
}

export function examplePrimaryOutputs(standbyStack: string, set: Record<string, unknown> = {}): Record<string, Record<string, unknown>> {
    const own = assembleConfig(standbyStack, set).values;
    if (rawConfigFrom(own).purpose !== "standby") return {};
    const s = rawConfigFrom(own).standby as { primaryStack?: string } | undefined;
    const primaryStack = s?.primaryStack;
    if (!primaryStack || !listStacks().includes(primaryStack)) return {};
    const { values } = assembleConfig(primaryStack);
    const c = validateConfig(rawConfigFrom(values), values["aws:region"], primaryStack);
    const standbyRegion = own["aws:region"] ?? "us-east-2";
    const regions = [...new Set([atlasRegionName(c.region), atlasRegionName(standbyRegion), THIRD_REGION])];
    const alb = (host: string) => ({ dnsName: `pg-${primaryStack}-${host}.${c.region}.elb.amazonaws.com`, zoneId: "Z35SXDOTRQ7X7K" });
    return {
        [primaryStack]: {
            environment: c.environment,
            region: c.region,
            regionLoss: {
                projectId: c.atlas.projectId ?? "5f0000000000000000000002",
                clusterName: `pg-${primaryStack}`,
                regions,
                appKeyReplicaArn: `arn:aws:kms:${standbyRegion}:${ACCOUNT_ID}:key/mrk-0123456789abcdef0123456789abcdef`,
                primaryRegion: c.region,
                domain: c.domain,
                hostedZoneId: c.loadBalancer.hostedZoneId ?? "Z0PRODEXAMPLE0000001",
                albs: { admin: alb("admin"), api: alb("api") },
                network: exampleNetwork(primaryStack, c),
                peering: { connectionId: EXAMPLE_PEERING_ID, status: "active" },
                cache: c.regionLoss?.cache ?? "cold",
                ...(c.regionLoss?.cache === "global" ? { cacheGlobalReplicationGroupId: `ldgnf-pg-${primaryStack}-cache`, cacheEngine: c.cache.engine, cacheNodeType: c.cache.nodeType } : {}),
            },
            capacity: Object.fromEntries(SERVICE_NAMES.map((n) => [n, { instances: c[n].instances, maxInstances: c[n].maxInstances }])),
            atlasCluster: { name: `pg-${primaryStack}`, tier: c.atlas.tier, nodes: c.atlas.electableNodes },
            dnsRecords: c.loadBalancer.hostedZoneId ? c.loadBalancer.dnsRecords : "none",
        },
    };
}
