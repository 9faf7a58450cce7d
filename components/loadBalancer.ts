import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { AccessLogBucket } from "./accessLogs";
import { Connections } from "./connections";
import { KmsKey } from "./kmsKey";
import { Network } from "./network";
import { wafRules, wafVisibility } from "../lib/waf";

/** The web ACL (config loadBalancer.waf). */
export interface WafArgs {
    /** Declare a WAFv2 web ACL on the ALB. Default (config): on in prod. */
    enabled: boolean;
    /** Requests per client IP per 5 minutes. Default (config) 2000. */
    rateLimit: number;
    /** Requests per client IP per 5 minutes to the admin host's login paths. Default: no such rule. */
    adminLogin?: { host: string; paths: string[]; rateLimit: number };
    /**
     * Log every request the ACL sees to the CloudWatch log group `aws-waf-logs-<name>`, encrypted
     * with `key`, kept `retentionDays`; `name` is the stack's prefix (payment-gateway-<stack>), so
     * the group falls under the deploy role's stack-scoped log-group grant (bootstrap/permissions.ts).
     * Default: no log.
     */
    logs?: { key: KmsKey; retentionDays: number; region: string; name: string };
}

/** TLS 1.3 with TLS 1.2 fallback, forward-secret ciphers only. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/** Health-check path the gateway serves: the default of `loadBalancer.healthCheck.path`. */
export const HEALTH_CHECK_PATH = "/health";
/** An ALB listener-rule condition may hold at most 5 values in all; one is the host. */
const SOURCE_IPS_PER_RULE = 4;

export interface HealthCheckArgs {
    /** Path checked on every target. Default HEALTH_CHECK_PATH (/health; config loadBalancer.healthCheck.path). */
    path?: string;
    /** Seconds between checks (> timeout). Default (config) 10. */
    intervalSeconds: number;
    /** Seconds before a check fails. Default (config) 5. */
    timeoutSeconds: number;
    /** Successes before healthy. Default (config) 2. */
    healthyThreshold: number;
    /** Failures before unhealthy. Default (config) 3. */
    unhealthyThreshold: number;
}

export interface LoadBalancerArgs {
    /** The VPC: the ALB spans its load balancer subnets (the public ones, or its own with the egress firewall). */
    network: Network;
    /** Hosts the certificate must cover, e.g. admin.<domain> and api.<domain>. */
    hosts: string[];
    /** Existing ACM certificate; default: one is created and DNS-validated in `hostedZoneId`. */
    certificateArn?: string;
    /** Route 53 zone for certificate validation and the hosts' alias records. Default: none. */
    hostedZoneId?: string;
    /**
     * Declare the hosts' simple alias records in `hostedZoneId`. False when another stack answers
     * for the names (a warm standby's failover pair, config loadBalancer.dnsRecords). Default true.
     */
    aliasRecords?: boolean;
    /**
     * Leave the certificate's DNS validation records in place when this stack deletes them. For a
     * second stack validating the same names (a warm standby): ACM may ask both certificates for
     * the same CNAME (`allowOverwrite` below), and deleting it would fail the other's renewal.
     * Default false.
     */
    sharedValidationRecords?: boolean;
    healthCheck: HealthCheckArgs;
    /** Seconds a deregistering target finishes in-flight requests. Default (config) 30. */
    deregistrationDelaySeconds: number;
    /** Idle connection timeout. Default (config) 60. */
    idleTimeoutSeconds: number;
    /** Default (config): on in prod. */
    deletionProtection: boolean;
    /**
     * Access logs: into `bucket` (an existing one, whose policy is its owner's), or into a bucket
     * created here that keeps them `retentionDays` and is protected with `protect`. Default: none.
     */
    accessLogs?: { bucket?: string; retentionDays: number; protect: boolean; objectLock?: boolean };
    /** AWS region, for the access-log delivery principal. */
    region: string;
    /** WAFv2 web ACL: AWS common and known-bad-inputs rules and a per-IP rate limit. Default (config): on in prod. */
    waf: WafArgs;
}

export type Stickiness =
    | { type: "lb_cookie"; durationSeconds: number }
    | { type: "app_cookie"; cookieName: string; durationSeconds: number };

