/**
 * Reads the stack's `payment-gateway:*` config as the Pulumi CLI hands it to the program and
 * validates it (lib/config/) before anything is declared. Declares no resources.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { now } from "./clock";
import * as mongodbatlas from "@pulumi/mongodbatlas";
import { AtlasRestore, Config, ConfigError, LastDeployment, PROJECT, Problem, SERVICE_NAMES, ServiceName, offeredZoneProblems, parseConfigJson, validateConfig } from "./config";
import { PrimaryFacts, PrimaryRegionLoss, readPrimary } from "./failover";
import { JobState, SourceFacts, TargetFacts, sourceProblems } from "./restore";
import { StandbyPeering, acceptable, readStandbyPeering, unacceptableAdvice } from "./peering";

/** The project directory, against which build contexts resolve (as index.ts gives the services). */
const ROOT = path.resolve(__dirname, "..");

/** The raw values of every `payment-gateway:*` key, objects and arrays parsed from their JSON form. */
export function readRawConfig(): Record<string, unknown> {
    return rawConfigFrom(pulumi.runtime.allConfig());
}

/** `payment-gateway:*` entries of a namespaced key → string map (as the CLI passes config), parsed. */
export function rawConfigFrom(all: Record<string, string>): Record<string, unknown> {
    // Built from entries, so that a key named __proto__ stays a key (and validation refuses it by name).
    return Object.fromEntries(
        Object.entries(all)
            .filter(([key]) => key.startsWith(`${PROJECT}:`))
            .map(([key, value]) => [key.slice(PROJECT.length + 1), parseValue(value)]),
    );
}

