/**
 * A restore into the stack's cluster as a state machine over `pulumi up`s, driven by the
 * `atlas.restore` config and the step the last `pulumi up` recorded in the stack's own `restore`
 * output. A plain module: it declares nothing and reads nothing.
 *
 * Why a sequence (mongodb/terraform-provider-mongodbatlas,
 * internal/service/cloudbackupsnapshotrestorejob/resource_cloud_backup_snapshot_restore_job.go):
 * - resourceCreate submits the job (CreateBackupRestoreJob) and returns: nothing waits for the
 *   restore to finish, so ordering the services after the job orders them after its submission only.
 *   Atlas: "You must ensure that the target Atlas cluster does not receive client requests during
 *   restoration" (https://www.mongodb.com/docs/atlas/backup/cloud-backup/restore-from-snapshot/).
 * - every input is ForceNew; resourceDelete cancels nothing for automated and point-in-time jobs;
 *   resourceRead clears the id on a 404, so a job Atlas no longer knows would be created again
 *   (a second restore that wipes the target again).
 *
 * So: the step that starts a restore stops every task and declares the job (retainOnDelete); every
 * later step no longer declares it (Pulumi forgets it without calling the provider) and reads the
 * job through the data source (data_source_cloud_backup_snapshot_restore_job.go: failed,
 * cancelled, expired, finished_at) by the id the first step recorded. Nothing after the first step
 * can submit the job again, whatever Atlas answers; only a different restore config can.
 */
import type { AtlasRestore, Problem } from "./config";

/**
 * The tag an ECS service carries while it is stopped for a restore: the HA checklist's instance
 * floor does not apply to it (policy/rules/checklist.ts), so a restore into prod passes the policy pack.
 */
export const RESTORE_STOP_TAG = "payment-gateway:stopped-for";

/** What identifies one restore: its source and its point (a new one is a new restore). */
export function restoreKey(r: Pick<AtlasRestore, "sourceProjectId" | "sourceClusterName" | "pointInTime" | "snapshotId">): string {
    const point = r.snapshotId ? `snapshot:${r.snapshotId}` : `pointInTime:${new Date(Date.parse(r.pointInTime!)).toISOString()}`;
    return `${r.sourceProjectId}/${r.sourceClusterName}/${point}`;
}

export type RestoreStep = "none" | "start" | "waiting" | "restored" | "done" | "failed";

/** What the last deployment recorded (the stack output `restore`). */
export interface RestoreRecord {
    key?: string;
    step?: RestoreStep;
    /** Atlas's id of the restore job (snapshotRestoreJobId), once submitted. */
    jobId?: string;
    sourceProjectId?: string;
    sourceClusterName?: string;
}

/** The job as the data source reports it (getCloudBackupSnapshotRestoreJob). */
export interface JobState {
    failed?: boolean;
    cancelled?: boolean;
    expired?: boolean;
    /** Set once the restore has finished (RFC 3339); empty while it runs. */
    finishedAt?: string;
    /**
     * Why the job could not be read (the data source's error). The data source fails on any API
     * error, a 404 included (data_source_cloud_backup_snapshot_restore_job.go dataSourceRead: no
     * not-found case, unlike the resource's read): its state is then unknown, not "finished".
     */
    unreadable?: string;
}

/** The job to read back before planning: the one the last step submitted and not yet seen finish. */
export function jobToRead(restore: AtlasRestore | undefined, last: RestoreRecord | undefined): { projectId: string; clusterName: string; jobId: string } | undefined {
    if (!last?.jobId || !last.sourceProjectId || !last.sourceClusterName) return undefined;
    if (last.step !== "start" && last.step !== "waiting" && last.step !== "failed") return undefined;
    // A different restore config replaces a failed restore; one still running is still watched.
    if (restore && restoreKey(restore) !== last.key && last.step === "failed") return undefined;
    return { projectId: last.sourceProjectId, clusterName: last.sourceClusterName, jobId: last.jobId };
}

/** Whether the config asks for a restore the last deployment did not already start. */
export function isNewRestore(restore: AtlasRestore | undefined, last: RestoreRecord | undefined): boolean {
    return !!restore && restoreKey(restore) !== last?.key;
}

/**
 * A stack deployed before the program recorded restore steps (it has outputs, but no `restore`
 * output) whose config names a restore: the earlier program declared the job directly, so this
 * restore may have run already (its job is then in the stack's state) or may be a new one added
 * with this upgrade. Neither guess is safe (a new start stops every task for a restore that is
 * over; "done" silently skips one that was asked for), so the operator says which, once.
 */
