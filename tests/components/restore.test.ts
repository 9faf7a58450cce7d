import { strict as assert } from "assert";
import { evaluate } from "../../policy/rules";
import { ProgramError, Run, later, runProgram, stackRun } from "../harness";

const JOB = "mongodbatlas:index/cloudBackupSnapshotRestoreJob:CloudBackupSnapshotRestoreJob";
const CLUSTER = "mongodbatlas:index/advancedCluster:AdvancedCluster";
const SERVICE = "aws:ecs/service:Service";
const SCALER = "aws:appautoscaling/target:Target";
const READ_JOB = "mongodbatlas:index/getCloudBackupSnapshotRestoreJob:getCloudBackupSnapshotRestoreJob";
const READ_CLUSTER = "mongodbatlas:index/getAdvancedCluster:getAdvancedCluster";
const READ_SCHEDULE = "mongodbatlas:index/getCloudBackupSchedule:getCloudBackupSchedule";
const READ_PROJECT = "mongodbatlas:index/getProject:getProject";
const source = { sourceProjectId: "5f00000000000000000000aa", sourceClusterName: "pg-prod" };
const NOW = Date.parse("2026-11-30T12:00:00Z");
const hoursAgo = (h: number) => new Date(NOW - h * 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
/** The restore job as Atlas reports it at some moment. */
const job = (state: { finishedAt?: string; failed?: boolean; cancelled?: boolean }) => ({
    [READ_JOB]: (i: Record<string, any>) => ({ ...i, failed: false, cancelled: false, expired: false, finishedAt: "", deliveryType: "pointInTime", id: i.snapshotRestoreJobId, ...state }),
});
const finished = job({ finishedAt: "2026-11-30T12:45:00Z" });

async function refused(set: Record<string, unknown>, stack = "dev", answers = {}): Promise<string> {
    const error = await runProgram({ stack, set, now: NOW, answers }).then(() => assert.fail(`accepted ${JSON.stringify(set)}`), (e) => e as ProgramError);
    assert.deepEqual(error.resources, [], "nothing declared");
    return error.message;
}

/** Desired counts and autoscaling bounds of the three services. */
function counts(run: Run): Record<string, [number, number | undefined, number | undefined]> {
    return Object.fromEntries(run.ofType(SERVICE).map((s) => {
        const scaler = run.ofType(SCALER).find((t) => t.parent === s.parent);
        return [s.inputs.tags.service, [s.inputs.desiredCount, scaler?.inputs.minCapacity, scaler?.inputs.maxCapacity]];
    }));
}
const PROD_RUNNING = { admin: [2, 2, 4], main: [3, 3, 8], worker: [2, 2, 6] };
const PROD_STOPPED = { admin: [0, 0, 0], main: [0, 0, 0], worker: [0, 0, 0] };

describe("restore from backup", () => {
    describe("into prod, over a sequence of `pulumi up`s", () => {
        const at = hoursAgo(2);
        const set = { "atlas.restore": { ...source, pointInTime: at, allowIntoProd: true } };
        let start: Run, waiting: Run, restored: Run, weekLater: Run;
        before(async () => {
            start = await runProgram({ stack: "prod", set, now: NOW });
            waiting = await later(start, { days: 0.01 });
            restored = await later(waiting, { days: 0.02, answers: finished });
            weekLater = await later(restored, { days: 8 });
        });

        it("first stops every task (scaler floor and ceiling 0), then submits the job once they are gone", async () => {
            assert.deepEqual(counts(start), PROD_STOPPED);
            for (const s of start.ofType(SERVICE)) {
                assert.equal(s.inputs.waitForSteadyState, true, `${s.name}: up waits for 0 running tasks`);
                assert.deepEqual(s.ignoreChanges, [], `${s.name}: the 0 is sent, not left to the scaler`);
            }
            const j = start.one(JOB);
            const cluster = start.one(CLUSTER);
            assert.deepEqual(j.inputs.deliveryTypeConfig, {
                pointInTime: true,
                pointInTimeUtcSeconds: Math.floor(Date.parse(at) / 1000),
                targetClusterName: cluster.outputs.name,
                targetProjectId: start.one("mongodbatlas:index/project:Project").id,
            });
            assert.ok(j.propertyDependencies.deliveryTypeConfig.includes(cluster.urn), "the job waits for the cluster it restores into");
            for (const r of [...start.ofType(SERVICE), ...start.ofType(SCALER)]) assert.ok(j.dependsOn.includes(r.urn), `the job waits for ${r.name} to stop`);
            for (const s of start.ofType(SERVICE)) assert.ok(!s.dependencies.includes(j.urn), `${s.name} does not wait for the job's submission`);
            assert.equal(j.retainOnDelete, true, "forgotten, never deleted or cancelled, when no longer declared");
            assert.deepEqual([start.outputs.restore.step, start.outputs.restore.jobId], ["start", j.outputs.snapshotRestoreJobId]);
            assert.equal(start.outputs.restore.watch, `atlas backups restores watch ${j.outputs.snapshotRestoreJobId} --clusterName pg-prod --projectId 5f00000000000000000000aa`);
        });

        it("passes prod's mandatory policy pack while the services are stopped for it, and only then", () => {
            const failing = (run: Run) => evaluate(run.policyResources()).filter((r) => r.enforced && r.finding.violations.length).map((r) => `${r.rule.id}: ${r.finding.violations.join("; ")}`);
            assert.deepEqual(failing(start), []);
            assert.match(evaluate(start.policyResources()).find((r) => r.rule.id === "two-admin-two-main")!.finding.evidence, /admin stopped for a restore, main stopped for a restore/);
            for (const s of start.ofType(SERVICE)) assert.equal(s.inputs.tags["payment-gateway:stopped-for"], "restore");
            // The tag exempts only a service that really runs nothing.
            const tagged = JSON.parse(JSON.stringify(start.policyResources()));
            const admin = tagged.find((r: any) => r.type === SERVICE && r.props.tags?.service === "admin");
            admin.props.desiredCount = 1;
            for (const t of tagged.filter((r: any) => r.type === SCALER && String(r.props.resourceId).endsWith(`/${admin.props.name}`))) t.props.minCapacity = 1;
            assert.deepEqual(evaluate(tagged).find((r) => r.rule.id === "two-admin-two-main")!.finding.violations, ["admin: 1 instance"]);
            for (const s of restored.ofType(SERVICE)) assert.equal(s.inputs.tags["payment-gateway:stopped-for"], undefined, "the exemption ends with the stop");
            assert.deepEqual(failing(restored), []);
        });

        it("reads the source at preview before starting, and never again", () => {
            for (const token of [READ_CLUSTER, READ_SCHEDULE, READ_PROJECT]) assert.ok(start.invokes.some((i) => i.token === token && (i.inputs.projectId === source.sourceProjectId)), token);
            assert.ok(start.invokes.some((i) => i.token === READ_CLUSTER && i.inputs.name === "pg-prod" && i.inputs.projectId === source.sourceProjectId));
            for (const run of [waiting, restored, weekLater]) assert.ok(!run.invokes.some((i) => i.token === READ_SCHEDULE || (i.token === READ_CLUSTER && i.inputs.projectId === source.sourceProjectId)), "a started restore is not judged again");
        });

        it("keeps every task stopped while Atlas reports the job running, without submitting it again", () => {
            assert.deepEqual(counts(waiting), PROD_STOPPED);
            assert.equal(waiting.ofType(JOB).length, 0, "not declared again: nothing a read or a 404 could resubmit");
            const read = waiting.invokes.filter((i) => i.token === READ_JOB);
            assert.deepEqual(read.map((i) => [i.inputs.snapshotRestoreJobId, i.inputs.clusterName, i.inputs.projectId]), [[start.outputs.restore.jobId, "pg-prod", source.sourceProjectId]]);
            assert.equal(waiting.outputs.restore.step, "waiting");
            assert.equal(waiting.outputs.restore.watch, start.outputs.restore.watch, "the same job to watch");
        });

        it("brings the services back at their configured counts once the job has finished", () => {
            assert.deepEqual(counts(restored), PROD_RUNNING);
            for (const s of restored.ofType(SERVICE)) assert.deepEqual(s.ignoreChanges, ["desiredCount"], "the scaler owns the count again");
            assert.equal(restored.ofType(JOB).length, 0);
            assert.equal(restored.outputs.restore.step, "restored");
            assert.match(restored.outputs.restore.now, /finished at 2026-11-30T12:45:00Z/);
        });

        it("still deploys a week later, without a second restore or a look at the job", async () => {
            assert.deepEqual(counts(weekLater), PROD_RUNNING);
            assert.equal(weekLater.ofType(JOB).length, 0);
            assert.equal(weekLater.invokes.filter((i) => i.token === READ_JOB).length, 0, "a finished job is never read again");
            assert.equal(weekLater.outputs.restore.step, "done");
            const month = await later(weekLater, { days: 30, answers: job({ failed: true }) });
            assert.deepEqual([month.outputs.restore.step, month.ofType(JOB).length, counts(month)], ["done", 0, PROD_RUNNING], "whatever Atlas would say about the old job");
        });

        it("restores again only for a different restore config", async () => {
            const again = await later(weekLater, { set: { "atlas.restore": { ...source, snapshotId: "65f000000000000000000001", allowIntoProd: true } } });
            assert.equal(again.ofType(JOB).length, 1);
            assert.equal(again.one(JOB).inputs.snapshotId, "65f000000000000000000001");
            assert.deepEqual(counts(again), PROD_STOPPED);
        });
    });

    it("keeps the services stopped after a failed restore, says so, and starts them when told", async () => {
        const start = await runProgram({ stack: "dev", set: { "atlas.restore": { ...source, snapshotId: "65f000000000000000000001" } }, now: NOW });
        assert.equal(start.one(JOB).inputs.deliveryTypeConfig.automated, true);
        const failed = await later(start, { days: 0.1, answers: job({ failed: true }) });
        assert.deepEqual(failed.ofType(SERVICE).map((s) => s.inputs.desiredCount), [0, 0, 0]);
        assert.equal(failed.outputs.restore.step, "failed");
        assert.match(failed.outputs.restore.now, /it failed; every admin, main and worker task STAYS STOPPED/);
        assert.equal(failed.ofType(JOB).length, 0);
        const cancelled = await later(start, { days: 0.1, answers: job({ cancelled: true }) });
        assert.match(cancelled.outputs.restore.now, /was cancelled; every admin, main and worker task STAYS STOPPED/);
        const accepted = await later(failed, { set: { "atlas.restore": undefined } });
        assert.deepEqual(accepted.ofType(SERVICE).map((s) => s.inputs.desiredCount), [1, 1, 1]);
        assert.equal(accepted.outputs.restore.step, "none");
    });

    it("still previews and deploys, services stopped and nothing resubmitted, when Atlas cannot find the job", async () => {
        const start = await runProgram({ stack: "dev", set: { "atlas.restore": { ...source, snapshotId: "65f000000000000000000001" } }, now: NOW });
        const notFound = { [READ_JOB]: () => { throw new Error("error getting cloudProviderSnapshotRestoreJob Information: https://cloud.mongodb.com/api/atlas/v2/groups/5f00000000000000000000aa/clusters/pg-prod/backup/restoreJobs/x GET: HTTP 404 Not Found"); } };
        for (const preview of [true, false]) {
            const lost = await runProgram({ ...start.options, previous: start.outputs, now: NOW + 8_640_000, answers: notFound, preview });
            assert.deepEqual(lost.ofType(SERVICE).map((s) => s.inputs.desiredCount), [0, 0, 0], `preview ${preview}`);
            assert.equal(lost.ofType(JOB).length, 0);
            assert.equal(lost.outputs.restore.step, "waiting");
            assert.match(lost.outputs.restore.now, /cannot read restore job \w+ of pg-prod \(.*\); every admin, main and worker task stays stopped/);
        }
        const lost = await later(start, { days: 0.1, answers: notFound });
        const back = await later(lost, { days: 0.1, answers: finished });
        assert.equal(back.outputs.restore.step, "restored", "read again once Atlas answers");
        const released = await later(lost, { set: { "atlas.restore": undefined } });
        assert.deepEqual([released.outputs.restore.step, released.ofType(SERVICE).map((s) => s.inputs.desiredCount)], ["none", [1, 1, 1]]);
    });

    it("neither stops the services nor skips a restore on a stack an earlier version deployed", async () => {
        const { restore: _recorded, ...older } = (await stackRun("dev")).outputs;
        const set = { "atlas.restore": { ...source, snapshotId: "65f000000000000000000001" } };
        const error = await runProgram({ stack: "dev", set, now: NOW, previous: older }).then(() => assert.fail("accepted"), (e) => e as ProgramError);
        assert.deepEqual(error.resources, [], "nothing declared");
        assert.match(error.message, /payment-gateway:atlas\.restore is set on a stack whose last deployment recorded no restore step/);
    });

    it("refuses what Atlas would refuse or what would overwrite data by accident, before declaring anything", async () => {
        assert.match(await refused({ "atlas.restore": source }), /payment-gateway:atlas\.restore needs exactly one of pointInTime \(ISO-8601 UTC\) and snapshotId/);
        assert.match(await refused({ "atlas.restore": { ...source, pointInTime: hoursAgo(1), snapshotId: "65f000000000000000000001" } }), /needs exactly one of pointInTime/);
        assert.match(await refused({ "atlas.restore": { ...source, pointInTime: hoursAgo(-2) } }), /payment-gateway:atlas\.restore\.pointInTime is in the future/);
        assert.match(await refused({ "atlas.restore": { ...source, pointInTime: "2026-02-30T00:00:00Z" } }), /pointInTime is not a real moment/);
        assert.match(await refused({ "atlas.restore": { ...source, pointInTime: "yesterday" } }), /pointInTime must be an ISO-8601 UTC time such as 2026-11-28T21:30:00Z; got "yesterday"/);
        assert.match(await refused({ "atlas.restore": { ...source, snapshotId: "65f000000000000000000001" } }, "prod"), /payment-gateway:atlas\.restore\.allowIntoProd must be true to restore into a prod stack: the restore overwrites its data; got false/);
        assert.match(await refused({ "atlas.restore": { ...source, snapshotId: "65f000000000000000000001", verifyFrom: "203.0.113.0/24" } }), /atlas\.restore\.verifyFrom applies only when purpose is restore-drill/);
    });

    it("refuses, at preview, a restore the source's own settings rule out", async () => {
        const pit = (h: number) => ({ "atlas.restore": { ...source, pointInTime: hoursAgo(h) } });
        // The window is the source's backup schedule's, read from Atlas.
        assert.match(await refused(pit(24 * 8)), /payment-gateway:atlas\.restore\.pointInTime is before the restore window of pg-prod \(its backup schedule's restoreWindowDays 7: 2026-11-23T12:00:00\.000Z at the earliest\)/);
        const twoDays = { [READ_SCHEDULE]: (i: Record<string, any>) => ({ ...i, restoreWindowDays: 2, id: "s" }) };
        assert.match(await refused(pit(60), "dev", twoDays), /restoreWindowDays 2: 2026-11-28T12:00:00\.000Z at the earliest/);
        const older = { [READ_CLUSTER]: (i: Record<string, any>) => ({ ...i, mongoDbMajorVersion: "8.0", mongoDbVersion: "8.0.4", backupEnabled: true, pitEnabled: true, replicationSpecs: [{ regionConfigs: [{ electableSpecs: { instanceSize: "M30", diskSizeGb: 40 } }] }] }) };
        assert.match(await refused({ ...pit(2), "atlas.mongoVersion": "7.0" }, "dev", older), /payment-gateway:atlas\.mongoVersion must be at least the source's MongoDB version: pg-prod runs 8\.0\.4/);
        const noPit = { [READ_CLUSTER]: (i: Record<string, any>) => ({ ...older[READ_CLUSTER](i), pitEnabled: false }) };
        assert.match(await refused(pit(2), "dev", noPit), /atlas\.restore\.pointInTime needs continuous cloud backup on the source; pg-prod has pitEnabled false/);
        const otherOrg = { [READ_PROJECT]: (i: Record<string, any>) => ({ ...i, orgId: "5f00000000000000000000ff", id: i.projectId }) };
        assert.match(await refused(pit(2), "dev", otherOrg), /atlas\.restore\.sourceProjectId is in organization 5f00000000000000000000ff, this stack's project in 5f0000000000000000000001: Atlas restores across organizations only in its UI/);
        const big = { [READ_CLUSTER]: (i: Record<string, any>) => ({ ...older[READ_CLUSTER](i), replicationSpecs: [{ regionConfigs: [{ electableSpecs: { instanceSize: "M50", diskSizeGb: 1000 } }] }] }) };
        assert.match(await refused(pit(2), "dev", big), /payment-gateway:atlas\.tier M10 holds at most 100 GB \(with disk auto-scaling\), less than the 1000 GB disk of pg-prod/);
        // A source Atlas does not show these credentials (missing, or in another organization): the keys, not a provider error.
        const fail = () => { throw new Error("HTTP 404 Not Found"); };
        const unreadable = await refused(pit(2), "dev", { [READ_CLUSTER]: fail, [READ_PROJECT]: fail, [READ_SCHEDULE]: fail });
        assert.match(unreadable, /payment-gateway:atlas\.restore\.sourceClusterName cannot be read from Atlas \(cluster pg-prod in project 5f00000000000000000000aa.*\); check it exists and that this stack's Atlas credentials can read it; got "pg-prod"/);
        assert.match(unreadable, /payment-gateway:atlas\.restore\.sourceProjectId cannot be read from Atlas \(project 5f00000000000000000000aa/);
        const noSchedule = { [READ_SCHEDULE]: fail, [READ_CLUSTER]: (i: Record<string, any>) => ({ ...older[READ_CLUSTER](i), backupEnabled: false, pitEnabled: false }) };
        assert.match(await refused({ "atlas.restore": { ...source, snapshotId: "65f000000000000000000001" } }, "dev", noSchedule), /atlas\.restore\.sourceClusterName has cloud backup off/);
    });

    describe("the restore-drill stack", () => {
        let drill: Run, restored: Run;
        before(async () => {
            drill = await stackRun("restore-drill");
            restored = await later(drill, { days: 0.05, answers: finished });
        });

        it("is a small cluster that prod's backup is restored into, and a read-only way to check it", () => {
            assert.deepEqual(
                drill.resources.filter((r) => r.custom).map((r) => r.type).sort(),
                // Audited like prod (it holds a copy of prod's data), and under a key of its own.
                [CLUSTER, "aws:kms/key:Key", "aws:kms/alias:Alias", "aws:kms/keyPolicy:KeyPolicy", "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "mongodbatlas:index/cloudProviderAccessSetup:CloudProviderAccessSetup", "mongodbatlas:index/cloudProviderAccessAuthorization:CloudProviderAccessAuthorization", "mongodbatlas:index/encryptionAtRest:EncryptionAtRest", "mongodbatlas:index/auditing:Auditing", "mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule", JOB, "mongodbatlas:index/project:Project"].sort(),
                "no user, no access-list entry: no client while the restore runs",
            );
            assert.match(drill.outputs.verify.readOnlyUser, /^none while the restore runs: .*reachable from 203\.0\.113\.0\/24/);
            assert.deepEqual(
                restored.resources.filter((r) => r.custom).map((r) => r.type).sort(),
                [CLUSTER, "aws:kms/key:Key", "aws:kms/alias:Alias", "aws:kms/keyPolicy:KeyPolicy", "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "mongodbatlas:index/cloudProviderAccessSetup:CloudProviderAccessSetup", "mongodbatlas:index/cloudProviderAccessAuthorization:CloudProviderAccessAuthorization", "mongodbatlas:index/encryptionAtRest:EncryptionAtRest", "mongodbatlas:index/auditing:Auditing", "mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule", "mongodbatlas:index/project:Project", "mongodbatlas:index/databaseUser:DatabaseUser", "mongodbatlas:index/projectIpAccessList:ProjectIpAccessList", "random:index/randomPassword:RandomPassword"].sort(),
                "the read-only way in once the job has finished",
            );
            assert.equal(drill.one(CLUSTER).inputs.replicationSpecs[0].regionConfigs[0].electableSpecs.instanceSize, "M10");
            assert.equal(drill.one(CLUSTER).inputs.terminationProtectionEnabled, false, "short-lived: it must tear down");
            assert.deepEqual([drill.one(JOB).inputs.clusterName, drill.one(JOB).inputs.deliveryTypeConfig.targetClusterName], ["pg-prod", "pg-restore-drill"]);
            const user = restored.one("mongodbatlas:index/databaseUser:DatabaseUser");
            assert.deepEqual(user.inputs.roles, [{ roleName: "read", databaseName: "payment_gateway" }], "read-only, the application database only");
            assert.deepEqual(user.inputs.scopes, [{ name: "pg-restore-drill", type: "CLUSTER" }]);
            assert.ok(user.secretInputs.includes("password"));
            assert.equal(restored.one("mongodbatlas:index/projectIpAccessList:ProjectIpAccessList").inputs.cidrBlock, "203.0.113.0/24");
        });

        it("encrypts its cluster under an AWS KMS key before the restore, as Atlas requires of a restore from prod's customer-key snapshots", () => {
            const cluster = drill.one(CLUSTER);
            const ear = drill.one("mongodbatlas:index/encryptionAtRest:EncryptionAtRest");
            assert.equal(cluster.inputs.encryptionAtRestProvider, "AWS");
            assert.ok(cluster.dependsOn.includes(ear.urn));
            assert.equal(ear.inputs.awsKmsConfig.customerMasterKeyId, drill.one("aws:kms/key:Key", "pg-atlas-key").outputs.keyId);
            assert.equal(ear.inputs.awsKmsConfig.region, "US_EAST_1");
            assert.equal(drill.one("aws:kms/key:Key", "pg-atlas-key").protect, false, "short-lived: it must tear down");
        });

        it("says how to watch this restore job, check the data and tear the drill down", () => {
            const jobId = drill.one(JOB).outputs.snapshotRestoreJobId;
            assert.equal(drill.outputs.restore.watch, `atlas backups restores watch ${jobId} --clusterName pg-prod --projectId 5f00000000000000000000aa`);
            const password = restored.resources.find((r) => r.type === "random:index/randomPassword:RandomPassword")!.outputs.result;
            assert.equal(restored.outputs.verify.readOnlyPassword, password);
            assert.ok(restored.outputs.verify.connect.startsWith(`mongosh "mongodb+srv://pg-restore-drill-verify:${password}@pg-restore-drill.`));
            assert.ok(restored.secretOutputs.includes("verify"), "the password is a Pulumi secret");
            assert.equal(restored.outputs.verify.tearDown, "pulumi destroy --stack restore-drill --yes && pulumi stack rm restore-drill --yes");
        });

        it("restores once: the next `pulumi up` watches the job and declares it no more", async () => {
            const next = restored;
            assert.equal(next.ofType(JOB).length, 0);
            assert.equal(next.outputs.restore.step, "restored");
            assert.equal(next.outputs.restore.watch, drill.outputs.restore.watch);
        });

        it("is refused in prod, without a restore, or without the CIDR to check from", async () => {
            assert.match(await refused({ purpose: "restore-drill", "atlas.restore": undefined }, "restore-drill"), /payment-gateway:atlas\.restore is required when purpose is restore-drill/);
            assert.match(await refused({ purpose: "restore-drill", "atlas.restore": { ...source, snapshotId: "65f000000000000000000001", allowIntoProd: true } }, "prod"), /payment-gateway:purpose must be gateway in prod/);
            assert.match(await refused({ "atlas.restore.verifyFrom": undefined }, "restore-drill"), /payment-gateway:atlas\.restore\.verifyFrom is required when purpose is restore-drill/);
            assert.match(await refused({ "atlas.restore.verifyFrom": "0.0.0.0/0" }, "restore-drill"), /verifyFrom must be \/16 or narrower/);
        });
    });
});
