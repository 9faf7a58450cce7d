/**
 * The args of each component, built from the config section it needs: one small function per
 * component, so that a composition (stacks/gateway.ts, stacks/restoreDrill.ts) reads as the diagram.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Config, SERVICE_NAMES, ServiceName, pullsFromEcrInRegion, egressDomains } from "../lib/config";
import { serviceEnvironment, traceExportPort } from "../lib/environment";
import { Network, NetworkArgs, PeerArgs } from "../components/network";
import { LoadBalancer, LoadBalancerArgs, Route, RouteArgs } from "../components/loadBalancer";
import { KeyUseArgs, KmsKey } from "../components/kmsKey";
import { Database, DatabaseArgs, DatabaseClient } from "../components/database";
import { Statement } from "../components/iam";
import { Cache, CacheArgs } from "../components/cache";
import { StoredSecret } from "../components/secret";
import { Service, ServiceArgs } from "../components/service";
import { AlarmsArgs } from "../components/alarms";
import { DrillsArgs } from "../components/drills";
import { RotationStep } from "./lastUpdate";
import { TopologyPlan } from "../lib/regionLoss";
import { atlasRegionName } from "../lib/limits";
import { shiftedLastTime, shiftsTraffic } from "../lib/release";

/** What the failover drills find this stack's ECS tasks and cache by (FIS resolves those by tags). */
export function drillTag(stack: string) {
    return { key: "payment-gateway:stack", value: stack };
}

/** The Atlas cluster the stack's config describes, under its stable name. */
export function clusterArgs(config: Config, stack: string) {
    return {
        clusterName: `pg-${stack}`,
        orgId: config.atlas.orgId,
        projectId: config.atlas.projectId,
        projectName: `payment-gateway-${stack}`,
        tier: config.atlas.tier,
        region: config.atlas.region,
        awsRegion: config.region,
        mongoVersion: config.atlas.mongoVersion,
        electableNodes: config.atlas.electableNodes,
        databaseName: config.atlas.databaseName,
        backupRetentionDays: config.atlas.backupRetentionDays,
        pointInTimeRestore: config.atlas.pointInTimeRestore,
        diskAutoScaling: config.atlas.diskAutoScaling,
    };
}

/** The stack's network; `peer`: its VPC peering with the other stack of a region-loss pair (lib/peering.ts). Default none. */
export function networkArgs(config: Config, prefix: string, logsKey: KmsKey, peer?: PeerArgs): NetworkArgs {
    return {
        peer,
        cidr: config.network.cidr,
        azCount: config.network.azCount,
        availabilityZones: config.network.availabilityZones,
        natGateways: config.network.natGateways,
        interfaceEndpoints: config.network.interfaceEndpoints,
        ecrEndpoints: pullsFromEcrInRegion(config),
        region: config.region,
        flowLogs: config.security.flowLogs ? { key: logsKey, retentionDays: config.security.flowLogRetentionDays, name: prefix } : undefined,
        egressFirewall: config.network.egress.mode === "firewall"
            ? { name: `${prefix}-egress`, domains: aws.getCallerIdentityOutput().accountId.apply((account) => egressDomains(config, account).map((d) => d.domain)), key: logsKey, retentionDays: config.network.egress.logRetentionDays, deleteProtection: config.prod }
            : undefined,
    };
}

