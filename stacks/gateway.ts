/**
 * The gateway: its high-availability topology on AWS and MongoDB Atlas.
 *
 *   internet ──HTTPS──▶ ALB ──admin.<domain> (sticky)──▶ admin ┐
 *                          └──api.<domain>────────────▶ main  ├─▶ Atlas replica set (PrivateLink)
 *                                            worker (queue) ◀─┘─▶ ElastiCache (Multi-AZ failover)
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Config, SERVICE_NAMES, ServiceName } from "../lib/config";
import { loadStackZones } from "../lib/stackConfig";
import { defaultDrillZone } from "../lib/drills";
import { RestorePlan } from "../lib/restore";
import { organizationLookupError, organizationProblems } from "../lib/organization";
import { Network } from "../components/network";
import { LoadBalancer, Route } from "../components/loadBalancer";
import { KmsKey } from "../components/kmsKey";
import { Database } from "../components/database";
import { Cache } from "../components/cache";
import { StoredSecret } from "../components/secret";
import { Service } from "../components/service";
import { Alarms } from "../components/alarms";
import { Drills } from "../components/drills";
import { RotationStep, restoreOutput, tieBreakers } from "./lastUpdate";
import { atlasName, awsName, TopologyPlan } from "../lib/regionLoss";
import { StandbyPeering, acceptable, unacceptableAdvice } from "../lib/peering";
import { TieBreaker } from "../components/tieBreaker";
import { alarmsArgs, appKeyUse, adminRouteArgs, connectionSecrets, apiRouteArgs, cacheArgs, databaseArgs, drillsArgs, loadBalancerArgs, networkArgs, serviceArgs } from "./args";

export interface GatewayInputs {
    config: Config;
    stack: string;
    /** The zones the region really offers (lib/stackConfig.ts loadStackZones). */
    zones: Awaited<ReturnType<typeof loadStackZones>>;
    /** The restore step and the rotation step this update takes (stacks/lastUpdate.ts). */
    restore: RestorePlan;
    rotation: RotationStep;
    /** The replica set's topology in this update: one region, or atlas.regions once PrivateLink is active in each (stacks/lastUpdate.ts stepOfTopology). */
    topology: TopologyPlan;
    /** Each service's release strategy as the last deployment recorded it (lib/release.ts releaseStrategies); none on a first deployment. */
    lastReleases?: Partial<Record<ServiceName, string>>;
    /** With regionLoss: the warm standby's side of the VPC peering, once it requested one (lib/stackConfig.ts readStandbyStack). Default none. */
    standbyPeering?: StandbyPeering;
}

