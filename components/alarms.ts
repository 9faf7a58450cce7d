import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { DEPLOYMENT_ALARMS, DeploymentAlarm } from "../lib/release";
import { KmsKey } from "./kmsKey";

export interface AlarmThresholds {
    /** ALB 5xx responses as a percent of requests. */
    http5xxPercent: number;
    /** 5xx the load balancer answers itself, per minute. */
    loadBalancer5xxPerMinute: number;
    /** ALB p95 target response time, seconds. */
    responseTimeSeconds: number;
    /** ECS service CPU and memory utilisation, percent. */
    servicePercent: number;
    /** Cache engine CPU and memory usage, percent. */
    cachePercent: number;
    /** Cache replication lag, seconds. */
    replicationLagSeconds: number;
    /** Requests the WAF blocks in 5 minutes. */
    wafBlockedRequests: number;
}

export interface AlarmsArgs {
    /** Physical-name prefix, e.g. payment-gateway-prod. */
    prefix: string;
    region: string;
    /** E-mail subscriptions of the alarm topic. */
    emails: string[];
    /** Default (config) observability.alarms. */
    thresholds: AlarmThresholds;
    /** The ALB's metric dimension (app/<name>/<id>). */
    loadBalancerArnSuffix: pulumi.Output<string>;
    /**
     * Target groups to watch for unhealthy hosts, per routed service: its group, the alternate
     * group ECS shifts traffic to in a blue/green, linear or canary release (either may hold the
     * live tasks), and whether the service's releases roll back on its deployment alarms
     * (declared then: `deploymentAlarms`). Default per group: no alternate group, no release alarms.
     */
    targetGroups: { name: string; arnSuffix: pulumi.Output<string>; alternateArnSuffix?: pulumi.Output<string>; alarmRollback?: boolean }[];
    /** ECS cluster of the services. */
    clusterName: pulumi.Input<string>;
    /** Services to watch for CPU and memory. */
    services: { name: string; serviceName: pulumi.Input<string> }[];
    /**
     * Services no load balancer watches (the PDF worker): alarmed when none of their tasks runs.
     * Needs Container Insights on the cluster. Default none.
     */
    unrouted?: { name: string; serviceName: pulumi.Input<string> }[];
    /** The cache's node ids (<replication group id>-001, -002, …). */
    cacheNodeIds: string[];
    /** Encrypts the alarm topic; its policy must let CloudWatch alarms use it. Default: SNS's AWS-owned key. */
    key?: KmsKey;
    /** The WAF web ACL's name, to alarm on blocked-request spikes. Default: no WAF alarm. */
    webAclName?: pulumi.Output<string>;
}

const FIVE_MINUTES = 300;

/**
 * CloudWatch alarms into one SNS topic, and a dashboard of the same metrics: the load balancer's
 * 5xx rate and latency, unhealthy targets, each service's CPU and memory, and the cache's CPU,
 * memory, evictions and replication lag.
 */
export class Alarms extends pulumi.ComponentResource {
    readonly topic: aws.sns.Topic;
    readonly alarms: aws.cloudwatch.MetricAlarm[] = [];
    /** The alarms customers would feel: 5xx rate, the ALB's own 5xx, and no healthy target per route. */
    readonly customerFacing: aws.cloudwatch.MetricAlarm[] = [];
    /**
     * Per routed service with alarm rollback, the alarms that fail and roll back its release
     * (lib/release.ts DEPLOYMENT_ALARMS): its targets' 5xx rate and p95 latency, the worse of its
     * two target groups so that they see the new revision's tasks while it takes a share of the
     * traffic, and no healthy target in either group. Only the service's own targets: an alarm
     * on the whole load balancer would roll back one service for the other's failure.
     */
    readonly deploymentAlarms: Record<string, aws.cloudwatch.MetricAlarm[]> = {};
    readonly dashboard: aws.cloudwatch.Dashboard;
    private readonly child: pulumi.CustomResourceOptions;

    constructor(private readonly name: string, private readonly args: AlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("payment-gateway:observability:Alarms", name, {}, opts);
        this.child = { parent: this };

        // Under the logs key, whose policy lets CloudWatch alarms publish (lib/keyPolicy.ts).
        this.topic = new aws.sns.Topic(name, { name: `${args.prefix}-alarms`, kmsMasterKeyId: args.key?.arn }, this.child);
        args.emails.forEach((endpoint, i) => new aws.sns.TopicSubscription(`${name}-email-${i}`, { topic: this.topic.arn, protocol: "email", endpoint }, this.child));

        this.loadBalancerAlarms();
        this.serviceAlarms();
        this.runningTaskAlarms();
        this.cacheAlarms();
        if (args.webAclName) this.wafAlarm(args.webAclName);
        this.dashboard = this.createDashboard();
        this.registerOutputs({ topicArn: this.topic.arn });
    }

