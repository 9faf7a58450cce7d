import { strict as assert } from "assert";
import { FIS_ACTIONS, fisActionProblems } from "../../lib/fis";
import { ProgramError, Run, baselines, runProgram } from "../harness";

const TEMPLATE = "aws:fis/experimentTemplate:ExperimentTemplate";
const template = (run: Run, drill: string) => run.one(TEMPLATE, `pg-${drill}`).inputs;
const targetOf = (t: any, action: any) => t.targets.find((x: any) => x.name === action.target.value);
const param = (action: any, key: string) => action.parameters.find((p: any) => p.key === key)?.value;

describe("failover drills", () => {
    let prod: Run, dev: Run;
    before(async () => ({ prod, dev } = await baselines()));

    it("declare a zone outage, a task loss and a cache failover in prod; no cache drill without failover", () => {
        assert.deepEqual(prod.ofType(TEMPLATE).map((t) => t.inputs.tags.drill).sort(), ["cache-failover", "task-loss", "zone-outage"]);
        assert.deepEqual(dev.ofType(TEMPLATE).map((t) => t.inputs.tags.drill).sort(), ["task-loss", "zone-outage"]);
        assert.ok(!template(dev, "zone-outage").actions.some((a: any) => a.actionId.startsWith("aws:elasticache")));
    });

    it("use only real FIS actions, target types and parameters", () => {
        for (const run of [prod, dev])
            for (const t of run.ofType(TEMPLATE)) {
                for (const a of t.inputs.actions) {
                    assert.ok(a.actionId in FIS_ACTIONS, a.actionId);
                    assert.deepEqual(fisActionProblems(a, t.inputs.targets), [], `${t.name} ${a.name}`);
                }
                assert.deepEqual(t.inputs.experimentOptions, { accountTargeting: "single-account", emptyTargetResolutionMode: "fail" });
            }
    });

    it("aim at this stack's cluster, services, cache and private subnets only", () => {
        const cluster = prod.one("aws:ecs/cluster:Cluster");
        const services = prod.ofType("aws:ecs/service:Service");
        const privateSubnets = prod.ofType("aws:ec2/subnet:Subnet").filter((s) => s.inputs.tags.tier === "private").map((s) => s.outputs.arn).sort();
        const group = prod.one("aws:elasticache/replicationGroup:ReplicationGroup");
        for (const t of prod.ofType(TEMPLATE)) {
            for (const target of t.inputs.targets) {
                if (target.resourceType === "aws:ecs:task") {
                    assert.equal(target.parameters.cluster, cluster.outputs.name);
                    assert.ok(services.some((s) => s.outputs.name === target.parameters.service), target.parameters.service);
                    assert.deepEqual(target.resourceTags, [{ key: "payment-gateway:stack", value: "prod" }]);
                } else if (target.resourceType === "aws:ec2:subnet") {
                    assert.deepEqual([...target.resourceArns].sort(), privateSubnets);
                } else {
                    assert.equal(target.resourceType, "aws:elasticache:replicationgroup");
                    assert.deepEqual(target.resourceTags, [{ key: "payment-gateway:stack", value: "prod" }]);
                }
            }
        }
        // What the tags select: the services (ECS propagates their tags to the tasks) and the cache carry this stack's tag.
        for (const s of services) {
            assert.equal(s.inputs.tags["payment-gateway:stack"], "prod");
            assert.equal(s.inputs.propagateTags, "SERVICE");
        }
        assert.equal(group.inputs.tags["payment-gateway:stack"], "prod");
        assert.equal(dev.one("aws:elasticache/replicationGroup:ReplicationGroup").inputs.tags["payment-gateway:stack"], "dev");
    });

    it("take the zone outage's zone and duration, and the task loss's share, from config", async () => {
        const zone = template(prod, "zone-outage");
        const byId = (t: any, id: string) => t.actions.filter((a: any) => a.actionId === id);
        for (const a of byId(zone, "aws:ecs:stop-task")) assert.deepEqual(targetOf(zone, a).filters, [{ path: "AvailabilityZone", values: ["us-east-1a"] }]);
        const cut = byId(zone, "aws:network:disrupt-connectivity")[0];
        assert.deepEqual([param(cut, "duration"), param(cut, "scope")], ["PT10M", "all"]);
        assert.deepEqual(targetOf(zone, cut).filters, [{ path: "AvailabilityZone", values: ["us-east-1a"] }]);
        const power = byId(zone, "aws:elasticache:replicationgroup-interrupt-az-power")[0];
        assert.equal(targetOf(zone, power).parameters.availabilityZoneIdentifier, "us-east-1a");
        for (const a of template(prod, "task-loss").actions) assert.equal(targetOf(template(prod, "task-loss"), a).selectionMode, "PERCENT(50)");

        const run = await runProgram({ stack: "prod", set: { "drills.zone": "us-east-1c", "drills.durationMinutes": 30, "drills.taskLossPercent": 25 } });
        const moved = template(run, "zone-outage");
        for (const a of moved.actions) {
            const target = targetOf(moved, a);
            const zoneOf = target.parameters?.availabilityZoneIdentifier ?? target.filters[0].values[0];
            assert.equal(zoneOf, "us-east-1c", a.name);
            if (a.actionId !== "aws:ecs:stop-task") assert.equal(param(a, "duration"), "PT30M");
        }
        assert.equal(targetOf(template(run, "cache-failover"), template(run, "cache-failover").actions[0]).parameters.availabilityZoneIdentifier, "us-east-1c");
        for (const a of template(run, "task-loss").actions) assert.equal(targetOf(template(run, "task-loss"), a).selectionMode, "PERCENT(25)");
    });

    it("stop when a customer-facing alarm fires, and log to the stack's log group", () => {
        const customerFacing = ["alb-5xx-rate", "alb-own-5xx", "admin-no-healthy-hosts", "main-no-healthy-hosts"].map((n) => prod.one("aws:cloudwatch/metricAlarm:MetricAlarm", `pg-${n}`).outputs.arn);
        const logs = prod.one("aws:cloudwatch/logGroup:LogGroup", "pg");
        assert.equal(logs.inputs.name, "/aws/vendedlogs/fis/payment-gateway-prod");
        for (const t of prod.ofType(TEMPLATE)) {
            assert.deepEqual(t.inputs.stopConditions, customerFacing.map((value) => ({ source: "aws:cloudwatch:alarm", value })));
            assert.deepEqual(t.inputs.logConfiguration, { logSchemaVersion: 2, cloudwatchLogsConfiguration: { logGroupArn: `${logs.outputs.arn}:*` } });
            assert.ok(t.inputs.description.length <= 512);
        }
    });

    it("run as a role FIS alone assumes, allowed only what the drills do, on this stack's resources", () => {
        const role = prod.one("aws:iam/role:Role", "pg-fis");
        const trust = JSON.parse(role.inputs.assumeRolePolicy).Statement;
        assert.deepEqual(trust, [{ Effect: "Allow", Principal: { Service: "fis.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } }]);
        for (const t of prod.ofType(TEMPLATE)) assert.equal(t.inputs.roleArn, role.outputs.arn);
        const statements: any[] = JSON.parse(prod.one("aws:iam/rolePolicy:RolePolicy", "pg-fis").inputs.policy).Statement;
        const bySid = (sid: string) => statements.find((s) => s.Sid === sid);
        const cluster = prod.one("aws:ecs/cluster:Cluster");
        assert.equal(bySid("StopTasks").Resource, `arn:aws:ecs:us-east-1:123456789012:task/${cluster.outputs.name}/*`);
        assert.deepEqual(bySid("ListTasks").Condition, { ArnEquals: { "ecs:cluster": cluster.outputs.arn } });
        assert.equal(bySid("InterruptCacheZone").Resource, prod.one("aws:elasticache/replicationGroup:ReplicationGroup").outputs.arn);
        const privateSubnets = prod.ofType("aws:ec2/subnet:Subnet").filter((s) => s.inputs.tags.tier === "private").map((s) => s.outputs.arn);
        assert.deepEqual(bySid("SwapSubnetAcl").Resource.slice(1).sort(), privateSubnets.sort());
        assert.deepEqual(bySid("ChangeDrillAcl").Condition, { StringEquals: { "ec2:ResourceTag/managedByFIS": "true" } });
        for (const s of statements) for (const a of [s.Action].flat()) assert.ok(a !== "*" && !a.endsWith(":*"), a);
        // The cache grant exists only where there is a cache drill.
        assert.ok(!JSON.parse(dev.one("aws:iam/rolePolicy:RolePolicy", "pg-fis").inputs.policy).Statement.some((s: any) => s.Sid === "InterruptCacheZone"));
    });

    it("export the exact commands that start and stop each drill, and the Atlas failover test", () => {
        const drills = prod.outputs.drills;
        for (const name of ["zone-outage", "task-loss", "cache-failover"]) {
            const t = prod.one(TEMPLATE, `pg-${name}`);
            assert.equal(drills[name].templateId, t.id);
            assert.equal(drills[name].start, `aws fis start-experiment --region us-east-1 --experiment-template-id ${t.id} --tags drill=${name}`);
            assert.match(drills[name].stop, /^aws fis stop-experiment --region us-east-1 --id /);
        }
        const project = prod.one("mongodbatlas:index/project:Project").id;
        assert.equal(drills["atlas-primary-failover"].start, `atlas clusters failover pg-prod --projectId ${project} --force`);
        assert.equal(drills["atlas-primary-failover"].api, `POST /api/atlas/v2/groups/${project}/clusters/pg-prod/restartPrimaries`);
    });

    it("may be switched off outside prod, never in prod", async () => {
        const off = await runProgram({ stack: "dev", set: { "drills.enabled": false } });
        assert.equal(off.ofType(TEMPLATE).length, 0);
        assert.deepEqual(off.outputs.drills, {});
        const error = await runProgram({ stack: "prod", set: { "drills.enabled": false } }).then(() => assert.fail("accepted"), (e) => e as ProgramError);
        assert.deepEqual(error.resources, []);
        assert.match(error.message, /payment-gateway:drills\.enabled must be true in prod \(HA checklist: failover drills/);
    });

    it("refuse drill config FIS or the stack would refuse, before declaring anything", async () => {
        const error = await runProgram({
            stack: "prod",
            set: { drills: { zone: "eu-west-1a", durationMinutes: 721, taskLossPercent: 0 } },
        }).then(() => assert.fail("accepted"), (e) => e as ProgramError);
        assert.deepEqual(error.resources, []);
        for (const text of [
            /payment-gateway:drills\.zone must be a zone of the stack's region us-east-1; got "eu-west-1a"/,
            /payment-gateway:drills\.durationMinutes must be at most 720; got 721/,
            /payment-gateway:drills\.taskLossPercent must be at least 1; got 0/,
        ])
            assert.match(error.message, text);
        const pinned = await runProgram({ stack: "prod", set: { "network.availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"], "drills.zone": "us-east-1d" } }).then(() => assert.fail("accepted"), (e) => e as ProgramError);
        assert.match(pinned.message, /payment-gateway:drills\.zone must be one of the stack's zones \(network\.availabilityZones: us-east-1a, us-east-1b, us-east-1c\); got "us-east-1d"/);
    });
});