export function loadBalancerArgs(config: Config, prefix: string, hosts: { admin: string; api: string }, network: Network, logsKey: KmsKey): LoadBalancerArgs {
    const lb = config.loadBalancer;
    return {
        network,
        hosts: [hosts.admin, hosts.api],
        certificateArn: lb.certificateArn,
        hostedZoneId: lb.hostedZoneId,
        // A standby never answers the names with simple records; a primary stops once they are handed to the standby's failover pair.
        aliasRecords: config.purpose !== "standby" && lb.dnsRecords === "alias",
        sharedValidationRecords: config.purpose === "standby",
        healthCheck: lb.healthCheck,
        deregistrationDelaySeconds: lb.deregistrationDelaySeconds,
        idleTimeoutSeconds: lb.idleTimeoutSeconds,
        deletionProtection: lb.deletionProtection,
        accessLogs: lb.accessLogs
            ? { bucket: lb.accessLogsBucket, retentionDays: lb.accessLogsRetentionDays, protect: config.prod, objectLock: lb.accessLogsObjectLock }
            : undefined,
        region: config.region,
        waf: {
            enabled: lb.waf.enabled,
            rateLimit: lb.waf.rateLimit,
            adminLogin: { host: hosts.admin, paths: lb.waf.adminLoginPaths, rateLimit: lb.waf.adminLoginRateLimit },
            logs: { key: logsKey, retentionDays: lb.waf.logRetentionDays, region: config.region, name: prefix },
        },
    };
}

/**
 * Admin sessions (WebAuthn login) are cookie sessions: a client stays on one instance.
 * `lastStrategy` is admin's release strategy as the last deployment recorded it (the `releases`
 * output; none on a first deployment): whether its rule already forwards by weight.
 */
export function adminRouteArgs(config: Config, host: string, lastStrategy?: string): RouteArgs {
    const stickiness = config.admin.stickiness;
    return {
        host,
        port: config.admin.containerPort,
        priority: 100,
        stickiness: stickiness.type === "app_cookie"
            ? { type: "app_cookie", cookieName: stickiness.cookieName!, durationSeconds: stickiness.durationSeconds }
            : { type: "lb_cookie", durationSeconds: stickiness.durationSeconds },
        allowedCidrs: config.admin.allowedCidrs,
        alternate: shiftsTraffic(config.admin.release.strategy),
        weightsOwnedByEcs: shiftsTraffic(config.admin.release.strategy) && shiftedLastTime(lastStrategy),
    };
}

/** API-key auth is stateless: any instance serves any request. `lastStrategy` as for adminRouteArgs. */
export function apiRouteArgs(config: Config, host: string, lastStrategy?: string): RouteArgs {
    const alternate = shiftsTraffic(config.main.release.strategy);
    return { host, port: config.main.containerPort, priority: 200, alternate, weightsOwnedByEcs: alternate && shiftedLastTime(lastStrategy) };
}

export function databaseArgs(config: Config, stack: string, network: Network, atlasKey: KmsKey | undefined, rotation: RotationStep, topology: TopologyPlan): DatabaseArgs {
    return {
        peerCidrs: network.peerCidrs,
        ...clusterArgs(config, stack),
        // Only a stack with atlas.regions names its region configs; any other keeps today's one.
        regions: config.atlas.regions ? topology.deploy : undefined,
        snapshotCopyRegion: config.regionLoss ? atlasRegionName(config.regionLoss.standbyRegion) : undefined,
        autoScaling: config.atlas.autoScaling,
        customerKey: atlasKey,
        protect: config.prod,
        network,
        privateLink: config.atlas.privateLink,
        authentication: config.atlas.authentication,
        // A password user of its own per service (PCI DSS 7.2.5, 8.2.1): revoked alone, named in Atlas's audit log.
        clients: SERVICE_NAMES,
        users: { current: rotation.database.current, keep: rotation.database.keep, keepShared: rotation.database.keepShared },
    };
}

export function cacheArgs(config: Config, stack: string, network: Network, key: KmsKey, rotation: RotationStep): CacheArgs {
    const tag = drillTag(stack);
    return {
        replicationGroupId: `pg-${stack}-cache`,
        engine: config.cache.engine,
        engineVersion: config.cache.engineVersion,
        nodeType: config.cache.nodeType,
        nodes: config.cache.nodes,
        snapshotRetentionDays: config.cache.snapshotRetentionDays,
        port: config.cache.port,
        maxmemoryPolicy: config.cache.maxmemoryPolicy,
        key,
        network,
        protect: config.prod,
        tags: { [tag.key]: tag.value },
        rotation: { label: rotation.cache.label, strategy: rotation.cache.strategy },
    };
}

