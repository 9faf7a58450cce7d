/** The monthly estimate of a bill of materials: per component, floor and ceiling, with the advice it leads to. */
import { ECR_ENDPOINT_SERVICES } from "../images";
import { Price, RegionPrices, XRAY_FREE_TRACES, priceOf, pricesFor, round } from "../prices";
import { HOURS_PER_MONTH, TARGET_TRACKING_ALARMS_PER_POLICY, CostAssumptions, DEFAULT_ASSUMPTIONS, Bom } from "./assumptions";
import { containerInsightsMetrics, atlasBackupGb, logStoredGb, xrayCost, actionMinutes } from "./usage";

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
    // Every byte the NAT gateways carry passes the egress firewall first. AWS waives NAT gateway
    // hours and GB one for one against firewall ones (the pricing page); not counted: an upper bound.
    fixed("network", `egress firewall endpoints (${bom.firewallEndpoints})`, bom.firewallEndpoints, P.firewallEndpointHour);
    if (bom.firewallEndpoints) usage("network", "egress firewall data processed", "natGbPerMonth", P.firewallGb);
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
    }
    // Atlas bills each region's private endpoint by the hour (Atlas docs, Billing, "Private Endpoints"),
    // whether this stack owns the cluster or, as a warm standby, reaches another stack's.
    fixed("atlas", "private endpoint", bom.atlasPrivateEndpoints, P.atlasPrivateEndpointHour);
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
