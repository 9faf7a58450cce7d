/**
 * The local stack's cache: the configuration files of a primary, its replica and three Sentinels,
 * and the URL the gateway resolves the primary through. A plain module: it declares no resources;
 * stacks/local.ts uploads the files into the containers, and tests/local/sentinel.test.ts runs them
 * with real redis-server and redis-sentinel processes on loopback, stops the primary and checks that
 * the Sentinels name the promoted replica.
 *
 * Redis Sentinel (https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/):
 *   sentinel monitor <master> <host> <port> <quorum>   quorum: Sentinels that must agree the primary is down
 *   sentinel down-after-milliseconds, failover-timeout, parallel-syncs
 *   A failover also needs a majority of all Sentinels to authorise it: with three, two.
 *   "IP Addresses and DNS names" (Sentinel 6.2+): with hostnames, set `sentinel resolve-hostnames yes`
 *   and `sentinel announce-hostnames yes`, and `replica-announce-ip <hostname>` on every node, so that
 *   hostnames are used everywhere and not mixed with addresses.
 * Sentinel rewrites its own file (it records the replicas, the other Sentinels and the epoch), so the
 * file must be writable: it is a file in the container, not a read-only mount.
 */

/** The name the Sentinels know the primary by (MPG_GARNET_URL's master=). */
export const MASTER_NAME = "mymaster";
export const SENTINELS = 3;
/** Sentinels that must agree the primary is down (a majority of three also authorises the failover). */
export const QUORUM = 2;
export const CACHE_PORT = 6379;
export const SENTINEL_PORT = 26379;

export interface NodeArgs {
    /** The name (or address) the node announces to the others. */
    host: string;
    port: number;
    /** The primary it replicates from; none for the primary. */
    replicaOf?: { host: string; port: number };
    /** maxmemory-policy (cache.maxmemoryPolicy). */
    maxmemoryPolicy: string;
    /** Directory for its RDB and AOF files. */
    dir: string;
    /** Address to listen on. Default 0.0.0.0 (in a container); tests pass 127.0.0.1. */
    bind?: string;
}

/** A cache node's configuration (valkey-server and redis-server read the same directives). */
export function nodeConf(n: NodeArgs): string {
    return [
        `bind ${n.bind ?? "0.0.0.0"}`,
        // No password on the internal Docker network (stacks/local.ts): protected mode would refuse other containers.
        "protected-mode no",
        `port ${n.port}`,
        `dir ${n.dir}`,
        // Both persistence forms: a restarted node comes back with its data.
        "appendonly yes",
        "save 60 1000",
        `maxmemory-policy ${n.maxmemoryPolicy}`,
        `replica-announce-ip ${n.host}`,
        `replica-announce-port ${n.port}`,
        ...(n.replicaOf ? [`replicaof ${n.replicaOf.host} ${n.replicaOf.port}`] : []),
        "",
    ].join("\n");
}

export interface SentinelArgs {
    host: string;
    port: number;
    primary: { host: string; port: number };
    downAfterMilliseconds: number;
    failoverTimeoutMilliseconds: number;
    dir: string;
    bind?: string;
}

/** A Sentinel's configuration: it watches the primary with the quorum, and announces hostnames. */
export function sentinelConf(s: SentinelArgs): string {
    return [
        `bind ${s.bind ?? "0.0.0.0"}`,
        "protected-mode no",
        `port ${s.port}`,
        `dir ${s.dir}`,
        "sentinel resolve-hostnames yes",
        "sentinel announce-hostnames yes",
        `sentinel announce-ip ${s.host}`,
        `sentinel announce-port ${s.port}`,
        `sentinel monitor ${MASTER_NAME} ${s.primary.host} ${s.primary.port} ${QUORUM}`,
        `sentinel down-after-milliseconds ${MASTER_NAME} ${s.downAfterMilliseconds}`,
        `sentinel failover-timeout ${MASTER_NAME} ${s.failoverTimeoutMilliseconds}`,
        `sentinel parallel-syncs ${MASTER_NAME} 1`,
        "",
    ].join("\n");
}

/**
 * MPG_GARNET_URL through the Sentinels, in the form the gateway's HA guide gives
 * (redis-sentinel://sentinel1:26379,sentinel2:26379/0?master=mymaster), every Sentinel listed.
 */
export function sentinelUrl(sentinels: string[]): string {
    return `redis-sentinel://${sentinels.map((h) => `${h}:${SENTINEL_PORT}`).join(",")}/0?master=${MASTER_NAME}`;
}

/** MPG_GARNET_URL of a single node (garnet: no Sentinel, no failover). */
export function singleNodeUrl(host: string): string {
    return `redis://${host}:${CACHE_PORT}/0`;
}
