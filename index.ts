/**
 * payment-gateway: the gateway's high-availability topology on AWS and MongoDB Atlas.
 *
 *   internet ──HTTPS──▶ ALB ──admin.<domain> (sticky)──▶ admin ┐
 *                          └──api.<domain>────────────▶ main  ├─▶ Atlas replica set (PrivateLink)
 *                                            worker (queue) ◀─┘─▶ ElastiCache (Multi-AZ failover)
 *
 * Config is validated, and the MongoDB connection budget computed, before anything is declared.
 * The program reads back what its last deployment recorded (a reference to its own stack) to know
 * which step of a credential rotation the next `pulumi up` takes, and, before a second step, what
 * ECS runs now (lib/running.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Config, SERVICE_NAMES, ServiceName } from "./lib/config";
import { serviceEnvironment } from "./lib/environment";
import { RotationRecord, Rollout, confirmRollout, liveLabel, planCacheRotation, planDatabaseRotation, rotationInProgress, secondStepDue } from "./lib/rotation";
import { readServices } from "./lib/running";
import { loadConfig, previousOutputs } from "./lib/stackConfig";
import { Network } from "./components/network";
import { LoadBalancer, Route } from "./components/loadBalancer";
import { KmsKey } from "./components/kmsKey";
import { Database } from "./components/database";
import { Cache } from "./components/cache";
import { StoredSecret } from "./components/secret";
import { Service } from "./components/service";
import { Alarms } from "./components/alarms";
import { Drills } from "./components/drills";

export = async () => {
    const config = loadConfig();
    const stack = pulumi.getStack();
    const prefix = `payment-gateway-${stack}`;
    const protect = config.prod; // stateful resources cannot be deleted by accident in prod
    // What the failover drills find this stack's ECS tasks and cache by (FIS resolves those by tags).
    const drillTag = { key: "payment-gateway:stack", value: stack };
    // Which step of a credential rotation this update takes depends on the step the last one took.
    const last = await previousOutputs(["rotation"]);
    const record = last.outputs.rotation as RotationRecord | undefined;
    // A second step drops a credential running tasks may hold: first ask ECS whether every service
    // runs, alone, the task definition the last update deployed (read at preview too).
    const labels = { cache: liveLabel(config.rotation.cache, record?.cache), database: liveLabel(config.rotation.database, record?.database) };
    let rollout: Rollout | undefined;
    if (secondStepDue(labels, record)) rollout = confirmRollout(record?.services, record?.services ? await readServices(record.services) : {});
    const rotation = {
        cache: planCacheRotation(config.rotation.cache, record, rollout, last.deployed),
        database: planDatabaseRotation(config.rotation.database, record, last.deployed, config.atlas.authentication, rollout),
    };
    // While a step is under way, every `pulumi up` waits until each service is steady on what it deployed.
    const rotating = rotationInProgress(rotation.cache, rotation.database);
    if (config.purpose === "restore-drill") return restoreDrill(config, stack, prefix);

    // --- Network and the one internet-facing entry point ----------------------------------------
    const network = new Network("pg", {
        cidr: config.network.cidr,
        azCount: config.network.azCount,
        availabilityZones: config.network.availabilityZones,
        natGateways: config.network.natGateways,
        interfaceEndpoints: config.network.interfaceEndpoints,
        region: config.region,
    });

    const adminHost = `admin.${config.domain}`;
    const apiHost = `api.${config.domain}`;
    const lb = new LoadBalancer("pg", {
        network,
        hosts: [adminHost, apiHost],
        certificateArn: config.loadBalancer.certificateArn,
        hostedZoneId: config.loadBalancer.hostedZoneId,
        healthCheck: config.loadBalancer.healthCheck,
        deregistrationDelaySeconds: config.loadBalancer.deregistrationDelaySeconds,
        idleTimeoutSeconds: config.loadBalancer.idleTimeoutSeconds,
        deletionProtection: config.loadBalancer.deletionProtection,
        accessLogs: config.loadBalancer.accessLogs
            ? { bucket: config.loadBalancer.accessLogsBucket, retentionDays: config.loadBalancer.accessLogsRetentionDays, protect }
            : undefined,
        region: config.region,
        waf: config.loadBalancer.waf,
    });
    // Admin sessions (WebAuthn login) are cookie sessions: a client stays on one instance.
    const adminRoute = lb.route("admin", {
        host: adminHost,
        port: config.admin.containerPort,
        priority: 100,
        stickiness: config.admin.stickiness.type === "app_cookie"
            ? { type: "app_cookie", cookieName: config.admin.stickiness.cookieName!, durationSeconds: config.admin.stickiness.durationSeconds }
            : { type: "lb_cookie", durationSeconds: config.admin.stickiness.durationSeconds },
        allowedCidrs: config.admin.allowedCidrs,
    });
    // API-key auth is stateless: any instance serves any request.
    const apiRoute = lb.route("main", { host: apiHost, port: config.main.containerPort, priority: 200 });

    // --- Data tier: keys, the Atlas replica set, the cache, and the secrets that reach them --------
    const dataKey = new KmsKey("pg-data-key", { description: `${prefix}: secrets and cache at rest`, alias: `${prefix}-data`, protect });
    const appKey = new KmsKey("pg-app-key", { description: `${prefix}: the gateway's envelope encryption (data keys cached in the cache)`, alias: `${prefix}-app`, protect });

    const database = new Database("pg", {
        ...clusterArgs(config, stack, prefix),
        autoScaling: config.atlas.autoScaling,
        protect,
        network,
        privateLink: config.atlas.privateLink,
        authentication: config.atlas.authentication,
        users: { current: rotation.database.current, keep: rotation.database.keep },
        restore: config.atlas.restore,
    });

    // Connections beyond the budget the pools were sized for mean something else is connecting.
    database.alertOnConnections(config.connections.budget, config.observability.alarmEmails);
    database.alertOnReplicationLag(config.observability.alarms.replicationLagSeconds, config.observability.alarmEmails);

    const cache = new Cache("pg", {
        replicationGroupId: `pg-${stack}-cache`,
        engine: config.cache.engine,
        engineVersion: config.cache.engineVersion,
        nodeType: config.cache.nodeType,
        nodes: config.cache.nodes,
        snapshotRetentionDays: config.cache.snapshotRetentionDays,
        port: config.cache.port,
        maxmemoryPolicy: config.cache.maxmemoryPolicy,
        key: dataKey,
        network,
        protect,
        tags: { [drillTag.key]: drillTag.value },
        rotation: { label: rotation.cache.label, strategy: rotation.cache.strategy },
    });

    const secretName = (name: string) => `payment-gateway/${stack}/${name}`;
    const secrets = {
        MPG_DATABASE_URI: new StoredSecret("pg-database-uri", { name: secretName("database-uri"), description: "MongoDB connection string (MPG_DATABASE_URI)", value: database.uri, key: dataKey, protect }),
        MPG_GARNET_URL: new StoredSecret("pg-cache-url", { name: secretName("cache-url"), description: "Cache URL with its AUTH token (MPG_GARNET_URL)", value: cache.url, key: dataKey, protect }),
    };

    // --- The gateway: one service component, three process groups ---------------------------------
    const cluster = new aws.ecs.Cluster("pg", {
        name: prefix,
        settings: [{ name: "containerInsights", value: "enabled" }],
        tags: { project: "payment-gateway", environment: config.environment },
    });

    const routes: Partial<Record<ServiceName, Route>> = { admin: adminRoute, main: apiRoute };
    const services = Object.fromEntries(
        SERVICE_NAMES.map((name) => {
            const service = new Service(`pg-${name}`, {
                service: name,
                namePrefix: prefix,
                cluster,
                network,
                config: rotating ? { ...config[name], deployment: { ...config[name].deployment, waitForSteadyState: true } } : config[name],
                environment: serviceEnvironment(config, name),
                secrets,
                route: routes[name],
                dependsOn: database.readyForClients,
                reaches: [cache, database],
                taskPermissions: appKey.encryptDecryptStatements(),
                // The worker has no load balancer to notice it hang: its container checks itself.
                containerHealthCheck: name === "worker" && config.worker.healthCheck.enabled ? config.worker.healthCheck : undefined,
                collectorImage: config.observability.tracing && !config.observability.otlpEndpoint ? config.observability.collectorImage : undefined,
                region: config.region,
                root: __dirname,
                tags: { [drillTag.key]: drillTag.value },
            });
            return [name, service];
        }),
    ) as Record<ServiceName, Service>;

    // --- Alarms and dashboard ------------------------------------------------------------------
    const alarms = new Alarms("pg", {
        prefix,
        region: config.region,
        emails: config.observability.alarmEmails,
        thresholds: config.observability.alarms,
        loadBalancerArnSuffix: lb.alb.arnSuffix,
        targetGroups: [adminRoute, apiRoute].map((r) => ({ name: r.name, arnSuffix: r.targetGroup.arnSuffix })),
        clusterName: cluster.name,
        services: SERVICE_NAMES.map((name) => ({ name, serviceName: services[name].service.name })),
        cacheNodeIds: cache.nodeIds,
    });

    // --- Failover drills: the HA checklist proved under failure, guarded by the customer-facing alarms ---
    const failoverDrills = config.drills.enabled
        ? new Drills("pg", {
              prefix,
              region: config.region,
              targetTag: drillTag,
              cluster,
              services: SERVICE_NAMES.map((name) => ({ name, serviceName: services[name].service.name })),
              cache: { arn: cache.replicationGroup.arn, failover: config.cache.failover },
              vpcArn: network.vpc.arn,
              privateSubnetArns: network.privateSubnets.map((s) => s.arn),
              zone: config.drills.zone ?? network.zones[0],
              durationMinutes: config.drills.durationMinutes,
              taskLossPercent: config.drills.taskLossPercent,
              stopAlarms: alarms.customerFacing,
              atlas: { projectId: database.projectId, clusterName: `pg-${stack}` },
          })
        : undefined;

    // --- Outputs ---------------------------------------------------------------------------------
    return {
        environment: config.environment,
        region: config.region,
        domain: config.domain,
        vpcId: network.vpcId,
        albDnsName: lb.dnsName,
        adminUrl: adminRoute.url,
        apiUrl: apiRoute.url,
        /** Per service: desired and maximum instances, task size, image. */
        capacity: Object.fromEntries(SERVICE_NAMES.map((name) => [name, services[name].capacity])),
        atlasCluster: { name: database.cluster.name, host: database.host, tier: config.atlas.tier, nodes: config.atlas.electableNodes },
        cachePrimaryEndpoint: cache.primaryEndpoint,
        alarmTopicArn: alarms.topic.arn,
        /** The connection budget the pool sizes were derived from. */
        connectionBudget: config.connections,
        /** The usage the cost estimate assumes (cost.assumptions, defaults applied). */
        costAssumptions: config.cost.assumptions,
        /** Per drill: its FIS template id, what it proves and the exact start and stop commands; and the Atlas failover test. */
        drills: failoverDrills?.commands ?? {},
        /**
         * The rotation step this update took (or held, and why), the label in force, and what each
         * service was asked to run: what the next update reads back to take the following step.
         */
        rotation: {
            cache: { label: rotation.cache.label, step: rotation.cache.step, now: rotation.cache.now, next: rotation.cache.next, ...(rotation.cache.held ? { held: rotation.cache.held } : {}) },
            database: { label: rotation.database.label, step: rotation.database.step, previous: rotation.database.keep, now: rotation.database.now, next: rotation.database.next, ...(rotation.database.held ? { held: rotation.database.held } : {}) },
            // The task definition this update asked each service to run, never the service's own
            // `taskDefinition` output: the provider reads that back from ECS after the update
            // (internal/service/ecs/service.go, resourceServiceUpdate then resourceServiceRead), so
            // after a circuit-breaker rollback it is the previous one, and would confirm the rollback.
            services: Object.fromEntries(SERVICE_NAMES.map((name) => [name, { cluster: cluster.arn, service: services[name].service.name, taskDefinition: services[name].taskDefinition.arn }])),
        },
    };
};

