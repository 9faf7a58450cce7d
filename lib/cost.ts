/**
 * What a stack costs per month, at its floor (every service at `instances`) and at its autoscaling
 * ceiling (every service at `maxInstances`, Atlas at its auto-scaling maximum), from a bill of
 * materials: the billable things the program declares. A plain module: it declares nothing.
 *
 * The bill of materials is read from the resources a run records (`bomFromResources`, what the
 * plan prices) or, for the budget check that must run before anything is declared, from the
 * validated config (`bomFromConfig`); the tests hold the two equal for every stack.
 */
import { ECR_ENDPOINT_SERVICES } from "./images";
import { PriceError, Price, RegionPrices, XRAY_FREE_TRACES, priceOf, pricesFor, round } from "./prices";

export const HOURS_PER_MONTH = 730;
/** Days in the average month (365 / 12): what turns a retention in days into months of data kept. */
export const DAYS_PER_MONTH = 365 / 12;

/**
 * The custom metrics Container Insights (not "enhanced observability") publishes for an ECS cluster
 * on Fargate, all under ECS/ContainerInsights. Source: CloudWatch User Guide, "Amazon ECS Container
 * Insights metrics" (Container-Insights-metrics-ECS; the awsdocs copy read 2026-11-30): CpuUtilized,
 * CpuReserved, MemoryUtilized, MemoryReserved, NetworkRxBytes, NetworkTxBytes, StorageReadBytes and
 * StorageWriteBytes each by cluster, by service and by task-definition family; ServiceCount and
 * TaskCount by cluster; DeploymentCount, DesiredTaskCount, PendingTaskCount, RunningTaskCount and
 * TaskSetCount by service. ContainerInstanceCount counts EC2 instances (none on Fargate). Nothing is
 * published per task in this mode, so the count does not grow with the tasks. "Metrics collected by
 * Container Insights are charged as custom metrics" (the same page). Later versions of the page add
 * ephemeral-storage metrics on Fargate, which this count leaves out: if so, it is low by 2 per
 * cluster and 4 per service.
 */
export const CONTAINER_INSIGHTS_METRICS = { perCluster: 8 + 2, perService: 8 + 5, perTaskFamily: 8 } as const;

/**
 * Alarms Application Auto Scaling creates for each target-tracking policy: one to scale out and
 * one to scale in (TargetTracking-…-AlarmHigh-… and …-AlarmLow-…), billed as ordinary standard
 * alarms. Source: Application Auto Scaling User Guide, "Target tracking scaling policies"
 * ("Application Auto Scaling creates and manages the CloudWatch alarms that trigger the scaling
 * policy"; read 2026-11-30). The count of two is what AWS creates for a policy with scale-in
 * enabled, as these are; the page itself does not print the number.
 */
export const TARGET_TRACKING_ALARMS_PER_POLICY = 2;

/** Usage the price depends on but the program cannot know: stack config `cost.assumptions`, shown as such. */
export interface CostAssumptions {
    /** Requests through the load balancer and WAF per month. Default 10,000,000. */
    requestsPerMonth: number;
    /** Load balancer capacity units per hour. Default 1. */
    lcuPerHour: number;
    /** GB through the NAT gateways per month. Default 50. */
    natGbPerMonth: number;
    /** GB through the interface endpoints per month. Default 10. */
    endpointGbPerMonth: number;
    /** GB of logs ingested by CloudWatch per month (services, collector, Container Insights). Default 10. */
    logGbPerMonth: number;
    /** GB of data on the Atlas cluster's disk: what its first snapshot holds. Default 10. */
    atlasDataGb: number;
    /** Percent of the Atlas data that changes a day: each further snapshot, and a day of oplog. Default 5. */
    atlasDailyChangePercent: number;
    /** GB of data in the cache: what each of its daily snapshots holds. Default 1. */
    cacheDataGb: number;
    /**
     * GB of disk Atlas charges for once disk auto-scaling has grown the disk past the tier's
     * included storage (Atlas then charges the whole disk, not the difference). Default 0: the
     * disk is still the tier's included one.
     */
    atlasDiskGb: number;
    /** GB of load-balancer access logs kept in S3. Default 10. */
    accessLogGbStored: number;
    /** X-Ray traces retrieved or scanned a month (console, queries, Insights). Default 1,000,000 (the free tier). */
    tracesRetrievedPerMonth: number;
    /** Runs of each failover drill a month. Default 1. */
    drillRunsPerMonth: number;
}

