import { strict as assert } from "assert";
import { EXAMPLE_PEERING_ID, ProgramError, RecordedResource, Run, assembleConfig, baselines, exampleReferences, later, runProgram, stackRun } from "../harness";
import { bomFromConfig, validateConfig } from "../../lib/config";
import { bomFromResources } from "../../lib/cost";
import { rawConfigFrom } from "../../lib/stackConfig";
import { evaluate } from "../../policy/rules";
import { regionLoss as regionLossSection } from "../../scripts/plan/sections/regionLoss";

const CLUSTER = "mongodbatlas:index/advancedCluster:AdvancedCluster";
const SCHEDULE = "mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule";
const KEY = "aws:kms/key:Key";
const REPLICA = "aws:kms/replicaKey:ReplicaKey";
const ENDPOINTS = "mongodbatlas:index/getPrivatelinkEndpoints:getPrivatelinkEndpoints";
const SIMULATION = "mongodbatlas:index/clusterOutageSimulation:ClusterOutageSimulation";
const REGIONS = [
    { region: "US_EAST_1", electableNodes: 2, priority: 7 },
    { region: "US_EAST_2", electableNodes: 2, priority: 6 },
    { region: "US_WEST_2", electableNodes: 1, priority: 5 },
];

const regionConfigs = (run: Run) => run.one(CLUSTER).inputs.replicationSpecs[0].regionConfigs.map((r: any) => ({ region: r.regionName, electableNodes: r.electableSpecs.nodeCount, priority: r.priority }));
/** Atlas's answer: these regions' endpoint services AVAILABLE with an interface endpoint each. */
const CONNECTION = "mongodbatlas:index/getPrivateLinkEndpointService:getPrivateLinkEndpointService";
const endpointsIn = (regions: string[], connection: (region: string) => string = () => "AVAILABLE") => ({
    [ENDPOINTS]: (inputs: Record<string, any>) => ({ projectId: inputs.projectId, providerName: "AWS", id: inputs.projectId, results: regions.map((regionName) => ({ regionName, privateLinkId: `pl-${regionName}`, status: "AVAILABLE", interfaceEndpoints: [`vpce-${regionName}`] })) }),
    [CONNECTION]: (inputs: Record<string, any>) => ({ ...inputs, awsConnectionStatus: connection(String(inputs.privateLinkId).slice(3)), id: inputs.endpointServiceId }),
});
const statementsOf = (run: Run, role: RecordedResource) =>
    run.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs.role === role.outputs.name).flatMap((p) => JSON.parse(p.inputs.policy).Statement);

