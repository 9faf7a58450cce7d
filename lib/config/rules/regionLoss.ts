/**
 * Region-loss rules: a replica set across regions (atlas.regions), the warm standby it serves
 * (regionLoss) and the region drill (purpose region-drill).
 */
import { atlasRegionName, ATLAS_ELECTABLE_NODES, GLOBAL_DATASTORE, isGlobalDatastoreNodeType } from "../../limits";
import { Resolved } from "../resolve";
import { formatPath, Problem } from "../problems";
import { cidrsOverlap, parseCidr } from "../../cidr";
import { tieBreakerRegions } from "../../regionLoss";
import { LastDeployment } from "../validate";

export function regionLossProblems(c: Resolved, stack: string | undefined, last: LastDeployment = {}): Problem[] {
    const problems: Problem[] = [];
    const add = (path: string, message: string, value: unknown, ...reads: string[]) => problems.push({ path, message, value, reads });
    const regions = c.atlas.regions;

    if (regions && c.purpose !== "gateway")
        add("atlas.regions", `applies to a gateway stack only, not to purpose ${c.purpose}`, regions, "purpose");
    if (regions && c.purpose === "gateway") {
        // The provider refuses region configs whose priorities do not descend down the list
        // (terraform-provider-mongodbatlas internal/service/advancedcluster validate_schema.go
        // RegionSpecPriorityOrderDecreasingValidator), and Atlas asks more of regions with electable
        // nodes (every region here): the highest is 7 and each other is exactly one less than
        // another region's, so down this list 7, 6, 5, … (docs/resources/advanced_cluster.md,
        // region_configs priority; https://www.mongodb.com/docs/atlas/cli/v1.17/reference/json/cluster-config-file/,
        // replicationSpecs.regionConfigs.priority). A gap
        // (7, 5) passes the provider's plan and fails at Atlas.
        // The stack's own region comes first: it holds the primary while it is healthy, next to the
        // stack's tasks, and keeping today's region first keeps the update of an existing cluster in place.
        const first = regions[0];
        if (first.region !== c.atlas.region)
            add("atlas.regions[0].region", `must be atlas.region (${c.atlas.region}), the stack's own region: it holds the highest priority, next to the stack's tasks`, first.region, "atlas.region", "aws:region");
        if (first.priority !== 7) add("atlas.regions[0].priority", "must be 7: Atlas gives the first region the highest priority, 7", first.priority);
        const seen = new Set<string>();
        regions.forEach((r, i) => {
            if (seen.has(r.region)) add(formatPath(["atlas", "regions", i, "region"]), "is listed twice: one entry per region", r.region);
            seen.add(r.region);
            if (i > 0 && r.priority !== regions[i - 1].priority - 1)
                add(formatPath(["atlas", "regions", i, "priority"]), `must be ${regions[i - 1].priority - 1}, one below the previous region's (${regions[i - 1].priority}): Atlas takes priorities in descending order, each region with electable nodes exactly one below another (7, 6, 5, …)`, r.priority, formatPath(["atlas", "regions", i - 1, "priority"]));
        });
        // Replica sets have an odd number of voting members: Atlas offers 3, 5 or 7 electable nodes
        // (https://www.mongodb.com/docs/atlas/cluster-config/multi-cloud-distribution/).
        const total = regions.reduce((n, r) => n + r.electableNodes, 0);
        if (!(ATLAS_ELECTABLE_NODES as readonly number[]).includes(total))
            add("atlas.regions", `must hold ${ATLAS_ELECTABLE_NODES.join(", ")} electable nodes in all, not ${total} (${regions.map((r) => `${r.region} ${r.electableNodes}`).join(" + ")})`, regions);
        else {
            // A region holding a majority of the voters takes the majority with it when it is lost:
            // no primary can be elected, and only a forced reconfiguration (with possible data loss)
            // restores writes (https://www.mongodb.com/docs/atlas/reconfigure-replica-set-during-regional-outage/).
            const majority = Math.floor(total / 2) + 1;
            regions.forEach((r, i) => {
                if (r.electableNodes >= majority)
                    add(formatPath(["atlas", "regions", i, "electableNodes"]), `must be below ${majority}, a majority of the ${total} electable nodes: losing ${r.region} would leave no primary (no automatic election, writes stop)`, r.electableNodes);
            });
        }
    }

    const loss = c.regionLoss;
    if (loss && c.purpose !== "gateway") add("regionLoss", `applies to a gateway stack only, not to purpose ${c.purpose}`, loss, "purpose");
    else if (loss) {
        if (loss.standbyRegion === c.region) add("regionLoss.standbyRegion", `must be another region than the stack's own (${c.region})`, loss.standbyRegion, "aws:region");
        if (stack !== undefined && loss.standbyStack === stack) add("regionLoss.standbyStack", "must be another stack than this one", loss.standbyStack);
        // The standby's failover records live in the stack's hosted zone.
        if (!c.loadBalancer.hostedZoneId)
            add("regionLoss", "needs loadBalancer.hostedZoneId: the standby's Route 53 failover records for admin and api live in the zone", loss, "loadBalancer.hostedZoneId");
        const standby = atlasRegionName(loss.standbyRegion);
        if (!regions)
            add("regionLoss", "needs atlas.regions: a standby in another region is only as good as the data there, so the replica set must have electable nodes in the standby's region", loss, "atlas.regions");
        else if (!regions.some((r) => r.region === standby))
            add("regionLoss.standbyRegion", `must be a region of atlas.regions (${regions.map((r) => r.region).join(", ")}): the replica set needs electable nodes in the standby's region (${standby})`, loss.standbyRegion, "atlas.regions");
        if (loss.cache === "global") problems.push(...globalDatastoreProblems(c, last.cacheDatastore));
    }

    // The tie-breakers' endpoint-only VPCs (components/tieBreaker.ts): one range per region, each
    // one apart from the stack's own VPC and from one another.
    const ranges = c.atlas.tieBreakerCidrs ?? {};
    const tieBreakers = c.purpose === "gateway" ? tieBreakerRegions({ region: c.atlas.region, regions, privateLink: c.atlas.privateLink, standbyAtlasRegion: loss ? atlasRegionName(loss.standbyRegion) : undefined }) : [];
    for (const r of tieBreakers)
        if (!ranges[r])
            add(formatPath(["atlas", "tieBreakerCidrs", r]), `is required: ${r} has nodes in atlas.regions but no application stack, so this stack declares its PrivateLink endpoint in a VPC of its own there; give it an IPv4 range (e.g. 10.32.0.0/24) that overlaps neither network.cidr nor the standby's`, undefined, "atlas.regions", "atlas.privateLink");
    const seenRanges: [string, string][] = [];
    for (const [r, cidr] of Object.entries(ranges)) {
        const path = formatPath(["atlas", "tieBreakerCidrs", r]);
        if (!tieBreakers.includes(r)) {
            add(path, `applies to a tie-breaker region only: a region of atlas.regions over PrivateLink that is neither the stack's own (${c.atlas.region}) nor regionLoss.standbyRegion (${tieBreakers.length ? tieBreakers.join(", ") : "none here"})`, cidr, "atlas.regions", "regionLoss.standbyRegion", "atlas.privateLink");
            continue;
        }
        // AWS: a VPC's IPv4 block is /16 to /28 (Amazon VPC User Guide, "VPC CIDR blocks"); it is
        // split into two subnets, and a subnet is /28 at the smallest, so /27 at most here.
        const prefix = parseCidr(cidr).prefix;
        if (prefix < 16 || prefix > 27) add(path, `must be /16 to /27 (AWS VPCs are /16 to /28, and this one is split into two subnets of /28 or more); got /${prefix}`, cidr);
        else if (cidrsOverlap(cidr, c.network.cidr)) add(path, `must not overlap network.cidr (${c.network.cidr}): the stack's own VPC`, cidr, "network.cidr");
        else {
            const clash = seenRanges.find(([, other]) => cidrsOverlap(cidr, other));
            if (clash) add(path, `must not overlap atlas.tieBreakerCidrs.${clash[0]} (${clash[1]})`, cidr, formatPath(["atlas", "tieBreakerCidrs", clash[0]]));
        }
        seenRanges.push([r, cidr]);
    }

    if (c.purpose === "region-drill") {
        // Atlas's simulated outage applies to a cluster that is already there; the drill names it.
        if (!c.regionDrill) add("regionDrill", "is required when purpose is region-drill: the cluster and the regions its outage takes out", undefined, "purpose");
        if (!c.atlas.projectId) add("atlas.projectId", "is required when purpose is region-drill: the project of the cluster the drill takes regions out of", undefined, "purpose");
        // A forgotten `pulumi up` of a drill must never leave prod in a simulated outage.
        if (c.prod) add("purpose", "must not be region-drill in prod: a region drill is a short-lived stack of its own, with environment dev or staging (it names the cluster it takes regions out of)", c.purpose, "environment");
    } else if (c.regionDrill) add("regionDrill", "applies to purpose region-drill only", c.regionDrill, "purpose");
    const outage = c.regionDrill?.outageRegions ?? [];
    outage.forEach((r, i) => {
        if (outage.indexOf(r) !== i) add(formatPath(["regionDrill", "outageRegions", i]), "is listed twice", r);
    });
    return problems;
}

