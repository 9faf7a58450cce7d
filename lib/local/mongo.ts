/**
 * The local stack's MongoDB replica set: members, the connection string, the one-shot init and the
 * scheduled mongodump. A plain module: it declares no resources (stacks/local.ts does).
 *
 * MongoDB: rs.initiate() on a member not yet in a replica set, AlreadyInitialized (code 23) on one
 * that is; rs.status() on a member without a config fails with NotYetInitialized (code 94) (https://www.mongodb.com/docs/manual/reference/method/rs.initiate/,
 * https://www.mongodb.com/docs/manual/reference/method/rs.status/). A member's `host` must be the
 * name every other member and every client reaches it by: the network alias (mongo1:27017).
 */

export const REPLICA_SET = "rs0";
export const MONGO_PORT = 27017;
/** The members' names on the Docker network, as the gateway's HA guide names them. */
export const MEMBERS = ["mongo1", "mongo2", "mongo3"] as const;

/**
 * MPG_DATABASE_URI: every member, the replica set's name, the database, and the write options the
 * AWS stacks' URI carries (components/database.ts: retryWrites=true&w=majority); without TLS or a
 * user, which the internal Docker network's replica set does not have.
 */
export function databaseUri(databaseName: string): string {
    return `mongodb://${MEMBERS.map((m) => `${m}:${MONGO_PORT}`).join(",")}/${databaseName}?replicaSet=${REPLICA_SET}&retryWrites=true&w=majority`;
}

/**
 * The mongosh script the init container runs against the first member: initiate the replica set
 * when it is not one yet (a second run finds it initiated and changes nothing), then wait, at most
 * `waitSeconds`, until a member is primary. It exits non-zero when none is: stacks/local.ts starts no
 * gateway container then.
 */
export function initScript(waitSeconds: number): string {
    const config = { _id: REPLICA_SET, members: MEMBERS.map((host, i) => ({ _id: i, host: `${host}:${MONGO_PORT}` })) };
    return [
        "try {",
        "  rs.status();",
        "  print('replica set already initiated');",
        "} catch (e) {",
        "  if (e.codeName !== 'NotYetInitialized') throw e;",
        // A member that has just (re)started answers NotYetInitialized until it has loaded the config
        // it already has; initiate then says AlreadyInitialized, which is what a second run wants.
        "  try {",
        `    rs.initiate(${JSON.stringify(config)});`,
        "    print('replica set initiated');",
        "  } catch (e2) {",
        "    if (e2.codeName !== 'AlreadyInitialized') throw e2;",
        "    print('replica set already initiated');",
        "  }",
        "}",
        `for (let i = 0; i < ${waitSeconds}; i++) {`,
        "  const primary = rs.status().members.find((m) => m.stateStr === 'PRIMARY');",
        "  if (primary) { print('primary: ' + primary.name); quit(0); }",
        "  sleep(1000);",
        "}",
        `print('no primary after ${waitSeconds} s'); quit(1);`,
    ].join("\n");
}

/**
 * The backup container's shell loop: a gzipped mongodump archive of the replica set (read from a
 * secondary when one is up) into `dir` every `intervalHours`, keeping the newest `keep`; a failed
 * dump leaves no partial archive behind.
 */
export function backupScript(uri: string, intervalHours: number, keep: number, dir = "/backup"): string {
    return [
        "set -u",
        "while true; do",
        '  stamp=$(date -u +%Y%m%dT%H%M%SZ)',
        `  if mongodump --uri='${uri}' --readPreference=secondaryPreferred --gzip --archive=${dir}/dump-$stamp.archive.gz; then`,
        `    echo "backup: ${dir}/dump-$stamp.archive.gz"`,
        "  else",
        `    echo "backup FAILED at $stamp" >&2; rm -f ${dir}/dump-$stamp.archive.gz`,
        "  fi",
        `  ls -1t ${dir}/dump-*.archive.gz 2>/dev/null | tail -n +${keep + 1} | xargs -r rm -f --`,
        `  sleep ${intervalHours * 3600}`,
        "done",
    ].join("\n");
}
