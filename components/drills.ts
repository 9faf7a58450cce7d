import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { FIS_ACTIONS, FIS_DESCRIPTION_MAX, FIS_MAX_STOP_CONDITIONS, FisActionId, fisActionProblems, isoMinutes } from "../lib/fis";
import { DrillPlan, planDrills } from "../lib/drills";
import { Statement, allow } from "./iam";

export interface DrillsArgs {
    /** Physical-name prefix, e.g. payment-gateway-prod. */
    prefix: string;
    /** AWS region (CLI commands, ARNs). */
    region: string;
    /** The tag every drilled ECS task and the cache carry (the zone outage finds them by it). */
    targetTag: { key: string; value: string };
    /** The ECS cluster of the services. */
    cluster: aws.ecs.Cluster;
    /** The services whose tasks the drills stop, with the instance count each runs with. */
    services: { name: string; serviceName: pulumi.Input<string>; instances: number }[];
    /** The cache: its ARN and id, its node count, and whether it fails over automatically (Multi-AZ). */
    cache: { arn: pulumi.Input<string>; replicationGroupId: pulumi.Input<string>; nodes: number; failover: boolean };
    /** The VPC (the zone outage cuts every subnet of it in the zone) and all its subnets, public and private. */
    vpcId: pulumi.Input<string>;
    vpcArn: pulumi.Input<string>;
    subnetArns: pulumi.Input<string>[];
    /** The load balancer, whose traffic ARC zonal shift moves away from a zone. */
    loadBalancerArn: pulumi.Input<string>;
    /** The zone the zone outage takes down (one of the stack's zones), and its zone id (use1-az1) for zonal shift. */
    zone: string;
    zoneId: string;
    /** Minutes a zone outage lasts. Default (config) 10. */
    durationMinutes: number;
    /** Percent of each service's tasks the task-loss drill stops. Default (config) 50. */
    taskLossPercent: number;
    /** The customer-facing alarms: any of them in ALARM stops a running drill. */
    stopAlarms: aws.cloudwatch.MetricAlarm[];
    /** The Atlas replica set, whose own failover test is the database drill. */
    atlas: { projectId: pulumi.Input<string>; clusterName: string };
}

/** One drill: its template, and what it proves. */
export interface Drill {
    template: aws.fis.ExperimentTemplate;
    /** What it proves, in one line. */
    proves: string;
}

type Target = aws.types.input.fis.ExperimentTemplateTarget;
type Action = aws.types.input.fis.ExperimentTemplateAction;

/**
 * TestFailover's NodeGroupId for this cache: a replication group without cluster mode (components/
 * cache.ts sets numCacheClusters) has one node group, which DescribeReplicationGroups reports as
 * "0001" (AWS CLI reference, describe-replication-groups example). TestFailover (ElastiCache API
 * reference) fails that group's primary over to a replica; ElastiCache allows it on a limited number
 * of node groups per rolling 24 hours and may block it during large-scale events.
 */
const CACHE_NODE_GROUP = "0001";

/**
 * The stack's failover drills. As AWS FIS experiment templates: a zone outage (the network, ECS and
 * ElastiCache parts of AWS's "AZ Availability: Power Interruption" scenario, over every subnet of
 * the zone) and a task loss; each is aimed at this stack's resources only, stops itself when a
 * customer-facing alarm fires, logs to the stack's log group, and runs as a role that may do exactly
 * what these templates do. Templates inject nothing until started. Beside them, the commands of the
 * failover tests the data stores run themselves (ElastiCache TestFailover, Atlas's primary
 * failover). Only what the stack can run is declared (lib/drills.ts says why the rest is absent).
 */
