import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as mongodbatlas from "@pulumi/mongodbatlas";
import * as random from "@pulumi/random";
import { HostMetricAlert, hostMetricAlert } from "../lib/atlasAlerts";
import { auditFilter } from "../lib/audit";
import { AtlasEncryption } from "./atlasEncryption";
import { Connections } from "./connections";
import { KmsKey } from "./kmsKey";
import { Network } from "./network";
import { UsersApplied } from "./usersApplied";
import { RegionNodes } from "../lib/regionLoss";
import { iamUri, passwordUri, plainUri } from "../lib/atlasUri";

/** Atlas maps each replica-set node to its own port on the endpoint service, within this range. */
export const ATLAS_PRIVATELINK_PORTS = { from: 1024, to: 65535 };

export interface DatabaseArgs {
    /** Stable cluster name; never derived from anything an operator edits (a new name is a new cluster). */
    clusterName: string;
    /** Create the Atlas project in this organization… */
    orgId?: string;
    /** …or use this existing project. */
    projectId?: string;
    /** Project name when one is created. */
    projectName: string;
    /** Dedicated tier, M10+. Editing it resizes the cluster in place. */
    tier: string;
    /** Atlas region, e.g. US_EAST_1. */
    region: string;
    /** AWS region of the VPC, e.g. us-east-1. */
    awsRegion: string;
    /** MongoDB major version. */
    mongoVersion: string;
    /** Electable nodes: 3, 5 or 7. Default (config) 3. */
    electableNodes: number;
    /**
     * The replica set across regions, highest priority first (lib/regionLoss.ts decides when it
     * may grow). Default: `electableNodes` in `region` alone, priority 7.
     */
    regions?: RegionNodes[];
    /**
     * Copy every snapshot (and, with continuous backup, the oplog) to this Atlas region, so that a
     * restore, to a point in time too, works there when the cluster's own region is lost. Default: none.
     */
    snapshotCopyRegion?: string;
    /** The application's database; the user may touch nothing else. */
    databaseName: string;
    /** Daily snapshot retention, days. */
    backupRetentionDays: number;
    /** Continuous backup (point-in-time restore). */
    pointInTimeRestore: boolean;
    /** Compute auto-scaling bounds; default none. */
    autoScaling?: { minTier: string; maxTier: string };
    /** Disk auto-scaling (diskGbEnabled): Atlas grows the disk with the data. Default true (config atlas.diskAutoScaling). */
    diskAutoScaling?: boolean;
    /** Termination protection and Pulumi `protect` (prod). */
    protect: boolean;
    /** The VPC: the PrivateLink endpoint sits in its private subnets. None: a cluster no client reaches (a restore drill). */
    network?: Network;
    /** PrivateLink (prod); otherwise the NAT gateways' addresses are allowed. */
    privateLink: boolean;
    /**
     * "password": a user per client (`clients`) with a generated password; "iam": a user per client
     * for its task role (MONGODB-AWS), no password at all. Default (config) password.
     */
    authentication: "password" | "iam" | "none";
    /** The clients (the gateway's services) that get a password user and URI of their own. Default none. */
    clients?: readonly string[];
    /**
     * Password users by rotation label ("" is the users created without one): each client's URI
     * uses `current`; the users of `keep` stay declared for one step while tasks holding their URIs
     * are replaced; `keepShared`: the kept user is the one user every client shared (of label `keep`),
     * whose URI `sharedUri` gives. Default: the users without a label only.
     */
    users?: { current: string; keep?: string; keepShared?: boolean };
    /** Encrypt the project's clusters at rest under this KMS key (components/atlasEncryption.ts). Default: Atlas's own keys. */
    customerKey?: KmsKey;
    /**
     * With PrivateLink: the private ranges of the peered VPC in another region (the warm standby's,
     * lib/peering.ts). Its tasks reach this region's nodes through this endpoint, and this stack's
     * tasks reach that region's nodes through the endpoint there. Default: none.
     */
    peerCidrs?: string[];
}

/** A backup to restore into the cluster: a snapshot, or a point in time of the source's continuous backup. */
export interface RestoreSource {
    sourceProjectId: string;
    sourceClusterName: string;
    pointInTime?: string;
    snapshotId?: string;
}

/** A client's password user, its password, and its URI (a Pulumi secret, known once Atlas applied the user). */
export interface PasswordUser {
    user: mongodbatlas.DatabaseUser;
    password: random.RandomPassword;
    username: string;
    applied: UsersApplied;
    uri: pulumi.Output<string>;
}

