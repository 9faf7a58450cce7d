/**
 * The warm standby: the gateway in a second region, on the primary's Atlas replica set, ready to
 * take the whole load when the operator closes the primary's gate.
 *
 *   primary stack ──regionLoss (stack reference)──▶ standby ─ VPC ─ Atlas private endpoint (this region) ─▶ primary's cluster
 *   Route 53: admin/api PRIMARY (primary ALB, gate) │ SECONDARY ──▶ ALB ──▶ admin, main (warm floor → primary's ceilings)
 *   gate alarm (this region) ◀── operator            │                     worker ─▶ ElastiCache (own, cold)
 *
 * Previewable while the primary's region is down: it reads the primary only from the Pulumi
 * backend (a stack reference), and declares nothing in, and invokes nothing against, the
 * primary's region. Deployable then for its regional resources only: IAM, Route 53 and S3 bucket
 * configuration have their control plane in us-east-1 (AWS Fault Isolation Boundaries, Appendices
 * A and B).
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Config, SERVICE_NAMES, ServiceName } from "../lib/config";
import { loadStackZones } from "../lib/stackConfig";
import { defaultDrillZone } from "../lib/drills";
import { PrimaryRegionLoss, cacheFailover, gate as gateOf, standbyCacheId, standbyStep } from "../lib/failover";
import { fleetsConnected } from "../lib/pool";
import { now } from "../lib/clock";
import { Network } from "../components/network";
import { KmsKey, keyPolicyDocument } from "../components/kmsKey";
import { ClusterAccess } from "../components/clusterAccess";
import { Cache } from "../components/cache";
import { Service } from "../components/service";
import { Alarms } from "../components/alarms";
import { Drills } from "../components/drills";
import { Failover } from "../components/failover";
import { RotationStep } from "./lastUpdate";
import { entryPoint, organizationControls } from "./gateway";
import { alarmsArgs, appKeyUse, cacheArgs, connectionSecrets, drillsArgs, networkArgs, serviceArgs } from "./args";

export interface StandbyInputs {
    config: Config;
    stack: string;
    zones: Awaited<ReturnType<typeof loadStackZones>>;
    /** The primary's `regionLoss` output, read and checked before anything is declared (lib/failover.ts readPrimary). */
    primary: PrimaryRegionLoss;
    rotation: RotationStep;
    /** Each service's release strategy as the last deployment recorded it (lib/release.ts releaseStrategies); none on a first deployment. */
    lastReleases?: Partial<Record<ServiceName, string>>;
    /** What this stack's last update recorded: its rollout step (`regionLoss.step`) and its peering request (`peering`). Default: nothing (a first deployment). */
    last?: { step?: string; peering?: { connectionId?: string; requestedAt?: string } };
}

