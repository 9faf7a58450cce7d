/**
 * The gateway's high-availability topology on one Docker engine, from the same config, validation
 * and connection budget as the AWS stacks:
 *
 *   127.0.0.1:<local.port> ──▶ Caddy ──admin.<domain> (cookie)──▶ admin × n ┐   (edge network)
 *                                   └──api.<domain> (round robin)─▶ main × n  ├─▶ mongo1..3 (rs0) ◀── init (once), mongodump (schedule)
 *                                                     worker × n (queue) ◀───┘─▶ cache1 ⇄ cache2, sentinel1..3 (quorum 2)
 *                                                                               (data network: internal, nothing published)
 */
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { Config, SERVICE_NAMES, ServiceName } from "../lib/config";
import { serviceEnvironment } from "../lib/environment";
import { caddyfile, STICKY_COOKIE } from "../lib/local/caddy";
import { CACHE_PORT, nodeConf, sentinelConf, sentinelUrl, SENTINEL_PORT, SENTINELS, singleNodeUrl } from "../lib/local/cache";
import { backupScript, databaseUri, initScript, MEMBERS, MONGO_PORT } from "../lib/local/mongo";
import { localDrills } from "../lib/local/drills";
import { Attachment, container, succeeded } from "../components/docker";

export interface LocalInputs {
    config: Config;
    stack: string;
}

/** Seconds the init waits for a primary, and create waits for a member to be healthy. */
const PRIMARY_WAIT_SECONDS = 120;
/** Where the OpenTelemetry collector container listens (OTLP over HTTP) on the data network. */
const COLLECTOR = { host: "otel-collector", port: 4318 };

