/**
 * A replica set across regions, grown in the order Atlas accepts: a plain module, no resources.
 *
 * Atlas: "AWS PrivateLink must be active in all regions into which you deploy a multi-region
 * cluster. You will receive an error if AWS PrivateLink is active in some, but not all, targeted
 * regions", and with nodes in more than one region, no more than one private endpoint per region
 * (https://www.mongodb.com/docs/atlas/security-private-endpoint/, "Limitations"). So a cluster on
 * PrivateLink grows into `atlas.regions` only once every region of the list has a private endpoint
 * that is AVAILABLE with an interface endpoint attached, and none has a second one; until then it
 * keeps the topology it has. That includes a tie-breaker region where no application runs.
 * The endpoints of other regions belong to other stacks (the warm standby declares its region's),
 * except a tie-breaker's (a region with nodes and no application stack), which the primary itself
 * declares in an endpoint-only VPC there (tieBreakerRegions below); so the order spans stacks and `pulumi up`s: each update of the primary asks Atlas which
 * endpoints exist (mongodbatlas.getPrivatelinkEndpoints, an Atlas call: it never touches another
 * AWS region), and records the topology it deployed (the `atlasCluster.regions` output), which the
 * next update reads back.
 *
 * Once grown, a cluster is never shrunk by this gate: an endpoint that stops answering AVAILABLE
 * (during the very outage the topology is for) must not turn a `pulumi up` into a topology change.
 *
 * Regionalized private endpoints (mongodbatlas.PrivateEndpointRegionalMode) are not an option:
 * "You can create only sharded clusters when you enable the regionalized private endpoint setting.
 * You can't create replica sets" (terraform-provider-mongodbatlas docs/resources/
 * private_endpoint_regional_mode.md), and enabling it changes existing connection strings. This
 * program never declares it.
 */

/** One region of the replica set: electable nodes and election priority (7 highest). */
export interface RegionNodes {
    region: string;
    electableNodes: number;
    priority: number;
}

/** An Atlas private endpoint service as getPrivatelinkEndpoints answers it. */
export interface EndpointFacts {
    regionName: string;
    status: string;
    interfaceEndpoints?: string[];
    /** Every interface endpoint attached, whatever its connection's status (stepOfTopology). Default: interfaceEndpoints. */
    attached?: string[];
}

export type TopologyStep =
    /** One region, as a stack without atlas.regions has always been. */
    | "single-region"
    /** atlas.regions is set, but some of its regions have no available private endpoint yet: the cluster keeps its topology. */
    | "waiting-for-endpoints"
    /** The cluster spans atlas.regions. */
    | "multi-region";

export interface TopologyPlan {
    step: TopologyStep;
    /** The region configs the cluster is declared with in this update, highest priority first. */
    deploy: RegionNodes[];
    /** Regions of atlas.regions still without an available private endpoint (Atlas names). */
    missing: string[];
    /**
     * Regions of atlas.regions with more than one interface endpoint, which a replica set across
     * regions cannot have (Atlas names). Default none.
     */
    crowded?: string[];
    /** What the operator does next, in a sentence. */
    next: string;
}

export interface TopologyRequest {
    /** atlas.region: the stack's own Atlas region. */
    region: string;
    /** atlas.electableNodes: the single-region node count. */
    electableNodes: number;
    /** atlas.regions; undefined: single region. */
    regions?: RegionNodes[];
    /** Whether the cluster is reached over PrivateLink (the gate applies then only). */
    privateLink: boolean;
    /** The topology the last update deployed (the `atlasCluster.regions` output), if any. */
    deployed?: RegionNodes[];
    /** Atlas's private endpoint services of the project (AWS); undefined: not asked (no project yet). */
    endpoints?: EndpointFacts[];
    /** The standby stack that declares its region's endpoint (regionLoss), for the next step's wording. */
    standby?: { stack: string; atlasRegion: string };
    /** The regions whose endpoint this stack declares itself (tieBreakerRegions), for the next step's wording. Default none. */
    declaredHere?: string[];
}

/** AWS (us-east-2) or Atlas (US_EAST_2) region name → the Atlas name. */
export function atlasName(region: string): string {
    return region.toUpperCase().replace(/-/g, "_");
}

/** Atlas (US_WEST_2) region name → the AWS one (us-west-2). */
export function awsName(region: string): string {
    return region.toLowerCase().replace(/_/g, "-");
}

/**
 * The tie-breaker regions of a gateway stack (Atlas names): those of atlas.regions that are
 * neither its own nor the standby's, where no application stack runs. Over PrivateLink each needs
 * a private endpoint before the cluster may grow (above), and no other stack declares one: the
 * stack itself declares an endpoint-only VPC there (components/tieBreaker.ts). None without
 * PrivateLink (the cluster needs no endpoint then).
 */
export function tieBreakerRegions(req: { region: string; regions?: { region: string }[]; privateLink: boolean; standbyAtlasRegion?: string }): string[] {
    if (!req.privateLink || !req.regions) return [];
    return req.regions.map((r) => r.region).filter((r) => r !== req.region && r !== req.standbyAtlasRegion);
}