export function gateway({ config, stack, zones, restore, rotation, topology, lastReleases = {}, standbyPeering }: GatewayInputs) {
    const prefix = `payment-gateway-${stack}`;
    const protect = config.prod; // stateful resources cannot be deleted by accident in prod

    // Audit logs (WAF, VPC flow logs, services) and the alarm topic: under a key of their own.
    const logsKey = new KmsKey("pg-logs-key", { description: `${prefix}: log groups and the alarm topic`, alias: `${prefix}-logs`, protect });
    logsKey.restrict({ logs: true, cloudwatchAlarms: true }, config.region);

    // What the organization must run (GuardDuty, Security Hub), checked where the provider can read it.
    const organization = config.security.organizationChecks ? organizationControls(config.region) : undefined;

    // --- Network and the one internet-facing entry point ----------------------------------------
    // With a warm standby: accept its VPC peering, so that each region's tasks reach the other's Atlas endpoint.
    // A connection EC2 no longer holds for acceptance is not accepted (lib/peering.ts acceptable): the accepter's create would fail.
    const peer = standbyPeering && acceptable(standbyPeering.status) ? { accept: standbyPeering.connectionId, cidrs: standbyPeering.privateSubnetCidrs } : undefined;
    const network = new Network("pg", networkArgs(config, prefix, logsKey, peer));
    const { lb, routes } = entryPoint(config, prefix, network, logsKey, lastReleases);

    // --- Data tier: keys, the Atlas replica set, the cache, and the secrets that reach them --------
    const dataKey = new KmsKey("pg-data-key", { description: `${prefix}: secrets and cache at rest`, alias: `${prefix}-data`, protect });
    const appKey = new KmsKey("pg-app-key", { description: `${prefix}: the gateway's envelope encryption (data keys cached in the cache)`, alias: `${prefix}-app`, protect });
    // Secrets Manager and ElastiCache use the data key for the account's principals; no one else does.
    dataKey.restrict({ viaServices: ["secretsmanager", "elasticache"] }, config.region);
    // Region loss: the gateway's envelope encryption under a multi-Region key with a replica in the
    // standby's region, so that data keys wrapped here unwrap there (the old single-Region app key
    // cannot be converted and stays until the gateway has re-wrapped its data keys: README).
    const standbyRegion = config.regionLoss ? new aws.Provider("pg-standby-region", { region: config.regionLoss.standbyRegion }) : undefined;
    const appMrk = config.regionLoss
        ? new KmsKey("pg-app-mrk", { description: `${prefix}: the gateway's envelope encryption, multi-Region`, alias: `${prefix}-app-mrk`, protect, multiRegion: true })
        : undefined;
    const appReplica = appMrk && standbyRegion ? appMrk.replicate(standbyRegion, config.regionLoss!.standbyRegion) : undefined;
    const atlasKey = config.security.atlasCustomerKey
        ? new KmsKey("pg-atlas-key", { description: `${prefix}: Atlas encryption at rest (customer key management)`, alias: `${prefix}-atlas`, protect })
        : undefined;

    const database = new Database("pg", databaseArgs(config, stack, network, atlasKey, rotation, topology));
    // Regions of the replica set where no application stack runs: this stack declares their PrivateLink endpoint (atlas.tieBreakerCidrs).
    for (const region of tieBreakers(config))
        new TieBreaker(`pg-tiebreaker-${awsName(region)}`, { awsRegion: awsName(region), cidr: config.atlas.tieBreakerCidrs![region], projectId: database.projectId, clusterName: database.cluster.name, prefix });
    if (config.atlas.auditing) database.audit();
    // Connections beyond the budget the pools were sized for mean something else is connecting.
    database.alertOnConnections(config.connections.budget, config.observability.alarmEmails);
    database.alertOnReplicationLag(config.observability.alarms.replicationLagSeconds, config.observability.alarmEmails);
    database.alertOnDiskUsed(config.observability.alarms.databaseDiskPercent, config.observability.alarmEmails);
    database.alertOnCpu(config.observability.alarms.databaseCpuPercent, config.observability.alarmEmails);

    const globalCache = config.regionLoss?.cache === "global";
    const cache = new Cache("pg", { ...cacheArgs(config, stack, network, dataKey, rotation), globalPrimary: globalCache });
    // regionLoss.cache global: a Global Datastore around the cache, the standby's cache its secondary.
    const cacheDatastore = globalCache ? cache.globalDatastore(`pg-${stack}-cache`, protect) : undefined;

    const secrets = connectionSecrets(config, stack, { database, cache, dataKey, protect });
    // The URI secret the services shared before each had its own user: running tasks and any task
    // ECS starts from their task definitions (a replacement, a circuit-breaker rollback) read it
    // until ECS confirms they are all replaced: kept, unchanged, for that step, and every execution
    // role may still read it (no new task definition names it). Unprotected at once: the step after removes it from the program,
    // and Pulumi refuses to delete a protected resource. Deleted then, not retained: it names a user
    // that the same step removes, and Secrets Manager keeps a deleted secret restorable for its
    // recovery window (30 days in prod; terraform-provider-aws internal/service/secretsmanager/
    // secret.go, resourceSecretDelete: DeleteSecret with RecoveryWindowInDays from state).
    const retiringSecrets = database.sharedUri
        ? [new StoredSecret("pg-database-uri", { name: secrets.name("database-uri"), description: "MongoDB connection string (MPG_DATABASE_URI)", value: database.sharedUri, key: dataKey, protect: false, recoveryWindowInDays: protect ? 30 : 0 })]
        : [];

    // --- The gateway: one service component, three process groups ---------------------------------
    const cluster = new aws.ecs.Cluster("pg", {
        name: prefix,
        settings: [{ name: "containerInsights", value: "enabled" }],
        tags: { project: "payment-gateway", environment: config.environment },
    });
    // --- Alarms and dashboard: before the services, whose releases roll back on their alarms ------
    const alarms = new Alarms("pg", alarmsArgs(config, prefix, { lb, routes, cluster, cache, logsKey }));

    const wiring = { stack, prefix, cluster, network, database, cache, appKey, appMrk, logsKey, rotating: rotation.inProgress, stopped: restore.stopServices, root: path.resolve(__dirname, "..") };
    const services = Object.fromEntries(
        SERVICE_NAMES.map((name) => [name, new Service(`pg-${name}`, serviceArgs(config, name, { ...wiring, secrets: secrets.of(name), retiringSecrets, route: routes[name], deploymentAlarms: alarms.deploymentAlarms[name] ?? [] }))]),
    ) as Record<ServiceName, Service>;

    // --- Restore: submitted once, after every task has stopped --------------------------------------
    const job = restore.submitJob ? database.restoreFrom(config.atlas.restore!, SERVICE_NAMES.flatMap((name) => services[name].stoppedBy)) : undefined;
    // The application key: the gateway's task roles only, with the encryption context it must send.
    const keyUse = appKeyUse(config, services);
    appKey.restrict(keyUse, config.region);
    appMrk?.restrict(keyUse, config.region);

    // --- Failover drills: the HA checklist proved under failure, guarded by the customer-facing alarms ---
    const zone = config.drills.zone ?? defaultDrillZone(zones.stackZones, config.network.natGateways);
    const failoverDrills = config.drills.enabled
        ? new Drills("pg", drillsArgs(config, stack, { name: zone, id: zones.zoneIds[zone] }, { cluster, services, cache, network, lb, stopAlarms: alarms.customerFacing, atlas: { projectId: database.projectId, clusterName: `pg-${stack}` } }))
        : undefined;

    // --- Outputs ---------------------------------------------------------------------------------
    return {
        environment: config.environment,
        region: config.region,
        domain: config.domain,
        vpcId: network.vpcId,
        albDnsName: lb.dnsName,
        /** Who answers admin.<domain> and api.<domain>: this stack's alias records, the standby's failover pair, or none (no hosted zone). */
        dnsRecords: config.loadBalancer.hostedZoneId ? config.loadBalancer.dnsRecords : "none",
        adminUrl: routes.admin!.url,
        apiUrl: routes.main!.url,
        /** Per service: desired and maximum instances, task size, image. */
        capacity: Object.fromEntries(SERVICE_NAMES.map((name) => [name, services[name].capacity])),
        atlasCluster: {
            name: database.cluster.name,
            host: database.host,
            tier: config.atlas.tier,
            nodes: topology.deploy.reduce((n, r) => n + r.electableNodes, 0),
            // With atlas.regions: the project and the topology deployed, which the next update reads back (lib/regionLoss.ts).
            ...(config.atlas.regions ? { projectId: database.projectId, regions: topology.deploy, step: topology.step, next: topology.next } : {}),
        },
        /** What the warm standby stack reads (a StackReference, at deploy time only). */
        ...(config.regionLoss
            ? {
                  regionLoss: {
                      projectId: database.projectId,
                      clusterName: database.cluster.name,
                      regions: topology.deploy.map((r) => r.region),
                      appKeyReplicaArn: appReplica!.arn,
                      primaryRegion: config.region,
                      domain: config.domain,
                      hostedZoneId: config.loadBalancer.hostedZoneId!,
                      albs: { admin: { dnsName: lb.alb.dnsName, zoneId: lb.alb.zoneId }, api: { dnsName: lb.alb.dnsName, zoneId: lb.alb.zoneId } },
                      cache: config.regionLoss.cache,
                      ...(cacheDatastore ? { cacheGlobalReplicationGroupId: cacheDatastore.globalReplicationGroupId, cacheEngine: config.cache.engine, cacheNodeType: config.cache.nodeType, cacheEngineVersion: config.cache.engineVersion, cacheMaxmemoryPolicy: config.cache.maxmemoryPolicy } : {}),
                      // The standby peers with this VPC (lib/peering.ts), and reads here whether its connection was accepted.
                      network: { vpcId: network.vpcId, region: config.region, cidr: config.network.cidr, privateSubnetCidrs: network.privateSubnetCidrs },
                      ...(network.peering ? { peering: { connectionId: network.peering.id, status: network.peering.acceptStatus } } : {}),
                      next: peeringNext(config, topology, standbyPeering),
                  },
              }
            : {}),
        cachePrimaryEndpoint: cache.primaryEndpoint,
        alarmTopicArn: alarms.topic.arn,
        /**
         * Per service, how a new image reaches customers: strategy, traffic steps and bake times,
         * the alarms that roll a release back, minutes of shifting and baking, peak tasks (percent).
         * The next update reads the strategy back (a service may not leave a traffic-shifting one).
         */
        releases: Object.fromEntries(SERVICE_NAMES.map((name) => [name, services[name].release])),
        /** The connection budget the pool sizes were derived from. */
        connectionBudget: config.connections,
        /** The usage the cost estimate assumes (cost.assumptions, defaults applied). */
        costAssumptions: config.cost.assumptions,
        /** Exactly the drills this stack can run: per FIS drill its template id, what it proves and the exact start and stop commands (the zone outage also its zonal shift); the cache's TestFailover; the Atlas failover test. */
        drills: failoverDrills?.commands ?? {},
        /** The restore step this update took (what the next update reads back), and the command that watches the job. */
        restore: restoreOutput(restore, job),
        /** GuardDuty's and Security Hub's state in the region, as checked (security.organizationChecks). */
        organizationControls: organization ?? {},
        /**
         * The rotation step this update took (or held, and why), the label in force, and what each
         * service was asked to run: what the next update reads back to take the following step.
         */
        rotation: {
            cache: { label: rotation.cache.label, step: rotation.cache.step, now: rotation.cache.now, next: rotation.cache.next, ...(rotation.cache.held ? { held: rotation.cache.held } : {}) },
            database: { label: rotation.database.label, step: rotation.database.step, previous: rotation.database.keep, ...(rotation.database.keepShared ? { previousShared: true } : {}), users: rotation.database.users, now: rotation.database.now, next: rotation.database.next, ...(rotation.database.held ? { held: rotation.database.held } : {}) },
            // The task definition this update asked each service to run, never the service's own
            // `taskDefinition` output: the provider reads that back from ECS after the update
            // (internal/service/ecs/service.go, resourceServiceUpdate then resourceServiceRead), so
            // after a circuit-breaker rollback it is the previous one, and would confirm the rollback.
            services: Object.fromEntries(SERVICE_NAMES.map((name) => [name, { cluster: cluster.arn, service: services[name].service.name, taskDefinition: services[name].taskDefinition.arn }])),
        },
    };
}

