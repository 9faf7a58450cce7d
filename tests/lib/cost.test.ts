import { strict as assert } from "assert";
import { bomFromResources, estimate, DEFAULT_ASSUMPTIONS, HOURS_PER_MONTH } from "../../lib/cost";
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
    it("prices every entry from a named page on a named day", () => {
        const entries: { source: string; read: string; usd: number }[] = [];
        const walk = (v: any) => (v && typeof v === "object" && "usd" in v ? entries.push(v) : v && typeof v === "object" && Object.values(v).forEach(walk));
        walk(PRICES);
        assert.ok(entries.length > 40);
        for (const e of entries) {
            assert.match(e.source, /^https:\/\/(aws\.amazon\.com|www\.mongodb\.com)\//, JSON.stringify(e));
            assert.match(e.read, /^\d{4}-\d\d-\d\d$/);
            assert.ok(Number.isFinite(e.usd) && e.usd > 0, JSON.stringify(e));
        }
        // Valkey nodes are priced 20% under Redis OSS nodes.
        assert.equal(P.cacheNodeHour.valkey["cache.m7g.large"].usd, cents(0.158 * (1 - VALKEY_DISCOUNT) * 10000) / 10000);
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
        // Atlas: a 3-node M30 at its hourly price; cache: 3 valkey m7g.large nodes and a GB of snapshots.
        assert.equal(byComponent.atlas.floor, cents(cents(0.54 * 730) + cents(20 * 0.14) + cents(0.01 * 730)));
        assert.equal(byComponent.cache.floor, cents(cents(3 * 0.158 * 0.8 * 730) + cents(1 * 0.085)));
        // Network: 3 NAT gateways and their addresses, 50 GB through them, 5 interface endpoints × 3 zones.
        assert.equal(byComponent.network.floor, cents(cents(3 * 0.045 * 730) + cents(50 * 0.045) + cents(3 * 0.005 * 730) + cents(15 * 0.01 * 730) + cents(10 * 0.01)));
        assert.equal(e.ceiling, cents(e.byComponent.reduce((n, c) => n + c.ceiling, 0)));
        assert.ok(e.ceiling > e.floor);
    });

    it("counts what the program declares exactly as the config describes it", async () => {
        const variants: [string, Record<string, unknown>][] = [
            ...gatewayStacks().map((s) => [s, {}] as [string, Record<string, unknown>]),
            ["dev", { "main.architecture": "ARM64", "cache.engine": "redis", "cache.nodes": 2, "loadBalancer.waf.enabled": true, "network.interfaceEndpoints": true, "loadBalancer.accessLogs": true }],
            ["prod", { "atlas.autoScaling": { minTier: "M30", maxTier: "M60" }, "network.natGateways": "perAz", "atlas.electableNodes": 5 }],
            ["staging", { "atlas.privateLink": false, "loadBalancer.accessLogsBucket": "my-logs", "atlas.diskAutoScaling": false }],
            ["restore-drill", {}],
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
        assert.throws(() => estimate({ ...bomFromConfig(config("dev")), region: "eu-west-1" }), (e: Error) => e instanceof PriceError && /no prices for region eu-west-1 in lib\/prices\.ts \(priced: us-east-1\)/.test(e.message));
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
});
