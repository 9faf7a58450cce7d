import { strict as assert } from "assert";
import { parseCidr } from "../../lib/cidr";
import { interfaceEndpointServices, pullsFromEcrInRegion, validateConfig } from "../../lib/config";
import { rawConfigFrom } from "../../lib/stackConfig";
import { Run, assembleConfig, runProgram, baselines } from "../harness";
import { EGRESS_RULE_GROUP_CAPACITY } from "../../lib/egress";

const config = (stack: string, set: Record<string, unknown> = {}) => {
    const { values } = assembleConfig(stack, set);
    return validateConfig(rawConfigFrom(values), values["aws:region"]);
};

const SUBNET = "aws:ec2/subnet:Subnet";

function within(inner: string, outer: string): boolean {
    const a = parseCidr(inner), b = parseCidr(outer);
    return a.prefix >= b.prefix && Math.floor(a.base / 2 ** (32 - b.prefix)) === Math.floor(b.base / 2 ** (32 - b.prefix));
}
function overlaps(x: string, y: string): boolean {
    return within(x, y) || within(y, x);
}

describe("network", () => {
    let prod: Run, dev: Run;
    before(async () => ({ prod, dev } = await baselines()));

    const subnets = (run: Run, tier: string) => run.ofType(SUBNET).filter((s) => s.inputs.tags.tier === tier).sort((a, b) => a.name.localeCompare(b.name));

    it("spans three zones in prod with a public and a private subnet in each", () => {
        const vpc = prod.one("aws:ec2/vpc:Vpc");
        assert.equal(vpc.inputs.cidrBlock, "10.30.0.0/16");
        for (const tier of ["public", "private"]) {
            const found = subnets(prod, tier);
            assert.equal(found.length, 3, tier);
            assert.deepEqual(found.map((s) => s.inputs.availabilityZone), ["us-east-1a", "us-east-1b", "us-east-1c"]);
            for (const s of found) assert.equal(s.inputs.vpcId, vpc.id);
        }
        const all = prod.ofType(SUBNET).map((s) => s.inputs.cidrBlock);
        for (const c of all) assert.ok(within(c, "10.30.0.0/16"), c);
        for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) assert.ok(!overlaps(all[i], all[j]), `${all[i]} overlaps ${all[j]}`);
        assert.ok(prod.ofType(SUBNET).every((s) => s.inputs.mapPublicIpOnLaunch !== true));
    });

    const tableOf = (run: Run, subnetId: string) => {
        const assoc = run.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation").find((a) => a.inputs.subnetId === subnetId)!;
        return run.ofType("aws:ec2/routeTable:RouteTable").find((t) => t.id === assoc.inputs.routeTableId)!;
    };

    it("gives each prod zone its own NAT gateway, and a zone's private subnet leaves through its own firewall endpoint, then its own NAT gateway", () => {
        const nats = prod.ofType("aws:ec2/natGateway:NatGateway");
        assert.equal(nats.length, 3);
        const publics = subnets(prod, "public");
        assert.deepEqual(new Set(nats.map((n) => n.inputs.subnetId)), new Set(publics.map((s) => s.id)));
        const firewall = prod.one("aws:networkfirewall/firewall:Firewall");
        const endpoints: any[] = firewall.outputs.firewallStatuses[0].syncStates.flatMap((s: any) => s.attachments);
        const firewallSubnets = subnets(prod, "firewall");
        assert.deepEqual(firewall.inputs.subnetMappings.map((m: any) => m.subnetId), firewallSubnets.map((s) => s.id));
        for (const [i, privateSubnet] of subnets(prod, "private").entries()) {
            const route = tableOf(prod, privateSubnet.id).inputs.routes;
            const endpoint = endpoints.find((a) => a.subnetId === firewallSubnets[i].id).endpointId;
            assert.deepEqual(route, [{ cidrBlock: "0.0.0.0/0", vpcEndpointId: endpoint }], `zone ${i} leaves through another zone's firewall endpoint`);
            assert.equal(firewallSubnets[i].inputs.availabilityZone, privateSubnet.inputs.availabilityZone);
            // The firewall subnet of the zone goes on to the zone's NAT gateway.
            const onward = tableOf(prod, firewallSubnets[i].id).inputs.routes;
            assert.equal(onward.length, 1);
            assert.equal(nats.find((n) => n.id === onward[0].natGatewayId)!.inputs.subnetId, publics[i].id, `zone ${i}'s firewall egresses through another zone's NAT`);
        }
    });

    it("brings replies back through the firewall endpoint of the task's zone: the NAT gateways' route table sends each private range to it", () => {
        const endpoints: any[] = prod.one("aws:networkfirewall/firewall:Firewall").outputs.firewallStatuses[0].syncStates.flatMap((s: any) => s.attachments);
        const firewallSubnets = subnets(prod, "firewall");
        const publicTable = tableOf(prod, subnets(prod, "public")[0].id);
        for (const p of subnets(prod, "public")) assert.equal(tableOf(prod, p.id).id, publicTable.id);
        assert.deepEqual(publicTable.inputs.routes, [
            { cidrBlock: "0.0.0.0/0", gatewayId: prod.one("aws:ec2/internetGateway:InternetGateway").id },
            ...subnets(prod, "private").map((s, i) => ({ cidrBlock: s.inputs.cidrBlock, vpcEndpointId: endpoints.find((a) => a.subnetId === firewallSubnets[i].id).endpointId })),
        ]);
        // Order: the return routes only once the load balancer has left these subnets (else its traffic to
        // its targets would cross the firewall one way), and the way out only after the way back.
        assert.ok(publicTable.dependsOn.includes(prod.one("aws:lb/loadBalancer:LoadBalancer").urn));
        for (const s of subnets(prod, "private")) assert.deepEqual(tableOf(prod, s.id).dependsOn, [publicTable.urn]);
        // The S3 gateway endpoint (ECR's layers) is on the private tables, and every service waits for
        // both, for the interface endpoints (the domain list leaves out what they serve, so a task
        // started before one is available would have its secret reads and log writes dropped) and
        // for the domain list itself (an image or domain added in the same update).
        const s3 = endpoints3(prod);
        assert.deepEqual([...s3.inputs.routeTableIds].sort(), subnets(prod, "private").map((s) => tableOf(prod, s.id).id).sort());
        const privateAssocs = prod.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation").filter((a) => subnets(prod, "private").some((s) => s.id === a.inputs.subnetId));
        const interfaceEndpoints = prod.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface" && /^com\.amazonaws\.us-east-1\./.test(e.inputs.serviceName));
        assert.deepEqual(interfaceEndpoints.map((e) => e.inputs.serviceName.split(".").pop()).sort(), ["kms", "logs", "secretsmanager"]);
        const domains = prod.one("aws:networkfirewall/ruleGroup:RuleGroup");
        for (const svc of prod.ofType("aws:ecs/service:Service"))
            for (const r of [s3, ...privateAssocs, ...interfaceEndpoints, domains]) assert.ok(svc.dependsOn.includes(r.urn), `${svc.name} waits for ${r.name}`);
        // Without the firewall nothing waits: dev's private tables route to the NAT gateway from the start.
        for (const svc of dev.ofType("aws:ecs/service:Service")) assert.ok(!svc.dependsOn.some((u) => u.includes("RouteTableAssociation") || u.includes("VpcEndpoint")));
    });

    it("passes the tasks' HTTPS and HTTP to the allow-list only, and drops the rest, in a firewall whose logs are kept a year under the logs key", () => {
        const group = prod.one("aws:networkfirewall/ruleGroup:RuleGroup");
        assert.equal(group.inputs.type, "STATEFUL");
        assert.equal(group.inputs.capacity, EGRESS_RULE_GROUP_CAPACITY);
        assert.equal(group.inputs.name, "payment-gateway-prod-egress-domains");
        const list = group.inputs.ruleGroup.rulesSource.rulesSourceList;
        assert.equal(list.generatedRulesType, "ALLOWLIST");
        assert.deepEqual(list.targetTypes, ["TLS_SNI", "HTTP_HOST"]);
        // Prod: KMS, Logs and Secrets Manager through their endpoints (not listed), X-Ray over the internet, its images' registries.
        assert.deepEqual(list.targets, ["xray.us-east-1.amazonaws.com", "registry.example.com", "public.ecr.aws", "d2glxqk2uabbnd.cloudfront.net", "d5l0dvt14r5h8.cloudfront.net"]);
        assert.deepEqual(group.inputs.ruleGroup.ruleVariables.ipSets, [{ key: "HOME_NET", ipSet: { definitions: ["10.30.0.0/16"] } }]);
        assert.equal(group.inputs.ruleGroup.statefulRuleOptions.ruleOrder, "STRICT_ORDER");
        const policy = prod.one("aws:networkfirewall/firewallPolicy:FirewallPolicy").inputs.firewallPolicy;
        assert.deepEqual(policy.statelessDefaultActions, ["aws:forward_to_sfe"]);
        assert.deepEqual(policy.statelessFragmentDefaultActions, ["aws:forward_to_sfe"]);
        assert.equal(policy.statefulEngineOptions.ruleOrder, "STRICT_ORDER");
        assert.deepEqual(policy.statefulDefaultActions, ["aws:drop_established", "aws:alert_established"]);
        assert.deepEqual(policy.statefulRuleGroupReferences, [{ resourceArn: group.outputs.arn, priority: 1 }]);
        const firewall = prod.one("aws:networkfirewall/firewall:Firewall");
        assert.equal(firewall.inputs.firewallPolicyArn, prod.one("aws:networkfirewall/firewallPolicy:FirewallPolicy").outputs.arn);
        assert.equal(firewall.inputs.vpcId, prod.one("aws:ec2/vpc:Vpc").id);
        assert.equal(firewall.inputs.deleteProtection, true);
        const logging = prod.one("aws:networkfirewall/loggingConfiguration:LoggingConfiguration");
        assert.equal(logging.inputs.firewallArn, firewall.outputs.arn);
        const logsKey = prod.one("aws:kms/key:Key", "pg-logs-key");
        const destinations = logging.inputs.loggingConfiguration.logDestinationConfigs;
        assert.deepEqual(destinations.map((d: any) => [d.logType, d.logDestinationType]), [["ALERT", "CloudWatchLogs"], ["FLOW", "CloudWatchLogs"]]);
        for (const d of destinations) {
            const group = prod.ofType("aws:cloudwatch/logGroup:LogGroup").find((g) => g.inputs.name === d.logDestination.logGroup)!;
            assert.equal(group.inputs.retentionInDays, 365);
            assert.equal(group.inputs.kmsKeyId, logsKey.outputs.arn);
        }
        // Dev keeps the NAT path: no firewall at all.
        assert.equal(dev.ofType("aws:networkfirewall/firewall:Firewall").length, 0);
        assert.equal(subnets(dev, "firewall").length + subnets(dev, "ingress").length, 0);
    });

    it("moves an existing stack onto the firewall without replacing its network: the same subnets, NAT gateways and addresses, the ALB's subnets changed in place; the allow-list edited in place", async () => {
        const walled = await runProgram({ stack: "dev", set: { "network.egress.mode": "firewall", "network.egress.allowedDomains": [".psp.example.com"] } });
        const same = (type: string, keys: string[]) => {
            const before = dev.ofType(type), after = walled.ofType(type).filter((r) => before.some((b) => b.urn === r.urn));
            assert.equal(after.length, before.length, `${type}: every one still declared`);
            for (const b of before) {
                const a = after.find((x) => x.urn === b.urn)!;
                for (const k of keys) assert.deepEqual(a.inputs[k], b.inputs[k], `${b.name}.${k} (replacement)`);
            }
        };
        same("aws:ec2/vpc:Vpc", ["cidrBlock"]);
        same("aws:ec2/subnet:Subnet", ["cidrBlock", "availabilityZone", "vpcId"]);
        same("aws:ec2/natGateway:NatGateway", ["subnetId", "allocationId"]);
        same("aws:ec2/eip:Eip", ["domain"]);
        same("aws:ec2/routeTable:RouteTable", ["vpcId"]);
        same("aws:lb/loadBalancer:LoadBalancer", ["name", "internal", "loadBalancerType"]);
        // New subnets only in blocks 14 and 15 of the range: none overlaps an existing one.
        const all = walled.ofType(SUBNET).map((s) => s.inputs.cidrBlock);
        for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) assert.ok(!overlaps(all[i], all[j]), `${all[i]} overlaps ${all[j]}`);
        // The ALB's subnets change (SetSubnets in place for an application load balancer:
        // terraform-provider-aws internal/service/elbv2/load_balancer.go customizeDiffLoadBalancerALB forces no replacement on `subnets`).
        assert.notDeepEqual(walled.one("aws:lb/loadBalancer:LoadBalancer").inputs.subnets, dev.one("aws:lb/loadBalancer:LoadBalancer").inputs.subnets);
        // Dev: no endpoints, so Logs and Secrets Manager are on the list too; the gateway's own domain last.
        const targets = walled.one("aws:networkfirewall/ruleGroup:RuleGroup").inputs.ruleGroup.rulesSource.rulesSourceList.targets;
        assert.deepEqual(targets.filter((t: string) => /secretsmanager|logs\./.test(t)), ["secretsmanager.us-east-1.amazonaws.com", "logs.us-east-1.amazonaws.com"]);
        assert.equal(targets[targets.length - 1], ".psp.example.com");
        assert.equal(walled.one("aws:networkfirewall/firewall:Firewall").inputs.deleteProtection, false);
        // Editing the list later: the same group (name and capacity force replacement; neither moves).
        const edited = await runProgram({ stack: "dev", set: { "network.egress.mode": "firewall", "network.egress.allowedDomains": [".psp.example.com", "api.fx.example.com"] } });
        const [g1, g2] = [walled, edited].map((r) => r.one("aws:networkfirewall/ruleGroup:RuleGroup"));
        assert.equal(g2.urn, g1.urn);
        assert.deepEqual([g2.inputs.name, g2.inputs.capacity, g2.inputs.type], [g1.inputs.name, g1.inputs.capacity, g1.inputs.type]);
        assert.ok(g2.inputs.ruleGroup.rulesSource.rulesSourceList.targets.includes("api.fx.example.com"));
    });

    it("creates no NAT gateway or address before the internet gateway is attached", () => {
        for (const run of [prod, dev]) {
            const igw = run.one("aws:ec2/internetGateway:InternetGateway");
            assert.equal(igw.inputs.vpcId, run.one("aws:ec2/vpc:Vpc").id);
            const waiting = [...run.ofType("aws:ec2/natGateway:NatGateway"), ...run.ofType("aws:ec2/eip:Eip")];
            assert.ok(waiting.length >= 2);
            for (const r of waiting) assert.ok(r.dependsOn.includes(igw.urn), `${r.type} ${r.name}`);
        }
    });

    const endpoints3 = (run: Run) => run.descendants(run.one("payment-gateway:network:Network")).find((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && r.inputs.vpcEndpointType === "Gateway")!;

    it("runs dev over two zones through a single NAT gateway", () => {
        assert.equal(subnets(dev, "public").length, 2);
        assert.equal(subnets(dev, "private").length, 2);
        const nats = dev.ofType("aws:ec2/natGateway:NatGateway");
        assert.equal(nats.length, 1);
        const privateTables = dev.ofType("aws:ec2/routeTable:RouteTable").filter((t) => t.name.includes("private"));
        assert.equal(privateTables.length, 2);
        for (const t of privateTables) assert.equal(t.inputs.routes[0].natGatewayId, nats[0].id);
    });

    // The network's own endpoints (the Atlas PrivateLink endpoint belongs to the database).
    const endpoints = (run: Run) => run.descendants(run.one("payment-gateway:network:Network")).filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint");
    const interfaceServices = (run: Run) => endpoints(run).filter((e) => e.inputs.vpcEndpointType === "Interface").map((e) => e.inputs.serviceName.replace("com.amazonaws.us-east-1.", "")).sort();

    it("adds interface endpoints for KMS, Logs and Secrets Manager in prod, without ECR's (no image comes from ECR), only the S3 gateway in dev", () => {
        const interfaces = endpoints(prod).filter((e) => e.inputs.vpcEndpointType === "Interface");
        assert.deepEqual(interfaces.map((e) => e.inputs.serviceName).sort(), ["kms", "logs", "secretsmanager"].map((s) => `com.amazonaws.us-east-1.${s}`));
        const privateIds = subnets(prod, "private").map((s) => s.id).sort();
        const granted: Record<string, string[]> = { kms: ["kms:GenerateDataKey", "kms:Decrypt"], logs: ["logs:CreateLogStream", "logs:PutLogEvents"], secretsmanager: ["secretsmanager:GetSecretValue"] };
        for (const e of interfaces) {
            assert.equal(e.inputs.privateDnsEnabled, true);
            // Each passes only what the tasks are granted, and only for this account's principals.
            const [st, ...more] = JSON.parse(e.inputs.policy).Statement;
            assert.equal(more.length, 0);
            assert.deepEqual(st.Action, granted[e.inputs.serviceName.replace("com.amazonaws.us-east-1.", "")]);
            assert.deepEqual(st.Condition, { StringEquals: { "aws:PrincipalAccount": "123456789012" } });
            assert.deepEqual([...e.inputs.subnetIds].sort(), privateIds);
        }
        const s3 = endpoints(prod).find((e) => e.inputs.vpcEndpointType === "Gateway")!;
        assert.equal(s3.inputs.serviceName, "com.amazonaws.us-east-1.s3");
        assert.equal(s3.inputs.routeTableIds.length, 3);
        // Only ECR's layers may be read through it (every stack): no write, no other bucket.
        for (const run of [prod, dev]) {
            const policy = JSON.parse(endpoints(run).find((e) => e.inputs.vpcEndpointType === "Gateway")!.inputs.policy);
            assert.deepEqual(policy.Statement, [{ Sid: "EcrImageLayersOnly", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*" }]);
        }
        assert.deepEqual(endpoints(dev).map((e) => e.inputs.vpcEndpointType), ["Gateway"]);
    });

    it("adds the ecr.api and ecr.dkr endpoints when a task pulls from ECR in the stack's region: a build, or such an image", async () => {
        const built = await runProgram({ stack: "dev", set: { "network.interfaceEndpoints": true, "admin.image": undefined, "admin.build": { context: "tests/fixtures/app" } } });
        assert.deepEqual(interfaceServices(built), ["ecr.api", "ecr.dkr", "kms", "logs", "secretsmanager"]);
        for (const e of endpoints(built).filter((x) => x.inputs.vpcEndpointType === "Interface")) assert.equal(e.inputs.subnetIds.length, 2);
        // Adding or dropping the pair (a later switch to or from build mode) leaves the other endpoints and their
        // security group as they are: the same logical names, so nothing else is replaced.
        const names = (run: Run, services: string[]) => endpoints(run).filter((e) => services.some((x) => e.inputs.serviceName.endsWith(`.${x}`))).map((e) => `${e.name} ${e.inputs.securityGroupIds?.length}`).sort();
        assert.deepEqual(names(built, ["kms", "logs", "secretsmanager"]), names(prod, ["kms", "logs", "secretsmanager"]));
        assert.equal(names(built, ["kms", "logs", "secretsmanager"]).length, 3);
        // No task waits for them: the private subnets route to a NAT gateway in every stack, so a pull works before they exist and after they go.
        const privateTables = built.ofType("aws:ec2/routeTable:RouteTable").filter((r) => /private/.test(r.name));
        assert.equal(privateTables.length, 2);
        for (const t of privateTables) assert.ok(t.inputs.routes?.[0]?.natGatewayId, `${t.name} routes through a NAT gateway`);
        // Which configs pull from ECR in the region (each also held equal to the declared resources in tests/lib/cost.test.ts).
        const services = (set: Record<string, unknown>) => interfaceEndpointServices(config("prod", set));
        const ecr = (region: string, repo = "gateway/main") => `123456789012.dkr.ecr.${region}.amazonaws.com/${repo}@sha256:${"d".repeat(64)}`;
        assert.deepEqual(services({}), ["kms", "logs", "secretsmanager"]);
        assert.deepEqual(services({ "worker.image": ecr("us-east-1") }), ["ecr.api", "ecr.dkr", "kms", "logs", "secretsmanager"]);
        assert.deepEqual(services({ "worker.image": ecr("eu-west-1") }), ["kms", "logs", "secretsmanager"], "another region's ECR is reached through the NAT");
        assert.deepEqual(services({ "observability.collectorImage": ecr("us-east-1", "otel/collector") }), ["ecr.api", "ecr.dkr", "kms", "logs", "secretsmanager"]);
        assert.deepEqual(services({ "observability.collectorImage": ecr("us-east-1", "otel/collector"), "observability.otlpEndpoint": "https://otlp.example.com:4318" }), ["kms", "logs", "secretsmanager"], "no sidecar, no pull");
        assert.deepEqual(services({ "network.interfaceEndpoints": false, "worker.image": ecr("us-east-1") }), []);
        assert.equal(pullsFromEcrInRegion(config("prod", { "main.image": "public.ecr.aws/acme/gateway:1.0.0" })), false, "ECR Public is not the region's registry");
    });

    it("admits only HTTPS from the VPC to the interface endpoints", () => {
        const sg = prod.one("aws:ec2/securityGroup:SecurityGroup", "pg-endpoints");
        const rules = prod.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.securityGroupId === sg.id);
        assert.deepEqual(rules.map((r) => [r.inputs.cidrIpv4, r.inputs.fromPort, r.inputs.toPort]), [["10.30.0.0/16", 443, 443]]);
    });

    it("takes zone names from the region unless config names them", async () => {
        assert.ok(prod.invokes.some((i) => i.token === "aws:index/getAvailabilityZones:getAvailabilityZones"));
        const named = await runProgram({ stack: "dev", set: { "network.availabilityZones": ["us-east-1d", "us-east-1f"] } });
        assert.deepEqual(subnets(named, "private").map((s) => s.inputs.availabilityZone), ["us-east-1d", "us-east-1f"]);
        // Named zones are still checked against the zones the region offers (once, before anything is declared); the network takes none from it.
        const zoneInvokes = (run: Run) => run.invokes.filter((i) => i.token === "aws:index/getAvailabilityZones:getAvailabilityZones").length;
        assert.equal(zoneInvokes(named), zoneInvokes(prod) - 1);
    });
});
