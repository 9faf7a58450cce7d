/**
 * payment-gateway: the gateway's high-availability topology on AWS and MongoDB Atlas.
 *
 *   internet ──HTTPS──▶ ALB ──admin.<domain> (sticky)──▶ admin ┐
 *                          └──api.<domain>────────────▶ main  ├─▶ Atlas replica set (PrivateLink)
 *                                            worker (queue) ◀─┘─▶ ElastiCache (Multi-AZ failover)
 *
 * Config is validated, and the MongoDB connection budget computed, before anything is declared.
 * The program reads back what its last deployment recorded (a reference to its own stack) to know
 * which step of a credential rotation or of a restore the next `pulumi up` takes, and, before a
 * rotation's second step, what ECS runs now (lib/running.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Config, ConfigError, SERVICE_NAMES, ServiceName, pullsFromEcrInRegion } from "./lib/config";
import { serviceEnvironment, traceExportPort } from "./lib/environment";
import { RotationRecord, Rollout, confirmRollout, liveLabel, planCacheRotation, planDatabaseRotation, rotationInProgress, secondStepDue } from "./lib/rotation";
import { readServices } from "./lib/running";
import { StackConfigError, checkRestoreSource, loadConfig, loadStackZones, previousOutputs, readRestoreJob } from "./lib/stackConfig";
import { defaultDrillZone } from "./lib/drills";
import { RestorePlan, RestoreRecord, jobToRead, planRestore, restoreRecord, unrecordedRestore } from "./lib/restore";
import { organizationLookupError, organizationProblems } from "./lib/organization";
import { Network } from "./components/network";
import { LoadBalancer, Route } from "./components/loadBalancer";
import { KmsKey } from "./components/kmsKey";
import { Database, RestoreSource } from "./components/database";
import { Cache } from "./components/cache";
import { StoredSecret } from "./components/secret";
import { Service } from "./components/service";
import { Alarms } from "./components/alarms";
import { Drills } from "./components/drills";

export = async () => {
    // Which step of a credential rotation or a restore this update takes depends on the step the
    // last one took; a restore it already started is not judged against today's clock again, and an
    // atlas.tier edit is judged against the tier it deployed.
    const last = await previousOutputs(["rotation", "restore", "atlasCluster"]);
    const lastRestore = last.outputs.restore as RestoreRecord | undefined;
    const config = loadConfig({ restoreKey: lastRestore?.key, atlasTier: (last.outputs.atlasCluster as { tier?: string } | undefined)?.tier });
    // The zones the region really offers: named zones and the drill zone are checked against them before anything is declared.
    const zones = config.purpose === "gateway" ? await loadStackZones(config) : undefined;
    const stack = pulumi.getStack();
    const prefix = `payment-gateway-${stack}`;
    const protect = config.prod; // stateful resources cannot be deleted by accident in prod
    // What the failover drills find this stack's ECS tasks and cache by (FIS resolves those by tags).
    const drillTag = { key: "payment-gateway:stack", value: stack };
    const restore = await stepOfRestore(config, lastRestore, last.deployed);
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
    if (config.purpose === "restore-drill") return restoreDrill(config, stack, prefix, restore);

    // Audit logs (WAF, VPC flow logs, services) and the alarm topic: under a key of their own.
    const logsKey = new KmsKey("pg-logs-key", { description: `${prefix}: log groups and the alarm topic`, alias: `${prefix}-logs`, protect });
    logsKey.restrict({ logs: true, cloudwatchAlarms: true }, config.region);

    // What the organization must run (GuardDuty, Security Hub), checked where the provider can read it.
    const organization = config.security.organizationChecks ? organizationControls(config.region) : undefined;

    // --- Network and the one internet-facing entry point ----------------------------------------
    const network = new Network("pg", {
        cidr: config.network.cidr,
        azCount: config.network.azCount,
        availabilityZones: config.network.availabilityZones,
        natGateways: config.network.natGateways,
        interfaceEndpoints: config.network.interfaceEndpoints,
        ecrEndpoints: pullsFromEcrInRegion(config),
        region: config.region,
        flowLogs: config.security.flowLogs ? { key: logsKey, retentionDays: config.security.flowLogRetentionDays, name: prefix } : undefined,
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
            ? { bucket: config.loadBalancer.accessLogsBucket, retentionDays: config.loadBalancer.accessLogsRetentionDays, protect, objectLock: config.loadBalancer.accessLogsObjectLock }
            : undefined,
        region: config.region,
        waf: {
            enabled: config.loadBalancer.waf.enabled,
            rateLimit: config.loadBalancer.waf.rateLimit,
            adminLogin: { host: adminHost, paths: config.loadBalancer.waf.adminLoginPaths, rateLimit: config.loadBalancer.waf.adminLoginRateLimit },
            logs: { key: logsKey, retentionDays: config.loadBalancer.waf.logRetentionDays, region: config.region, name: prefix },
        },
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
    // Secrets Manager and ElastiCache use the data key for the account's principals; no one else does.
    dataKey.restrict({ viaServices: ["secretsmanager", "elasticache"] }, config.region);

    const atlasKey = config.security.atlasCustomerKey
        ? new KmsKey("pg-atlas-key", { description: `${prefix}: Atlas encryption at rest (customer key management)`, alias: `${prefix}-atlas`, protect })
        : undefined;

    const database = new Database("pg", {
        ...clusterArgs(config, stack, prefix),
        autoScaling: config.atlas.autoScaling,
        customerKey: atlasKey,
        protect,
        network,
        privateLink: config.atlas.privateLink,
        authentication: config.atlas.authentication,
        users: { current: rotation.database.current, keep: rotation.database.keep },
    });

    if (config.atlas.auditing) database.audit();

    // Connections beyond the budget the pools were sized for mean something else is connecting.
    database.alertOnConnections(config.connections.budget, config.observability.alarmEmails);
    database.alertOnReplicationLag(config.observability.alarms.replicationLagSeconds, config.observability.alarmEmails);
    database.alertOnDiskUsed(config.observability.alarms.databaseDiskPercent, config.observability.alarmEmails);
    database.alertOnCpu(config.observability.alarms.databaseCpuPercent, config.observability.alarmEmails);

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
                traceExportPort: traceExportPort(config),
                region: config.region,
                root: __dirname,
                tags: { [drillTag.key]: drillTag.value },
                // A restore overwrites the cluster: no task may use it until the restore has finished.
                stopped: restore.stopServices,
                logKey: logsKey,
                hardening: { readonlyRootFilesystem: config.security.readonlyRootFilesystem, user: config.security.containerUser },
            });
            return [name, service];
        }),
    ) as Record<ServiceName, Service>;

    // --- Restore: submitted once, after every task has stopped --------------------------------------
    const job = restore.submitJob ? database.restoreFrom(config.atlas.restore!, SERVICE_NAMES.flatMap((name) => services[name].stoppedBy)) : undefined;
    // The application key: the gateway's task roles only, with the encryption context it must send.
    appKey.restrict({
        roles: [{
            sid: "GatewayTasksEnvelopeEncryption",
            arns: SERVICE_NAMES.map((name) => services[name].taskRole.arn),
            actions: ["kms:GenerateDataKey", "kms:Decrypt"],
            encryptionContextKeys: config.security.appKeyEncryptionContextKeys,
        }],
    }, config.region);

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
        // The worker has no target group to lose its healthy hosts: alarm when none of its tasks runs.
        unrouted: SERVICE_NAMES.filter((name) => !routes[name]).map((name) => ({ name, serviceName: services[name].service.name })),
        cacheNodeIds: cache.nodeIds,
        webAclName: lb.webAcl?.name,
        key: logsKey,
    });

    // --- Failover drills: the HA checklist proved under failure, guarded by the customer-facing alarms ---
    const drillZone = config.drills.zone ?? defaultDrillZone(zones!.stackZones, config.network.natGateways);
    const failoverDrills = config.drills.enabled
        ? new Drills("pg", {
              prefix,
              region: config.region,
              targetTag: drillTag,
              cluster,
              services: SERVICE_NAMES.map((name) => ({ name, serviceName: services[name].service.name, instances: config[name].instances })),
              cache: { arn: cache.replicationGroup.arn, replicationGroupId: cache.replicationGroup.replicationGroupId, nodes: config.cache.nodes, failover: config.cache.failover },
              vpcId: network.vpcId,
              vpcArn: network.vpc.arn,
              subnetArns: [...network.publicSubnets, ...network.privateSubnets].map((s) => s.arn),
              loadBalancerArn: lb.alb.arn,
              zone: drillZone,
              zoneId: zones!.zoneIds[drillZone],
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
        /** Exactly the drills this stack can run: per FIS drill its template id, what it proves and the exact start and stop commands (the zone outage also its zonal shift); the cache's TestFailover; the Atlas failover test. */
        drills: failoverDrills?.commands ?? {},
        /** The restore step this update took (what the next update reads back), and the command that watches the job. */
        restore: restoreOutput(restore, job),
        /**
         * The rotation step this update took (or held, and why), the label in force, and what each
         * service was asked to run: what the next update reads back to take the following step.
         */
        /** GuardDuty's and Security Hub's state in the region, as checked (security.organizationChecks). */
        organizationControls: organization ?? {},
        /** The rotation step this update took: what the next update reads back to take the following one. */
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

