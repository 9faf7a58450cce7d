import { strict as assert } from "assert";
import { PULUMI_AUTONAME_SUFFIX, isValidElbName } from "../../lib/limits";
import { ProgramError, RecordedResource, Run, autoName, runProgram, baselines } from "../harness";

const TG = "aws:lb/targetGroup:TargetGroup";
const RULE = "aws:lb/listenerRule:ListenerRule";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

function ruleFor(run: Run, host: string): RecordedResource[] {
    return run.ofType(RULE).filter((r) => r.inputs.conditions.some((c: any) => c.hostHeader?.values.includes(host)));
}
/** The group a rule sends production traffic to: its plain forward's, or the weighted forward's group at weight 100. */
function groupOf(run: Run, rule: RecordedResource): RecordedResource {
    const action = rule.inputs.actions[0];
    const arn = action.targetGroupArn ?? action.forward.targetGroups.find((g: any) => g.weight === 100).arn;
    return run.ofType(TG).find((g) => g.outputs.arn === arn)!;
}

describe("load balancer", () => {
    let prod: Run, dev: Run;
    before(async () => ({ prod, dev } = await baselines()));

    it("is an internet-facing ALB across the public subnets, or its own with the egress firewall (prod), routed to the internet gateway before it is created", () => {
        for (const [run, tier] of [[prod, "ingress"], [dev, "public"]] as const) {
            const alb = run.one("aws:lb/loadBalancer:LoadBalancer");
            const subnets = run.ofType("aws:ec2/subnet:Subnet").filter((s) => s.inputs.tags.tier === tier).map((s) => s.id);
            assert.equal(alb.inputs.loadBalancerType, "application");
            assert.equal(alb.inputs.internal, false);
            assert.equal(subnets.length, run === prod ? 3 : 2);
            assert.deepEqual([...alb.inputs.subnets].sort(), subnets.sort());
            assert.equal(alb.inputs.dropInvalidHeaderFields, true);
            // Each of its subnets routes to the internet gateway, and the ALB waits for that association.
            const igw = run.one("aws:ec2/internetGateway:InternetGateway");
            for (const subnet of subnets) {
                const assoc = run.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation").find((a) => a.inputs.subnetId === subnet)!;
                const table = run.ofType("aws:ec2/routeTable:RouteTable").find((t) => t.id === assoc.inputs.routeTableId)!;
                assert.deepEqual(table.inputs.routes, [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], `${table.name}: the internet only, no route through the firewall`);
                if (run === prod) assert.ok(alb.dependsOn.includes(assoc.urn), `the ALB waits for ${assoc.name}`);
            }
        }
        assert.equal(prod.one("aws:lb/loadBalancer:LoadBalancer").inputs.enableDeletionProtection, true);
        assert.equal(dev.one("aws:lb/loadBalancer:LoadBalancer").inputs.enableDeletionProtection, false);
    });

    it("terminates TLS 1.3 on 443 with a DNS-validated certificate for both hosts", () => {
        const https = prod.ofType("aws:lb/listener:Listener").find((l) => l.inputs.port === 443)!;
        assert.equal(https.inputs.protocol, "HTTPS");
        assert.equal(https.inputs.sslPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06");
        const cert = prod.one("aws:acm/certificate:Certificate");
        assert.equal(cert.inputs.domainName, "admin.pay.example.com");
        assert.deepEqual(cert.inputs.subjectAlternativeNames, ["api.pay.example.com"]);
        assert.equal(cert.inputs.validationMethod, "DNS");
        const validation = prod.one("aws:acm/certificateValidation:CertificateValidation");
        assert.equal(https.inputs.certificateArn, cert.outputs.arn);
        // The listener waits for validation: its certificate comes from the validation resource.
        assert.ok(https.propertyDependencies.certificateArn.includes(validation.urn));
        const records = prod.ofType("aws:route53/record:Record").filter((r) => r.name.includes("validation"));
        assert.equal(records.length, 2);
        for (const r of records) {
            assert.equal(r.inputs.zoneId, "Z0PRODEXAMPLE0000001");
            assert.equal(r.inputs.type, "CNAME");
        }
        assert.deepEqual(validation.inputs.validationRecordFqdns.sort(), records.map((r) => r.outputs.fqdn).sort());
    });

    it("uses a configured certificate instead of creating one", async () => {
        const arn = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab";
        const run = await runProgram({ stack: "dev", set: { "loadBalancer.certificateArn": arn, "loadBalancer.hostedZoneId": undefined } });
        assert.equal(run.ofType("aws:acm/certificate:Certificate").length, 0);
        assert.equal(run.ofType("aws:lb/listener:Listener").find((l) => l.inputs.port === 443)!.inputs.certificateArn, arn);
        assert.equal(run.ofType("aws:route53/record:Record").length, 0, "no zone, no records");
    });

    it("hands admin and api to the standby's failover pair only as an acknowledged DNS cutover", async () => {
        const aliases = (run: Run) => run.ofType("aws:route53/record:Record").filter((r) => r.inputs.aliases).map((r) => r.inputs.name).sort();
        assert.deepEqual(aliases(prod), ["admin.pay.example.com", "api.pay.example.com"]);
        assert.equal(prod.outputs.dnsRecords, "alias");
        const previous = { ...prod.outputs };
        const refused = await runProgram({ stack: "prod", set: { "loadBalancer.dnsRecords": "standby" }, previous }).then(() => assert.fail("accepted"), (e: unknown) => e as ProgramError);
        assert.match(refused.message, /loadBalancer\.dnsRecords.*is a DNS cutover on this deployed stack/);
        assert.deepEqual(refused.resources.filter((r) => r.custom), []);
        // A stack last deployed by a version without the dnsRecords output answered the names with its alias records too.
        const { dnsRecords: _, ...older } = previous;
        const olderRefused = await runProgram({ stack: "prod", set: { "loadBalancer.dnsRecords": "standby" }, previous: older }).then(() => assert.fail("accepted"), (e: unknown) => e as ProgramError);
        assert.match(olderRefused.message, /loadBalancer\.dnsRecords.*is a DNS cutover on this deployed stack/);
        const cut = await runProgram({ stack: "prod", set: { "loadBalancer.dnsRecords": "standby", "loadBalancer.dnsCutoverAcknowledged": true }, previous });
        assert.deepEqual(aliases(cut), []);
        assert.equal(cut.outputs.dnsRecords, "standby");
        // Nothing else changes: the certificate's validation records stay.
        assert.deepEqual(cut.ofType("aws:route53/record:Record").map((r) => r.name).sort(), ["pg-validation-0", "pg-validation-1"]);
        assert.equal(cut.resources.length, prod.resources.length - 2);
    });

    it("redirects HTTP to HTTPS with a 301", () => {
        const http = prod.ofType("aws:lb/listener:Listener").find((l) => l.inputs.port === 80)!;
        assert.equal(http.inputs.protocol, "HTTP");
        assert.deepEqual(http.inputs.defaultActions, [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
    });

    it("routes admin.<domain> and api.<domain> to their target groups and anything else to a 404", () => {
        const https = prod.ofType("aws:lb/listener:Listener").find((l) => l.inputs.port === 443)!;
        assert.equal(https.inputs.defaultActions[0].type, "fixed-response");
        assert.equal(https.inputs.defaultActions[0].fixedResponse.statusCode, "404");
        const [admin] = ruleFor(prod, "admin.pay.example.com");
        const [api] = ruleFor(prod, "api.pay.example.com");
        assert.equal(groupOf(prod, admin).name, "pg-admin");
        assert.equal(groupOf(prod, api).name, "pg-main");
        for (const rule of [admin, api]) assert.equal(rule.inputs.listenerArn, https.outputs.arn);
        assert.notEqual(admin.inputs.priority, api.inputs.priority);
    });

    it("health-checks /health on IP targets, every 10 s with a shorter timeout", () => {
        for (const g of prod.ofType(TG)) {
            assert.equal(g.inputs.targetType, "ip");
            assert.equal(g.inputs.port, 8080);
            assert.equal(g.inputs.healthCheck.path, "/health");
            assert.equal(g.inputs.healthCheck.interval, 10);
            assert.ok(g.inputs.healthCheck.timeout < g.inputs.healthCheck.interval);
            assert.equal(g.inputs.healthCheck.healthyThreshold, 2);
            assert.equal(g.inputs.healthCheck.unhealthyThreshold, 3);
            assert.equal(g.inputs.deregistrationDelay, 30);
        }
    });

    it("takes the health-check path, thresholds and the deregistration delay from config", async () => {
        const run = await runProgram({ stack: "dev", set: { "loadBalancer.healthCheck.healthyThreshold": 5, "loadBalancer.healthCheck.unhealthyThreshold": 4, "loadBalancer.deregistrationDelaySeconds": 15, "loadBalancer.healthCheck.path": "/ready" } });
        for (const g of run.ofType(TG)) {
            assert.equal(g.inputs.healthCheck.path, "/ready");
            assert.equal(g.inputs.healthCheck.healthyThreshold, 5);
            assert.equal(g.inputs.healthCheck.unhealthyThreshold, 4);
            assert.equal(g.inputs.deregistrationDelay, 15);
        }
    });

    it("keeps an admin client on one instance with the balancer's cookie, and never sticks main", () => {
        const admin = prod.one(TG, "pg-admin");
        assert.deepEqual(admin.inputs.stickiness, { enabled: true, type: "lb_cookie", cookieDuration: 86400 });
        const main = prod.one(TG, "pg-main");
        assert.equal(main.inputs.stickiness.enabled, false);
    });

    it("can stick admin on the application's own session cookie", async () => {
        const run = await runProgram({ stack: "dev", set: { "admin.stickiness": { type: "app_cookie", cookieName: "mpg_session", durationSeconds: 3600 } } });
        assert.deepEqual(run.one(TG, "pg-admin").inputs.stickiness, { enabled: true, type: "app_cookie", cookieName: "mpg_session", cookieDuration: 3600 });
        assert.equal(run.one(TG, "pg-main").inputs.stickiness.enabled, false);
    });

    it("restricts the admin host to allowed CIDRs, four per rule", async () => {
        const cidrs = ["198.51.100.0/24", "203.0.113.0/24", "192.0.2.0/24", "100.64.0.0/10", "172.16.0.0/12"];
        const run = await runProgram({ stack: "dev", set: { "admin.allowedCidrs": cidrs } });
        const rules = ruleFor(run, "admin.dev.pay.example.com").sort((a, b) => a.inputs.priority - b.inputs.priority);
        assert.equal(rules.length, 2);
        assert.deepEqual(rules.flatMap((r) => r.inputs.conditions.find((c: any) => c.sourceIp).sourceIp.values), cidrs);
        for (const r of rules) assert.equal(groupOf(run, r).name, "pg-admin");
        assert.ok(ruleFor(run, "api.dev.pay.example.com").every((r) => !r.inputs.conditions.some((c: any) => c.sourceIp)));
    });

    it("keeps each admin rule's name and priority as the allowed CIDRs grow and shrink", async () => {
        const cidrs = (n: number) => Array.from({ length: n }, (_, i) => `198.51.${i}.0/24`);
        const rulesOf = (run: Run) => ruleFor(run, "admin.dev.pay.example.com").map((r) => ({ urn: r.urn, priority: r.inputs.priority })).sort((a, b) => a.priority - b.priority);
        const sizes = [0, 4, 5, 9, 2];
        const runs: { urn: string; priority: number }[][] = [];
        for (const n of sizes) runs.push(rulesOf(await runProgram({ stack: "dev", set: { "admin.allowedCidrs": cidrs(n) } })));
        // Rule i is always the same resource at priority 100 + i: from one list to the next, a rule
        // that stays is updated in place and a new rule takes a priority nobody holds.
        const byPriority = new Map<number, string>();
        for (const [k, rules] of runs.entries()) {
            assert.equal(rules.length, Math.max(1, Math.ceil(sizes[k] / 4)), `${sizes[k]} CIDRs`);
            rules.forEach((r, i) => assert.equal(r.priority, 100 + i));
            for (const r of rules) {
                if (!byPriority.has(r.priority)) byPriority.set(r.priority, r.urn);
                assert.equal(r.urn, byPriority.get(r.priority), `priority ${r.priority} changed hands at ${sizes[k]} CIDRs`);
            }
        }
        assert.ok(runs[0][0].urn.endsWith("::pg-admin"));
        // Stacks deployed when five or more CIDRs named the first rule "pg-admin-0" keep it.
        const first = ruleFor(dev, "admin.dev.pay.example.com")[0];
        assert.ok(first.aliases.some((a) => a === "pg-admin-0" || a.endsWith("::pg-admin-0")), first.aliases.join());
    });

    it("is the only thing that accepts traffic from anywhere", () => {
        for (const run of [prod, dev]) {
            const alb = run.one("aws:ec2/securityGroup:SecurityGroup", "pg-alb");
            const open = run.ofType(INGRESS).filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0" || r.inputs.cidrIpv6 === "::/0");
            assert.deepEqual(open.map((r) => r.inputs.securityGroupId), [alb.id, alb.id]);
            assert.deepEqual(open.map((r) => r.inputs.fromPort).sort(), [443, 80]);
            assert.deepEqual(run.one("aws:lb/loadBalancer:LoadBalancer").inputs.securityGroups, [alb.id]);
            // Every ingress rule names a source.
            for (const r of run.ofType(INGRESS)) assert.ok(r.inputs.cidrIpv4 || r.inputs.referencedSecurityGroupId || r.inputs.prefixListId, r.name);
        }
    });

    it("puts a WAF with managed rules and a per-IP rate limit in front of prod", () => {
        const acl = prod.one("aws:wafv2/webAcl:WebAcl");
        assert.equal(acl.inputs.scope, "REGIONAL");
        const names = acl.inputs.rules.map((r: any) => r.statement.managedRuleGroupStatement?.name ?? r.name);
        assert.deepEqual(names, ["AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "rate-limit-per-ip", "admin-login-rate-limit-per-ip"]);
        const rate = acl.inputs.rules[3];
        assert.deepEqual(rate.statement.rateBasedStatement, { limit: 2000, aggregateKeyType: "IP" });
        assert.deepEqual(rate.action, { block: {} });
        const association = prod.one("aws:wafv2/webAclAssociation:WebAclAssociation");
        assert.equal(association.inputs.resourceArn, prod.one("aws:lb/loadBalancer:LoadBalancer").outputs.arn);
        assert.equal(association.inputs.webAclArn, acl.outputs.arn);
        assert.equal(dev.ofType("aws:wafv2/webAcl:WebAcl").length, 0);
    });

    it("takes the WAF rate limits and admin login paths from config", async () => {
        const run = await runProgram({ stack: "dev", set: { "loadBalancer.waf": { enabled: true, rateLimit: 500, adminLoginRateLimit: 50, adminLoginPaths: ["/Session"] } } });
        const rule = (name: string) => run.one("aws:wafv2/webAcl:WebAcl").inputs.rules.find((r: any) => r.name === name).statement.rateBasedStatement;
        assert.equal(rule("rate-limit-per-ip").limit, 500);
        assert.equal(rule("admin-login-rate-limit-per-ip").limit, 50);
        // One path stands alone (an OR statement takes two or more), compared in lower case.
        assert.equal(rule("admin-login-rate-limit-per-ip").scopeDownStatement.andStatement.statements[1].byteMatchStatement.searchString, "/session");
    });

    it("writes access logs to a named bucket, creating none", async () => {
        assert.equal(dev.one("aws:lb/loadBalancer:LoadBalancer").inputs.accessLogs, undefined);
        const run = await runProgram({ stack: "dev", set: { "loadBalancer.accessLogsBucket": "pg-alb-logs" } });
        assert.deepEqual(run.one("aws:lb/loadBalancer:LoadBalancer").inputs.accessLogs, { bucket: "pg-alb-logs", prefix: "pg", enabled: true });
        assert.equal(run.ofType("aws:s3/bucket:Bucket").length, 0);
    });

    it("keeps prod's access logs in a bucket of its own: SSE-S3, private, TLS-only, written by log delivery only, expiring", () => {
        const bucket = prod.one("aws:s3/bucket:Bucket");
        assert.equal(bucket.protect, true);
        assert.notEqual(bucket.inputs.forceDestroy, true);
        const alb = prod.one("aws:lb/loadBalancer:LoadBalancer");
        assert.deepEqual(alb.inputs.accessLogs, { bucket: bucket.outputs.bucket, prefix: "pg", enabled: true });
        const of = (type: string) => prod.one(type, "pg-alb-logs");
        assert.deepEqual(of("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
        const block = of("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
        assert.deepEqual([block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [true, true, true, true]);
        assert.equal(of("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules[0].expiration.days, 365);
        const policy = of("aws:s3/bucketPolicy:BucketPolicy");
        assert.equal(policy.inputs.bucket, bucket.id);
        const [write, tls] = JSON.parse(policy.inputs.policy).Statement;
        // us-east-1 predates August 2022: its Elastic Load Balancing account writes the logs.
        assert.deepEqual(write.Principal, { AWS: "arn:aws:iam::127311923021:root" });
        assert.equal(write.Action, "s3:PutObject");
        assert.equal(write.Resource, `${bucket.outputs.arn}/pg/AWSLogs/123456789012/*`);
        assert.deepEqual([tls.Effect, tls.Condition], ["Deny", { Bool: { "aws:SecureTransport": "false" } }]);
        // The load balancer turns logging on only once it may write.
        assert.ok(alb.dependsOn.includes(policy.urn));
        assert.equal(dev.ofType("aws:s3/bucket:Bucket").length, 0);
    });

    it("lets a region opened after August 2022 deliver logs through the service principal", async () => {
        const run = await runProgram({ stack: "dev", set: { "loadBalancer.accessLogs": true, "loadBalancer.accessLogsRetentionDays": 90, "aws:region": "ap-southeast-4" } });
        const [write] = JSON.parse(run.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy).Statement;
        assert.deepEqual(write.Principal, { Service: "logdelivery.elasticloadbalancing.amazonaws.com" });
        assert.equal(run.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules[0].expiration.days, 90);
        assert.equal(run.one("aws:s3/bucket:Bucket").protect, false);
    });

    it("waits for the internet gateway before creating the internet-facing load balancer", () => {
        for (const run of [prod, dev]) assert.ok(run.one("aws:lb/loadBalancer:LoadBalancer").dependsOn.includes(run.one("aws:ec2/internetGateway:InternetGateway").urn));
    });

    it("aliases both hosts to the ALB in the configured zone", () => {
        const alb = prod.one("aws:lb/loadBalancer:LoadBalancer");
        const aliases = prod.ofType("aws:route53/record:Record").filter((r) => r.inputs.type === "A");
        assert.deepEqual(aliases.map((r) => r.inputs.name).sort(), ["admin.pay.example.com", "api.pay.example.com"]);
        for (const r of aliases) assert.deepEqual(r.inputs.aliases, [{ name: alb.outputs.dnsName, zoneId: alb.outputs.zoneId, evaluateTargetHealth: true }]);
    });

    it("keeps load balancer and target group names within AWS's 32 characters after auto-naming", () => {
        for (const r of [...prod.ofType(TG), ...prod.ofType("aws:lb/loadBalancer:LoadBalancer")]) {
            const physical = r.inputs.name ?? autoName(r.name);
            assert.ok(r.inputs.name || r.name.length + PULUMI_AUTONAME_SUFFIX <= 32, r.name);
            assert.ok(isValidElbName(physical), physical);
        }
    });

    it("exports the ALB's DNS name and the two URLs", () => {
        assert.match(prod.outputs.albDnsName, /^pg-[0-9a-f]{7}-\d+\.us-east-1\.elb\.amazonaws\.com$/);
        assert.equal(prod.outputs.adminUrl, "https://admin.pay.example.com");
        assert.equal(prod.outputs.apiUrl, "https://api.pay.example.com");
    });

    const refused: [string, Record<string, unknown>, string][] = [
        ["a bad CIDR", { "admin.allowedCidrs": ["10.0.0.0/40"] }, "payment-gateway:admin.allowedCidrs[0] must be an IPv4 CIDR"],
        ["one zone", { "network.azCount": 1 }, "payment-gateway:network.azCount must be at least 2; got 1"],
        ["two zones in prod", { "network.azCount": 2 }, "payment-gateway:network.azCount must be at least 3 in prod"],
        ["a cookie name the ALB reserves", { "admin.stickiness": { type: "app_cookie", cookieName: "AWSALBsession" } }, "payment-gateway:admin.stickiness.cookieName must not start with a name the ALB reserves"],
        ["app_cookie without a cookie name", { "admin.stickiness.type": "app_cookie" }, "payment-gateway:admin.stickiness.cookieName is required when stickiness.type is app_cookie"],
        ["a bad domain", { domain: "pay_example" }, "payment-gateway:domain must be a lower-case domain name"],
        ["a stickiness duration of 0", { "admin.stickiness.durationSeconds": 0 }, "payment-gateway:admin.stickiness.durationSeconds must be at least 1; got 0"],
        ["no certificate and no zone", { "loadBalancer.hostedZoneId": undefined }, "payment-gateway:loadBalancer needs certificateArn or hostedZoneId"],
    ];
    for (const [what, set, message] of refused) {
        it(`refuses ${what} before declaring anything`, async () => {
            const error = await runProgram({ stack: "prod", set }).then(() => assert.fail("accepted"), (e) => e as ProgramError);
            assert.ok(error instanceof ProgramError);
            assert.deepEqual(error.resources, []);
            assert.ok(error.message.includes(message), error.message);
        });
    }
});
