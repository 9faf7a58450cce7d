import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { FIS_ACTIONS, FIS_MAX_STOP_CONDITIONS, FisActionId, fisActionProblems, isoMinutes } from "../lib/fis";
import { Statement, allow } from "./iam";

export interface DrillsArgs {
    /** Physical-name prefix, e.g. payment-gateway-prod. */
    prefix: string;
    /** AWS region (CLI commands, ARNs). */
    region: string;
    /** The tag every drilled resource carries (FIS resolves ECS tasks and replication groups by tags). */
    targetTag: { key: string; value: string };
    /** The ECS cluster of the services. */
    cluster: aws.ecs.Cluster;
    /** The services whose tasks the drills stop. */
    services: { name: string; serviceName: pulumi.Input<string> }[];
    /** The cache: its id, and whether it can fail over (a power interruption needs Multi-AZ). */
    cache: { arn: pulumi.Input<string>; failover: boolean };
    /** The VPC and its private subnets (the zone outage cuts the zone's off). */
    vpcArn: pulumi.Input<string>;
    privateSubnetArns: pulumi.Input<string>[];
    /** The zone the zone-outage and cache-failover drills take down. */
    zone: pulumi.Input<string>;
    /** Minutes a zone outage or cache interruption lasts. Default (config) 10. */
    durationMinutes: number;
    /** Percent of each service's tasks the task-loss drill stops. Default (config) 50. */
    taskLossPercent: number;
    /** The customer-facing alarms: any of them in ALARM stops a running drill. */
    stopAlarms: aws.cloudwatch.MetricAlarm[];
    /** The Atlas replica set, whose own failover test is the database drill. */
    atlas: { projectId: pulumi.Input<string>; clusterName: string };
}

/** One drill: its template, and the commands that start and stop it. */
export interface Drill {
    template: aws.fis.ExperimentTemplate;
    /** What it proves, in one line. */
    proves: string;
}

type Target = aws.types.input.fis.ExperimentTemplateTarget;
type Action = aws.types.input.fis.ExperimentTemplateAction;

/**
 * The stack's failover drills as AWS FIS experiment templates: a zone outage (the ECS, ElastiCache
 * and network parts of AWS's "AZ Availability: Power Interruption" scenario), a task loss, and a
 * cache failover. Each is aimed at this stack's resources only, stops itself when a
 * customer-facing alarm fires, logs to the stack's log group, and runs as a role that may do
 * exactly what these templates do. Templates inject nothing until started.
 */
