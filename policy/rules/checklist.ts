/** The Production HA Checklist: hard requirements in prod, reported elsewhere. */
import { ATLAS_RESERVED_CONNECTIONS, ATLAS_TIER_CONNECTIONS } from "../../lib/limits";
import { RESTORE_STOP_TAG } from "../../lib/restore";
import { containersOf, envOf, finding, ofType, Rule, scalingTargetOf, standbyOf, T, tagged } from "./common";

const replicaSet: Rule = {
    id: "replica-set-three-nodes",
    title: "3-node replica set",
    kind: "checklist",
    check(rs) {
        const clusters = ofType(rs, T.cluster);
        // A warm standby joins the primary's replica set through a private endpoint in its own region.
        const standby = standbyOf(rs);
        if (!clusters.length && standby) {
            const endpoints = ofType(rs, T.atlasEndpoint);
            return endpoints.length ? finding([], `standby: the primary's replica set through a private endpoint in ${endpoints.map((e) => e.props.region).join(", ")}`) : finding(["standby without a private endpoint to the primary's replica set"], "");
        }
        if (!clusters.length) return finding(["no Atlas cluster"], "");
        const v: string[] = [];
        const seen: string[] = [];
        for (const c of clusters) {
            // A replica set across regions has a region config per region: its nodes are all of theirs.
            const configs: any[] = c.props.replicationSpecs?.[0]?.regionConfigs ?? [];
            const region = configs[0];
            const counts = configs.map((r) => r?.electableSpecs?.nodeCount);
            const nodes = counts.length && counts.every((n) => n !== undefined) ? counts.reduce((a, b) => a + b, 0) : undefined;
            const where = configs.length > 1 ? ` over ${configs.map((r) => `${r.regionName} ${r.electableSpecs?.nodeCount}`).join(" + ")}` : "";
            if (c.props.clusterType !== "REPLICASET") v.push(`${c.props.name}: clusterType ${c.props.clusterType}, not REPLICASET`);
            if (nodes !== undefined && nodes < 3) v.push(`${c.props.name}: ${nodes} electable node(s), fewer than 3`);
            seen.push(`${c.props.name}: ${nodes} electable nodes${where}, ${region?.electableSpecs?.instanceSize}`);
        }
        return finding(v, seen.join("; "));
    },
};

const cacheFailover: Rule = {
    id: "cache-failover",
    title: "cache with failover",
    kind: "checklist",
    check(rs) {
        const groups = ofType(rs, T.cache);
        if (!groups.length) return finding(["no ElastiCache replication group"], "");
        const v: string[] = [];
        for (const g of groups) {
            const p = g.props;
            if (p.numCacheClusters !== undefined && p.numCacheClusters < 2) v.push(`${p.replicationGroupId}: ${p.numCacheClusters} node, no replica to fail over to`);
            if (p.automaticFailoverEnabled === false) v.push(`${p.replicationGroupId}: automatic failover off`);
            if (p.multiAzEnabled === false) v.push(`${p.replicationGroupId}: Multi-AZ off`);
        }
        return finding(v, groups.map((g) => `${g.props.replicationGroupId}: ${g.props.numCacheClusters} nodes, automatic failover and Multi-AZ`).join("; "));
    },
};

const twoInstances: Rule = {
    id: "two-admin-two-main",
    title: "≥2 admin and ≥2 main instances",
    kind: "checklist",
    check(rs) {
        const v: string[] = [];
        const seen: string[] = [];
        for (const name of ["admin", "main"]) {
            const [service] = tagged(rs, T.service, name);
            if (!service) {
                v.push(`no ${name} service`);
                continue;
            }
            const target = scalingTargetOf(rs, service);
            // Stopped while a restore overwrites the database (lib/restore.ts): no task may run. The
            // tag alone exempts nothing: the service and its scaler must really be at 0.
            const running = [service.props.desiredCount, target?.props.minCapacity, target?.props.maxCapacity].some((n) => n !== undefined && n !== 0);
            if (service.props.tags?.[RESTORE_STOP_TAG] && !running) {
                seen.push(`${name} stopped for a restore`);
                continue;
            }
            const floor = target?.props.minCapacity ?? service.props.desiredCount;
            if (floor !== undefined && floor < 2) v.push(`${name}: ${floor} instance`);
            seen.push(`${name} ${floor}${target ? `–${target.props.maxCapacity}` : ""}`);
        }
        return finding(v, seen.join(", "));
    },
};

