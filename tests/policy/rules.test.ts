import { strict as assert } from "assert";
import { CHECKLIST, PCI, RULES, Resource, Rule, SECURITY, evaluate } from "../../policy/rules";
import { listStacks, runProgram, stackRun } from "../harness";

// ---------------------------------------------------------------------------------------------
// A small stack that satisfies every rule; each test breaks one thing.

function container(env: Record<string, string>, extra: object[] = [], secrets: { name: string; valueFrom: string }[] = []) {
    return JSON.stringify([{ name: "app", environment: Object.entries(env).map(([name, value]) => ({ name, value })), secrets }, ...extra]);
}
const uriSecret = (service: string) => [{ name: "MPG_DATABASE_URI", valueFrom: `arn:aws:secretsmanager:us-east-1:1:secret:payment-gateway/prod/${service}/database-uri-AbCdEf` }];
const appEnv = { MPG_DATABASE_MAX_POOL_SIZE: "50", OTEL_EXPORTER_OTLP_ENDPOINT: "http://localhost:4318", OTEL_SERVICE_NAME: "payment-gateway-main" };
const LB = "payment-gateway:loadBalancer:LoadBalancer";

function good(): Resource[] {
    const r = (type: string, name: string, props: Record<string, any>, parentType?: string): Resource => ({ type, name, urn: `urn:${type}::${name}`, props, parentType });
    const services = ["admin", "main", "worker"];
    return [
        r("aws:ecs/cluster:Cluster", "pg", { tags: { environment: "prod" } }),
        r("mongodbatlas:index/advancedCluster:AdvancedCluster", "pg", {
            name: "pg-prod", clusterType: "REPLICASET", backupEnabled: true, pitEnabled: true, encryptionAtRestProvider: "AWS",
            replicationSpecs: [{ regionConfigs: [{ electableSpecs: { instanceSize: "M30", nodeCount: 3 } }] }],
        }),
        r("mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule", "pg", { policyItemDaily: { retentionValue: 7 } }),
        r("aws:elasticache/replicationGroup:ReplicationGroup", "pg", {
            replicationGroupId: "pg-prod-cache", numCacheClusters: 2, automaticFailoverEnabled: true, multiAzEnabled: true,
            atRestEncryptionEnabled: true, transitEncryptionEnabled: true, transitEncryptionMode: "required", snapshotRetentionLimit: 7,
        }),
        r("aws:lb/loadBalancer:LoadBalancer", "pg", { internal: false }, LB),
        r("aws:lb/listener:Listener", "pg-https", { protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" }, LB),
        r("aws:lb/listener:Listener", "pg-http", { protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS" } }] }, LB),
        r("aws:lb/targetGroup:TargetGroup", "pg-admin", { tags: { service: "admin" }, healthCheck: { path: "/health", interval: 10, timeout: 5 }, stickiness: { enabled: true, type: "lb_cookie", cookieDuration: 86400 } }, LB),
        r("aws:lb/targetGroup:TargetGroup", "pg-main", { tags: { service: "main" }, healthCheck: { path: "/health", interval: 10, timeout: 5 }, stickiness: { enabled: false, type: "lb_cookie" } }, LB),
        r("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "pg-alb-443", { cidrIpv4: "0.0.0.0/0", fromPort: 443, toPort: 443 }, LB),
        r("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "pg-cache-from-main", { referencedSecurityGroupId: "sg-1", fromPort: 6379, toPort: 6379 }),
        r("aws:secretsmanager/secret:Secret", "uri", { kmsKeyId: "arn:aws:kms:us-east-1:1:key/x" }),
        r("aws:kms/key:Key", "data", { enableKeyRotation: true }),
        r("aws:kms/keyPolicy:KeyPolicy", "data", { policy: JSON.stringify({ Statement: [
            { Sid: "AccountAdministersWithoutUse", Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:root" }, Action: ["kms:PutKeyPolicy", "kms:DescribeKey"], Resource: "*" },
            { Sid: "AccountUsesThroughServices", Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:root" }, Action: ["kms:Decrypt"], Resource: "*", Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } } },
        ] }) }),
        r("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "pg-main-svc-to-443-cidr0", { cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 443, toPort: 443 }),
        r("mongodbatlas:index/auditing:Auditing", "pg", { enabled: true, auditFilter: JSON.stringify({ atype: { $in: ["authenticate", "authCheck", "createUser", "dropUser", "grantRolesToUser", "createRole", "dropCollection", "dropDatabase"] } }) }),
        r("mongodbatlas:index/encryptionAtRest:EncryptionAtRest", "pg", { awsKmsConfig: { enabled: true } }),
        r("aws:cloudwatch/logGroup:LogGroup", "pg-main", { name: "/ecs/payment-gateway-prod/main", kmsKeyId: "arn:aws:kms:us-east-1:1:key/l", retentionInDays: 365 }),
        r("aws:iam/rolePolicy:RolePolicy", "exec", { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "arn:aws:secretsmanager:us-east-1:1:secret:x" }, { Effect: "Allow", Action: ["xray:PutTraceSegments"], Resource: "*" }] }) }),
        r("aws:fis/experimentTemplate:ExperimentTemplate", "pg-task-loss", {
            tags: { drill: "task-loss" },
            stopConditions: [{ source: "aws:cloudwatch:alarm", value: "arn:aws:cloudwatch:us-east-1:1:alarm:5xx" }],
            targets: [{ name: "main-tasks", resourceType: "aws:ecs:task", parameters: { cluster: "payment-gateway-prod", service: "payment-gateway-prod-main" }, selectionMode: "PERCENT(50)" }],
        }),
        r("aws:networkfirewall/ruleGroup:RuleGroup", "pg-egress-domains", { type: "STATEFUL", ruleGroup: { rulesSource: { rulesSourceList: { generatedRulesType: "ALLOWLIST", targetTypes: ["TLS_SNI"], targets: ["api.example.com"] } } } }),
        r("aws:networkfirewall/firewallPolicy:FirewallPolicy", "pg-egress-policy", { firewallPolicy: { statelessDefaultActions: ["aws:forward_to_sfe"], statefulEngineOptions: { ruleOrder: "STRICT_ORDER" }, statefulDefaultActions: ["aws:drop_established", "aws:alert_established"] } }),
        r("aws:networkfirewall/firewall:Firewall", "pg-egress", { subnetMappings: [{ subnetId: "subnet-1" }, { subnetId: "subnet-2" }] }),
        r("aws:networkfirewall/loggingConfiguration:LoggingConfiguration", "pg-egress", { loggingConfiguration: { logDestinationConfigs: [{ logType: "ALERT" }, { logType: "FLOW" }] } }),
        r("aws:ec2/routeTable:RouteTable", "pg-firewall-0", { routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" }] }),
        r("aws:ec2/routeTable:RouteTable", "pg-firewall-1", { routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-2" }] }),
        r("aws:ec2/routeTable:RouteTable", "pg-private-0", { routes: [{ cidrBlock: "0.0.0.0/0", vpcEndpointId: "vpce-1" }] }),
        r("aws:ec2/vpcEndpoint:VpcEndpoint", "pg-kms", { vpcEndpointType: "Interface", serviceName: "com.amazonaws.us-east-1.kms", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: ["kms:Decrypt"], Resource: "*", Condition: { StringEquals: { "aws:PrincipalAccount": "1" } } }] }) }),
        r("aws:ec2/vpcEndpoint:VpcEndpoint", "pg-s3", { vpcEndpointType: "Gateway", serviceName: "com.amazonaws.us-east-1.s3", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*" }] }) }),
        ...services.flatMap((s) => [
            r("aws:ecs/service:Service", `pg-${s}`, {
                name: `payment-gateway-prod-${s}`, tags: { service: s }, desiredCount: 2, deploymentMaximumPercent: 200, networkConfiguration: { assignPublicIp: false },
                ...(s === "worker" ? {} : { alarms: { alarmNames: [`payment-gateway-prod-${s}-release-5xx`], enable: true, rollback: true } }),
            }),
            ...(s === "worker" ? [] : [r("aws:cloudwatch/metricAlarm:MetricAlarm", `pg-${s}-release-5xx`, { name: `payment-gateway-prod-${s}-release-5xx` })]),
            r("aws:ecs/taskDefinition:TaskDefinition", `pg-${s}`, { tags: { service: s }, containerDefinitions: container(appEnv, [{ name: "otel-collector" }], uriSecret(s)) }),
            r("mongodbatlas:index/databaseUser:DatabaseUser", `pg-${s}-app`, { username: `pg-prod-${s}`, password: "x", roles: [{ roleName: "readWrite", databaseName: "payment_gateway" }] }),
        ]),
    ];
}

function change(resources: Resource[], name: string, type: string, edit: (props: Record<string, any>) => void): Resource[] {
    const copy = structuredClone(resources);
    const target = copy.find((r) => r.name === name && r.type === type);
    assert.ok(target, `${type} ${name} not in fixture`);
    edit(target.props);
    return copy;
}

const rule = (id: string): Rule => RULES.find((r) => r.id === id)!;
const violations = (id: string, rs: Resource[]) => rule(id).check(rs).violations;

describe("policy rules", () => {
    it("all hold on the good fixture", () => {
        for (const r of RULES) assert.deepEqual(r.check(good()).violations, [], r.id);
    });

    const broken: [string, (rs: Resource[]) => Resource[], RegExp][] = [
        ["replica-set-three-nodes", (rs) => change(rs, "pg", "mongodbatlas:index/advancedCluster:AdvancedCluster", (p) => (p.replicationSpecs[0].regionConfigs[0].electableSpecs.nodeCount = 1)), /1 electable node\(s\), fewer than 3/],
        ["replica-set-three-nodes", (rs) => change(rs, "pg", "mongodbatlas:index/advancedCluster:AdvancedCluster", (p) => (p.clusterType = "SHARDED")), /not REPLICASET/],
        ["cache-failover", (rs) => change(rs, "pg", "aws:elasticache/replicationGroup:ReplicationGroup", (p) => (p.numCacheClusters = 1)), /no replica to fail over to/],
        ["cache-failover", (rs) => change(rs, "pg", "aws:elasticache/replicationGroup:ReplicationGroup", (p) => (p.multiAzEnabled = false)), /Multi-AZ off/],
        ["two-admin-two-main", (rs) => change(rs, "pg-admin", "aws:ecs/service:Service", (p) => (p.desiredCount = 1)), /admin: 1 instance/],
        ["load-balancer-health-checks", (rs) => change(rs, "pg-main", "aws:lb/targetGroup:TargetGroup", (p) => (p.healthCheck.path = "/")), /pg-main: health check path \/, not \/health/],
        ["load-balancer-health-checks", (rs) => change(rs, "pg-main", "aws:lb/targetGroup:TargetGroup", (p) => (p.healthCheck.timeout = 10)), /interval 10s not above timeout 10s/],
        ["admin-sticky-sessions", (rs) => change(rs, "pg-admin", "aws:lb/targetGroup:TargetGroup", (p) => (p.stickiness.enabled = false)), /admin target group is not cookie-sticky/],
        ["admin-sticky-sessions", (rs) => change(rs, "pg-main", "aws:lb/targetGroup:TargetGroup", (p) => (p.stickiness.enabled = true)), /main target group is sticky/],
        ["pool-sizes-tuned", (rs) => change(rs, "pg-main", "aws:ecs/service:Service", (p) => (p.desiredCount = 30)), /can open \d+ connections per node at peak; M30 allows 2990/],
        ["pool-sizes-tuned", (rs) => change(rs, "pg-worker", "aws:ecs/taskDefinition:TaskDefinition", (p) => (p.containerDefinitions = container({ ...appEnv, MPG_DATABASE_MAX_POOL_SIZE: "" }, [{ name: "otel-collector" }]))), /worker: MPG_DATABASE_MAX_POOL_SIZE not set/],
        ["opentelemetry-connected", (rs) => change(rs, "pg-admin", "aws:ecs/taskDefinition:TaskDefinition", (p) => (p.containerDefinitions = container({ ...appEnv, OTEL_SERVICE_NAME: "" }, [{ name: "otel-collector" }]))), /no OTLP endpoint or service name/],
        ["opentelemetry-connected", (rs) => change(rs, "pg-main", "aws:ecs/taskDefinition:TaskDefinition", (p) => (p.containerDefinitions = container({ ...appEnv, OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0" }, [{ name: "otel-collector" }]))), /main: the sampler parentbased_traceidratio 0 records no trace/],
        ["opentelemetry-connected", (rs) => change(rs, "pg-worker", "aws:ecs/taskDefinition:TaskDefinition", (p) => (p.containerDefinitions = container({ ...appEnv, OTEL_TRACES_SAMPLER: "always_off" }, [{ name: "otel-collector" }]))), /worker: the sampler always_off records no trace/],
        ["opentelemetry-connected", (rs) => change(rs, "pg-admin", "aws:ecs/taskDefinition:TaskDefinition", (p) => (p.containerDefinitions = container(appEnv))), /exports to localhost without a collector sidecar/],
        ["automated-backups", (rs) => change(rs, "pg", "mongodbatlas:index/advancedCluster:AdvancedCluster", (p) => (p.pitEnabled = false)), /continuous backup \(point-in-time\) off/],
        ["automated-backups", (rs) => change(rs, "pg", "aws:elasticache/replicationGroup:ReplicationGroup", (p) => (p.snapshotRetentionLimit = 0)), /pg-prod-cache: no snapshots/],
        ["automated-backups", (rs) => rs.filter((r) => r.type !== "mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule"), /no backup schedule/],
        ["only-load-balancer-public", (rs) => change(rs, "pg-cache-from-main", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", (p) => (p.cidrIpv4 = "0.0.0.0/0")), /open to the internet outside the load balancer/],
        ["only-load-balancer-public", (rs) => change(rs, "pg-alb-443", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", (p) => Object.assign(p, { fromPort: 0, toPort: 65535 })), /load balancer open on 0-65535/],
        ["only-load-balancer-public", (rs) => change(rs, "pg-main", "aws:ecs/service:Service", (p) => (p.networkConfiguration.assignPublicIp = true)), /tasks get public IPs/],
        ["encryption-at-rest-and-in-transit", (rs) => change(rs, "pg", "aws:elasticache/replicationGroup:ReplicationGroup", (p) => (p.transitEncryptionMode = "preferred")), /TLS not required/],
        // A Global Datastore secondary inherits the flags, but keeps a key of its own region.
        ["encryption-at-rest-and-in-transit", (rs) => change(rs, "pg", "aws:elasticache/replicationGroup:ReplicationGroup", (p) => (Object.assign(p, { globalReplicationGroupId: "ldgnf-pg-prod-cache", atRestEncryptionEnabled: undefined, transitEncryptionEnabled: undefined, transitEncryptionMode: undefined }))), /pg-prod-cache: a Global Datastore secondary without a customer-managed key of its region/],
        ["encryption-at-rest-and-in-transit", (rs) => change(rs, "pg-https", "aws:lb/listener:Listener", (p) => (p.sslPolicy = "ELBSecurityPolicy-2016-08")), /allows less than TLS 1\.3/],
        ["encryption-at-rest-and-in-transit", (rs) => change(rs, "data", "aws:kms/key:Key", (p) => (p.enableKeyRotation = false)), /key rotation off/],
        ["no-credentials-in-task-definitions", (rs) => change(rs, "pg-main", "aws:ecs/taskDefinition:TaskDefinition", (p) => (p.containerDefinitions = container({ ...appEnv, MPG_DATABASE_URI: "mongodb+srv://app:pw@host/db" }, [{ name: "otel-collector" }]))), /MPG_DATABASE_URI holds a credential/],
        ["no-credentials-in-task-definitions", (rs) => change(rs, "pg-main", "aws:ecs/taskDefinition:TaskDefinition", (p) => (p.containerDefinitions = container({ ...appEnv, STRIPE_API_KEY: "sk_live_x" }, [{ name: "otel-collector" }]))), /STRIPE_API_KEY looks like a secret/],
        ["failover-drills", (rs) => change(rs, "pg-task-loss", "aws:fis/experimentTemplate:ExperimentTemplate", (p) => (p.stopConditions = [{ source: "none" }])), /every stop condition must be a CloudWatch alarm/],
        ["failover-drills", (rs) => change(rs, "pg-task-loss", "aws:fis/experimentTemplate:ExperimentTemplate", (p) => delete p.targets[0].parameters), /selects account-wide/],
        ["failover-drills", (rs) => change(rs, "pg-task-loss", "aws:fis/experimentTemplate:ExperimentTemplate", (p) => delete p.targets[0].parameters.cluster), /not limited to this stack's cluster/],
        ["failover-drills", (rs) => change(rs, "pg-task-loss", "aws:fis/experimentTemplate:ExperimentTemplate", (p) => p.targets.push({ name: "zone-subnets", resourceType: "aws:ec2:subnet", parameters: { availabilityZoneIdentifier: "us-east-1a" }, selectionMode: "ALL" })), /zone-subnets is not limited to this stack's VPC/],
        ["release-alarm-rollback", (rs) => change(rs, "pg-main", "aws:ecs/service:Service", (p) => delete p.alarms), /main: its releases do not roll back on alarms/],
        ["release-alarm-rollback", (rs) => change(rs, "pg-admin", "aws:ecs/service:Service", (p) => (p.alarms.rollback = false)), /admin: its releases do not roll back on alarms/],
        ["release-alarm-rollback", (rs) => change(rs, "pg-main", "aws:ecs/service:Service", (p) => (p.alarms.alarmNames = ["payment-gateway-prod-main-typo"])), /main: rolls back on payment-gateway-prod-main-typo, which this stack does not declare/],
        ["no-iam-wildcards", (rs) => change(rs, "exec", "aws:iam/rolePolicy:RolePolicy", (p) => (p.policy = JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }))), /wildcard action \*/],
        ["no-iam-wildcards", (rs) => change(rs, "exec", "aws:iam/rolePolicy:RolePolicy", (p) => (p.policy = JSON.stringify({ Statement: [{ Effect: "Allow", Action: "ecs:ListTasks", Resource: "*" }] }))), /ecs:ListTasks on every resource/],
        ["no-iam-wildcards", (rs) => change(rs, "exec", "aws:iam/rolePolicy:RolePolicy", (p) => (p.policy = JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b" }] }))), /wildcard action s3:\*/],
        ["no-iam-wildcards", (rs) => change(rs, "exec", "aws:iam/rolePolicy:RolePolicy", (p) => (p.policy = JSON.stringify({ Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }] }))), /secretsmanager:GetSecretValue on every resource/],
        ["restricted-egress", (rs) => change(rs, "pg-main-svc-to-443-cidr0", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", (p) => (p.ipProtocol = "-1")), /all protocols out/],
        ["restricted-egress", (rs) => change(rs, "pg-main-svc-to-443-cidr0", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", (p) => Object.assign(p, { fromPort: 22, toPort: 22 })), /port 22 out to the internet/],
        ["explicit-key-policies", (rs) => rs.filter((r) => r.type !== "aws:kms/keyPolicy:KeyPolicy"), /data: default key policy/],
        ["explicit-key-policies", (rs) => change(rs, "data", "aws:kms/keyPolicy:KeyPolicy", (p) => (p.policy = p.policy.replace('"kms:PutKeyPolicy"', '"kms:Decrypt"'))), /the account may use the key through IAM alone/],
        ["pci-audit-trail", (rs) => change(rs, "pg", "mongodbatlas:index/auditing:Auditing", (p) => (p.auditFilter = JSON.stringify({ atype: { $in: ["authenticate"] } }))), /the audit filter omits authCheck/],
        ["pci-audit-trail", (rs) => change(rs, "pg-main", "aws:cloudwatch/logGroup:LogGroup", (p) => (p.retentionInDays = 30)), /kept 30 days, less than a year/],
        ["pci-audit-trail", (rs) => change(rs, "pg-main", "aws:cloudwatch/logGroup:LogGroup", (p) => delete p.kmsKeyId), /not under a customer-managed key/],
        ["pci-database-user-per-service", (rs) => change(rs, "pg-worker", "aws:ecs/taskDefinition:TaskDefinition", (p) => (p.containerDefinitions = container(appEnv, [{ name: "otel-collector" }], uriSecret("main")))), /pg-main and pg-worker read the same MPG_DATABASE_URI/],
        ["pci-customer-managed-keys", (rs) => change(rs, "pg", "mongodbatlas:index/advancedCluster:AdvancedCluster", (p) => delete p.encryptionAtRestProvider), /under Atlas's keys only/],
        ["pci-controlled-egress", (rs) => rs.filter((r) => !r.type.startsWith("aws:networkfirewall/")), /no egress firewall/],
        ["endpoint-policies", (rs) => change(rs, "pg-s3", "aws:ec2/vpcEndpoint:VpcEndpoint", (p) => delete p.policy), /no endpoint policy/],
        ["endpoint-policies", (rs) => change(rs, "pg-s3", "aws:ec2/vpcEndpoint:VpcEndpoint", (p) => (p.policy = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*" }] }))), /allows s3:PutObject/],
        ["endpoint-policies", (rs) => change(rs, "pg-s3", "aws:ec2/vpcEndpoint:VpcEndpoint", (p) => (p.policy = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }] }))), /a bucket other than ECR's layers/],
        ["endpoint-policies", (rs) => change(rs, "pg-kms", "aws:ec2/vpcEndpoint:VpcEndpoint", (p) => delete p.policy), /pg-kms: no endpoint policy/],
        ["endpoint-policies", (rs) => change(rs, "pg-kms", "aws:ec2/vpcEndpoint:VpcEndpoint", (p) => (p.policy = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalAccount": "1" } } }] }))), /allows every action of a service/],
        ["endpoint-policies", (rs) => change(rs, "pg-kms", "aws:ec2/vpcEndpoint:VpcEndpoint", (p) => (p.policy = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" }] }))), /open to principals of any account/],
        ["pci-controlled-egress", (rs) => change(rs, "pg-egress-policy", "aws:networkfirewall/firewallPolicy:FirewallPolicy", (p) => (p.firewallPolicy.statefulDefaultActions = ["aws:alert_established"])), /passes what no rule matches/],
        ["pci-controlled-egress", (rs) => change(rs, "pg-egress-policy", "aws:networkfirewall/firewallPolicy:FirewallPolicy", (p) => delete p.firewallPolicy.statefulDefaultActions), /passes what no rule matches \(stateful default \[\]\)/],
        ["pci-controlled-egress", (rs) => change(rs, "pg-egress-policy", "aws:networkfirewall/firewallPolicy:FirewallPolicy", (p) => delete p.firewallPolicy.statefulEngineOptions), /not in strict order \(action order by default\)/],
        ["pci-controlled-egress", (rs) => change(rs, "pg-egress-domains", "aws:networkfirewall/ruleGroup:RuleGroup", (p) => (p.ruleGroup.rulesSource.rulesSourceList.generatedRulesType = "DENYLIST")), /a DENYLIST domain list, not an allow-list/],
        ["pci-controlled-egress", (rs) => change(rs, "pg-private-0", "aws:ec2/routeTable:RouteTable", (p) => (p.routes = [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" }])), /some subnet bypasses the firewall/],
        ["pci-controlled-egress", (rs) => change(rs, "pg-egress", "aws:networkfirewall/loggingConfiguration:LoggingConfiguration", (p) => (p.loggingConfiguration.logDestinationConfigs = [{ logType: "FLOW" }])), /neither its drops/],
    ];
    for (const [id, breakIt, expected] of broken) {
        it(`${id} catches ${expected.source}`, () => {
            const rs = breakIt(good());
            const found = violations(id, rs);
            assert.ok(found.some((v) => expected.test(v)), found.join("\n") || "no violation");
            // Exactly this rule fails.
            const failing = RULES.filter((r) => r.check(rs).violations.length).map((r) => r.id);
            assert.deepEqual(failing, [id]);
        });
    }

    it("lets the OTLP endpoint's port out to the internet only on the rule tagged for it", () => {
        const otlp = (tags?: Record<string, string>) => [...good(), { type: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", name: "pg-main-svc-to-4318-cidr0", urn: "urn:otlp", props: { cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 4318, toPort: 4318, ...(tags ? { tags } : {}) } }];
        assert.deepEqual(violations("restricted-egress", otlp()), ["pg-main-svc-to-4318-cidr0: port 4318 out to the internet"]);
        assert.deepEqual(violations("restricted-egress", otlp({ "payment-gateway:egress": "otlp-endpoint" })), []);
        assert.deepEqual(violations("restricted-egress", otlp({ "payment-gateway:egress": "anything" })), ["pg-main-svc-to-4318-cidr0: port 4318 out to the internet"]);
    });

    it("counts the electable nodes of every region of a replica set across regions", () => {
        const CLUSTER = "mongodbatlas:index/advancedCluster:AdvancedCluster";
        const regions = (counts: number[]) => change(good(), "pg", CLUSTER, (p) => {
            const first = p.replicationSpecs[0].regionConfigs[0];
            p.replicationSpecs[0].regionConfigs = counts.map((nodeCount, i) => ({ ...first, regionName: ["US_EAST_1", "US_EAST_2", "US_WEST_2"][i], priority: 7 - i, electableSpecs: { ...first.electableSpecs, nodeCount } }));
        });
        assert.deepEqual(violations("replica-set-three-nodes", regions([2, 2, 1])), []);
        assert.deepEqual(violations("replica-set-three-nodes", regions([1, 1])), ["pg-prod: 2 electable node(s), fewer than 3"]);
    });

    it("allows a simulated region outage only alone in its stack", () => {
        const outage = { type: "mongodbatlas:index/clusterOutageSimulation:ClusterOutageSimulation", name: "pg-region-outage", urn: "urn:outage", props: { clusterName: "pg-prod", outageFilters: [{ cloudProvider: "AWS", regionName: "US_EAST_1" }] } };
        assert.deepEqual(violations("region-outage-in-drill-stack-only", good()), []);
        assert.equal(violations("region-outage-in-drill-stack-only", [...good(), outage]).length, 1);
        assert.match(violations("region-outage-in-drill-stack-only", [...good(), outage])[0], /^pg-region-outage: a simulated region outage in a stack that declares \d+ other resources/);
        assert.deepEqual(violations("region-outage-in-drill-stack-only", [outage, { type: "pulumi:pulumi:Stack", name: "s", urn: "urn:s", props: {} }]), []);
    });

    it("requires drills to exist where it is enforced", () => {
        const none = good().filter((r) => r.type !== "aws:fis/experimentTemplate:ExperimentTemplate");
        assert.deepEqual(violations("failover-drills", none), ["no failover drill (FIS experiment template) is declared"]);
        // ListTasks on "*" is right when its own condition key scopes it to a cluster.
        const scoped = change(good(), "exec", "aws:iam/rolePolicy:RolePolicy", (p) => (p.policy = JSON.stringify({ Statement: [{ Effect: "Allow", Action: "ecs:ListTasks", Resource: "*", Condition: { ArnEquals: { "ecs:cluster": "arn:aws:ecs:us-east-1:1:cluster/c" } } }] })));
        assert.deepEqual(violations("no-iam-wildcards", scoped), []);
    });

    it("does not judge what is unknown until apply", () => {
        const rs = change(good(), "pg-main", "aws:ecs/taskDefinition:TaskDefinition", (p) => (p.containerDefinitions = undefined));
        assert.deepEqual(violations("pool-sizes-tuned", rs), []);
        assert.equal(rule("pool-sizes-tuned").check(rs).evidence, "pool sizes known only after apply");
        assert.deepEqual(violations("no-credentials-in-task-definitions", rs), []);
    });

    it("enforces the checklist on prod stacks only, and security everywhere", () => {
        const dev = change(good(), "pg", "aws:ecs/cluster:Cluster", (p) => (p.tags.environment = "dev"));
        for (const r of evaluate(dev)) assert.equal(r.enforced, r.rule.kind === "security", r.rule.id);
        for (const r of evaluate(good())) assert.equal(r.enforced, true);
        assert.equal(CHECKLIST.length, 8);
        assert.equal(SECURITY.length, 7);
        assert.equal(PCI.length, 4);
    });

    describe("over the mocked program", () => {
        for (const stack of listStacks()) {
            it(`${stack}: every enforced rule holds`, async () => {
                const run = await stackRun(stack);
                const failing = evaluate(run.policyResources()).filter((r) => r.enforced && r.finding.violations.length);
                assert.deepEqual(failing.map((r) => `${r.rule.id}: ${r.finding.violations.join("; ")}`), []);
            });
        }

        it("prod passes every rule, mandatory or not", async () => {
            const run = await stackRun("prod");
            const results = evaluate(run.policyResources());
            assert.ok(results.every((r) => r.enforced));
            assert.deepEqual(results.filter((r) => r.finding.violations.length).map((r) => r.rule.id), []);
        });

        it("a deliberately broken config fails exactly the right rule", async () => {
            const run = await runProgram({ stack: "dev", set: { "main.extraEnvironment": { PAYMENT_PROVIDER_API_KEY: "sk_live_123" } } });
            const failing = evaluate(run.policyResources()).filter((r) => r.finding.violations.length && r.enforced).map((r) => r.rule.id);
            assert.deepEqual(failing, ["no-credentials-in-task-definitions"]);
        });

        it("a staging cache without a replica fails exactly the failover item when the checklist applies", async () => {
            const run = await runProgram({ stack: "staging", set: { "cache.nodes": 1 } });
            const failing = evaluate(run.policyResources(), { enforceChecklist: true }).filter((r) => r.enforced && r.finding.violations.length).map((r) => r.rule.id);
            assert.deepEqual(failing, ["cache-failover"]);
        });
    });
});