export class Drills extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly logGroup: aws.cloudwatch.LogGroup;
    readonly drills: Record<string, Drill> = {};
    private readonly child: pulumi.CustomResourceOptions;
    private readonly account: pulumi.Output<string>;
    readonly permissions: aws.iam.RolePolicy;

    constructor(private readonly name: string, private readonly args: DrillsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("payment-gateway:drills:Drills", name, {}, opts);
        this.child = { parent: this };
        if (args.stopAlarms.length === 0 || args.stopAlarms.length > FIS_MAX_STOP_CONDITIONS)
            throw new Error(`drills need 1–${FIS_MAX_STOP_CONDITIONS} stop conditions (FIS quota); got ${args.stopAlarms.length}`);
        this.account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;

        this.logGroup = this.createLogGroup();
        this.role = this.createRole();
        this.permissions = this.grantDrills();
        this.drills["zone-outage"] = this.zoneOutage();
        this.drills["task-loss"] = this.taskLoss();
        if (args.cache.failover) this.drills["cache-failover"] = this.cacheFailover();

        this.registerOutputs({ roleArn: this.role.arn });
    }

    /** Per drill: template id, what it proves, and the exact commands; plus the Atlas failover test. */
    get commands() {
        const region = this.args.region;
        const fis = Object.fromEntries(
            Object.entries(this.drills).map(([name, d]) => [
                name,
                {
                    templateId: d.template.id,
                    proves: d.proves,
                    start: pulumi.interpolate`aws fis start-experiment --region ${region} --experiment-template-id ${d.template.id} --tags drill=${name}`,
                    stop: `aws fis stop-experiment --region ${region} --id <experiment id from start-experiment>`,
                },
            ]),
        );
        const { projectId, clusterName } = this.args.atlas;
        return {
            ...fis,
            "atlas-primary-failover": {
                proves: "the 3-node replica set elects a new primary and the gateway's drivers follow it",
                start: pulumi.interpolate`atlas clusters failover ${clusterName} --projectId ${projectId} --force`,
                api: pulumi.interpolate`POST /api/atlas/v2/groups/${projectId}/clusters/${clusterName}/restartPrimaries`,
            },
        };
    }

    private createLogGroup(): aws.cloudwatch.LogGroup {
        // The /aws/vendedlogs/ prefix keeps FIS's log-delivery resource policy small.
        return new aws.cloudwatch.LogGroup(this.name, { name: `/aws/vendedlogs/fis/${this.args.prefix}`, retentionInDays: 90 }, this.child);
    }

    private createRole(): aws.iam.Role {
        return new aws.iam.Role(`${this.name}-fis`, {
            description: `FIS runs the drills of ${this.args.prefix} as this role`,
            assumeRolePolicy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [{
                    Effect: "Allow",
                    Principal: { Service: "fis.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: { StringEquals: { "aws:SourceAccount": this.account } },
                }],
            }),
        }, this.child);
    }

    /** Exactly what these templates do, on this stack's resources wherever AWS lets a policy name them. */
    private grantDrills(): aws.iam.RolePolicy {
        const { region, cluster, cache } = this.args;
        const arn = (service: string, resource: string) => pulumi.interpolate`arn:aws:${service}:${region}:${this.account}:${resource}`;
        const statements: Statement[] = [
            // aws:ecs:stop-task on this cluster's tasks.
            { Sid: "StopTasks", Action: ["ecs:StopTask", "ecs:DescribeTasks"], Resource: pulumi.interpolate`${arn("ecs", "task")}/${cluster.name}/*` },
            // ListTasks names no task: AWS scopes it to a cluster by condition only.
            { Sid: "ListTasks", Action: "ecs:ListTasks", Resource: "*", Condition: { ArnEquals: { "ecs:cluster": cluster.arn } } },
            // Target resolution by tags (ECS tasks, the replication group): no resource-level permissions.
            { Sid: "ResolveTargets", Action: "tag:GetResources", Resource: "*" },
            // aws:network:disrupt-connectivity: a deny-all network ACL swapped onto this VPC's private subnets, then removed.
            { Sid: "DescribeNetwork", Action: ["ec2:DescribeNetworkAcls", "ec2:DescribeSubnets", "ec2:DescribeVpcs", "ec2:DescribeManagedPrefixLists"], Resource: "*" },
            { Sid: "PrefixListEntries", Action: "ec2:GetManagedPrefixListEntries", Resource: pulumi.interpolate`arn:aws:ec2:${region}:*:prefix-list/*` },
            { Sid: "CreateDrillAcl", Action: "ec2:CreateNetworkAcl", Resource: [arn("ec2", "network-acl/*"), this.args.vpcArn] },
            { Sid: "TagDrillAcl", Action: "ec2:CreateTags", Resource: arn("ec2", "network-acl/*"), Condition: { StringEquals: { "ec2:CreateAction": "CreateNetworkAcl" } } },
            {
                Sid: "ChangeDrillAcl",
                Action: ["ec2:CreateNetworkAclEntry", "ec2:DeleteNetworkAcl"],
                Resource: arn("ec2", "network-acl/*"),
                Condition: { StringEquals: { "ec2:ResourceTag/managedByFIS": "true" } },
            },
            { Sid: "SwapSubnetAcl", Action: "ec2:ReplaceNetworkAclAssociation", Resource: [arn("ec2", "network-acl/*"), ...this.args.privateSubnetArns] },
            // Experiment logs to this stack's log group (CloudWatch vended logs).
            { Sid: "DeliverLogs", Action: ["logs:CreateLogDelivery", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"], Resource: "*" },
        ];
        if (cache.failover)
            statements.push({ Sid: "InterruptCacheZone", Action: ["elasticache:InterruptClusterAzPower", "elasticache:DescribeReplicationGroups"], Resource: cache.arn });
        return allow(this.role, `${this.name}-fis`, statements, this.child);
    }

    private taskTargets(selectionMode: string, zone?: pulumi.Input<string>): Target[] {
        const { key, value } = this.args.targetTag;
        return this.args.services.map((s) => ({
            name: `${s.name}-tasks`,
            resourceType: FIS_ACTIONS["aws:ecs:stop-task"].resourceType,
            resourceTags: [{ key, value }],
            parameters: { cluster: this.args.cluster.name, service: s.serviceName },
            filters: zone ? [{ path: "AvailabilityZone", values: [zone] }] : undefined,
            selectionMode,
        }));
    }

    private stopTasks(targets: Target[]): Action[] {
        return targets.map((t) => action("aws:ecs:stop-task", `stop-${t.name}`, t.name as string));
    }

    private cacheTarget(): Target {
        const { key, value } = this.args.targetTag;
        return {
            name: "cache",
            resourceType: FIS_ACTIONS["aws:elasticache:replicationgroup-interrupt-az-power"].resourceType,
            resourceTags: [{ key, value }],
            parameters: { availabilityZoneIdentifier: this.args.zone },
            selectionMode: "ALL",
        };
    }

    private interruptCache(): Action {
        return action("aws:elasticache:replicationgroup-interrupt-az-power", "interrupt-cache-zone", "cache", { duration: isoMinutes(this.args.durationMinutes) });
    }

    private zoneOutage(): Drill {
        const tasks = this.taskTargets("ALL", this.args.zone);
        const subnets: Target = {
            name: "private-subnets",
            resourceType: FIS_ACTIONS["aws:network:disrupt-connectivity"].resourceType,
            resourceArns: this.args.privateSubnetArns,
            filters: [{ path: "AvailabilityZone", values: [this.args.zone] }],
            selectionMode: "ALL",
        };
        const targets = [...tasks, subnets, ...(this.args.cache.failover ? [this.cacheTarget()] : [])];
        const actions = [
            ...this.stopTasks(tasks),
            action("aws:network:disrupt-connectivity", "cut-zone-subnets", "private-subnets", { duration: isoMinutes(this.args.durationMinutes), scope: "all" }),
            ...(this.args.cache.failover ? [this.interruptCache()] : []),
        ];
        return this.template("zone-outage", "One zone loses power: its tasks stop, its private subnets are cut off, the cache's nodes there lose power", targets, actions,
            "≥2 instances per service spread over zones, health checks on /health, cache failover, no single-zone dependency");
    }

    private taskLoss(): Drill {
        const tasks = this.taskTargets(`PERCENT(${this.args.taskLossPercent})`);
        return this.template("task-loss", `${this.args.taskLossPercent}% of every service's tasks stop at once`, tasks, this.stopTasks(tasks),
            "health checks and replacement of stopped tasks, and that the remaining capacity carries the traffic");
    }

    private cacheFailover(): Drill {
        return this.template("cache-failover", "The cache's nodes in one zone lose power; a primary there fails over", [this.cacheTarget()], [this.interruptCache()],
            "the cache fails over to a replica in another zone and the gateway reconnects");
    }

    private template(drill: string, description: string, targets: Target[], actions: Action[], proves: string): Drill {
        for (const a of actions) {
            const refused = fisActionProblems(a as never, targets as never);
            if (refused.length) throw new Error(`drill ${drill}: ${refused.join("; ")}`);
        }
        const template = new aws.fis.ExperimentTemplate(`${this.name}-${drill}`, {
            description: `${this.args.prefix} ${drill}: ${description}`.slice(0, 512),
            roleArn: this.role.arn,
            stopConditions: this.args.stopAlarms.map((a) => ({ source: "aws:cloudwatch:alarm", value: a.arn })),
            targets,
            actions,
            // A drill that finds nothing to break must fail, not pass.
            experimentOptions: { accountTargeting: "single-account", emptyTargetResolutionMode: "fail" },
            logConfiguration: { logSchemaVersion: 2, cloudwatchLogsConfiguration: { logGroupArn: pulumi.interpolate`${this.logGroup.arn}:*` } },
            tags: { Name: `${this.args.prefix}-${drill}`, drill },
        }, this.child);
        return { template, proves };
    }
}

function action(actionId: FisActionId, name: string, target: string, parameters: Record<string, string> = {}): Action {
    return {
        name,
        actionId,
        parameters: Object.entries(parameters).map(([key, value]) => ({ key, value })),
        target: { key: FIS_ACTIONS[actionId].targetKey, value: target },
    };
}