export const DEFAULT_ASSUMPTIONS: CostAssumptions = {
    requestsPerMonth: 10_000_000,
    lcuPerHour: 1,
    natGbPerMonth: 50,
    endpointGbPerMonth: 10,
    logGbPerMonth: 10,
    atlasDataGb: 10,
    atlasDailyChangePercent: 5,
    cacheDataGb: 1,
    atlasDiskGb: 0,
    accessLogGbStored: 10,
    tracesRetrievedPerMonth: 1_000_000,
    drillRunsPerMonth: 1,
};

export interface Bom {
    region: string;
    services: { name: string; floor: number; ceiling: number; vcpu: number; memoryGb: number; architecture: "X86_64" | "ARM64" }[];
    loadBalancers: number;
    /** Zones the load balancer spans: one public IPv4 address each. */
    loadBalancerZones: number;
    natGateways: number;
    elasticIps: number;
    /** Interface endpoints × the zones each spans. */
    endpointAzs: number;
    /** Interface endpoint services declared (ecr.api, logs, …), sorted. */
    endpointServices: string[];
    atlasPrivateEndpoints: number;
    cache?: { engine: "valkey" | "redis"; nodeType: string; nodes: number; snapshotRetentionDays: number };
    /** Backups: daily snapshots kept `backupRetentionDays`; with continuous backup, oplog kept `restoreWindowDays` (else 0). */
    atlas?: { tier: string; ceilingTier: string; nodes: number; backupRetentionDays: number; restoreWindowDays: number; diskAutoScaling: boolean };
    kmsKeys: number;
    secrets: number;
    waf?: { rules: number };
    alarmMetrics: number;
    dashboards: number;
    accessLogBucket: boolean;
    /** Traces exported to X-Ray (a collector sidecar), at this parent-based sample ratio; absent when none go there. */
    xray?: { sampleRatio: number };
    /** Container Insights on the ECS cluster: its task-definition families (one per service). */
    containerInsights?: { services: number; taskFamilies: number };
    /** Target-tracking scaling policies (each brings its own alarms). */
    targetTrackingPolicies: number;
    /** Retention in days of each service's log group. */
    logRetentionDays: number[];
    /** Each failover drill and the FIS action-minutes one run of it takes. */
    drills: { name: string; actionMinutes: number }[];
}

export interface CostLine {
    component: string;
    item: string;
    floor: number;
    ceiling: number;
    /** Set when the figure rests on an assumption rather than on what is declared. */
    assumption?: { key: keyof CostAssumptions; value: number; unitPrice: number; unit: string };
    price: Price;
}

export interface Estimate {
    region: string;
    lines: CostLine[];
    byComponent: { component: string; floor: number; ceiling: number }[];
    floor: number;
    ceiling: number;
    /** Where the config leaves money on the table at no loss of availability, the largest saving first. */
    advice: string[];
    /** One line per price the estimate rests on that no public page confirmed: an estimate, not a quote. */
    estimates: string[];
    /** What one run of each failover drill costs (FIS action-minutes). */
    drillRuns: { name: string; actionMinutes: number; usd: number }[];
}