describe("region loss", () => {
    let primary: Run;
    before(async () => (primary = await stackRun("prod-multiregion")));

    describe("single-region stacks stay as they are", () => {
        it("dev, staging and prod declare no region-loss resource, ask Atlas nothing about endpoints and record nothing new", async () => {
            const { prod, dev } = await baselines();
            for (const run of [prod, dev, await stackRun("staging")]) {
                assert.equal(run.ofType(REPLICA).length, 0, run.stack);
                assert.equal(run.ofType("pulumi:providers:aws").length, 0, run.stack);
                assert.deepEqual(run.ofType(KEY).map((k) => k.inputs.multiRegion), run.ofType(KEY).map(() => undefined), run.stack);
                assert.equal(run.one(SCHEDULE).inputs.copySettings, undefined, run.stack);
                assert.equal(run.invokes.filter((i) => i.token === ENDPOINTS).length, 0, run.stack);
                assert.deepEqual(Object.keys(run.outputs.atlasCluster).sort(), ["host", "name", "nodes", "tier"], run.stack);
                assert.equal(run.outputs.regionLoss, undefined, run.stack);
                assert.equal(run.outputs.connectionBudget.fleets, undefined, run.stack);
                // No tie-breaker: one VPC, one Atlas private endpoint (or none), nothing named after one.
                assert.equal(run.ofType("aws:ec2/vpc:Vpc").length, 1, run.stack);
                assert.ok(run.ofType("mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint").length <= 1, run.stack);
                assert.deepEqual(run.resources.filter((r) => /tiebreaker/.test(r.name) || /TieBreaker/.test(r.type)).map((r) => r.urn), [], run.stack);
                assert.deepEqual(run.invokes.filter((i) => i.provider !== "" && i.token === "aws:index/getAvailabilityZones:getAvailabilityZones"), [], run.stack);
            }
            // The one region config, exactly as before atlas.regions existed.
            assert.deepEqual(prod.one(CLUSTER).inputs.replicationSpecs[0].regionConfigs, [{
                providerName: "AWS", regionName: "US_EAST_1", priority: 7, electableSpecs: { instanceSize: "M30", nodeCount: 3 }, autoScaling: { computeEnabled: false, diskGbEnabled: true },
            }]);
        });
    });

    describe("the replica set grows across `pulumi up`s, in the order Atlas accepts", () => {
        it("first up: the cluster stays in its region (no endpoint anywhere else yet), and says what comes next", () => {
            assert.deepEqual(regionConfigs(primary), [{ region: "US_EAST_1", electableNodes: 3, priority: 7 }]);
            assert.equal(primary.outputs.atlasCluster.step, "waiting-for-endpoints");
            assert.match(primary.outputs.atlasCluster.next, /US_EAST_2 \(the standby stack standby-prod declares it/);
            assert.match(primary.outputs.atlasCluster.next, /US_WEST_2/);
            assert.deepEqual(primary.outputs.atlasCluster.regions, [{ region: "US_EAST_1", electableNodes: 3, priority: 7 }]);
        });

        it("a later up with the tie-breaker's endpoint connection still pending holds; with both connected it grows, in place; an outage never shrinks it", async () => {
            // us-west-2's interface endpoint is attached but its connection still pending: not active yet.
            const partial = await later(primary, { days: 1, answers: endpointsIn(["us-east-2", "us-west-2"], (r) => (r === "us-west-2" ? "PENDING_ACCEPTANCE" : "AVAILABLE")) });
            // The project recorded by the first up is the one Atlas is asked about.
            assert.equal(partial.invokes.find((i) => i.token === ENDPOINTS)!.inputs.projectId, primary.outputs.atlasCluster.projectId);
            assert.deepEqual(regionConfigs(partial), [{ region: "US_EAST_1", electableNodes: 3, priority: 7 }]);
            assert.match(partial.outputs.atlasCluster.next, /^create an available private endpoint in US_WEST_2/);
            assert.deepEqual(partial.invokes.filter((i) => i.token === CONNECTION).map((i) => i.inputs.endpointServiceId).sort(), ["vpce-us-east-2", "vpce-us-west-2"]);

            const grown = await later(partial, { days: 1, answers: endpointsIn(["us-east-2", "us-west-2"]) });
            assert.deepEqual(regionConfigs(grown), REGIONS);
            assert.equal(grown.outputs.atlasCluster.step, "multi-region");
            assert.equal(grown.outputs.atlasCluster.nodes, 5);
            assert.deepEqual(grown.outputs.regionLoss.regions, ["US_EAST_1", "US_EAST_2", "US_WEST_2"]);
            // The cost of the grown cluster is what validation priced the config at (five nodes, two more keys).
            const { values } = assembleConfig("prod-multiregion", {});
            assert.deepEqual(bomFromResources(grown.outputs.region, grown.resources), bomFromConfig(validateConfig(rawConfigFrom(values), values["aws:region"])));
            // The same cluster, updated in place: its name and project (the only inputs that replace it) unchanged, still protected.
            const [before, after] = [primary.one(CLUSTER), grown.one(CLUSTER)];
            assert.deepEqual([after.urn, after.inputs.name, after.inputs.projectId, after.protect], [before.urn, before.inputs.name, before.inputs.projectId, true]);
            // Every region is sized and auto-scaled alike; effective fields cover them all, no index-0 ignore path.
            assert.equal(new Set(after.inputs.replicationSpecs[0].regionConfigs.map((r: any) => JSON.stringify([r.electableSpecs.instanceSize, r.autoScaling]))).size, 1);
            assert.equal(after.inputs.useEffectiveFields, true);
            assert.deepEqual(after.ignoreChanges, []);

            // The grown prod cluster passes the policy pack (its checklist counts every region's nodes).
            assert.deepEqual(evaluate(grown.policyResources()).filter((r) => r.enforced && r.finding.violations.length).map((r) => `${r.rule.id}: ${r.finding.violations.join("; ")}`), []);

            const outage = await later(grown, { days: 30, answers: endpointsIn([]) });
            assert.deepEqual(regionConfigs(outage), REGIONS);
            assert.equal(outage.invokes.filter((i) => i.token === ENDPOINTS).length, 0, "a grown cluster asks no more");
        });
    });

    describe("the tie-breaker region (nodes, no application stack)", () => {
        const VPC = "aws:ec2/vpc:Vpc";
        const SUBNET = "aws:ec2/subnet:Subnet";
        const ENDPOINT = "mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint";

        it("the primary declares an endpoint-only VPC, two subnets and the endpoint trio in us-west-2, through a us-west-2 provider", () => {
            const provider = primary.one("pulumi:providers:aws", "pg-tiebreaker-us-west-2-region");
            assert.equal(provider.inputs.region, "us-west-2");
            const through = (r: RecordedResource) => r.provider.startsWith(`${provider.urn}::`);
            const vpc = primary.one(VPC, "pg-tiebreaker-us-west-2");
            assert.ok(through(vpc), vpc.provider);
            assert.equal(vpc.inputs.cidrBlock, "10.32.0.0/24");
            const subnets = primary.ofType(SUBNET).filter((sn) => sn.inputs.vpcId === vpc.id);
            assert.deepEqual(subnets.map((sn) => [sn.inputs.cidrBlock, sn.inputs.availabilityZone, through(sn)]), [["10.32.0.0/25", "us-west-2a", true], ["10.32.0.128/25", "us-west-2b", true]]);
            // The zones were listed through that provider, whatever their state.
            const zones = primary.invokes.filter((i) => i.token === "aws:index/getAvailabilityZones:getAvailabilityZones" && i.provider.startsWith(`${provider.urn}::`));
            assert.equal(zones.length, 1);
            assert.equal(zones[0].inputs.state, undefined);
            // No way out: no internet gateway, no NAT, no route of its own.
            for (const type of ["aws:ec2/internetGateway:InternetGateway", "aws:ec2/natGateway:NatGateway", "aws:ec2/routeTable:RouteTable", "aws:ec2/route:Route"])
                assert.deepEqual(primary.ofType(type).filter((r) => through(r) || r.inputs.vpcId === vpc.id).map((r) => r.name), [], type);

            const endpoint = primary.one(ENDPOINT, "pg-tiebreaker-us-west-2");
            assert.deepEqual([endpoint.inputs.region, endpoint.inputs.projectId, endpoint.inputs.providerName], ["us-west-2", primary.outputs.atlasCluster.projectId, "AWS"]);
            assert.ok(!through(endpoint), "an Atlas resource, on the Atlas provider");
            const iface = primary.one("aws:ec2/vpcEndpoint:VpcEndpoint", "pg-tiebreaker-us-west-2-atlas");
            assert.ok(through(iface), iface.provider);
            assert.deepEqual([iface.inputs.vpcId, iface.inputs.serviceName, iface.inputs.vpcEndpointType, iface.inputs.subnetIds], [vpc.id, endpoint.outputs.endpointServiceName, "Interface", subnets.map((sn) => sn.id)]);
            const group = primary.ofType("aws:ec2/securityGroup:SecurityGroup").find((g) => g.id === iface.inputs.securityGroupIds[0])!;
            assert.ok(through(group) && group.inputs.vpcId === vpc.id, group.name);
            // Nothing connects there: the group admits nothing and sends nothing (no inline rules, no rule resource names it), and says so.
            assert.deepEqual([group.inputs.ingress ?? [], group.inputs.egress ?? []], [[], []], group.name);
            const rules = primary.resources.filter((r) => /^aws:vpc\/securityGroup(Ingress|Egress)Rule:|^aws:ec2\/securityGroupRule:/.test(r.type));
            assert.ok(rules.length > 0, "the stack's other groups have rule resources");
            assert.deepEqual(rules.filter((r) => (r.inputs.securityGroupId === group.id || r.inputs.referencedSecurityGroupId === group.id || r.inputs.sourceSecurityGroupId === group.id)).map((r) => r.name), []);
            assert.match(group.inputs.description, /nothing admitted/);
            // Atlas's endpoint services have no private DNS name: the interface endpoint leaves private DNS off.
            assert.notEqual(iface.inputs.privateDnsEnabled, true);
            const service = primary.ofType("mongodbatlas:index/privateLinkEndpointService:PrivateLinkEndpointService").find((e) => e.inputs.endpointServiceId === iface.id)!;
            assert.equal(service.inputs.privateLinkId, endpoint.outputs.privateLinkId);
            // Nothing connects there: no database user, no cluster read for a connection string.
            assert.deepEqual(primary.resources.filter((r) => r.type === "mongodbatlas:index/databaseUser:DatabaseUser" && /tiebreaker/.test(r.urn)).map((r) => r.name), []);
            // The next step names it as this stack's own.
            assert.match(primary.outputs.atlasCluster.next, /US_WEST_2 \(this stack declares it/);
        });

        it("refuses a range that overlaps network.cidr, or none, naming the key, and declares nothing", async () => {
            const { values } = assembleConfig("prod-multiregion", {});
            const raw = rawConfigFrom(values);
            const problems = (tieBreakerCidrs: unknown) => {
                try {
                    validateConfig({ ...raw, atlas: { ...(raw.atlas as object), tieBreakerCidrs } }, values["aws:region"], "prod-multiregion");
                } catch (e) {
                    return String((e as Error).message);
                }
                return "";
            };
            assert.equal(problems({ US_WEST_2: "10.32.0.0/24" }), "");
            assert.match(problems({ US_WEST_2: "10.30.4.0/24" }), /atlas\.tieBreakerCidrs\.US_WEST_2.*must not overlap network\.cidr \(10\.30\.0\.0\/16\)/);
            assert.match(problems(undefined), /atlas\.tieBreakerCidrs\.US_WEST_2.*is required/);
            // The standby's region is not a tie-breaker.
            assert.match(problems({ US_WEST_2: "10.32.0.0/24", US_EAST_2: "10.33.0.0/24" }), /atlas\.tieBreakerCidrs\.US_EAST_2.*applies to a tie-breaker region only/);
            assert.match(problems({ US_WEST_2: "10.32.0.0/28" }), /atlas\.tieBreakerCidrs\.US_WEST_2.*must be \/16 to \/27/);

            const error = await runProgram({ stack: "prod-multiregion", set: { "atlas.tieBreakerCidrs.US_WEST_2": "10.30.0.0/20" } }).then(() => assert.fail("expected a refusal"), (e: unknown) => e as ProgramError);
            assert.ok(error instanceof ProgramError, String(error));
            assert.match(error.message, /payment-gateway:atlas\.tieBreakerCidrs\.US_WEST_2/);
            assert.deepEqual(error.resources.filter((r) => r.custom), []);
        });
    });

    describe("the data survives in the standby's region", () => {
        it("copies the daily snapshots and the oplog to the standby's region, into the replica set's zone", () => {
            const schedule = primary.one(SCHEDULE);
            assert.deepEqual(schedule.inputs.copySettings, [{ cloudProvider: "AWS", regionName: "US_EAST_2", frequencies: ["DAILY"], shouldCopyOplogs: true, zoneId: primary.one(CLUSTER).outputs.replicationSpecs[0].zoneId }]);
            assert.match(schedule.inputs.copySettings[0].zoneId, /^[0-9a-f]{24}$/);
        });

        it("sizes every pool for both regions' fleets", async () => {
            const { prod } = await baselines();
            const b = primary.outputs.connectionBudget;
            assert.equal(b.fleets, 2);
            assert.equal(b.peakTasks, 2 * prod.outputs.connectionBudget.peakTasks);
            assert.ok(b.peakConnections <= b.budget);
            const env = (run: Run) => JSON.parse(run.one("aws:ecs/taskDefinition:TaskDefinition", "pg-main").inputs.containerDefinitions)[0].environment.find((e: any) => e.name === "MPG_DATABASE_MAX_POOL_SIZE").value;
            assert.equal(Number(env(primary)), b.services.find((s: any) => s.name === "main").maxPoolSize);
            assert.ok(Number(env(primary)) < Number(env(prod)));
        });
    });

    describe("keys", () => {
        it("adds a multi-Region app key, protected, next to the old one, with a replica in the standby's region", () => {
            const mrk = primary.one(KEY, "pg-app-mrk");
            assert.equal(mrk.inputs.multiRegion, true);
            assert.equal(mrk.protect, true);
            assert.equal(primary.one(KEY, "pg-app-key").inputs.multiRegion, undefined, "the single-Region key stays until the data keys are re-wrapped");
            const replica = primary.one(REPLICA);
            assert.equal(replica.inputs.primaryKeyArn, mrk.outputs.arn);
            assert.equal(replica.protect, true);
            const provider = primary.one("pulumi:providers:aws", "pg-standby-region");
            assert.equal(provider.inputs.region, "us-east-2");
            assert.ok(replica.provider.startsWith(provider.urn), replica.provider);
            assert.equal(primary.outputs.regionLoss.appKeyReplicaArn, replica.outputs.arn);
            // Created administrable but unusable; the standby's stack owns who uses it there.
            const policy = JSON.parse(replica.inputs.policy);
            assert.deepEqual(policy.Statement.map((s: any) => s.Sid), ["AccountAdministersWithoutUse"]);
            assert.ok(!policy.Statement[0].Action.some((a: string) => /Decrypt|GenerateDataKey|Encrypt/.test(a)));
            // The primary's policy lets the account replicate it (the deploy role's ReplicateKey needs it there), both let it move the primary region.
            const primaryPolicy = JSON.parse(primary.ofType("aws:kms/keyPolicy:KeyPolicy").find((p) => p.inputs.keyId === mrk.outputs.keyId)!.inputs.policy);
            for (const doc of [policy, primaryPolicy]) assert.deepEqual(doc.Statement[0].Action.filter((a: string) => ["kms:ReplicateKey", "kms:UpdatePrimaryRegion"].includes(a)), ["kms:ReplicateKey", "kms:UpdatePrimaryRegion"]);
            const single = JSON.parse(primary.ofType("aws:kms/keyPolicy:KeyPolicy").find((p) => p.inputs.keyId === primary.one(KEY, "pg-app-key").outputs.keyId)!.inputs.policy);
            assert.ok(!single.Statement[0].Action.includes("kms:ReplicateKey"));
            assert.deepEqual(replica.ignoreChanges, ["policy"]);
            const alias = primary.ofType("aws:kms/alias:Alias").find((a) => a.inputs.targetKeyId === replica.outputs.keyId)!;
            assert.ok(alias.provider.startsWith(provider.urn));
        });

        it("lets the three task roles use both app keys, and only them", () => {
            const mrk = primary.one(KEY, "pg-app-mrk");
            const policy = JSON.parse(primary.ofType("aws:kms/keyPolicy:KeyPolicy").find((p) => p.inputs.keyId === mrk.outputs.keyId)!.inputs.policy);
            const roles = primary.ofType("aws:iam/role:Role").filter((r) => /^pg-(admin|main|worker)-task/.test(r.name));
            assert.equal(roles.length, 3);
            const use = policy.Statement.find((s: any) => s.Sid === "GatewayTasksEnvelopeEncryption");
            assert.deepEqual([...use.Principal.AWS].sort(), roles.map((r) => r.outputs.arn).sort());
            for (const role of roles) {
                const resources = statementsOf(primary, role).filter((s: any) => [s.Action].flat().includes("kms:Decrypt")).map((s: any) => s.Resource);
                assert.ok(resources.includes(mrk.outputs.arn), role.name);
                assert.ok(resources.includes(primary.one(KEY, "pg-app-key").outputs.arn), role.name);
            }
        });
    });

    it("publishes what the standby reads, in the shape both stacks use", () => {
        const out = primary.outputs.regionLoss;
        assert.deepEqual(Object.keys(out).sort(), ["albs", "appKeyReplicaArn", "cache", "clusterName", "domain", "hostedZoneId", "network", "next", "primaryRegion", "projectId", "regions"]);
        const vpc = primary.one("aws:ec2/vpc:Vpc", "pg");
        const privateRanges = primary.ofType("aws:ec2/subnet:Subnet").filter((s) => /^pg-private-\d$/.test(s.name)).map((s) => s.inputs.cidrBlock);
        assert.deepEqual(out.network, { vpcId: vpc.id, region: "us-east-1", cidr: "10.30.0.0/16", privateSubnetCidrs: privateRanges });
        assert.deepEqual([out.clusterName, out.primaryRegion, out.domain, out.hostedZoneId], ["pg-prod-multiregion", "us-east-1", "pay.example.com", "Z0PRODEXAMPLE0000001"]);
        assert.equal(out.projectId, primary.outputs.atlasCluster.projectId);
        const alb = primary.one("aws:lb/loadBalancer:LoadBalancer");
        for (const host of ["admin", "api"]) assert.deepEqual(out.albs[host], { dnsName: alb.outputs.dnsName, zoneId: alb.outputs.zoneId });
        assert.ok(!primary.secretOutputs.includes("regionLoss"));
    });

    describe("VPC peering with the standby (lib/peering.ts)", () => {
        const PEERING = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection";
        const ACCEPTER = "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter";
        const standbySide = () => (exampleReferences("prod-multiregion")["standby-prod"] as any).peering;

        it("reads the standby only once the replica set grows into its region; that update accepts its connection and routes to its private subnets", async () => {
            // Before the growth the standby may not exist: no reference is read (one to a missing stack fails the update).
            const early = await runProgram({ stack: "prod-multiregion", references: {} });
            assert.equal(early.outputs.atlasCluster.step, "waiting-for-endpoints");
            assert.equal(early.ofType(ACCEPTER).length, 0);
            assert.equal(early.outputs.regionLoss.peering, undefined);
            assert.match(early.outputs.regionLoss.next, /waits until the replica set grows into US_EAST_2/);
            // The update that grows the replica set reads it: a standby that is not there fails it.
            await assert.rejects(later(early, { days: 1, references: {}, answers: endpointsIn(["us-east-2", "us-west-2"]) }), /unknown stack .*standby-prod/);

            const grown = await later(early, { days: 1, references: exampleReferences("prod-multiregion"), answers: endpointsIn(["us-east-2", "us-west-2"]) });
            assert.equal(grown.outputs.atlasCluster.step, "multi-region");
            const standby = standbySide();
            const accepter = grown.one(ACCEPTER);
            assert.deepEqual([accepter.inputs.vpcPeeringConnectionId, accepter.inputs.autoAccept, accepter.provider], [EXAMPLE_PEERING_ID, true, ""]);
            assert.equal(grown.ofType(PEERING).length, 0, "the primary requests nothing");
            for (const t of grown.ofType("aws:ec2/routeTable:RouteTable")) {
                const peered = t.inputs.routes.filter((r: any) => r.vpcPeeringConnectionId).map((r: any) => [r.cidrBlock, r.vpcPeeringConnectionId]);
                assert.deepEqual(peered, /^pg-private-\d$/.test(t.name) ? standby.privateSubnetCidrs.map((c: string) => [c, EXAMPLE_PEERING_ID]) : [], t.name);
            }
            // The Atlas endpoint admits the standby's private ranges on Atlas's ports; the tasks may reach the endpoint there.
            const rules = (type: string, group: RecordedResource) => grown.ofType(type).filter((r) => r.inputs.securityGroupId === group.id && String(r.inputs.cidrIpv4).startsWith("10.31.")).map((r) => [r.inputs.cidrIpv4, r.inputs.fromPort, r.inputs.toPort]);
            const expected = standby.privateSubnetCidrs.map((c: string) => [c, 1024, 65535]);
            assert.deepEqual(rules("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", grown.one("aws:ec2/securityGroup:SecurityGroup", "pg-atlas")), expected);
            for (const name of ["admin", "main", "worker"])
                assert.deepEqual(rules("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", grown.one("aws:ec2/securityGroup:SecurityGroup", `pg-${name}-svc`)), expected, name);
            // What the standby reads to declare its services: the connection accepted, and active.
            // Over PrivateLink, with or without a peer: no IP access list beside it.
            for (const run of [early, grown]) assert.equal(run.ofType("mongodbatlas:index/projectIpAccessList:ProjectIpAccessList").length, 0);
            assert.deepEqual(grown.outputs.regionLoss.peering, { connectionId: EXAMPLE_PEERING_ID, status: "active" });
            assert.match(grown.outputs.regionLoss.next, /^none: this stack accepts standby-prod's VPC peering/);
            // The route tables change in place: the same tables, the same VPC (vpc_id is their only
            // replace-forcing input, terraform-provider-aws vpc_route_table.go; routes are added by
            // resourceRouteTableUpdate), every route they had kept, and only routes to the connection added.
            for (const t of early.ofType("aws:ec2/routeTable:RouteTable")) {
                const now = grown.one("aws:ec2/routeTable:RouteTable", t.name);
                assert.deepEqual([now.urn, now.inputs.vpcId], [t.urn, t.inputs.vpcId], t.name);
                assert.deepEqual(now.inputs.routes.filter((r: any) => !r.vpcPeeringConnectionId), t.inputs.routes, t.name);
            }

            // The next update keeps it, unchanged.
            const after = await later(grown, { days: 30, references: exampleReferences("prod-multiregion"), answers: endpointsIn([]) });
            assert.deepEqual([after.one(ACCEPTER).urn, after.one(ACCEPTER).inputs], [accepter.urn, accepter.inputs]);
        });

        it("waits for a standby that has requested no connection, and refuses one whose range overlaps, naming the key", async () => {
            const grownTopology = { previous: { ...primary.outputs, atlasCluster: { ...primary.outputs.atlasCluster, regions: REGIONS } } };
            const older = await runProgram({ ...primary.options, ...grownTopology, references: { "standby-prod": { environment: "prod" } } });
            assert.equal(older.ofType(ACCEPTER).length, 0);
            assert.match(older.outputs.regionLoss.next, /^pulumi up standby-prod: it requests the VPC peering/);
            const overlapping = { "standby-prod": { peering: { ...standbySide(), cidr: "10.30.128.0/17" } } };
            const error = await runProgram({ ...primary.options, ...grownTopology, references: overlapping }).then(() => assert.fail("accepted"), (e: unknown) => e as ProgramError);
            assert.match(error.message, /network\.cidr.*must not overlap the standby's network\.cidr 10\.30\.128\.0\/17 \(standby-prod\)/);
        });
        it("accepts only a connection EC2 still holds for acceptance in its region, and keeps one it accepted however old", async () => {
            const at = Date.parse("2026-11-30T12:00:00Z");
            const PEERING_STATUS = "aws:ec2/getVpcPeeringConnection:getVpcPeeringConnection";
            const grownTopology = { now: at, previous: { ...primary.outputs, atlasCluster: { ...primary.outputs.atlasCluster, regions: REGIONS } } };
            const requested = { "standby-prod": { peering: { ...standbySide(), requestedAt: new Date(at - 8 * 86_400_000).toISOString() } } };
            // EC2's answer in the primary's region: the status, and the requester (the standby's VPC and region unless `from` says otherwise).
            const ec2Says = (status: string | Error, from: { vpcId?: string; region?: string } = {}) => ({
                ...endpointsIn([]),
                [PEERING_STATUS]: (inputs: Record<string, any>) => {
                    if (status instanceof Error) throw status;
                    return { id: inputs.id, status, vpcId: from.vpcId ?? standbySide().vpcId, region: from.region ?? "us-east-2" };
                },
            });
            // Pending acceptance in EC2: accepted, whatever the standby's recorded time says (EC2 is the authority).
            const fresh = await runProgram({ ...primary.options, ...grownTopology, references: requested, answers: ec2Says("pending-acceptance") });
            assert.equal(fresh.one(ACCEPTER).inputs.vpcPeeringConnectionId, EXAMPLE_PEERING_ID);
            assert.deepEqual(fresh.invokes.filter((i) => i.token === PEERING_STATUS).map((i) => [i.inputs.id, i.provider]), [[EXAMPLE_PEERING_ID, ""]]);
            // Expired, rejected or gone: no accepter (its create would fail), and the plan says what to do.
            // A failed read as the engine reports it: "invocation of <token> returned an error: " (pulumi
            // ResourceMonitor.Invoke), "invoking <token>: " (pulumi-terraform-bridge pkg/tfbridge
            // provider.go Invoke), then the data source's diagnostic: "no matching EC2 VPC Peering
            // Connection found" when EC2 lists none (tfresource.SingularDataSourceFindError on a
            // NotFound: InvalidVpcPeeringConnectionID.NotFound or an empty list), "reading EC2 VPC
            // Peering Connection: <cause>" for any other failure.
            const failed = (diagnostic: string) => new Error(`invocation of ${PEERING_STATUS} returned an error: invoking ${PEERING_STATUS}: ${diagnostic}`);
            for (const status of ["expired", "rejected", failed("no matching EC2 VPC Peering Connection found")]) {
                const run = await runProgram({ ...primary.options, ...grownTopology, references: requested, answers: ec2Says(status) });
                assert.equal(run.ofType(ACCEPTER).length, 0, String(status));
                assert.equal(run.outputs.regionLoss.peering, undefined);
                assert.match(run.outputs.regionLoss.next, new RegExp(`^the VPC peering request ${EXAMPLE_PEERING_ID} is ${status instanceof Error ? "not found" : status} in this region \\(requested 2026-11-22; a request expires unaccepted after 7 days\\) and cannot be accepted: pulumi up --refresh --stack standby-prod`));
            }
            // Any other failure to read it fails the run: it must not read as a connection gone.
            const denied = failed("reading EC2 VPC Peering Connection: operation error EC2: DescribeVpcPeeringConnections, https response error StatusCode: 403, api error UnauthorizedOperation: You are not authorized to perform this operation.");
            await assert.rejects(runProgram({ ...primary.options, ...grownTopology, references: requested, answers: ec2Says(denied) }), /reading EC2 VPC Peering Connection: .*UnauthorizedOperation/);
            // A connection that is not the standby's own request (another VPC, another region) is refused, naming the key.
            for (const from of [{ vpcId: "vpc-0fedcba9876543210" }, { region: "us-west-2" }]) {
                const error = await runProgram({ ...primary.options, ...grownTopology, references: requested, answers: ec2Says("pending-acceptance", from) }).then(() => assert.fail("accepted"), (e: unknown) => e as ProgramError);
                assert.match(error.message, new RegExp(`regionLoss\\.standbyStack.*names a stack whose peering connection ${EXAMPLE_PEERING_ID} is, in EC2, a request from ${from.vpcId ?? standbySide().vpcId} in ${from.region ?? "us-east-2"}, not from its VPC ${standbySide().vpcId} in us-east-2`));
            }
            // Accepted (active), a month on: kept, unchanged.
            const kept = await runProgram({ ...fresh.options, now: at + 30 * 86_400_000, previous: fresh.outputs, answers: ec2Says("active") });
            assert.deepEqual([kept.one(ACCEPTER).urn, kept.one(ACCEPTER).inputs], [fresh.one(ACCEPTER).urn, fresh.one(ACCEPTER).inputs]);
        });
    });

    describe("the region drill", () => {
        it("declares Atlas's simulated outage of US_EAST_1 and nothing else, replaced (ended first) on any change", async () => {
            const drill = await stackRun("region-drill");
            assert.deepEqual(drill.resources.filter((r) => r.custom).map((r) => r.type), [SIMULATION]);
            const sim = drill.one(SIMULATION);
            assert.deepEqual(sim.inputs, { projectId: "5f00000000000000000000ab", clusterName: "pg-prod-multiregion", outageFilters: [{ cloudProvider: "AWS", regionName: "US_EAST_1" }], deleteOnCreateTimeout: true });
            assert.deepEqual([...sim.replaceOnChanges].sort(), ["clusterName", "outageFilters", "projectId"]);
            assert.equal(sim.deleteBeforeReplace, true);
            assert.equal(sim.protect, false);
            assert.equal(drill.outputs.regionOutage.electableNodesLost, "2 of 5");
            assert.equal(drill.outputs.regionOutage.end, "pulumi destroy --stack region-drill --yes");
            // The gateway's stacks never declare one.
            for (const stack of ["prod", "prod-multiregion"]) assert.equal((await stackRun(stack)).ofType(SIMULATION).length, 0);
        });

        it("declares nothing for a majority outage or a single-region cluster, naming the key", async () => {
            for (const [set, expected] of [
                [{ "regionDrill.outageRegions": ["US_EAST_1", "US_WEST_2"] }, /payment-gateway:regionDrill\.outageRegions takes out 3 of the 5 electable nodes/],
                [{ "regionDrill.clusterName": "pg-prod" }, /payment-gateway:regionDrill\.outageRegions the cluster runs in US_EAST_1 only/],
            ] as const) {
                const error = await runProgram({ stack: "region-drill", set }).then(() => assert.fail("expected a refusal"), (e: unknown) => e as ProgramError);
                assert.ok(error instanceof ProgramError, String(error));
                assert.match(error.message, expected);
                assert.deepEqual(error.resources.filter((r) => r.custom), []);
            }
        });
    });
});

describe("region loss: the cache's Global Datastore on the primary (regionLoss.cache global)", () => {
    const GRG = "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup";
    const GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
    let cold: Run;
    let global: Run;
    before(async () => {
        cold = await stackRun("prod-multiregion");
        global = await runProgram({ stack: "prod-multiregion", set: { "regionLoss.cache": "global" } });
    });

    it("declares no datastore with the default (cold), and says so in the regionLoss output", async () => {
        assert.equal(cold.ofType(GRG).length, 0);
        assert.equal(cold.outputs.regionLoss.cache, "cold");
        assert.equal("cacheGlobalReplicationGroupId" in cold.outputs.regionLoss, false);
    });

    it("wraps the existing replication group, protected, ignoring a promoted primary, and outputs its id", async () => {
        const grg = global.one(GRG);
        const group = global.one(GROUP);
        assert.equal(grg.inputs.primaryReplicationGroupId, group.id);
        assert.ok(grg.dependencies.includes(group.urn), "created after the group it wraps");
        assert.equal(grg.inputs.globalReplicationGroupIdSuffix, "pg-prod-multiregion-cache");
        // The datastore scales every member: its node type is the config's.
        assert.equal(grg.inputs.cacheNodeType, "cache.m7g.large");
        assert.equal(grg.protect, true);
        assert.deepEqual(grg.ignoreChanges, ["primaryReplicationGroupId"]);
        const out = global.outputs.regionLoss;
        assert.deepEqual(
            [out.cache, out.cacheGlobalReplicationGroupId, out.cacheEngine, out.cacheNodeType, out.cacheEngineVersion, out.cacheMaxmemoryPolicy],
            ["global", grg.outputs.globalReplicationGroupId, "valkey", "cache.m7g.large", "8.0", "volatile-lru"],
        );
        // The plan's Region loss section says what the cache promises, by mode.
        assert.ok(regionLossSection(global).some((l) => l.startsWith("  cache: ElastiCache Global Datastore")));
        assert.ok(regionLossSection(cold).some((l) => l.startsWith("  cache: regional and cold")));
    });

    it("refuses, on the next update, an engine version the provider would not apply to a member, declaring nothing", async () => {
        const error = await runProgram({ ...global.options, set: { ...global.options.set, "cache.engineVersion": "8.1" }, previous: global.outputs }).then(() => assert.fail("accepted"), (e: unknown) => e as ProgramError);
        assert.ok(error instanceof ProgramError, String(error));
        assert.match(error.message, /payment-gateway:cache\.engineVersion is not applied while this stack's cache is the primary of a Global Datastore \(regionLoss\.cache global; deployed: 8\.0\)/);
        assert.equal(error.resources.filter((r) => r.custom).length, 0);
    });

    it("leaves the replication group as it was (additive: no input that replaces it changes); only its node type becomes the datastore's", () => {
        const before = cold.one(GROUP);
        const after = global.one(GROUP);
        assert.deepEqual(after.inputs, before.inputs);
        assert.deepEqual([before.ignoreChanges, after.ignoreChanges], [[], ["nodeType"]]);
        assert.equal(after.protect, true);
        assert.equal(after.inputs.transitEncryptionEnabled, true);
        assert.equal(after.inputs.atRestEncryptionEnabled, true);
        assert.equal(after.inputs.globalReplicationGroupId, undefined, "the primary does not join as a secondary");
    });
});