export class Drills extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly logGroup: aws.cloudwatch.LogGroup;
    readonly drills: Record<string, Drill> = {};
    readonly plan: DrillPlan;
    private readonly child: pulumi.CustomResourceOptions;
    private readonly account: pulumi.Output<string>;
    readonly permissions: aws.iam.RolePolicy;

    constructor(private readonly name: string, private readonly args: DrillsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("payment-gateway:drills:Drills", name, {}, opts);
        this.child = { parent: this };
        if (args.stopAlarms.length === 0 || args.stopAlarms.length > FIS_MAX_STOP_CONDITIONS)
            throw new Error(`drills need 1–${FIS_MAX_STOP_CONDITIONS} stop conditions (FIS quota); got ${args.stopAlarms.length}`);
        this.plan = planDrills({
            services: args.services.map((s) => ({ name: s.name, instances: s.instances })),
            cache: { nodes: args.cache.nodes, failover: args.cache.failover },
            taskLossPercent: args.taskLossPercent,
        });
        this.account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;

        this.logGroup = this.createLogGroup();
        this.role = this.createRole();
        this.permissions = this.grantDrills();
        if (this.plan.zoneOutage.runs) this.drills["zone-outage"] = this.zoneOutage();
        if (this.plan.taskLoss.services.length) this.drills["task-loss"] = this.taskLoss();

        this.registerOutputs({ roleArn: this.role.arn });
    }

    /**
     * Exactly what can run: per FIS drill its template id, what it proves and the commands that
     * start and stop it (the zone outage also the zonal shift that moves the load balancer's
     * traffic away from the zone); the cache's TestFailover where the cache fails over; the Atlas
     * failover test.
     */
    get commands() {
        const { region, zone, zoneId, loadBalancerArn } = this.args;
        const fis = Object.fromEntries(
            Object.entries(this.drills).map(([name, d]) => [
                name,
                {
                    templateId: d.template.id,
                    proves: d.proves,
                    start: pulumi.interpolate`aws fis start-experiment --region ${region} --experiment-template-id ${d.template.id} --tags drill=${name}`,
                    stop: `aws fis stop-experiment --region ${region} --id <experiment id from start-experiment>`,
                    ...(name === "zone-outage"
                        ? {
                              zonalShift: {
                                  start: pulumi.interpolate`aws arc-zonal-shift start-zonal-shift --region ${region} --resource-identifier ${loadBalancerArn} --away-from ${zoneId} --expires-in ${this.args.durationMinutes}m --comment "drill: traffic away from ${zone}"`,
                                  cancel: `aws arc-zonal-shift cancel-zonal-shift --region ${region} --zonal-shift-id <zonalShiftId from start-zonal-shift>`,
                              },
                          }
                        : {}),
                },
            ]),
        );
        const { projectId, clusterName } = this.args.atlas;
        const group = this.args.cache.replicationGroupId;
        return {
            ...fis,
            ...(this.plan.cachePrimaryFailover.runs
                ? {
                      "cache-primary-failover": {
                          proves: "the cache's primary fails over to a replica in another zone and the gateway reconnects to the new primary",
                          start: pulumi.interpolate`aws elasticache test-failover --region ${region} --replication-group-id ${group} --node-group-id ${CACHE_NODE_GROUP}`,
                          watch: pulumi.interpolate`aws elasticache describe-events --region ${region} --source-type replication-group --source-identifier ${group} --duration 60`,
                      },
                  }
                : {}),
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
            // Target resolution by tags (the zone's ECS tasks, the replication group): no resource-level permissions.
            { Sid: "ResolveTargets", Action: "tag:GetResources", Resource: "*" },
            // aws:network:disrupt-connectivity: a deny-all network ACL swapped onto this VPC's subnets in the zone, then removed.
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
            // Every subnet of the VPC, public and private: the zone outage cuts the zone's load balancer node and NAT gateway too.
            { Sid: "SwapSubnetAcl", Action: "ec2:ReplaceNetworkAclAssociation", Resource: [arn("ec2", "network-acl/*"), ...this.args.subnetArns] },
            // Experiment logs to this stack's log group (CloudWatch vended logs).
            { Sid: "DeliverLogs", Action: ["logs:CreateLogDelivery", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"], Resource: "*" },
        ];
        // Not confirmed: whether FIS resolves the replication group with DescribeReplicationGroups for
        // its id (allowed here) or for every group; AWS's sample for this action
        // (aws-samples/fis-template-library, elasticache-az-power-interruption) grants the describe
        // on every resource. An AccessDenied in the experiment's log on starting the zone outage
        // would mean the latter.
        if (this.plan.zoneOutage.runs)
            statements.push({ Sid: "InterruptCacheZone", Action: ["elasticache:InterruptClusterAzPower", "elasticache:DescribeReplicationGroups"], Resource: cache.arn });
        return allow(this.role, `${this.name}-fis`, statements, this.child);
    }

    /**
     * One service's tasks, by the resource parameters FIS documents for aws:ecs:task (cluster and
     * service; FIS User Guide, Targets). Neither tags nor filters beside them: that combination is
     * not documented.
     */
    private serviceTasks(service: DrillsArgs["services"][number], selectionMode: string): Target {
        return {
            name: `${service.name}-tasks`,
            resourceType: FIS_ACTIONS["aws:ecs:stop-task"].resourceType,
            parameters: { cluster: this.args.cluster.name, service: service.serviceName },
            selectionMode,
        };
    }

    private stopTasks(targets: Target[]): Action[] {
        return targets.map((t) => action("aws:ecs:stop-task", `stop-${t.name}`, t.name as string));
    }

    /**
     * A zone outage as AWS's "AZ Availability: Power Interruption" scenario builds it: all of the
     * zone's tasks of this stack (by its tag, with the AvailabilityZone filter), every subnet of the
     * VPC in the zone, public and private (the resource parameters availabilityZoneIdentifier and
     * vpc; no ARNs beside a filter, which FIS refuses, and no list of ARNs, which takes at most 5),
     * and the cache's nodes in the zone. Any of these may have nothing in the zone (2 tasks over 3
     * zones; a cache with fewer nodes than zones): like the scenario, the experiment skips an empty
     * target rather than refusing to start (emptyTargetResolutionMode skip). The subnets always
     * resolve: the zone is one of the stack's, checked at preview. Not confirmed: the user guide
     * adds to the subnet parameter `vpc` "Does not support more than one VPC per account", read here
     * as one VPC per target (this stack's); if FIS meant accounts with a single VPC, the subnets
     * would have to be selected by a tag and the AvailabilityZone filter instead (the scenario
     * library's form, also accepted by lib/fis.ts).
     */
    private zoneOutage(): Drill {
        const { key, value } = this.args.targetTag;
        const zone = this.args.zone;
        const duration = isoMinutes(this.args.durationMinutes);
        const targets: Target[] = [
            { name: "zone-tasks", resourceType: "aws:ecs:task", resourceTags: [{ key, value }], filters: [{ path: "AvailabilityZone", values: [zone] }], selectionMode: "ALL" },
            { name: "zone-subnets", resourceType: "aws:ec2:subnet", parameters: { availabilityZoneIdentifier: zone, vpc: this.args.vpcId }, selectionMode: "ALL" },
            { name: "cache", resourceType: "aws:elasticache:replicationgroup", resourceTags: [{ key, value }], parameters: { availabilityZoneIdentifier: zone }, selectionMode: "ALL" },
        ];
        const actions = [
            action("aws:ecs:stop-task", "stop-zone-tasks", "zone-tasks"),
            action("aws:network:disrupt-connectivity", "cut-zone-subnets", "zone-subnets", { duration, scope: "all" }),
            action("aws:elasticache:replicationgroup-interrupt-az-power", "interrupt-cache-zone", "cache", { duration }),
        ];
        return this.template("zone-outage", `Zone ${zone} goes dark: its tasks stop, every subnet there (load balancer node, NAT gateway, tasks, cache) is cut off, its cache nodes lose power`, targets, actions,
            "the other zones carry the traffic: ≥2 instances per service, health checks on /health, cache failover", "skip");
    }

    /** taskLossPercent of each service's tasks, for the services where that is at least one task and not every one. */
    private taskLoss(): Drill {
        const percent = this.args.taskLossPercent;
        const tasks = this.args.services.filter((s) => this.plan.taskLoss.services.includes(s.name)).map((s) => this.serviceTasks(s, `PERCENT(${percent})`));
        return this.template("task-loss", `${percent}% of the tasks of ${this.plan.taskLoss.services.join(", ")} stop at once`, tasks, this.stopTasks(tasks),
            "health checks and replacement of stopped tasks, and that the remaining capacity carries the traffic", "fail");
    }

    private template(drill: string, description: string, targets: Target[], actions: Action[], proves: string, emptyTargets: "fail" | "skip"): Drill {
        for (const a of actions) {
            const refused = fisActionProblems(a as never, targets as never);
            if (refused.length) throw new Error(`drill ${drill}: ${refused.join("; ")}`);
        }
        const template = new aws.fis.ExperimentTemplate(`${this.name}-${drill}`, {
            description: `${this.args.prefix} ${drill}: ${description}`.slice(0, FIS_DESCRIPTION_MAX),
            roleArn: this.role.arn,
            stopConditions: this.args.stopAlarms.map((a) => ({ source: "aws:cloudwatch:alarm", value: a.arn })),
            targets,
            actions,
            experimentOptions: { accountTargeting: "single-account", emptyTargetResolutionMode: emptyTargets },
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
