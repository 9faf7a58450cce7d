import * as crypto from "crypto";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import { ServiceConfig } from "../lib/config";
import { ContainerHealthCheck, containerDefinitions } from "../lib/containers";
import { contextHash } from "../lib/contextHash";
import { ecrRepositoryOf } from "../lib/images";
import { EGRESS_PURPOSE_TAG, OTLP_EGRESS, secretSource } from "../lib/limits";
import { RESTORE_STOP_TAG } from "../lib/restore";
import { circuitBreakerServes, peakPercent, releaseSteps, releaseTimeoutMinutes, shiftsTraffic, trafficMinutes } from "../lib/release";
import { Connections } from "./connections";
import { KmsKey } from "./kmsKey";
import { Statement, allow, ecsTaskRole } from "./iam";
import { Route } from "./loadBalancer";
import { Network } from "./network";
import { StoredSecret } from "./secret";

export { SECRETS_VERSION_LABEL } from "../lib/containers";

export interface ServiceArgs {
    /** Short service name: admin, main or worker. Names the container, log group and roles. */
    service: string;
    /** Prefix for stable physical names, e.g. payment-gateway-prod. */
    namePrefix: string;
    /** The ECS cluster to run in. */
    cluster: aws.ecs.Cluster;
    /** The VPC: tasks run in its private subnets. */
    network: Network;
    /** Sizes, counts, image or build, rollout and scaling settings from config. */
    config: ServiceConfig;
    /** Plain environment (never a credential). */
    environment: Record<string, pulumi.Input<string>>;
    /** Environment variables delivered as ECS secrets, by name. */
    secrets: Record<string, StoredSecret>;
    /**
     * Secrets the service's previous task definitions read instead: still readable by its execution
     * role for the step that moves it off them, because ECS reads a task's secrets when it starts it,
     * and may start one of a previous definition (a replacement before the roll is done, a
     * circuit-breaker rollback). Default none.
     */
    retiringSecrets?: StoredSecret[];
    /** The load-balancer route this service serves; none for a worker. */
    route?: Route;
    /**
     * The alarms that fail a release and roll it back (config `release.alarmRollback`), which must
     * exist before the service. Default none: only the circuit breaker of a rolling update.
     */
    deploymentAlarms?: aws.cloudwatch.MetricAlarm[];
    /** What the tasks read and must exist before the first starts (database user, endpoints). */
    dependsOn?: pulumi.Resource[];
    /** Data stores the tasks connect to: each opens its door to this service before it starts. Default none. */
    reaches?: { allowFrom(client: { connections: Connections; taskRole: aws.iam.Role }, name: string): pulumi.Resource[] }[];
    /** What the gateway itself may do (the task role), e.g. use the application key. Default nothing. */
    taskPermissions?: Statement[];
    /** A container health check: ECS replaces a task whose check fails. Default none (the load balancer checks routed services). */
    containerHealthCheck?: ContainerHealthCheck;
    /** Run an OpenTelemetry collector sidecar (this image) that exports traces to X-Ray. Default: none. */
    collectorImage?: string;
    /** The port of the OTLP endpoint the gateway exports traces to itself (not the sidecar), opened in the egress when not 443. Default: none. */
    traceExportPort?: number;
    /** AWS region, for log and service endpoints. */
    region: string;
    /** The gateway container's root filesystem read-only, and the user it runs as (config security.*). Default: writable, the image's USER. */
    hardening?: { readonlyRootFilesystem: boolean; user?: string };
    /** Encrypts the service's log group (CloudWatch Logs must be allowed to use it). Default: CloudWatch's own encryption. */
    logKey?: KmsKey;
    /** Tags for the service, which ECS propagates to its tasks (the drills find tasks by them). Default none. */
    tags?: Record<string, string>;
    /** Project root, against which build contexts resolve. */
    root: string;
    /**
     * Run no task at all (while a restore overwrites the database): desired count 0, the
     * autoscaling floor and ceiling 0 so the scaler cannot start one, and `pulumi up` waits until
     * ECS reports the service steady at 0 tasks. Default false.
     */
    stopped?: boolean;
}

/**
 * One gateway process group on ECS Fargate: task definition, service, security group, log
 * group, least-privilege roles, optional autoscaling and, in build mode, an ECR repository and
 * image. Used for admin and main (behind the load balancer) and for the PDF worker.
 */