/**
 * The peer region's tasks may reach this region's Atlas interface endpoint (lib/peering.ts): its
 * group admits their private ranges on the ports Atlas maps the nodes to. A group in another
 * region cannot be referenced (Amazon VPC Peering Guide, "Update your security groups to reference
 * peer security groups": same Region only), so ranges, the peer's private subnets only.
 */
export function admitPeer(endpoint: Connections, cidrs: string[]): aws.vpc.SecurityGroupIngressRule[] {
    return endpoint.allowFromCidrs(cidrs, ATLAS_PRIVATELINK_PORTS, "MongoDB via PrivateLink from the peered region tasks");
}

/** And `client` may reach the peer region's Atlas interface endpoint, in the peer's private subnets: nothing else there. */
export function reachPeer(client: DatabaseClient, cidrs: string[], name: string): aws.vpc.SecurityGroupEgressRule[] {
    return cidrs.length ? client.connections.allowToCidrs(cidrs, ATLAS_PRIVATELINK_PORTS, `MongoDB via the peered region PrivateLink endpoint from ${name}`) : [];
}

/** What a client of the database brings: its security group and the role its tasks run as. */
export interface DatabaseClient {
    connections: Connections;
    taskRole: aws.iam.Role;
}

/**
 * The Atlas replica set (transactions and change streams need one), its backups, the
 * application's database user and the private path to it.
 */
export class Database extends pulumi.ComponentResource {
    readonly projectId: pulumi.Output<string>;
    readonly cluster: mongodbatlas.AdvancedCluster;
    /** Each client's password user of the label in force (password authentication). */
    readonly users: Record<string, PasswordUser> = {};
    /** The PrivateLink interface endpoint's security group, when PrivateLink is on. */
    readonly connections?: Connections;
    /** What must exist before any client can connect: the network path (`readyFor` adds the client's user). */
    readonly readyForClients: pulumi.Resource[] = [];
    /** The host of the SRV record the application connects to (the private endpoint's with PrivateLink). */
    readonly host: pulumi.Output<string>;
    /** The shared `mongodb+srv://` URI (IAM authentication, or none): TLS and majority writes; a Pulumi secret. */
    readonly uri: pulumi.Output<string>;
    /** The URI of the one user all clients shared, while it is kept for a step (`users.keepShared`): a Pulumi secret. */
    readonly sharedUri?: pulumi.Output<string>;
    private endpointId?: pulumi.Output<string>;
    private readonly child: pulumi.CustomResourceOptions;

    constructor(private readonly name: string, private readonly args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("payment-gateway:database:Database", name, {}, opts);
        this.child = { parent: this };

        this.projectId = this.project();
        const encryption = args.customerKey
            ? new AtlasEncryption(`${name}-encryption`, { projectId: this.projectId, key: args.customerKey, atlasRegion: args.region, awsRegion: args.awsRegion }, { parent: this })
            : undefined;
        this.cluster = this.createCluster(encryption);
        this.createBackupSchedule();
        let shared: { user: mongodbatlas.DatabaseUser; password: random.RandomPassword; username: string } | undefined;
        if (args.authentication === "password") {
            const users = args.users ?? { current: "" };
            if (users.keep !== undefined && users.keepShared) shared = this.createSharedUser(users.keep);
            else if (users.keep !== undefined && users.keep !== users.current) for (const client of args.clients ?? []) this.createServiceUser(client, users.keep);
            for (const client of args.clients ?? []) this.users[client] = this.createServiceUser(client, users.current, true);
        }
        if (args.network && args.privateLink) this.connections = this.createPrivateLink(args.network);
        else if (args.network) this.allowNatAddresses(args.network);
        if (this.connections && args.peerCidrs?.length) admitPeer(this.connections, args.peerCidrs);
        this.host = this.srvHost();
        this.uri = pulumi.secret(this.connectionString());
        for (const own of Object.values(this.users)) own.uri = pulumi.secret(this.passwordUri(own.username, own.password.result, own.applied));
        // The URI the running tasks already read: the same string as before the users per client, so its secret is not rewritten.
        if (shared) this.sharedUri = pulumi.secret(this.passwordUri(shared.username, shared.password.result));

        this.registerOutputs({ clusterName: this.cluster.name });
    }

    /**
     * Alerts the project's owners (and `emails`) when the cluster's connections exceed
     * `threshold` per node: more than the connection budget means something besides the sized
     * pools is connecting, or the budget is wrong.
     */
    alertOnConnections(threshold: number, emails: string[]): mongodbatlas.AlertConfiguration {
        return this.metricAlert("connections", threshold, emails);
    }