export interface RouteArgs {
    /** Host header this route answers, e.g. admin.<domain>. */
    host: string;
    /** Container port the targets listen on. */
    port: number;
    /** Listener-rule priority (1–50000, unique). */
    priority: number;
    /** Cookie stickiness; default none (any target serves any request). */
    stickiness?: Stickiness;
    /** Only these client CIDRs reach the host; others get the default 404. Default: anywhere. */
    allowedCidrs?: string[];
    /**
     * A second target group, the same as the first, for ECS to start a new revision in and shift
     * traffic to (a blue/green, linear or canary release): the rule forwards to both by weight,
     * ECS owns the weights. Default false (one target group, a plain forward).
     */
    alternate?: boolean;
    /**
     * The rule already forwards by weight to both groups (the last deployment released this route
     * by shifting traffic): ECS owns the weights, and the program leaves the forward alone. Default
     * false: the weighted forward is sent, as on the update that gives a route its alternate group.
     */
    weightsOwnedByEcs?: boolean;
}

/** A host routed to a target group. */
export interface Route {
    /** The route's name (admin, main): names its target group. */
    name: string;
    host: string;
    url: string;
    targetGroup: aws.lb.TargetGroup;
    /** The second target group of a route released by shifting traffic (RouteArgs.alternate). */
    alternateTargetGroup?: aws.lb.TargetGroup;
    /** The listener rules forwarding to the group: a service may register tasks only once they exist. */
    rules: aws.lb.ListenerRule[];
    /** The load balancer's security group, the only source its targets admit. */
    loadBalancer: Connections;
    /** For the request-count scaling metric. */
    loadBalancerArnSuffix: pulumi.Output<string>;
}

/**
 * The internet-facing Application Load Balancer: HTTPS on 443 (TLS 1.3 policy), HTTP 80 redirects,
 * host-based routes to IP target groups with /health checks, and optionally a WAF, access logs
 * and Route 53 aliases. It is the only thing in the program that accepts traffic from anywhere.
 */
export class LoadBalancer extends pulumi.ComponentResource {
    readonly connections: Connections;
    readonly alb: aws.lb.LoadBalancer;
    readonly httpsListener: aws.lb.Listener;
    readonly webAcl?: aws.wafv2.WebAcl;
    /** The access-log bucket the program created, when it created one. */
    accessLogBucket?: AccessLogBucket;
    readonly routes: Route[] = [];
    private readonly child: pulumi.CustomResourceOptions;

    constructor(private readonly name: string, private readonly args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("payment-gateway:loadBalancer:LoadBalancer", name, {}, opts);
        this.child = { parent: this };

        this.connections = this.createSecurityGroup();
        this.alb = this.createLoadBalancer();
        const certificateArn = this.certificate();
        this.httpsListener = this.createHttpsListener(certificateArn);
        this.createHttpRedirect();
        if (args.waf.enabled) this.webAcl = this.createWaf();

        this.registerOutputs({ dnsName: this.alb.dnsName });
    }

    get dnsName(): pulumi.Output<string> {
        return this.alb.dnsName;
    }

    /** Routes `host` to a new target group; the caller registers its tasks in it. */
    route(name: string, args: RouteArgs): Route {
        const targetGroup = this.createTargetGroup(`${this.name}-${name}`, name, args);
        // Same port, health check, deregistration delay and stickiness: a task is judged alike in either group.
        const alternateTargetGroup = args.alternate ? this.createTargetGroup(`${this.name}-${name}-alt`, name, args) : undefined;
        const rules = this.createListenerRules(name, args, targetGroup, alternateTargetGroup);
        if (this.args.hostedZoneId && this.args.aliasRecords !== false) this.createAlias(name, args.host);
        const route = { name, host: args.host, url: `https://${args.host}`, targetGroup, alternateTargetGroup, rules, loadBalancer: this.connections, loadBalancerArnSuffix: this.alb.arnSuffix };
        this.routes.push(route);
        return route;
    }

