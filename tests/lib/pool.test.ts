import { strict as assert } from "assert";
import { ATLAS_TIERS, ATLAS_TIER_CONNECTIONS, AtlasTier } from "../../lib/limits";
import { MAX_POOL_SIZE, MIN_POOL_SIZE, MONITORING_CONNECTIONS_PER_TASK, PoolBudgetError, ServiceDemand, budgetFor, companions, fleetsConnected, peakTasks, planConnections } from "../../lib/pool";
import { validateConfig } from "../../lib/config";
import { rawConfigFrom } from "../../lib/stackConfig";
import { assembleConfig, listStacks } from "../harness";

const services = (admin: number, main: number, worker: number, maximumPercent = 200): ServiceDemand[] => [
    { name: "admin", maxInstances: admin, maximumPercent },
    { name: "main", maxInstances: main, maximumPercent },
    { name: "worker", maxInstances: worker, maximumPercent },
];

function refusal(fn: () => unknown): PoolBudgetError {
    try {
        fn();
    } catch (e) {
        assert.ok(e instanceof PoolBudgetError, String(e));
        return e;
    }
    assert.fail("expected a PoolBudgetError");
}

describe("connection pool sizing", () => {
    it("derives the prod pool by hand: (3000 − 10) × 0.8 = 2392 for 36 peak tasks → 66 each, 64 pooled", () => {
        const plan = planConnections({ tier: "M30", headroom: 0.8, services: services(4, 8, 6) });
        assert.equal(plan.budget, 2392);
        assert.equal(plan.peakTasks, 36);
        assert.deepEqual(plan.services.map((s) => s.maxPoolSize), [64, 64, 64]);
        assert.equal(plan.peakConnections, 36 * 66);
    });

    describe("over a table of tiers and instance counts", () => {
        const counts = [1, 2, 3, 5, 8, 13, 21, 40];
        for (const tier of ATLAS_TIERS) {
            it(`${tier}: every pool fits, is as large as fits, and stays within bounds`, () => {
                for (const n of counts) {
                    const demand = services(n, n * 2, n);
                    const budget = budgetFor(tier, 0.8);
                    let plan;
                    try {
                        plan = planConnections({ tier, headroom: 0.8, services: demand });
                    } catch (e) {
                        assert.ok(e instanceof PoolBudgetError);
                        // Refused only when even the minimum pool would not fit.
                        const tasks = demand.reduce((t, s) => t + peakTasks(s), 0);
                        assert.ok(tasks * (MIN_POOL_SIZE + MONITORING_CONNECTIONS_PER_TASK) > budget, `${tier} × ${n} refused although the minimum fits`);
                        continue;
                    }
                    const pool = plan.services[0].maxPoolSize;
                    assert.ok(plan.services.every((s) => s.maxPoolSize === pool), "one pool for all services");
                    assert.ok(pool >= MIN_POOL_SIZE && pool <= MAX_POOL_SIZE, `${pool}`);
                    assert.ok(plan.peakConnections <= budget, `${tier} × ${n}: ${plan.peakConnections} > ${budget}`);
                    assert.ok(pool === MAX_POOL_SIZE || plan.peakTasks * (pool + 1 + MONITORING_CONNECTIONS_PER_TASK) > budget, `${tier} × ${n}: pool ${pool} could be larger`);
                    assert.ok(plan.utilization <= 0.8);
                    for (const s of plan.services) assert.ok(s.minPoolSize <= s.maxPoolSize && s.maxConnecting >= 2);
                }
            });
        }
    });

    it("never raises the pool when a ceiling rises", () => {
        for (const tier of ATLAS_TIERS) {
            let previous = Infinity;
            for (let n = 1; n <= 200; n++) {
                let pool: number;
                try {
                    pool = planConnections({ tier, headroom: 0.8, services: services(2, n, 2) }).services[1].maxPoolSize;
                } catch {
                    break; // from here on nothing fits
                }
                assert.ok(pool <= previous, `${tier}: main.maxInstances ${n} raised the pool ${previous} → ${pool}`);
                previous = pool;
            }
        }
    });

    it("never lowers the pool on a larger tier", () => {
        for (const n of [1, 4, 10, 30, 80]) {
            let previous = 0;
            for (const tier of [...ATLAS_TIERS].sort((a, b) => ATLAS_TIER_CONNECTIONS[a] - ATLAS_TIER_CONNECTIONS[b])) {
                let pool = 0;
                try {
                    pool = planConnections({ tier, headroom: 0.8, services: services(n, n, n) }).services[0].maxPoolSize;
                } catch {
                    pool = 0;
                }
                assert.ok(pool >= previous, `${tier} lowered the pool for ${n} instances: ${previous} → ${pool}`);
                previous = pool;
            }
        }
    });

    it("counts old and new tasks during a rollout", () => {
        assert.equal(peakTasks({ maxInstances: 3, maximumPercent: 100 }), 3);
        assert.equal(peakTasks({ maxInstances: 3, maximumPercent: 200 }), 6);
        assert.equal(peakTasks({ maxInstances: 3, maximumPercent: 150 }), 5); // 4.5 rounds up: ECS launches whole tasks
        const calm = planConnections({ tier: "M20", headroom: 0.8, services: services(4, 4, 4, 100) });
        const rolling = planConnections({ tier: "M20", headroom: 0.8, services: services(4, 4, 4, 200) });
        assert.equal(rolling.peakTasks, 2 * calm.peakTasks);
        assert.ok(rolling.services[0].maxPoolSize < calm.services[0].maxPoolSize);
    });

    it("accepts an override that fits and re-derives the other services from what is left", () => {
        const plan = planConnections({ tier: "M30", headroom: 0.8, services: [...services(4, 8, 6).slice(0, 2), { name: "worker", maxInstances: 6, maximumPercent: 200, maxPoolSize: 20 }] });
        const worker = plan.services.find((s) => s.name === "worker")!;
        assert.equal(worker.maxPoolSize, 20);
        assert.ok(worker.overridden);
        const rest = plan.services.filter((s) => s.name !== "worker");
        // 2392 − 12 × 22 = 2128 for 24 tasks → 88 each, 86 pooled.
        assert.deepEqual(rest.map((s) => s.maxPoolSize), [86, 86]);
        assert.ok(plan.peakConnections <= plan.budget);
    });

    it("refuses an override that does not fit, naming it", () => {
        const e = refusal(() => planConnections({ tier: "M10", headroom: 0.8, maxPoolSize: 100, services: services(4, 8, 6) }));
        assert.equal(e.path, "pool");
        assert.match(e.message, /^does not fit atlas\.tier M10 \(overrides: admin 100, main 100, worker 100\): admin, main and worker can run 36 tasks during a rollout/);
        assert.match(e.message, /but 1192 are available/);
    });

    it("refuses a budget no pool fits, naming the tier, its limit, the peak, what is left and the smallest tier that fits", () => {
        const e = refusal(() => planConnections({ tier: "M10", headroom: 0.8, services: services(20, 20, 20) }));
        assert.equal(e.path, "atlas.tier");
        assert.equal(
            e.message,
            "allows 1,500 connections per node; admin, main and worker can run 120 tasks during a rollout (maxInstances × the release's peak: deployment.maximumPercent for a rolling update, 200% for blue/green, linear and canary), " +
                "leaving 7 connections each, below the minimum of 10. Use M20 or larger, or lower maxInstances.",
        );
    });

    it("derives a small warm floor and a modest connecting limit", () => {
        assert.deepEqual(companions(100), { minPoolSize: 10, maxConnecting: 6 });
        assert.deepEqual(companions(10), { minPoolSize: 1, maxConnecting: 2 });
    });

    describe("the stacks", () => {
        for (const stack of listStacks()) {
            it(`${stack} fits its tier with room to spare, without wasting most of it`, () => {
                const { values } = assembleConfig(stack);
                const c = validateConfig(rawConfigFrom(values), values["aws:region"]);
                const b = c.connections;
                assert.ok(b.peakConnections <= b.budget);
                assert.ok(b.utilization <= c.pool.headroom);
                // Either most of the usable budget is in use, or the pool is at the driver's maximum.
                assert.ok(b.utilization >= c.pool.headroom / 2 || b.services.every((s) => s.maxPoolSize === MAX_POOL_SIZE), `${stack}: ${b.utilization}`);
            });
        }
    });

    describe("in the config", () => {
        const refused = (set: Record<string, unknown>) => {
            const { values } = assembleConfig("prod", set);
            try {
                validateConfig(rawConfigFrom(values), values["aws:region"]);
            } catch (e) {
                return (e as Error).message;
            }
            assert.fail("accepted");
        };

        it("refuses a tier too small for the ceilings with the full explanation", () => {
            const message = refused({ "atlas.tier": "M10", "main.maxInstances": 40 });
            assert.match(message, /payment-gateway:atlas\.tier M10 allows 1,500 connections per node; admin, main and worker can run 100 tasks during a rollout .* leaving 9 connections each, below the minimum of 10\. Use M20 or larger, or lower maxInstances\./);
        });

        it("sizes for an auto-scaled cluster's floor", () => {
            const message = refused({ "atlas.tier": "M40", "atlas.autoScaling": { minTier: "M10", maxTier: "M60" }, "main.maxInstances": 40 });
            assert.match(message, /payment-gateway:atlas\.tier M10 \(the auto-scaling floor M10\) allows 1,500/);
        });

        it("refuses a worker concurrency its pool cannot serve", () => {
            const message = refused({ "pool.worker": { maxPoolSize: 4 } });
            assert.match(message, /payment-gateway:worker\.concurrency exceeds the worker's MongoDB pool \(4\)/);
        });

        it("refuses a per-service override that does not fit", () => {
            const message = refused({ "pool.main": { maxPoolSize: 500 } });
            assert.match(message, /payment-gateway:pool\.main\.maxPoolSize does not fit atlas\.tier M30 \(overrides: main 500\)/);
        });
    });

    describe("with a warm standby in a second region (fleetsConnected)", () => {
        it("counts one fleet on a stack without regionLoss, two with it and on a standby", () => {
            assert.equal(fleetsConnected({ purpose: "gateway" }), 1);
            assert.equal(fleetsConnected({ purpose: "gateway", regionLoss: { standbyRegion: "us-east-2", standbyStack: "standby-prod" } }), 2);
            assert.equal(fleetsConnected({ purpose: "standby" }), 2);
        });

        it("derives prod's pool for both fleets by hand: 2392 for 72 peak tasks → 33 each, 31 pooled", () => {
            const one = planConnections({ tier: "M30", headroom: 0.8, services: services(4, 8, 6) });
            const two = planConnections({ tier: "M30", headroom: 0.8, fleets: 2, services: services(4, 8, 6) });
            assert.equal(two.peakTasks, 72);
            assert.deepEqual(two.services.map((s) => s.maxPoolSize), [31, 31, 31]);
            assert.deepEqual(two.services.map((s) => s.peakTasks), one.services.map((s) => s.peakTasks * 2));
            assert.ok(two.peakConnections <= two.budget);
            assert.equal(two.fleets, 2);
            assert.equal(one.fleets, undefined);
        });

        it("refuses a tier that fits one fleet but not two, naming both regions", () => {
            // M10: (1500 − 10) × 0.8 = 1192; 60 tasks → 19 each, 17 pooled: fits; 2 × 60 = 120 tasks → 9 each, 7 pooled: below 10.
            planConnections({ tier: "M10", headroom: 0.8, services: services(10, 30, 20, 100) });
            const e = refusal(() => planConnections({ tier: "M10", headroom: 0.8, fleets: 2, services: services(10, 30, 20, 100) }));
            assert.equal(e.path, "atlas.tier");
            assert.match(e.message, /both regions/);
            assert.match(e.message, /120 tasks/);
        });
    });
});
