import { strict as assert } from "assert";
import { ACCOUNT_ID, ProgramError, RecordedResource, Run, examplePrimaryOutputs, later, runProgram, stackRun } from "../harness";
import { promises, regionLoss } from "../../scripts/plan/sections/regionLoss";
import { evaluate } from "../../policy/rules";

const STANDBY = "standby-prod";
const PRIMARY_REGION = "us-east-1";
const RECORD = "aws:route53/record:Record";
const SERVICE = "aws:ecs/service:Service";
const TARGET = "aws:appautoscaling/target:Target";
const PEERING = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

/** The rules of `group` (a security group record) that name a range, as [range, from, to]. */
function cidrRules(run: Run, type: string, group: RecordedResource): [string, number, number][] {
    return run.ofType(type).filter((r) => r.inputs.securityGroupId === group.id && r.inputs.cidrIpv4).map((r) => [r.inputs.cidrIpv4, r.inputs.fromPort, r.inputs.toPort] as [string, number, number]).sort();
}

/** The example primary's outputs with `edit` applied to a copy. */
function primary(edit: (p: any) => void = () => {}): Record<string, Record<string, unknown>> {
    const refs = structuredClone(examplePrimaryOutputs(STANDBY));
    edit(refs.prod);
    return refs;
}

/** Every place a run reaches the primary's region: a provider for it, a resource or invoke aimed at it. */
function reachesPrimaryRegion(run: Run): string[] {
    const found: string[] = [];
    for (const r of run.resources) {
        if (r.type === "pulumi:providers:aws" && r.inputs.region === PRIMARY_REGION) found.push(`provider ${r.name}`);
        if (r.inputs.region === PRIMARY_REGION) found.push(`${r.type} ${r.name}`);
        if (r.provider.includes(PRIMARY_REGION)) found.push(`${r.type} ${r.name} via ${r.provider}`);
    }
    for (const i of run.invokes) {
        if (i.inputs.region === PRIMARY_REGION) found.push(`invoke ${i.token} in ${PRIMARY_REGION}`);
        if (i.provider && !i.provider.startsWith("urn:pulumi:") ) found.push(`invoke ${i.token} via ${i.provider}`);
        if (i.provider.includes(PRIMARY_REGION)) found.push(`invoke ${i.token} via ${i.provider}`);
    }
    return found;
}

