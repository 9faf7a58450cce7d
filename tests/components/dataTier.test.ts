import { strict as assert } from "assert";
import { ELASTICACHE_AUTH_TOKEN, atlasMatcherProblems } from "../../lib/limits";
import { ProgramError, RecordedResource, Run, isSecretInput, later, runProgram, baselines } from "../harness";

const CLUSTER = "mongodbatlas:index/advancedCluster:AdvancedCluster";
const RG = "aws:elasticache/replicationGroup:ReplicationGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SECRET = "aws:secretsmanager/secret:Secret";
const VERSION = "aws:secretsmanager/secretVersion:SecretVersion";

const container = (run: Run, name: string) => JSON.parse(run.one("aws:ecs/taskDefinition:TaskDefinition", `pg-${name}`).inputs.containerDefinitions)[0];
const secretValue = (run: Run, name: string) => run.one(VERSION, name).inputs.secretString as string;
const statementsOf = (run: Run, role: RecordedResource) =>
    run.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs.role === role.outputs.name).flatMap((p) => JSON.parse(p.inputs.policy).Statement);

/** Every place a value appears in the clear: inputs outside their secret paths, and non-secret stack outputs. */
function clearText(run: Run): string[] {
    const places: string[] = [];
    const walk = (r: RecordedResource, value: unknown, at: string) => {
        if (isSecretInput(r, at)) return;
        if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(r, v, at ? `${at}.${k}` : k);
        else if (typeof value === "string") places.push(value);
    };
    for (const r of run.resources) walk(r, r.inputs, "");
    for (const [k, v] of Object.entries(run.outputs)) if (!run.secretOutputs.includes(k)) places.push(JSON.stringify(v));
    return places;
}

