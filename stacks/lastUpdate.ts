/**
 * What the last update recorded decides the step this one takes: a restore it already started is
 * not judged against today's clock again, and a rotation's second step waits until ECS runs, alone,
 * what the last update deployed. Shared by every kind of stack.
 */
import * as pulumi from "@pulumi/pulumi";
import * as mongodbatlas from "@pulumi/mongodbatlas";
import { Config, ConfigError } from "../lib/config";
import { atlasName, planTopology, RegionNodes, tieBreakerRegions, TopologyPlan } from "../lib/regionLoss";
import { RotationRecord, Rollout, confirmRollout, liveLabel, planCacheRotation, planDatabaseRotation, rotationInProgress, secondStepDue } from "../lib/rotation";
import { readServices } from "../lib/running";
import { StackConfigError, checkRestoreSource, readRestoreJob } from "../lib/stackConfig";
import { RestorePlan, RestoreRecord, jobToRead, planRestore, restoreRecord, unrecordedRestore } from "../lib/restore";
import { Database } from "../components/database";

/**
 * The step of the restore this update takes: the job the last step submitted is read back from
 * Atlas first; a restore this update starts is checked against the source at preview.
 */
export async function stepOfRestore(config: Config, last: RestoreRecord | undefined, deployed: boolean): Promise<RestorePlan> {
    const unrecorded = unrecordedRestore(config.atlas.restore, deployed, last);
    if (unrecorded) throw new StackConfigError(new ConfigError([unrecorded]));
    const watched = jobToRead(config.atlas.restore, last);
    const plan = planRestore(config.atlas.restore, last, watched ? await readRestoreJob(watched) : undefined, config.purpose === "gateway");
    if (plan.submitJob) await checkRestoreSource(config, config.atlas.restore!);
    return plan;
}

/**
 * The step of each credential rotation this update takes. A second step drops a credential running
 * tasks may hold: first ask ECS whether every service runs, alone, the task definition the last
 * update deployed (read at preview too).
 */
export async function stepOfRotation(config: Config, record: RotationRecord | undefined, deployed: boolean) {
    const labels = { cache: liveLabel(config.rotation.cache, record?.cache), database: liveLabel(config.rotation.database, record?.database) };
    let rollout: Rollout | undefined;
    if (secondStepDue(labels, record)) rollout = confirmRollout(record?.services, record?.services ? await readServices(record.services) : {});
    const rotation = {
        cache: planCacheRotation(config.rotation.cache, record, rollout, deployed),
        database: planDatabaseRotation(config.rotation.database, record, deployed, config.atlas.authentication, rollout),
    };
    // While a step is under way, every `pulumi up` waits until each service is steady on what it deployed.
    return { ...rotation, inProgress: rotationInProgress(rotation.cache, rotation.database) };
}

export type RotationStep = Awaited<ReturnType<typeof stepOfRotation>>;

/** What the last update recorded of its cluster (the `atlasCluster` output). */
export interface ClusterRecord {
    tier?: string;
    /** The project it is in (recorded once atlas.regions is set). */
    projectId?: string;
    /** The region configs it deployed (recorded once atlas.regions is set). */
    regions?: RegionNodes[];
}

/**
 * The topology this update declares (lib/regionLoss.ts): with atlas.regions over PrivateLink, Atlas
 * is asked which private endpoints the project has, and for those of the regions still missing,
 * whether their interface endpoints' connections are AVAILABLE (Atlas calls, made at preview too;
 * none calls another AWS region), unless the cluster already spans the list. The project is atlas.projectId,
 * or the one the last update recorded; a project this update creates has none yet.
 */
export async function stepOfTopology(config: Config, last: ClusterRecord | undefined): Promise<TopologyPlan> {
    const a = config.atlas;
    const request = {
        region: a.region,
        electableNodes: a.electableNodes,
        regions: a.regions,
        privateLink: a.privateLink,
        deployed: last?.regions,
        standby: config.regionLoss ? { stack: config.regionLoss.standbyStack, atlasRegion: atlasName(config.regionLoss.standbyRegion) } : undefined,
        declaredHere: tieBreakers(config),
    };
    const first = planTopology(request);
    if (first.step !== "waiting-for-endpoints") return first;
    const projectId = a.projectId ?? last?.projectId;
    if (!projectId) return first;
    const found = await mongodbatlas.getPrivatelinkEndpoints({ projectId, providerName: "AWS" }).catch((e) => {
        const message = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, " ").trim().slice(0, 300);
        throw new StackConfigError(new ConfigError([{ path: "atlas.regions", message: `cannot be judged: Atlas did not list the private endpoints of project ${projectId} (${message}); check that this stack's Atlas credentials can read the project's network settings`, value: a.regions }]));
    });
    // An interface endpoint counts once its connection is AVAILABLE (what the provider's create of
    // the endpoint's mongodbatlas.PrivateLinkEndpointService waits for, before it also waits for
    // every cluster of the project to be IDLE: internal/service/privatelinkendpointservice/resource.go).
    const wanted = new Set(first.missing);
    const endpoints = await Promise.all(found.results.map(async (r) => {
        const facts = { regionName: r.regionName, status: r.status, interfaceEndpoints: r.interfaceEndpoints ?? [] };
        if (!wanted.has(atlasName(r.regionName)) || r.status !== "AVAILABLE") return facts;
        const connected = await Promise.all(facts.interfaceEndpoints.map(async (endpointServiceId) => {
            const c = await mongodbatlas.getPrivateLinkEndpointService({ projectId, privateLinkId: r.privateLinkId, endpointServiceId, providerName: "AWS" }).catch(() => undefined);
            return c?.awsConnectionStatus === "AVAILABLE" ? endpointServiceId : undefined;
        }));
        return { ...facts, interfaceEndpoints: connected.filter((id): id is string => !!id), attached: facts.interfaceEndpoints };
    }));
    return planTopology({ ...request, endpoints });
}

/** The tie-breaker regions whose endpoint-only VPC this gateway stack declares (lib/regionLoss.ts tieBreakerRegions). */
export function tieBreakers(config: Config): string[] {
    if (config.purpose !== "gateway") return [];
    const a = config.atlas;
    return tieBreakerRegions({ region: a.region, regions: a.regions, privateLink: a.privateLink, standbyAtlasRegion: config.regionLoss ? atlasName(config.regionLoss.standbyRegion) : undefined });
}

/** The stack output `restore`: the record the next update reads back, and how to watch the job. */
export function restoreOutput(plan: RestorePlan, job: ReturnType<Database["restoreFrom"]> | undefined) {
    const jobId: pulumi.Input<string | undefined> = job ? job.snapshotRestoreJobId : plan.jobId;
    return pulumi.output(jobId).apply((id) => ({
        ...restoreRecord(plan, id),
        // `--clusterName` (the source) is required (atlas backups restores watch).
        ...(id && plan.sourceClusterName ? { watch: `atlas backups restores watch ${id} --clusterName ${plan.sourceClusterName} --projectId ${plan.sourceProjectId}` } : {}),
    }));
}