/** The Atlas cluster the stack's config describes, under its stable name. */
function clusterArgs(config: Config, stack: string, prefix: string) {
    return {
        clusterName: `pg-${stack}`,
        orgId: config.atlas.orgId,
        projectId: config.atlas.projectId,
        projectName: prefix,
        tier: config.atlas.tier,
        region: config.atlas.region,
        awsRegion: config.region,
        mongoVersion: config.atlas.mongoVersion,
        electableNodes: config.atlas.electableNodes,
        databaseName: config.atlas.databaseName,
        backupRetentionDays: config.atlas.backupRetentionDays,
        pointInTimeRestore: config.atlas.pointInTimeRestore,
    };
}

/**
 * A restore drill: a small, short-lived Atlas cluster that a backup (of prod, typically) is restored
 * into, and nothing else: "automated backups" proved by a restore, not by a setting.
 */
function restoreDrill(config: Config, stack: string, prefix: string) {
    const database = new Database("pg", {
        ...clusterArgs(config, stack, prefix),
        protect: false,
        privateLink: false,
        authentication: "none",
        restore: config.atlas.restore,
    });
    const restored = `atlas backups restores list ${config.atlas.restore!.sourceClusterName} --projectId ${config.atlas.restore!.sourceProjectId}`;
    return {
        environment: config.environment,
        region: config.region,
        purpose: config.purpose,
        atlasCluster: { name: database.cluster.name, tier: config.atlas.tier, nodes: config.atlas.electableNodes },
        restoredFrom: config.atlas.restore,
        costAssumptions: config.cost.assumptions,
        /** How to watch the restore and check the data, then tear the drill down. */
        verify: {
            restoreJobs: restored,
            cluster: pulumi.interpolate`atlas clusters describe ${database.cluster.name} --projectId ${database.projectId}`,
            tearDown: `pulumi destroy --stack ${stack} --yes && pulumi stack rm ${stack} --yes`,
        },
    };
}
