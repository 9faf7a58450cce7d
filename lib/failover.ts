/**
 * The warm standby and the traffic failover: a plain module, no resources.
 *
 *   primary stack ──output regionLoss (stack reference, read at deploy)──▶ standby stack
 *   operator ──PutMetricData (standby region)──▶ gate alarm ──▶ Route 53 health check ──▶ PRIMARY / SECONDARY
 *
 * What the standby reads from the primary is checked here against its own config, each problem
 * naming the key to fix; which step of the rollout the standby is in is decided here too.
 */
import { atlasRegionName } from "./limits";
import { SERVICE_NAMES, ServiceName } from "./config";
import { AcceptedPeering, PEERING_REQUEST_EXPIRY_DAYS, PeerNetwork, expiredAdvice, isPeerNetwork, peeringAccepted, requestExpired } from "./peering";
import { now } from "./clock";

/** The primary stack's `regionLoss` output, as the primary declares it (both sides use exactly this shape). */
export interface PrimaryRegionLoss {
    projectId: string;
    clusterName: string;
    /** Atlas region names with electable nodes (US_EAST_1, …). */
    regions: string[];
    /** The multi-Region application key's replica in the standby's region. */
    appKeyReplicaArn: string;
    /** AWS region of the primary. */
    primaryRegion: string;
    domain: string;
    hostedZoneId: string;
    /** The primary's load balancer, for the PRIMARY failover records. */
    albs: { admin: AliasTarget; api: AliasTarget };
    /** The primary's VPC, which the standby peers with (lib/peering.ts). */
    network: PeerNetwork;
    /** The standby's peering connection as the primary accepted it; none before it has. */
    peering?: AcceptedPeering;
    /** The primary's regionLoss.cache (absent from outputs written before it existed: cold). */
    cache?: "cold" | "global";
    /** With cache global: the Global Datastore's id (ElastiCache prefixes the suffix), which the standby's cache joins. */
    cacheGlobalReplicationGroupId?: string;
    /** With cache global: the datastore's engine and node type, which its secondary inherits (for the standby's cost estimate and tags). */
    cacheEngine?: string;
    cacheNodeType?: string;
    /** With cache global: the engine version and eviction policy the primary ran in its datastore, which its own next update reads back (deployedDatastore). */
    cacheEngineVersion?: string;
    cacheMaxmemoryPolicy?: string;
}

export interface AliasTarget {
    dnsName: string;
    zoneId: string;
}

/** What the standby's own config says the primary must be (each key as `pulumi config set --path` writes it). */
export interface StandbyExpectation {
    primaryStack: string;
    primaryRegion: string;
    /** standby.primaryCidr: the primary's network.cidr as this stack's config states it. */
    primaryCidr: string;
    /** This stack's AWS region (where the app key's replica must live). */
    region: string;
    domain: string;
    hostedZoneId?: string;
    failoverRecords: boolean;
    atlasTier: string;
    ceilings: Record<ServiceName, number>;
    /**
     * A `pulumi preview` (not the update of a `pulumi up`): the failover pair may be previewed
     * while the primary still answers the names, so the DNS cutover's second step is checked
     * before its first opens the window. Default false.
     */
    preview?: boolean;
    /** This stack's cache.nodes (a Global Datastore secondary inherits automatic failover: two nodes or more). Default 2. */
    cacheNodes?: number;
    /** This stack's cache.engine and cache.nodeType (a secondary runs the primary's; the budget prices the config). Default: not checked. */
    cacheEngine?: string;
    cacheNodeType?: string;
    /** The cache mode this standby's last update deployed (its `regionLoss.cache` output); none before its cache exists. */
    lastCache?: string;
    /** standby.cacheReplacementAcknowledged. Default false. */
    cacheReplacementAcknowledged?: boolean;
}

/** Other outputs of the primary the standby checks itself against (they exist on every gateway stack). */
export interface PrimaryFacts {
    regionLoss?: unknown;
    /** The primary's `capacity` output: per service its instances and ceiling. */
    capacity?: Partial<Record<ServiceName, { maxInstances?: number }>>;
    /** The primary's `atlasCluster` output. */
    atlasCluster?: { tier?: string };
    /** Who answers admin.<domain> and api.<domain> on the primary (its `dnsRecords` output). */
    dnsRecords?: string;
}

