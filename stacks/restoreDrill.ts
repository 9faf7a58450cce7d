/**
 * A restore drill: a small, short-lived Atlas cluster that a backup (of prod, typically) is restored
 * into, and nothing else: "automated backups" proved by a restore, not by a setting. The data is
 * checked with a temporary read-only user from the CIDR the config names.
 *
 *   backup (source project) ──restore job──▶ drill cluster ◀── read-only user (after the job, from verifyFrom)
 */
import * as pulumi from "@pulumi/pulumi";
import { Config } from "../lib/config";
import { RestorePlan } from "../lib/restore";
import { Database, RestoreSource } from "../components/database";
import { KmsKey } from "../components/kmsKey";
import { restoreOutput } from "./lastUpdate";
import { clusterArgs } from "./args";

export interface RestoreDrillInputs {
    config: Config;
    stack: string;
    /** The restore step this update takes (stacks/lastUpdate.ts). */
    restore: RestorePlan;
}

export function restoreDrill({ config, stack, restore }: RestoreDrillInputs) {
    const source = config.atlas.restore!;
    // Atlas restores a snapshot only into a cluster with the source's encryption provider, so a
    // backup of prod (encrypted under prod's customer key) needs a drill cluster under an AWS KMS
    // key too, in the same region (https://www.mongodb.com/docs/atlas/backup/cloud-backup/restore-from-ear/).
    const prefix = `payment-gateway-${stack}`;
    const atlasKey = config.security.atlasCustomerKey
        ? new KmsKey("pg-atlas-key", { description: `${prefix}: Atlas encryption at rest of the restore drill`, alias: `${prefix}-atlas` })
        : undefined;
    const database = new Database("pg", { ...clusterArgs(config, stack), customerKey: atlasKey, protect: false, privateLink: false, authentication: "none" });
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