    /**
     * Database auditing of the project (lib/audit.ts): authentication, authorization failures, user
     * and role changes and DDL. Atlas keeps the audit log 30 days (download: `atlas logs download
     * <host> mongodb-audit-log.gz`). mongodbatlas provider internal/service/auditing/resource_auditing.go:
     * project_id is ForceNew, the rest updates in place; delete sets enabled=false.
     */
    audit(): mongodbatlas.Auditing {
        return new mongodbatlas.Auditing(this.name, {
            projectId: this.projectId,
            enabled: true,
            auditFilter: auditFilter(),
            auditAuthorizationSuccess: false,
        }, {
            ...this.child,
            // Atlas audits M10+ clusters only: enabled once the project has one (an ordering we could
            // not confirm Atlas requires, kept because auditing an empty project has no use).
            dependsOn: [this.cluster],
        });
    }

    /** Alerts when a secondary lags the primary by more than `seconds`. */
    alertOnReplicationLag(seconds: number, emails: string[]): mongodbatlas.AlertConfiguration {
        return this.metricAlert("replication-lag", seconds, emails);
    }

    /** Alerts when a node's data disk is fuller than `percent` (lib/atlasAlerts.ts: the metric and its source). */
    alertOnDiskUsed(percent: number, emails: string[]): mongodbatlas.AlertConfiguration {
        return this.metricAlert("disk-used", percent, emails);
    }

    /** Alerts when a node's CPU (user time, normalized to its cores) is above `percent` (lib/atlasAlerts.ts). */
    alertOnCpu(percent: number, emails: string[]): mongodbatlas.AlertConfiguration {
        return this.metricAlert("cpu", percent, emails);
    }

    /** A host-metric alert on the project's nodes (lib/atlasAlerts.ts: which metric, on which nodes). */
    private metricAlert(suffix: HostMetricAlert, threshold: number, emails: string[]): mongodbatlas.AlertConfiguration {
        return new mongodbatlas.AlertConfiguration(`${this.name}-${suffix}`, { projectId: this.projectId, ...hostMetricAlert(suffix, threshold, emails) }, this.child);
    }

    /**
     * Lets `client` reach the cluster through the PrivateLink endpoint (without PrivateLink the NAT
     * addresses are already allowed) and, with IAM authentication, log in as its task role.
     * Returns what must exist before the client starts.
     */
    allowFrom(client: DatabaseClient, name: string): pulumi.Resource[] {
        const ready: pulumi.Resource[] = [];
        if (this.connections) ready.push(...this.connections.allowFrom(client.connections, ATLAS_PRIVATELINK_PORTS, `MongoDB via PrivateLink from ${name}`), ...reachPeer(client, this.args.peerCidrs ?? [], name));
        // Without PrivateLink the cluster answers on its public hosts (port 27017), reached through the NAT.
        else if (this.args.network) ready.push(...client.connections.allowToCidrs(["0.0.0.0/0"], 27017, `MongoDB on Atlas public hosts via NAT from ${name}`));
        if (this.args.authentication === "iam") {
            const user = this.createUser(`${this.name}-${name}`, { username: client.taskRole.arn, awsIamType: "ROLE", authDatabaseName: "$external" });
            ready.push(user, this.appliedWait(user, `${this.name}-${name}`));
        }
        return ready;
    }

    /**
     * What a client waits for besides the user itself: Atlas applies a new user to the cluster
     * after the provider's create returned, and until then it cannot log in (components/usersApplied.ts).
     */
    private appliedWait(user: mongodbatlas.DatabaseUser, name: string): UsersApplied {
        return new UsersApplied(`${name}-applied`, { projectId: this.projectId, clusterName: this.cluster.name, username: user.username }, { ...this.child, dependsOn: [user] });
    }

    /**
     * What `client` waits for before it starts: the network path, and (password authentication) its
     * own user, applied by Atlas. IAM users come with `allowFrom`.
     */
    readyFor(client: string): pulumi.Resource[] {
        const own = this.users[client];
        return own ? [...this.readyForClients, own.user, own.applied] : [...this.readyForClients];
    }

    /** `client`'s own URI (password authentication), else the shared one: a Pulumi secret. */
    uriFor(client: string): pulumi.Output<string> {
        const own = this.users[client];
        return own ? own.uri : this.uri;
    }