/** The monthly estimate of a bill of materials; a PriceError when a price is missing. */
export function estimate(bom: Bom, assumptions: CostAssumptions = DEFAULT_ASSUMPTIONS): Estimate {
    const P = pricesFor(bom.region);
    const lines: CostLine[] = [];
    const fixed = (component: string, item: string, quantity: number, price: Price, hourly = true, ceilingQuantity = quantity) => {
        if (!quantity && !ceilingQuantity) return;
        const month = hourly ? HOURS_PER_MONTH : 1;
        lines.push({ component, item, floor: quantity * price.usd * month, ceiling: ceilingQuantity * price.usd * month, price });
    };
    const usage = (component: string, item: string, key: keyof CostAssumptions, price: Price, perUnit = 1, hourly = false) => {
        const value = assumptions[key];
        const cost = (value / perUnit) * price.usd * (hourly ? HOURS_PER_MONTH : 1);
        lines.push({ component, item, floor: cost, ceiling: cost, price, assumption: { key, value, unitPrice: price.usd, unit: price.unit } });
    };

    for (const s of bom.services) {
        const vcpu = P.fargateVcpuHour[s.architecture];
        const gb = P.fargateGbHour[s.architecture];
        const task = (s.vcpu * vcpu.usd + s.memoryGb * gb.usd) * HOURS_PER_MONTH;
        lines.push({ component: "services", item: `${s.name}: ${s.floor}–${s.ceiling} × ${s.vcpu} vCPU / ${s.memoryGb} GB ${s.architecture}`, floor: s.floor * task, ceiling: s.ceiling * task, price: vcpu });
    }
    fixed("load balancer", "Application Load Balancer", bom.loadBalancers, P.albHour);
    if (bom.loadBalancers) usage("load balancer", "LCUs", "lcuPerHour", P.albLcuHour, 1, true);
    fixed("load balancer", "public IPv4 addresses (one per zone)", bom.loadBalancerZones, P.publicIpv4Hour);
    if (bom.waf) {
        fixed("load balancer", "WAF web ACL", 1, P.wafAclMonth, false);
        fixed("load balancer", `WAF rules (${bom.waf.rules})`, bom.waf.rules, P.wafRuleMonth, false);
        usage("load balancer", "WAF requests", "requestsPerMonth", P.wafMillionRequests, 1_000_000);
    }
    fixed("network", `NAT gateways (${bom.natGateways})`, bom.natGateways, P.natHour);
    if (bom.natGateways) usage("network", "NAT data processed", "natGbPerMonth", P.natGb);
    fixed("network", "NAT public IPv4 addresses", bom.elasticIps, P.publicIpv4Hour);
    fixed("network", "interface endpoints (AZ-hours)", bom.endpointAzs, P.endpointAzHour);
    if (bom.endpointAzs) usage("network", "interface endpoint data", "endpointGbPerMonth", P.endpointGb);
    if (bom.cache) {
        const c = bom.cache;
        const price = priceOf(P.cacheNodeHour[c.engine], c.nodeType, `${c.engine} node type`, bom.region);
        fixed("cache", `${c.nodes} × ${c.nodeType} (${c.engine})`, c.nodes, price);
        // One snapshot a day, each the whole data set, kept snapshotRetentionDays; one is free.
        const billed = Math.max(0, c.snapshotRetentionDays - 1);
        if (billed) usage("cache", `snapshot storage (${c.snapshotRetentionDays} daily snapshots × cacheDataGb, one free)`, "cacheDataGb", P.cacheSnapshotGbMonth, 1 / billed);
    }
    if (bom.atlas) {
        const a = bom.atlas;
        const floor = priceOf(P.atlasClusterHour, a.tier, "Atlas tier", bom.region);
        const ceiling = priceOf(P.atlasClusterHour, a.ceilingTier, "Atlas tier", bom.region);
        const nodes = a.nodes / 3;
        lines.push({ component: "atlas", item: `${a.nodes}-node ${a.tier}${a.ceilingTier !== a.tier ? `–${a.ceilingTier}` : ""} replica set`, floor: nodes * floor.usd * HOURS_PER_MONTH, ceiling: nodes * ceiling.usd * HOURS_PER_MONTH, price: floor });
        if (a.backupRetentionDays) {
            const gb = atlasBackupGb(a, assumptions);
            const what = `${a.backupRetentionDays} daily snapshot${a.backupRetentionDays === 1 ? "" : "s"}${a.restoreWindowDays ? ` + ${a.restoreWindowDays} days of oplog` : ""}: ${round(gb, 1)} GB`;
            lines.push({ component: "atlas", item: `cloud backup storage (${what})`, floor: gb * P.atlasBackupGbMonth.usd, ceiling: gb * P.atlasBackupGbMonth.usd, price: P.atlasBackupGbMonth,
                assumption: { key: "atlasDataGb", value: assumptions.atlasDataGb, unitPrice: P.atlasBackupGbMonth.usd, unit: P.atlasBackupGbMonth.unit } });
        }
        // Disk auto-scaling: the tier's included disk costs nothing extra; once Atlas grows it, the
        // whole disk is charged per GB (priced for 3 nodes, each further node pro rata).
        if (a.diskAutoScaling) usage("atlas", "disk grown by disk auto-scaling (the whole disk, once past the tier's included storage)", "atlasDiskGb", P.atlasDiskGbMonth, 3 / a.nodes);
        fixed("atlas", "private endpoint", bom.atlasPrivateEndpoints, P.atlasPrivateEndpointHour);
    }
    fixed("security", `KMS keys (${bom.kmsKeys})`, bom.kmsKeys, P.kmsKeyMonth, false);
    fixed("security", `Secrets Manager secrets (${bom.secrets})`, bom.secrets, P.secretMonth, false);
    fixed("observability", `CloudWatch alarm metrics (${bom.alarmMetrics})`, bom.alarmMetrics, P.alarmMetricMonth, false);
    const scalingAlarms = bom.targetTrackingPolicies * TARGET_TRACKING_ALARMS_PER_POLICY;
    fixed("observability", `target-tracking alarms (${scalingAlarms}: ${TARGET_TRACKING_ALARMS_PER_POLICY} per scaling policy, made by Application Auto Scaling)`, scalingAlarms, P.alarmMetricMonth, false);
    if (bom.containerInsights) {
        const n = containerInsightsMetrics(bom.containerInsights);
        fixed("observability", `Container Insights metrics (${n} custom metrics: cluster, ${bom.containerInsights.services} services, ${bom.containerInsights.taskFamilies} task families)`, n, P.customMetricMonth, false);
    }
    fixed("observability", "CloudWatch dashboards", bom.dashboards, P.dashboardMonth, false);
    if (bom.services.length) usage("observability", "log ingestion (services, collector, Container Insights)", "logGbPerMonth", P.logIngestGb);
    if (bom.logRetentionDays.length) {
        const gb = logStoredGb(bom.logRetentionDays, assumptions.logGbPerMonth);
        const longest = Math.max(...bom.logRetentionDays);
        lines.push({ component: "observability", item: `log storage at retention: ${round(gb, 1)} GB, the steady state reached after ${longest} days (month 1 keeps at most one month of logs)`, floor: gb * P.logStorageGbMonth.usd, ceiling: gb * P.logStorageGbMonth.usd, price: P.logStorageGbMonth,
            assumption: { key: "logGbPerMonth", value: assumptions.logGbPerMonth, unitPrice: P.logStorageGbMonth.usd, unit: P.logStorageGbMonth.unit } });
    }
    if (bom.xray) {
        const x = xrayCost(bom.xray.sampleRatio, assumptions, P);
        lines.push({ component: "observability", item: `X-Ray traces recorded (requestsPerMonth × sample ratio ${bom.xray.sampleRatio} = ${x.recorded.toLocaleString("en-US")}, ${XRAY_FREE_TRACES.recorded.toLocaleString("en-US")} free)`, floor: x.recordedUsd, ceiling: x.recordedUsd, price: P.xrayMillionTracesRecorded,
            assumption: { key: "requestsPerMonth", value: assumptions.requestsPerMonth, unitPrice: P.xrayMillionTracesRecorded.usd, unit: P.xrayMillionTracesRecorded.unit } });
        lines.push({ component: "observability", item: `X-Ray traces retrieved or scanned (${XRAY_FREE_TRACES.retrievedOrScanned.toLocaleString("en-US")} free)`, floor: x.retrievedUsd, ceiling: x.retrievedUsd, price: P.xrayMillionTracesRetrieved,
            assumption: { key: "tracesRetrievedPerMonth", value: assumptions.tracesRetrievedPerMonth, unitPrice: P.xrayMillionTracesRetrieved.usd, unit: P.xrayMillionTracesRetrieved.unit } });
    }
    if (bom.drills.length) {
        const minutes = bom.drills.reduce((n, d) => n + d.actionMinutes, 0);
        const cost = assumptions.drillRunsPerMonth * minutes * P.fisActionMinute.usd;
        lines.push({ component: "drills", item: `FIS action-minutes: ${bom.drills.map((d) => `${d.name} ${d.actionMinutes}`).join(", ")} per run`, floor: cost, ceiling: cost, price: P.fisActionMinute,
            assumption: { key: "drillRunsPerMonth", value: assumptions.drillRunsPerMonth, unitPrice: P.fisActionMinute.usd, unit: P.fisActionMinute.unit } });
    }
    if (bom.accessLogBucket) usage("load balancer", "access logs kept in S3", "accessLogGbStored", P.s3GbMonth);

    const rounded = lines.map((l) => ({ ...l, floor: round(l.floor), ceiling: round(l.ceiling) }));
    const components = [...new Set(rounded.map((l) => l.component))];
    const byComponent = components.map((component) => {
        const of = rounded.filter((l) => l.component === component);
        return { component, floor: round(of.reduce((n, l) => n + l.floor, 0)), ceiling: round(of.reduce((n, l) => n + l.ceiling, 0)) };
    });
    return {
        region: bom.region,
        lines: rounded,
        byComponent,
        floor: round(byComponent.reduce((n, c) => n + c.floor, 0)),
        ceiling: round(byComponent.reduce((n, c) => n + c.ceiling, 0)),
        advice: advice(bom, P, assumptions),
        estimates: [...new Map(rounded.filter((l) => l.price.estimate).map((l) => [l.price, `${l.component}: ${l.item}: $${l.price.usd} per ${l.price.unit} is an estimate, not a quote (${l.price.estimate})`])).values()],
        drillRuns: bom.drills.map((d) => ({ ...d, usd: round(d.actionMinutes * P.fisActionMinute.usd) })),
    };
}