/** What one service of the three needs from the rest of the stack. */
export interface ServiceWiring {
    stack: string;
    prefix: string;
    cluster: aws.ecs.Cluster;
    network: Network;
    secrets: Record<string, StoredSecret>;
    /** Secrets the service's previous task definitions read (ServiceArgs.retiringSecrets). */
    retiringSecrets: StoredSecret[];
    route: Route | undefined;
    /** The cluster's door: the gateway's Database, or a standby's ClusterAccess to the primary's cluster. */
    database: { readyFor(client: string): pulumi.Resource[]; allowFrom(client: DatabaseClient, name: string): pulumi.Resource[] };
    /** The alarms that fail and roll back the service's release (Alarms.deploymentAlarms); none without alarm rollback. */
    deploymentAlarms: aws.cloudwatch.MetricAlarm[];
    cache: Cache;
    /** The envelope-encryption key: the gateway's own, or a standby's replica of the primary's multi-Region key. */
    appKey: { encryptDecryptStatements(): Statement[] };
    /** The multi-Region application key (regionLoss), used alongside appKey while data keys are re-wrapped. Default none. */
    appMrk?: KmsKey;
    logsKey: KmsKey;
    /** Every `pulumi up` waits until the service is steady while a rotation step is under way. */
    rotating: boolean;
    /** A restore overwrites the cluster: no task may use it until the restore has finished. */
    stopped: boolean;
    /** Project root, against which build contexts resolve. */
    root: string;
}

export function serviceArgs(config: Config, name: ServiceName, w: ServiceWiring): ServiceArgs {
    return {
        service: name,
        namePrefix: w.prefix,
        cluster: w.cluster,
        network: w.network,
        config: w.rotating ? { ...config[name], deployment: { ...config[name].deployment, waitForSteadyState: true } } : config[name],
        environment: serviceEnvironment(config, name),
        secrets: w.secrets,
        retiringSecrets: w.retiringSecrets,
        route: w.route,
        deploymentAlarms: w.deploymentAlarms,
        dependsOn: w.database.readyFor(name),
        reaches: [w.cache, w.database],
        taskPermissions: [...w.appKey.encryptDecryptStatements(), ...(w.appMrk?.encryptDecryptStatements() ?? [])],
        // The worker has no load balancer to notice it hang: its container checks itself.
        containerHealthCheck: name === "worker" && config.worker.healthCheck.enabled ? config.worker.healthCheck : undefined,
        collectorImage: config.observability.tracing && !config.observability.otlpEndpoint ? config.observability.collectorImage : undefined,
        traceExportPort: traceExportPort(config),
        region: config.region,
        root: w.root,
        tags: { [drillTag(w.stack).key]: drillTag(w.stack).value },
        stopped: w.stopped,
        logKey: w.logsKey,
        hardening: { readonlyRootFilesystem: config.security.readonlyRootFilesystem, user: config.security.containerUser },
    };
}

/**
 * The alarms read the services by their physical names (`<prefix>-<service>`, components/service.ts),
 * not their resources: they exist before the services, whose releases roll back on them.
 */
export function alarmsArgs(
    config: Config,
    prefix: string,
    parts: { lb: LoadBalancer; routes: Partial<Record<ServiceName, Route>>; cluster: aws.ecs.Cluster; cache: Cache; logsKey: KmsKey },
): AlarmsArgs {
    const { lb, routes, cluster, cache, logsKey } = parts;
    const serviceName = (name: ServiceName) => `${prefix}-${name}`;
    return {
        prefix,
        region: config.region,
        emails: config.observability.alarmEmails,
        thresholds: config.observability.alarms,
        loadBalancerArnSuffix: lb.alb.arnSuffix,
        targetGroups: (["admin", "main"] as const).map((name) => {
            const r = routes[name]!;
            return { name: r.name, arnSuffix: r.targetGroup.arnSuffix, alternateArnSuffix: r.alternateTargetGroup?.arnSuffix, alarmRollback: config[name].release.alarmRollback };
        }),
        clusterName: cluster.name,
        services: SERVICE_NAMES.map((name) => ({ name, serviceName: serviceName(name) })),
        // The worker has no target group to lose its healthy hosts: alarm when none of its tasks runs.
        unrouted: SERVICE_NAMES.filter((name) => !routes[name]).map((name) => ({ name, serviceName: serviceName(name) })),
        cacheNodeIds: cache.nodeIds,
        webAclName: lb.webAcl?.name,
        key: logsKey,
    };
}