    /**
     * A spike of blocked requests: an attack under way, or a rule blocking customers (PCI DSS 10.4.1,
     * 10.7). AWS/WAFV2 BlockedRequests by WebACL, Region and Rule=ALL
     * (https://docs.aws.amazon.com/waf/latest/developerguide/waf-metrics.html).
     */
    private wafAlarm(webAclName: pulumi.Output<string>): void {
        const t = this.args.thresholds;
        this.alarm("waf-blocked", {
            alarmDescription: `The WAF blocked more than ${t.wafBlockedRequests} requests in 5 minutes`,
            namespace: "AWS/WAFV2",
            metricName: "BlockedRequests",
            dimensions: { WebACL: webAclName, Region: this.args.region, Rule: "ALL" },
            statistic: "Sum",
            period: FIVE_MINUTES,
            evaluationPeriods: 1,
            comparisonOperator: "GreaterThanThreshold",
            threshold: t.wafBlockedRequests,
            // No data: nothing blocked.
            treatMissingData: "notBreaching",
        });
    }

    private alarm(suffix: string, args: Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions" | "name">): aws.cloudwatch.MetricAlarm {
        const alarm = new aws.cloudwatch.MetricAlarm(`${this.name}-${suffix}`, {
            name: `${this.args.prefix}-${suffix}`,
            alarmActions: [this.topic.arn],
            okActions: [this.topic.arn],
            ...args,
        }, this.child);
        this.alarms.push(alarm);
        return alarm;
    }

