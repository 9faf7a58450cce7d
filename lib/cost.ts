/**
 * What a stack costs per month, at its floor (every service at `instances`) and at its autoscaling
 * ceiling (every service at `maxInstances`, Atlas at its auto-scaling maximum), from a bill of
 * materials: the billable things the program declares. A plain module: it declares nothing.
 *
 * The bill of materials is read from the resources a run records (`bomFromResources`, what the
 * plan prices) or, for the budget check that must run before anything is declared, from the
 * validated config (`bomFromConfig`); the tests hold the two equal for every stack.
 */
import { PriceError, Price, RegionPrices, priceOf, pricesFor, round } from "./prices";

export const HOURS_PER_MONTH = 730;

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
    /** GB of Atlas cloud backup storage. Default 20. */
    atlasBackupGb: number;
    /**
     * GB of disk Atlas charges for once disk auto-scaling has grown the disk past the tier's
     * included storage (Atlas then charges the whole disk, not the difference). Default 0: the
     * disk is still the tier's included one.
     */
    atlasDiskGb: number;
    /** GB of cache snapshot storage beyond the free one. Default 1. */
    cacheSnapshotGb: number;
    /** GB of load-balancer access logs kept in S3. Default 10. */
    accessLogGbStored: number;
}

export const DEFAULT_ASSUMPTIONS: CostAssumptions = {
    requestsPerMonth: 10_000_000,
    lcuPerHour: 1,
    natGbPerMonth: 50,
    endpointGbPerMonth: 10,
    logGbPerMonth: 10,
    atlasBackupGb: 20,
    atlasDiskGb: 0,
    cacheSnapshotGb: 1,
    accessLogGbStored: 10,
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
    atlasPrivateEndpoints: number;
    cache?: { engine: "valkey" | "redis"; nodeType: string; nodes: number; snapshots: boolean };
    atlas?: { tier: string; ceilingTier: string; nodes: number; backup: boolean; diskAutoScaling: boolean };
    kmsKeys: number;
    secrets: number;
    waf?: { rules: number };
    alarmMetrics: number;
    dashboards: number;
    accessLogBucket: boolean;
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
    /** Where the config leaves money on the table at no loss of availability. */
    advice: string[];
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
        if (c.snapshots) usage("cache", "snapshot storage", "cacheSnapshotGb", P.cacheSnapshotGbMonth);
    }
    if (bom.atlas) {
        const a = bom.atlas;
        const floor = priceOf(P.atlasClusterHour, a.tier, "Atlas tier", bom.region);
        const ceiling = priceOf(P.atlasClusterHour, a.ceilingTier, "Atlas tier", bom.region);
        const nodes = a.nodes / 3;
        lines.push({ component: "atlas", item: `${a.nodes}-node ${a.tier}${a.ceilingTier !== a.tier ? `–${a.ceilingTier}` : ""} replica set`, floor: nodes * floor.usd * HOURS_PER_MONTH, ceiling: nodes * ceiling.usd * HOURS_PER_MONTH, price: floor });
        if (a.backup) usage("atlas", "cloud backup storage", "atlasBackupGb", P.atlasBackupGbMonth);
        // Disk auto-scaling: the tier's included disk costs nothing extra; once Atlas grows it, the
        // whole disk is charged per GB (priced for 3 nodes, each further node pro rata).
        if (a.diskAutoScaling) usage("atlas", "disk grown by disk auto-scaling (the whole disk, once past the tier's included storage)", "atlasDiskGb", P.atlasDiskGbMonth, 3 / a.nodes);
        fixed("atlas", "private endpoint", bom.atlasPrivateEndpoints, P.atlasPrivateEndpointHour);
    }
    fixed("security", `KMS keys (${bom.kmsKeys})`, bom.kmsKeys, P.kmsKeyMonth, false);
    fixed("security", `Secrets Manager secrets (${bom.secrets})`, bom.secrets, P.secretMonth, false);
    fixed("observability", `CloudWatch alarm metrics (${bom.alarmMetrics})`, bom.alarmMetrics, P.alarmMetricMonth, false);
    fixed("observability", "CloudWatch dashboards", bom.dashboards, P.dashboardMonth, false);
    if (bom.services.length) usage("observability", "log ingestion (services, collector, Container Insights)", "logGbPerMonth", P.logIngestGb);
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
        advice: advice(bom, P),
    };
}

function advice(bom: Bom, P: RegionPrices): string[] {
    const out: string[] = [];
    for (const s of bom.services.filter((s) => s.architecture === "X86_64")) {
        const save = s.floor * (s.vcpu * (P.fargateVcpuHour.X86_64.usd - P.fargateVcpuHour.ARM64.usd) + s.memoryGb * (P.fargateGbHour.X86_64.usd - P.fargateGbHour.ARM64.usd)) * HOURS_PER_MONTH;
        out.push(`${s.name}: ARM64 (Graviton) would save $${round(save).toFixed(2)}/month at the floor, if its image runs on arm64 (${s.name}.architecture)`);
    }
    if (bom.cache?.engine === "redis") {
        const redis = P.cacheNodeHour.redis[bom.cache.nodeType];
        const valkey = P.cacheNodeHour.valkey[bom.cache.nodeType];
        if (redis && valkey)
            out.push(`cache: valkey would save $${round(bom.cache.nodes * (redis.usd - valkey.usd) * HOURS_PER_MONTH).toFixed(2)}/month on the same nodes (cache.engine valkey; redis → valkey is an in-place upgrade)`);
    }
    return out;
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
    const cluster = of("mongodbatlas:index/advancedCluster:AdvancedCluster")[0]?.inputs;
    const rc = cluster?.replicationSpecs[0].regionConfigs[0];
    const acl = of("aws:wafv2/webAcl:WebAcl")[0];
    return {
        region,
        services: services.sort((a, b) => a.name.localeCompare(b.name)),
        loadBalancers: albs.length,
        loadBalancerZones: albs.reduce((n, a) => n + (a.inputs.subnets?.length ?? 0), 0),
        natGateways: of("aws:ec2/natGateway:NatGateway").length,
        elasticIps: of("aws:ec2/eip:Eip").length,
        endpointAzs: of("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface").reduce((n, e) => n + (e.inputs.subnetIds?.length ?? 0), 0),
        atlasPrivateEndpoints: of("mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint").length,
        cache: group ? { engine: group.engine, nodeType: group.nodeType, nodes: group.numCacheClusters, snapshots: group.snapshotRetentionLimit > 0 } : undefined,
        atlas: rc
            ? { tier: rc.electableSpecs.instanceSize, ceilingTier: rc.autoScaling?.computeEnabled ? rc.autoScaling.computeMaxInstanceSize : rc.electableSpecs.instanceSize, nodes: rc.electableSpecs.nodeCount, backup: cluster.backupEnabled === true, diskAutoScaling: rc.autoScaling?.diskGbEnabled === true }
            : undefined,
        kmsKeys: of("aws:kms/key:Key").length,
        secrets: of("aws:secretsmanager/secret:Secret").length,
        waf: acl ? { rules: acl.inputs.rules.length } : undefined,
        alarmMetrics: of("aws:cloudwatch/metricAlarm:MetricAlarm").reduce((n, a) => n + (a.inputs.metricQueries ? a.inputs.metricQueries.filter((q: any) => q.metric).length : 1), 0),
        dashboards: of("aws:cloudwatch/dashboard:Dashboard").length,
        accessLogBucket: of("aws:s3/bucket:Bucket").length > 0,
    };
}

export { PriceError };
