import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { Connections } from "./connections";
import { KmsKey } from "./kmsKey";
import { Network } from "./network";

export interface CacheArgs {
    /** Replication group id: 1–40 characters, stable (changing it replaces the cache). */
    replicationGroupId: string;
    /** valkey or redis. Default (config) valkey. */
    engine: "valkey" | "redis";
    /** Engine version, e.g. 8.0. */
    engineVersion: string;
    /** Node type, e.g. cache.t4g.small. Editing it resizes in place. */
    nodeType: string;
    /** Primary + replicas; ≥ 2 turns on automatic failover and Multi-AZ. Editing it scales in place. */
    nodes: number;
    /** Daily snapshots kept (0 = none). */
    snapshotRetentionDays: number;
    /** Port. Default (config) 6379. */
    port: number;
    /** Eviction policy; never one that evicts keys without a TTL. */
    maxmemoryPolicy: string;
    /** At-rest encryption key. */
    key: KmsKey;
    /** The VPC: the cache lives in its private subnets. */
    network: Network;
    /** Protect the replication group (prod). */
    protect: boolean;
    /** Tags (the cache-failover drill finds the group by them; a tag edit is in place). Default none. */
    tags?: Record<string, string>;
    /**
     * AUTH token rotation (lib/rotation.ts): a label regenerates the token, sent with ROTATE (the old
     * token stays valid) and then SET (only the new one is). Default: the token generated with the cache.
     */
    rotation?: { label?: string; strategy?: "ROTATE" | "SET" };
    /**
     * A secondary member of this ElastiCache Global Datastore (the primary stack's
     * `regionLoss.cacheGlobalReplicationGroupId`): engine, version, node type, parameter group and
     * encryption settings are the primary's (see createReplicationGroup). Default: none, a cache of its own.
     */
    secondaryOf?: pulumi.Input<string>;
    /** This cache is (or becomes) the primary of a Global Datastore (Cache.globalDatastore). Default false. */
    globalPrimary?: boolean;
}

/**
 * A Redis-compatible replication group for DEK caching, sessions and rate-limit state:
 * TLS-only with an AUTH token, encrypted at rest, Multi-AZ with automatic failover when it has
 * replicas, snapshotted daily, reachable only from the services it is opened to.
 */
export class Cache extends pulumi.ComponentResource {
    readonly connections: Connections;
    readonly replicationGroup: aws.elasticache.ReplicationGroup;
    readonly authToken: random.RandomPassword;
    private readonly finalSnapshotSuffix: random.RandomId;
    private readonly child: pulumi.CustomResourceOptions;

    constructor(private readonly name: string, private readonly args: CacheArgs, opts?: pulumi.ComponentResourceOptions) {
        super("payment-gateway:cache:Cache", name, {}, opts);
        this.child = { parent: this };

        this.authToken = this.createAuthToken();
        // One final snapshot per life of the group: a fixed name would collide on the second teardown.
        this.finalSnapshotSuffix = new random.RandomId(`${name}-final`, { byteLength: 4 }, this.child);
        this.connections = new Connections(`${name}-cache`, { vpcId: args.network.vpcId, description: "Cache: the engine port from the gateway services only" }, this.child);
        const subnetGroup = this.createSubnetGroup();
        // A secondary gets a global-datastore-… copy of the primary's parameter group from ElastiCache.
        const parameterGroup = args.secondaryOf === undefined ? this.createParameterGroup() : undefined;
        this.replicationGroup = this.createReplicationGroup(subnetGroup, parameterGroup);

        this.registerOutputs({ primaryEndpoint: this.primaryEndpoint });
    }

    get primaryEndpoint(): pulumi.Output<string> {
        return this.replicationGroup.primaryEndpointAddress;
    }

    /** The member clusters ElastiCache creates: <replication group id>-001, -002, … (metric dimensions). */
    get nodeIds(): string[] {
        return Array.from({ length: this.args.nodes }, (_, i) => `${this.args.replicationGroupId}-${String(i + 1).padStart(3, "0")}`);
    }

    /** `rediss://default:<token>@<primary>:<port>/0`, a Pulumi secret (MPG_GARNET_URL). */
    get url(): pulumi.Output<string> {
        return pulumi.secret(
            pulumi.interpolate`rediss://default:${this.authToken.result}@${this.replicationGroup.primaryEndpointAddress}:${this.args.port}/0`,
        );
    }

    /** Lets `client` reach the cache's port; returns what must exist before the client starts. */
    allowFrom(client: { connections: Connections }, name: string): pulumi.Resource[] {
        return this.connections.allowFrom(client.connections, this.args.port, `cache port from ${name}`);
    }

    /** Parameter-group family for the engine and version (valkey8, redis7, redis6.x). */
    static family(engine: string, version: string): string {
        const major = version.split(".")[0];
        return engine === "redis" && major === "6" ? "redis6.x" : `${engine}${major}`;
    }

    private createAuthToken(): random.RandomPassword {
        // Letters and digits only: within what ElastiCache accepts, and safe inside a URL unencoded.
        // A rotation label is a keeper: a new label is a new token. No label keeps the original one.
        const label = this.args.rotation?.label;
        return new random.RandomPassword(`${this.name}-auth`, { length: 64, special: false, keepers: label ? { rotation: label } : undefined }, this.child);
    }

    private createSubnetGroup(): aws.elasticache.SubnetGroup {
        return new aws.elasticache.SubnetGroup(this.name, {
            name: `${this.args.replicationGroupId}-subnets`,
            description: "Private subnets of the gateway's VPC",
            subnetIds: this.args.network.privateSubnetIds,
        }, this.child);
    }