    private loadBalancerAlarms(): void {
        const t = this.args.thresholds;
        const lb = this.args.loadBalancerArnSuffix;
        const sum = (id: string, metricName: string) => ({
            id,
            metric: { namespace: "AWS/ApplicationELB", metricName, dimensions: { LoadBalancer: lb }, period: 60, stat: "Sum" },
            returnData: false,
        });
        this.customerFacing.push(this.alarm("alb-5xx-rate", {
            alarmDescription: `More than ${t.http5xxPercent}% of requests answered 5xx`,
            comparisonOperator: "GreaterThanThreshold",
            threshold: t.http5xxPercent,
            evaluationPeriods: 5,
            datapointsToAlarm: 3,
            treatMissingData: "notBreaching",
            metricQueries: [
                sum("target5xx", "HTTPCode_Target_5XX_Count"),
                sum("elb5xx", "HTTPCode_ELB_5XX_Count"),
                sum("requests", "RequestCount"),
                { id: "rate", expression: "100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests", label: "5xx percent", returnData: true },
            ],
        }));
        // The rate above divides by RequestCount, which may be missing in a total outage: the
        // balancer's own 5xx count (503 with no healthy target) alarms regardless.
        this.customerFacing.push(this.alarm("alb-own-5xx", {
            alarmDescription: `The load balancer itself answered more than ${t.loadBalancer5xxPerMinute} 5xx a minute (no healthy target, or targets failing connections)`,
            namespace: "AWS/ApplicationELB",
            metricName: "HTTPCode_ELB_5XX_Count",
            dimensions: { LoadBalancer: lb },
            statistic: "Sum",
            period: 60,
            evaluationPeriods: 3,
            datapointsToAlarm: 2,
            comparisonOperator: "GreaterThanThreshold",
            threshold: t.loadBalancer5xxPerMinute,
            // No data: no 5xx from the balancer.
            treatMissingData: "notBreaching",
        }));
        this.alarm("alb-latency-p95", {
            alarmDescription: `p95 target response time above ${t.responseTimeSeconds}s`,
            namespace: "AWS/ApplicationELB",
            metricName: "TargetResponseTime",
            dimensions: { LoadBalancer: lb },
            extendedStatistic: "p95",
            period: 60,
            evaluationPeriods: 5,
            datapointsToAlarm: 3,
            comparisonOperator: "GreaterThanThreshold",
            threshold: t.responseTimeSeconds,
            treatMissingData: "notBreaching",
        });
        for (const tg of this.args.targetGroups) {
            const groups = [tg.arnSuffix, ...(tg.alternateArnSuffix ? [tg.alternateArnSuffix] : [])];
            const perGroup = (id: string, metricName: string, stat: string) =>
                groups.map((group, i) => ({
                    id: `${id}${i}`,
                    metric: { namespace: "AWS/ApplicationELB", metricName, dimensions: { LoadBalancer: lb, TargetGroup: group }, period: 60, stat },
                    returnData: false,
                }));
            // Summed over both groups when ECS may have moved the tasks to either (FILL: a group with
            // nothing registered reports nothing).
            const total = (id: string, metricName: string, stat: string, label: string) =>
                groups.length === 1
                    ? { namespace: "AWS/ApplicationELB", metricName, dimensions: { LoadBalancer: lb, TargetGroup: tg.arnSuffix }, statistic: stat, period: 60 }
                    : {
                          metricQueries: [
                              ...perGroup(id, metricName, stat),
                              { id: "total", expression: groups.map((_, i) => `FILL(${id}${i}, 0)`).join(" + "), label, returnData: true },
                          ],
                      };
            // Every task gone and none able to start: HealthyHostCount is 0 or, with nothing
            // registered, not reported at all, so missing data counts as breaching.
            const noHealthy = this.alarm(`${tg.name}-no-healthy-hosts`, {
                alarmDescription: `${tg.name}: no healthy target; every request gets a 503`,
                ...total("healthy", "HealthyHostCount", "Minimum", "healthy targets"),
                evaluationPeriods: DEPLOYMENT_ALARMS["no-healthy-hosts"].evaluationPeriods,
                comparisonOperator: "LessThanThreshold",
                threshold: 1,
                treatMissingData: "breaching",
            });
            this.customerFacing.push(noHealthy);
            this.alarm(`${tg.name}-unhealthy-hosts`, {
                alarmDescription: `${tg.name}: a target failed its health checks`,
                ...total("unhealthy", "UnHealthyHostCount", "Maximum", "unhealthy targets"),
                evaluationPeriods: 3,
                comparisonOperator: "GreaterThanThreshold",
                threshold: 0,
                treatMissingData: "notBreaching",
            });
            if (!tg.alarmRollback) continue;
            const spec = (name: DeploymentAlarm) => ({ evaluationPeriods: DEPLOYMENT_ALARMS[name].evaluationPeriods, datapointsToAlarm: DEPLOYMENT_ALARMS[name].datapointsToAlarm });
            // The worse of the groups (MAX of the series, per period): a canary at 10% failing every
            // request is a 100% rate in its group, not 10% of the service's.
            // One group (a rolling service): its own series, not an expression of one id.
            const worst = (ids: string[]) => `MAX([${ids.join(", ")}])`;
            const rateOf = (i: number) => `100 * FILL(errors${i}, 0) / requests${i}`;
            const rates = groups.length === 1 ? [] : groups.map((_, i) => ({ id: `rate${i}`, expression: rateOf(i), returnData: false }));
            const fiveXx = this.alarm(`${tg.name}-release-5xx`, {
                alarmDescription: `${tg.name}: more than ${t.http5xxPercent}% of the service's requests answered 5xx by its targets, in either target group (fails and rolls back a release)`,
                comparisonOperator: "GreaterThanThreshold",
                threshold: t.http5xxPercent,
                ...spec("release-5xx"),
                treatMissingData: "notBreaching",
                metricQueries: [
                    ...perGroup("errors", "HTTPCode_Target_5XX_Count", "Sum"),
                    ...perGroup("requests", "RequestCount", "Sum"),
                    ...rates,
                    { id: "worst", expression: groups.length === 1 ? rateOf(0) : worst(rates.map((r) => r.id)), label: "5xx percent, worse target group", returnData: true },
                ],
            });
            const p95 = perGroup("p", "TargetResponseTime", "p95");
            const latency = this.alarm(`${tg.name}-release-latency`, {
                alarmDescription: `${tg.name}: p95 target response time above ${t.responseTimeSeconds}s in either target group (fails and rolls back a release)`,
                comparisonOperator: "GreaterThanThreshold",
                threshold: t.responseTimeSeconds,
                ...spec("release-latency"),
                treatMissingData: "notBreaching",
                metricQueries: groups.length === 1
                    ? p95.map((q) => ({ ...q, label: "p95 seconds", returnData: true }))
                    : [...p95, { id: "worst", expression: worst(p95.map((q) => q.id)), label: "p95 seconds, worse target group", returnData: true }],
            });
            this.deploymentAlarms[tg.name] = [fiveXx, latency, noHealthy];
        }
    }

    private serviceAlarms(): void {
        const t = this.args.thresholds;
        for (const s of this.args.services) {
            for (const [metricName, label] of [["CPUUtilization", "cpu"], ["MemoryUtilization", "memory"]]) {
                this.alarm(`${s.name}-${label}`, {
                    alarmDescription: `${s.name}: ${label} above ${t.servicePercent}% for 10 minutes`,
                    namespace: "AWS/ECS",
                    metricName,
                    dimensions: { ClusterName: this.args.clusterName, ServiceName: s.serviceName },
                    statistic: "Average",
                    period: FIVE_MINUTES,
                    evaluationPeriods: 2,
                    comparisonOperator: "GreaterThanThreshold",
                    threshold: t.servicePercent,
                });
            }
        }
    }