    /**
     * The one application user all clients shared before each had its own, of a rotation label (""
     * is the original user): declared only while it is kept for the move's step, under the names it
     * always had (logical names, user name and password), so nothing about it changes.
     */
    private createSharedUser(label: string): { user: mongodbatlas.DatabaseUser; password: random.RandomPassword; username: string } {
        const suffix = label ? `-${label}` : "";
        const username = `${this.args.clusterName}-app${suffix}`;
        const password = new random.RandomPassword(label ? `${this.name}-app${suffix}-password` : `${this.name}-app`, { length: 32, special: false }, this.child);
        const user = this.createUser(label ? `${this.name}-app${suffix}` : this.name, { username, password: password.result, authDatabaseName: "admin" });
        return { user, password, username };
    }

    /**
     * `client`'s password user of a rotation label ("" is the user created without one): user name
     * `<cluster>-<client>[-<label>]`, which no shared user (`<cluster>-app[-<label>]`) can take,
     * since no client is named "app". The provider replaces a user whose `username` or `projectId`
     * changes (RequiresReplace: terraform-provider-mongodbatlas internal/service/databaseuser/
     * resource_database_user.go, Schema), so the name never moves with an edit; the password
     * updates in place. `current`: the user the URI names, with its wait until Atlas applied it.
     */
    private createServiceUser(client: string, label: string, current = false): PasswordUser {
        const suffix = label ? `-${label}` : "";
        const name = `${this.name}-${client}-app${suffix}`;
        const username = `${this.args.clusterName}-${client}${suffix}`;
        const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, this.child);
        const user = this.createUser(name, { username, password: password.result, authDatabaseName: "admin" });
        const applied = current ? this.appliedWait(user, name) : undefined;
        // The URI needs the host, known once the network path is declared: set by the constructor then.
        return { user, password, username, applied: applied!, uri: undefined! };
    }

    /**
     * Submits Atlas's restore job into this cluster (it overwrites its data): a snapshot (automated
     * delivery) or a point in time, once everything in `after` is done (the clients stopped).
     * Declare it in the one `pulumi up` that starts the restore, never again (lib/restore.ts): the
     * provider's create only submits the job, every input forces a new job, its delete cancels
     * nothing for these delivery types, and a read that gets a 404 drops it from state so that a
     * later declaration would submit it again. retainOnDelete: when the next `pulumi up` no longer
     * declares it, Pulumi forgets it without calling the provider at all.
     */
    restoreFrom(r: RestoreSource, after: pulumi.Resource[]): mongodbatlas.CloudBackupSnapshotRestoreJob {
        const target = { targetClusterName: this.cluster.name, targetProjectId: this.projectId };
        return new mongodbatlas.CloudBackupSnapshotRestoreJob(`${this.name}-restore`, {
            projectId: r.sourceProjectId,
            clusterName: r.sourceClusterName,
            snapshotId: r.snapshotId,
            deliveryTypeConfig: r.snapshotId
                ? { automated: true, ...target }
                : { pointInTime: true, pointInTimeUtcSeconds: Math.floor(Date.parse(r.pointInTime!) / 1000), ...target },
        }, { ...this.child, dependsOn: after, retainOnDelete: true });
    }

    /**
     * A temporary read-only user (the application database only) with a generated password, and
     * the project access list entry for `cidr`: what a person checking a restore drill's data
     * connects with. Both go with the drill's stack.
     */
    allowVerification(cidr: string): { username: string; password: pulumi.Output<string>; uri: pulumi.Output<string> } {
        const username = `${this.args.clusterName}-verify`;
        const password = new random.RandomPassword(`${this.name}-verify`, { length: 32, special: false }, this.child);
        new mongodbatlas.DatabaseUser(`${this.name}-verify`, {
            projectId: this.projectId,
            username,
            password: password.result,
            authDatabaseName: "admin",
            roles: [{ roleName: "read", databaseName: this.args.databaseName }],
            scopes: [{ name: this.cluster.name, type: "CLUSTER" }],
        }, this.child);
        new mongodbatlas.ProjectIpAccessList(`${this.name}-verify`, {
            projectId: this.projectId,
            cidrBlock: cidr,
            comment: `restore drill ${this.args.clusterName}: checking the restored data`,
        }, this.child);
        const uri = pulumi.all([this.cluster.connectionStrings.standardSrv, password.result]).apply(([srv, pw]) =>
            `mongodb+srv://${encodeURIComponent(username)}:${encodeURIComponent(pw)}@${stripScheme(srv)}/${this.args.databaseName}?tls=true&authSource=admin&readPreference=secondaryPreferred`,
        );
        return { username, password: pulumi.secret(password.result), uri: pulumi.secret(uri) };
    }

    private srvHost(): pulumi.Output<string> {
        if (!this.args.privateLink) return this.cluster.connectionStrings.standardSrv.apply(stripScheme);
        // The cluster's private connection strings exist only once the endpoint service does:
        // read them back after it, and pick the one for our endpoint.
        const cluster = mongodbatlas.getAdvancedClusterOutput(
            { projectId: this.projectId, name: this.cluster.name },
            { parent: this, dependsOn: this.readyForClients },
        );
        return pulumi.all([cluster.connectionStrings, this.endpointId!]).apply(([strings, endpointId]) => {
            const found = strings.privateEndpoints.find((pe) => pe.endpoints.some((e) => e.endpointId === endpointId));
            if (!found) throw new Error(`Atlas cluster ${this.args.clusterName} has no private connection string for endpoint ${endpointId}`);
            return stripScheme(found.srvConnectionString);
        });
    }

    private project(): pulumi.Output<string> {
        if (this.args.projectId) return pulumi.output(this.args.projectId);
        const project = new mongodbatlas.Project(this.name, {
            name: this.args.projectName,
            orgId: this.args.orgId!,
        }, { ...this.child, protect: this.args.protect });
        return project.id;
    }

    private createCluster(encryption?: AtlasEncryption): mongodbatlas.AdvancedCluster {
        const { tier, autoScaling } = this.args;
        // The provider sends diskGbEnabled only when set, and documents its default as false
        // (internal/service/advancedcluster/schema.go descDiskGBEnabled): send it always.
        const diskGbEnabled = this.args.diskAutoScaling ?? true;
        return new mongodbatlas.AdvancedCluster(this.name, {
            projectId: this.projectId,
            name: this.args.clusterName,
            clusterType: "REPLICASET",
            mongoDbMajorVersion: this.args.mongoVersion,
            backupEnabled: true,
            pitEnabled: this.args.pointInTimeRestore,
            terminationProtectionEnabled: this.args.protect,
            // In place on an existing cluster (no RequiresReplace; see AtlasEncryption).
            encryptionAtRestProvider: encryption ? "AWS" : undefined,
            // Atlas-managed sizes (auto-scaled instanceSize, diskSizeGb, diskIops) live in the
            // effective specs, apart from what we send: an update of any other field never re-sends
            // a stale size and scales the cluster back (the provider's answer to ignoreChanges).
            useEffectiveFields: true,
            // One replication spec (a replica set), a region config per region, highest priority first.
            // Region configs update in place: of the cluster's inputs only name and projectId force a
            // new cluster (terraform-provider-mongodbatlas internal/service/advancedcluster/schema.go,
            // RequiresReplace); an update PATCHes the cluster and waits until it is IDLE again
            // (resource.go updateCluster, common_await_changes.go AwaitChanges). Every region gets the
            // same sizes and auto-scaling, and useEffectiveFields covers each of them: no ignore path
            // that would name region index 0 only.
            replicationSpecs: [{
                regionConfigs: (this.args.regions ?? [{ region: this.args.region, electableNodes: this.args.electableNodes, priority: 7 }]).map((r) => ({
                    providerName: "AWS",
                    regionName: r.region,
                    priority: r.priority,
                    electableSpecs: { instanceSize: tier, nodeCount: r.electableNodes },
                    autoScaling: autoScaling
                        ? { computeEnabled: true, computeScaleDownEnabled: true, computeMinInstanceSize: autoScaling.minTier, computeMaxInstanceSize: autoScaling.maxTier, diskGbEnabled }
                        : { computeEnabled: false, diskGbEnabled },
                })),
            }],
        }, { ...this.child, protect: this.args.protect, dependsOn: encryption ? [encryption.encryptionAtRest] : [] });
    }

    private createBackupSchedule(): mongodbatlas.CloudBackupSchedule {
        return new mongodbatlas.CloudBackupSchedule(this.name, {
            projectId: this.projectId,
            clusterName: this.cluster.name,
            referenceHourOfDay: 3,
            referenceMinuteOfHour: 0,
            restoreWindowDays: this.args.pointInTimeRestore ? Math.min(this.args.backupRetentionDays, 7) : undefined,
            policyItemDaily: { frequencyInterval: 1, retentionUnit: "days", retentionValue: this.args.backupRetentionDays },
            // Snapshot distribution (terraform-provider-mongodbatlas docs/resources/cloud_backup_schedule.md
            // copy_settings; resource_cloud_backup_schedule.go: an in-place update of the schedule,
            // only project_id and cluster_name force a new one): the daily snapshots (the one policy
            // item declared above) and, with continuous backup, the oplog, so that a point-in-time
            // restore works in the copy's region. zone_id: the replica set's one zone (the installed
            // @pulumi/mongodbatlas has zoneId, no replicationSpecId). `frequencies` is deprecated in
            // favour of copyPolicyItems / lastNumberOfSnapshots under copyPolicyItemsEnabled, which
            // Atlas cannot turn off once on (cloudBackupSchedule.d.ts): kept, as it still works and
            // the switch is one-way.
            copySettings: this.args.snapshotCopyRegion
                ? [{
                      cloudProvider: "AWS",
                      regionName: this.args.snapshotCopyRegion,
                      frequencies: ["DAILY"],
                      shouldCopyOplogs: this.args.pointInTimeRestore,
                      zoneId: this.cluster.replicationSpecs.apply((specs) => specs[0].zoneId),
                  }]
                : undefined,
        }, this.child);
    }

    /** TLS, majority writes, and either the password user's credentials or the MONGODB-AWS mechanism. */
    private connectionString(): pulumi.Output<string> {
        const db = this.args.databaseName;
        if (this.args.authentication === "iam") return this.host.apply((host) => iamUri(host, db));
        // Password authentication: no shared URI (each client has its own, `uriFor`); this one has no credentials.
        return this.host.apply((host) => plainUri(host, db));
    }

    /**
     * A password user's URI. Known only once Atlas has applied the user (`applied`): the secret
     * holding it moves to a new user no sooner, so no task (a replacement, a scale-out) starts with
     * a user that cannot log in yet. Without `applied`: a user Atlas applied long ago.
     */
    private passwordUri(username: string, password: pulumi.Output<string>, applied?: UsersApplied): pulumi.Output<string> {
        return pulumi.all([this.host, password, applied?.id]).apply(([host, pw]) => passwordUri(host, this.args.databaseName, username, pw));
    }

    private createUser(name: string, identity: Pick<mongodbatlas.DatabaseUserArgs, "username" | "password" | "awsIamType" | "authDatabaseName">): mongodbatlas.DatabaseUser {
        return new mongodbatlas.DatabaseUser(name, {
            projectId: this.projectId,
            ...identity,
            // The application database only: no *AnyDatabase role, no admin role.
            roles: [{ roleName: "readWrite", databaseName: this.args.databaseName }],
            scopes: [{ name: this.cluster.name, type: "CLUSTER" }],
        }, this.child);
    }

    private createPrivateLink(network: Network): Connections {
        const endpoint = new mongodbatlas.PrivateLinkEndpoint(this.name, {
            projectId: this.projectId,
            providerName: "AWS",
            region: this.args.awsRegion,
        }, this.child);
        const connections = new Connections(`${this.name}-atlas`, {
            vpcId: network.vpcId,
            description: "Atlas PrivateLink endpoint: MongoDB from the gateway services only",
        }, this.child);
        const vpce = new aws.ec2.VpcEndpoint(`${this.name}-atlas`, {
            vpcId: network.vpcId,
            serviceName: endpoint.endpointServiceName,
            vpcEndpointType: "Interface",
            subnetIds: network.privateSubnetIds,
            securityGroupIds: [connections.id],
            tags: { Name: `${this.name}-atlas` },
        }, this.child);
        const service = new mongodbatlas.PrivateLinkEndpointService(this.name, {
            projectId: this.projectId,
            privateLinkId: endpoint.privateLinkId,
            endpointServiceId: vpce.id,
            providerName: "AWS",
        }, this.child);
        this.endpointId = vpce.id;
        this.readyForClients.push(service);
        return connections;
    }

    private allowNatAddresses(network: Network): void {
        // Without PrivateLink the tasks reach Atlas through the NAT gateways: allow exactly those.
        network.natIps.forEach((ip, i) => {
            this.readyForClients.push(new mongodbatlas.ProjectIpAccessList(`${this.name}-nat-${i}`, {
                projectId: this.projectId,
                ipAddress: ip.publicIp,
                comment: `NAT gateway ${i} of ${this.args.clusterName}`,
            }, this.child));
        });
    }
}

function stripScheme(uri: string): string {
    return uri.replace(/^mongodb(\+srv)?:\/\//, "");
}