describe("warm standby (stacks/standby.ts)", () => {
    let standby: Run;
    before(async () => (standby = await stackRun(STANDBY)));

    it("previews with no provider, resource or invoke in the primary's region", async () => {
        const preview = await runProgram({ stack: STANDBY, preview: true });
        assert.ok(preview.invokes.length > 0, "the run makes invokes (zones, the cluster's connection strings)");
        assert.deepEqual(reachesPrimaryRegion(preview), []);
        // The check itself can fail: an invoke or a provider aimed at us-east-1 is found.
        const aimed = Object.assign(Object.create(Run.prototype), preview, { invokes: [...preview.invokes, { token: "aws:index/getRegion:getRegion", inputs: { region: PRIMARY_REGION }, provider: "" }] });
        assert.equal(reachesPrimaryRegion(aimed).length, 1);
        // Only the Atlas and AWS data sources of its own region: nothing is read from AWS in us-east-1.
        assert.deepEqual([...new Set(preview.invokes.map((i) => i.token))].filter((t) => t.startsWith("aws:") && !["aws:index/getAvailabilityZones:getAvailabilityZones", "aws:index/getCallerIdentity:getCallerIdentity", "aws:iam/getPolicyDocument:getPolicyDocument", "aws:index/getPartition:getPartition", "aws:index/getRegion:getRegion", "aws:guardduty/getDetector:getDetector", "aws:securityhub/getEnabledStandards:getEnabledStandards"].includes(t)), []);
    });

    it("joins the primary's cluster through its own region's private endpoint, declaring no cluster or project", () => {
        assert.equal(standby.ofType("mongodbatlas:index/advancedCluster:AdvancedCluster").length, 0);
        assert.equal(standby.ofType("mongodbatlas:index/project:Project").length, 0);
        // Regionalized private endpoints are for sharded clusters only, and forbid replica sets.
        assert.equal(standby.ofType("mongodbatlas:index/privateEndpointRegionalMode:PrivateEndpointRegionalMode").length, 0);
        const endpoint = standby.one("mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint");
        const refs = examplePrimaryOutputs(STANDBY).prod.regionLoss as any;
        assert.deepEqual([endpoint.inputs.region, endpoint.inputs.projectId], ["us-east-2", refs.projectId]);
        const vpce = standby.one("aws:ec2/vpcEndpoint:VpcEndpoint", "pg-atlas");
        assert.equal(vpce.inputs.serviceName, endpoint.outputs.endpointServiceName);
        // A user of its own per service, scoped to the primary's cluster, each in its own URI secret
        // with the private host of this stack's endpoint; no service reads another's.
        const users = standby.ofType("mongodbatlas:index/databaseUser:DatabaseUser");
        assert.deepEqual(users.map((u) => u.inputs.username).sort(), ["pg-standby-prod-admin", "pg-standby-prod-main", "pg-standby-prod-worker"]);
        for (const user of users) assert.deepEqual(user.inputs.scopes, [{ name: "pg-prod", type: "CLUSTER" }]);
        const passwords = new Set<string>();
        for (const name of ["admin", "main", "worker"]) {
            const uri = standby.one("aws:secretsmanager/secretVersion:SecretVersion", `pg-${name}-database-uri`).inputs.secretString as string;
            const m = new RegExp(`^mongodb\\+srv://pg-standby-prod-${name}:([A-Za-z0-9]{32})@pg-prod-pl-0\\.[a-z0-9]+\\.mongodb\\.net/payment_gateway\\?retryWrites=true&w=majority&tls=true&authSource=admin$`).exec(uri);
            assert.ok(m, `${name}: ${uri.replace(/:[^:@]+@/, ":***@")}`);
            passwords.add(m![1]);
            const secret = standby.one("aws:secretsmanager/secret:Secret", `pg-${name}-database-uri`);
            const task = standby.one("aws:ecs/taskDefinition:TaskDefinition", `pg-${name}`);
            const reads = JSON.parse(task.inputs.containerDefinitions).flatMap((c: any) => c.secrets ?? []).filter((x: any) => x.name === "MPG_DATABASE_URI").map((x: any) => x.valueFrom);
            assert.deepEqual(reads, [secret.outputs.arn], `${name} reads only its own URI`);
        }
        assert.equal(passwords.size, 3, "three passwords");
    });

    it("requests VPC peering with the primary's VPC from its own region, routing and admitting only the primary's private subnets", () => {
        const refs = examplePrimaryOutputs(STANDBY).prod.regionLoss as any;
        const pcx = standby.one(PEERING);
        const vpc = standby.one("aws:ec2/vpc:Vpc");
        assert.deepEqual(
            { vpcId: pcx.inputs.vpcId, peerVpcId: pcx.inputs.peerVpcId, peerRegion: pcx.inputs.peerRegion, peerOwnerId: pcx.inputs.peerOwnerId, autoAccept: pcx.inputs.autoAccept, provider: pcx.provider },
            { vpcId: vpc.id, peerVpcId: refs.network.vpcId, peerRegion: "us-east-1", peerOwnerId: ACCOUNT_ID, autoAccept: undefined, provider: "" },
        );
        // Nothing accepts here: the primary does, in its own region.
        assert.equal(standby.ofType("aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter").length, 0);
        const primaryRanges: string[] = refs.network.privateSubnetCidrs;
        assert.equal(primaryRanges.length, 3);
        // Every private route table: the default route, and each of the primary's private ranges through the connection; no other table has one.
        const tables = standby.ofType("aws:ec2/routeTable:RouteTable");
        const privateTables = tables.filter((t) => /^pg-private-\d$/.test(t.name));
        assert.equal(privateTables.length, 3);
        for (const t of privateTables) {
            assert.deepEqual(t.inputs.routes.filter((r: any) => r.vpcPeeringConnectionId).map((r: any) => [r.cidrBlock, r.vpcPeeringConnectionId]).sort(), primaryRanges.map((c) => [c, pcx.id]).sort(), t.name);
            assert.equal(t.inputs.routes.filter((r: any) => r.cidrBlock === "0.0.0.0/0").length, 1, t.name);
        }
        for (const t of tables.filter((t) => !privateTables.includes(t))) assert.deepEqual(t.inputs.routes.filter((r: any) => r.vpcPeeringConnectionId), [], t.name);
        // The Atlas endpoint here admits the primary's private ranges on Atlas's ports; each task may reach them there, and nothing else of the primary.
        const atlasGroup = standby.one("aws:ec2/securityGroup:SecurityGroup", "pg-atlas");
        assert.deepEqual(cidrRules(standby, INGRESS, atlasGroup), primaryRanges.map((c) => [c, 1024, 65535]).sort());
        for (const name of ["admin", "main", "worker"]) {
            const group = standby.one("aws:ec2/securityGroup:SecurityGroup", `pg-${name}-svc`);
            const toPrimary = cidrRules(standby, EGRESS, group).filter(([c]) => c.startsWith("10.30."));
            assert.deepEqual(toPrimary, primaryRanges.map((c) => [c, 1024, 65535]).sort(), name);
        }
        // What the primary reads to accept it: this connection, this VPC and its private ranges.
        const own = standby.ofType("aws:ec2/subnet:Subnet").filter((s) => /^pg-private-\d$/.test(s.name)).map((s) => s.inputs.cidrBlock);
        const { requestedAt, ...side } = standby.outputs.peering;
        assert.deepEqual(side, { connectionId: pcx.id, vpcId: vpc.id, region: "us-east-2", cidr: "10.31.0.0/16", privateSubnetCidrs: own });
        assert.match(requestedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });

    it("runs the services at the warm floor, scaling up to the primary's ceilings", () => {
        const ceilings = examplePrimaryOutputs(STANDBY).prod.capacity as Record<string, { maxInstances: number }>;
        for (const [name, floor] of [["admin", 2], ["main", 2], ["worker", 1]] as const) {
            const service = standby.one(SERVICE, `pg-${name}`);
            assert.equal(service.inputs.desiredCount, floor, name);
            const target = standby.ofType(TARGET).find((t) => t.name.startsWith(`pg-${name}`))!;
            assert.deepEqual([target.inputs.minCapacity, target.inputs.maxCapacity], [floor, ceilings[name].maxInstances], name);
        }
    });

    it("lets the tasks use the primary's multi-Region key replica, and holds its own data key and cache", () => {
        const replica = (examplePrimaryOutputs(STANDBY).prod.regionLoss as any).appKeyReplicaArn;
        const policies = standby.ofType("aws:iam/rolePolicy:RolePolicy").map((p) => JSON.parse(p.inputs.policy).Statement).flat();
        assert.ok(policies.some((s: any) => s.Resource === replica && JSON.stringify(s.Action) === JSON.stringify(["kms:GenerateDataKey", "kms:Decrypt"])));
        assert.equal(standby.ofType("aws:kms/key:Key").length, 2, "logs and data keys of its own, no app key");
        // The replica's own key policy (policies are not shared between related multi-Region keys):
        // declared here by key id, the three task roles may use it, the account only administers it.
        const policy = standby.one("aws:kms/keyPolicy:KeyPolicy", "pg-app-mrk-replica");
        assert.equal(policy.inputs.keyId, replica.split(":key/")[1]);
        const statements = JSON.parse(policy.inputs.policy).Statement;
        const use = statements.find((st: any) => st.Sid === "GatewayTasksEnvelopeEncryption");
        const taskRoles = ["admin", "main", "worker"].map((n) => standby.one("aws:iam/role:Role", `pg-${n}-task`).outputs.arn).sort();
        assert.deepEqual([...use.Principal.AWS].sort(), taskRoles);
        assert.deepEqual(use.Action, ["kms:GenerateDataKey", "kms:Decrypt"]);
        const admin = statements.find((st: any) => st.Sid === "AccountAdministersWithoutUse");
        assert.ok(!admin.Action.some((a: string) => ["kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt"].includes(a)), "administers without use");
        assert.equal(standby.one("aws:elasticache/replicationGroup:ReplicationGroup").inputs.replicationGroupId, "pg-standby-prod-cache");
    });

    it("sends its tasks' internet traffic through its own egress firewall, passing the domains its images and collector need", () => {
        const group = standby.one("aws:networkfirewall/ruleGroup:RuleGroup");
        const targets: string[] = group.inputs.ruleGroup.rulesSource.rulesSourceList.targets;
        // The same derivation as on the primary, in this region: its registry, the collector's pulls and exporter.
        for (const domain of ["registry.example.com", "public.ecr.aws", "xray.us-east-2.amazonaws.com"]) assert.ok(targets.includes(domain), `${domain} in ${targets.join(", ")}`);
        assert.ok(!targets.some((d) => d.includes("us-east-1")), "nothing of the primary's region");
    });

    it("declares the operator's gate in its own region, and no record for the names yet", () => {
        const alarm = standby.one("aws:cloudwatch/metricAlarm:MetricAlarm", "pg-failover-gate");
        assert.deepEqual([alarm.inputs.treatMissingData, alarm.inputs.statistic, alarm.inputs.period, alarm.inputs.threshold], ["ignore", "Maximum", 60, 1]);
        const check = standby.one("aws:route53/healthCheck:HealthCheck");
        assert.deepEqual([check.inputs.type, check.inputs.cloudwatchAlarmName, check.inputs.cloudwatchAlarmRegion, check.inputs.insufficientDataHealthStatus], ["CLOUDWATCH_METRIC", alarm.inputs.name, "us-east-2", "LastKnownStatus"]);
        // Every setting of the alarm is a trigger: an edit of the alarm resynchronizes Route 53's copy.
        const a = alarm.inputs;
        assert.deepEqual(check.inputs.triggers, {
            metric: `${a.namespace}/${a.metricName}`,
            statistic: a.statistic,
            period: String(a.period),
            evaluationPeriods: String(a.evaluationPeriods),
            datapointsToAlarm: String(a.datapointsToAlarm),
            threshold: String(a.threshold),
            comparisonOperator: a.comparisonOperator,
            treatMissingData: a.treatMissingData,
        });
        // Only the certificate's validation records: admin and api are the primary's until the cutover.
        assert.deepEqual(standby.ofType(RECORD).map((r) => r.name).sort(), ["pg-validation-0", "pg-validation-1"]);
        // Destroying the standby leaves them: the primary's certificate may be validated by the same names.
        assert.ok(standby.ofType(RECORD).every((r) => r.retainOnDelete));
        assert.match(standby.outputs.failover.gate.failOver, /^aws cloudwatch put-metric-data --region us-east-2 /);
        assert.match(standby.outputs.failover.scaleUp.main, /--min-capacity 8$/);
    });

    it("declares the failover pair once the primary handed its names over", async () => {
        const run = await runProgram({ stack: STANDBY, set: { "standby.failoverRecords": true }, references: primary((p) => (p.dnsRecords = "standby")) });
        const records = run.ofType(RECORD).filter((r) => r.inputs.setIdentifier);
        assert.equal(records.length, 4);
        const check = run.one("aws:route53/healthCheck:HealthCheck");
        const lb = run.one("aws:lb/loadBalancer:LoadBalancer");
        const albs = (examplePrimaryOutputs(STANDBY).prod.regionLoss as any).albs;
        for (const host of ["admin", "api"]) {
            const [p, s] = ["primary", "secondary"].map((role) => records.find((r) => r.inputs.setIdentifier === `${host}-${role}`)!);
            assert.equal(p.inputs.name, `${host}.pay.example.com`);
            assert.deepEqual(p.inputs.failoverRoutingPolicies, [{ type: "PRIMARY" }]);
            assert.equal(p.inputs.healthCheckId, check.id);
            assert.deepEqual(p.inputs.aliases, [{ name: albs[host].dnsName, zoneId: albs[host].zoneId, evaluateTargetHealth: true }]);
            assert.deepEqual(s.inputs.failoverRoutingPolicies, [{ type: "SECONDARY" }]);
            assert.equal(s.inputs.healthCheckId, undefined, "a secondary without a health check is answered whenever the primary is not");
            assert.deepEqual(s.inputs.aliases, [{ name: lb.outputs.dnsName, zoneId: lb.outputs.zoneId, evaluateTargetHealth: true }]);
            assert.equal(p.inputs.zoneId, "Z0PRODEXAMPLE0000001");
            // Deleting the pair leaves the names without any record: protected in prod.
            assert.deepEqual([p.protect, s.protect], [true, true], host);
        }
    });

    it("refuses the failover pair while the primary still answers the names, declaring nothing; a preview shows it", async () => {
        const error = await runProgram({ stack: STANDBY, set: { "standby.failoverRecords": true } }).then(() => assert.fail("accepted"), (e: unknown) => e as ProgramError);
        assert.match(error.message, /standby\.failoverRecords.*needs the primary to hand over admin\.pay\.example\.com/);
        assert.deepEqual(error.resources.filter((r: RecordedResource) => r.custom), []);
        // The cutover's second step is previewed before its first opens the window.
        const preview = await runProgram({ stack: STANDBY, preview: true, set: { "standby.failoverRecords": true } });
        assert.deepEqual(preview.ofType(RECORD).filter((r) => r.inputs.setIdentifier).map((r) => r.inputs.setIdentifier).sort(), ["admin-primary", "admin-secondary", "api-primary", "api-secondary"]);
    });

    it("refuses ceilings that differ from the primary's, naming the key", async () => {
        const error = await runProgram({ stack: STANDBY, references: primary((p) => (p.capacity.main.maxInstances = 10)) }).then(() => assert.fail("accepted"), (e: unknown) => e as ProgramError);
        assert.match(error.message, /main\.maxInstances.*must be the primary's ceiling \(10 on prod\)/);
    });

    it("plans the region loss: topology, what each tier promises, the rollout step and the standby's monthly cost", async () => {
        const lines = regionLoss(standby);
        assert.match(lines[0], /^topology: primary prod \(us-east-1\) ──▶ this warm standby \(us-east-2\); the replica set pg-prod has electable nodes in US_EAST_1, US_EAST_2, US_WEST_2$/);
        assert.match(lines[1], /^rollout step: full/);
        assert.match(lines[2], /^VPC peering: pcx-[0-9a-f]{17} to prod's VPC \(us-east-1\); routes from this stack's private subnets to its private subnets 10\.30\.0\.0\/20, 10\.30\.16\.0\/20, 10\.30\.32\.0\/20/);
        assert.ok(lines.some((l) => /data \(Atlas\): RPO 0 for acknowledged w=majority writes/.test(l)));
        const cost = lines.find((l) => l.startsWith("monthly cost of the standby"))!;
        const [floor, ceiling] = [...cost.matchAll(/\$(\d+\.\d\d)/g)].map((m) => Number(m[1]));
        assert.ok(floor > 0 && ceiling > floor, cost);
        // Two regions only: a region loss is not survived automatically, and the plan says so.
        assert.match(promises(["US_EAST_1", "US_EAST_2"])[0], /losing the primary's region loses the majority/);
        // A single-region primary plans no such section.
        assert.deepEqual(regionLoss(await stackRun("prod")), []);
    });

    it("declares only its network and private endpoint until the cluster has nodes in its region, then the rest in place", async () => {
        const first = await runProgram({ stack: STANDBY, previous: {}, references: primary((p) => ((p.regionLoss.regions = ["US_EAST_1"]), delete p.regionLoss.peering)) });
        assert.equal(first.outputs.regionLoss.step, "endpoint");
        assert.match(first.outputs.regionLoss.next, /add US_EAST_2 to the primary's atlas.regions/);
        assert.equal(first.ofType(SERVICE).length, 0);
        assert.equal(first.ofType("aws:secretsmanager/secret:Secret").length, 0);
        assert.equal(first.ofType("mongodbatlas:index/databaseUser:DatabaseUser").length, 0);
        // A day later the primary's cluster has grown into us-east-2: the same endpoint, and everything else.
        const second = await later(first, { days: 1 });
        const unchanged = (t: string) => assert.deepEqual(second.one(t).inputs, first.one(t).inputs, t);
        assert.equal(second.outputs.regionLoss.step, "endpoint", "the references are the run's: still one region");
        // The primary grew into us-east-2 and, in that update, accepted this stack's connection.
        assert.match(first.outputs.regionLoss.next, /it also accepts this stack's VPC peering/);
        const grown = await runProgram({ ...first.options, previous: first.outputs, references: primary((p) => (p.regionLoss.peering = { connectionId: first.outputs.peering.connectionId, status: "active" })) });
        assert.equal(grown.outputs.regionLoss.step, "full");
        for (const t of ["mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint", "mongodbatlas:index/privateLinkEndpointService:PrivateLinkEndpointService"]) {
            unchanged(t);
            assert.equal(grown.one(t).urn, first.one(t).urn, t);
        }
        assert.equal(grown.ofType(SERVICE).length, 3);
    });

    it("declares its services only once the primary accepted its own peering connection; once full it stays full", async () => {
        // The cluster has nodes here already, but the primary accepted no connection of this stack.
        const first = await runProgram({ stack: STANDBY, previous: {}, references: primary((p) => delete p.regionLoss.peering) });
        const requested = first.outputs.peering.connectionId;
        assert.match(requested, /^pcx-[0-9a-f]{17}$/);
        assert.deepEqual([first.outputs.regionLoss.step, first.ofType(SERVICE).length], ["endpoint", 0]);
        assert.match(first.outputs.regionLoss.next, /^pulumi up prod: it accepts this stack's VPC peering \(requested by this update\)/);
        // Another connection accepted (one this stack requested before it was recreated), or this one not active: still waiting.
        for (const peering of [{ connectionId: "pcx-0123456789abcdef0", status: "active" }, { connectionId: requested, status: "pending-acceptance" }]) {
            const waiting = await runProgram({ ...first.options, previous: first.outputs, references: primary((p) => (p.regionLoss.peering = peering)) });
            assert.deepEqual([waiting.outputs.regionLoss.step, waiting.ofType(SERVICE).length], ["endpoint", 0], JSON.stringify(peering));
            assert.match(waiting.outputs.regionLoss.next, new RegExp(`^pulumi up prod: it accepts this stack's VPC peering \\(${requested}\\)`));
        }
        const accepted = await runProgram({ ...first.options, previous: first.outputs, references: primary((p) => (p.regionLoss.peering = { connectionId: requested, status: "active" })) });
        assert.deepEqual([accepted.outputs.regionLoss.step, accepted.ofType(SERVICE).length], ["full", 3]);
        // The same request, unchanged, on every step.
        assert.deepEqual([accepted.one(PEERING).urn, accepted.one(PEERING).inputs], [first.one(PEERING).urn, first.one(PEERING).inputs]);
        // A standby already full (deployed before it peered): no peering accepted does not delete its services; the plan says what is next.
        const kept = await runProgram({ ...first.options, previous: { ...accepted.outputs, peering: undefined }, references: primary((p) => delete p.regionLoss.peering) });
        assert.deepEqual([kept.outputs.regionLoss.step, kept.ofType(SERVICE).length], ["full", 3]);
        assert.match(kept.outputs.regionLoss.next, /^pulumi up prod: it accepts this stack's VPC peering \(requested by this update\)/);
    });

    it("refuses a primary whose VPC range is not standby.primaryCidr, or whose regionLoss output has no network, naming the key", async () => {
        const moved = await runProgram({ stack: STANDBY, references: primary((p) => (p.regionLoss.network.cidr = "10.40.0.0/16")) }).then(() => assert.fail("accepted"), (e: unknown) => e as ProgramError);
        assert.match(moved.message, /standby\.primaryCidr.*must be the primary's network\.cidr \(10\.40\.0\.0\/16 on prod\)/);
        const older = await runProgram({ stack: STANDBY, references: primary((p) => delete p.regionLoss.network) }).then(() => assert.fail("accepted"), (e: unknown) => e as ProgramError);
        assert.match(older.message, /regionLoss output lacks network: pulumi up prod with this program's version first/);
    });
});

describe("warm standby: its cache as a Global Datastore secondary (the primary's regionLoss.cache global)", () => {
    const GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
    const DATASTORE = "ldgnf-pg-prod-cache";
    const globalPrimary = () => primary((p) => Object.assign(p.regionLoss, { cache: "global", cacheGlobalReplicationGroupId: DATASTORE, cacheEngine: "valkey", cacheNodeType: "cache.m7g.large" }));
    let cold: Run;
    let switched: Run;
    before(async () => {
        cold = await stackRun(STANDBY);
        switched = await runProgram({ ...cold.options, set: { ...cold.options.set, "standby.cacheReplacementAcknowledged": true }, previous: cold.outputs, references: globalPrimary() });
    });

    it("is cold with a cold primary: a cache of its own, recorded, and nothing to promote", () => {
        const group = cold.one(GROUP);
        assert.equal(group.inputs.globalReplicationGroupId, undefined);
        assert.deepEqual([group.inputs.replicationGroupId, group.inputs.engine, group.inputs.nodeType], ["pg-standby-prod-cache", "valkey", "cache.m7g.large"]);
        assert.equal(cold.ofType("aws:elasticache/parameterGroup:ParameterGroup").length, 1);
        assert.equal(cold.outputs.regionLoss.cache, "cold");
        assert.equal(cold.outputs.failover.cache.mode, "cold");
    });

    it("refuses to move the deployed cold cache into the datastore without the acknowledgement, declaring nothing", async () => {
        const error = await runProgram({ ...cold.options, previous: cold.outputs, references: globalPrimary() }).then(() => assert.fail("accepted"), (e: unknown) => e as ProgramError);
        assert.ok(error instanceof ProgramError, String(error));
        assert.match(error.message, /payment-gateway:standby\.cacheReplacementAcknowledged must be true to move this deployed standby's cache from cold to global/);
        assert.equal(error.resources.filter((r) => r.custom).length, 0);
        // A standby last deployed before the mode was recorded had a cold cache: refused the same way.
        const older = structuredClone(cold.outputs);
        delete older.regionLoss.cache;
        const again = await runProgram({ ...cold.options, previous: older, references: globalPrimary() }).then(() => assert.fail("accepted"), (e: unknown) => e as ProgramError);
        assert.match(again.message, /cacheReplacementAcknowledged must be true to move this deployed standby's cache from cold to global/);
    });

    it("joins the primary's datastore as a new group, setting none of the fields the provider refuses beside globalReplicationGroupId", () => {
        const group = switched.one(GROUP);
        assert.equal(group.inputs.globalReplicationGroupId, DATASTORE);
        assert.equal(group.inputs.replicationGroupId, "pg-standby-prod-gcache", "a new group beside the cold one: created before the old one is deleted");
        for (const field of ["engine", "engineVersion", "nodeType", "parameterGroupName", "transitEncryptionEnabled", "transitEncryptionMode", "atRestEncryptionEnabled", "numNodeGroups", "snapshotArns", "snapshotName"])
            assert.equal(group.inputs[field], undefined, field);
        assert.equal(switched.ofType("aws:elasticache/parameterGroup:ParameterGroup").length, 0);
        // This region's own data key, token, subnets and security group; as many nodes as configured.
        assert.equal(group.inputs.kmsKeyId, switched.one("aws:kms/key:Key", "pg-data-key").outputs.arn);
        assert.match(group.inputs.authToken, /^[A-Za-z0-9]{64}$/);
        assert.equal(group.inputs.numCacheClusters, cold.one(GROUP).inputs.numCacheClusters);
        assert.ok(group.inputs.snapshotRetentionLimit >= 1, "snapshots, which only snapshotArns/snapshotName would conflict with");
        // What it inherits, as tags the cost estimate reads.
        assert.deepEqual([group.inputs.tags.engine, group.inputs.tags.nodeType], ["valkey", "cache.m7g.large"]);
        assert.equal(switched.outputs.regionLoss.cache, "global");
        // The policy pack takes the secondary: its encryption is the datastore's, its key this region's.
        const enc = evaluate(switched.policyResources()).find((r) => r.rule.id === "encryption-at-rest-and-in-transit")!;
        assert.deepEqual(enc.finding.violations, []);
    });

    it("hands the services the secondary's endpoint and gives the promotion commands in this region", () => {
        const group = switched.one(GROUP);
        const c = switched.outputs.failover.cache;
        assert.deepEqual([c.mode, c.globalReplicationGroupId, c.replicationGroupId], ["global", DATASTORE, "pg-standby-prod-gcache"]);
        assert.match(c.promote, /^aws elasticache failover-global-replication-group --region us-east-2 --global-replication-group-id ldgnf-pg-prod-cache --primary-region us-east-2 --primary-replication-group-id pg-standby-prod-gcache$/);
        assert.match(c.detach, /^aws elasticache disassociate-global-replication-group --region us-east-2 /);
        const url = switched.ofType("aws:secretsmanager/secretVersion:SecretVersion").map((v) => String(v.inputs.secretString)).find((v) => v.startsWith("rediss://"));
        assert.ok(url, "a cache URL secret");
        assert.ok(url!.includes(`@${group.outputs.primaryEndpointAddress}:6379/`), "MPG_GARNET_URL names the secondary's endpoint");
        assert.ok(url!.includes(`:${group.inputs.authToken}@`), "with the token the secondary was created with");
    });

    it("says in the plan's Region loss section what the cache promises and how to promote it", () => {
        const lines = regionLoss(switched);
        assert.ok(lines.some((l) => l.startsWith("  cache: ElastiCache Global Datastore (regionLoss.cache global)") && l.includes("RPO typically under a second") && l.includes("about a minute")), lines.join("\n"));
        assert.ok(lines.some((l) => l.startsWith("cache failover: promote `aws elasticache failover-global-replication-group --region us-east-2")), lines.join("\n"));
        const coldLines = regionLoss(cold);
        assert.ok(coldLines.some((l) => l.startsWith("  cache: regional and cold")));
        assert.equal(coldLines.some((l) => l.startsWith("cache failover:")), false);
    });

    it("keeps the secondary on the next update, with nothing to acknowledge", async () => {
        const next = await runProgram({ ...switched.options, set: { ...cold.options.set }, previous: switched.outputs, references: globalPrimary() });
        assert.deepEqual(next.one(GROUP).inputs, switched.one(GROUP).inputs);
    });

    it("records when it requested its peering connection, and says so once the request has expired unaccepted", async () => {
        const at = Date.parse("2026-11-30T12:00:00Z");
        const first = await runProgram({ stack: STANDBY, now: at, previous: {}, references: primary((p) => delete p.regionLoss.peering) });
        assert.equal(first.outputs.peering.requestedAt, "2026-11-30T12:00:00.000Z");
        // Six days on, the same request keeps its time and is still waiting to be accepted.
        const waiting = await later(first, { days: 6 });
        assert.equal(waiting.outputs.peering.requestedAt, "2026-11-30T12:00:00.000Z");
        assert.match(waiting.outputs.regionLoss.next, /^pulumi up prod: it accepts this stack's VPC peering \(pcx-/);
        // Seven days on, it has expired: still waiting, and the next step is a refresh of this stack.
        const expired = await later(first, { days: 7 });
        assert.equal(expired.outputs.regionLoss.step, "endpoint");
        assert.match(expired.outputs.regionLoss.next, new RegExp(`^the VPC peering request ${first.outputs.peering.connectionId} of 2026-11-30 expired unaccepted \\(requests expire after 7 days\\): pulumi up --refresh --stack standby-prod .*then pulumi up --stack prod within 7 days`));
        // `pulumi up --refresh` forgot the expired request (the provider reads it as gone) and this update requested a new one: a fresh request, not the expired one, is what comes next.
        const forgotten = { ...expired.outputs, peering: { ...expired.outputs.peering, connectionId: "pcx-0ffffffffffffffff" } };
        const renewed = await runProgram({ ...first.options, now: at + 7 * 86_400_000, previous: forgotten, references: primary((p) => delete p.regionLoss.peering) });
        assert.equal(renewed.outputs.peering.requestedAt, "2026-12-07T12:00:00.000Z");
        assert.match(renewed.outputs.regionLoss.next, /^pulumi up prod: it accepts this stack's VPC peering \(requested by this update\)/);
        // Accepted in time, the age of the request no longer matters.
        const accepted = await runProgram({ ...first.options, now: at + 30 * 86_400_000, previous: waiting.outputs, references: primary((p) => (p.regionLoss.peering = { connectionId: first.outputs.peering.connectionId, status: "active" })) });
        assert.match(accepted.outputs.regionLoss.next, /^none: the standby is complete/);
    });
});
