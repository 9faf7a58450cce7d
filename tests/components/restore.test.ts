import { strict as assert } from "assert";
import { ProgramError, Run, runProgram, stackRun } from "../harness";

const JOB = "mongodbatlas:index/cloudBackupSnapshotRestoreJob:CloudBackupSnapshotRestoreJob";
const CLUSTER = "mongodbatlas:index/advancedCluster:AdvancedCluster";
const source = { sourceProjectId: "5f00000000000000000000aa", sourceClusterName: "pg-prod" };
const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString().replace(/\.\d+Z$/, "Z");

async function refused(set: Record<string, unknown>, stack = "dev"): Promise<string> {
    const error = await runProgram({ stack, set }).then(() => assert.fail(`accepted ${JSON.stringify(set)}`), (e) => e as ProgramError);
    assert.deepEqual(error.resources, [], "nothing declared");
    return error.message;
}

describe("restore from backup", () => {
    it("restores a point in time into this stack's cluster after it exists, before any service starts", async () => {
        const at = hoursAgo(2);
        const run = await runProgram({ stack: "dev", set: { "atlas.restore": { ...source, pointInTime: at } } });
        const job = run.one(JOB);
        const cluster = run.one(CLUSTER);
        assert.deepEqual([job.inputs.projectId, job.inputs.clusterName, job.inputs.snapshotId], [source.sourceProjectId, "pg-prod", undefined]);
        assert.deepEqual(job.inputs.deliveryTypeConfig, {
            pointInTime: true,
            pointInTimeUtcSeconds: Math.floor(Date.parse(at) / 1000),
            targetClusterName: cluster.outputs.name,
            targetProjectId: run.one("mongodbatlas:index/project:Project").id,
        });
        assert.ok(job.propertyDependencies.deliveryTypeConfig.includes(cluster.urn), "the job waits for the cluster it restores into");
        for (const s of run.ofType("aws:ecs/service:Service")) assert.ok(s.dependsOn.includes(job.urn), `${s.name} starts only after the restore`);
    });

    it("restores a snapshot with automated delivery", async () => {
        const run = await runProgram({ stack: "dev", set: { "atlas.restore": { ...source, snapshotId: "65f000000000000000000001" } } });
        const job = run.one(JOB);
        assert.equal(job.inputs.snapshotId, "65f000000000000000000001");
        assert.equal(job.inputs.deliveryTypeConfig.automated, true);
        assert.equal(job.inputs.deliveryTypeConfig.pointInTime, undefined);
        assert.equal((await stackRun("dev")).ofType(JOB).length, 0, "no restore unless asked");
    });

    it("refuses what Atlas would refuse or what would overwrite data by accident", async () => {
        assert.match(await refused({ "atlas.restore": source }), /payment-gateway:atlas\.restore needs exactly one of pointInTime \(ISO-8601 UTC\) and snapshotId/);
        assert.match(await refused({ "atlas.restore": { ...source, pointInTime: hoursAgo(1), snapshotId: "65f000000000000000000001" } }), /needs exactly one of pointInTime/);
        assert.match(await refused({ "atlas.restore": { ...source, pointInTime: hoursAgo(-2) } }), /payment-gateway:atlas\.restore\.pointInTime is in the future/);
        assert.match(await refused({ "atlas.restore": { ...source, pointInTime: hoursAgo(24 * 8) } }), /payment-gateway:atlas\.restore\.pointInTime is before the source's restore window \(7 days: .* at the earliest\)/);
        assert.match(await refused({ "atlas.restore": { ...source, pointInTime: "2026-02-30T00:00:00Z" } }), /pointInTime is not a real moment/);
        assert.match(await refused({ "atlas.restore": { ...source, pointInTime: "yesterday" } }), /pointInTime must be an ISO-8601 UTC time such as 2026-11-28T21:30:00Z; got "yesterday"/);
        assert.match(await refused({ "atlas.restore": { ...source, snapshotId: "65f000000000000000000001" } }, "prod"), /payment-gateway:atlas\.restore\.allowIntoProd must be true to restore into a prod stack: the restore overwrites its data; got false/);
        const intoProd = await runProgram({ stack: "prod", set: { "atlas.restore": { ...source, snapshotId: "65f000000000000000000001", allowIntoProd: true } } });
        assert.equal(intoProd.ofType(JOB).length, 1);
    });

    describe("the restore-drill stack", () => {
        let drill: Run;
        before(async () => (drill = await stackRun("restore-drill")));

        it("is a small cluster that prod's backup is restored into, and nothing else", () => {
            assert.deepEqual(
                drill.resources.filter((r) => r.custom).map((r) => r.type).sort(),
                // Audited like prod (it holds a copy of prod's data), and under a key of its own.
                [
                    "mongodbatlas:index/advancedCluster:AdvancedCluster", "mongodbatlas:index/auditing:Auditing", "mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule", JOB, "mongodbatlas:index/project:Project",
                    "aws:kms/key:Key", "aws:kms/alias:Alias", "aws:kms/keyPolicy:KeyPolicy", "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy",
                    "mongodbatlas:index/cloudProviderAccessSetup:CloudProviderAccessSetup", "mongodbatlas:index/cloudProviderAccessAuthorization:CloudProviderAccessAuthorization", "mongodbatlas:index/encryptionAtRest:EncryptionAtRest",
                ].sort(),
            );
            assert.equal(drill.one(CLUSTER).inputs.replicationSpecs[0].regionConfigs[0].electableSpecs.instanceSize, "M10");
            assert.equal(drill.one(CLUSTER).protect, false);
            assert.equal(drill.one(CLUSTER).inputs.terminationProtectionEnabled, false, "short-lived: it must tear down");
            assert.deepEqual([drill.one(JOB).inputs.clusterName, drill.one(JOB).inputs.deliveryTypeConfig.targetClusterName], ["pg-prod", "pg-restore-drill"]);
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

        it("says how to watch the restore and tear the drill down", () => {
            assert.equal(drill.outputs.verify.restoreJobs, "atlas backups restores list pg-prod --projectId 5f00000000000000000000aa");
            assert.equal(drill.outputs.verify.tearDown, "pulumi destroy --stack restore-drill --yes && pulumi stack rm restore-drill --yes");
        });

        it("is refused in prod and without a restore", async () => {
            assert.match(await refused({ purpose: "restore-drill", "atlas.restore": undefined }, "restore-drill"), /payment-gateway:atlas\.restore is required when purpose is restore-drill/);
            assert.match(await refused({ purpose: "restore-drill", "atlas.restore": { ...source, snapshotId: "65f000000000000000000001", allowIntoProd: true } }, "prod"), /payment-gateway:purpose must be gateway in prod/);
        });
    });
});