export function standby({ config, stack, zones, primary, rotation, lastReleases = {}, last = {} }: StandbyInputs) {
    const prefix = `payment-gateway-${stack}`;
    const protect = config.prod;
    const s = config.standby!;
    const stepOf = { primaryStack: s.primaryStack, stack, connectionId: last.peering?.connectionId, requestedAt: last.peering?.requestedAt, wasFull: last.step === "full" };
    const { step } = standbyStep(primary, config.region, stepOf);

    const logsKey = new KmsKey("pg-logs-key", { description: `${prefix}: log groups and the alarm topic`, alias: `${prefix}-logs`, protect });
    logsKey.restrict({ logs: true, cloudwatchAlarms: true }, config.region);
    const organization = config.security.organizationChecks ? organizationControls(config.region) : undefined;

    // --- Network and this region's private path into the primary's replica set ----------------------
    // Requests the VPC peering the primary accepts (lib/peering.ts): a call to this region's EC2 only.
    const accountId = primary.appKeyReplicaArn.split(":")[4];
    const peer = { request: { vpcId: primary.network.vpcId, region: primary.primaryRegion, ownerId: accountId }, cidrs: primary.network.privateSubnetCidrs };
    const network = new Network("pg", networkArgs(config, prefix, logsKey, peer));
    const access = new ClusterAccess("pg", {
        projectId: primary.projectId,
        clusterName: primary.clusterName,
        awsRegion: config.region,
        network,
        databaseName: config.atlas.databaseName,
        userPrefix: `pg-${stack}`,
        authentication: config.atlas.authentication,
        clients: SERVICE_NAMES,
        // Until the cluster has nodes here Atlas lists no private connection string at all.
        connect: step === "full",
        peerCidrs: network.peerCidrs,
    });
    const common = {
        environment: config.environment,
        region: config.region,
        purpose: config.purpose,
        domain: config.domain,
        vpcId: network.vpcId,
        /** What this stack read from the primary (its `regionLoss` output) at this update. */
        primary: { stack: s.primaryStack, region: primary.primaryRegion, projectId: primary.projectId, clusterName: primary.clusterName, regions: primary.regions, privateSubnetCidrs: primary.network.privateSubnetCidrs },
        /** The rollout step this update took, and what comes next (README "Region loss"). */
        // What comes next is said of the connection this update leaves: after `pulumi up --refresh`
        // forgot an expired request, this update requests a new one, which has not expired.
        regionLoss: { role: "standby", step, next: network.peeringConnectionId!.apply((id) => standbyStep(primary, config.region, id === stepOf.connectionId ? stepOf : { ...stepOf, connectionId: undefined, requestedAt: undefined }).next), atlasEndpoint: { privateLinkId: access.endpoint.privateLinkId, status: access.endpoint.status } },
        /** This side of the VPC peering, which the primary reads to accept it (lib/peering.ts). */
        peering: {
            connectionId: network.peeringConnectionId!,
            vpcId: network.vpcId,
            region: config.region,
            cidr: config.network.cidr,
            privateSubnetCidrs: network.privateSubnetCidrs,
            // When this connection was requested: kept while it is the one the last update recorded,
            // now for a new one (a request expires unaccepted after 7 days: lib/peering.ts). A connection
            // recorded without a time (by an earlier version) gets now: its age is undercounted, never overcounted.
            requestedAt: network.peeringConnectionId!.apply((id) => (id === last.peering?.connectionId && last.peering?.requestedAt ? last.peering.requestedAt : new Date(now()).toISOString())),
        },
        organizationControls: organization ?? {},
        costAssumptions: config.cost.assumptions,
        connectionBudget: config.connections,
    };
    if (step === "endpoint") return common;

    // --- The entry point: its own ALB, certificate and WAF (the names answer only through the failover pair)
    const { lb, routes } = entryPoint(config, prefix, network, logsKey, lastReleases);

    // --- Data tier: its own data key, cache and secrets; the primary's multi-Region app key (replica here)
    const dataKey = new KmsKey("pg-data-key", { description: `${prefix}: secrets and cache at rest`, alias: `${prefix}-data`, protect });
    dataKey.restrict({ viaServices: ["secretsmanager", "elasticache"] }, config.region);
    // Ciphertext the primary wrapped decrypts here without re-encryption: the replica shares the
    // key material (AWS KMS "Multi-Region keys"). Key policies are not shared between related
    // multi-Region keys: the primary creates the replica administrable but unusable and ignores its
    // policy thereafter; this stack declares who uses it here (below, once the task roles exist).
    const appKey = { encryptDecryptStatements: () => [{ Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: primary.appKeyReplicaArn }] };
    // Cold (rebuilt after a failover), or with the primary's regionLoss.cache global a read-only
    // secondary of its Global Datastore under this region's data key (README "Region loss").
    const cacheMode = primary.cache ?? "cold";
    const cacheId = standbyCacheId(stack, cacheMode);
    const own = cacheArgs(config, stack, network, dataKey, rotation);
    const cache = new Cache("pg", {
        ...own,
        replicationGroupId: cacheId,
        // What the secondary inherits, as the primary says it, in its tags (the cost estimate reads them).
        ...(cacheMode === "global" ? { secondaryOf: primary.cacheGlobalReplicationGroupId!, tags: { ...own.tags, engine: primary.cacheEngine!, nodeType: primary.cacheNodeType! } } : {}),
    });
    // As on the primary: with passwords each service's own user and URI, in a secret only its tasks read.
    const secrets = connectionSecrets(config, stack, { database: access, cache, dataKey, protect });

    // --- The gateway at its warm floor, scaling up to the primary's ceilings -------------------------
    const cluster = new aws.ecs.Cluster("pg", {
        name: prefix,
        settings: [{ name: "containerInsights", value: "enabled" }],
        // What the policy pack reads on a standby: its role, the tier its pools are sized for (the
        // primary's, checked at deploy) and the fleets the budget counts (lib/pool.ts fleetsConnected).
        tags: { project: "payment-gateway", environment: config.environment, role: "standby", atlasTier: config.atlas.tier, fleets: String(fleetsConnected(config)) },
    });
    // Alarms before the services, whose releases roll back on them.
    const alarms = new Alarms("pg", alarmsArgs(config, prefix, { lb, routes, cluster, cache, logsKey }));
    const wiring = { stack, prefix, cluster, network, database: access, cache, appKey, logsKey, rotating: rotation.inProgress, stopped: false, root: path.resolve(__dirname, "..") };
    const services = Object.fromEntries(
        SERVICE_NAMES.map((name) => [name, new Service(`pg-${name}`, serviceArgs(config, name, { ...wiring, secrets: secrets.of(name), retiringSecrets: [], route: routes[name], deploymentAlarms: alarms.deploymentAlarms[name] ?? [] }))]),
    ) as Record<ServiceName, Service>;

    // The replica's policy: the account administers it without use, the three task roles use it,
    // with the encryption context the primary's key requires (lib/keyPolicy.ts, as on the primary).
    grantReplicaUse(primary.appKeyReplicaArn, services, config);

    const zone = config.drills.zone ?? defaultDrillZone(zones.stackZones, config.network.natGateways);
    const failoverDrills = config.drills.enabled
        ? new Drills("pg", drillsArgs(config, stack, { name: zone, id: zones.zoneIds[zone] }, { cluster, services, cache, network, lb, stopAlarms: alarms.customerFacing, atlas: { projectId: primary.projectId, clusterName: primary.clusterName } }))
        : undefined;

    // --- Traffic failover: the operator's gate here, the failover pair once the primary handed over its names
    const gate = gateOf(prefix, stack, config.region);
    const failover = new Failover("pg-failover", {
        gate,
        records: s.failoverRecords
            ? { domain: config.domain, hostedZoneId: config.loadBalancer.hostedZoneId!, primary: primary.albs, secondary: { dnsName: lb.alb.dnsName, zoneId: lb.alb.zoneId } }
            : undefined,
        protect,
        tags: { project: "payment-gateway", environment: config.environment },
    });
    const scaleTo = (name: ServiceName) =>
        pulumi.interpolate`aws application-autoscaling register-scalable-target --region ${config.region} --service-namespace ecs --scalable-dimension ecs:service:DesiredCount --resource-id service/${prefix}/${services[name].service.name} --min-capacity ${config[name].maxInstances}`;

    return {
        ...common,
        // The cache mode deployed, read back by the next update (a switch replaces the cache).
        regionLoss: { ...common.regionLoss, cache: cacheMode },
        albDnsName: lb.dnsName,
        adminUrl: routes.admin!.url,
        apiUrl: routes.main!.url,
        capacity: Object.fromEntries(SERVICE_NAMES.map((name) => [name, services[name].capacity])),
        // Read back by the next update: whether each route's listener rule is already ECS's to weigh.
        releases: Object.fromEntries(SERVICE_NAMES.map((name) => [name, services[name].release])),
        cachePrimaryEndpoint: cache.primaryEndpoint,
        alarmTopicArn: alarms.topic.arn,
        drills: failoverDrills?.commands ?? {},
        /**
         * The failover without `pulumi up`: the gate's commands (CloudWatch in this region), the
         * health check Route 53 reads, the records (once declared), and the scale-up of every
         * service to the primary's ceiling before traffic arrives (Application Auto Scaling here).
         */
        failover: {
            gate: { alarm: gate.alarmName, region: gate.region, failOver: gate.failOver, failBack: gate.failBack, status: gate.status },
            healthCheckId: failover.healthCheck.id,
            records: s.failoverRecords ? "admin and api: PRIMARY (primary's load balancer, gated) and SECONDARY (this stack's)" : "none yet: the primary still answers the names (standby.failoverRecords)",
            scaleUp: Object.fromEntries(SERVICE_NAMES.map((name) => [name, scaleTo(name)])),
            /** The cache's failover commands (global), or what a cold cache needs: nothing. */
            cache: cacheMode === "global" ? cacheFailover(primary.cacheGlobalReplicationGroupId!, cacheId, config.region) : { mode: "cold", note: "rebuilt after a failover: nothing to promote" },
        },
        rotation: {
            cache: { label: rotation.cache.label, step: rotation.cache.step, now: rotation.cache.now, next: rotation.cache.next, ...(rotation.cache.held ? { held: rotation.cache.held } : {}) },
            database: { label: rotation.database.label, step: rotation.database.step, previous: rotation.database.keep, now: rotation.database.now, next: rotation.database.next, ...(rotation.database.held ? { held: rotation.database.held } : {}) },
            services: Object.fromEntries(SERVICE_NAMES.map((name) => [name, { cluster: cluster.arn, service: services[name].service.name, taskDefinition: services[name].taskDefinition.arn }])),
        },
    };
}

/**
 * The key policy of the primary's multi-Region application key replica in this region. A replica
 * has a key policy of its own (AWS KMS developer guide, "Multi-Region keys": key policies are not
 * shared); PutKeyPolicy on the replica is a call to this region's KMS only, so it does not need
 * the primary's region.
 */
function grantReplicaUse(replicaArn: string, services: Record<ServiceName, Service>, config: Config): aws.kms.KeyPolicy {
    const document = keyPolicyDocument(appKeyUse(config, services), true, config.region);
    // The key id, not the ARN: the provider reads `key_id` back as DescribeKey's KeyId, so an ARN
    // would show as a change on every preview (terraform-provider-aws kms/key_policy.go, resourceKeyPolicyRead).
    const keyId = replicaArn.split(":key/")[1];
    return new aws.kms.KeyPolicy("pg-app-mrk-replica", { keyId, policy: document, bypassPolicyLockoutSafetyCheck: false });
}
