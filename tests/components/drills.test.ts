import { strict as assert } from "assert";
import { FIS_ACTIONS, fisActionProblems, percentSelectsOne } from "../../lib/fis";
import { SERVICE_NAMES } from "../../lib/config";
import { ProgramError, Run, baselines, runProgram, stackRun } from "../harness";

const TEMPLATE = "aws:fis/experimentTemplate:ExperimentTemplate";
const template = (run: Run, drill: string) => run.one(TEMPLATE, `pg-${drill}`).inputs;
const drillsOf = (run: Run) => run.ofType(TEMPLATE).map((t) => t.inputs.tags.drill).sort();
const targetOf = (t: any, action: any) => t.targets.find((x: any) => x.name === action.target.value);
const param = (action: any, key: string) => action.parameters.find((p: any) => p.key === key)?.value;
const refused = (run: Promise<Run>) => run.then(() => assert.fail("accepted"), (e) => e as ProgramError);

/**
 * What FIS would select for a target in this run when it starts, from the resources the stack
 * declares: the services' tasks (as many as each service's desired count), the subnets of the VPC
 * in the zone, the replication group. Tasks are spread over the stack's zones as ECS does
 * (attribute:ecs.availability-zone), so a zone holds ⌈n/zones⌉ or ⌊n/zones⌋ of n tasks.
 */
function resolve(run: Run, target: any): { count: number; subnets?: any[] } {
    const services = run.ofType("aws:ecs/service:Service");
    if (target.resourceType === "aws:ecs:task" && target.parameters?.service) {
        const service = services.find((s) => s.outputs.name === target.parameters.service);
        assert.ok(service, `no service ${target.parameters.service}`);
        assert.equal(target.parameters.cluster, run.one("aws:ecs/cluster:Cluster").outputs.name);
        const n = service.inputs.desiredCount;
        const percent = /^PERCENT\((\d+)\)$/.exec(target.selectionMode);
        return { count: percent ? (percentSelectsOne(Number(percent[1]), n) ? Math.floor((n * Number(percent[1])) / 100) : 0) : n };
    }
    if (target.resourceType === "aws:ec2:subnet") {
        const vpc = run.one("aws:ec2/vpc:Vpc");
        const subnets = run.ofType("aws:ec2/subnet:Subnet").filter((s) => s.inputs.vpcId === target.parameters.vpc && s.inputs.availabilityZone === target.parameters.availabilityZoneIdentifier);
        assert.equal(target.parameters.vpc, vpc.id);
        return { count: subnets.length, subnets };
    }
    return { count: -1 };
}

