import { strict as assert } from "assert";
import { absentDrills, defaultDrillZone, planDrills } from "../../lib/drills";

const services = (admin: number, main: number, worker: number) => [
    { name: "admin", instances: admin },
    { name: "main", instances: main },
    { name: "worker", instances: worker },
];

describe("which drills a stack has (lib/drills.ts)", () => {
    it("declares every drill where each service survives a zone and the cache fails over", () => {
        const plan = planDrills({ services: services(2, 3, 2), cache: { nodes: 3, failover: true }, taskLossPercent: 50 });
        assert.deepEqual(plan, { zoneOutage: { runs: true }, taskLoss: { services: ["admin", "main", "worker"], absent: [] }, cachePrimaryFailover: { runs: true } });
        assert.deepEqual(absentDrills(plan), []);
    });

    it("declares none for single instances and a one-node cache, each absence with its reason", () => {
        const plan = planDrills({ services: services(1, 1, 1), cache: { nodes: 1, failover: false }, taskLossPercent: 50 });
        assert.deepEqual(absentDrills(plan).map((a) => a.drill), ["zone-outage", "task-loss", "cache-primary-failover"]);
        const [zone, loss, cache] = absentDrills(plan).map((a) => a.reason);
        assert.match(zone, /admin runs 1 instance, main runs 1 instance, worker runs 1 instance: losing its zone is an outage/);
        assert.match(zone, /the cache has 1 node without failover/);
        assert.match(loss, /admin runs 1 task: stopping it is an outage/);
        assert.match(cache, /TestFailover needs a replica and automatic failover/);
    });

    it("leaves out of the task loss a service where the share is less than one task", () => {
        const plan = planDrills({ services: services(2, 4, 2), cache: { nodes: 2, failover: true }, taskLossPercent: 25 });
        assert.deepEqual(plan.taskLoss.services, ["main"]);
        assert.deepEqual(absentDrills(plan), [
            { drill: "task-loss (admin)", reason: "25% of 2 tasks is less than one task, which FIS refuses (raise drills.taskLossPercent to at least 50)" },
            { drill: "task-loss (worker)", reason: "25% of 2 tasks is less than one task, which FIS refuses (raise drills.taskLossPercent to at least 50)" },
        ]);
    });

    it("leaves out of the task loss a service whose every task the share would stop", () => {
        const plan = planDrills({ services: services(2, 3, 2), cache: { nodes: 2, failover: true }, taskLossPercent: 100 });
        assert.deepEqual(plan.taskLoss.services, []);
        assert.deepEqual(absentDrills(plan), [
            { drill: "task-loss", reason: "admin 100% of 2 tasks is every task: stopping them all is an outage, not a task loss (lower drills.taskLossPercent below 100); main 100% of 3 tasks is every task: stopping them all is an outage, not a task loss (lower drills.taskLossPercent below 100); worker 100% of 2 tasks is every task: stopping them all is an outage, not a task loss (lower drills.taskLossPercent below 100)" },
        ]);
        // 99% of 2 is 1 task and of 3 is 2 (FIS rounds down): one keeps serving in each.
        assert.deepEqual(planDrills({ services: services(2, 3, 2), cache: { nodes: 2, failover: true }, taskLossPercent: 99 }).taskLoss.services, ["admin", "main", "worker"]);
    });

    it("takes by default a zone that does not hold a lone NAT gateway", () => {
        assert.equal(defaultDrillZone(["a", "b", "c"], "perAz"), "a");
        assert.equal(defaultDrillZone(["a", "b", "c"], "single"), "b");
    });
});