function advice(bom: Bom, P: RegionPrices, assumptions: CostAssumptions): string[] {
    const out: { saving: number; text: string }[] = [];
    const add = (saving: number, text: (usd: string) => string) => out.push({ saving: round(saving), text: text(`$${round(saving).toFixed(2)}/month`) });
    for (const s of bom.services.filter((s) => s.architecture === "X86_64")) {
        const save = s.floor * (s.vcpu * (P.fargateVcpuHour.X86_64.usd - P.fargateVcpuHour.ARM64.usd) + s.memoryGb * (P.fargateGbHour.X86_64.usd - P.fargateGbHour.ARM64.usd)) * HOURS_PER_MONTH;
        add(save, (usd) => `${s.name}: ARM64 (Graviton) would save ${usd} at the floor, if its image runs on arm64 (${s.name}.architecture)`);
    }
    if (bom.cache?.engine === "redis") {
        const redis = P.cacheNodeHour.redis[bom.cache.nodeType];
        const valkey = P.cacheNodeHour.valkey[bom.cache.nodeType];
        if (redis && valkey)
            add(bom.cache.nodes * (redis.usd - valkey.usd) * HOURS_PER_MONTH, (usd) => `cache: valkey would save ${usd} on the same nodes (cache.engine valkey; redis → valkey is an in-place upgrade)`);
    }
    // The ECR endpoints follow the images: say what leaving them out saves, and what they cost when an image needs them.
    // Interface endpoints span the private subnets, one per zone, as the load balancer spans the public ones.
    const ecrEndpoints = ECR_ENDPOINT_SERVICES.length * bom.loadBalancerZones * P.endpointAzHour.usd * HOURS_PER_MONTH;
    if (bom.endpointServices.length && !bom.endpointServices.some((s) => (ECR_ENDPOINT_SERVICES as readonly string[]).includes(s)))
        add(ecrEndpoints, (usd) => `network: the ecr.api and ecr.dkr interface endpoints are left out, saving ${usd}: no image is pulled from ECR in ${bom.region} (they come back with a build or an ECR image there)`);
    if (bom.xray) {
        const base = xrayCost(bom.xray.sampleRatio, assumptions, P).recordedUsd;
        const half = xrayCost(bom.xray.sampleRatio / 2, assumptions, P).recordedUsd;
        if (base - half >= 1)
            add(base - half, (usd) => `observability: halving the trace sample ratio (${bom.xray!.sampleRatio} → ${bom.xray!.sampleRatio / 2}) would save ${usd} on X-Ray at ${assumptions.requestsPerMonth.toLocaleString("en-US")} requests (observability.traceSampleRatio)`);
    }
    return out.sort((a, b) => b.saving - a.saving).map((a) => a.text);
}