export interface StandbyProblem {
    path: string;
    message: string;
    value?: unknown;
}

const ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:key\/mrk-[0-9a-f]{32}$/;

/**
 * The primary's `regionLoss` output read back and checked against the standby's config, or the
 * problems, each naming the standby key that must change (or the primary's `regionLoss` block).
 */
export function readPrimary(facts: PrimaryFacts, want: StandbyExpectation): { primary?: PrimaryRegionLoss; problems: StandbyProblem[]; warnings: string[] } {
    const problems: StandbyProblem[] = [];
    const warnings: string[] = [];
    const add = (path: string, message: string, value?: unknown) => problems.push({ path, message, value });
    const r = facts.regionLoss as Partial<PrimaryRegionLoss> | undefined;
    if (!r || typeof r !== "object") {
        add("standby.primaryStack", `names a stack without a regionLoss output: set payment-gateway:regionLoss (standbyRegion ${want.region}, standbyStack) on ${want.primaryStack} and pulumi up it first`, want.primaryStack);
        return { problems, warnings };
    }
    const text = (v: unknown) => typeof v === "string" && v.length > 0;
    const missing = (["projectId", "clusterName", "appKeyReplicaArn", "primaryRegion", "domain", "hostedZoneId"] as const).filter((k) => !text(r[k]));
    if (!Array.isArray(r.regions) || !r.regions.every(text)) missing.push("regions" as never);
    for (const host of ["admin", "api"] as const) if (!text(r.albs?.[host]?.dnsName) || !text(r.albs?.[host]?.zoneId)) missing.push(`albs.${host}` as never);
    if (!isPeerNetwork(r.network)) missing.push("network" as never);
    if (missing.length) {
        add("standby.primaryStack", `names a stack whose regionLoss output lacks ${missing.join(", ")}: pulumi up ${want.primaryStack} with this program's version first`, want.primaryStack);
        return { problems, warnings };
    }
    const cache = r.cache ?? "cold";
    if (cache !== "cold" && cache !== "global") {
        add("standby.primaryStack", `names a stack whose regionLoss.cache output is ${JSON.stringify(r.cache)}, not cold or global: pulumi up ${want.primaryStack} with this program's version first`, want.primaryStack);
        return { problems, warnings };
    }
    const lacking = cache === "global" ? (["cacheGlobalReplicationGroupId", "cacheEngine", "cacheNodeType"] as const).filter((k) => !text(r[k])) : [];
    if (lacking.length) {
        add("standby.primaryStack", `names a stack whose regionLoss output says cache global but lacks ${lacking.join(", ")} (the Global Datastore this stack's cache joins, and what it inherits): pulumi up ${want.primaryStack} first`, want.primaryStack);
        return { problems, warnings };
    }
    const p = { ...r, cache } as PrimaryRegionLoss;
    if (p.primaryRegion !== want.primaryRegion) add("standby.primaryRegion", `must be the primary's region: ${want.primaryStack} runs in ${p.primaryRegion}`, want.primaryRegion);
    if (p.network.cidr !== want.primaryCidr) add("standby.primaryCidr", `must be the primary's network.cidr (${p.network.cidr} on ${want.primaryStack}): this stack's range is kept apart from it, and routes to its subnets`, want.primaryCidr);
    if (p.network.region !== p.primaryRegion) add("standby.primaryStack", `names a stack whose regionLoss.network is in ${p.network.region}, not its region ${p.primaryRegion}: pulumi up ${want.primaryStack} with this program's version first`, want.primaryStack);
    if (p.domain !== want.domain) add("domain", `must be the primary's domain (${p.domain}): the standby answers the same names`, want.domain);
    if (want.failoverRecords && want.hostedZoneId !== p.hostedZoneId)
        add("loadBalancer.hostedZoneId", `must be the primary's hosted zone (${p.hostedZoneId}): the failover pair lives where the names are`, want.hostedZoneId);
    const keyRegion = ARN.exec(p.appKeyReplicaArn)?.[1];
    if (keyRegion !== want.region)
        add("standby.primaryStack", `names a stack whose application key replica (regionLoss.appKeyReplicaArn ${p.appKeyReplicaArn}) is not a multi-Region key replica in ${want.region}: set regionLoss.standbyRegion ${want.region} on ${want.primaryStack}`, want.primaryStack);
    // The standby scales up to the primary's ceilings, and the pools of both are sized for two
    // fleets at them (lib/pool.ts fleetsConnected): its own ceilings must be the primary's.
    for (const name of SERVICE_NAMES) {
        const theirs = facts.capacity?.[name]?.maxInstances;
        if (theirs !== undefined && theirs !== want.ceilings[name])
            add(`${name}.maxInstances`, `must be the primary's ceiling (${theirs} on ${want.primaryStack}): the standby takes over the primary's whole load, and both stacks size their pools for two fleets at the same ceilings`, want.ceilings[name]);
    }
    const tier = facts.atlasCluster?.tier;
    if (tier !== undefined && tier !== want.atlasTier)
        add("atlas.tier", `must be the primary cluster's tier (${tier}): the standby's pools are sized for the cluster it connects to`, want.atlasTier);
    if (want.failoverRecords && facts.dnsRecords !== "standby") {
        const handOver = `the primary to hand over admin.${want.domain} and api.${want.domain} first: set loadBalancer.dnsRecords standby on ${want.primaryStack} and pulumi up it (README "DNS cutover"); Route 53 refuses a failover record next to its simple one`;
        if (want.preview) warnings.push(`standby.failoverRecords: previewed only; pulumi up needs ${handOver}`);
        else add("standby.failoverRecords", `needs ${handOver}`, true);
    }
    problems.push(...standbyCacheProblems(p, want));
    return { primary: problems.length ? undefined : p, problems, warnings };
}

