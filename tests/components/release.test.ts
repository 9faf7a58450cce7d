import { strict as assert } from "assert";
import { alarmWindowMinutes, releaseTimeoutMinutes, trafficMinutes } from "../../lib/release";
import { ProgramError, RecordedResource, Run, baselines, later, runProgram, stackRun } from "../harness";

const SERVICE = "aws:ecs/service:Service";
const TG = "aws:lb/targetGroup:TargetGroup";
const RULE = "aws:lb/listenerRule:ListenerRule";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

const refusal = (p: Promise<Run>) => p.then(() => assert.fail("accepted"), (e) => e as ProgramError);
const policyOf = (run: Run, role: RecordedResource) => run.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs.role === role.outputs.name).map((p) => JSON.parse(p.inputs.policy));

describe("releases", () => {
    let prod: Run, dev: Run;
    before(async () => ({ prod, dev } = await baselines()));

    describe("prod's example config", () => {
        it("releases main as a canary: 10% for 10 minutes, then all, then 10 minutes with both revisions", () => {
            const main = prod.one(SERVICE, "pg-main").inputs;
            assert.deepEqual(main.deploymentConfiguration, { strategy: "CANARY", bakeTimeInMinutes: "10", canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: "10" } });
            assert.deepEqual(prod.outputs.releases.main.steps, [{ trafficPercent: 10, bakeMinutes: 10 }, { trafficPercent: 100, bakeMinutes: 10 }]);
        });

        it("releases admin linearly, a quarter of the traffic every 5 minutes", () => {
            const admin = prod.one(SERVICE, "pg-admin").inputs;
            assert.deepEqual(admin.deploymentConfiguration, { strategy: "LINEAR", bakeTimeInMinutes: "10", linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: "5" } });
            assert.deepEqual(prod.outputs.releases.admin.steps.map((s: any) => s.trafficPercent), [25, 50, 75, 100]);
        });

        it("rolls the worker, which has no load balancer, behind the circuit breaker, and dev's services too", () => {
            const worker = prod.one(SERVICE, "pg-worker").inputs;
            assert.deepEqual(worker.deploymentConfiguration, { strategy: "ROLLING" });
            assert.deepEqual(worker.deploymentCircuitBreaker, { enable: true, rollback: true });
            assert.equal(worker.alarms, undefined);
            for (const s of dev.ofType(SERVICE)) {
                assert.deepEqual(s.inputs.deploymentConfiguration, { strategy: "ROLLING" });
                assert.equal(s.inputs.alarms, undefined, `${s.name}: dev does not roll back on alarms by default`);
                assert.equal(s.inputs.loadBalancers[0]?.advancedConfiguration, undefined);
            }
            assert.deepEqual(dev.ofType(TG).map((g) => g.name).sort(), ["pg-admin", "pg-main"], "no alternate target group in dev");
        });

        it("rolls admin and main back when their own deployment alarms fire", () => {
            for (const name of ["admin", "main"]) {
                const alarms = prod.one(SERVICE, `pg-${name}`).inputs.alarms;
                const names = ["release-5xx", "release-latency", "no-healthy-hosts"].map((a) => `payment-gateway-prod-${name}-${a}`);
                assert.deepEqual(alarms, { alarmNames: names, enable: true, rollback: true });
                for (const n of names) assert.ok(prod.ofType(ALARM).some((a) => a.inputs.name === n), `${n} is declared`);
                assert.deepEqual(prod.outputs.releases[name].rollbackAlarms, names);
            }
        });
    });

    describe("the deployment alarms", () => {
        it("see the new revision in whichever target group it runs: the worse group's 5xx rate and p95 latency", () => {
            for (const name of ["admin", "main"]) {
                const groups = [`pg-${name}`, `pg-${name}-alt`].map((g) => prod.one(TG, g).outputs.arnSuffix);
                const lb = prod.one("aws:lb/loadBalancer:LoadBalancer").outputs.arnSuffix;
                const rate = prod.one(ALARM, `pg-${name}-release-5xx`).inputs;
                const metrics = rate.metricQueries.filter((q: any) => q.metric);
                assert.deepEqual(metrics.map((q: any) => [q.id, q.metric.metricName, q.metric.dimensions.TargetGroup]), [
                    ["errors0", "HTTPCode_Target_5XX_Count", groups[0]],
                    ["errors1", "HTTPCode_Target_5XX_Count", groups[1]],
                    ["requests0", "RequestCount", groups[0]],
                    ["requests1", "RequestCount", groups[1]],
                ]);
                assert.ok(metrics.every((q: any) => q.metric.dimensions.LoadBalancer === lb && q.metric.stat === "Sum"));
                assert.deepEqual(rate.metricQueries.filter((q: any) => q.expression).map((q: any) => [q.id, q.expression, q.returnData]), [
                    ["rate0", "100 * FILL(errors0, 0) / requests0", false],
                    ["rate1", "100 * FILL(errors1, 0) / requests1", false],
                    ["worst", "MAX([rate0, rate1])", true],
                ]);
                assert.deepEqual([rate.threshold, rate.evaluationPeriods, rate.datapointsToAlarm, rate.treatMissingData], [5, 5, 3, "notBreaching"]);
                const latency = prod.one(ALARM, `pg-${name}-release-latency`).inputs;
                assert.deepEqual(latency.metricQueries.filter((q: any) => q.metric).map((q: any) => [q.metric.metricName, q.metric.stat, q.metric.dimensions.TargetGroup]), groups.map((g) => ["TargetResponseTime", "p95", g]));
                assert.equal(latency.metricQueries.find((q: any) => q.returnData).expression, "MAX([p0, p1])");
                assert.equal(latency.threshold, 1);
                // Only the service's own targets: the load balancer's 5xx would roll one service back for the other's failure.
                assert.ok([...rate.metricQueries, ...latency.metricQueries].every((q: any) => !q.metric || q.metric.dimensions.TargetGroup));
            }
        });

        it("exist before the service whose release rolls back on them", () => {
            for (const name of ["admin", "main"]) {
                const svc = prod.one(SERVICE, `pg-${name}`);
                for (const a of ["release-5xx", "release-latency", "no-healthy-hosts"]) assert.ok(svc.dependencies.includes(prod.one(ALARM, `pg-${name}-${a}`).urn), `${name} waits for ${a}`);
            }
        });
    });

    describe("the load balancer", () => {
        it("gives admin and main an alternate target group with the same port, health check, draining and stickiness", () => {
            for (const name of ["admin", "main"]) {
                const { tags: a, ...first } = prod.one(TG, `pg-${name}`).inputs;
                const { tags: b, ...second } = prod.one(TG, `pg-${name}-alt`).inputs;
                assert.deepEqual(second, first);
                assert.deepEqual(b, a);
            }
        });

        it("forwards by weight, all to the first group until ECS moves it, with target-group stickiness for admin's sessions", () => {
            const admin = prod.one(RULE, "pg-admin");
            const [tg, alt] = ["pg-admin", "pg-admin-alt"].map((n) => prod.one(TG, n).outputs.arn);
            assert.deepEqual(admin.inputs.actions, [{ type: "forward", forward: { targetGroups: [{ arn: tg, weight: 100 }, { arn: alt, weight: 0 }], stickiness: { enabled: true, duration: 86400 } } }]);
            const main = prod.one(RULE, "pg-main");
            assert.equal(main.inputs.actions[0].forward.stickiness, undefined, "API keys need no stickiness");
            // A first deployment sends the weighted forward (ignoring it would delete it: nothing in the state yet).
            for (const r of [admin, main]) assert.deepEqual(r.ignoreChanges, []);
            for (const r of dev.ofType(RULE)) {
                assert.deepEqual(r.ignoreChanges, []);
                assert.ok(r.inputs.actions[0].targetGroupArn, "a plain forward where nothing shifts traffic");
            }
        });

        it("leaves the weights to ECS once a deployment has sent them", async () => {
            const next = await later(prod, { days: 1 });
            for (const name of ["admin", "main"]) assert.deepEqual(next.one(RULE, `pg-${name}`).ignoreChanges, ["actions[0].forward"], name);
        });

        it("keeps the forward's stickiness as long as the group's own", async () => {
            const run = await runProgram({ stack: "staging", set: { "admin.stickiness.durationSeconds": 3600 } });
            assert.equal(run.one(RULE, "pg-admin").inputs.actions[0].forward.stickiness.duration, 3600);
            assert.equal(run.one(TG, "pg-admin-alt").inputs.stickiness.cookieDuration, 3600);
        });
    });

    describe("the infrastructure role", () => {
        it("lets ECS register targets in the route's two groups and rewrite its production rule, nothing else", () => {
            for (const name of ["admin", "main"]) {
                const svc = prod.one(SERVICE, `pg-${name}`);
                const role = prod.one("aws:iam/role:Role", `pg-${name}-release`);
                const rule = prod.one(RULE, `pg-${name}`);
                const groups = [`pg-${name}`, `pg-${name}-alt`].map((n) => prod.one(TG, n).outputs.arn);
                assert.deepEqual(svc.inputs.loadBalancers[0].advancedConfiguration, { alternateTargetGroupArn: groups[1], productionListenerRule: rule.outputs.arn, roleArn: role.outputs.arn });
                assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement.map((s: any) => [s.Principal.Service, s.Action]), [["ecs.amazonaws.com", "sts:AssumeRole"]]);
                const [policy] = policyOf(prod, role);
                const bySid = Object.fromEntries(policy.Statement.map((s: any) => [s.Sid, s]));
                assert.deepEqual(bySid.RegisterInEitherGroup.Resource, groups);
                assert.equal(bySid.ShiftProductionRule.Resource, rule.outputs.arn);
                assert.equal(bySid.ShiftProductionRule.Action, "elasticloadbalancing:ModifyRule");
                assert.ok(policy.Statement.every((s: any) => s.Resource !== "*" || [s.Action].flat().every((a: string) => a.startsWith("elasticloadbalancing:Describe"))));
                assert.equal(prod.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.inputs.role === role.outputs.name).length, 0, "no managed policy on every load balancer of the account");
                // ECS may use the role only once its permissions exist.
                assert.ok(svc.dependencies.includes(prod.one("aws:iam/rolePolicy:RolePolicy", `pg-${name}-release`).urn));
            }
            assert.equal(prod.ofType("aws:iam/role:Role").filter((r) => r.name === "pg-worker-release").length, 0);
        });
    });

    describe("pulumi up", () => {
        it("waits through a release's bake times when it waits for steady state, beyond the provider's 20 minutes", () => {
            for (const name of ["admin", "main"]) {
                const svc = prod.one(SERVICE, `pg-${name}`);
                const minutes = Number(svc.customTimeouts?.update?.replace(/m$/, ""));
                assert.ok(minutes > 20 + prod.outputs.releases[name].trafficMinutes, `${name}: ${svc.customTimeouts?.update}`);
                assert.equal(svc.customTimeouts?.create, svc.customTimeouts?.update);
            }
            assert.equal(prod.one(SERVICE, "pg-worker").customTimeouts, undefined, "a rolling update keeps the provider's default");
            assert.equal(dev.one(SERVICE, "pg-main").customTimeouts, undefined, "dev does not wait");
        });
    });

    describe("over time", () => {
        it("moves an existing rolling stack to a canary: a second group, the weighted forward once, nothing replaced", async () => {
            const rolling = await runProgram({ stack: "staging", set: { "main.release.strategy": "ROLLING", "admin.release.strategy": "ROLLING" } });
            assert.deepEqual(rolling.outputs.releases.main.strategy, "ROLLING");
            assert.ok(rolling.one(RULE, "pg-main").inputs.actions[0].targetGroupArn);
            const canary = await later(rolling, { days: 1, set: { "main.release.strategy": "CANARY" } });
            // The rule and the first group keep their names (no replacement); the forward becomes weighted.
            assert.equal(canary.one(RULE, "pg-main").urn, rolling.one(RULE, "pg-main").urn);
            assert.equal(canary.one(TG, "pg-main").urn, rolling.one(TG, "pg-main").urn);
            assert.deepEqual(canary.one(TG, "pg-main").inputs, rolling.one(TG, "pg-main").inputs, "the first target group is not changed");
            assert.deepEqual(canary.one(RULE, "pg-main").inputs.actions[0].forward.targetGroups.map((g: any) => g.weight), [100, 0]);
            // Sent on this update: the state's plain forward has no forward block, and ignoring one
            // the state lacks deletes it from the program's inputs (a forward action with no target).
            assert.deepEqual(canary.one(RULE, "pg-main").ignoreChanges, []);
            assert.deepEqual(canary.one(RULE, "pg-admin").ignoreChanges, [], "admin still rolls");
            const after = await later(canary, { days: 1 });
            assert.deepEqual(after.one(RULE, "pg-main").ignoreChanges, ["actions[0].forward"], "ECS owns the weights from the next update on");
            assert.equal(canary.one(SERVICE, "pg-main").urn, rolling.one(SERVICE, "pg-main").urn);
            assert.equal(canary.one(SERVICE, "pg-main").inputs.name, rolling.one(SERVICE, "pg-main").inputs.name);
            assert.equal(canary.outputs.releases.main.strategy, "CANARY");
        });

        it("refuses to go back to a rolling update once traffic has shifted, naming the key", async () => {
            const staging = await stackRun("staging");
            const error = await refusal(later(staging, { days: 1, set: { "main.release.strategy": "ROLLING" } }));
            assert.deepEqual(error.resources, []);
            assert.match(error.message, /payment-gateway:main\.release\.strategy cannot go back to ROLLING from CANARY: ECS may be serving from the alternate target group/);
            // BLUE_GREEN stays a traffic-shifting strategy: accepted.
            const bg = await later(staging, { days: 1, set: { "main.release.strategy": "BLUE_GREEN", "main.release.bakeMinutes": 5 } });
            assert.deepEqual(bg.one(SERVICE, "pg-main").inputs.deploymentConfiguration, { strategy: "BLUE_GREEN", bakeTimeInMinutes: "5" });
            // The circuit breaker serves blue/green too ("Amazon ECS deployment failure detection"); not linear or canary, unconfirmed.
            assert.deepEqual(bg.one(SERVICE, "pg-main").inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
            assert.equal(bg.outputs.releases.main.circuitBreaker, true);
            assert.deepEqual(staging.one(SERVICE, "pg-main").inputs.deploymentCircuitBreaker, { enable: false, rollback: false });
        });
    });

    describe("config", () => {
        it("refuses what ECS refuses and bakes shorter than the alarms, all at once, before declaring anything", async () => {
            const error = await refusal(runProgram({
                stack: "staging",
                set: {
                    "worker.release.strategy": "CANARY",
                    "main.release.canaryPercent": 0.05,
                    "main.release.canaryBakeMinutes": 2,
                    "admin.release.stepPercent": 12.34,
                    "admin.release.stepBakeMinutes": 1441,
                    "admin.release.bakeMinutes": 3,
                    "admin.allowedCidrs": ["198.51.100.0/24", "198.51.100.0/25", "203.0.113.0/24", "192.0.2.0/24", "192.0.2.128/25"],
                },
            }));
            assert.deepEqual(error.resources, []);
            const m = error.message;
            assert.match(m, /payment-gateway:worker\.release\.strategy must be ROLLING for the worker/);
            assert.match(m, /payment-gateway:main\.release\.canaryPercent must be at least 0\.1; got 0\.05/);
            assert.match(m, /payment-gateway:admin\.release\.stepPercent must be a multiple of 0\.1; got 12\.34/);
            assert.match(m, /payment-gateway:admin\.release\.stepBakeMinutes must be at most 1440; got 1441/);
            assert.match(m, new RegExp(`payment-gateway:main\\.release\\.canaryBakeMinutes must be at least ${alarmWindowMinutes()} minutes with alarmRollback.*got 2`));
            assert.match(m, /payment-gateway:admin\.release\.bakeMinutes must be at least 5 minutes with alarmRollback: .*end, and the old revision stop,.*got 3/);
            assert.match(m, /payment-gateway:admin\.allowedCidrs must list at most 4 CIDRs with admin\.release\.strategy LINEAR: ECS shifts traffic on one production listener rule/);
        });

        it("accepts short bakes when nothing rolls back on alarms (outside prod)", async () => {
            const run = await runProgram({ stack: "staging", set: { "main.release": { canaryBakeMinutes: 0, bakeMinutes: 0, alarmRollback: false } } });
            assert.equal(run.one(SERVICE, "pg-main").inputs.alarms, undefined);
            assert.deepEqual(run.one(SERVICE, "pg-main").inputs.deploymentConfiguration.canaryConfiguration, { canaryPercent: 10, canaryBakeTimeInMinutes: "0" });
            assert.equal(run.ofType(ALARM).filter((a) => a.name === "pg-main-release-5xx").length, 0);
        });

        it("requires alarm rollback for admin and main in prod", async () => {
            const error = await refusal(runProgram({ stack: "prod", set: { "main.release.alarmRollback": false, "admin.release.alarmRollback": false } }));
            assert.match(error.message, /payment-gateway:admin\.release\.alarmRollback must be true in prod/);
            assert.match(error.message, /payment-gateway:main\.release\.alarmRollback must be true in prod/);
        });
    });

    describe("the connection budget", () => {
        it("counts both whole fleets of a traffic-shifting release, not only maximumPercent", async () => {
            // maximumPercent 150 bounds a rolling update; a canary still starts the whole new revision beside the old.
            const run = await runProgram({ stack: "staging", set: { "main.deployment.maximumPercent": 150, "worker.deployment.maximumPercent": 150 } });
            const peak = (name: string) => run.outputs.connectionBudget.services.find((s: any) => s.name === name).peakTasks;
            assert.equal(peak("main"), 4 * 2, "main (CANARY, maxInstances 4) at 200%");
            assert.equal(peak("worker"), Math.ceil(3 * 1.5), "the rolling worker at its maximumPercent");
            assert.equal(run.outputs.releases.main.peakPercent, 200);
        });
    });

    it("records how long each release shifts and bakes, and the timeout follows it", () => {
        const main = prod.outputs.releases.main;
        assert.equal(main.trafficMinutes, 20);
        assert.equal(prod.outputs.releases.admin.trafficMinutes, 25);
        assert.equal(prod.outputs.releases.worker.circuitBreaker, true);
        const release = { strategy: "CANARY" as const, canaryPercent: 10, canaryBakeMinutes: 10, stepPercent: 25, stepBakeMinutes: 5, bakeMinutes: 10, alarmRollback: true };
        assert.equal(trafficMinutes(release), main.trafficMinutes);
        assert.equal(prod.one(SERVICE, "pg-main").customTimeouts?.update, `${releaseTimeoutMinutes(release, 11)}m`);
    });
});