/** Container Insights' custom metrics for a cluster of `services` services and `taskFamilies` task-definition families. */
export function containerInsightsMetrics(ci: { services: number; taskFamilies: number }): number {
    const m = CONTAINER_INSIGHTS_METRICS;
    return m.perCluster + ci.services * m.perService + ci.taskFamilies * m.perTaskFamily;
}

/**
 * GB of Atlas cloud backup: the first snapshot holds the data, each further daily snapshot the
 * day's changes (Atlas snapshots on AWS are incremental EBS snapshots), and continuous backup keeps
 * the oplog of the restore window, a day's changes a day.
 */
export function atlasBackupGb(a: { backupRetentionDays: number; restoreWindowDays: number }, x: CostAssumptions): number {
    const daily = x.atlasDataGb * (x.atlasDailyChangePercent / 100);
    return x.atlasDataGb + daily * Math.max(0, a.backupRetentionDays - 1) + daily * a.restoreWindowDays;
}

/**
 * GB of logs CloudWatch keeps once every group is at its retention: `logGbPerMonth` split evenly
 * over the groups, each keeping `retention / (365 / 12)` months of it. Stored is priced as ingested:
 * CloudWatch bills the compressed size, so this is an upper bound.
 */
export function logStoredGb(retentionDays: number[], logGbPerMonth: number): number {
    const perGroup = logGbPerMonth / retentionDays.length;
    return retentionDays.reduce((n, days) => n + perGroup * (days / DAYS_PER_MONTH), 0);
}