/**
 * The standby's cache against the primary's regionLoss.cache. A secondary inherits automatic
 * failover and Multi-AZ (ElastiCache "Global datastore prerequisites and limitations"): two nodes
 * or more. Moving a deployed cache between cold and global replaces it (globalReplicationGroupId
 * is ForceNew, terraform-provider-aws replication_group.go; an existing cluster cannot be added
 * as a secondary, the same page): refused unless acknowledged, and in prod the cache is protected.
 */
export function standbyCacheProblems(p: Pick<PrimaryRegionLoss, "cache" | "cacheEngine" | "cacheNodeType">, want: Pick<StandbyExpectation, "primaryStack" | "cacheNodes" | "cacheEngine" | "cacheNodeType" | "lastCache" | "cacheReplacementAcknowledged">): StandbyProblem[] {
    const problems: StandbyProblem[] = [];
    const mode = p.cache ?? "cold";
    // Every member runs the same node type and engine (prerequisites page); the secondary takes the
    // primary's whatever this stack's config says, and the cost estimate and budget price the config.
    if (mode === "global")
        for (const [key, mine, theirs] of [["cache.engine", want.cacheEngine, p.cacheEngine], ["cache.nodeType", want.cacheNodeType, p.cacheNodeType]] as const)
            if (mine !== undefined && mine !== theirs)
                problems.push({ path: key, message: `must be the primary's (${theirs} on ${want.primaryStack}): this stack's cache is a secondary of its Global Datastore, which runs one ${key === "cache.engine" ? "engine" : "node type"} in every member`, value: mine });
    if (mode === "global" && (want.cacheNodes ?? 2) < 2)
        problems.push({ path: "cache.nodes", message: `must be at least 2: ${want.primaryStack}'s regionLoss.cache is global, and this stack's cache, a Global Datastore secondary, inherits automatic failover and Multi-AZ, which need a replica`, value: want.cacheNodes });
    if (want.lastCache !== undefined && want.lastCache !== mode && !want.cacheReplacementAcknowledged)
        problems.push({
            path: "standby.cacheReplacementAcknowledged",
            message:
                `must be true to move this deployed standby's cache from ${want.lastCache} to ${mode} (${want.primaryStack}'s regionLoss.cache): the next pulumi up replaces the cache (a new replication group, ${mode === "global" ? "a read-only secondary of the primary's Global Datastore" : "a cold cache of its own"}) and deletes the old one with what it holds; in prod first pulumi state unprotect it (README "Region loss": switching the standby's cache). Or set regionLoss.cache back to ${want.lastCache} on ${want.primaryStack}`,
            value: false,
        });
    return problems;
}