/**
 * regionLoss.cache global: this stack's cache becomes the primary of an ElastiCache Global
 * Datastore (lib/limits/aws.ts GLOBAL_DATASTORE, from "Prerequisites and limitations"). What the
 * program fixes for every cache meets the rest already: cluster mode disabled (numCacheClusters;
 * both modes are supported, shard counts matter only with cluster mode), VPC subnets, IPv4,
 * encryption in transit (required) and at rest under a KMS key, an AUTH token. Every engine version
 * offered meets "Valkey 7.2 or later, or Redis OSS 5.0.6 or later" (GLOBAL_DATASTORE.minVersion).
 */
function globalDatastoreProblems(c: Resolved, deployed: LastDeployment["cacheDatastore"]): Problem[] {
    const problems: Problem[] = [];
    const add = (path: string, message: string, value: unknown, ...reads: string[]) => problems.push({ path, message, value, reads });
    // Once the group is a member, the provider suppresses every diff of its engine, engineVersion
    // and parameterGroupName (terraform-provider-aws internal/service/elasticache/replication_group.go,
    // suppressDiffIfBelongsToGlobalReplicationGroup), and the nodes run the datastore's
    // global-datastore-… parameter group, which ModifyGlobalReplicationGroup changes only with a major
    // engine upgrade (global_replication_group.go paramGroupNameRequiresMajorVersionUpgrade). An edit of
    // these keys would report success and change nothing on the nodes: refused, against what the last
    // update deployed (README "Region loss": what a global cache does not change).
    if (deployed)
        for (const [key, was, now] of [
            ["cache.engine", deployed.engine, c.cache.engine],
            ["cache.engineVersion", deployed.engineVersion, c.cache.engineVersion],
            ["cache.maxmemoryPolicy", deployed.maxmemoryPolicy, c.cache.maxmemoryPolicy],
        ] as const)
            if (was !== undefined && was !== now)
                add(key, `is not applied while this stack's cache is the primary of a Global Datastore (regionLoss.cache global; deployed: ${was}): the provider ignores a member's engine, version and parameter group, and the nodes keep the datastore's; keep ${was} (README "Region loss": what a global cache does not change)`, now, "regionLoss.cache");
    if (!isGlobalDatastoreNodeType(c.cache.nodeType))
        add("cache.nodeType", `must be a node type a Global Datastore takes with regionLoss.cache global: families ${GLOBAL_DATASTORE.families.map((f) => f[0].toUpperCase() + f.slice(1)).join(", ")}, size large and above (e.g. cache.m7g.large, cache.r7g.large; no burstable t2/t3/t4g)`, c.cache.nodeType, "regionLoss.cache");
    // "Replication must be enabled" for a single-node cluster, and the secondary inherits the
    // primary's automatic failover and Multi-AZ, which need a replica.
    if (c.cache.nodes < GLOBAL_DATASTORE.minNodes)
        add("cache.nodes", `must be at least ${GLOBAL_DATASTORE.minNodes} with regionLoss.cache global: a Global Datastore's primary needs replication, and its secondary inherits automatic failover and Multi-AZ, which need a replica`, c.cache.nodes, "regionLoss.cache");
    return problems;
}