/** X-Ray for a month: traces recorded (requests × ratio) and retrieved, each beyond its free tier. */
export function xrayCost(sampleRatio: number, x: CostAssumptions, P: RegionPrices): { recorded: number; recordedUsd: number; retrievedUsd: number } {
    const recorded = Math.round(x.requestsPerMonth * sampleRatio);
    const beyond = (n: number, free: number) => Math.max(0, n - free) / 1_000_000;
    return {
        recorded,
        recordedUsd: beyond(recorded, XRAY_FREE_TRACES.recorded) * P.xrayMillionTracesRecorded.usd,
        retrievedUsd: beyond(x.tracesRetrievedPerMonth, XRAY_FREE_TRACES.retrievedOrScanned) * P.xrayMillionTracesRetrieved.usd,
    };
}

/**
 * FIS action-minutes one run of a drill takes: each action's `duration`, and a minute for an
 * action without one (a stop-task ends in seconds; FIS rounds to the nearest minute, so it bills
 * 0 or 1: the estimate takes 1).
 */
export function actionMinutes(durations: (number | undefined)[]): number {
    return durations.reduce<number>((n, d) => n + (d ?? 1), 0);
}

/** "PT10M" → 10, "PT1H30M" → 90; undefined when absent. */
export function isoDurationMinutes(value: string | undefined): number | undefined {
    if (!value) return undefined;
    const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(value);
    if (!m) throw new Error(`not an ISO-8601 duration FIS takes: ${value}`);
    return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) + Math.ceil(Number(m[3] ?? 0) / 60);
}

/** The difference `after − before`, per component and in total. */
export function difference(before: Estimate, after: Estimate): { component: string; floor: number; ceiling: number }[] {
    const components = [...new Set([...before.byComponent, ...after.byComponent].map((c) => c.component))];
    const get = (e: Estimate, c: string) => e.byComponent.find((x) => x.component === c) ?? { floor: 0, ceiling: 0 };
    const rows = components.map((component) => ({ component, floor: round(get(after, component).floor - get(before, component).floor), ceiling: round(get(after, component).ceiling - get(before, component).ceiling) }));
    return [...rows.filter((r) => r.floor || r.ceiling), { component: "total", floor: round(after.floor - before.floor), ceiling: round(after.ceiling - before.ceiling) }];
}

/** A resource as the estimate reads it (the run's recorded resources). */
export interface PricedResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
    outputs: Record<string, any>;
}

