import { strict as assert } from "assert";
import { bomFromResources, estimate, isoDurationMinutes, CONTAINER_INSIGHTS_METRICS, DEFAULT_ASSUMPTIONS, HOURS_PER_MONTH, Estimate } from "../../lib/cost";
import { ELASTICACHE_NODE_TYPES } from "../../lib/limits";
import { PRICES, PriceError, VALKEY_DISCOUNT } from "../../lib/prices";
import { bomFromConfig, validateConfig, ConfigError } from "../../lib/config";
import { rawConfigFrom } from "../../lib/stackConfig";
import { assembleConfig, gatewayStacks, runProgram, stackRun } from "../harness";

const config = (stack: string, set: Record<string, unknown> = {}) => {
    const { values } = assembleConfig(stack, set);
    return validateConfig(rawConfigFrom(values), values["aws:region"]);
};
const P = PRICES["us-east-1"];
const cents = (x: number) => Math.round(x * 100) / 100;

describe("cost estimate", () => {
    it("prices every entry from a named page on a named day, or says it is an estimate and why, never both", () => {
        const entries: { source?: string; estimate?: string; read: string; usd: number; unit: string }[] = [];
        const walk = (v: any) => (v && typeof v === "object" && "usd" in v ? entries.push(v) : v && typeof v === "object" && Object.values(v).forEach(walk));
        walk(PRICES);
        assert.ok(entries.length > 40);
        for (const e of entries) {
            assert.ok(!!e.source !== !!e.estimate, `exactly one of source and estimate: ${JSON.stringify(e)}`);
            if (e.source) assert.match(e.source, /^https:\/\/(aws\.amazon\.com|www\.mongodb\.com)\//, JSON.stringify(e));
            else assert.match(e.estimate!, /searched .* on 2026-11-30/, JSON.stringify(e));
            assert.match(e.read, /^\d{4}-\d\d-\d\d$/);
            assert.ok(Number.isFinite(e.usd) && e.usd > 0, JSON.stringify(e));
        }
        // Valkey nodes are priced 20% under Redis OSS nodes.
        assert.equal(P.cacheNodeHour.valkey["cache.m7g.large"].usd, cents(0.158 * (1 - VALKEY_DISCOUNT) * 10000) / 10000);
        // What no public page confirmed is marked so: Atlas backup storage, tiers but M10 and M30, cache snapshots.
        const estimated = Object.entries(P.atlasClusterHour).filter(([, p]) => p.estimate).map(([t]) => t);
        assert.deepEqual(estimated, ["M20", "M40", "M50", "M60", "M80", "M140", "M200", "M300"]);
        for (const price of [P.atlasBackupGbMonth, P.cacheSnapshotGbMonth]) assert.ok(price.estimate && !price.source, price.unit);
        // Atlas's billing docs state its private endpoint hour per region: $0.045 in us-east-1 and us-east-2.
        for (const region of ["us-east-1", "us-east-2"]) {
            const endpoint = PRICES[region].atlasPrivateEndpointHour;
            assert.deepEqual([endpoint.usd, endpoint.source, endpoint.estimate], [0.045, "https://www.mongodb.com/docs/atlas/billing/additional-services/", undefined], region);
        }
        for (const price of [P.atlasClusterHour.M10, P.atlasClusterHour.M30, P.xrayMillionTracesRecorded, P.fisActionMinute, P.customMetricMonth, P.logStorageGbMonth]) assert.ok(price.source && !price.estimate, price.unit);
    });

    it("prices us-east-2 (a warm standby's region) for every price us-east-1 has, each from the same page or as an estimate", () => {
        const leaves = (v: any, at = ""): [string, any][] => (v && typeof v === "object" && "usd" in v ? [[at, v]] : Object.entries(v ?? {}).flatMap(([k, x]) => leaves(x, `${at}.${k}`)));
        const east1 = new Map(leaves(PRICES["us-east-1"]));
        const east2 = new Map(leaves(PRICES["us-east-2"]));
        assert.deepEqual([...east2.keys()].sort(), [...east1.keys()].sort());
        for (const [at, price] of east2) {
            const one = east1.get(at);
            assert.equal(price.unit, one.unit, at);
            // A page's price in Ohio comes from the page us-east-1's cites; what is an estimate there is one here.
            if (price.source) assert.equal(price.source, one.source, at);
            if (one.estimate) assert.ok(price.estimate, `${at}: an estimate in us-east-1 cannot be sourced in us-east-2`);
            if (price.estimate) assert.match(price.estimate, /us-east-2/, at);
        }
        // Atlas's public prices are us-east-1's: in us-east-2 every tier is an estimate.
        assert.deepEqual(Object.values(PRICES["us-east-2"].atlasClusterHour).filter((p) => !p.estimate), []);
        // Cross-checked that day: Fargate (the Price List's us-east-2 entries) and FIS (one price outside GovCloud).
        const checked = [...east2].filter(([, p]) => p.checked).map(([at]) => at).sort();
        assert.deepEqual(checked, [".fargateGbHour.ARM64", ".fargateGbHour.X86_64", ".fargateVcpuHour.ARM64", ".fargateVcpuHour.X86_64", ".fisActionMinute"]);
    });

    it("computes prod's floor and ceiling as the price table says, by hand", () => {
        const e = estimate(bomFromConfig(config("prod")));
        const task = (vcpu: number, gb: number) => (vcpu * P.fargateVcpuHour.X86_64.usd + gb * P.fargateGbHour.X86_64.usd) * HOURS_PER_MONTH;
        // admin 2–4 × 0.5 vCPU/1 GB, main 3–8 × 1/2, worker 2–6 × 1/3 (Pulumi.prod.yaml).
        const servicesFloor = 2 * task(0.5, 1) + 3 * task(1, 2) + 2 * task(1, 3);
        const servicesCeiling = 4 * task(0.5, 1) + 8 * task(1, 2) + 6 * task(1, 3);
        const byComponent = Object.fromEntries(e.byComponent.map((c) => [c.component, c]));
        assert.ok(Math.abs(byComponent.services.floor - servicesFloor) < 0.02, `${byComponent.services.floor} vs ${servicesFloor}`);
        assert.ok(Math.abs(byComponent.services.ceiling - servicesCeiling) < 0.02);
        // Atlas: a 3-node M30 at its hourly price, 20 GB of backup (10 GB, 13 further snapshots and
        // 7 days of oplog at 5% a day), the private endpoint; cache: 3 valkey m7g.large nodes and 13
        // of its 14 daily 1 GB snapshots (one is free).
        assert.equal(byComponent.atlas.floor, cents(cents(0.54 * 730) + cents((10 + 0.5 * 13 + 0.5 * 7) * 0.14) + cents(0.045 * 730)));
        assert.equal(byComponent.cache.floor, cents(cents(3 * 0.158 * 0.8 * 730) + cents(13 * 1 * 0.085)));
        // Network: 3 NAT gateways and their addresses, 50 GB through them, 4 interface endpoints
        // (kms, logs, secretsmanager, Atlas PrivateLink; no ECR pair: no image comes from ECR) × 3 zones,
        // and the egress firewall's 3 endpoints with the same 50 GB through them.
        assert.equal(byComponent.network.floor, cents(cents(3 * 0.045 * 730) + cents(50 * 0.045) + cents(3 * 0.005 * 730) + cents(12 * 0.01 * 730) + cents(10 * 0.01) + cents(3 * 0.395 * 730) + cents(50 * 0.065)));
        assert.equal(e.ceiling, cents(e.byComponent.reduce((n, c) => n + c.ceiling, 0)));
        assert.ok(e.ceiling > e.floor);
    });

    it("counts what the program declares exactly as the config describes it", async () => {
        const variants: [string, Record<string, unknown>][] = [
            ...gatewayStacks().map((s) => [s, {}] as [string, Record<string, unknown>]),
            // An ECR image of another region needs no ECR endpoints; no tracing, no X-Ray.
            ["dev", { "main.architecture": "ARM64", "cache.engine": "redis", "cache.nodes": 2, "loadBalancer.waf.enabled": true, "network.interfaceEndpoints": true, "loadBalancer.accessLogs": true,
                "admin.image": `123456789012.dkr.ecr.eu-west-1.amazonaws.com/gateway/admin@sha256:${"a".repeat(64)}`, "observability.tracing": false, "main.logRetentionDays": 90 }],
            // An ECR image of the stack's region brings the ECR endpoints back.
            ["prod", { "atlas.autoScaling": { minTier: "M30", maxTier: "M60" }, "network.natGateways": "perAz", "atlas.electableNodes": 5,
                "main.image": `123456789012.dkr.ecr.us-east-1.amazonaws.com/gateway/main@sha256:${"b".repeat(64)}`, "observability.traceSampleRatio": 0.2, "drills.durationMinutes": 30, "cache.snapshotRetentionDays": 3 }],
            // An external collector: traces leave for it, not X-Ray; no drills; snapshots only.
            ["staging", { "atlas.privateLink": false, "loadBalancer.accessLogsBucket": "my-logs", "observability.otlpEndpoint": "https://otlp.example.com:4318", "drills.enabled": false, "atlas.pointInTimeRestore": false, "atlas.diskAutoScaling": false }],
            ["restore-drill", {}],
            // A warm standby: no cluster of its own, one private endpoint to the primary's.
            ["standby-prod", {}],
            ["region-drill", {}],
        ];
        for (const [stack, set] of variants) {
            const run = Object.keys(set).length ? await runProgram({ stack, set }) : await stackRun(stack);
            assert.deepEqual(bomFromResources(run.outputs.region, run.resources), bomFromConfig(config(stack, set)), `${stack} ${JSON.stringify(set)}`);
        }
    });

    it("prices the disk Atlas grows with disk auto-scaling as an assumption, and nothing when it is off", () => {
        const line = (e: ReturnType<typeof estimate>) => e.lines.find((l) => l.assumption?.key === "atlasDiskGb");
        const included = line(estimate(bomFromConfig(config("prod"))))!;
        assert.deepEqual([included.floor, included.assumption!.value], [0, 0], "the tier's included disk costs nothing extra");
        assert.match(included.item, /disk grown by disk auto-scaling/);
        // 200 GB on a 5-node replica set: the whole disk at the 3-node price, each further node pro rata.
        const grown = line(estimate(bomFromConfig(config("prod", { "atlas.electableNodes": 5 })), { ...DEFAULT_ASSUMPTIONS, atlasDiskGb: 200 }))!;
        assert.equal(cents(grown.floor), cents(200 * P.atlasDiskGbMonth.usd * (5 / 3)));
        assert.equal(grown.floor, grown.ceiling);
        assert.equal(line(estimate(bomFromConfig(config("prod", { "atlas.diskAutoScaling": false })), { ...DEFAULT_ASSUMPTIONS, atlasDiskGb: 200 })), undefined);
    });

    it("refuses to price a region or a node type the table lacks, naming it", () => {
        assert.throws(() => estimate({ ...bomFromConfig(config("dev")), region: "eu-west-1" }), (e: Error) => e instanceof PriceError && /no prices for region eu-west-1 in lib\/prices\.ts \(priced: us-east-1, us-east-2\)/.test(e.message));
        const unpriced = Object.keys(ELASTICACHE_NODE_TYPES).find((t) => !(t in P.cacheNodeHour.valkey) && !ELASTICACHE_NODE_TYPES[t].dataTiering)!;
        assert.throws(() => estimate(bomFromConfig(config("dev", { "cache.nodeType": unpriced }))), new RegExp(`no price for valkey node type ${unpriced.replace(/\./g, "\\.")} in us-east-1`));
    });

    it("prices usage from the stack's assumptions, and says where money is left on the table", () => {
        const e = estimate(bomFromConfig(config("dev", { "cache.engine": "redis" })), { ...DEFAULT_ASSUMPTIONS, natGbPerMonth: 1000 });
        const nat = e.lines.find((l) => l.assumption?.key === "natGbPerMonth")!;
        assert.deepEqual([nat.floor, nat.assumption!.value, nat.assumption!.unitPrice], [45, 1000, 0.045]);
        assert.ok(e.advice.some((a) => /^cache: valkey would save \$\d+\.\d\d\/month/.test(a)));
        assert.ok(e.advice.some((a) => /^main: ARM64 \(Graviton\) would save/.test(a)));
        const arm = estimate(bomFromConfig(config("dev", { "admin.architecture": "ARM64", "main.architecture": "ARM64", "worker.architecture": "ARM64" })));
        assert.ok(!arm.advice.some((a) => a.includes("ARM64")));
    });

    it("refuses a stack whose ceiling exceeds cost.monthlyBudget, naming the budget, the ceiling and the three biggest items, before anything is declared", async () => {
        const ceiling = estimate(bomFromConfig(config("prod"))).ceiling;
        assert.throws(() => config("prod", { "cost.monthlyBudget": 1000 }), (e: Error) => {
            assert.ok(e instanceof ConfigError);
            assert.match(e.message, new RegExp(`payment-gateway:cost\\.monthlyBudget is below the stack's ceiling of \\$${ceiling.toFixed(2)}/month \\(floor \\$[\\d.]+\\); the biggest contributors: .+ \\$[\\d.]+, .+ \\$[\\d.]+, .+ \\$[\\d.]+; got 1000`));
            assert.match(e.message, /main: 3–8 × 1 vCPU \/ 2 GB X86_64 \$/, "the largest item is main at its ceiling");
            return true;
        });
        assert.equal(config("prod", { "cost.monthlyBudget": Math.ceil(ceiling) }).cost.monthlyBudget, Math.ceil(ceiling));
        const error = await runProgram({ stack: "prod", set: { "cost.monthlyBudget": 1000 } }).then(() => assert.fail("accepted"), (e) => e);
        assert.deepEqual(error.resources, []);
        assert.throws(() => config("dev", { "aws:region": "eu-west-1", "atlas.region": "EU_WEST_1", "cost.monthlyBudget": 500 }), /payment-gateway:cost\.monthlyBudget cannot be checked: no prices for region eu-west-1/);
    });

    describe("what a real bill of this stack carries", () => {
        const line = (e: Estimate, match: RegExp) => {
            const found = e.lines.filter((l) => match.test(`${l.component}: ${l.item}`));
            assert.equal(found.length, 1, `${match}: ${found.map((l) => l.item).join(" | ") || "none"} in\n${e.lines.map((l) => `${l.component}: ${l.item}`).join("\n")}`);
            return found[0];
        };
        const none = (e: Estimate, match: RegExp) => assert.ok(!e.lines.some((l) => match.test(`${l.component}: ${l.item}`)), `${match} priced`);
        const prod = () => estimate(bomFromConfig(config("prod")));

        it("prices X-Ray from the requests and the sample ratio, beyond the free tier, and not when traces go elsewhere", () => {
            // 10,000,000 requests × 0.05 (prod's default ratio) = 500,000 traces; 400,000 beyond the free 100,000 at $5 per million.
            const recorded = line(prod(), /^observability: X-Ray traces recorded/);
            assert.deepEqual([recorded.floor, recorded.ceiling], [2, 2]);
            assert.match(recorded.item, /sample ratio 0\.05 = 500,000/);
            // Every request traced (the SDK's default without a sampler): the $49.50 a month the ratio saves.
            assert.equal(line(estimate(bomFromConfig(config("prod", { "observability.traceSampleRatio": 1 }))), /X-Ray traces recorded/).floor, 49.5);
            const busy = estimate(bomFromConfig(config("dev", { "observability.traceSampleRatio": 0.5 })), { ...DEFAULT_ASSUMPTIONS, requestsPerMonth: 40_000_000, tracesRetrievedPerMonth: 3_000_000 });
            assert.equal(line(busy, /X-Ray traces recorded/).floor, cents(((20_000_000 - 100_000) / 1e6) * 5));
            assert.equal(line(busy, /X-Ray traces retrieved/).floor, cents(((3_000_000 - 1_000_000) / 1e6) * 0.5));
            assert.equal(line(estimate(bomFromConfig(config("dev", { "observability.traceSampleRatio": 0.001 }))), /X-Ray traces recorded/).floor, 0, "10,000 traces: within the free tier");
            none(estimate(bomFromConfig(config("dev", { "observability.tracing": false }))), /X-Ray/);
            none(estimate(bomFromConfig(config("dev", { "observability.otlpEndpoint": "https://otlp.example.com:4318" }))), /X-Ray/);
        });

        it("prices Container Insights' custom metrics: per cluster, per service and per task family, not per task", () => {
            // Fargate: 8 resource metrics by cluster, service and task family; 2 counts by cluster; 5 by service.
            assert.deepEqual(CONTAINER_INSIGHTS_METRICS, { perCluster: 10, perService: 13, perTaskFamily: 8 });
            const ci = line(prod(), /^observability: Container Insights metrics \(73 custom metrics/);
            assert.deepEqual([ci.floor, ci.ceiling], [cents(73 * 0.3), cents(73 * 0.3)]);
            assert.equal(line(estimate(bomFromConfig(config("dev"))), /Container Insights metrics/).floor, ci.floor, "the same with one task per service");
        });

        it("prices the two alarms of each target-tracking policy: CPU for every autoscaled service, requests too for routed ones", () => {
            // prod: admin and main (CPU and requests) and worker (CPU) autoscale: 5 policies, 10 alarms at $0.10.
            const alarms = line(prod(), /^observability: target-tracking alarms \(10:/);
            assert.equal(alarms.floor, 1);
            assert.equal(line(estimate(bomFromConfig(config("dev", { "worker.maxInstances": 3 }))), /target-tracking alarms \(2:/).floor, 0.2);
            none(estimate(bomFromConfig(config("dev"))), /target-tracking/);
        });

        it("prices log storage at each group's retention, the steady state it grows to", () => {
            // prod keeps a year: 10 GB a month × 12 months = 120 GB at $0.03.
            const prodLogs = line(prod(), /^observability: log storage at retention: 120 GB, the steady state reached after 365 days/);
            assert.equal(prodLogs.floor, 3.6);
            // dev keeps a week; with main at 90 days, each third of the logs is kept its own group's time.
            const mixed = estimate(bomFromConfig(config("dev", { "main.logRetentionDays": 90 })));
            const gb = (10 / 3) * ((7 + 7 + 90) / (365 / 12));
            assert.equal(line(mixed, /log storage at retention/).floor, cents(gb * 0.03));
            assert.match(line(mixed, /log storage/).item, /reached after 90 days/);
        });

        it("prices one run of each drill in FIS action-minutes, and the runs a month the stack assumes", () => {
            const e = prod();
            // zone-outage: one stop-task action over the zone's tasks (a minute) + 10 minutes of subnets
            // cut off + 10 of cache power; task-loss: one stop-task per service. The cache's primary
            // failover is ElastiCache's TestFailover, not FIS: no action-minutes.
            assert.deepEqual(e.drillRuns, [
                { name: "task-loss", actionMinutes: 3, usd: 0.3 },
                { name: "zone-outage", actionMinutes: 21, usd: 2.1 },
            ]);
            assert.equal(line(e, /^drills: FIS action-minutes/).floor, 2.4);
            const longer = estimate(bomFromConfig(config("prod", { "drills.durationMinutes": 30 })), { ...DEFAULT_ASSUMPTIONS, drillRunsPerMonth: 2 });
            assert.equal(longer.drillRuns.find((d) => d.name === "zone-outage")!.actionMinutes, 61);
            assert.equal(line(longer, /FIS action-minutes/).floor, cents(2 * (61 + 3) * 0.1));
            // dev runs one task per service: no drill FIS could start, nothing to price.
            assert.deepEqual(estimate(bomFromConfig(config("dev"))).drillRuns, []);
            // A task loss covers only the services with two or more tasks.
            assert.deepEqual(estimate(bomFromConfig(config("dev", { "main.instances": 2 }))).drillRuns, [{ name: "task-loss", actionMinutes: 1, usd: 0.1 }]);
            none(estimate(bomFromConfig(config("dev", { "drills.enabled": false }))), /FIS/);
            assert.equal(isoDurationMinutes("PT1H30M"), 90);
            assert.throws(() => isoDurationMinutes("10 minutes"), /not an ISO-8601 duration/);
        });

        it("prices cache snapshots from the data size and retention, one free", () => {
            const e = estimate(bomFromConfig(config("prod")), { ...DEFAULT_ASSUMPTIONS, cacheDataGb: 5 });
            assert.equal(line(e, /^cache: snapshot storage \(14 daily snapshots/).floor, cents(5 * 13 * 0.085));
            none(estimate(bomFromConfig(config("dev"))), /snapshot storage/); // one day kept: the free snapshot
        });

        it("prices Atlas backup from the data, the daily change, the snapshots kept and the restore window", () => {
            // dev: 2 daily snapshots and (continuous backup) a 2-day restore window.
            const x = { ...DEFAULT_ASSUMPTIONS, atlasDataGb: 40, atlasDailyChangePercent: 10 };
            const withPit = line(estimate(bomFromConfig(config("dev")), x), /^atlas: cloud backup storage/);
            assert.equal(withPit.floor, cents((40 + 4 * 1 + 4 * 2) * 0.14));
            const without = line(estimate(bomFromConfig(config("dev", { "atlas.pointInTimeRestore": false, "atlas.backupRetentionDays": 30 })), x), /^atlas: cloud backup storage/);
            assert.equal(without.floor, cents((40 + 4 * 29) * 0.14));
            assert.match(without.item, /30 daily snapshots: 156 GB/);
            // The restore window is at most 7 days (components/database.ts), whatever the retention.
            assert.match(line(prod(), /cloud backup/).item, /14 daily snapshots \+ 7 days of oplog: 20 GB/);
        });

        it("says which lines rest on an estimate, not a quote", () => {
            const staging = estimate(bomFromConfig(config("staging")));
            for (const what of [/^atlas: 3-node M20 replica set: \$0\.2 per cluster-hour/, /^atlas: cloud backup storage/, /^cache: snapshot storage/])
                assert.ok(staging.estimates.some((x) => what.test(x) && x.includes("is an estimate, not a quote")), `${what}\n${staging.estimates.join("\n")}`);
            assert.ok(!prod().estimates.some((x) => /M30/.test(x)), "M30's price is public");
            assert.ok(!staging.estimates.some((x) => /private endpoint/.test(x)), "Atlas's private endpoint hour is public");
        });

        it("names the largest saving first, the ECR endpoints prod no longer pays for among them", () => {
            const e = prod();
            assert.match(e.advice[0], /^network: the ecr\.api and ecr\.dkr interface endpoints are left out, saving \$43\.80\/month: no image is pulled from ECR in us-east-1/);
            const savings = e.advice.map((a) => Number(/\$(\d+\.\d\d)\/month/.exec(a)![1]));
            assert.deepEqual(savings, [...savings].sort((a, b) => b - a));
            const ecr = estimate(bomFromConfig(config("prod", { "worker.image": `123456789012.dkr.ecr.us-east-1.amazonaws.com/gateway/worker@sha256:${"c".repeat(64)}` })));
            assert.ok(!ecr.advice.some((a) => a.includes("ecr.api")), "with an ECR image the endpoints serve it");
            assert.equal(cents(ecr.byComponent.find((c) => c.component === "network")!.floor - e.byComponent.find((c) => c.component === "network")!.floor), 43.8);
        });
    });
});