export class Service extends pulumi.ComponentResource {
    readonly connections: Connections;
    readonly executionRole: aws.iam.Role;
    readonly taskRole: aws.iam.Role;
    readonly logGroup: aws.cloudwatch.LogGroup;
    readonly taskDefinition: aws.ecs.TaskDefinition;
    readonly service: aws.ecs.Service;
    readonly image: pulumi.Output<string>;
    readonly repository?: aws.ecr.Repository;
    readonly scalingTarget?: aws.appautoscaling.Target;
    /** The role ECS assumes to move a release's traffic between the route's target groups; only for a traffic-shifting release. */
    readonly infrastructureRole?: aws.iam.Role;
    private readonly child: pulumi.CustomResourceOptions;
    private readonly autoscaled: boolean;
    /** The tasks' outbound rules: a task cannot pull its image or read its secrets before them. */
    private readonly egress: pulumi.Resource[] = [];

    constructor(private readonly name: string, private readonly args: ServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("payment-gateway:service:Service", name, {}, opts);
        this.child = { parent: this };
        this.autoscaled = args.config.maxInstances > args.config.instances;

        this.connections = this.createSecurityGroup();
        this.logGroup = this.createLogGroup();
        ({ image: this.image, repository: this.repository } = this.resolveImage());
        this.executionRole = ecsTaskRole(`${name}-exec`, `ECS agent for ${args.namePrefix}-${args.service}: pull, log, read its secrets`, this.child);
        this.taskRole = ecsTaskRole(`${name}-task`, `Task role of ${args.namePrefix}-${args.service}: what the gateway itself may call`, this.child, { region: args.region });
        const paths = (args.reaches ?? []).flatMap((store) => store.allowFrom(this, args.service));
        const permissions = [this.grantExecution(), ...this.grantTask()];
        const shifted = this.shiftedRoute();
        if (shifted) {
            this.infrastructureRole = this.createInfrastructureRole(shifted);
            permissions.push(this.grantTrafficShift(this.infrastructureRole, shifted));
        }
        this.taskDefinition = this.createTaskDefinition();
        // A task must not start before it can read its secrets, use its keys, reach its stores and
        // leave the VPC (with the egress firewall, its route tables come after the load balancer).
        this.service = this.createService([...permissions, ...paths, ...this.egress, ...args.network.egressReady]);
        if (this.autoscaled) this.scalingTarget = this.createAutoscaling();

        this.registerOutputs({ serviceName: this.service.name });
    }

    /**
     * The service's desired count, autoscaling ceiling, task size, image and process (entry point
     * and command; none: the image's own), and the sources of its own secrets (never their
     * values), for outputs and the plan.
     */
    get capacity() {
        const c = this.args.config;
        return {
            instances: c.instances,
            maxInstances: c.maxInstances,
            cpu: c.cpu,
            memory: c.memory,
            architecture: c.architecture,
            image: this.image,
            ...(c.entryPoint ? { entryPoint: c.entryPoint } : {}),
            ...(c.command ? { command: c.command } : {}),
            ...(this.args.containerHealthCheck ? { healthCheck: this.args.containerHealthCheck.command } : {}),
            secrets: Object.fromEntries(Object.entries(c.secrets).sort(([a], [b]) => a.localeCompare(b))),
            ...(c.repositoryCredentials ? { repositoryCredentials: c.repositoryCredentials } : {}),
            ...(this.args.stopped ? { stopped: true } : {}),
        };
    }

    /**
     * How a new image reaches customers, for outputs and the plan: the strategy ECS runs, its
     * traffic steps and bake times, the alarms that roll it back, the minutes it spends shifting
     * and baking, and its peak of tasks as a percent of the count (lib/release.ts).
     */
    get release() {
        const r = this.args.config.release;
        const d = this.deployment();
        const effective = { ...r, strategy: d.strategy };
        return {
            strategy: d.strategy,
            steps: releaseSteps(effective),
            trafficMinutes: trafficMinutes(effective),
            peakPercent: peakPercent(d.strategy, this.args.config.deployment.maximumPercent),
            rollbackAlarms: d.alarms ? d.alarms.alarmNames : [],
            ...(circuitBreakerServes(d.strategy) ? { circuitBreaker: true } : {}),
            // How long `pulumi up` may wait on the release when it waits: the service's custom timeout,
            // or the provider's default 20 minutes (terraform-provider-aws resourceService Timeouts).
            ...(this.waits ? { waitMinutes: this.releaseTimeout ? Number(this.releaseTimeout.replace(/m$/, "")) : 20 } : {}),
        };
    }

