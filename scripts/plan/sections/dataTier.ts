/** The Atlas replica set and the cache: size, backups, reachability, users, failover. */
import { Section } from "../section";

export const dataTier: Section = (run) => {
    const lines: string[] = [];
    const cluster = run.ofType("mongodbatlas:index/advancedCluster:AdvancedCluster")[0];
    if (cluster) {
        const region = cluster.inputs.replicationSpecs[0].regionConfigs[0];
        const schedule = run.ofType("mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule")[0];
        const privateLink = run.ofType("mongodbatlas:index/privateLinkEndpointService:PrivateLinkEndpointService").length > 0;
        const entries = run.ofType("mongodbatlas:index/projectIpAccessList:ProjectIpAccessList");
        const accessList = entries.filter((a) => a.inputs.ipAddress).map((a) => a.inputs.ipAddress);
        const checkFrom = entries.filter((a) => a.inputs.cidrBlock).map((a) => a.inputs.cidrBlock);
        const configs: any[] = cluster.inputs.replicationSpecs[0].regionConfigs;
        const nodes = configs.reduce((n, r) => n + r.electableSpecs.nodeCount, 0);
        const where = configs.length > 1 ? configs.map((r) => `${r.regionName} ${r.electableSpecs.nodeCount} (priority ${r.priority})`).join(" + ") : region.regionName;
        const copies = (schedule?.inputs.copySettings ?? []).map((c: any) => `${c.regionName}${c.shouldCopyOplogs ? " with the oplog (point-in-time restore there)" : ""}`);
        const scaling = region.autoScaling?.computeEnabled ? `, auto-scaling ${region.autoScaling.computeMinInstanceSize}–${region.autoScaling.computeMaxInstanceSize}` : "";
        lines.push(
            `Atlas ${cluster.inputs.name}: ${cluster.inputs.clusterType} of ${nodes} electable nodes, ${region.electableSpecs.instanceSize}${scaling}, ${where}, MongoDB ${cluster.inputs.mongoDbMajorVersion}`,
            // atlas.regions: the step of the growth across regions, and what comes next (lib/regionLoss.ts).
            ...(run.outputs.atlasCluster?.step ? [`  regions: ${run.outputs.atlasCluster.step}; next: ${run.outputs.atlasCluster.next}`] : []),
            `  backups: cloud backup ${cluster.inputs.backupEnabled ? "on" : "OFF"}, point-in-time ${cluster.inputs.pitEnabled ? "on" : "off"}` +
                (schedule ? `, daily snapshots kept ${schedule.inputs.policyItemDaily.retentionValue} days` : "") +
                (copies.length ? `, copied to ${copies.join(", ")}` : "") +
                `; termination protection ${cluster.inputs.terminationProtectionEnabled ? "on" : "off"}${cluster.protect ? "; protected" : ""}`,
            ...run.ofType("mongodbatlas:index/cloudBackupSnapshotRestoreJob:CloudBackupSnapshotRestoreJob").map((j) => {
                const d = j.inputs.deliveryTypeConfig;
                const what = d.pointInTime ? `its state at ${new Date(d.pointInTimeUtcSeconds * 1000).toISOString()}` : `snapshot ${j.inputs.snapshotId}`;
                return `  ! RESTORES ${what} of ${j.inputs.clusterName} (project ${j.inputs.projectId}) into this cluster, overwriting its data, once every task using it has stopped`;
            }),
            `  reached ${privateLink ? "over PrivateLink only" : accessList.length ? `from the NAT addresses ${accessList.join(", ")}` : checkFrom.length ? `from ${checkFrom.join(", ")} only (to check the restored data)` : "by no client (no access list)"}; ` +
                `users: ${run.ofType("mongodbatlas:index/databaseUser:DatabaseUser").map((u) => (u.inputs.awsIamType === "ROLE" ? `${u.name} (IAM role)` : `${u.inputs.username} (password)`)).join(", ") || "none"}`,
        );
    }
    const group = run.ofType("aws:elasticache/replicationGroup:ReplicationGroup")[0];
    if (group) {
        const g = group.inputs;
        lines.push(
            `Cache ${g.replicationGroupId}: ${g.engine} ${g.engineVersion}, ${g.nodeType} × ${g.numCacheClusters} (primary + ${g.numCacheClusters - 1} replica${g.numCacheClusters === 2 ? "" : "s"})`,
            `  automatic failover ${g.automaticFailoverEnabled ? "on" : "off"}, Multi-AZ ${g.multiAzEnabled ? "on" : "off"}; TLS ${g.transitEncryptionMode}, AUTH token, at rest KMS` +
                `; snapshots ${g.snapshotRetentionLimit ? `kept ${g.snapshotRetentionLimit} days` : "OFF"}${group.protect ? "; protected" : ""}`,
        );
    }
    return lines;
};
