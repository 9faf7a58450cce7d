/** The bill of materials of a config, and the rules it feeds: the MongoDB connection budget and the monthly cost budget. */
import { actionMinutes, Bom, estimate, PriceError } from "../../cost";
import { planDrills } from "../../drills";
import { ConnectionBudget, fleetsConnected, NodeLimit, planConnections, PoolBudgetError } from "../../pool";
import { peakPercent, shiftsTraffic } from "../../release";
import { SERVICE_NAMES, ServiceName } from "../constants";
import { interfaceEndpointServices, Resolved, runsServices } from "../resolve";
import { Problem } from "../problems";
import { tieBreakerRegions } from "../../regionLoss";
import { atlasRegionName } from "../../limits";

/**
 * The bill of materials of the validated config: what the program will declare, counted the way
 * `bomFromResources` counts the declared resources (the tests hold the two equal).
 */
export function bomFromConfig(c: Resolved): Bom {
    // A warm standby declares what a gateway does, on the primary's cluster: no Atlas cluster of its own.
    const gateway = runsServices(c);
    const standby = c.purpose === "standby";
    const zones = c.network.azCount;
    const nats = gateway ? (c.network.natGateways === "perAz" ? zones : 1) : 0;
    const cacheNodes = c.cache.nodes;
    const tieBreakers = c.purpose === "gateway" ? tieBreakerRegions({ region: c.atlas.region, regions: c.atlas.regions, privateLink: c.atlas.privateLink, standbyAtlasRegion: c.regionLoss ? atlasRegionName(c.regionLoss.standbyRegion) : undefined }) : [];
    return {
        region: c.region,
        services: gateway
            ? SERVICE_NAMES.map((name) => ({ name, floor: c[name].instances, ceiling: c[name].maxInstances, vcpu: c[name].cpu / 1024, memoryGb: c[name].memory / 1024, architecture: c[name].architecture })).sort((a, b) => a.name.localeCompare(b.name))
            : [],
        loadBalancers: gateway ? 1 : 0,
        loadBalancerZones: gateway ? zones : 0,
        natGateways: nats,
        elasticIps: nats,
        // components/tieBreaker.ts: each tie-breaker region's Atlas interface endpoint, in two zones
        // (priced at this region's rates: the estimate prices one region).
        endpointAzs: gateway ? (interfaceEndpointServices(c).length + (c.atlas.privateLink ? 1 : 0)) * zones + 2 * tieBreakers.length : 0,
        // components/egressFirewall.ts: an endpoint in each zone's firewall subnet.
        firewallEndpoints: gateway && c.network.egress.mode === "firewall" ? zones : 0,
        endpointServices: interfaceEndpointServices(c).sort(),
        atlasPrivateEndpoints: gateway && c.atlas.privateLink ? 1 + tieBreakers.length : 0,
        cache: gateway ? { engine: c.cache.engine, nodeType: c.cache.nodeType, nodes: cacheNodes, snapshotRetentionDays: c.cache.snapshotRetentionDays } : undefined,
        // components/database.ts: cloud backup always, daily snapshots kept backupRetentionDays, a restore window of at most 7 days with continuous backup.
        // A standby uses the primary's cluster; a region drill declares none (it takes regions out of one that exists).
        atlas: standby || c.purpose === "region-drill" ? undefined : {
            tier: c.atlas.tier,
            ceilingTier: c.atlas.autoScaling?.maxTier ?? c.atlas.tier,
            // With atlas.regions, the nodes of every region: what the cluster grows to (lib/regionLoss.ts).
            nodes: c.atlas.regions ? c.atlas.regions.reduce((n, r) => n + r.electableNodes, 0) : c.atlas.electableNodes,
            backupRetentionDays: c.atlas.backupRetentionDays,
            restoreWindowDays: c.atlas.pointInTimeRestore ? Math.min(c.atlas.backupRetentionDays, 7) : 0,
            diskAutoScaling: c.atlas.diskAutoScaling,
        },
        // A standby: its logs and data keys (the app key is the primary's replica; Atlas's key is the primary's).
        // With regionLoss, the multi-Region application key and its replica in the standby's region.
        kmsKeys: standby ? 2 : (gateway ? 3 : 0) + (c.security.atlasCustomerKey ? 1 : 0) + (gateway && c.regionLoss ? 2 : 0),
        // The cache URL, and the database URI: each service's own with password authentication, one shared with IAM.
        secrets: gateway ? 1 + (c.atlas.authentication === "iam" ? 1 : SERVICE_NAMES.length) : 0,
        waf: gateway && c.loadBalancer.waf.enabled ? { rules: 5 } : undefined,
        // The 5xx rate (3 metrics), the ALB's own 5xx, p95 latency; per routed service no-healthy and
        // unhealthy hosts over its target groups (two when released by shifting traffic) and, with
        // alarm rollback, its release alarms (5xx: errors and requests per group; p95 per group);
        // per service CPU and memory; the worker's running tasks; per cache node CPU, memory,
        // evictions (and lag with replicas); the WAF's blocked requests. A standby adds the
        // operator's gate of the primary region (components/failover.ts).
        alarmMetrics: gateway
            ? 3 + 1 + 1 + routedAlarmMetrics(c) + SERVICE_NAMES.length * 2 + 1 + cacheNodes * (3 + (cacheNodes > 1 ? 1 : 0)) + (c.loadBalancer.waf.enabled ? 1 : 0) + (standby ? 1 : 0)
            : 0,
        dashboards: gateway ? 1 : 0,
        accessLogBucket: gateway && c.loadBalancer.accessLogs && !c.loadBalancer.accessLogsBucket,
        xray: gateway && c.observability.tracing && !c.observability.otlpEndpoint ? { sampleRatio: c.observability.traceSampleRatio } : undefined,
        // index.ts turns Container Insights on for the cluster; each service has a task-definition family of its own.
        containerInsights: gateway ? { services: SERVICE_NAMES.length, taskFamilies: SERVICE_NAMES.length } : undefined,
        // components/service.ts: an autoscaled service tracks CPU, and a routed one requests per target too.
        targetTrackingPolicies: gateway ? SERVICE_NAMES.filter((n) => c[n].maxInstances > c[n].instances).reduce((n, name) => n + (name === "worker" ? 1 : 2), 0) : 0,
        logRetentionDays: gateway ? SERVICE_NAMES.map((n) => c[n].logRetentionDays).sort((a, b) => a - b) : [],
        drills: gateway && c.drills.enabled ? drillActionMinutes(c) : [],
    };
}