describe("failover drills", () => {
    let prod: Run, dev: Run, staging: Run;
    before(async () => {
        ({ prod, dev } = await baselines());
        staging = await stackRun("staging");
    });

    it("declare in each example stack exactly the drills it can run, and output exactly those", () => {
        assert.deepEqual(drillsOf(prod), ["task-loss", "zone-outage"]);
        assert.deepEqual(drillsOf(staging), ["task-loss", "zone-outage"]);
        // dev: one instance per service and a one-node cache: no zone outage or task loss to survive, no failover to test.
        assert.deepEqual(drillsOf(dev), []);
        assert.deepEqual(Object.keys(prod.outputs.drills).sort(), ["atlas-primary-failover", "cache-primary-failover", "task-loss", "zone-outage"]);
        assert.deepEqual(Object.keys(staging.outputs.drills).sort(), ["atlas-primary-failover", "cache-primary-failover", "task-loss", "zone-outage"]);
        assert.deepEqual(Object.keys(dev.outputs.drills), ["atlas-primary-failover"]);
        // The role and its log group stay, so a stack that scales up gets its drills without a new role.
        assert.equal(dev.ofType("aws:iam/role:Role").filter((r) => r.name === "pg-fis").length, 1);
    });

    it("are templates FIS accepts: documented actions, targets and selection forms, nothing it refuses", () => {
        for (const run of [prod, staging])
            for (const t of run.ofType(TEMPLATE)) {
                for (const a of t.inputs.actions) {
                    assert.ok(a.actionId in FIS_ACTIONS, a.actionId);
                    assert.deepEqual(fisActionProblems(a, t.inputs.targets), [], `${run.stack} ${t.name} ${a.name}`);
                }
                for (const target of t.inputs.targets) {
                    // FIS User Guide, Targets: no resource ID beside a filter; provider: at most 5 ARNs.
                    assert.ok(!(target.resourceArns?.length && target.filters?.length), `${t.name} ${target.name}`);
                    assert.ok((target.resourceArns?.length ?? 0) <= 5, `${t.name} ${target.name}`);
                    // ECS tasks by tags (with the zone filter) or by cluster and service, never both.
                    if (target.resourceType === "aws:ecs:task") assert.ok(!(target.resourceTags?.length && target.parameters), `${t.name} ${target.name}`);
                }
            }
    });

    it("start in every example stack with its configured instance counts", () => {
        for (const run of [prod, staging]) {
            const loss = template(run, "task-loss");
            assert.deepEqual(loss.experimentOptions, { accountTargeting: "single-account", emptyTargetResolutionMode: "fail" });
            // Every service's target selects at least one task, and not by a share FIS would refuse.
            assert.deepEqual(loss.targets.map((t: any) => t.name).sort(), SERVICE_NAMES.map((s) => `${s}-tasks`).sort());
            for (const target of loss.targets) assert.ok(resolve(run, target).count >= 1, `${run.stack} ${target.name}`);
            // The zone outage: some service has no task in some zone (2 tasks over 3 zones), so an empty
            // task or cache target is skipped, as AWS's zone scenarios do, instead of failing the start.
            const zone = template(run, "zone-outage");
            assert.deepEqual(zone.experimentOptions, { accountTargeting: "single-account", emptyTargetResolutionMode: "skip" });
            const zones = run.ofType("aws:ec2/subnet:Subnet").map((s) => s.inputs.availabilityZone);
            assert.ok(run.ofType("aws:ecs/service:Service").some((s) => s.inputs.desiredCount < new Set(zones).size), `${run.stack}: a service with fewer tasks than zones`);
            // What must resolve does: the zone's subnets.
            assert.ok(resolve(run, zone.targets.find((t: any) => t.resourceType === "aws:ec2:subnet")).count >= 2);
        }
    });

    it("say which drills are absent from a stack and why, and leave out what cannot select a task", async () => {
        // 25% of 2 tasks is half a task: FIS refuses it, so staging drops the task loss entirely.
        const quarter = await runProgram({ stack: "staging", set: { "drills.taskLossPercent": 25, "main.instances": 4 } });
        assert.deepEqual(template(quarter, "task-loss").targets.map((t: any) => t.parameters.service), ["payment-gateway-staging-main"]);
        assert.equal(template(quarter, "task-loss").targets[0].selectionMode, "PERCENT(25)");
        for (const target of template(quarter, "task-loss").targets) assert.equal(resolve(quarter, target).count, 1);
    });

    it("cut the whole zone: every subnet of the VPC there (public, private, the load balancer's and the egress firewall's), its tasks and its cache nodes", () => {
        const zone = template(prod, "zone-outage");
        const byId = (id: string) => zone.actions.filter((a: any) => a.actionId === id);
        const [cut] = byId("aws:network:disrupt-connectivity");
        assert.deepEqual([param(cut, "duration"), param(cut, "scope")], ["PT10M", "all"]);
        const subnets = targetOf(zone, cut);
        assert.deepEqual(subnets.parameters, { availabilityZoneIdentifier: "us-east-1a", vpc: prod.one("aws:ec2/vpc:Vpc").id });
        assert.equal(subnets.resourceArns, undefined);
        const cutOff = resolve(prod, subnets).subnets!;
        assert.deepEqual(cutOff.map((s) => s.inputs.tags.tier).sort(), ["firewall", "ingress", "private", "public"]);
        // The public subnet is where the zone's NAT gateway lives; with the egress firewall (prod) the
        // load balancer's node is in the zone's ingress subnet, and the firewall's endpoint in its own.
        const nat = prod.ofType("aws:ec2/natGateway:NatGateway").find((n) => cutOff.some((s) => s.id === n.inputs.subnetId));
        assert.ok(nat, "the zone's NAT gateway is in a cut subnet");
        assert.ok(prod.one("aws:lb/loadBalancer:LoadBalancer").inputs.subnets.includes(cutOff.find((s) => s.inputs.tags.tier === "ingress")!.id));
        assert.ok(prod.one("aws:networkfirewall/firewall:Firewall").inputs.subnetMappings.some((m: any) => m.subnetId === cutOff.find((s) => s.inputs.tags.tier === "firewall")!.id));
        // The role may swap the ACL of every subnet, public and private.
        const statements: any[] = JSON.parse(prod.one("aws:iam/rolePolicy:RolePolicy", "pg-fis").inputs.policy).Statement;
        const swap = statements.find((s) => s.Sid === "SwapSubnetAcl").Resource.slice(1).sort();
        assert.deepEqual(swap, prod.ofType("aws:ec2/subnet:Subnet").map((s) => s.outputs.arn).sort());
        // The zone's tasks of this stack, by its tag; the cache's nodes in the zone.
        const [stop] = byId("aws:ecs:stop-task");
        assert.deepEqual(targetOf(zone, stop).resourceTags, [{ key: "payment-gateway:stack", value: "prod" }]);
        assert.deepEqual(targetOf(zone, stop).filters, [{ path: "AvailabilityZone", values: ["us-east-1a"] }]);
        const [power] = byId("aws:elasticache:replicationgroup-interrupt-az-power");
        assert.equal(param(power, "duration"), "PT10M");
        assert.equal(targetOf(zone, power).parameters.availabilityZoneIdentifier, "us-east-1a");
        assert.equal(prod.one("aws:elasticache/replicationGroup:ReplicationGroup").inputs.tags["payment-gateway:stack"], "prod");
        for (const s of prod.ofType("aws:ecs/service:Service")) {
            assert.equal(s.inputs.tags["payment-gateway:stack"], "prod");
            assert.equal(s.inputs.propagateTags, "SERVICE");
        }
    });

    it("let the operator move the load balancer's traffic away from the zone with ARC zonal shift", () => {
        const alb = prod.one("aws:lb/loadBalancer:LoadBalancer");
        assert.equal(alb.inputs.enableZonalShift, true);
        const shift = prod.outputs.drills["zone-outage"].zonalShift;
        // ARC takes the zone's id (the harness's us-east-1a is usea-az1), not its name.
        assert.equal(shift.start, `aws arc-zonal-shift start-zonal-shift --region us-east-1 --resource-identifier ${alb.outputs.arn} --away-from usea-az1 --expires-in 10m --comment "drill: traffic away from us-east-1a"`);
        assert.match(shift.cancel, /^aws arc-zonal-shift cancel-zonal-shift --region us-east-1 --zonal-shift-id /);
    });

    it("fail the cache's primary over with ElastiCache's own test, beside the Atlas failover test", () => {
        const group = prod.one("aws:elasticache/replicationGroup:ReplicationGroup");
        assert.equal(prod.outputs.drills["cache-primary-failover"].start, `aws elasticache test-failover --region us-east-1 --replication-group-id ${group.outputs.replicationGroupId} --node-group-id 0001`);
        assert.equal(group.inputs.automaticFailoverEnabled, true);
        // No FIS drill interrupts the cache on its own: a zone without the primary would pass without a failover.
        for (const t of prod.ofType(TEMPLATE)) if (t.inputs.tags.drill !== "zone-outage") assert.ok(!t.inputs.actions.some((a: any) => a.actionId.startsWith("aws:elasticache")), t.name);
        const project = prod.one("mongodbatlas:index/project:Project").id;
        assert.equal(prod.outputs.drills["atlas-primary-failover"].start, `atlas clusters failover pg-prod --projectId ${project} --force`);
        assert.equal(prod.outputs.drills["atlas-primary-failover"].api, `POST /api/atlas/v2/groups/${project}/clusters/pg-prod/restartPrimaries`);
    });

    it("take the zone, duration and task-loss share from config; avoid a lone NAT gateway's zone by default", async () => {
        for (const a of template(prod, "task-loss").actions) assert.equal(targetOf(template(prod, "task-loss"), a).selectionMode, "PERCENT(50)");
        // staging has one NAT gateway, in its first zone: the default drill zone is the second.
        assert.equal(template(staging, "zone-outage").targets.find((t: any) => t.resourceType === "aws:ec2:subnet").parameters.availabilityZoneIdentifier, "us-east-1b");

        const run = await runProgram({ stack: "prod", set: { "drills.zone": "us-east-1c", "drills.durationMinutes": 30, "drills.taskLossPercent": 99 } });
        const moved = template(run, "zone-outage");
        for (const a of moved.actions) {
            const target = targetOf(moved, a);
            assert.equal(target.parameters?.availabilityZoneIdentifier ?? target.filters[0].values[0], "us-east-1c", a.name);
            if (a.actionId !== "aws:ecs:stop-task") assert.equal(param(a, "duration"), "PT30M");
        }
        assert.match(run.outputs.drills["zone-outage"].zonalShift.start, / --away-from usea-az3 --expires-in 30m /);
        for (const a of template(run, "task-loss").actions) assert.equal(targetOf(template(run, "task-loss"), a).selectionMode, "PERCENT(99)");
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
        assert.deepEqual(bySid("ChangeDrillAcl").Condition, { StringEquals: { "ec2:ResourceTag/managedByFIS": "true" } });
        for (const s of statements) for (const a of [s.Action].flat()) assert.ok(a !== "*" && !a.endsWith(":*"), a);
        // The cache grant exists only where a drill interrupts the cache.
        assert.ok(!JSON.parse(dev.one("aws:iam/rolePolicy:RolePolicy", "pg-fis").inputs.policy).Statement.some((s: any) => s.Sid === "InterruptCacheZone"));
    });

    it("export the exact commands that start and stop each drill", () => {
        const drills = prod.outputs.drills;
        for (const name of ["zone-outage", "task-loss"]) {
            const t = prod.one(TEMPLATE, `pg-${name}`);
            assert.equal(drills[name].templateId, t.id);
            assert.equal(drills[name].start, `aws fis start-experiment --region us-east-1 --experiment-template-id ${t.id} --tags drill=${name}`);
            assert.match(drills[name].stop, /^aws fis stop-experiment --region us-east-1 --id /);
        }
    });

    it("may be switched off outside prod, never in prod", async () => {
        const off = await runProgram({ stack: "dev", set: { "drills.enabled": false } });
        assert.equal(off.ofType(TEMPLATE).length, 0);
        assert.deepEqual(off.outputs.drills, {});
        const error = await refused(runProgram({ stack: "prod", set: { "drills.enabled": false } }));
        assert.deepEqual(error.resources, []);
        assert.match(error.message, /payment-gateway:drills\.enabled must be true in prod \(HA checklist: failover drills/);
    });

    it("refuse drill config FIS or the stack would refuse, before declaring anything", async () => {
        const error = await refused(runProgram({ stack: "prod", set: { drills: { zone: "eu-west-1a", durationMinutes: 721, taskLossPercent: 0 } } }));
        assert.deepEqual(error.resources, []);
        for (const text of [
            /payment-gateway:drills\.zone must be a zone of the stack's region us-east-1; got "eu-west-1a"/,
            /payment-gateway:drills\.durationMinutes must be at most 720; got 721/,
            /payment-gateway:drills\.taskLossPercent must be at least 1; got 0/,
        ])
            assert.match(error.message, text);
        const pinned = await refused(runProgram({ stack: "prod", set: { "network.availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"], "drills.zone": "us-east-1d" } }));
        assert.match(pinned.message, /payment-gateway:drills\.zone must be one of the stack's zones \(network\.availabilityZones: us-east-1a, us-east-1b, us-east-1c\); got "us-east-1d"/);
    });

    it("refuse at preview, naming the key, a zone the region does not offer or the stack does not use", async () => {
        // prod spreads over the region's first three zones (a–c); us-east-1f exists but holds none of its subnets.
        const outside = await refused(runProgram({ stack: "prod", set: { "drills.zone": "us-east-1f" } }));
        assert.deepEqual(outside.resources, []);
        assert.match(outside.message, /payment-gateway:drills\.zone must be one of the stack's zones \(us-east-1a, us-east-1b, us-east-1c\); got "us-east-1f"/);
        // A zone name of the region's pattern that the region does not offer, for the network and for the drill.
        const missing = await refused(runProgram({ stack: "prod", set: { "network.availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1q"] } }));
        assert.deepEqual(missing.resources, []);
        assert.match(missing.message, /payment-gateway:network\.availabilityZones\[2\] is not a zone of the region: us-east-1 has for this account us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f; got "us-east-1q"/);
        const nowhere = await refused(runProgram({ stack: "prod", set: { "drills.zone": "us-east-1z" } }));
        assert.deepEqual(nowhere.resources, []);
        assert.match(nowhere.message, /payment-gateway:drills\.zone is not a zone of the region: us-east-1 has for this account us-east-1a, .*, us-east-1f; got "us-east-1z"/);
        // A zone of the stack that is impaired right now is still its zone: the update that answers the event goes through.
        const impaired = await runProgram({ stack: "prod", set: { "network.availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"], "drills.zone": "us-east-1b" }, unavailableZones: ["us-east-1b"] });
        assert.deepEqual([...new Set(impaired.ofType("aws:ec2/subnet:Subnet").map((s) => s.inputs.availabilityZone))].sort(), ["us-east-1a", "us-east-1b", "us-east-1c"]);
        assert.match(impaired.outputs.drills["zone-outage"].zonalShift.start, / --away-from usea-az2 /);
        // The zone of a stack's only NAT gateway: its outage cuts every zone's egress.
        const nat = await refused(runProgram({ stack: "staging", set: { "drills.zone": "us-east-1a" } }));
        assert.deepEqual(nat.resources, []);
        assert.match(nat.message, /payment-gateway:drills\.zone must not be us-east-1a: it holds the stack's only NAT gateway \(network\.natGateways single\)/);
    });

    it("gain the drills a stack can run once it scales up, the role and log group kept", async () => {
        const grown = await runProgram({
            stack: "dev",
            set: { "admin.instances": 2, "main.instances": 2, "worker.instances": 2, "cache.nodes": 2, "cache.nodeType": "cache.m7g.large" },
            previous: dev.outputs,
        });
        assert.deepEqual(drillsOf(grown), ["task-loss", "zone-outage"]);
        assert.deepEqual(Object.keys(grown.outputs.drills).sort(), ["atlas-primary-failover", "cache-primary-failover", "task-loss", "zone-outage"]);
        assert.equal(grown.one("aws:iam/role:Role", "pg-fis").urn, dev.one("aws:iam/role:Role", "pg-fis").urn);
        // dev's one NAT gateway is in its first zone: the zone outage takes the second.
        assert.equal(template(grown, "zone-outage").targets.find((t: any) => t.resourceType === "aws:ec2:subnet").parameters.availabilityZoneIdentifier, "us-east-1b");
    });
});