export function drillsArgs(
    config: Config,
    stack: string,
    zone: { name: string; id: string },
    parts: { cluster: aws.ecs.Cluster; services: Record<ServiceName, Service>; cache: Cache; network: Network; lb: LoadBalancer; stopAlarms: DrillsArgs["stopAlarms"]; atlas: DrillsArgs["atlas"] },
): DrillsArgs {
    const { cluster, services, cache, network, lb, stopAlarms, atlas } = parts;
    return {
        prefix: `payment-gateway-${stack}`,
        region: config.region,
        targetTag: drillTag(stack),
        cluster,
        services: SERVICE_NAMES.map((name) => ({ name, serviceName: services[name].service.name, instances: config[name].instances })),
        cache: { arn: cache.replicationGroup.arn, replicationGroupId: cache.replicationGroup.replicationGroupId, nodes: config.cache.nodes, failover: config.cache.failover },
        vpcId: network.vpcId,
        vpcArn: network.vpc.arn,
        subnetArns: network.allSubnets.map((s) => s.arn),
        loadBalancerArn: lb.alb.arn,
        zone: zone.name,
        zoneId: zone.id,
        durationMinutes: config.drills.durationMinutes,
        taskLossPercent: config.drills.taskLossPercent,
        stopAlarms,
        atlas,
    };
}

/** Who uses the application key (or its replica): the three task roles only, with the encryption context the gateway must send. */
export function appKeyUse(config: Config, services: Record<ServiceName, Service>): KeyUseArgs {
    return {
        roles: [{
            sid: "GatewayTasksEnvelopeEncryption",
            arns: SERVICE_NAMES.map((name) => services[name].taskRole.arn),
            actions: ["kms:GenerateDataKey", "kms:Decrypt"],
            encryptionContextKeys: config.security.appKeyEncryptionContextKeys,
        }],
    };
}

/**
 * The secrets the services read: the cache URL, and the database URI. With password authentication
 * each service's own URI (its own user), in a secret only its tasks read; with IAM one URI without
 * credentials, shared (each task logs in as its own role). `name` is the Secrets Manager name
 * under payment-gateway/<stack>/.
 */
export function connectionSecrets(
    config: Config,
    stack: string,
    { database, cache, dataKey, protect }: { database: { uri?: pulumi.Output<string>; uriFor(client: string): pulumi.Output<string> }; cache: Cache; dataKey: KmsKey; protect: boolean },
) {
    const name = (secret: string) => `payment-gateway/${stack}/${secret}`;
    const cacheUrl = new StoredSecret("pg-cache-url", { name: name("cache-url"), description: "Cache URL with its AUTH token (MPG_GARNET_URL)", value: cache.url, key: dataKey, protect });
    const databaseUri = (service: ServiceName) => new StoredSecret(`pg-${service}-database-uri`, { name: name(`${service}/database-uri`), description: `MongoDB connection string of ${service}'s own database user (MPG_DATABASE_URI)`, value: database.uriFor(service), key: dataKey, protect });
    const sharedUri = config.atlas.authentication === "iam" ? new StoredSecret("pg-database-uri", { name: name("database-uri"), description: "MongoDB connection string (MPG_DATABASE_URI)", value: database.uri!, key: dataKey, protect }) : undefined;
    return { name, of: (service: ServiceName) => ({ MPG_DATABASE_URI: sharedUri ?? databaseUri(service), MPG_GARNET_URL: cacheUrl }) };
}