/** The metrics of the routed services' target-group and release alarms (components/alarms.ts). */
function routedAlarmMetrics(c: Resolved): number {
    return (["admin", "main"] as const).reduce((n, name) => {
        const groups = shiftsTraffic(c[name].release.strategy) ? 2 : 1;
        return n + 2 * groups + (c[name].release.alarmRollback ? 3 * groups : 0);
    }, 0);
}

/**
 * The FIS drills components/drills.ts declares for this config (lib/drills.ts decides which), in
 * action-minutes per run: zone-outage stops the zone's tasks (one instant action), cuts the zone's
 * subnets off and interrupts the cache's nodes there for durationMinutes; task-loss stops a share of
 * each service's tasks (one instant action per service it covers). The cache's primary failover is
 * ElastiCache's TestFailover, not FIS: it costs nothing.
 */
function drillActionMinutes(c: Resolved): { name: string; actionMinutes: number }[] {
    const plan = planDrills({ services: SERVICE_NAMES.map((name) => ({ name, instances: c[name].instances })), cache: { nodes: c.cache.nodes, failover: c.cache.failover }, taskLossPercent: c.drills.taskLossPercent });
    const d = c.drills.durationMinutes;
    const drills = [
        ...(plan.zoneOutage.runs ? [{ name: "zone-outage", actionMinutes: actionMinutes([undefined, d, d]) }] : []),
        ...(plan.taskLoss.services.length ? [{ name: "task-loss", actionMinutes: actionMinutes(plan.taskLoss.services.map(() => undefined)) }] : []),
    ];
    return drills.sort((a, b) => a.name.localeCompare(b.name));
}

/** A stack whose ceiling exceeds `cost.monthlyBudget` is refused, naming what costs most. */
export function costProblems(c: Resolved, problems: Problem[]): void {
    const budget = c.cost.monthlyBudget;
    if (budget === undefined) return;
    try {
        const e = estimate(bomFromConfig(c), c.cost.assumptions);
        if (e.ceiling <= budget) return;
        const top = [...e.lines].sort((a, b) => b.ceiling - a.ceiling).slice(0, 3).map((l) => `${l.item} $${l.ceiling.toFixed(2)}`);
        problems.push({ path: "cost.monthlyBudget", message: `is below the stack's ceiling of $${e.ceiling.toFixed(2)}/month (floor $${e.floor.toFixed(2)}); the biggest contributors: ${top.join(", ")}`, value: budget });
    } catch (err) {
        if (!(err instanceof PriceError)) throw err;
        problems.push({ path: "cost.monthlyBudget", message: `cannot be checked: ${err.message}`, value: budget });
    }
}