    /**
     * No task of a service without a load balancer runs: nothing else notices (no target group
     * loses its healthy hosts), and its queue grows. Container Insights' `RunningTaskCount` in
     * namespace `ECS/ContainerInsights`, dimensions ClusterName and ServiceName (CloudWatch User
     * Guide, "Amazon ECS Container Insights metrics"); it is reported only with Container Insights
     * on, which the cluster turns on. Missing data counts as breaching: a service with no task may
     * report nothing.
     */
    private runningTaskAlarms(): void {
        for (const s of this.args.unrouted ?? []) {
            this.alarm(`${s.name}-no-running-task`, {
                alarmDescription: `${s.name}: no task running for 3 minutes; its jobs wait in the queue`,
                namespace: "ECS/ContainerInsights",
                metricName: "RunningTaskCount",
                dimensions: { ClusterName: this.args.clusterName, ServiceName: s.serviceName },
                statistic: "Minimum",
                period: 60,
                evaluationPeriods: 3,
                comparisonOperator: "LessThanThreshold",
                threshold: 1,
                treatMissingData: "breaching",
            });
        }
    }

    private cacheAlarms(): void {
        const t = this.args.thresholds;
        const replicas = this.args.cacheNodeIds.length > 1;
        for (const node of this.args.cacheNodeIds) {
            const metric = (suffix: string, metricName: string, threshold: number, statistic: string, description: string) =>
                this.alarm(`${node}-${suffix}`, {
                    alarmDescription: `${node}: ${description}`,
                    namespace: "AWS/ElastiCache",
                    metricName,
                    dimensions: { CacheClusterId: node },
                    statistic,
                    period: 60,
                    evaluationPeriods: 5,
                    datapointsToAlarm: 3,
                    comparisonOperator: "GreaterThanThreshold",
                    threshold,
                    treatMissingData: "notBreaching",
                });
            metric("cpu", "EngineCPUUtilization", t.cachePercent, "Average", `engine CPU above ${t.cachePercent}%`);
            metric("memory", "DatabaseMemoryUsagePercentage", t.cachePercent, "Average", `memory above ${t.cachePercent}%`);
            // Every key here (sessions, rate limits, DEKs) matters: any eviction is worth a look.
            metric("evictions", "Evictions", 0, "Sum", "keys were evicted");
            if (replicas) metric("replication-lag", "ReplicationLag", t.replicationLagSeconds, "Maximum", `replication lag above ${t.replicationLagSeconds}s`);
        }
    }

    private createDashboard(): aws.cloudwatch.Dashboard {
        const { region, clusterName, services, cacheNodeIds, targetGroups } = this.args;
        const serviceNames = pulumi.all(services.map((s) => s.serviceName));
        const body = pulumi.all([this.args.loadBalancerArnSuffix, pulumi.all(targetGroups.map((t) => t.arnSuffix)), clusterName, serviceNames]).apply(([lb, tgs, cluster, names]) => {
            const widget = (title: string, metrics: unknown[][], stat = "Average") => ({
                type: "metric",
                width: 12,
                height: 6,
                properties: { title, region, stat, period: 60, metrics },
            });
            return JSON.stringify({
                widgets: [
                    widget("ALB requests and 5xx", [
                        ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", lb],
                        ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", lb],
                        ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", lb],
                    ], "Sum"),
                    widget("ALB p95 response time", [["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", lb]], "p95"),
                    widget("Healthy and unhealthy targets", tgs.flatMap((tg) => [
                        ["AWS/ApplicationELB", "HealthyHostCount", "LoadBalancer", lb, "TargetGroup", tg],
                        ["AWS/ApplicationELB", "UnHealthyHostCount", "LoadBalancer", lb, "TargetGroup", tg],
                    ]), "Maximum"),
                    widget("Service CPU and memory", names.flatMap((name) => [
                        ["AWS/ECS", "CPUUtilization", "ClusterName", cluster, "ServiceName", name],
                        ["AWS/ECS", "MemoryUtilization", "ClusterName", cluster, "ServiceName", name],
                    ])),
                    widget("Cache CPU and memory", cacheNodeIds.flatMap((n) => [
                        ["AWS/ElastiCache", "EngineCPUUtilization", "CacheClusterId", n],
                        ["AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "CacheClusterId", n],
                    ])),
                    widget("Cache evictions and replication lag", cacheNodeIds.flatMap((n) => [
                        ["AWS/ElastiCache", "Evictions", "CacheClusterId", n],
                        ["AWS/ElastiCache", "ReplicationLag", "CacheClusterId", n],
                    ]), "Maximum"),
                ],
            });
        });
        return new aws.cloudwatch.Dashboard(this.name, { dashboardName: this.args.prefix, dashboardBody: body }, this.child);
    }
}