describe("releases of a rolling service with alarm rollback", () => {
    it("watch its one target group: the rate and the p95 as series, not expressions of one id", async () => {
        const run = await runProgram({ stack: "dev", set: { "main.release.alarmRollback": true } });
        const group = run.one(TG, "pg-main").outputs.arnSuffix;
        const rate = run.one(ALARM, "pg-main-release-5xx").inputs;
        assert.deepEqual(rate.metricQueries.filter((q: any) => q.metric).map((q: any) => q.metric.dimensions.TargetGroup), [group, group]);
        assert.equal(rate.metricQueries.find((q: any) => q.returnData).expression, "100 * FILL(errors0, 0) / requests0");
        const latency = run.one(ALARM, "pg-main-release-latency").inputs;
        assert.deepEqual(latency.metricQueries.map((q: any) => [q.metric.metricName, q.metric.stat, q.returnData]), [["TargetResponseTime", "p95", true]]);
        // A rolling update with alarm rollback: the alarms and the circuit breaker both roll back.
        const svc = run.one(SERVICE, "pg-main").inputs;
        assert.deepEqual(svc.alarms.alarmNames, ["release-5xx", "release-latency", "no-healthy-hosts"].map((a) => `payment-gateway-dev-main-${a}`));
        assert.deepEqual(svc.deploymentCircuitBreaker, { enable: true, rollback: true });
        assert.deepEqual(svc.deploymentConfiguration, { strategy: "ROLLING" });
    });
});