/**
 * The checklist names the path: /health. `loadBalancer.healthCheck.path` may differ outside prod
 * (this rule then reports, not enforced), and validation refuses any other path in prod, so a
 * stack the config accepts never fails this rule where it is enforced.
 */
const healthChecks: Rule = {
    id: "load-balancer-health-checks",
    title: "load balancer with health checks on /health",
    kind: "checklist",
    check(rs) {
        const groups = ofType(rs, T.targetGroup);
        if (!ofType(rs, T.loadBalancer).length || !groups.length) return finding(["no load balancer with target groups"], "");
        const v: string[] = [];
        for (const g of groups) {
            const hc = g.props.healthCheck ?? {};
            if (hc.enabled === false) v.push(`${g.name}: health check disabled`);
            if (hc.path !== "/health") v.push(`${g.name}: health check path ${hc.path ?? "(default /)"}, not /health`);
            if (hc.interval !== undefined && hc.timeout !== undefined && hc.interval <= hc.timeout) v.push(`${g.name}: interval ${hc.interval}s not above timeout ${hc.timeout}s`);
        }
        const hc = groups[0].props.healthCheck ?? {};
        return finding(v, `${groups.length} target groups check ${hc.path} every ${hc.interval}s`);
    },
};

const adminSticky: Rule = {
    id: "admin-sticky-sessions",
    title: "sticky sessions for admin",
    kind: "checklist",
    check(rs) {
        const [admin] = tagged(rs, T.targetGroup, "admin");
        const [main] = tagged(rs, T.targetGroup, "main");
        const v: string[] = [];
        const st = admin?.props.stickiness;
        if (!admin) v.push("no admin target group");
        else if (!st?.enabled || !["lb_cookie", "app_cookie"].includes(st.type)) v.push("admin target group is not cookie-sticky");
        if (main?.props.stickiness?.enabled) v.push("main target group is sticky; API-key requests must spread over every instance");
        return finding(v, st?.enabled ? `admin ${st.type}${st.cookieName ? ` (${st.cookieName})` : ""} for ${st.cookieDuration}s; main not sticky` : "");
    },
};

/** Per-node connection need of the task definitions, against the Atlas tier's limit. */
const poolSizes: Rule = {
    id: "pool-sizes-tuned",
    title: "pool sizes tuned for instance count",
    kind: "checklist",
    check(rs) {
        const cluster = ofType(rs, T.cluster)[0];
        const region = cluster?.props.replicationSpecs?.[0]?.regionConfigs?.[0];
        // A standby's pools are sized for the primary's cluster, whose tier its ECS cluster names.
        const standby = standbyOf(rs);
        const tier = (standby?.atlasTier ?? (region?.autoScaling?.computeEnabled ? region.autoScaling.computeMinInstanceSize : region?.electableSpecs?.instanceSize)) as keyof typeof ATLAS_TIER_CONNECTIONS | undefined;
        const limit = tier ? ATLAS_TIER_CONNECTIONS[tier] : undefined;
        if (!limit) return finding([`unknown Atlas tier ${tier}`], "");
        const v: string[] = [];
        let need = 0;
        let unknown = false;
        for (const service of ofType(rs, T.service)) {
            const name = service.props.tags?.service;
            const td = tagged(rs, T.taskDefinition, name)[0];
            const containers = td && containersOf(td);
            if (!containers) {
                unknown = true;
                continue;
            }
            const pool = Number(envOf(containers[0]).MPG_DATABASE_MAX_POOL_SIZE);
            if (!Number.isInteger(pool) || pool < 1) {
                v.push(`${name}: MPG_DATABASE_MAX_POOL_SIZE not set`);
                continue;
            }
            const target = scalingTargetOf(rs, service);
            const ceiling = target?.props.maxCapacity ?? service.props.desiredCount ?? 0;
            const peak = Math.ceil((ceiling * (service.props.deploymentMaximumPercent ?? 200)) / 100);
            need += peak * (pool + 2);
        }
        // Every fleet that may be connected at once (a standby's and the primary's) at the same ceilings.
        need *= standby?.fleets ?? 1;
        const usable = limit - ATLAS_RESERVED_CONNECTIONS;
        if (need > usable) v.push(`the services can open ${need} connections per node at peak; ${tier} allows ${usable}`);
        return finding(v, unknown ? "pool sizes known only after apply" : `${need} of ${usable} connections per node at peak (${tier})`);
    },
};