    /** What must have happened before the service's tasks are gone: its own update and its scaler's. */
    get stoppedBy(): pulumi.Resource[] {
        return [this.service, ...(this.scalingTarget ? [this.scalingTarget] : [])];
    }

    private get containerName(): string {
        return this.args.service;
    }

    private createSecurityGroup(): Connections {
        const { route, service } = this.args;
        const connections = new Connections(`${this.name}-svc`, {
            vpcId: this.args.network.vpcId,
            description: route ? `${service}: the container port from the load balancer only` : `${service}: no inbound traffic`,
        }, this.child);
        if (route) connections.allowFrom(route.loadBalancer, this.args.config.containerPort, `${service} container port from the load balancer`);
        // HTTPS out only: AWS APIs (through the interface and S3 endpoints, or the NAT), the image
        // registry, traces, and the gateway's own HTTPS calls; the data stores open their own paths.
        this.egress.push(...connections.allowToCidrs(["0.0.0.0/0"], 443, `${service}: HTTPS to AWS APIs, registry, traces`));
        // An OTLP endpoint on another port (e.g. :4318) would otherwise lose every span silently.
        const otlp = this.args.traceExportPort;
        if (otlp !== undefined && otlp !== 443) this.egress.push(...connections.allowToCidrs(["0.0.0.0/0"], otlp, `${service}: OTLP traces to observability.otlpEndpoint`, { [EGRESS_PURPOSE_TAG]: OTLP_EGRESS }));
        return connections;
    }

    private createLogGroup(): aws.cloudwatch.LogGroup {
        return new aws.cloudwatch.LogGroup(this.name, {
            name: `/ecs/${this.args.namePrefix}/${this.args.service}`,
            retentionInDays: this.args.config.logRetentionDays,
            kmsKeyId: this.args.logKey?.arn,
        }, { ...this.child, dependsOn: this.args.logKey?.policy ? [this.args.logKey.policy] : [] });
    }