    private createSecurityGroup(): Connections {
        const connections = new Connections(`${this.name}-alb`, {
            vpcId: this.args.network.vpcId,
            description: "Load balancer: HTTPS and HTTP (redirect) from the internet",
        }, this.child);
        connections.allowFromCidrs(["0.0.0.0/0"], 443, "HTTPS from the internet");
        connections.allowFromCidrs(["0.0.0.0/0"], 80, "HTTP from the internet (redirected to HTTPS)");
        return connections;
    }

    private createLoadBalancer(): aws.lb.LoadBalancer {
        const logs = this.accessLogTarget();
        return new aws.lb.LoadBalancer(this.name, {
            loadBalancerType: "application",
            internal: false,
            subnets: this.args.network.loadBalancerSubnetIds,
            securityGroups: [this.connections.id],
            dropInvalidHeaderFields: true,
            enableDeletionProtection: this.args.deletionProtection,
            idleTimeout: this.args.idleTimeoutSeconds,
            accessLogs: logs ? { bucket: logs.bucket, prefix: this.name, enabled: true } : undefined,
            // Lets an operator move traffic away from an impaired zone with ARC zonal shift (off by
            // default; ALBs support it with cross-zone load balancing on: ARC developer guide,
            // "Application Load Balancers"). The load balancer attribute zonal_shift.config.enabled,
            // changed in place (terraform-provider-aws internal/service/elbv2/load_balancer.go:
            // enable_zonal_shift, Optional, Default false, not ForceNew). Nothing shifts until started.
            enableZonalShift: true,
        }, {
            ...this.child,
            // AWS refuses an internet-facing ALB before the gateway, and access logging before it may
            // write; its subnets must route to the gateway before it serves from them.
            dependsOn: [...this.args.network.loadBalancerReady, ...(logs?.ready ?? [])],
        });
    }

    /** The bucket the access logs go to, creating one when none is named. */
    private accessLogTarget(): { bucket: pulumi.Input<string>; ready: pulumi.Resource[] } | undefined {
        const logs = this.args.accessLogs;
        if (!logs) return undefined;
        if (logs.bucket) return { bucket: logs.bucket, ready: [] };
        this.accessLogBucket = new AccessLogBucket(`${this.name}-alb-logs`, {
            region: this.args.region,
            prefix: this.name,
            retentionDays: logs.retentionDays,
            protect: logs.protect,
            objectLock: logs.objectLock,
        }, { parent: this });
        return { bucket: this.accessLogBucket.bucketName, ready: this.accessLogBucket.ready };
    }

    /** The listener's certificate: the configured one, or one created and DNS-validated for the hosts. */
    private certificate(): pulumi.Input<string> {
        if (this.args.certificateArn) return this.args.certificateArn;
        const [primary, ...alternatives] = this.args.hosts;
        const certificate = new aws.acm.Certificate(this.name, {
            domainName: primary,
            subjectAlternativeNames: alternatives,
            validationMethod: "DNS",
        }, this.child);
        const records = this.args.hosts.map((host, i) =>
            new aws.route53.Record(`${this.name}-validation-${i}`, {
                zoneId: this.args.hostedZoneId!,
                name: certificate.domainValidationOptions.apply((o) => o.find((d) => d.domainName === host)!.resourceRecordName!),
                type: certificate.domainValidationOptions.apply((o) => o.find((d) => d.domainName === host)!.resourceRecordType!),
                records: [certificate.domainValidationOptions.apply((o) => o.find((d) => d.domainName === host)!.resourceRecordValue!)],
                ttl: 300,
                allowOverwrite: true,
            }, { ...this.child, retainOnDelete: this.args.sharedValidationRecords === true }),
        );
        // The listener takes the ARN from the validation, so it waits until the certificate is issued.
        const validation = new aws.acm.CertificateValidation(this.name, {
            certificateArn: certificate.arn,
            validationRecordFqdns: records.map((r) => r.fqdn),
        }, this.child);
        return validation.certificateArn;
    }