export function local({ config, stack }: LocalInputs) {
    const prefix = `pg-${stack}`;
    const l = config.local;
    const protect = config.prod; // data volumes cannot be deleted by accident in prod
    const images = new Map<string, docker.RemoteImage>();
    // One image resource per reference, kept on the engine when the stack goes (another stack may run it).
    // Named after the reference, not the order of first use: turning a part on or off (tracing, backups,
    // a worker image of its own) must not move another image to a new resource (`name` is ForceNew).
    const image = (ref: string) => {
        if (!images.has(ref)) images.set(ref, new docker.RemoteImage(`pg-image-${ref.replace(/[^A-Za-z0-9._-]+/g, "-")}`, { name: ref, keepLocally: true }));
        return images.get(ref)!;
    };

    // --- Networks: the data tier is internal (no route out, nothing published); the edge reaches out ---
    const data = new docker.Network("pg-data", { name: `${prefix}-data`, driver: "bridge", internal: true });
    const edge = new docker.Network("pg-edge", { name: `${prefix}-edge`, driver: "bridge" });
    const on = (network: docker.Network, ...aliases: string[]): Attachment => ({ network, aliases });
    const volume = (resource: string, name: string) => new docker.Volume(resource, { name: `${prefix}-${name}`, driver: "local" }, { protect });

    // --- MongoDB: three members, then the replica set initiated once, with a primary ------------------
    const mongo = image(l.mongo.image);
    const members = MEMBERS.map((host) =>
        container(`pg-${host}`, {
            name: `${prefix}-${host}`,
            image: mongo,
            command: ["mongod", "--replSet", "rs0", "--bind_ip_all", "--port", String(MONGO_PORT), "--maxConns", String(l.mongo.maxConnections)],
            networks: [on(data, host)],
            volumes: [{ volume: volume(`pg-${host}-data`, `${host}-data`), path: "/data/db" }],
            healthcheck: { test: ["CMD", "mongosh", "--quiet", "--eval", "quit(db.adminCommand({ ping: 1 }).ok ? 0 : 1)"], intervalSeconds: 10, timeoutSeconds: 5, retries: 5, startPeriodSeconds: 20 },
            waitHealthySeconds: PRIMARY_WAIT_SECONDS,
        }, {}),
    );
    // Runs again whenever a member is replaced (the label names them), and changes nothing once initiated.
    const init = container("pg-mongo-init", {
        name: `${prefix}-mongo-init`,
        image: mongo,
        command: ["mongosh", "--quiet", "--host", `${MEMBERS[0]}:${MONGO_PORT}`, "--eval", initScript(PRIMARY_WAIT_SECONDS)],
        networks: [on(data)],
        oneShot: true,
        // Its only dependency on the members: after each is healthy (wait), and again when one is replaced.
        labels: { "payment-gateway.members": pulumi.all(members.map((m) => m.id)).apply((ids) => ids.join(",")) },
    }, {});
    const replicaSet = succeeded(init, "the replica-set init");
    const uri = databaseUri(config.atlas.databaseName);

    // --- The cache: primary + replica + three Sentinels (valkey, redis), or one Garnet node ---------------
    const engine = l.cache.engine;
    const cacheImage = image(l.cache.image);
    const server = engine === "valkey" ? "valkey-server" : "redis-server";
    const cli = engine === "valkey" ? "valkey-cli" : engine === "redis" ? "redis-cli" : undefined;
    const cacheParts: docker.Container[] = [];
    let cacheUrl: string;
    if (engine === "garnet") {
        // Garnet: the product's default, one node, no failover (not the HA checklist); its image has no CLI to check it with.
        cacheParts.push(container("pg-cache1", { name: `${prefix}-cache1`, image: cacheImage, networks: [on(data, "cache1")], volumes: [{ volume: volume("pg-cache1-data", "cache1-data"), path: "/data" }] }, {}));
        cacheUrl = singleNodeUrl("cache1");
    } else {
        // The official images' docker-entrypoint.sh (valkey-io/valkey-container; docker-library/redis the
        // same with redis), started as root with valkey-server first: `find . \! -user valkey -exec chown
        // valkey` in WORKDIR /data, then drops to that user. So the files go to /data, where the server,
        // and Sentinel rewriting its own file, may write. (Read from a public copy of the script.)
        const node = (host: string, replicaOf?: string) =>
            container(`pg-${host}`, {
                name: `${prefix}-${host}`,
                image: cacheImage,
                command: [server, "/data/cache.conf"],
                files: [{ path: "/data/cache.conf", content: nodeConf({ host, port: CACHE_PORT, dir: "/data", maxmemoryPolicy: config.cache.maxmemoryPolicy, replicaOf: replicaOf ? { host: replicaOf, port: CACHE_PORT } : undefined }) }],
                networks: [on(data, host)],
                volumes: [{ volume: volume(`pg-${host}-data`, `${host}-data`), path: "/data" }],
                healthcheck: { test: ["CMD", cli!, "-p", String(CACHE_PORT), "ping"], intervalSeconds: 10, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 10 },
                waitHealthySeconds: 60,
            }, {});
        const primary = node("cache1");
        const replica = node("cache2", "cache1");
        cacheParts.push(primary, replica);
        const sentinelHosts = Array.from({ length: SENTINELS }, (_, i) => `sentinel${i + 1}`);
        for (const host of sentinelHosts)
            cacheParts.push(
                container(`pg-${host}`, {
                    name: `${prefix}-${host}`,
                    image: cacheImage,
                    // Sentinel rewrites its file as it learns the replica and the other Sentinels.
                    command: [server, "/data/sentinel.conf", "--sentinel"],
                    files: [{ path: "/data/sentinel.conf", content: sentinelConf({ host, port: SENTINEL_PORT, dir: "/data", primary: { host: "cache1", port: CACHE_PORT }, downAfterMilliseconds: l.cache.downAfterMilliseconds, failoverTimeoutMilliseconds: l.cache.failoverTimeoutMilliseconds }) }],
                    networks: [on(data, host)],
                    healthcheck: { test: ["CMD", cli!, "-p", String(SENTINEL_PORT), "ping"], intervalSeconds: 10, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 10 },
                    // The gateway resolves the primary through the Sentinels as it starts: they answer first.
                    waitHealthySeconds: 60,
                }, { dependsOn: [primary, replica] }),
            );
        cacheUrl = sentinelUrl(sentinelHosts);
    }

    // --- OpenTelemetry: a collector container, unless the services export to observability.otlpEndpoint ---
    const o = config.observability;
    const collector = o.tracing && !o.otlpEndpoint
        ? container("pg-otel-collector", {
              name: `${prefix}-otel-collector`,
              image: image(l.collectorImage),
              command: ["--config=/etc/pg/collector.yaml"],
              files: [{ path: "/etc/pg/collector.yaml", content: collectorConfig() }],
              networks: [on(data, COLLECTOR.host)],
          }, {})
        : undefined;

    // --- The gateway: admin, main and worker at their counts, with the environment they have on ECS ---
    const instanceNames = (name: ServiceName) => Array.from({ length: config[name].instances }, (_, i) => `${name}-${i + 1}`);
    const environment = (name: ServiceName) => ({
        ...serviceEnvironment(config, name),
        ...(collector ? { OTEL_EXPORTER_OTLP_ENDPOINT: `http://${COLLECTOR.host}:${COLLECTOR.port}` } : {}),
        // What ECS injects from Secrets Manager: here, on the internal network, without credentials.
        MPG_DATABASE_URI: uri,
        MPG_GARNET_URL: cacheUrl,
    });
    const services = Object.fromEntries(SERVICE_NAMES.map((name) => {
        const s = config[name];
        const check = name === "worker"
            ? (s as Config["worker"]).healthCheck.enabled ? (s as Config["worker"]).healthCheck : undefined
            : { command: ["CMD-SHELL", `curl -fsS http://localhost:${s.containerPort}${config.loadBalancer.healthCheck.path} || exit 1`], intervalSeconds: config.loadBalancer.healthCheck.intervalSeconds, timeoutSeconds: config.loadBalancer.healthCheck.timeoutSeconds, retries: config.loadBalancer.healthCheck.unhealthyThreshold, startPeriodSeconds: s.deployment.healthCheckGracePeriodSeconds };
        const containers = instanceNames(name).map((instance) =>
            container(`pg-${instance}`, {
                name: `${prefix}-${instance}`,
                image: image(s.image!),
                command: s.command,
                entrypoints: s.entryPoint,
                // A Pulumi secret as a whole: extraEnvironment is where a local stack's own secrets go.
                envs: pulumi.secret(Object.entries(environment(name)).map(([k, v]) => `${k}=${v}`)),
                networks: [on(edge, instance.replace("-", "")), on(data)],
                healthcheck: check && { test: check.command!, intervalSeconds: check.intervalSeconds, timeoutSeconds: check.timeoutSeconds, retries: check.retries, startPeriodSeconds: check.startPeriodSeconds },
                memoryMib: s.memory,
                user: config.security.containerUser,
                readOnly: config.security.readonlyRootFilesystem,
                // The init's checked exit code: no gateway container is declared until the replica set has a primary.
                labels: { "payment-gateway.replica-set": replicaSet, "payment-gateway.service": name },
            }, { dependsOn: [...cacheParts, ...(collector ? [collector] : [])] }),
        );
        return [name, containers];
    })) as Record<ServiceName, docker.Container[]>;

    // --- Caddy: the one published port, on loopback ---------------------------------------------------
    const hosts = { admin: `admin.${config.domain}`, api: `api.${config.domain}` };
    const dial = (name: ServiceName) => instanceNames(name).map((i) => `${i.replace("-", "")}:${config[name].containerPort}`);
    const hc = config.loadBalancer.healthCheck;
    const caddyConfig = caddyfile({
        sites: [
            { host: hosts.admin, dial: dial("admin"), policy: { type: "cookie", name: STICKY_COOKIE } },
            { host: hosts.api, dial: dial("main"), policy: { type: "round_robin" } },
        ],
        healthPath: hc.path,
        intervalSeconds: hc.intervalSeconds,
        timeoutSeconds: hc.timeoutSeconds,
    });
    const caddy = container("pg-caddy", {
        name: `${prefix}-caddy`,
        image: image(l.caddyImage),
        files: [{ path: "/etc/caddy/Caddyfile", content: caddyConfig }],
        networks: [on(edge, "caddy")],
        publish: [{ internal: 80, external: l.port }],
        // Caddy's admin endpoint answers on localhost:2019 inside the container (busybox wget in the image).
        healthcheck: { test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:2019/config/"], intervalSeconds: 10, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 5 },
    }, {});

    // --- Backups: mongodump on a schedule into a volume ---------------------------------------------
    const backup = l.backup.enabled
        ? container("pg-mongo-backup", {
              name: `${prefix}-mongo-backup`,
              image: mongo,
              command: ["bash", "-c", backupScript(uri, l.backup.intervalHours, l.backup.keep)],
              networks: [on(data)],
              volumes: [{ volume: volume("pg-backups", "backups"), path: "/backup" }],
              labels: { "payment-gateway.replica-set": replicaSet },
          }, {})
        : undefined;

    const port = l.port;
    return {
        environment: config.environment,
        purpose: config.purpose,
        domain: config.domain,
        adminUrl: `http://${hosts.admin}:${port}`,
        apiUrl: `http://${hosts.api}:${port}`,
        /** Per service: the containers and the image. */
        capacity: Object.fromEntries(SERVICE_NAMES.map((name) => [name, { instances: config[name].instances, image: config[name].image, containers: services[name].map((c) => c.name) }])),
        database: { replicaSet: "rs0", members: members.map((m) => m.name), uri },
        cache: { engine, url: cacheUrl, failover: engine !== "garnet" },
        loadBalancer: { container: caddy.name, published: `127.0.0.1:${port}`, caddyfile: caddyConfig },
        backups: l.backup.enabled ? { container: backup!.name, volume: `${prefix}-backups`, everyHours: l.backup.intervalHours, keep: l.backup.keep } : "not provided: local.backup.enabled is false",
        /** The connection budget the pool sizes were derived from (mongod --maxConns). */
        connectionBudget: config.connections,
        /** The drills that prove the checklist on Docker: the command, what to check, what to see, how to end it. */
        drills: localDrills({
            prefix,
            port,
            adminHost: hosts.admin,
            apiHost: hosts.api,
            healthPath: hc.path,
            intervalSeconds: hc.intervalSeconds,
            cacheCli: cli,
            downAfterMilliseconds: l.cache.downAfterMilliseconds,
            adminInstances: config.admin.instances,
        }),
    };
}

/** The collector's configuration: OTLP over HTTP in, batched, printed by the debug exporter (`docker logs`). */
function collectorConfig(): string {
    return [
        "receivers:",
        "  otlp:",
        "    protocols:",
        "      http:",
        `        endpoint: 0.0.0.0:${COLLECTOR.port}`,
        "processors:",
        "  batch: {}",
        "exporters:",
        "  debug:",
        "    verbosity: basic",
        "service:",
        "  pipelines:",
        "    traces:",
        "      receivers: [otlp]",
        "      processors: [batch]",
        "      exporters: [debug]",
        "",
    ].join("\n");
}