/** GuardDuty's detector and Security Hub's standards in the region; fails the run when either is off or missing. */
function organizationControls(region: string) {
    const detector = aws.guardduty.getDetector({}).catch((e) => Promise.reject(organizationLookupError("GuardDuty", region, e)));
    const standards = aws.securityhub.getEnabledStandards({}).catch((e) => Promise.reject(organizationLookupError("Security Hub", region, e)));
    return pulumi.all([pulumi.output(detector).status, pulumi.output(standards).standardsSubscriptions]).apply(([guardDutyStatus, subscriptions]) => {
        const facts = { guardDutyStatus, securityHubStandards: subscriptions.map((s) => ({ standardsArn: s.standardsArn, standardsStatus: s.standardsStatus })) };
        const { problems, notes } = organizationProblems(facts);
        if (problems.length) throw new Error(`security.organizationChecks: ${problems.join("; ")}`);
        for (const note of notes) pulumi.log.warn(note);
        return { guardDuty: guardDutyStatus, securityHubStandards: facts.securityHubStandards.map((s) => s.standardsArn) };
    });
}

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
        diskAutoScaling: config.atlas.diskAutoScaling,
    };
}

/**
 * The step of the restore this update takes: the job the last step submitted is read back from
 * Atlas first; a restore this update starts is checked against the source at preview.
 */