describe("data tier", () => {
    let prod: Run, dev: Run;
    before(async () => ({ prod, dev } = await baselines()));

    describe("Atlas", () => {
        it("is a replica set of three electable nodes of the configured tier, region and version", () => {
            const c = prod.one(CLUSTER);
            assert.equal(c.inputs.clusterType, "REPLICASET");
            assert.equal(c.inputs.name, "pg-prod");
            assert.equal(c.inputs.mongoDbMajorVersion, "8.0");
            const region = c.inputs.replicationSpecs[0].regionConfigs[0];
            assert.deepEqual([region.providerName, region.regionName, region.priority], ["AWS", "US_EAST_1", 7]);
            assert.deepEqual(region.electableSpecs, { instanceSize: "M30", nodeCount: 3 });
            assert.equal(c.inputs.replicationSpecs.length, 1);
        });

        it("takes five or seven electable nodes from config", async () => {
            const run = await runProgram({ stack: "dev", set: { "atlas.electableNodes": 5 } });
            assert.equal(run.one(CLUSTER).inputs.replicationSpecs[0].regionConfigs[0].electableSpecs.nodeCount, 5);
        });

        it("backs up continuously with a daily snapshot schedule", () => {
            const c = prod.one(CLUSTER);
            assert.equal(c.inputs.backupEnabled, true);
            assert.equal(c.inputs.pitEnabled, true);
            const schedule = prod.one("mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule");
            assert.equal(schedule.inputs.clusterName, c.outputs.name);
            assert.deepEqual(schedule.inputs.policyItemDaily, { frequencyInterval: 1, retentionUnit: "days", retentionValue: 14 });
            assert.equal(dev.one("mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule").inputs.policyItemDaily.retentionValue, 2);
        });

        it("grows its disk with the data in every stack unless atlas.diskAutoScaling is false", async () => {
            // The provider documents diskGbEnabled's default as false: it is sent, always.
            for (const run of [prod, dev]) assert.deepEqual(run.one(CLUSTER).inputs.replicationSpecs[0].regionConfigs[0].autoScaling, { computeEnabled: false, diskGbEnabled: true }, run.stack);
            const off = await runProgram({ stack: "dev", set: { "atlas.diskAutoScaling": false } });
            assert.deepEqual(off.one(CLUSTER).inputs.replicationSpecs[0].regionConfigs[0].autoScaling, { computeEnabled: false, diskGbEnabled: false });
        });

        it("refuses a tier edit that disk auto-scaling would leave unapplied, and applies it with disk auto-scaling off", async () => {
            const edit = await later(dev, { set: { "atlas.tier": "M20" } }).then(() => assert.fail("accepted"), (e) => e as ProgramError);
            assert.deepEqual(edit.resources, [], "nothing declared");
            assert.match(edit.message, /payment-gateway:atlas\.tier is not applied while disk auto-scaling is on \(Atlas keeps the running M10, and the pools would be sized for M20\): set atlas\.diskAutoScaling false in the same change/);
            const applied = await later(dev, { set: { "atlas.tier": "M20", "atlas.diskAutoScaling": false } });
            assert.deepEqual(applied.one(CLUSTER).inputs.replicationSpecs[0].regionConfigs[0].autoScaling, { computeEnabled: false, diskGbEnabled: false });
            assert.equal(applied.one(CLUSTER).inputs.replicationSpecs[0].regionConfigs[0].electableSpecs.instanceSize, "M20");
            const back = await later(applied, { set: { "atlas.diskAutoScaling": true } });
            assert.equal(back.one(CLUSTER).inputs.replicationSpecs[0].regionConfigs[0].autoScaling.diskGbEnabled, true, "turned back on at the new tier");
        });

        it("is termination-protected in prod only", () => {
            assert.equal(prod.one(CLUSTER).inputs.terminationProtectionEnabled, true);
            assert.equal(dev.one(CLUSTER).inputs.terminationProtectionEnabled, false);
        });

        it("auto-scales compute within configured bounds and leaves the size Atlas picks alone", async () => {
            const run = await runProgram({ stack: "prod", set: { "atlas.autoScaling": { minTier: "M30", maxTier: "M60" } } });
            const c = run.one(CLUSTER);
            assert.deepEqual(c.inputs.replicationSpecs[0].regionConfigs[0].autoScaling, { computeEnabled: true, computeScaleDownEnabled: true, computeMinInstanceSize: "M30", computeMaxInstanceSize: "M60", diskGbEnabled: true });
            // Effective fields, not a partial ignoreChanges: Atlas's sizes are never sent back stale.
            assert.equal(c.inputs.useEffectiveFields, true);
            assert.deepEqual(c.ignoreChanges, []);
            assert.equal(prod.one(CLUSTER).inputs.useEffectiveFields, true);
        });

        it("creates the project in the organization, or uses an existing one", async () => {
            const project = prod.one("mongodbatlas:index/project:Project");
            assert.equal(project.inputs.orgId, "5f0000000000000000000001");
            assert.equal(prod.one(CLUSTER).inputs.projectId, project.id);
            const existing = await runProgram({ stack: "dev", set: { "atlas.orgId": undefined, "atlas.projectId": "65aa00000000000000000abc" } });
            assert.equal(existing.ofType("mongodbatlas:index/project:Project").length, 0);
            assert.equal(existing.one(CLUSTER).inputs.projectId, "65aa00000000000000000abc");
        });

        it("is reached over PrivateLink in prod, from the services only", () => {
            const endpoint = prod.one("mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint");
            assert.deepEqual([endpoint.inputs.providerName, endpoint.inputs.region], ["AWS", "us-east-1"]);
            const vpce = prod.one("aws:ec2/vpcEndpoint:VpcEndpoint", "pg-atlas");
            assert.equal(vpce.inputs.serviceName, endpoint.outputs.endpointServiceName);
            assert.equal(vpce.inputs.vpcEndpointType, "Interface");
            const privateIds = prod.ofType("aws:ec2/subnet:Subnet").filter((s) => s.inputs.tags.tier === "private").map((s) => s.id).sort();
            assert.deepEqual([...vpce.inputs.subnetIds].sort(), privateIds);
            const service = prod.one("mongodbatlas:index/privateLinkEndpointService:PrivateLinkEndpointService");
            assert.equal(service.inputs.endpointServiceId, vpce.id);
            assert.equal(service.inputs.privateLinkId, endpoint.outputs.privateLinkId);
            const sg = prod.one("aws:ec2/securityGroup:SecurityGroup", "pg-atlas");
            assert.deepEqual(vpce.inputs.securityGroupIds, [sg.id]);
            const sources = prod.ofType(INGRESS).filter((r) => r.inputs.securityGroupId === sg.id);
            const serviceGroups = ["admin", "main", "worker"].map((n) => prod.one("aws:ec2/securityGroup:SecurityGroup", `pg-${n}-svc`).id);
            assert.deepEqual(sources.map((r) => r.inputs.referencedSecurityGroupId).sort(), serviceGroups.sort());
            assert.ok(sources.every((r) => r.inputs.fromPort === 1024 && r.inputs.toPort === 65535 && !r.inputs.cidrIpv4));
            assert.equal(prod.ofType("mongodbatlas:index/projectIpAccessList:ProjectIpAccessList").length, 0);
        });

        it("allows only the NAT gateways' addresses without PrivateLink, never 0.0.0.0/0", () => {
            const entries = dev.ofType("mongodbatlas:index/projectIpAccessList:ProjectIpAccessList");
            const natIps = dev.ofType("aws:ec2/eip:Eip").map((e) => e.outputs.publicIp);
            assert.deepEqual(entries.map((e) => e.inputs.ipAddress).sort(), natIps.sort());
            assert.equal(dev.ofType("mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint").length, 0);
            for (const run of [dev, prod])
                for (const e of run.ofType("mongodbatlas:index/projectIpAccessList:ProjectIpAccessList")) assert.ok(e.inputs.cidrBlock !== "0.0.0.0/0" && e.inputs.ipAddress !== "0.0.0.0");
        });

        it("has a user per service, each with readWrite on the application database only and a password of its own", () => {
            assert.deepEqual(prod.ofType("mongodbatlas:index/databaseUser:DatabaseUser").map((u) => u.inputs.username).sort(), ["pg-prod-admin", "pg-prod-main", "pg-prod-worker"]);
            for (const name of ["admin", "main", "worker"]) {
                const user = prod.one("mongodbatlas:index/databaseUser:DatabaseUser", `pg-${name}-app`);
                assert.deepEqual(user.inputs.roles, [{ roleName: "readWrite", databaseName: "payment_gateway" }]);
                assert.deepEqual(user.inputs.scopes, [{ name: "pg-prod", type: "CLUSTER" }]);
                assert.equal(user.inputs.authDatabaseName, "admin");
                const password = prod.one("random:index/randomPassword:RandomPassword", `pg-${name}-app-password`);
                assert.equal(user.inputs.password, password.outputs.result);
                assert.ok(isSecretInput(user, "password"));
                assert.ok(password.inputs.length >= 24);
            }
        });
    });

    it("alerts when connections exceed the budget the pools were sized for", async () => {
        const alert = prod.one("mongodbatlas:index/alertConfiguration:AlertConfiguration", "pg-connections");
        assert.equal(alert.inputs.projectId, prod.one("mongodbatlas:index/project:Project").id);
        assert.equal(alert.inputs.eventType, "OUTSIDE_METRIC_THRESHOLD");
        assert.deepEqual(alert.inputs.matchers, [{ fieldName: "TYPE_NAME", operator: "EQUALS", value: "PRIMARY" }]);
        assert.deepEqual(alert.inputs.metricThresholdConfig, { metricName: "CONNECTIONS", operator: "GREATER_THAN", threshold: prod.outputs.connectionBudget.budget, units: "RAW", mode: "AVERAGE" });
        assert.equal(prod.outputs.connectionBudget.budget, Math.floor((3000 - 10) * 0.8));
        const bigger = await runProgram({ stack: "prod", set: { "atlas.tier": "M40", "observability.alarmEmails": ["oncall@example.com"] } });
        const moved = bigger.one("mongodbatlas:index/alertConfiguration:AlertConfiguration", "pg-connections").inputs;
        assert.equal(moved.metricThresholdConfig.threshold, Math.floor((6000 - 10) * 0.8));
        assert.deepEqual(moved.notifications.map((n: any) => n.typeName), ["GROUP", "EMAIL"]);
        assert.equal(moved.notifications[1].emailAddress, "oncall@example.com");
    });

    describe("with IAM authentication", () => {
        let iam: Run;
        before(async () => (iam = await runProgram({ stack: "prod", set: { "atlas.authentication": "iam" } })));

        it("gives each service a user for its task role on the application database, and no password", () => {
            assert.equal(iam.ofType("random:index/randomPassword:RandomPassword").filter((p) => p.name === "pg-app").length, 0);
            const users = iam.ofType("mongodbatlas:index/databaseUser:DatabaseUser");
            assert.deepEqual(users.map((u) => u.name).sort(), ["pg-admin", "pg-main", "pg-worker"]);
            for (const name of ["admin", "main", "worker"]) {
                const user = iam.one("mongodbatlas:index/databaseUser:DatabaseUser", `pg-${name}`).inputs;
                assert.equal(user.username, iam.one("aws:iam/role:Role", `pg-${name}-task`).outputs.arn);
                assert.deepEqual([user.awsIamType, user.authDatabaseName, user.password], ["ROLE", "$external", undefined]);
                assert.deepEqual(user.roles, [{ roleName: "readWrite", databaseName: "payment_gateway" }]);
            }
        });

        it("connects with MONGODB-AWS, and each service waits for its own user", () => {
            assert.match(secretValue(iam, "pg-database-uri"), /^mongodb\+srv:\/\/pg-prod-pl-0\.[a-z0-9]{5}\.mongodb\.net\/payment_gateway\?authSource=%24external&authMechanism=MONGODB-AWS&retryWrites=true&w=majority&tls=true$/);
            for (const name of ["admin", "main", "worker"])
                assert.ok(iam.one("aws:ecs/service:Service", `pg-${name}`).dependsOn.includes(iam.one("mongodbatlas:index/databaseUser:DatabaseUser", `pg-${name}`).urn));
        });

        it("each service also waits until Atlas has applied its user (a new user cannot log in before)", () => {
            for (const name of ["admin", "main", "worker"]) {
                const wait = iam.one("pulumi-nodejs:dynamic/payment-gateway:UsersApplied", `pg-${name}-applied`);
                assert.equal(wait.inputs.username, iam.one("aws:iam/role:Role", `pg-${name}-task`).outputs.arn);
                assert.ok(iam.one("aws:ecs/service:Service", `pg-${name}`).dependsOn.includes(wait.urn));
            }
        });
    });

    describe("MPG_DATABASE_URI", () => {
        it("is, per service, the private-endpoint SRV string with its own user's credentials, TLS and majority writes, stored as a secret", () => {
            for (const name of ["admin", "main", "worker"]) {
                const uri = secretValue(prod, `pg-${name}-database-uri`);
                const password = prod.one("random:index/randomPassword:RandomPassword", `pg-${name}-app-password`).outputs.result;
                assert.equal(uri, `mongodb+srv://pg-prod-${name}:${password}@pg-prod-pl-0.${uri.split(".")[1]}.mongodb.net/payment_gateway?retryWrites=true&w=majority&tls=true&authSource=admin`);
                assert.ok(isSecretInput(prod.one(VERSION, `pg-${name}-database-uri`), "secretString"));
                assert.equal(prod.one(SECRET, `pg-${name}-database-uri`).inputs.name, `payment-gateway/prod/${name}/database-uri`);
                // Recoverable for 30 days in prod; deleted at once elsewhere, so a torn-down stack can be re-created.
                assert.equal(prod.one(SECRET, `pg-${name}-database-uri`).inputs.recoveryWindowInDays, 30);
                assert.equal(dev.one(SECRET, `pg-${name}-database-uri`).inputs.recoveryWindowInDays, 0);
            }
            assert.equal(prod.ofType(SECRET).filter((x) => x.name === "pg-database-uri").length, 0, "no shared URI");
        });

        it("reads the private connection string back only after the endpoint service exists", () => {
            const read = prod.invokes.filter((i) => i.token === "mongodbatlas:index/getAdvancedCluster:getAdvancedCluster");
            assert.equal(read.length, 1);
            assert.equal(read[0].inputs.name, "pg-prod");
        });

        it("uses the public SRV string without PrivateLink", () => {
            assert.match(secretValue(dev, "pg-worker-database-uri"), /^mongodb\+srv:\/\/pg-dev-worker:[A-Za-z0-9]{32}@pg-dev\.[a-z0-9]{5}\.mongodb\.net\/payment_gateway\?retryWrites=true&w=majority&tls=true/);
        });

        it("reaches each service as an ECS secret of its own, never as plain environment", () => {
            const cacheArn = prod.one(SECRET, "pg-cache-url").outputs.arn;
            for (const name of ["admin", "main", "worker"]) {
                const arn = prod.one(SECRET, `pg-${name}-database-uri`).outputs.arn;
                const c = container(prod, name);
                assert.deepEqual(c.secrets, [{ name: "MPG_DATABASE_URI", valueFrom: arn }, { name: "MPG_GARNET_URL", valueFrom: cacheArn }]);
                assert.ok(!c.environment.some((e: any) => e.name === "MPG_DATABASE_URI" || e.name === "MPG_GARNET_URL"));
            }
        });

        it("may be read by its service's execution role only, and nothing else readable", () => {
            const dataKey = prod.one("aws:kms/key:Key", "pg-data-key").outputs.arn;
            for (const name of ["admin", "main", "worker"]) {
                const arns = [`pg-${name}-database-uri`, "pg-cache-url"].map((n) => prod.one(SECRET, n).outputs.arn).sort();
                const statements = statementsOf(prod, prod.one("aws:iam/role:Role", `pg-${name}-exec`));
                const reads = statements.filter((s: any) => [s.Action].flat().includes("secretsmanager:GetSecretValue"));
                assert.deepEqual(reads.map((s: any) => s.Resource).sort(), arns);
                const decrypt = statements.filter((s: any) => [s.Action].flat().includes("kms:Decrypt"));
                assert.ok(decrypt.every((s: any) => s.Resource === dataKey && s.Condition.StringEquals["kms:ViaService"] === "secretsmanager.us-east-1.amazonaws.com"));
                assert.equal(statementsOf(prod, prod.one("aws:iam/role:Role", `pg-${name}-task`)).some((s: any) => JSON.stringify(s).includes("secretsmanager")), false);
            }
        });
    });

    it("alerts on replication lag of the secondaries, with matchers a host-metric alert accepts", () => {
        const lag = prod.one("mongodbatlas:index/alertConfiguration:AlertConfiguration", "pg-replication-lag");
        assert.deepEqual(lag.inputs.matchers, [{ fieldName: "TYPE_NAME", operator: "EQUALS", value: "SECONDARY" }]);
        assert.equal(lag.inputs.metricThresholdConfig.metricName, "OPLOG_SLAVE_LAG_MASTER_TIME");
        for (const run of [prod, dev])
            for (const alert of run.ofType("mongodbatlas:index/alertConfiguration:AlertConfiguration"))
                assert.deepEqual(atlasMatcherProblems(alert.inputs.eventType, alert.inputs.matchers), [], alert.name);
    });

    describe("cache", () => {
        it("is a valkey replication group with Multi-AZ automatic failover in prod", () => {
            const g = prod.one(RG).inputs;
            assert.deepEqual([g.engine, g.engineVersion, g.nodeType, g.numCacheClusters], ["valkey", "8.0", "cache.m7g.large", 3]);
            assert.equal(g.automaticFailoverEnabled, true);
            assert.equal(g.multiAzEnabled, true);
            assert.equal(g.replicationGroupId, "pg-prod-cache");
        });

        it("may run a single node without failover in dev", () => {
            const g = dev.one(RG).inputs;
            assert.equal(g.numCacheClusters, 1);
            assert.equal(g.automaticFailoverEnabled, false);
            assert.equal(g.multiAzEnabled, false);
        });

        it("runs redis when configured", async () => {
            const run = await runProgram({ stack: "dev", set: { "cache.engine": "redis" } });
            const g = run.one(RG).inputs;
            assert.deepEqual([g.engine, g.engineVersion], ["redis", "7.1"]);
            assert.equal(run.one("aws:elasticache/parameterGroup:ParameterGroup").inputs.family, "redis7");
        });

        it("requires TLS with a generated AUTH token ElastiCache accepts", () => {
            const g = prod.one(RG);
            assert.equal(g.inputs.transitEncryptionEnabled, true);
            assert.equal(g.inputs.transitEncryptionMode, "required");
            const token = prod.one("random:index/randomPassword:RandomPassword", "pg-auth").outputs.result;
            assert.equal(g.inputs.authToken, token);
            assert.ok(isSecretInput(g, "authToken"));
            assert.match(token, ELASTICACHE_AUTH_TOKEN);
        });

        it("encrypts at rest with the data key and snapshots daily, keeping a final snapshot", () => {
            const g = prod.one(RG).inputs;
            assert.equal(g.atRestEncryptionEnabled, true);
            assert.equal(g.kmsKeyId, prod.one("aws:kms/key:Key", "pg-data-key").outputs.arn);
            assert.equal(g.snapshotRetentionLimit, 14);
            assert.match(g.snapshotWindow, /^\d\d:\d\d-\d\d:\d\d$/);
            const suffix = prod.one("random:index/randomId:RandomId", "pg-final").outputs.hex;
            assert.match(suffix, /^[0-9a-f]{8}$/);
            assert.equal(g.finalSnapshotIdentifier, `pg-prod-cache-final-${suffix}`);
        });

        it("never evicts keys without a TTL", () => {
            const params = prod.one("aws:elasticache/parameterGroup:ParameterGroup");
            assert.equal(params.inputs.family, "valkey8");
            assert.deepEqual(params.inputs.parameters, [{ name: "maxmemory-policy", value: "volatile-lru" }]);
            assert.equal(prod.one(RG).inputs.parameterGroupName, params.outputs.name);
        });

        it("applies a change at once, never queued until the maintenance window", () => {
            for (const run of [prod, dev]) assert.equal(run.one(RG).inputs.applyImmediately, true);
        });

        it("moves to a new parameter group on an engine upgrade before the old one can be deleted", async () => {
            const before = await runProgram({ stack: "dev", set: { "cache.engineVersion": "7.2" } });
            const [old, now] = [before, dev].map((run) => run.one("aws:elasticache/parameterGroup:ParameterGroup"));
            assert.deepEqual([old.inputs.family, now.inputs.family], ["valkey7", "valkey8"]);
            // Same URN, a replace-on-change family: Pulumi replaces it, and by default creates the new
            // group first and deletes the old one last, after the cluster (applied at once) has left it.
            assert.equal(old.urn, now.urn);
            for (const group of [old, now]) {
                assert.equal(group.inputs.name, undefined, "a fixed name would force delete-before-replace");
                assert.equal(group.deleteBeforeReplace, false);
            }
            assert.equal(dev.one(RG).inputs.parameterGroupName, now.outputs.name);
            assert.ok(dev.one(RG).propertyDependencies.parameterGroupName.includes(now.urn));
        });

        it("lives in the private subnets and admits its port only from the three services", () => {
            const subnets = prod.one("aws:elasticache/subnetGroup:SubnetGroup");
            const privateIds = prod.ofType("aws:ec2/subnet:Subnet").filter((s) => s.inputs.tags.tier === "private").map((s) => s.id).sort();
            assert.deepEqual([...subnets.inputs.subnetIds].sort(), privateIds);
            const sg = prod.one("aws:ec2/securityGroup:SecurityGroup", "pg-cache");
            assert.deepEqual(prod.one(RG).inputs.securityGroupIds, [sg.id]);
            const rules = prod.ofType(INGRESS).filter((r) => r.inputs.securityGroupId === sg.id);
            const serviceGroups = ["admin", "main", "worker"].map((n) => prod.one("aws:ec2/securityGroup:SecurityGroup", `pg-${n}-svc`).id);
            assert.deepEqual(rules.map((r) => r.inputs.referencedSecurityGroupId).sort(), serviceGroups.sort());
            assert.ok(rules.every((r) => r.inputs.fromPort === 6379 && r.inputs.toPort === 6379));
        });

        it("hands the services MPG_GARNET_URL = rediss://default:<token>@<primary>:<port>/0 as a secret", () => {
            const token = prod.one("random:index/randomPassword:RandomPassword", "pg-auth").outputs.result;
            const primary = prod.one(RG).outputs.primaryEndpointAddress;
            assert.equal(secretValue(prod, "pg-cache-url"), `rediss://default:${token}@${primary}:6379/0`);
            assert.ok(isSecretInput(prod.one(VERSION, "pg-cache-url"), "secretString"));
        });
    });

    describe("KMS", () => {
        it("has rotating customer-managed keys", () => {
            for (const k of prod.ofType("aws:kms/key:Key")) assert.equal(k.inputs.enableKeyRotation, true);
            assert.deepEqual(prod.ofType("aws:kms/alias:Alias").map((a) => a.inputs.name).sort(), ["alias/payment-gateway-prod-app", "alias/payment-gateway-prod-atlas", "alias/payment-gateway-prod-data", "alias/payment-gateway-prod-logs"]);
        });

        it("lets the task roles generate and decrypt data keys with the application key only", () => {
            const appKey = prod.one("aws:kms/key:Key", "pg-app-key").outputs.arn;
            for (const name of ["admin", "main", "worker"]) {
                const statements = statementsOf(prod, prod.one("aws:iam/role:Role", `pg-${name}-task`)).filter((s: any) => JSON.stringify(s.Action).includes("kms:"));
                assert.deepEqual(statements, [{ Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: appKey }]);
            }
        });
    });

    describe("data safety", () => {
        const stateful = (run: Run) => [
            run.one(CLUSTER),
            run.one("mongodbatlas:index/project:Project"),
            run.one(RG),
            ...run.ofType("aws:kms/key:Key"),
            ...run.ofType(SECRET),
        ];

        it("protects the cluster, project, cache, keys and secrets in prod, and nothing stateful is left unprotected", () => {
            for (const r of stateful(prod)) assert.equal(r.protect, true, `${r.type} ${r.name}`);
            for (const r of stateful(dev)) assert.equal(r.protect, false, `${r.type} ${r.name}`);
        });

        // Inputs whose change replaces the resource (provider ForceNew / RequiresReplace).
        const replaceOnChange: Record<string, string[]> = {
            [RG]: ["replicationGroupId", "atRestEncryptionEnabled", "kmsKeyId", "subnetGroupName", "port", "engine"],
            [CLUSTER]: ["name", "projectId"],
            "mongodbatlas:index/project:Project": ["name", "orgId"],
            "aws:kms/key:Key": [],
            [SECRET]: ["name"],
        };

        const rescales: [string, Record<string, unknown>][] = [
            ["instances", { "main.instances": 4, "admin.maxInstances": 6 }],
            ["the Atlas tier", { "atlas.tier": "M40" }],
            ["the cache's node count and type", { "cache.nodes": 2, "cache.nodeType": "cache.r7g.large" }],
        ];
        for (const [what, set] of rescales) {
            it(`keeps every stateful resource's URN and replace-on-change inputs when rescaling ${what}`, async () => {
                const after = await runProgram({ stack: "prod", set });
                for (const before of stateful(prod)) {
                    const now = after.resources.find((r) => r.urn === before.urn);
                    assert.ok(now, `${before.urn} would be replaced`);
                    for (const key of replaceOnChange[before.type]) assert.deepEqual(now.inputs[key], before.inputs[key], `${before.name}.${key}`);
                    assert.equal(now.protect, true);
                }
            });
        }

        it("actually applies the rescale in place", async () => {
            const after = await runProgram({ stack: "prod", set: { "atlas.tier": "M40", "cache.nodes": 2 } });
            assert.equal(after.one(CLUSTER).inputs.replicationSpecs[0].regionConfigs[0].electableSpecs.instanceSize, "M40");
            assert.equal(after.one(RG).inputs.numCacheClusters, 2);
        });

        it("never shows a generated password or token in a task definition, a plain input or a non-secret output", () => {
            for (const run of [prod, dev]) {
                const generated = run.ofType("random:index/randomPassword:RandomPassword").map((p) => p.outputs.result);
                assert.equal(generated.length, 4, "three database passwords (one per service) and the cache token");
                const clear = clearText(run);
                for (const value of generated) assert.ok(!clear.some((text) => text.includes(value)), "a generated credential appears in the clear");
                for (const td of run.ofType("aws:ecs/taskDefinition:TaskDefinition")) for (const value of generated) assert.ok(!td.inputs.containerDefinitions.includes(value));
            }
        });
    });

    describe("order", () => {
        it("starts no service before its secrets have values, its database user and its endpoint exist", () => {
            for (const name of ["admin", "main", "worker"]) {
                const s = prod.one("aws:ecs/service:Service", `pg-${name}`);
                const needs = [
                    prod.one(VERSION, `pg-${name}-database-uri`),
                    prod.one(VERSION, "pg-cache-url"),
                    prod.one("mongodbatlas:index/databaseUser:DatabaseUser", `pg-${name}-app`),
                    prod.one("mongodbatlas:index/privateLinkEndpointService:PrivateLinkEndpointService"),
                ];
                for (const n of needs) assert.ok(s.dependsOn.includes(n.urn), `${s.name} does not wait for ${n.type} ${n.name}`);
                // Nothing that is another service's: it starts whether or not their users exist.
                const others = prod.ofType("mongodbatlas:index/databaseUser:DatabaseUser").filter((u) => u.name !== `pg-${name}-app`);
                assert.ok(others.every((u) => !s.dependsOn.includes(u.urn)), `${s.name} waits for another service's user`);
            }
            const natEntries = dev.ofType("mongodbatlas:index/projectIpAccessList:ProjectIpAccessList");
            for (const s of dev.ofType("aws:ecs/service:Service")) for (const n of natEntries) assert.ok(s.dependsOn.includes(n.urn));
        });

        it("starts no service before its permissions and its paths to the cache and the database exist", () => {
            for (const name of ["admin", "main", "worker"]) {
                const svc = prod.one("aws:ecs/service:Service", `pg-${name}`);
                for (const role of [`pg-${name}-exec`, `pg-${name}-task`]) {
                    const roleName = prod.one("aws:iam/role:Role", role).outputs.name;
                    const policies = prod.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs.role === roleName);
                    assert.ok(policies.length > 0, role);
                    for (const p of policies) assert.ok(svc.dependsOn.includes(p.urn), `${svc.name} does not wait for ${p.name}`);
                }
                const sg = prod.one("aws:ec2/securityGroup:SecurityGroup", `pg-${name}-svc`).id;
                const paths = prod.ofType(INGRESS).filter((r) => r.inputs.referencedSecurityGroupId === sg);
                assert.equal(paths.length, 2, "cache and Atlas endpoint");
                for (const p of paths) assert.ok(svc.dependsOn.includes(p.urn), `${svc.name} does not wait for ${p.name}`);
            }
        });

        it("adds no needless explicit dependencies", () => {
            const explicit = prod.resources.filter((r) => r.dependsOn.length).map((r) => r.type);
            // Each waits for what it uses but does not reference: services for their secrets, paths
            // and permissions; NAT gateways, their addresses and the ALB for the internet gateway
            // (and the ALB for its access-log bucket policy); the WAF's log group for its key's policy
            // and its logging for the log resource policy; the audit log for a cluster to audit; the
            // cluster for its encryption at rest, which waits for the key policy, and Atlas's role
            // authorization for the role's permissions; log groups for the logs key's policy, the flow
            // log for its role's permissions, Object Lock for versioning; with the egress firewall, the
            // NAT gateways' route table for the load balancer's move off their subnets, and the private
            // route tables for it (the return path before the way out).
            assert.deepEqual([...new Set(explicit)].sort(), ["aws:cloudwatch/logGroup:LogGroup", "aws:ec2/eip:Eip", "aws:ec2/flowLog:FlowLog", "aws:ec2/natGateway:NatGateway", "aws:ec2/routeTable:RouteTable", "aws:ecs/service:Service", "aws:lb/loadBalancer:LoadBalancer", "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "mongodbatlas:index/advancedCluster:AdvancedCluster", "mongodbatlas:index/auditing:Auditing", "mongodbatlas:index/cloudProviderAccessAuthorization:CloudProviderAccessAuthorization", "mongodbatlas:index/encryptionAtRest:EncryptionAtRest"]);
        });
    });

    it("exports the cluster's name and host and the cache's primary endpoint, without credentials", () => {
        assert.equal(prod.outputs.atlasCluster.name, "pg-prod");
        assert.match(prod.outputs.atlasCluster.host, /^pg-prod-pl-0\.[a-z0-9]{5}\.mongodb\.net$/);
        assert.equal(prod.outputs.cachePrimaryEndpoint, prod.one(RG).outputs.primaryEndpointAddress);
        assert.ok(!prod.secretOutputs.includes("atlasCluster"));
    });
});