export function unrecordedRestore(restore: AtlasRestore | undefined, deployed: boolean, last: RestoreRecord | undefined): Problem | undefined {
    if (!restore || !deployed || last) return undefined;
    return {
        path: "atlas.restore",
        message:
            "is set on a stack whose last deployment recorded no restore step (an earlier version of this program): " +
            "if that deployment already ran this restore, remove atlas.restore (nothing is restored again, the services keep running); " +
            "to restore now, remove it, run `pulumi up`, then set it again",
        value: { sourceClusterName: restore.sourceClusterName, pointInTime: restore.pointInTime, snapshotId: restore.snapshotId },
    };
}

export interface RestorePlan {
    step: RestoreStep;
    key?: string;
    /** Every admin, main and worker task stopped (desired count and autoscaling bounds 0). */
    stopServices: boolean;
    /** Declare (submit) the restore job in this `pulumi up`. */
    submitJob: boolean;
    jobId?: string;
    sourceProjectId?: string;
    sourceClusterName?: string;
    /** What this `pulumi up` does, and what the next one will. */
    now: string;
    next: string;
}

function describe(state: JobState): "finished" | "failed" | "running" | "unknown" {
    if (state.unreadable !== undefined) return "unknown";
    if (state.failed || state.cancelled) return "failed";
    // An expired job never finished: it will not (expired applies to a job Atlas gave up on).
    if (state.expired && !state.finishedAt) return "failed";
    return state.finishedAt ? "finished" : "running";
}

/**
 * The restore's step, from the config, what the last deployment recorded and (for a job the last
 * step submitted, see `jobToRead`) the job's state as Atlas reports it now.
 */
export function planRestore(restore: AtlasRestore | undefined, last: RestoreRecord | undefined, job?: JobState, clients = true): RestorePlan {
    const watched = jobToRead(restore, last);
    const source = { jobId: last?.jobId, sourceProjectId: last?.sourceProjectId, sourceClusterName: last?.sourceClusterName };
    // A job still running keeps the services stopped even if the config no longer names it, or
    // names another restore (that one starts once this one has ended).
    if (watched) {
        if (!job) throw new Error(`the restore job ${watched.jobId} must be read back before planning the restore`);
        const key = last!.key;
        const same = !restore || restoreKey(restore) === key;
        const state = describe(job);
        const what = `restore job ${watched.jobId} of ${watched.clusterName}`;
        const stopped = clients ? "; every admin, main and worker task stays stopped" : "";
        // Atlas did not answer about the job (it no longer knows it, or the API failed): nothing
        // says the restore has ended, so the services stay stopped and the job is read again next
        // time. Only the operator, having looked at the job, lets them start (removing atlas.restore).
        if (state === "unknown") {
            if (!restore) return { step: "none", stopServices: false, submitJob: false, now: `${clients ? "starts the services again on the data as it is" : "stops watching the restore"}: atlas.restore was removed while ${what} could not be read (${job.unreadable})`, next: "nothing" };
            return {
                step: "waiting", key, stopServices: true, submitJob: false, ...source,
                now: `cannot read ${what} (${job.unreadable})${stopped}; the job is not submitted again`,
                next: "check the job (the `restore.watch` command, or the cluster's Restores page in Atlas) and run `pulumi up` again; once you have seen it end, remove atlas.restore to start the services on the data as it is",
            };
        }
        if (state === "running")
            return {
                step: "waiting", key, stopServices: true, submitJob: false, ...source,
                now: `reads ${what}: still running${stopped}${same ? "" : " (atlas.restore now names another restore: it starts once this job has ended)"}`,
                next: "run `pulumi up` again once the job has finished (the `restore.watch` command follows it)",
            };
        if (same && state === "failed") {
            if (!restore) return { step: "none", stopServices: false, submitJob: false, now: `starts the services again on the data as it is: atlas.restore was removed after ${what} ${job.cancelled ? "was cancelled" : "failed"}`, next: "nothing" };
            const why = job.cancelled ? "was cancelled" : job.expired ? "expired" : "failed";
            return { step: "failed", key, stopServices: true, submitJob: false, ...source, now: `reads ${what}: it ${why}${clients ? "; every admin, main and worker task STAYS STOPPED" : ""} (the cluster's data is not the restored state)`, next: "set a new atlas.restore (another pointInTime or snapshotId) to restore again, or remove atlas.restore to start the services on the data as it is" };
        }
        if (same) return { step: "restored", key, stopServices: false, submitJob: false, ...source, now: `reads ${what}: finished at ${job.finishedAt}${clients ? "; admin, main and worker return at their configured counts" : ": check the data"}`, next: "nothing: the restore is done and is never run again by this config (remove atlas.restore when convenient)" };
        // The watched job has ended and the config names another restore: start it below.
    }
    if (!restore) return { step: "none", stopServices: false, submitJob: false, now: "restores nothing", next: "set atlas.restore to restore the cluster from a backup" };
    const key = restoreKey(restore);
    if (key === last?.key && (last.step === "restored" || last.step === "done"))
        return { step: "done", key, stopServices: false, submitJob: false, ...source, now: "restores nothing: the restore finished in an earlier `pulumi up`", next: "nothing (a new pointInTime or snapshotId would be a new restore)" };
    const point = restore.snapshotId ? `snapshot ${restore.snapshotId}` : `its state at ${new Date(Date.parse(restore.pointInTime!)).toISOString()}`;
    return {
        step: "start",
        key,
        stopServices: true,
        submitJob: true,
        sourceProjectId: restore.sourceProjectId,
        sourceClusterName: restore.sourceClusterName,
        now: `${clients ? "stops every admin, main and worker task, then " : ""}RESTORES ${point} of ${restore.sourceClusterName} (project ${restore.sourceProjectId}) into this cluster, overwriting its data`,
        next: clients ? "the next `pulumi up` reads the job back: the services stay stopped until it has finished, then return" : "the next `pulumi up` reads the job back (it never submits it again); check the data once it has finished",
    };
}

