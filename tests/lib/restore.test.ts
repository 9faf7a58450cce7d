import { strict as assert } from "assert";
import type { AtlasRestore } from "../../lib/config";
import { ATLAS_TIER_STORAGE_GB, JobState, RestoreRecord, SourceFacts, TargetFacts, isNewRestore, jobToRead, planRestore, restoreKey, restoreRecord, sourceProblems, unrecordedRestore } from "../../lib/restore";

const NOW = Date.parse("2026-11-30T12:00:00Z");
const base = { sourceProjectId: "5f00000000000000000000aa", sourceClusterName: "pg-prod", allowIntoProd: false };
const pit = (at: string): AtlasRestore => ({ ...base, pointInTime: at }) as AtlasRestore;
const snap = (id: string): AtlasRestore => ({ ...base, snapshotId: id }) as AtlasRestore;
const running: JobState = { failed: false, cancelled: false, expired: false };
const finished: JobState = { ...running, finishedAt: "2026-11-30T12:40:00Z" };

/** The record the next `pulumi up` reads back after a step (the job id appears once submitted). */
const after = (plan: ReturnType<typeof planRestore>, jobId = "6a0000000000000000000001"): RestoreRecord => restoreRecord(plan, plan.submitJob ? jobId : undefined);

describe("restore (lib/restore.ts)", () => {
    it("names a restore by its source and its point: a new point is a new restore", () => {
        assert.equal(restoreKey(pit("2026-11-30T10:00:00Z")), "5f00000000000000000000aa/pg-prod/pointInTime:2026-11-30T10:00:00.000Z");
        assert.equal(restoreKey(pit("2026-11-30T10:00Z")), restoreKey(pit("2026-11-30T10:00:00Z")), "the same moment written two ways");
        assert.notEqual(restoreKey(pit("2026-11-30T10:00:01Z")), restoreKey(pit("2026-11-30T10:00:00Z")));
        assert.equal(restoreKey(snap("65f000000000000000000001")), "5f00000000000000000000aa/pg-prod/snapshot:65f000000000000000000001");
    });

    it("stops the services and submits the job, then waits, then brings them back, then never restores again", () => {
        const r = pit("2026-11-30T10:00:00Z");
        const start = planRestore(r, undefined);
        assert.deepEqual([start.step, start.stopServices, start.submitJob], ["start", true, true]);
        assert.match(start.now, /stops every admin, main and worker task, then RESTORES its state at 2026-11-30T10:00:00.000Z of pg-prod/);

        const first = after(start);
        assert.deepEqual(jobToRead(r, first), { projectId: "5f00000000000000000000aa", clusterName: "pg-prod", jobId: "6a0000000000000000000001" });
        assert.throws(() => planRestore(r, first), /must be read back/);
        const waiting = planRestore(r, first, running);
        assert.deepEqual([waiting.step, waiting.stopServices, waiting.submitJob], ["waiting", true, false]);
        assert.match(waiting.now, /still running; every admin, main and worker task stays stopped/);
        assert.equal(planRestore(r, first, running, false).now, "reads restore job 6a0000000000000000000001 of pg-prod: still running", "a drill has no services to speak of");

        const again = planRestore(r, after(waiting), running);
        assert.equal(again.step, "waiting", "as many ups as it takes");
        const restored = planRestore(r, after(again), finished);
        assert.deepEqual([restored.step, restored.stopServices, restored.submitJob, restored.jobId], ["restored", false, false, "6a0000000000000000000001"]);
        assert.match(restored.now, /finished at 2026-11-30T12:40:00Z; admin, main and worker return/);

        // From then on: not read, not submitted, services up, whatever Atlas would answer.
        const recorded = after(restored);
        assert.equal(jobToRead(r, recorded), undefined, "a finished job is not read again (a 404 cannot matter)");
        for (let i = 0, last = recorded; i < 3; i++) {
            const done = planRestore(r, last);
            assert.deepEqual([done.step, done.stopServices, done.submitJob], ["done", false, false]);
            last = after(done);
            assert.equal(last.key, restoreKey(r), "the key is carried forward");
        }
        assert.equal(isNewRestore(r, recorded), false);
    });

    it("keeps the services stopped after a failed, cancelled or expired job, and says so", () => {
        const r = snap("65f000000000000000000001");
        const first = after(planRestore(r, undefined));
        for (const [state, word] of [[{ ...running, failed: true }, "failed"], [{ ...running, cancelled: true }, "was cancelled"], [{ ...running, expired: true }, "expired"]] as const) {
            const p = planRestore(r, first, state);
            assert.deepEqual([p.step, p.stopServices, p.submitJob], ["failed", true, false], word);
            assert.match(p.now, new RegExp(`it ${word}; every admin, main and worker task STAYS STOPPED`));
            // Still failed on the next up: it is read again, and nothing is submitted.
            assert.equal(planRestore(r, after(p), state).step, "failed");
        }
        const failed = after(planRestore(r, first, { ...running, failed: true }));
        // A different restore is a new start; removing atlas.restore starts the services on the data as it is.
        const retry = planRestore(snap("65f000000000000000000002"), failed);
        assert.deepEqual([retry.step, retry.submitJob, retry.stopServices], ["start", true, true]);
        const gaveUp = planRestore(undefined, failed, { ...running, failed: true });
        assert.deepEqual([gaveUp.step, gaveUp.stopServices], ["none", false]);
        assert.match(gaveUp.now, /starts the services again on the data as it is: atlas.restore was removed after restore job 6a0000000000000000000001 of pg-prod failed/);
    });

    it("keeps watching a running job even when its config is removed or changed", () => {
        const r = pit("2026-11-30T10:00:00Z");
        const first = after(planRestore(r, undefined));
        for (const config of [undefined, pit("2026-11-30T11:00:00Z")]) {
            const p = planRestore(config, first, running);
            assert.deepEqual([p.step, p.stopServices, p.submitJob], ["waiting", true, false]);
        }
        assert.match(planRestore(pit("2026-11-30T11:00:00Z"), first, running).now, /names another restore: it starts once this job has ended/);
        assert.equal(planRestore(undefined, first, finished).step, "restored");
        // Once it has ended, the other restore starts (the services stay stopped in between).
        const next = planRestore(pit("2026-11-30T11:00:00Z"), first, finished);
        assert.deepEqual([next.step, next.stopServices, next.submitJob, next.key], ["start", true, true, restoreKey(pit("2026-11-30T11:00:00Z"))]);
    });

    it("keeps the services stopped, without submitting again, when Atlas cannot answer about the job", () => {
        const r = snap("65f000000000000000000001");
        const first = after(planRestore(r, undefined));
        const lost: JobState = { unreadable: "error getting cloudProviderSnapshotRestoreJob Information: 404 Not Found" };
        const p = planRestore(r, first, lost);
        assert.deepEqual([p.step, p.stopServices, p.submitJob, p.jobId], ["waiting", true, false, "6a0000000000000000000001"]);
        assert.match(p.now, /cannot read restore job 6a0000000000000000000001 of pg-prod \(error getting cloudProviderSnapshotRestoreJob Information: 404 Not Found\); every admin, main and worker task stays stopped; the job is not submitted again/);
        assert.match(p.next, /remove atlas\.restore to start the services/);
        // Read again on the next up: a passing API failure resolves itself.
        assert.deepEqual(jobToRead(r, after(p)), { projectId: "5f00000000000000000000aa", clusterName: "pg-prod", jobId: "6a0000000000000000000001" });
        assert.equal(planRestore(r, after(p), finished).step, "restored");
        // The operator, having seen the job end, lets the services start.
        const gaveUp = planRestore(undefined, after(p), lost);
        assert.deepEqual([gaveUp.step, gaveUp.stopServices, gaveUp.submitJob], ["none", false, false]);
        assert.match(gaveUp.now, /starts the services again on the data as it is: atlas.restore was removed while restore job 6a0000000000000000000001 of pg-prod could not be read/);
        // Another restore waits for this one too.
        assert.deepEqual([planRestore(snap("65f000000000000000000002"), after(p), lost).step, planRestore(snap("65f000000000000000000002"), after(p), lost).submitJob], ["waiting", false]);
    });

    it("asks the operator about a restore configured on a stack deployed before restore steps were recorded", () => {
        const r = snap("65f000000000000000000001");
        const problem = unrecordedRestore(r, true, undefined);
        assert.equal(problem?.path, "atlas.restore");
        assert.match(problem!.message, /recorded no restore step .*if that deployment already ran this restore, remove atlas.restore .*to restore now, remove it, run `pulumi up`, then set it again/);
        assert.equal(unrecordedRestore(r, false, undefined), undefined, "a first deployment starts it");
        assert.equal(unrecordedRestore(r, true, { step: "none" }), undefined, "a recorded stack plans it");
        assert.equal(unrecordedRestore(undefined, true, undefined), undefined);
    });

    it("restores again only when the config names a different restore", () => {
        const r = pit("2026-11-30T10:00:00Z");
        const done: RestoreRecord = { key: restoreKey(r), step: "done", jobId: "6a0000000000000000000001", sourceProjectId: base.sourceProjectId, sourceClusterName: "pg-prod" };
        assert.equal(planRestore(r, done).submitJob, false);
        assert.equal(isNewRestore(pit("2026-11-30T09:00:00Z"), done), true);
        assert.equal(planRestore(pit("2026-11-30T09:00:00Z"), done).step, "start");
        assert.deepEqual([planRestore(undefined, done).step, planRestore(undefined, undefined).stopServices], ["none", false]);
    });

    describe("what Atlas would refuse, from the source read at preview", () => {
        const source: SourceFacts = { mongoDbVersion: "8.0.4", mongoDbMajorVersion: "8.0", tier: "M30", diskSizeGb: 40, backupEnabled: true, pitEnabled: true, restoreWindowDays: 7, sourceOrgId: "o1", targetOrgId: "o1" };
        const target: TargetFacts = { mongoVersion: "8.0", tier: "M30", diskAutoScaling: true };
        const paths = (r: AtlasRestore, s: Partial<SourceFacts> = {}, t: Partial<TargetFacts> = {}, now = NOW) => sourceProblems(r, { ...source, ...s }, { ...target, ...t }, now);

        it("accepts a restore into the same or a newer release, within the source's window", () => {
            assert.deepEqual(paths(pit("2026-11-24T12:00:01Z")), []);
            assert.deepEqual(paths(snap("65f000000000000000000001"), { mongoDbMajorVersion: "7.0", mongoDbVersion: "7.0.12" }), []);
        });

        it("refuses an older target release, naming the source's", () => {
            const [p] = paths(snap("65f000000000000000000001"), {}, { mongoVersion: "7.0" });
            assert.equal(p.path, "atlas.mongoVersion");
            assert.match(p.message, /pg-prod runs 8\.0\.4, and Atlas restores only into the same or a newer release/);
        });

        it("refuses a target more than one major release above the source", () => {
            const [p] = paths(snap("65f000000000000000000001"), { mongoDbVersion: "6.0.20", mongoDbMajorVersion: "6.0" }, { mongoVersion: "8.0" });
            assert.equal(p.path, "atlas.mongoVersion");
            assert.match(p.message, /is more than one major release above the source's: pg-prod runs 6\.0\.20, and Atlas restores only into the same major release or the next higher one/);
            assert.deepEqual(paths(snap("65f000000000000000000001"), { mongoDbVersion: "7.0.15", mongoDbMajorVersion: "7.0" }, { mongoVersion: "8.0" }), [], "the next higher one");
            assert.deepEqual(paths(snap("65f000000000000000000001"), { mongoDbVersion: "6.0.20", mongoDbMajorVersion: "6.0" }, { mongoVersion: "7.0" }), []);
        });

        it("refuses a cross-organization restore (Atlas UI only)", () => {
            const [p] = paths(snap("65f000000000000000000001"), { sourceOrgId: "o2" });
            assert.deepEqual([p.path, p.value], ["atlas.restore.sourceProjectId", base.sourceProjectId]);
            assert.match(p.message, /organization o2, this stack's project in o1: Atlas restores across organizations only in its UI/);
        });

        it("takes the window from the source's backup schedule, not a guess", () => {
            const [p] = paths(pit("2026-11-27T11:59:59Z"), { restoreWindowDays: 3 });
            assert.equal(p.path, "atlas.restore.pointInTime");
            assert.match(p.message, /before the restore window of pg-prod \(its backup schedule's restoreWindowDays 3: 2026-11-27T12:00:00.000Z at the earliest\)/);
            assert.deepEqual(paths(pit("2026-11-27T12:00:01Z"), { restoreWindowDays: 3 }), []);
            assert.deepEqual(paths(pit("2026-11-24T12:00:01Z"), { restoreWindowDays: 2 }).map((x) => x.path), ["atlas.restore.pointInTime"], "dev's 2-day window");
        });

        it("needs M10+ and continuous backup for a point in time, and backup at all", () => {
            assert.match(paths(pit("2026-11-30T10:00:00Z"), { pitEnabled: false })[0].message, /needs continuous cloud backup on the source; pg-prod has pitEnabled false/);
            assert.match(paths(pit("2026-11-30T10:00:00Z"), { tier: "M5" })[0].message, /needs a dedicated \(M10\+\) source; pg-prod is M5/);
            assert.deepEqual(paths(snap("65f000000000000000000001"), { pitEnabled: false }), [], "a snapshot needs no continuous backup");
            assert.equal(paths(snap("65f000000000000000000001"), { backupEnabled: false })[0].path, "atlas.restore.sourceClusterName");
        });

        it("refuses a target whose disk cannot hold the source's", () => {
            const [p] = paths(snap("65f000000000000000000001"), { diskSizeGb: 200 }, { tier: "M10" });
            assert.deepEqual([p.path, p.value], ["atlas.tier", "M10"]);
            assert.match(p.message, new RegExp(`M10 holds at most ${ATLAS_TIER_STORAGE_GB.M10.max} GB \\(with disk auto-scaling\\), less than the 200 GB disk of pg-prod`));
            assert.match(paths(snap("65f000000000000000000001"), { diskSizeGb: 40 }, { tier: "M10", diskAutoScaling: false })[0].message, /M10 holds at most 10 GB \(disk auto-scaling off\)/);
            assert.deepEqual(paths(snap("65f000000000000000000001"), { diskSizeGb: 40 }, { tier: "M10" }), []);
        });
    });
});
