/**
 * What the last update recorded decides the step this one takes: a restore it already started is
 * not judged against today's clock again, and a rotation's second step waits until ECS runs, alone,
 * what the last update deployed. Shared by every kind of stack.
 */
import * as pulumi from "@pulumi/pulumi";
import { Config, ConfigError } from "../lib/config";
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

/** The stack output `restore`: the record the next update reads back, and how to watch the job. */
export function restoreOutput(plan: RestorePlan, job: ReturnType<Database["restoreFrom"]> | undefined) {
    const jobId: pulumi.Input<string | undefined> = job ? job.snapshotRestoreJobId : plan.jobId;
    return pulumi.output(jobId).apply((id) => ({
        ...restoreRecord(plan, id),
        // `--clusterName` (the source) is required (atlas backups restores watch).
        ...(id && plan.sourceClusterName ? { watch: `atlas backups restores watch ${id} --clusterName ${plan.sourceClusterName} --projectId ${plan.sourceProjectId}` } : {}),
    }));
}