/** The connection budget (lib/pool.ts), or undefined with the reason added to `problems`. */
export function budgetProblems(c: Resolved, problems: Problem[]): ConnectionBudget | undefined {
    const { headroom, maxPoolSize, minPoolSize, maxConnecting } = c.pool;
    // An auto-scaled cluster may shrink to its floor: size for the smallest tier it can run on.
    const tier = (c.atlas.autoScaling?.minTier ?? c.atlas.tier) as ConnectionBudget["tier"];
    // A local stack: each mongod's --maxConns is the limit, and every container runs at its count
    // (no autoscaling; a changed container is deleted before its replacement starts).
    const local = c.purpose === "local";
    const node = local ? localMongodLimit(c.local.mongo.maxConnections) : undefined;
    // Every fleet that may be connected at once counts (lib/pool.ts fleetsConnected): a warm standby's
    // tasks reach the same primary node as the primary's, up to the same ceilings.
    try {
        const budget = planConnections({
            tier,
            node,
            fleets: fleetsConnected(c),
            headroom,
            maxPoolSize,
            minPoolSize,
            maxConnecting,
            services: SERVICE_NAMES.map((name) => ({
                name,
                maxInstances: local ? c[name].instances : c[name].maxInstances,
                // A blue/green, linear or canary release runs the whole new revision beside the old.
                maximumPercent: local ? 100 : peakPercent(c[name].release.strategy, c[name].deployment.maximumPercent),
                ...c.pool[name],
            })),
        });
        const worker = budget.services.find((s) => s.name === "worker")!;
        if (worker.maxPoolSize < c.worker.concurrency)
            problems.push({ path: "worker.concurrency", message: `exceeds the worker's MongoDB pool (${worker.maxPoolSize}): jobs would wait for connections; lower it or raise ${local ? "local.mongo.maxConnections" : "atlas.tier"}`, value: c.worker.concurrency });
        // A floor above the ceiling is named where it was set: the service's override, or the global key.
        const override = (name: string) => c.pool[name as ServiceName];
        for (const s of budget.services) {
            if (s.minPoolSize <= s.maxPoolSize) continue;
            const own = override(s.name)?.minPoolSize !== undefined;
            const path = own ? `pool.${s.name}.minPoolSize` : "pool.minPoolSize";
            const derived = (override(s.name)?.maxPoolSize ?? c.pool.maxPoolSize) === undefined ? ", derived from the budget" : "";
            const message = `must not exceed the max pool size${own ? "" : ` of ${s.name}`} (${s.maxPoolSize}${derived})`;
            if (!problems.some((p) => p.path === path)) problems.push({ path, message, value: s.minPoolSize });
        }
        return problems.length ? undefined : budget;
    } catch (e) {
        if (!(e instanceof PoolBudgetError)) throw e;
        const viaAutoScaling = tier !== c.atlas.tier ? ` (the auto-scaling floor ${tier})` : "";
        if (node && e.path === node.key) problems.push({ path: node.key, message: e.message, value: node.connections });
        else if (e.path === "atlas.tier") problems.push({ path: "atlas.tier", message: `${tier}${viaAutoScaling} ${e.message}` });
        else {
            // An override that does not fit is named by the key that was set, with its value.
            const name = SERVICE_NAMES.find((n) => c.pool[n]?.maxPoolSize !== undefined);
            const [path, value] = name ? [`pool.${name}.maxPoolSize`, c.pool[name]!.maxPoolSize] : c.pool.maxPoolSize !== undefined ? ["pool.maxPoolSize", c.pool.maxPoolSize] : [e.path, undefined];
            problems.push({ path, message: e.message, value });
        }
        return undefined;
    }
}

/**
 * Connections a local stack keeps free on each mongod besides the gateway's pools: the other two
 * members' replication and heartbeats, the replica-set init, mongodump and an operator's mongosh.
 * Our allowance, not a figure MongoDB publishes.
 */
export const LOCAL_RESERVED_CONNECTIONS = 20;

/** A local stack's mongod as the connection budget sees it (`--maxConns`, stacks/local.ts). */
export function localMongodLimit(maxConnections: number): NodeLimit {
    return { name: `mongod --maxConns ${maxConnections}`, connections: maxConnections, reserved: LOCAL_RESERVED_CONNECTIONS, key: "local.mongo.maxConnections" };
}