/** What the region-loss pair needs from this primary next, for its peering (the topology's own step is atlasCluster.next). */
function peeringNext(config: Config, topology: TopologyPlan, standby: StandbyPeering | undefined): string {
    const loss = config.regionLoss!;
    if (standby && !acceptable(standby.status)) return unacceptableAdvice(standby, standby.status ?? "not found", loss.standbyStack, pulumi.getStack());
    if (standby) return `none: this stack accepts ${loss.standbyStack}'s VPC peering (${standby.connectionId}) and routes to its private subnets`;
    if (!topology.deploy.some((r) => r.region === atlasName(loss.standbyRegion)))
        return `the VPC peering with ${loss.standbyStack} waits until the replica set grows into ${atlasName(loss.standbyRegion)} (atlasCluster.next); that update accepts the connection ${loss.standbyStack} requested`;
    return `pulumi up ${loss.standbyStack}: it requests the VPC peering with this stack's VPC; then pulumi up this stack again to accept it`;
}

/**
 * The one internet-facing entry point, as a gateway and its warm standby both declare it: the ALB
 * (certificate, WAF) with admin.<domain> and api.<domain> routed to their services, and the tasks'
 * return path through the egress firewall once the ALB is off the NAT gateways' subnets.
 */
export function entryPoint(config: Config, prefix: string, network: Network, logsKey: KmsKey, lastReleases: Partial<Record<ServiceName, string>>) {
    const hosts = { admin: `admin.${config.domain}`, api: `api.${config.domain}` };
    const lb = new LoadBalancer("pg", loadBalancerArgs(config, prefix, hosts, network, logsKey));
    const routes: Partial<Record<ServiceName, Route>> = {
        admin: lb.route("admin", adminRouteArgs(config, hosts.admin, lastReleases.admin)),
        main: lb.route("main", apiRouteArgs(config, hosts.api, lastReleases.main)),
    };
    if (network.firewall) network.routeReturnThroughFirewall([lb.alb]);
    return { lb, routes };
}

/** GuardDuty's detector and Security Hub's standards in the region; fails the run when either is off or missing. */
export function organizationControls(region: string) {
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