const openTelemetry: Rule = {
    id: "opentelemetry-connected",
    title: "OpenTelemetry connected",
    kind: "checklist",
    check(rs) {
        const tds = ofType(rs, T.taskDefinition);
        if (!tds.length) return finding(["no task definitions"], "");
        const v: string[] = [];
        let endpoint = "";
        for (const td of tds) {
            const containers = containersOf(td);
            if (!containers) continue;
            const env = envOf(containers[0]);
            endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT ?? "";
            if (!env.OTEL_EXPORTER_OTLP_ENDPOINT || !env.OTEL_SERVICE_NAME) v.push(`${td.name}: no OTLP endpoint or service name`);
            else if (/localhost|127\.0\.0\.1/.test(env.OTEL_EXPORTER_OTLP_ENDPOINT) && !containers.some((c) => /otel|collector/.test(c.name)))
                v.push(`${td.name}: exports to localhost without a collector sidecar`);
            // A sampler that records no new trace (OpenTelemetry SDK environment variables: *_always_off,
            // or a traceidratio of 0) leaves tracing connected in name only.
            const sampler = env.OTEL_TRACES_SAMPLER ?? "";
            if (/always_off$/.test(sampler) || (/traceidratio$/.test(sampler) && Number(env.OTEL_TRACES_SAMPLER_ARG ?? "1") <= 0))
                v.push(`${td.name}: the sampler ${sampler}${env.OTEL_TRACES_SAMPLER_ARG !== undefined ? ` ${env.OTEL_TRACES_SAMPLER_ARG}` : ""} records no trace`);
        }
        return finding(v, /localhost/.test(endpoint) ? "collector sidecar in every task, traces to X-Ray" : `traces to ${endpoint}`);
    },
};

const backups: Rule = {
    id: "automated-backups",
    title: "automated backups",
    kind: "checklist",
    check(rs) {
        const v: string[] = [];
        const clusters = ofType(rs, T.cluster);
        for (const c of clusters) {
            if (c.props.backupEnabled !== true) v.push(`${c.props.name}: cloud backup off`);
            if (c.props.pitEnabled !== true) v.push(`${c.props.name}: continuous backup (point-in-time) off`);
            if (!ofType(rs, T.backupSchedule).length) v.push(`${c.props.name}: no backup schedule`);
        }
        for (const g of ofType(rs, T.cache)) if (!(g.props.snapshotRetentionLimit >= 1)) v.push(`${g.props.replicationGroupId}: no snapshots`);
        const schedule = ofType(rs, T.backupSchedule)[0]?.props.policyItemDaily;
        const cache = ofType(rs, T.cache)[0]?.props;
        return finding(v, `Atlas continuous backup, daily snapshots kept ${schedule?.retentionValue} days; cache snapshots kept ${cache?.snapshotRetentionLimit} days`);
    },
};

export const CHECKLIST: Rule[] = [replicaSet, cacheFailover, twoInstances, healthChecks, adminSticky, poolSizes, openTelemetry, backups];
