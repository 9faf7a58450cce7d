/**
 * The failover drills of a local stack: the commands that prove the HA checklist on Docker, and
 * what the operator should see. A plain module: it declares no resources.
 */
import { MASTER_NAME, SENTINEL_PORT } from "./cache";
import { MONGO_PORT } from "./mongo";

export interface LocalDrill {
    /** The checklist item the drill proves. */
    proves: string;
    /** Shell commands (bash) that start it. */
    start: string;
    /** What to run while it lasts, and what it should print. */
    check: string;
    expect: string;
    /** How to end it. */
    restore: string;
}

export interface LocalDrillArgs {
    /** Container name prefix (pg-<stack>). */
    prefix: string;
    /** The Caddy port on 127.0.0.1 and the hosts it serves. */
    port: number;
    adminHost: string;
    apiHost: string;
    healthPath: string;
    intervalSeconds: number;
    /** The cache's CLI in its image (valkey-cli, redis-cli); none: a single node without Sentinel. */
    cacheCli?: string;
    downAfterMilliseconds: number;
    adminInstances: number;
}

export function localDrills(a: LocalDrillArgs): Record<string, LocalDrill> {
    const url = (host: string) => `http://${host}:${a.port}${a.healthPath}`;
    const status = (host: string) => `curl -s -o /dev/null -w '%{http_code}\\n' ${url(host)}`;
    // The member that is primary now, as its container name (members answer as mongo1..3).
    const mongoPrimary = `primary=$(for m in 1 2 3; do docker exec ${a.prefix}-mongo$m mongosh --quiet --eval 'db.hello().primary' 2>/dev/null && break; done); primary=${a.prefix}-\${primary%%:${MONGO_PORT}}`;
    const drills: Record<string, LocalDrill> = {
        "mongo-primary": {
            proves: "3-node replica set: losing the primary elects another, and the gateway keeps answering",
            start: `${mongoPrimary}; echo "stopping $primary"; docker stop $primary`,
            check: `for m in 1 2 3; do docker exec ${a.prefix}-mongo$m mongosh --quiet --eval 'db.hello().primary' 2>/dev/null && break; done; ${status(a.apiHost)}`,
            expect: "within about 12 s (electionTimeoutMillis, 10 s by default) another member names itself primary; the API's health check answers 200 throughout, or again once the drivers have found the new primary",
            restore: `docker start $primary   # it rejoins as a secondary`,
        },
        "admin-instance": {
            proves: `≥ 2 admin instances, health checks on ${a.healthPath} every ${a.intervalSeconds} s, sticky sessions: losing an instance loses no service`,
            start: `docker stop ${a.prefix}-admin-1`,
            check: `${status(a.adminHost)}; docker inspect -f '{{.State.Health.Status}}' ${a.prefix}-admin-2`,
            expect:
                a.adminInstances >= 2
                    ? `200 from the remaining instance: Caddy takes admin-1 out at its first failed request or health check (at most ${a.intervalSeconds} s); a browser pinned to admin-1 by its cookie is pinned to another instance and signs in again`
                    : "nothing answers: admin runs one instance (admin.instances 1), which this drill takes down",
            restore: `docker start ${a.prefix}-admin-1   # Caddy sends it traffic again after its next passing health check`,
        },
    };
    if (a.cacheCli) {
        const ask = (n: number) => `docker exec ${a.prefix}-sentinel${n} ${a.cacheCli} -p ${SENTINEL_PORT} SENTINEL get-master-addr-by-name ${MASTER_NAME}`;
        drills["cache-primary"] = {
            proves: "cache with failover: the Sentinels (quorum 2) promote the replica, and clients resolving the master through them follow",
            start: `primary=$(${ask(1)} | head -1); echo "stopping ${a.prefix}-$primary"; docker stop ${a.prefix}-$primary`,
            check: `${ask(2)}; ${status(a.apiHost)}`,
            expect: `after down-after-milliseconds (${a.downAfterMilliseconds} ms) and the Sentinels' vote, they name the other node (cache1 ↔ cache2) as master; the API answers 200 once its client has reconnected`,
            restore: `docker start ${a.prefix}-$primary   # the Sentinels make it a replica of the new primary`,
        };
    }
    return drills;
}