/** The bill of materials of the resources a run declares. */
export function bomFromResources(region: string, resources: PricedResource[]): Bom {
    const of = (type: string) => resources.filter((r) => r.type === type);
    const targets = of("aws:appautoscaling/target:Target");
    const services = of("aws:ecs/service:Service").map((s) => {
        const td = of("aws:ecs/taskDefinition:TaskDefinition").find((d) => d.outputs.arn === s.inputs.taskDefinition)!;
        const scaler = targets.find((t) => String(t.inputs.resourceId).endsWith(`/${s.outputs.name}`));
        return {
            name: s.inputs.tags?.service ?? s.name,
            floor: scaler ? scaler.inputs.minCapacity : s.inputs.desiredCount,
            ceiling: scaler ? scaler.inputs.maxCapacity : s.inputs.desiredCount,
            vcpu: Number(td.inputs.cpu) / 1024,
            memoryGb: Number(td.inputs.memory) / 1024,
            architecture: td.inputs.runtimePlatform?.cpuArchitecture ?? "X86_64",
        };
    });
    const albs = of("aws:lb/loadBalancer:LoadBalancer");
    const group = of("aws:elasticache/replicationGroup:ReplicationGroup")[0]?.inputs;
    const atlas = of("mongodbatlas:index/advancedCluster:AdvancedCluster")[0];
    const rc = atlas?.inputs.replicationSpecs[0].regionConfigs[0];
    const acl = of("aws:wafv2/webAcl:WebAcl")[0];
    const interfaces = of("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface");
    const ownService = (e: PricedResource) => String(e.inputs.serviceName).startsWith(`com.amazonaws.${region}.`);
    const schedule = of("mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule")[0]?.inputs;
    const definitions = of("aws:ecs/taskDefinition:TaskDefinition").map((d) => JSON.parse(d.inputs.containerDefinitions) as any[]);
    const app = definitions.map((defs) => defs[0]);
    const sampler = (c: any) => c.environment.find((e: any) => e.name === "OTEL_TRACES_SAMPLER_ARG")?.value;
    const toXray = definitions.some((defs) => defs.some((c) => c.name === "otel-collector" && /awsxray/.test(c.environment.find((e: any) => e.name === "AOT_CONFIG_CONTENT")?.value ?? "")));
    const cluster = of("aws:ecs/cluster:Cluster")[0];
    const insights = cluster?.inputs.settings?.some((x: any) => x.name === "containerInsights" && x.value === "enabled");
    const fis = of("aws:fis/experimentTemplate:ExperimentTemplate");
    return {
        region,
        services: services.sort((a, b) => a.name.localeCompare(b.name)),
        loadBalancers: albs.length,
        loadBalancerZones: albs.reduce((n, a) => n + (a.inputs.subnets?.length ?? 0), 0),
        natGateways: of("aws:ec2/natGateway:NatGateway").length,
        elasticIps: of("aws:ec2/eip:Eip").length,
        endpointAzs: interfaces.reduce((n, e) => n + (e.inputs.subnetIds?.length ?? 0), 0),
        endpointServices: interfaces.filter(ownService).map((e) => String(e.inputs.serviceName).slice(`com.amazonaws.${region}.`.length)).sort(),
        atlasPrivateEndpoints: of("mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint").length,
        cache: group ? { engine: group.engine, nodeType: group.nodeType, nodes: group.numCacheClusters, snapshotRetentionDays: group.snapshotRetentionLimit ?? 0 } : undefined,
        atlas: rc
            ? {
                  tier: rc.electableSpecs.instanceSize,
                  ceilingTier: rc.autoScaling?.computeEnabled ? rc.autoScaling.computeMaxInstanceSize : rc.electableSpecs.instanceSize,
                  nodes: rc.electableSpecs.nodeCount,
                  backupRetentionDays: atlas.inputs.backupEnabled === true ? (schedule?.policyItemDaily?.retentionValue ?? 0) : 0,
                  restoreWindowDays: atlas.inputs.pitEnabled === true ? (schedule?.restoreWindowDays ?? 0) : 0,
                  diskAutoScaling: rc.autoScaling?.diskGbEnabled === true,
              }
            : undefined,
        kmsKeys: of("aws:kms/key:Key").length,
        secrets: of("aws:secretsmanager/secret:Secret").length,
        waf: acl ? { rules: acl.inputs.rules.length } : undefined,
        alarmMetrics: of("aws:cloudwatch/metricAlarm:MetricAlarm").reduce((n, a) => n + (a.inputs.metricQueries ? a.inputs.metricQueries.filter((q: any) => q.metric).length : 1), 0),
        dashboards: of("aws:cloudwatch/dashboard:Dashboard").length,
        accessLogBucket: of("aws:s3/bucket:Bucket").length > 0,
        xray: toXray && app.length ? { sampleRatio: Number(sampler(app[0])) } : undefined,
        containerInsights: insights ? { services: services.length, taskFamilies: new Set(of("aws:ecs/taskDefinition:TaskDefinition").map((d) => d.inputs.family)).size } : undefined,
        targetTrackingPolicies: of("aws:appautoscaling/policy:Policy").filter((p) => p.inputs.policyType === "TargetTrackingScaling").length,
        logRetentionDays: of("aws:cloudwatch/logGroup:LogGroup").filter((g) => String(g.inputs.name).startsWith("/ecs/")).map((g) => g.inputs.retentionInDays).sort((a, b) => a - b),
        drills: fis
            .map((t) => ({ name: t.inputs.tags.drill as string, actionMinutes: actionMinutes(t.inputs.actions.map((a: any) => isoDurationMinutes(a.parameters?.find((x: any) => x.key === "duration")?.value))) }))
            .sort((a, b) => a.name.localeCompare(b.name)),
    };
}

export { PriceError };