/**
 * The cache mode a standby's last update deployed, from its own `regionLoss` output: the recorded
 * mode, or cold for a complete standby recorded before the mode was (its cache was cold then);
 * none while no cache was declared (never deployed, or the endpoint step).
 */
export function deployedCache(record: { step?: string; cache?: string } | undefined): string | undefined {
    return record?.cache ?? (record?.step === "full" ? "cold" : undefined);
}

/**
 * What a primary's last update ran in its Global Datastore, from its own `regionLoss` output
 * (lib/config LastDeployment.cacheDatastore): none unless that output says cache global with the
 * datastore's id (a cold cache, a standby's output, or a stack never deployed).
 */
export function deployedDatastore(record: { cache?: string; cacheGlobalReplicationGroupId?: string; cacheEngine?: string; cacheEngineVersion?: string; cacheMaxmemoryPolicy?: string } | undefined): { engine?: string; engineVersion?: string; maxmemoryPolicy?: string } | undefined {
    if (record?.cache !== "global" || !record.cacheGlobalReplicationGroupId) return undefined;
    return { engine: record.cacheEngine, engineVersion: record.cacheEngineVersion, maxmemoryPolicy: record.cacheMaxmemoryPolicy };
}

/** The replication group id of the standby's cache: a secondary is a new group beside a cold one, never the same id (README "Region loss"). */
export function standbyCacheId(stack: string, mode: "cold" | "global"): string {
    return mode === "global" ? `pg-${stack}-gcache` : `pg-${stack}-cache`;
}

/** The operator's commands for the standby's Global Datastore secondary, all against the standby's region. */
export interface CacheFailover {
    mode: "global";
    globalReplicationGroupId: string;
    replicationGroupId: string;
    /** The datastore's members and their roles (run before choosing). */
    status: string;
    /** Switch the primary role to this region while the datastore is available (both regions reachable). */
    promote: string;
    /** During a region loss: leave the datastore; this member becomes a standalone read/write group. */
    detach: string;
}

/**
 * The cache failover commands. FailoverGlobalReplicationGroup names the member to promote and its
 * region (API reference: PrimaryRegion, PrimaryReplicationGroupId) and fails with
 * InvalidGlobalReplicationGroupState when the datastore "is not available or in primary-only
 * state"; DisassociateGlobalReplicationGroup removes a secondary, which "will remain as a standalone
 * cluster in that AWS region" (API reference). Both are sent to the standby's region here; whether
 * either completes while the primary's region is down is not verified (README "Region loss").
 */
export function cacheFailover(globalReplicationGroupId: string, replicationGroupId: string, region: string): CacheFailover {
    const g = `--region ${region} --global-replication-group-id ${globalReplicationGroupId}`;
    return {
        mode: "global",
        globalReplicationGroupId,
        replicationGroupId,
        status: `aws elasticache describe-global-replication-groups ${g} --show-member-info --query 'GlobalReplicationGroups[0].[Status,Members]'`,
        promote: `aws elasticache failover-global-replication-group ${g} --primary-region ${region} --primary-replication-group-id ${replicationGroupId}`,
        detach: `aws elasticache disassociate-global-replication-group ${g} --replication-group-id ${replicationGroupId} --replication-group-region ${region}`,
    };
}

/**
 * The step of the rollout the standby is in. Atlas lists a cluster's private connection strings
 * only once a private endpoint exists in every region with nodes, and refuses nodes in a region
 * whose PrivateLink is not active (MongoDB Atlas "Learn About Private Endpoints", limitations);
 * and this stack's tasks reach a primary node in the primary's region only over the VPC peering
 * the primary accepts (lib/peering.ts):
 *   endpoint  the cluster has no nodes in the standby's region yet, or the primary has not
 *             accepted this stack's peering: declare the network (with the peering request) and
 *             the private endpoint only; next, the primary grows into this region and accepts
 *   full      the cluster has nodes here and the peering is accepted: declare everything
 *             (secrets, cache, services, failover)
 * A standby once full stays full (`wasFull`, its last update's step): a peering not yet accepted
 * (a standby deployed before this program peered) is then the next step, not a reason to delete
 * its services.
 */
