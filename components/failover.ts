import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { AliasTarget, Gate, failoverRecordNames } from "../lib/failover";

export interface FailoverArgs {
    /** The operator's gate (lib/failover.ts gate): its metric and alarm live in this stack's region. */
    gate: Gate;
    /** The failover pair, once the primary has handed its names over (config standby.failoverRecords). Default: the gate only. */
    records?: {
        domain: string;
        hostedZoneId: string;
        /** The primary's load balancers (read from the primary stack). */
        primary: { admin: pulumi.Input<AliasTarget>; api: pulumi.Input<AliasTarget> };
        /** This stack's load balancer. */
        secondary: AliasTarget | { dnsName: pulumi.Input<string>; zoneId: pulumi.Input<string> };
    };
    /**
     * Protect the failover pair: once the primary has handed the names over, deleting the pair
     * (standby.failoverRecords back to false, a replace, a destroy) leaves admin and api without
     * any record, so it takes an explicit `pulumi state unprotect` first. Default false.
     */
    protect?: boolean;
    /** Tags. Default none. */
    tags?: Record<string, string>;
}

/**
 * Traffic failover that needs neither `pulumi up` nor Route 53's control plane (us-east-1): an
 * alarm on a metric in this (the standby's) region, which an operator flips with one
 * PutMetricData call; a Route 53 health check on that alarm; and per host a failover pair whose
 * PRIMARY (the primary's load balancer) carries the health check. Health checking and DNS
 * answering are Route 53's data plane, globally distributed; only record and health-check
 * changes go through its control plane (AWS Fault Isolation Boundaries, Appendix B).
 */
export class Failover extends pulumi.ComponentResource {
    readonly alarm: aws.cloudwatch.MetricAlarm;
    readonly healthCheck: aws.route53.HealthCheck;
    readonly records: aws.route53.Record[] = [];

    constructor(name: string, args: FailoverArgs, opts?: pulumi.ComponentResourceOptions) {
        super("payment-gateway:failover:Failover", name, {}, opts);
        const child = { parent: this };
        const g = args.gate;
        // ALARM (primary out of service) at a value of 1, OK at 0; no data keeps the state.
        // Route 53 supports only standard-resolution metrics and the statistics Average, Minimum,
        // Maximum, Sum, SampleCount (Route 53 API Reference, AlarmIdentifier): Maximum over 60 s.
        this.alarm = new aws.cloudwatch.MetricAlarm(`${name}-gate`, {
            name: g.alarmName,
            alarmDescription: `Operator gate of the primary region: ALARM sends admin and api to this standby. Fail over: ${g.failOver}; fail back: ${g.failBack}`,
            namespace: g.namespace,
            metricName: g.metricName,
            dimensions: g.dimensions,
            statistic: "Maximum",
            period: 60,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            treatMissingData: "ignore",
            tags: args.tags,
        }, child);
        // terraform-provider-aws internal/service/route53/health_check.go: type is ForceNew;
        // cloudwatch_alarm_name/_region and insufficient_data_health_status update in place;
        // cloudwatch_alarm_region is validated against Route 53's CloudWatchRegion enum.
        //
        // Without data, LastKnownStatus only: "For new health checks that have no last known
        // status, the default status for the health check is healthy" (Route 53 API Reference,
        // HealthCheckConfig InsufficientDataHealthStatus). A new alarm is INSUFFICIENT_DATA until
        // the operator's first data point, so Unhealthy would fail every name over the moment the
        // failover pair exists; and the gate is one data point, after which the metric has no
        // data again, so Healthy could open a closed gate by itself. Not a setting.
        //
        // Route 53 keeps its own copy of the alarm's settings: after an edit of the alarm the
        // health check must be synchronized ("Updating health checks when you change CloudWatch
        // alarm settings", Route 53 Developer Guide; terraform-provider-aws issue #29251). The
        // provider resends the AlarmIdentifier when `triggers` changes (health_check.go
        // resourceHealthCheckUpdate, PR #40918), so every setting of the alarm is a trigger.
        const a = this.alarm;
        this.healthCheck = new aws.route53.HealthCheck(`${name}-gate`, {
            type: "CLOUDWATCH_METRIC",
            cloudwatchAlarmName: a.name,
            cloudwatchAlarmRegion: g.region,
            insufficientDataHealthStatus: "LastKnownStatus",
            triggers: {
                metric: pulumi.interpolate`${a.namespace}/${a.metricName}`,
                statistic: a.statistic.apply((v) => String(v)),
                period: a.period.apply((v) => String(v)),
                evaluationPeriods: a.evaluationPeriods.apply((v) => String(v)),
                datapointsToAlarm: a.datapointsToAlarm.apply((v) => String(v)),
                threshold: a.threshold.apply((v) => String(v)),
                comparisonOperator: a.comparisonOperator.apply((v) => String(v)),
                treatMissingData: a.treatMissingData.apply((v) => String(v)),
            },
            tags: { ...args.tags, Name: g.alarmName },
        }, child);
        const r = args.records;
        const recordOpts = { ...child, protect: args.protect === true };
        if (r) {
            for (const { host, name: record, primaryId, secondaryId } of failoverRecordNames(r.domain)) {
                const primary = pulumi.output(r.primary[host]);
                // Failover alias records must set EvaluateTargetHealth (Route 53 API Reference,
                // ResourceRecordSet "Failover"): the PRIMARY is also out while the primary's load
                // balancer has no healthy target. With the SECONDARY unhealthy Route 53 answers
                // with the PRIMARY whatever its health (same reference).
                // terraform-provider-aws internal/service/route53/record.go: name and zone_id are
                // ForceNew; a changed set_identifier is a delete-and-create in one change batch.
                this.records.push(new aws.route53.Record(`${name}-${host}-primary`, {
                    zoneId: r.hostedZoneId,
                    name: record,
                    type: "A",
                    setIdentifier: primaryId,
                    failoverRoutingPolicies: [{ type: "PRIMARY" }],
                    healthCheckId: this.healthCheck.id,
                    aliases: [{ name: primary.dnsName, zoneId: primary.zoneId, evaluateTargetHealth: true }],
                }, recordOpts));
                this.records.push(new aws.route53.Record(`${name}-${host}-secondary`, {
                    zoneId: r.hostedZoneId,
                    name: record,
                    type: "A",
                    setIdentifier: secondaryId,
                    failoverRoutingPolicies: [{ type: "SECONDARY" }],
                    aliases: [{ name: r.secondary.dnsName, zoneId: r.secondary.zoneId, evaluateTargetHealth: true }],
                }, recordOpts));
            }
        }
        this.registerOutputs({ healthCheckId: this.healthCheck.id });
    }
}