async function stepOfRestore(config: Config, last: RestoreRecord | undefined, deployed: boolean): Promise<RestorePlan> {
    const unrecorded = unrecordedRestore(config.atlas.restore, deployed, last);
    if (unrecorded) throw new StackConfigError(new ConfigError([unrecorded]));
    const watched = jobToRead(config.atlas.restore, last);
    const plan = planRestore(config.atlas.restore, last, watched ? await readRestoreJob(watched) : undefined, config.purpose === "gateway");
    if (plan.submitJob) await checkRestoreSource(config, config.atlas.restore!);
    return plan;
}

/** The stack output `restore`: the record the next update reads back, and how to watch the job. */
function restoreOutput(plan: RestorePlan, job: ReturnType<Database["restoreFrom"]> | undefined) {
    const jobId: pulumi.Input<string | undefined> = job ? job.snapshotRestoreJobId : plan.jobId;
    return pulumi.output(jobId).apply((id) => ({
        ...restoreRecord(plan, id),
        // `--clusterName` (the source) is required (atlas backups restores watch).
        ...(id && plan.sourceClusterName ? { watch: `atlas backups restores watch ${id} --clusterName ${plan.sourceClusterName} --projectId ${plan.sourceProjectId}` } : {}),
    }));
}

/**
 * A restore drill: a small, short-lived Atlas cluster that a backup (of prod, typically) is restored
 * into, and nothing else: "automated backups" proved by a restore, not by a setting. The data is
 * checked with a temporary read-only user from the CIDR the config names.
 */
function restoreDrill(config: Config, stack: string, prefix: string, restore: RestorePlan) {
    const source = config.atlas.restore!;
    // Atlas restores a snapshot only into a cluster with the source's encryption provider, so a
    // backup of prod (encrypted under prod's customer key) needs a drill cluster under an AWS KMS
    // key too, in the same region (https://www.mongodb.com/docs/atlas/backup/cloud-backup/restore-from-ear/).
    const atlasKey = config.security.atlasCustomerKey
        ? new KmsKey("pg-atlas-key", { description: `${prefix}: Atlas encryption at rest of the restore drill`, alias: `${prefix}-atlas` })
        : undefined;
    const database = new Database("pg", {
        ...clusterArgs(config, stack, prefix),
        customerKey: atlasKey,
        protect: false,
        privateLink: false,
        authentication: "none",
    });
    const job = restore.submitJob ? database.restoreFrom(source as RestoreSource, []) : undefined;
    // Atlas: "the target Atlas cluster [must] not receive client requests during restoration"
    // (https://www.mongodb.com/docs/atlas/backup/cloud-backup/restore-from-snapshot/). The
    // read-only user and its access-list entry exist only once the job has finished.
    const check = restore.stopServices ? undefined : database.allowVerification(source.verifyFrom!);
    if (config.atlas.auditing) database.audit();
    return {
        environment: config.environment,
        region: config.region,
        purpose: config.purpose,
        atlasCluster: { name: database.cluster.name, tier: config.atlas.tier, nodes: config.atlas.electableNodes },
        restoredFrom: { sourceProjectId: source.sourceProjectId, sourceClusterName: source.sourceClusterName, pointInTime: source.pointInTime, snapshotId: source.snapshotId },
        costAssumptions: config.cost.assumptions,
        restore: restoreOutput(restore, job),
        /** How to check the data once restored (a Pulumi secret: it holds the read-only password), then tear the drill down. */
        verify: {
            cluster: pulumi.interpolate`atlas clusters describe ${database.cluster.name} --projectId ${database.projectId}`,
            ...(check
                ? {
                      readOnlyUser: check.username,
                      readOnlyPassword: check.password,
                      connect: pulumi.interpolate`mongosh "${check.uri}" --eval "db.getCollectionNames().forEach((c) => print(c, db.getCollection(c).estimatedDocumentCount()))"`,
                      from: source.verifyFrom,
                  }
                : { readOnlyUser: `none while the restore runs: once restore.watch reports it finished, \`pulumi up\` again declares a read-only user reachable from ${source.verifyFrom} and prints verify.connect` }),
            tearDown: `pulumi destroy --stack ${stack} --yes && pulumi stack rm ${stack} --yes`,
        },
    };
}