    /**
     * Auto-named, never a fixed name: the family is replace-on-change, and an engine upgrade that
     * changes it must create the new group first, move the cluster onto it (applied immediately),
     * and only then delete the old one, which ElastiCache refuses while a cluster still uses it
     * (InvalidCacheParameterGroupState). A fixed name would force delete-before-replace.
     */
    private createParameterGroup(): aws.elasticache.ParameterGroup {
        return new aws.elasticache.ParameterGroup(this.name, {
            family: Cache.family(this.args.engine, this.args.engineVersion),
            description: "Never evict keys without a TTL (sessions, rate limits, cached DEKs)",
            parameters: [{ name: "maxmemory-policy", value: this.args.maxmemoryPolicy }],
        }, this.child);
    }

    /**
     * An ElastiCache Global Datastore around this cache, which stays its primary: additive, the
     * replication group is not replaced (CreateGlobalReplicationGroup names an existing group; the
     * provider reads `global_replication_group_id` back as Computed, and suppresses engine,
     * engineVersion and parameterGroupName diffs of a member, whose parameter group ElastiCache swaps
     * for a `global-datastore-…` copy: terraform-provider-aws internal/service/elasticache/
     * replication_group.go, suppressDiffIfBelongsToGlobalReplicationGroup). From then on the node
     * type is the datastore's (ModifyGlobalReplicationGroup scales every member), so the member
     * ignores it; this cache's own parameter group no longer reaches the nodes.
     *
     * `primaryReplicationGroupId` replaces the datastore on change (ForceNew; global_replication_group.go
     * reads it back as the member whose role is PRIMARY): after the standby's member is promoted, the
     * datastore's primary is no longer this group, and a plan would replace the whole datastore. It
     * is ignored (README "Region loss": failback).
     */
    globalDatastore(suffix: string, protect: boolean): aws.elasticache.GlobalReplicationGroup {
        return new aws.elasticache.GlobalReplicationGroup(`${this.name}-global`, {
            globalReplicationGroupIdSuffix: suffix,
            primaryReplicationGroupId: this.replicationGroup.id,
            globalReplicationGroupDescription: "Payment gateway cache, replicated to the warm standby's region",
            cacheNodeType: this.args.nodeType,
        }, { ...this.child, protect, ignoreChanges: ["primaryReplicationGroupId"] });
    }

    private createReplicationGroup(subnetGroup: aws.elasticache.SubnetGroup, parameterGroup: aws.elasticache.ParameterGroup | undefined): aws.elasticache.ReplicationGroup {
        const a = this.args;
        const failover = a.nodes >= 2;
        // A secondary member: the provider refuses engine, engineVersion, nodeType,
        // parameterGroupName, transitEncryptionEnabled/Mode, atRestEncryptionEnabled, numNodeGroups,
        // snapshotArns and snapshotName beside globalReplicationGroupId (replication_group.go,
        // global_replication_group_id ConflictsWith): it inherits them from the primary. Allowed and
        // set: its own subnet group and security group, the number of nodes (replicas may differ),
        // a region-local kmsKeyId, its own AUTH token (AuthToken is per replication group:
        // CreateReplicationGroup/ModifyReplicationGroup; whether ElastiCache enforces the primary's
        // token on a secondary is not verified here: README "Region loss"), snapshots (only
        // snapshot_arns/snapshot_name conflict). globalReplicationGroupId itself replaces on change.
        // What AWS took on a real secondary: the provider's acceptance test
        // (replication_group_test.go, TestAccElastiCacheReplicationGroup_GlobalReplicationGroupID_full)
        // creates one with a subnet group, num_cache_clusters (then 2 -> 3 in place),
        // automatic_failover_enabled, multi_az_enabled and port; the provider leaves
        // AutomaticFailoverEnabled out of CreateReplicationGroup for a member (resourceReplicationGroupCreate)
        // and reads it back from the group. kmsKeyId, authToken and the snapshot settings are not in
        // that test: not verified on AWS.
        const own = a.secondaryOf === undefined
            ? {
                  engine: a.engine,
                  engineVersion: a.engineVersion,
                  nodeType: a.nodeType,
                  parameterGroupName: parameterGroup!.name,
                  transitEncryptionEnabled: true,
                  transitEncryptionMode: "required",
                  atRestEncryptionEnabled: true,
              }
            : { globalReplicationGroupId: a.secondaryOf };
        return new aws.elasticache.ReplicationGroup(this.name, {
            replicationGroupId: a.replicationGroupId,
            description: "Payment gateway cache: DEKs, sessions, rate limits",
            ...own,
            numCacheClusters: a.nodes,
            automaticFailoverEnabled: failover,
            multiAzEnabled: failover,
            port: a.port,
            subnetGroupName: subnetGroup.name,
            securityGroupIds: [this.connections.id],
            authToken: this.authToken.result,
            authTokenUpdateStrategy: a.rotation?.strategy,
            kmsKeyId: a.key.arn,
            snapshotRetentionLimit: a.snapshotRetentionDays,
            snapshotWindow: "03:00-04:00",
            maintenanceWindow: "sun:05:00-sun:06:00",
            finalSnapshotIdentifier: pulumi.interpolate`${a.replicationGroupId}-final-${this.finalSnapshotSuffix.hex}`,
            autoMinorVersionUpgrade: true,
            // Default false queues a node-type, version or parameter-group change until the weekly
            // window while `pulumi up` reports success; the old parameter group then cannot go.
            applyImmediately: true,
            tags: a.tags,
        }, { ...this.child, protect: a.protect, ...(a.globalPrimary ? { ignoreChanges: ["nodeType"] } : {}) });
    }
}