function parseValue(value: string): unknown {
    // Structured values reach the program as JSON (every digit of a large integer kept); plain values as strings.
    if (/^\s*[[{]/.test(value)) {
        try {
            return parseConfigJson(value);
        } catch {
            return value;
        }
    }
    return value;
}

/**
 * The validated config. A bad config stops the program here with every problem listed; as a
 * RunError it prints without a stack trace under the Pulumi CLI.
 */
export function loadConfig(last: LastDeployment = {}): Config {
    try {
        return validateConfig(readRawConfig(), new pulumi.Config("aws").get("region"), pulumi.getStack(), now(), { root: ROOT, last });
    } catch (e) {
        if (e instanceof ConfigError) throw new StackConfigError(e);
        throw e;
    }
}

/**
 * The zones the stack spreads over, checked against the zones the region really has for this
 * account (invokes, no resource): a named zone, the zone count or the drill zone the region or the
 * stack does not have stops the program here, each problem naming its key, before anything is
 * declared. Also each zone's id (use1-az1), which ARC zonal shift takes.
 */
export async function loadStackZones(config: Config): Promise<{ stackZones: string[]; zoneIds: Record<string, string> }> {
    // Every zone, whatever its state (existence), and the available ones (the default choice, as components/network.ts makes it).
    const [existing, available] = await Promise.all([aws.getAvailabilityZones({}), aws.getAvailabilityZones({ state: "available" })]);
    const { problems, stackZones } = offeredZoneProblems(config, existing.names, available.names);
    if (problems.length) throw new StackConfigError(new ConfigError(problems));
    return { stackZones, zoneIds: Object.fromEntries(existing.names.map((name, i) => [name, existing.zoneIds[i]])) };
}

export class StackConfigError extends pulumi.RunError {
    readonly problems: ConfigError["problems"];
    readonly unchecked: ConfigError["unchecked"];
    constructor(cause: ConfigError) {
        super(cause.message);
        this.problems = cause.problems;
        this.unchecked = cause.unchecked;
    }
}

/**
 * What the stack's last deployment recorded in its outputs, read back through a reference to the
 * stack itself (nothing before the first deployment). `deployed` tells a stack that has run before.
 */
export async function previousOutputs(names: string[]): Promise<{ deployed: boolean; outputs: Record<string, unknown> }> {
    const self = new pulumi.StackReference(`${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`);
    const read = async (name: string) => (await self.getOutputDetails(name)).value;
    const values = await Promise.all(names.map(async (name) => [name, await read(name)] as const));
    return { deployed: (await read("environment")) !== undefined, outputs: Object.fromEntries(values.filter(([, v]) => v !== undefined)) };
}

/**
 * Refuses, as a config error naming the key, a new restore that Atlas would refuse: reads the
 * source cluster (getAdvancedCluster: mongoDbVersion, mongoDbMajorVersion, backupEnabled,
 * pitEnabled, the electable specs' instanceSize and diskSizeGb), its backup schedule
 * (getCloudBackupSchedule: restoreWindowDays) and both projects' organizations (getProject: orgId)
 * through the provider's data sources, which a preview runs. Nothing is declared before this.
 */
export async function checkRestoreSource(config: Config, restore: AtlasRestore): Promise<void> {
    const { sourceProjectId: projectId, sourceClusterName: name } = restore;
    // The data sources fail on any API error (a cluster or project that does not exist, or that
    // the deploying credentials cannot read, e.g. in another organization): each failure becomes a
    // problem naming the key it comes from, rather than a provider error without one.
    const unread: Problem[] = [];
    const read = <T>(path: string, value: unknown, what: string, p: Promise<T>): Promise<T | undefined> =>
        p.catch((e) => {
            const message = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, " ").trim();
            unread.push({ path, message: `cannot be read from Atlas (${what}${message ? `: ${message.slice(0, 300)}` : ""}); check it exists and that this stack's Atlas credentials can read it`, value });
            return undefined;
        });
    const [cluster, schedule, sourceProject, targetOrgId] = await Promise.all([
        read("atlas.restore.sourceClusterName", name, `cluster ${name} in project ${projectId}`, mongodbatlas.getAdvancedCluster({ projectId, name, useEffectiveFields: true })),
        // No schedule to read (a source without cloud backup) is reported below as backup off.
        mongodbatlas.getCloudBackupSchedule({ projectId, clusterName: name }).catch(() => undefined),
        read("atlas.restore.sourceProjectId", projectId, `project ${projectId}`, mongodbatlas.getProject({ projectId })),
        config.atlas.orgId ? Promise.resolve(config.atlas.orgId) : read("atlas.projectId", config.atlas.projectId, `project ${config.atlas.projectId}`, mongodbatlas.getProject({ projectId: config.atlas.projectId! }).then((p) => p.orgId)),
    ]);
    if (!cluster || !sourceProject || !targetOrgId) throw new StackConfigError(new ConfigError(unread));
    // The effective specs are what Atlas runs (auto-scaling may have moved them); the configured ones otherwise.
    const region = cluster.replicationSpecs?.[0]?.regionConfigs?.[0];
    const specs = region?.effectiveElectableSpecs?.instanceSize ? region.effectiveElectableSpecs : region?.electableSpecs;
    const source: SourceFacts = {
        mongoDbVersion: cluster.mongoDbVersion,
        mongoDbMajorVersion: cluster.mongoDbMajorVersion,
        tier: specs?.instanceSize ?? "",
        diskSizeGb: specs?.diskSizeGb ?? 0,
        backupEnabled: cluster.backupEnabled,
        pitEnabled: cluster.pitEnabled,
        restoreWindowDays: schedule?.restoreWindowDays || undefined,
        sourceOrgId: sourceProject.orgId,
        targetOrgId,
    };
    const target: TargetFacts = { mongoVersion: config.atlas.mongoVersion, tier: config.atlas.tier, diskAutoScaling: config.atlas.diskAutoScaling };
    const problems: Problem[] = sourceProblems(restore, source, target, now());
    if (problems.length) throw new StackConfigError(new ConfigError(problems));
}

/**
 * The primary stack's outputs a standby reads (lib/failover.ts), through a stack reference: the
 * Pulumi backend answers it, not an API of the primary's region, so a standby previews and deploys
 * while that region is down. Every problem names the standby key to fix; nothing is declared before.
 * `lastCache`: the cache mode this standby's last update deployed (its own `regionLoss.cache` output).
 */
export async function readPrimaryStack(config: Config, lastCache?: string): Promise<PrimaryRegionLoss> {
    const s = config.standby!;
    const primary = new pulumi.StackReference(`${pulumi.getOrganization()}/${pulumi.getProject()}/${s.primaryStack}`);
    const read = async (name: string) => {
        const details = await primary.getOutputDetails(name);
        return details.value ?? details.secretValue;
    };
    const [regionLoss, capacity, atlasCluster, dnsRecords] = await Promise.all(["regionLoss", "capacity", "atlasCluster", "dnsRecords"].map(read));
    const ceilings = Object.fromEntries(SERVICE_NAMES.map((n) => [n, config[n].maxInstances])) as Record<ServiceName, number>;
    const { primary: found, problems, warnings } = readPrimary(
        { regionLoss, capacity: capacity as PrimaryFacts["capacity"], atlasCluster: atlasCluster as PrimaryFacts["atlasCluster"], dnsRecords: dnsRecords as string | undefined },
        { primaryStack: s.primaryStack, primaryRegion: s.primaryRegion, primaryCidr: s.primaryCidr, region: config.region, domain: config.domain, hostedZoneId: config.loadBalancer.hostedZoneId, failoverRecords: s.failoverRecords, atlasTier: config.atlas.tier, ceilings, preview: pulumi.runtime.isDryRun(), cacheNodes: config.cache.nodes, cacheEngine: config.cache.engine, cacheNodeType: config.cache.nodeType, lastCache, cacheReplacementAcknowledged: s.cacheReplacementAcknowledged },
    );
    if (!found) throw new StackConfigError(new ConfigError(problems));
    for (const w of warnings) await pulumi.log.warn(w);
    return found;
}

/**
 * The standby's side of the VPC peering (its `peering` output), read by the primary through a
 * stack reference (the Pulumi backend, not the standby region's APIs). Asked only once the standby
 * stack is known to exist: a reference to a stack that does not exist fails the update, so
 * the caller asks once the replica set has (or this update gives it) nodes in the standby's
 * region, which needs the standby's private endpoint (lib/regionLoss.ts). Undefined while the
 * standby has requested no connection; problems name the primary's keys.
 */
export async function readStandbyStack(config: Config): Promise<StandbyPeering | undefined> {
    const loss = config.regionLoss!;
    const standby = new pulumi.StackReference(`${pulumi.getOrganization()}/${pulumi.getProject()}/${loss.standbyStack}`);
    const value = (await standby.getOutputDetails("peering")).value;
    const tieBreakerCidrs = Object.values(config.atlas.tieBreakerCidrs ?? {}) as string[];
    const { peering, problems } = readStandbyPeering(value, { standbyStack: loss.standbyStack, standbyRegion: loss.standbyRegion, cidr: config.network.cidr, tieBreakerCidrs });
    if (problems.length) throw new StackConfigError(new ConfigError(problems));
    if (!peering) return undefined;
    // What EC2 says of the connection here, in this stack's region (the accepter's side): the
    // authority on whether it can still be accepted.
    const found = await peeringStatus(peering.connectionId);
    const status = found?.status;
    // The connection must be the standby's own request: from its VPC, in its region. Accepting
    // another (a mistyped or stale output) would route this VPC's subnets into a stranger's.
    if (found && (found.vpcId !== peering.vpcId || found.region !== peering.region))
        throw new StackConfigError(new ConfigError([{ path: "regionLoss.standbyStack", message: `names a stack whose peering connection ${peering.connectionId} is, in EC2, a request from ${found.vpcId} in ${found.region}, not from its VPC ${peering.vpcId} in ${peering.region}: pulumi up --refresh --stack ${loss.standbyStack} and check its peering output`, value: loss.standbyStack }]));
    const read = { ...peering, status: status ?? "not found" };
    if (!acceptable(read.status)) await pulumi.log.warn(`regionLoss: ${unacceptableAdvice(read, read.status, loss.standbyStack, pulumi.getStack())}; this update declares no accepter for it`);
    return read;
}

/**
 * A VPC peering connection's status and requester (VPC, region) as EC2 reports it in this stack's region
 * (aws.ec2.getVpcPeeringConnection: DescribeVpcPeeringConnections without a status filter,
 * terraform-provider-aws vpc_peering_connection_data_source.go), or undefined when EC2 lists no
 * such connection (the data source's "no matching EC2 VPC Peering Connection found"). Any other
 * failure (credentials, throttling) fails the run: it must not read as a connection gone, which
 * would remove an accepted peering's routes.
 */
export async function peeringStatus(id: string): Promise<{ status: string; vpcId: string; region: string } | undefined> {
    try {
        // vpcId and region are the requester's (the data source sets them from RequesterVpcInfo).
        const c = await aws.ec2.getVpcPeeringConnection({ id });
        return { status: c.status, vpcId: c.vpcId, region: c.region };
    } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        if (/no matching EC2 VPC Peering Connection found/i.test(message)) return undefined;
        throw e;
    }
}

/** The restore job as Atlas reports it now (getCloudBackupSnapshotRestoreJob). */
export async function readRestoreJob(job: { projectId: string; clusterName: string; jobId: string }): Promise<JobState> {
    // The data source fails on any API error, a 404 included (dataSourceRead returns the error as
    // is): caught, so that a job Atlas no longer knows, or an API hiccup, keeps the services stopped
    // and says why instead of failing every preview and `pulumi up` of the stack.
    try {
        const found = await mongodbatlas.getCloudBackupSnapshotRestoreJob({ projectId: job.projectId, clusterName: job.clusterName, snapshotRestoreJobId: job.jobId });
        return { failed: found.failed, cancelled: found.cancelled, expired: found.expired, finishedAt: found.finishedAt || undefined };
    } catch (e) {
        const message = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, " ").trim();
        return { unreadable: message.length > 300 ? `${message.slice(0, 300)}…` : message || "no answer" };
    }
}