    private createHttpsListener(certificateArn: pulumi.Input<string>): aws.lb.Listener {
        return new aws.lb.Listener(`${this.name}-https`, {
            loadBalancerArn: this.alb.arn,
            port: 443,
            protocol: "HTTPS",
            sslPolicy: TLS_POLICY,
            certificateArn,
            defaultActions: [{ type: "fixed-response", fixedResponse: { statusCode: "404", contentType: "text/plain", messageBody: "Not found" } }],
        }, this.child);
    }

    private createHttpRedirect(): aws.lb.Listener {
        return new aws.lb.Listener(`${this.name}-http`, {
            loadBalancerArn: this.alb.arn,
            port: 80,
            protocol: "HTTP",
            defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
        }, this.child);
    }

    private createTargetGroup(resourceName: string, name: string, args: RouteArgs): aws.lb.TargetGroup {
        const hc = this.args.healthCheck;
        const stickiness = args.stickiness;
        return new aws.lb.TargetGroup(resourceName, {
            targetType: "ip", // Fargate tasks register by IP
            port: args.port,
            protocol: "HTTP",
            vpcId: this.args.network.vpcId,
            deregistrationDelay: this.args.deregistrationDelaySeconds,
            healthCheck: {
                enabled: true,
                path: hc.path ?? HEALTH_CHECK_PATH,
                protocol: "HTTP",
                matcher: "200",
                interval: hc.intervalSeconds,
                timeout: hc.timeoutSeconds,
                healthyThreshold: hc.healthyThreshold,
                unhealthyThreshold: hc.unhealthyThreshold,
            },
            stickiness: stickiness
                ? {
                      enabled: true,
                      type: stickiness.type,
                      cookieDuration: stickiness.durationSeconds,
                      cookieName: stickiness.type === "app_cookie" ? stickiness.cookieName : undefined,
                  }
                : { enabled: false, type: "lb_cookie" },
            tags: { service: name, host: args.host },
        }, this.child);
    }

    /**
     * One rule per host, or per group of four allowed CIDRs when the host is restricted. Group i
     * keeps its name and priority (`priority + i`) whatever the list's length: growing or
     * shrinking the list adds or removes rules at the end, and never creates a rule at a priority
     * another still holds (PriorityInUse).
     *
     * With an alternate target group the (single, config/rules/release.ts) rule is ECS's production
     * listener rule: it forwards to both groups by weight, 100 to the first and 0 to the second
     * when first sent, and ECS rewrites the weights at each release (ECS developer guide,
     * "Application Load Balancer resources for blue/green, linear, and canary deployments"). The
     * forward is therefore the program's only until the last deployment has sent it
     * (`RouteArgs.weightsOwnedByEcs`, then `ignoreChanges` on actions[0].forward): sending it
     * again would send stale weights, and could move every request to the group ECS has emptied.
     * Not on the update that turns a plain forward into the weighted one: Pulumi resets an ignored
     * path to the state's inputs and deletes it from the program's where the state has none
     * (pulumi sdk/go/common/resource/properties_path.go PropertyPath.reset, used by the engine's
     * processIgnoreChanges), which would leave a forward action with neither a target group nor a
     * forward block, refused at preview (terraform-provider-aws internal/service/elbv2/listener.go
     * listenerActionPlantimeValidate). Before that update the route ran a rolling update, so
     * every task is in the first group and 100/0 is what it serves. The provider sends the
     * actions only when they changed (internal/service/elbv2/listener_rule.go
     * resourceListenerRuleUpdate: `if d.HasChange("action")`), so a change of conditions leaves
     * the weights alone.
     *
     * Target-group stickiness on the weighted forward (ALB TargetGroupStickinessConfig,
     * DurationSeconds 1–604800) keeps a client with a session on the group that served it while
     * traffic is split; each group's own cookie stickiness then keeps it on one target.
     */
    private createListenerRules(name: string, args: RouteArgs, targetGroup: aws.lb.TargetGroup, alternate?: aws.lb.TargetGroup): aws.lb.ListenerRule[] {
        const cidrs = args.allowedCidrs ?? [];
        const groups = cidrs.length ? chunk(cidrs, SOURCE_IPS_PER_RULE) : [undefined];
        const weighted = alternate
            ? {
                  type: "forward",
                  forward: {
                      targetGroups: [{ arn: targetGroup.arn, weight: 100 }, { arn: alternate.arn, weight: 0 }],
                      stickiness: args.stickiness ? { enabled: true, duration: args.stickiness.durationSeconds } : undefined,
                  },
              }
            : undefined;
        return groups.map((sourceIps, i) =>
            new aws.lb.ListenerRule(i === 0 ? `${this.name}-${name}` : `${this.name}-${name}-${i}`, {
                listenerArn: this.httpsListener.arn,
                priority: args.priority + i,
                conditions: [{ hostHeader: { values: [args.host] } }, ...(sourceIps ? [{ sourceIp: { values: sourceIps } }] : [])],
                actions: [weighted ?? { type: "forward", targetGroupArn: targetGroup.arn }],
            }, {
                ...this.child,
                // Earlier versions named the first group "-0" when there were five or more CIDRs.
                aliases: i === 0 ? [{ name: `${this.name}-${name}-0` }] : [],
                ignoreChanges: weighted && args.weightsOwnedByEcs ? ["actions[0].forward"] : [],
            }),
        );
    }