export function standbyStep(
    primary: Pick<PrimaryRegionLoss, "regions" | "peering">,
    region: string,
    own: { primaryStack: string; stack?: string; connectionId?: string; requestedAt?: string; wasFull?: boolean; now?: number } = { primaryStack: "the primary" },
): { step: "endpoint" | "full"; next: string } {
    const atlas = atlasRegionName(region);
    if (!primary.regions.includes(atlas))
        return { step: "endpoint", next: `once this stack's private endpoint is AVAILABLE, add ${atlas} to the primary's atlas.regions and pulumi up the primary alone (it also accepts this stack's VPC peering); then pulumi up this stack again` };
    const accepted = peeringAccepted(primary.peering, own.connectionId);
    // A request not accepted within 7 days expires (Amazon VPC Peering Guide, "Accept or reject a
    // VPC peering connection"), and the provider reads an expired connection as gone
    // (terraform-provider-aws internal/service/ec2 findVPCPeeringConnectionByID): the accepter's
    // create then fails, and only a refresh of this stack (resourceVPCPeeringConnectionRead drops
    // it from the state) lets the next update request a new one.
    const expired = !accepted && !!own.connectionId && requestExpired(own.requestedAt, own.now ?? now());
    const accept = expired
        ? expiredAdvice(own.connectionId!, own.requestedAt!, own.stack ?? "<this stack>", own.primaryStack)
        : `pulumi up ${own.primaryStack}: it accepts this stack's VPC peering${own.connectionId ? ` (${own.connectionId})` : " (requested by this update)"} and routes to it, without which these tasks cannot reach a primary node in ${own.primaryStack}'s region; a request not accepted within ${PEERING_REQUEST_EXPIRY_DAYS} days expires: pulumi up --refresh this stack first to request it again`;
    if (!accepted && !own.wasFull) return { step: "endpoint", next: `${accept}; then pulumi up this stack again` };
    if (!accepted) return { step: "full", next: accept };
    return { step: "full", next: "none: the standby is complete; run the region drill (README \"Region loss\")" };
}

/** The operator's gate: a metric in the standby's region, an alarm on it, and the commands that flip it. */
export interface Gate {
    namespace: string;
    metricName: string;
    dimensions: Record<string, string>;
    alarmName: string;
    region: string;
    /** Fail over: the PRIMARY records turn unhealthy and Route 53 answers with the standby. */
    failOver: string;
    /** Fail back: the gate opens again (after the failback runbook's checks). */
    failBack: string;
    /** The gate's state, and Route 53's view of the health check. */
    status: string;
}

/**
 * The gate for a standby stack. The alarm keeps its state while no data arrives (treatMissingData
 * "ignore": "The current alarm state is maintained", CloudWatch PutMetricAlarm), so one data point
 * flips it and it stays flipped; Route 53 reads only standard-resolution metrics with
 * Average/Minimum/Maximum/Sum/SampleCount (Route 53 API Reference, AlarmIdentifier).
 */
export function gate(prefix: string, stack: string, region: string): Gate {
    const namespace = "PaymentGateway/RegionFailover";
    const metricName = "PrimaryOutOfService";
    const dimensions = { Standby: stack };
    const put = (value: 0 | 1) => `aws cloudwatch put-metric-data --region ${region} --namespace ${namespace} --metric-name ${metricName} --dimensions Standby=${stack} --value ${value}`;
    const alarmName = `${prefix}-primary-gate`;
    return {
        namespace,
        metricName,
        dimensions,
        alarmName,
        region,
        failOver: put(1),
        failBack: put(0),
        status: `aws cloudwatch describe-alarms --region ${region} --alarm-names ${alarmName} --query 'MetricAlarms[0].StateValue'`,
    };
}

/** The names of the failover pair for each host, and the set identifiers Route 53 tells them apart by. */
export function failoverRecordNames(domain: string): { host: "admin" | "api"; name: string; primaryId: string; secondaryId: string }[] {
    return (["admin", "api"] as const).map((host) => ({ host, name: `${host}.${domain}`, primaryId: `${host}-primary`, secondaryId: `${host}-secondary` }));
}