/** Whether a private endpoint service is active: AVAILABLE with an interface endpoint attached (stepOfTopology lists only those whose connection is AVAILABLE). */
export function endpointActive(e: EndpointFacts): boolean {
    return e.status === "AVAILABLE" && (e.interfaceEndpoints ?? []).length > 0;
}

/** The regions that need no gate: those the cluster already has. */
function present(r: RegionNodes, deployed: RegionNodes[] | undefined, region: string): boolean {
    return r.region === region || !!deployed?.some((d) => d.region === r.region);
}

export function planTopology(req: TopologyRequest): TopologyPlan {
    const single: RegionNodes[] = [{ region: req.region, electableNodes: req.electableNodes, priority: 7 }];
    if (!req.regions) return { step: "single-region", deploy: single, missing: [], next: "none: a single-region cluster (set atlas.regions for a replica set across regions)" };
    const wanted = req.regions;
    const same = (a: RegionNodes[] | undefined) => !!a && JSON.stringify(a) === JSON.stringify(wanted);
    const grown: TopologyPlan = { step: "multi-region", deploy: wanted, missing: [], next: "none: the replica set spans every region of atlas.regions" };
    if (!req.privateLink || same(req.deployed)) return grown;
    const active = new Set((req.endpoints ?? []).filter(endpointActive).map((e) => atlasName(e.regionName)));
    const missing = wanted.filter((r) => !present(r, req.deployed, req.region) && !active.has(r.region)).map((r) => r.region);
    // Without regionalized mode (sharded clusters only, above) a project may have several private
    // endpoints in one region, or one in each of several regions, not both: Atlas's regionalized
    // setting "can't [be disabled] if you have more than one private endpoint in one region and one
    // private endpoint in one or more regions" (terraform-provider-mongodbatlas
    // docs/resources/private_endpoint_regional_mode.md, `enabled`). So a region of the list with a
    // second interface endpoint (another stack's, a leftover) holds the growth too.
    const interfaces = (region: string) => (req.endpoints ?? []).filter((e) => atlasName(e.regionName) === region).flatMap((e) => e.attached ?? e.interfaceEndpoints ?? []);
    const crowded = wanted.filter((r) => interfaces(r.region).length > 1).map((r) => r.region);
    if (!missing.length && !crowded.length) {
        const growing = wanted.filter((r) => !present(r, req.deployed, req.region)).map((r) => r.region);
        return { ...grown, next: growing.length ? `this update grows the replica set into ${growing.join(", ")} (a rolling change, one voting member at a time: run it alone, in a quiet window)` : grown.next };
    }
    const who = (r: string) =>
        req.standby && r === req.standby.atlasRegion
            ? `${r} (the standby stack ${req.standby.stack} declares it: pulumi up --stack ${req.standby.stack})`
            : req.declaredHere?.includes(r)
              ? `${r} (this stack declares it, in an endpoint-only VPC there: this update creates it if it is missing)`
              : `${r} (not declared by this program: a PrivateLink endpoint in that region, one per region)`;
    const asked = req.endpoints === undefined ? " (Atlas was not asked: this stack's project is not known yet; this update records it, the next one asks)" : "";
    const steps = [
        ...(missing.length ? [`create an available private endpoint in ${missing.map(who).join(" and ")}${asked}`] : []),
        ...crowded.map((r) => `leave one interface endpoint in ${r} (it has ${interfaces(r).join(", ")}; a replica set across regions takes one private endpoint per region)`),
    ];
    return {
        step: "waiting-for-endpoints",
        deploy: req.deployed && req.deployed.length ? req.deployed : single,
        missing,
        ...(crowded.length ? { crowded } : {}),
        next: `${steps.join("; ")}; then pulumi up this stack again and the replica set grows into ${wanted.map((r) => r.region).join(", ")}`,
    };
}

/**
 * Why Atlas's simulated outage of `outage` (Atlas region names) on a cluster with these region
 * configs is refused, or [] when it may start. Atlas simulates outages of multi-region clusters
 * only; an outage of fewer than half the electable nodes is a minority outage, after which a
 * primary is elected elsewhere (what region loss relies on); a majority outage leaves no primary
 * until it ends or the replica set is reconfigured by force
 * (https://www.mongodb.com/docs/atlas/tutorial/test-resilience/simulate-regional-outage/). A drill
 * that would stop writes is refused.
 */
export function outageProblems(cluster: { regionName: string; electableNodes: number }[], outage: string[]): string[] {
    const problems: string[] = [];
    const regions = cluster.map((r) => r.regionName);
    if (new Set(regions).size < 2) problems.push(`the cluster runs in ${regions.join(", ") || "no region"} only: Atlas simulates region outages of multi-region clusters only (set atlas.regions on its stack first)`);
    const unknown = outage.filter((r) => !regions.includes(r));
    if (unknown.length) problems.push(`${unknown.join(", ")} ${unknown.length > 1 ? "are not regions" : "is not a region"} of the cluster (${regions.join(", ")})`);
    const total = cluster.reduce((n, r) => n + r.electableNodes, 0);
    const lost = cluster.filter((r) => outage.includes(r.regionName)).reduce((n, r) => n + r.electableNodes, 0);
    if (!problems.length && lost * 2 >= total)
        problems.push(`takes out ${lost} of the ${total} electable nodes: a majority outage leaves no primary (writes stop until it ends); a drill takes out fewer than half`);
    return problems;
}