    private createAlias(name: string, host: string): aws.route53.Record {
        return new aws.route53.Record(`${this.name}-${name}`, {
            zoneId: this.args.hostedZoneId!,
            name: host,
            type: "A",
            aliases: [{ name: this.alb.dnsName, zoneId: this.alb.zoneId, evaluateTargetHealth: true }],
        }, this.child);
    }

    private createWaf(): aws.wafv2.WebAcl {
        const acl = new aws.wafv2.WebAcl(this.name, {
            scope: "REGIONAL",
            defaultAction: { allow: {} },
            rules: wafRules(this.args.waf.rateLimit, this.args.waf.adminLogin),
            visibilityConfig: wafVisibility(`${this.name}-web-acl`),
        }, this.child);
        new aws.wafv2.WebAclAssociation(this.name, { resourceArn: this.alb.arn, webAclArn: acl.arn }, this.child);
        if (this.args.waf.logs) this.logWaf(acl, this.args.waf.logs);
        return acl;
    }

    /**
     * The web ACL's request log (PCI DSS 6.4.2, 10.2): a CloudWatch log group whose name AWS
     * requires to start with `aws-waf-logs-` (`aws-waf-logs-<logs.name>`: the stack's, not the
     * auto-named ACL's, so that it carries the stack), encrypted with `key`, and the log resource policy that
     * lets log delivery write to it, declared here rather than left to WAF to add on first use
     * (https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html). Credentials and
     * session cookies are redacted from the log (PCI DSS 3.3, 8.3.2).
     */
    private logWaf(acl: aws.wafv2.WebAcl, logs: NonNullable<WafArgs["logs"]>): aws.wafv2.WebAclLoggingConfiguration {
        const group = new aws.cloudwatch.LogGroup(`${this.name}-waf`, {
            name: `aws-waf-logs-${logs.name}`,
            retentionInDays: logs.retentionDays,
            kmsKeyId: logs.key.arn,
        }, { ...this.child, dependsOn: logs.key.policy ? [logs.key.policy] : [] });
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const policy = new aws.cloudwatch.LogResourcePolicy(`${this.name}-waf-logs`, {
            policyName: `${logs.name}-waf-log-delivery`,
            policyDocument: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [{
                    Sid: "WafLogDelivery",
                    Effect: "Allow",
                    Principal: { Service: "delivery.logs.amazonaws.com" },
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                    Resource: pulumi.interpolate`${group.arn}:log-stream:*`,
                    Condition: {
                        StringEquals: { "aws:SourceAccount": account },
                        ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:aws:logs:${logs.region}:${account}:*` },
                    },
                }],
            }),
        }, this.child);
        return new aws.wafv2.WebAclLoggingConfiguration(this.name, {
            resourceArn: acl.arn,
            // The group's ARN without the trailing ":*" (the provider's `arn` attribute drops it).
            logDestinationConfigs: [group.arn],
            redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
        }, { ...this.child, dependsOn: [policy] });
    }
}

function chunk<T>(items: T[], size: number): T[][] {
    const out: T[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
}