/** The record the next `pulumi up` reads back (the stack output `restore`). */
export function restoreRecord(plan: RestorePlan, jobId?: string): RestoreRecord & { now: string; next: string } {
    return {
        key: plan.key,
        // A restore seen finished is "done" from then on: never read, never submitted again.
        step: plan.step,
        jobId: jobId ?? plan.jobId,
        sourceProjectId: plan.sourceProjectId,
        sourceClusterName: plan.sourceClusterName,
        now: plan.now,
        next: plan.next,
    };
}

/** What Atlas reports about the source cluster, its backup schedule and both organizations, read at preview. */
export interface SourceFacts {
    /** The source's MongoDB version (mongoDbVersion, e.g. 8.0.4) and major version (mongoDbMajorVersion). */
    mongoDbVersion: string;
    mongoDbMajorVersion: string;
    /** The source's electable instance size and provisioned disk (GB). */
    tier: string;
    diskSizeGb: number;
    backupEnabled: boolean;
    /** Continuous cloud backup (point-in-time restore) on the source. */
    pitEnabled: boolean;
    /** The source's backup schedule's restoreWindowDays (continuous backup), if it has one. */
    restoreWindowDays?: number;
    sourceOrgId: string;
    /** The target project's organization (the configured orgId, or the configured project's). */
    targetOrgId: string;
}

/** The target the config describes. */
export interface TargetFacts {
    mongoVersion: string;
    tier: string;
    /** Disk auto-scaling on the target (atlas.diskAutoScaling). */
    diskAutoScaling: boolean;
}

/**
 * Per tier on AWS: the storage included by default (GB) and the most the disk may grow to.
 * The maximum follows the provider's documented rule "the maximum value for disk storage cannot
 * exceed 50 times the maximum RAM for the selected cluster" (advancedcluster schema, disk_size_gb),
 * capped at 4096 GB. The RAM per tier and the default storage per tier are Atlas's published tier
 * table as read from memory of https://www.mongodb.com/docs/atlas/manage-clusters/ and could not
 * be re-checked here (only M10's 10 GB default is confirmed, by
 * https://www.mongodb.com/docs/atlas/billing/cluster-configuration-costs/): check them there
 * before relying on a refusal near a boundary.
 */
const TIER_RAM_GB: Readonly<Record<string, number>> = { M10: 2, M20: 4, M30: 8, M40: 16, M50: 32, M60: 64, M80: 128, M140: 192, M200: 256, M300: 384 };
const TIER_DEFAULT_DISK_GB: Readonly<Record<string, number>> = { M10: 10, M20: 20, M30: 40, M40: 80, M50: 160, M60: 320, M80: 750, M140: 1000, M200: 1500, M300: 2000 };
export const ATLAS_TIER_STORAGE_GB: Readonly<Record<string, { default: number; max: number }>> = Object.fromEntries(
    Object.entries(TIER_RAM_GB).map(([tier, ram]) => [tier, { default: TIER_DEFAULT_DISK_GB[tier], max: Math.min(50 * ram, 4096) }]),
);

/** "8.0.4" → [8, 0, 4]; "8.0" → [8, 0]. */
function versionParts(v: string): number[] {
    return v.split(".").map((n) => parseInt(n, 10)).filter((n) => !Number.isNaN(n));
}