    /** The image reference tasks run: the configured one, or the digest of a build pushed to ECR. */
    private resolveImage(): { image: pulumi.Output<string>; repository?: aws.ecr.Repository } {
        const { config } = this.args;
        if (!config.build) return { image: pulumi.output(config.image!) };
        const repository = new aws.ecr.Repository(this.name, {
            name: `${this.args.namePrefix}/${this.args.service}`,
            imageTagMutability: "IMMUTABLE",
            imageScanningConfiguration: { scanOnPush: true },
            encryptionConfigurations: [{ encryptionType: "KMS" }],
        }, this.child);
        new aws.ecr.LifecyclePolicy(this.name, {
            repository: repository.name,
            policy: JSON.stringify({
                rules: [{
                    rulePriority: 1,
                    description: `keep the last ${config.keepImages} images`,
                    selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: config.keepImages },
                    action: { type: "expire" },
                }],
            }),
        }, this.child);
        const context = path.resolve(this.args.root, config.build.context);
        const tag = contextHash(context, config.build.dockerfile, config.platform);
        const token = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId }, { parent: this });
        const image = new docker.Image(this.name, {
            imageName: pulumi.interpolate`${repository.repositoryUrl}:${tag}`,
            build: { context, dockerfile: path.join(context, config.build.dockerfile), platform: config.platform },
            registry: { server: repository.repositoryUrl, username: token.userName, password: pulumi.secret(token.password) },
        }, this.child);
        // Run exactly what was pushed: the digest, not the tag.
        return { image: image.repoDigest, repository };
    }

    /** What the ECS agent needs to start a task: write its logs, read its secrets, pull its image. */
    private grantExecution(): aws.iam.RolePolicy {
        const statements: Statement[] = [
            { Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${this.logGroup.arn}:*` },
            ...[...Object.values(this.args.secrets), ...(this.args.retiringSecrets ?? [])].flatMap((s) => s.readStatements(this.args.region)),
        ];
        // The gateway's own secrets and a private registry's credentials, read by ECS when a task
        // starts (ECS developer guide, "Amazon ECS task execution IAM role": secretsmanager:GetSecretValue
        // for Secrets Manager secrets and repository credentials, ssm:GetParameters for SSM parameters).
        // Granted on each secret's own complete ARN (a JSON key or version suffix is not part of it;
        // config refuses a partial Secrets Manager ARN, which such a grant would not match). A
        // customer-managed KMS key's kms:Decrypt is its owner's to grant (the key policy).
        const sources = Object.values(this.args.config.secrets).map((arn) => secretSource(arn)!);
        const smArns = [...new Set([...sources.filter((x) => x.store === "secretsmanager").map((x) => x.resourceArn), ...(this.args.config.repositoryCredentials ? [this.args.config.repositoryCredentials] : [])])].sort();
        const ssmArns = [...new Set(sources.filter((x) => x.store === "ssm").map((x) => x.resourceArn))].sort();
        if (smArns.length) statements.push({ Action: "secretsmanager:GetSecretValue", Resource: smArns });
        if (ssmArns.length) statements.push({ Action: "ssm:GetParameters", Resource: ssmArns });
        // A private ECR image (built here, or named in `image`) is pulled with the execution role.
        const repository = this.repository?.arn ?? (this.args.config.image ? ecrRepositoryOf(this.args.config.image)?.arn : undefined);
        if (repository) {
            statements.push(
                // GetAuthorizationToken has no resource-level permissions: AWS requires "*" for it.
                { Action: "ecr:GetAuthorizationToken", Resource: "*" },
                { Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], Resource: repository },
            );
        }
        return allow(this.executionRole, `${this.name}-exec`, statements, this.child);
    }

    /** What the gateway itself may do: the given permissions, plus trace export with a collector. */
    private grantTask(): aws.iam.RolePolicy[] {
        const statements = [...(this.args.taskPermissions ?? [])];
        if (this.args.collectorImage) {
            statements.push({
                // X-Ray has no resource-level permissions: these actions take only "*".
                Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"],
                Resource: "*",
            });
        }
        return statements.length ? [allow(this.taskRole, `${this.name}-task`, statements, this.child)] : [];
    }

    /** A digest of the version ids of every secret the tasks read. */
    private secretsVersion(): pulumi.Output<string> {
        const ids = Object.entries(this.args.secrets).map(([name, s]) => pulumi.interpolate`${name}=${s.versionId}`);
        return pulumi.all(ids).apply((pairs) => crypto.createHash("sha256").update(pairs.sort().join("\n")).digest("hex").slice(0, 16));
    }

    private createTaskDefinition(): aws.ecs.TaskDefinition {
        const { config, environment, secrets } = this.args;
        const secretArns = pulumi.all(Object.values(secrets).map((s) => s.arn));
        const containers = pulumi
            .all([this.image, pulumi.output(environment), this.logGroup.name, secretArns, this.secretsVersion()])
            .apply(([image, env, logGroup, arns, secretsVersion]) =>
                JSON.stringify(containerDefinitions({
                    service: this.args.service,
                    config,
                    image,
                    region: this.args.region,
                    logGroup,
                    environment: env as Record<string, string>,
                    secrets: Object.fromEntries(Object.keys(secrets).map((name, i) => [name, arns[i]])),
                    secretsVersion,
                    routed: !!this.args.route,
                    healthCheck: this.args.containerHealthCheck,
                    collectorImage: this.args.collectorImage,
                    hardening: this.args.hardening,
                })),
            );
        return new aws.ecs.TaskDefinition(this.name, {
            family: `${this.args.namePrefix}-${this.args.service}`,
            networkMode: "awsvpc",
            requiresCompatibilities: ["FARGATE"],
            cpu: String(config.cpu),
            memory: String(config.memory),
            runtimePlatform: { cpuArchitecture: config.architecture, operatingSystemFamily: "LINUX" },
            executionRoleArn: this.executionRole.arn,
            taskRoleArn: this.taskRole.arn,
            containerDefinitions: containers,
            tags: { service: this.args.service },
        }, this.child);
    }

    /**
     * Waiting for a release (`waitForSteadyState`) waits through its bake times: beyond the
     * provider's default 20 minutes, the timeout covers the traffic time plus the grace period and
     * ten minutes for the new tasks to start and pass their checks and the old to drain
     * (lib/release.ts releaseTimeoutMinutes). Undefined for a rolling update, or when nothing waits.
     */
    private get releaseTimeout(): string | undefined {
        const d = this.args.config.deployment;
        if (!this.waits || !this.shiftedRoute()) return undefined;
        return `${releaseTimeoutMinutes(this.args.config.release, Math.ceil((d.healthCheckGracePeriodSeconds + 600) / 60))}m`;
    }

    /** Whether `pulumi up` waits for the service to be steady (always while stopped for a restore). */
    private get waits(): boolean {
        return this.args.stopped ? true : this.args.config.deployment.waitForSteadyState;
    }

    /** The route and its alternate target group, when the release shifts traffic between them. */
    private shiftedRoute(): (Route & { alternateTargetGroup: aws.lb.TargetGroup }) | undefined {
        const route = this.args.route;
        return route?.alternateTargetGroup && shiftsTraffic(this.args.config.release.strategy) ? (route as Route & { alternateTargetGroup: aws.lb.TargetGroup }) : undefined;
    }

    /**
     * The ECS infrastructure role for load balancers (ECS developer guide, "Amazon ECS
     * infrastructure IAM role for load balancers"): trusted by ecs.amazonaws.com, passed as the
     * service's loadBalancers[].advancedConfiguration.roleArn.
     */
    private createInfrastructureRole(route: Route): aws.iam.Role {
        return new aws.iam.Role(`${this.name}-release`, {
            description: `ECS moves ${this.args.namePrefix}-${this.args.service}'s release traffic between its two target groups`,
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Sid: "AllowAccessToECSForInfrastructureManagement", Effect: "Allow", Principal: { Service: "ecs.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
        }, this.child);
    }

    /**
     * What ECS does with that role, on this service's route only: the actions of the managed
     * AmazonECSInfrastructureRolePolicyForLoadBalancers (AWS managed policy reference) that an ALB
     * rule release uses — read listeners, rules, target groups and target health (no resource
     * scope), register and deregister targets, and rewrite the forward weights — with the target
     * groups and the production rule of this route in place of the managed policy's wildcards, and
     * without its ModifyListener (ECS shifts a rule here, not a listener's default action).
     */
    private grantTrafficShift(role: aws.iam.Role, route: Route & { alternateTargetGroup: aws.lb.TargetGroup }): aws.iam.RolePolicy {
        return allow(role, `${this.name}-release`, [
            {
                Sid: "ReadLoadBalancing",
                Action: ["elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth"],
                Resource: "*",
            },
            { Sid: "RegisterInEitherGroup", Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], Resource: [route.targetGroup.arn, route.alternateTargetGroup.arn] },
            { Sid: "ShiftProductionRule", Action: "elasticloadbalancing:ModifyRule", Resource: route.rules[0].arn },
        ], this.child);
    }

    /**
     * The service's deployment: a rolling update behind the circuit breaker, or (config `release`)
     * a blue/green, linear or canary release between the route's two target groups, and the
     * alarms that fail and roll back either. Encoded rules, with their sources in lib/release.ts:
     * the circuit breaker with ROLLING and BLUE_GREEN (lib/release.ts circuitBreakerServes); bakeTimeInMinutes with every traffic-shifting
     * strategy (required with BLUE_GREEN); the provider takes the minutes as strings (nullable ints).
     */
    private deployment() {
        const r = this.args.config.release;
        const shifted = this.shiftedRoute();
        const alarms = this.args.deploymentAlarms ?? [];
        const strategy = shifted ? r.strategy : "ROLLING";
        return {
            strategy,
            deploymentCircuitBreaker: { enable: circuitBreakerServes(strategy), rollback: circuitBreakerServes(strategy) },
            deploymentConfiguration: {
                strategy,
                ...(shifted ? { bakeTimeInMinutes: String(r.bakeMinutes) } : {}),
                ...(shifted && strategy === "CANARY" ? { canaryConfiguration: { canaryPercent: r.canaryPercent, canaryBakeTimeInMinutes: String(r.canaryBakeMinutes) } } : {}),
                ...(shifted && strategy === "LINEAR" ? { linearConfiguration: { stepPercent: r.stepPercent, stepBakeTimeInMinutes: String(r.stepBakeMinutes) } } : {}),
            },
            alarms: r.alarmRollback && alarms.length ? { alarmNames: alarms.map((a) => a.name), enable: true, rollback: true } : undefined,
            advancedConfiguration: shifted
                ? { alternateTargetGroupArn: shifted.alternateTargetGroup.arn, productionListenerRule: shifted.rules[0].arn, roleArn: this.infrastructureRole!.arn }
                : undefined,
        };
    }

    private createService(prerequisites: pulumi.Resource[]): aws.ecs.Service {
        const { config, route, network } = this.args;
        const d = config.deployment;
        const release = this.deployment();
        const waits = this.waits;
        const timeout = this.releaseTimeout;
        return new aws.ecs.Service(this.name, {
            name: `${this.args.namePrefix}-${this.args.service}`,
            cluster: this.args.cluster.arn,
            taskDefinition: this.taskDefinition.arn,
            desiredCount: this.args.stopped ? 0 : config.instances,
            launchType: "FARGATE",
            platformVersion: "LATEST",
            networkConfiguration: { subnets: network.privateSubnetIds, securityGroups: [this.connections.id], assignPublicIp: false },
            loadBalancers: route
                ? [{ targetGroupArn: route.targetGroup.arn, containerName: this.containerName, containerPort: config.containerPort, advancedConfiguration: release.advancedConfiguration }]
                : [],
            healthCheckGracePeriodSeconds: route ? d.healthCheckGracePeriodSeconds : undefined,
            deploymentCircuitBreaker: release.deploymentCircuitBreaker,
            deploymentConfiguration: release.deploymentConfiguration,
            alarms: release.alarms,
            deploymentMinimumHealthyPercent: d.minimumHealthyPercent,
            deploymentMaximumPercent: d.maximumPercent,
            // Stopping for a restore waits until ECS reports 0 running tasks (the provider's
            // waitServiceStable: one deployment, desiredCount == runningCount; terraform-provider-aws
            // internal/service/ecs/service.go statusServiceWaitForStable) before the job is submitted.
            waitForSteadyState: waits,
            propagateTags: "SERVICE",
            enableExecuteCommand: false,
            tags: { ...this.args.tags, service: this.args.service, ...(this.args.stopped ? { [RESTORE_STOP_TAG]: "restore" } : {}) },
        }, {
            ...this.child,
            // Nothing starts before what it reads exists: its secrets' values, its permissions, its
            // database user and network paths, (for a target group to accept tasks) the listener
            // rule using it, and the alarms its release rolls back on.
            dependsOn: [...Object.values(this.args.secrets).map((s) => s.version), ...prerequisites, ...(this.args.dependsOn ?? []), ...(route?.rules ?? []), ...(release.alarms ? this.args.deploymentAlarms ?? [] : [])],
            // With autoscaling, the scaler owns the running count; `instances` moves its floor. While
            // stopped for a restore the program owns it: 0 is sent, not left to the scaler.
            ignoreChanges: this.autoscaled && !this.args.stopped ? ["desiredCount"] : [],
            ...(timeout ? { customTimeouts: { create: timeout, update: timeout } } : {}),
        });
    }

    private createAutoscaling(): aws.appautoscaling.Target {
        const { config, route } = this.args;
        const target = new aws.appautoscaling.Target(this.name, {
            serviceNamespace: "ecs",
            scalableDimension: "ecs:service:DesiredCount",
            resourceId: pulumi.interpolate`service/${this.args.cluster.name}/${this.service.name}`,
            // 0 and 0 while stopped: RegisterScalableTarget moves the current capacity into the new
            // range, and 0 is an allowed minimum for ECS services (Application Auto Scaling API
            // reference, RegisterScalableTarget MinCapacity). Both are updated in place
            // (terraform-provider-aws internal/service/appautoscaling/target.go resourceTargetUpdate).
            minCapacity: this.args.stopped ? 0 : config.instances,
            maxCapacity: this.args.stopped ? 0 : config.maxInstances,
        }, this.child);
        const policy = (suffix: string, predefinedMetricType: string, targetValue: number, resourceLabel?: pulumi.Input<string>) =>
            new aws.appautoscaling.Policy(`${this.name}-${suffix}`, {
                policyType: "TargetTrackingScaling",
                serviceNamespace: target.serviceNamespace,
                scalableDimension: target.scalableDimension,
                resourceId: target.resourceId,
                targetTrackingScalingPolicyConfiguration: {
                    targetValue,
                    predefinedMetricSpecification: { predefinedMetricType, resourceLabel },
                    scaleInCooldown: 300,
                    scaleOutCooldown: 60,
                },
            }, this.child);
        policy("cpu", "ECSServiceAverageCPUUtilization", config.scaling.cpuPercent);
        if (route) {
            policy("requests", "ALBRequestCountPerTarget", config.scaling.requestsPerTarget,
                pulumi.interpolate`${route.loadBalancerArnSuffix}/${route.targetGroup.arnSuffix}`);
        }
        return target;
    }
}