function compareVersions(a: string, b: string): number {
    const [x, y] = [versionParts(a), versionParts(b)];
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
    return 0;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * What Atlas would refuse about a new restore, known before `pulumi up` from the source's own
 * settings. Only for a restore the last deployment did not start (time moves on; a started
 * restore's point does not become wrong).
 */
export function sourceProblems(restore: AtlasRestore, source: SourceFacts, target: TargetFacts, now: number): Problem[] {
    const problems: Problem[] = [];
    // "The target cluster must run the same or newer release version of MongoDB as the snapshot"
    // (https://www.mongodb.com/docs/atlas/backup/cloud-backup/restore/). The target is created at
    // atlas.mongoVersion (a major version): compare majors, and say which release the source runs.
    if (compareVersions(target.mongoVersion, source.mongoDbMajorVersion) < 0)
        problems.push({ path: "atlas.mongoVersion", message: `must be at least the source's MongoDB version: ${restore.sourceClusterName} runs ${source.mongoDbVersion || source.mongoDbMajorVersion}, and Atlas restores only into the same or a newer release`, value: target.mongoVersion });
    // "You can restore a backup only to a cluster running either the same major release version,
    // or the next higher one" (https://www.mongodb.com/docs/atlas/backup-cluster/). Whether a rapid
    // release (7.1, 8.2) counts as a major step there is not stated: only a target more than one
    // major (its leading number) above the source is refused, which is certainly out of reach.
    else if (versionParts(target.mongoVersion)[0] - versionParts(source.mongoDbMajorVersion)[0] > 1)
        problems.push({ path: "atlas.mongoVersion", message: `is more than one major release above the source's: ${restore.sourceClusterName} runs ${source.mongoDbVersion || source.mongoDbMajorVersion}, and Atlas restores only into the same major release or the next higher one`, value: target.mongoVersion });
    // "You can only perform cross-organization restores through the Atlas UI"
    // (https://www.mongodb.com/docs/atlas/backup/cloud-backup/restore-from-snapshot/).
    if (source.sourceOrgId !== source.targetOrgId)
        problems.push({ path: "atlas.restore.sourceProjectId", message: `is in organization ${source.sourceOrgId}, this stack's project in ${source.targetOrgId}: Atlas restores across organizations only in its UI`, value: restore.sourceProjectId });
    if (!source.backupEnabled)
        problems.push({ path: "atlas.restore.sourceClusterName", message: `has cloud backup off (backupEnabled false): there is nothing to restore`, value: restore.sourceClusterName });
    if (restore.pointInTime) {
        // Point-in-time restores need continuous cloud backup, which Atlas offers on M10+ only
        // (https://www.mongodb.com/docs/atlas/backup/cloud-backup/overview/).
        if (!/^M\d+$/.test(source.tier) || parseInt(source.tier.slice(1), 10) < 10)
            problems.push({ path: "atlas.restore.pointInTime", message: `needs a dedicated (M10+) source; ${restore.sourceClusterName} is ${source.tier}`, value: restore.pointInTime });
        else if (!source.pitEnabled)
            problems.push({ path: "atlas.restore.pointInTime", message: `needs continuous cloud backup on the source; ${restore.sourceClusterName} has pitEnabled false (restore a snapshot, snapshotId, instead)`, value: restore.pointInTime });
        else {
            const days = source.restoreWindowDays;
            const at = Date.parse(restore.pointInTime);
            const oldest = now - (days ?? 0) * DAY_MS;
            if (!days) problems.push({ path: "atlas.restore.pointInTime", message: `cannot be checked: the backup schedule of ${restore.sourceClusterName} has no restoreWindowDays`, value: restore.pointInTime });
            else if (at < oldest)
                problems.push({ path: "atlas.restore.pointInTime", message: `is before the restore window of ${restore.sourceClusterName} (its backup schedule's restoreWindowDays ${days}: ${new Date(oldest).toISOString()} at the earliest); restore a snapshot (snapshotId) instead`, value: restore.pointInTime });
        }
    }
    // The target's disk must hold the source's data: the most the target's tier can have (with
    // disk auto-scaling) or its default storage (without) must reach the source's provisioned disk.
    const storage = ATLAS_TIER_STORAGE_GB[target.tier];
    if (storage) {
        const room = target.diskAutoScaling ? storage.max : storage.default;
        if (room < source.diskSizeGb)
            problems.push({
                path: "atlas.tier",
                message: `${target.tier} holds at most ${room} GB${target.diskAutoScaling ? " (with disk auto-scaling)" : " (disk auto-scaling off)"}, less than the ${source.diskSizeGb} GB disk of ${restore.sourceClusterName}: raise the tier`,
                value: target.tier,
            });
    }
    return problems;
}
