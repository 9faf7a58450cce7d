/**
 * The local stack (stacks/local.ts, components/docker.ts) under the mock engine: every container,
 * volume and network; what is published; order; the environment; the cache and Caddy configuration;
 * the checklist refusals in prod; the drills. One shared run of Pulumi.local.yaml, program runs
 * only where the config differs.
 */
import { strict as assert } from "assert";
import { SERVICE_NAMES, validateConfig } from "../../lib/config";
import { serviceEnvironment } from "../../lib/environment";
import { rawConfigFrom } from "../../lib/stackConfig";
import { ProgramError, RecordedResource, Run, later, runProgram, stackRun } from "../harness";
import { diffRuns, renderPlan } from "../../scripts/plan";

const CONTAINER = "docker:index/container:Container";
const env = (c: RecordedResource) => Object.fromEntries((c.inputs.envs as string[]).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
const upload = (c: RecordedResource, file: string) => c.inputs.uploads.find((u: any) => u.file === file).content as string;
const networksOf = (run: Run, c: RecordedResource): RecordedResource[] => c.inputs.networksAdvanced.map((n: any) => run.ofType("docker:index/network:Network").find((x) => x.inputs.name === n.name)!);
const refused = (set: Record<string, unknown>) =>
    runProgram({ stack: "local", set }).then(
        () => assert.fail("expected the config to be refused"),
        (e: unknown) => {
            assert.ok(e instanceof ProgramError, String(e));
            assert.deepEqual(e.resources.map((r) => r.urn), [], "nothing declared");
            return e.message;
        },
    );

describe("local stack (Docker)", () => {
    let run: Run;
    let config: ReturnType<typeof validateConfig>;
    before(async () => {
        run = await stackRun("local");
        config = validateConfig(rawConfigFrom(run.config.values), undefined, "local");
    });
    const named = (name: string) => run.ofType(CONTAINER).find((c) => c.inputs.name === `pg-local-${name}`)!;

    it("declares every container, volume and network of the topology, at the configured counts", () => {
        const instances = SERVICE_NAMES.flatMap((s) => Array.from({ length: config[s].instances }, (_, i) => `${s}-${i + 1}`));
        const expected = ["mongo1", "mongo2", "mongo3", "mongo-init", "cache1", "cache2", "sentinel1", "sentinel2", "sentinel3", "otel-collector", "caddy", "mongo-backup", ...instances].map((n) => `pg-local-${n}`);
        assert.deepEqual(run.ofType(CONTAINER).map((c) => c.inputs.name).sort(), expected.sort());
        assert.deepEqual(run.ofType("docker:index/volume:Volume").map((v) => v.inputs.name).sort(), ["backups", "cache1-data", "cache2-data", "mongo1-data", "mongo2-data", "mongo3-data"].map((n) => `pg-local-${n}`));
        assert.deepEqual(run.ofType("docker:index/network:Network").map((n) => [n.inputs.name, n.inputs.internal ?? false]).sort(), [["pg-local-data", true], ["pg-local-edge", false]]);
        // Nothing of AWS or Atlas.
        assert.deepEqual(run.resources.filter((r) => r.custom && !r.type.startsWith("docker:")).map((r) => r.type), []);
    });

    it("publishes only Caddy's port, on loopback; the data tier is on the internal network only", () => {
        const published = run.ofType(CONTAINER).filter((c) => c.inputs.ports?.length);
        assert.deepEqual(published.map((c) => c.inputs.name), ["pg-local-caddy"]);
        assert.deepEqual(published[0].inputs.ports, [{ internal: 80, external: config.local.port, ip: "127.0.0.1" }]);
        for (const name of ["mongo1", "mongo2", "mongo3", "cache1", "cache2", "sentinel1", "sentinel2", "sentinel3", "mongo-init", "mongo-backup"])
            assert.deepEqual(networksOf(run, named(name)).map((n) => n.inputs.internal), [true], name);
        assert.deepEqual(networksOf(run, named("caddy")).map((n) => n.inputs.name), ["pg-local-edge"]);
    });

    it("starts no gateway container before the replica set has a primary, and the init only after the members are healthy", () => {
        const members = ["mongo1", "mongo2", "mongo3"].map(named);
        for (const m of members) {
            assert.equal(m.inputs.wait, true, "create waits until healthy");
            assert.ok(m.inputs.healthcheck.tests.join(" ").includes("ping"));
            assert.deepEqual(m.inputs.command.slice(0, 3), ["mongod", "--replSet", "rs0"]);
            assert.equal(m.inputs.command[m.inputs.command.indexOf("--maxConns") + 1], String(config.local.mongo.maxConnections));
        }
        const init = named("mongo-init");
        // Through its label (the members' ids): after each member is healthy, and again when one is replaced.
        for (const m of members) assert.ok(init.propertyDependencies.labels.includes(m.urn), m.name);
        assert.equal(init.inputs.attach, true);
        assert.equal(init.inputs.mustRun, false);
        assert.equal(init.inputs.restart, "no");
        const script = init.inputs.command[init.inputs.command.length - 1];
        assert.match(script, /codeName !== 'NotYetInitialized'/);
        assert.match(script, /rs\.initiate\(\{"_id":"rs0","members":\[\{"_id":0,"host":"mongo1:27017"\},\{"_id":1,"host":"mongo2:27017"\},\{"_id":2,"host":"mongo3:27017"\}\]\}\)/);
        assert.match(script, /stateStr === 'PRIMARY'/);
        for (const name of SERVICE_NAMES) {
            const c = named(`${name}-1`);
            // The init's exit code, checked, reaches every gateway container: it waits for the init.
            assert.equal(c.inputs.labels.find((l: any) => l.label === "payment-gateway.replica-set").value, "done");
            assert.ok(c.propertyDependencies.labels.includes(init.urn));
            for (const part of ["cache1", "cache2", "sentinel1", "sentinel2", "sentinel3", "otel-collector"]) assert.ok(c.dependsOn.includes(named(part).urn), `${name} after ${part}`);
            assert.ok(!c.dependsOn.includes(init.urn), "no explicit dependency the label already makes");
        }
    });

    it("declares no gateway container when the replica-set init did not exit 0, and says what to do", async () => {
        const error = await runProgram({ stack: "local", answers: { [CONTAINER]: (i) => (i.name === "pg-local-mongo-init" ? { exitCode: 1 } : {}) } }).then(
            () => assert.fail("expected the update to fail"),
            (e: unknown) => e as ProgramError,
        );
        assert.match(error.message, /the replica-set init exited 1: `docker logs pg-local-mongo-init` says why; `docker rm pg-local-mongo-init` then `pulumi up --refresh` runs it again/);
        const declared = error.resources.filter((r) => r.type === CONTAINER).map((r) => r.name);
        assert.ok(declared.includes("pg-mongo-init"));
        for (const name of SERVICE_NAMES) assert.ok(!error.resources.some((r) => r.name === `pg-${name}-1` && r.id), `${name} was not created`);
    });

    it("gives each service the environment it has on ECS, with pools sized against mongod --maxConns", () => {
        for (const name of SERVICE_NAMES) {
            const e = env(named(`${name}-1`));
            const ecs = serviceEnvironment(config, name);
            for (const [k, v] of Object.entries(ecs)) if (k !== "OTEL_EXPORTER_OTLP_ENDPOINT") assert.equal(e[k], v, `${name} ${k}`);
            assert.equal(e.MPG_DATABASE_URI, "mongodb://mongo1:27017,mongo2:27017,mongo3:27017/payment_gateway?replicaSet=rs0&retryWrites=true&w=majority");
            assert.equal(e.MPG_GARNET_URL, "redis-sentinel://sentinel1:26379,sentinel2:26379,sentinel3:26379/0?master=mymaster");
            assert.equal(e.OTEL_EXPORTER_OTLP_ENDPOINT, "http://otel-collector:4318");
            assert.equal(named(`${name}-1`).inputs.restart, "unless-stopped");
            assert.ok(named(`${name}-1`).secretInputs.includes("envs"), `${name}: the environment is a secret in the state`);
            assert.ok(named(`${name}-1`).inputs.healthcheck.tests.length >= 2, `${name} has a Docker health check`);
        }
        assert.equal(env(named("worker-1")).MPG_MAIN_WORKER_CONCURRENCY, String(config.worker.concurrency));
        const b = config.connections;
        assert.equal(b.limit, config.local.mongo.maxConnections);
        assert.equal(b.peakTasks, SERVICE_NAMES.reduce((n, s) => n + config[s].instances, 0), "no rollout overlap: containers are replaced one by one");
        assert.ok(b.peakConnections <= b.budget);
        assert.deepEqual(run.outputs.connectionBudget, JSON.parse(JSON.stringify(b)));
    });

    it("configures the cache as primary, replica and three Sentinels with a quorum of two", () => {
        assert.doesNotMatch(upload(named("cache1"), "/data/cache.conf"), /replicaof/);
        assert.match(upload(named("cache2"), "/data/cache.conf"), /^replicaof cache1 6379$/m);
        for (const n of [1, 2, 3]) {
            const conf = upload(named(`sentinel${n}`), "/data/sentinel.conf");
            assert.match(conf, /^sentinel monitor mymaster cache1 6379 2$/m);
            assert.match(conf, new RegExp(`^sentinel announce-ip sentinel${n}$`, "m"));
            assert.match(conf, new RegExp(`^sentinel down-after-milliseconds mymaster ${config.local.cache.downAfterMilliseconds}$`, "m"));
            assert.deepEqual(named(`sentinel${n}`).inputs.command.slice(-1), ["--sentinel"]);
            assert.equal(named(`sentinel${n}`).inputs.wait, true, "create waits until it answers, before any gateway container starts");
        }
    });

    it("balances admin with a cookie and main round robin, checking /health every 10 s", () => {
        const caddyfile = upload(named("caddy"), "/etc/caddy/Caddyfile");
        assert.equal(caddyfile, run.outputs.loadBalancer.caddyfile);
        const site = (host: string) => caddyfile.slice(caddyfile.indexOf(`http://${host} {`), caddyfile.indexOf("\n}", caddyfile.indexOf(`http://${host} {`)));
        const admin = site("admin.pay.localhost");
        const api = site("api.pay.localhost");
        assert.match(admin, /reverse_proxy admin1:8080 admin2:8080 \{/);
        assert.match(admin, /lb_policy cookie pg_admin_lb/);
        assert.match(api, /reverse_proxy main1:8080 main2:8080 \{/);
        assert.match(api, /lb_policy round_robin/);
        for (const s of [admin, api]) {
            assert.match(s, /health_uri \/health/);
            assert.match(s, /health_interval 10s/);
        }
        assert.doesNotMatch(caddyfile, /worker/);
    });

    it("replaces a container by deleting it first (names are fixed), and replaces it on a health-check edit", () => {
        for (const c of run.ofType(CONTAINER)) {
            assert.equal(c.deleteBeforeReplace, true, c.name);
            assert.ok(c.replaceOnChanges.includes("healthcheck"), c.name);
        }
    });

    it("writes health-check durations as Docker reads them back, so the next pulumi up replaces nothing", () => {
        // The provider reads each duration back as Go's Duration.String(): 60 s is "1m0s".
        assert.equal(config.admin.deployment.healthCheckGracePeriodSeconds, 60);
        assert.equal(named("admin-1").inputs.healthcheck.startPeriod, "1m0s");
        assert.equal(named("worker-1").inputs.healthcheck.startPeriod, "1m0s");
        assert.equal(named("worker-1").inputs.healthcheck.interval, "30s");
        for (const c of run.ofType(CONTAINER).filter((c) => c.inputs.healthcheck))
            for (const k of ["interval", "timeout", "startPeriod"]) {
                const v: string = c.inputs.healthcheck[k];
                const m = /^(?:(\d+)h)?(?:(\d+)m)?(\d+)s$/.exec(v);
                assert.ok(m, `${c.name} ${k} ${v}`);
                // Go writes a minute or more as XmYs, an hour or more as XhYmZs.
                assert.ok(Number(m![3]) < 60 && (m![1] === undefined || Number(m![2]) < 60), `${c.name} ${k} ${v}`);
            }
    });

    it("gives the drills that prove the checklist on Docker, with this stack's container names", () => {
        const d = run.outputs.drills;
        assert.deepEqual(Object.keys(d).sort(), ["admin-instance", "cache-primary", "mongo-primary"]);
        assert.equal(d["admin-instance"].start, "docker stop pg-local-admin-1");
        assert.match(d["cache-primary"].start, /docker exec pg-local-sentinel1 valkey-cli -p 26379 SENTINEL get-master-addr-by-name mymaster/);
        assert.match(d["mongo-primary"].start, /docker exec pg-local-mongo\$m mongosh --quiet --eval 'db\.hello\(\)\.primary'/);
        for (const drill of Object.values<any>(d)) for (const k of ["proves", "start", "check", "expect", "restore"]) assert.ok(drill[k], k);
        const text = renderPlan(run);
        assert.match(text, /^== Failover drills \(local\)$/m);
        assert.match(text, /^ {2}restore: docker start pg-local-admin-1/m);
        assert.match(text, /^published on the host: pg-local-caddy 127\.0\.0\.1:8080; every other container/m);
        assert.doesNotMatch(text, /Monthly cost|Routing|Security rules/);
    });

    it("keeps each image on its own resource when another part is turned off", async () => {
        const images = (r: Run) => Object.fromEntries(r.ofType("docker:index/remoteImage:RemoteImage").map((i) => [i.inputs.name, i.name]));
        const untraced = await runProgram({ stack: "local", set: { "observability.tracing": false } });
        const [before, after] = [images(run), images(untraced)];
        assert.ok(before["otel/opentelemetry-collector:0.111.0"] && !after["otel/opentelemetry-collector:0.111.0"]);
        for (const [ref, name] of Object.entries(after)) assert.equal(name, before[ref], ref);
        assert.deepEqual(diffRuns(run, untraced).filter((c) => c.type === "docker:index/remoteImage:RemoteImage").map((c) => c.kind), ["remove"]);
    });

    it("changes nothing on the next pulumi up, and a rescale replaces no member, cache node or volume", async () => {
        const next = await later(run, { days: 1 });
        assert.deepEqual(diffRuns(run, next), [], "a second pulumi up, a day later, is a no-op");
        const prod = await runProgram({ stack: "local", set: { environment: "prod" } });
        const rescaled = await later(prod, { days: 1, set: { environment: "prod", "main.instances": 3, "worker.instances": 3 } });
        const changes = diffRuns(prod, rescaled);
        assert.deepEqual(changes.filter((c) => c.kind === "add").map((c) => c.name).sort(), ["pg-main-3", "pg-worker-3"]);
        // Caddy learns the new upstreams; the gateway containers get the pool sizes re-derived for 8
        // containers (a new environment is a new container); the data tier is untouched.
        const replaced = changes.filter((c) => c.kind !== "add");
        assert.deepEqual(replaced.map((c) => c.name).sort(), ["pg-admin-1", "pg-admin-2", "pg-caddy", "pg-main-1", "pg-main-2", "pg-worker-1", "pg-worker-2"]);
        for (const c of replaced.filter((c) => c.name !== "pg-caddy")) {
            assert.equal(c.kind, "replace");
            assert.deepEqual(c.fields.map((f) => f.split(":")[0]), ["envs"], c.name);
            const [before, after] = [prod, rescaled].map((r) => env(r.ofType(CONTAINER).find((x) => x.name === c.name)!));
            const differing = Object.keys({ ...before, ...after }).filter((k) => before[k] !== after[k]);
            assert.ok(differing.length && differing.every((k) => /^MPG_DATABASE_(MAX_POOL_SIZE|MIN_POOL_SIZE|MAX_CONNECTING)$/.test(k)), `${c.name}: ${differing}`);
        }
        assert.equal(env(rescaled.ofType(CONTAINER).find((c) => c.inputs.name === "pg-local-main-3")!).MPG_DATABASE_MAX_POOL_SIZE, String(Math.floor((1000 - 20) * 0.8 / 8) - 2));
        for (const v of rescaled.ofType("docker:index/volume:Volume")) assert.equal(v.protect, true, `${v.name} is protected in prod`);
        assert.ok(run.ofType("docker:index/volume:Volume").every((v) => !v.protect), "not outside prod");
    });

    it("runs a single Garnet node outside the checklist, and says so", async () => {
        const garnet = await runProgram({ stack: "local", set: { "local.cache.engine": "garnet" } });
        const names = garnet.ofType(CONTAINER).map((c) => c.inputs.name);
        assert.ok(names.includes("pg-local-cache1"));
        assert.ok(!names.some((n) => /cache2|sentinel/.test(n)));
        assert.equal(env(garnet.ofType(CONTAINER).find((c) => c.inputs.name === "pg-local-admin-1")!).MPG_GARNET_URL, "redis://cache1:6379/0");
        assert.deepEqual(Object.keys(garnet.outputs.drills).sort(), ["admin-instance", "mongo-primary"]);
        assert.match(renderPlan(garnet), /^✗ a cache with failover .*: local\.cache\.engine = "garnet" \(must be valkey or redis; enforced in prod only\)$/m);
    });

    it("refuses in prod what breaks the checklist's local meaning, naming each key", async () => {
        const message = await refused({ environment: "prod", "local.cache.engine": "garnet", "admin.instances": 1, "local.backup.enabled": false, "loadBalancer.healthCheck.intervalSeconds": 30 });
        assert.match(message, /payment-gateway:local\.cache\.engine must be valkey or redis in prod \(HA checklist: a cache with failover/);
        assert.match(message, /payment-gateway:admin\.instances must be at least 2 in prod/);
        assert.match(message, /payment-gateway:local\.backup\.enabled must be true in prod \(HA checklist: automated backups/);
        assert.match(message, /payment-gateway:loadBalancer\.healthCheck\.intervalSeconds must be at most 10 in prod/);
    });

    it("refuses what a local stack cannot honour, and pools that do not fit mongod, naming each key", async () => {
        const message = await refused({
            "local.port": 80,
            "admin.maxInstances": 4,
            "main.secrets": { API_SIGNING_KEY: "arn:aws:secretsmanager:us-east-1:123456789012:secret:signing-AbCdEf" },
            "admin.image": "registry.example.com/payment-gateway/admin:latest",
            "local.cache.image": "valkey/valkey",
        });
        assert.match(message, /payment-gateway:local\.port must be at least 1024/);
        assert.match(message, /payment-gateway:admin\.maxInstances must equal admin\.instances \(2\) in a local stack/);
        assert.match(message, /payment-gateway:main\.secrets\.API_SIGNING_KEY is a Secrets Manager or SSM ARN, which a local stack cannot read/);
        assert.match(message, /payment-gateway:admin\.image must name a tag other than latest/);
        assert.match(message, /payment-gateway:local\.cache\.image must name a tag other than latest, or a digest/);
        const small = await refused({ "local.mongo.maxConnections": 100, "admin.instances": 4, "main.instances": 4 });
        const needed = Number(/Raise local\.mongo\.maxConnections to at least (\d+)/.exec(small)?.[1]);
        assert.match(small, /payment-gateway:local\.mongo\.maxConnections allows 100 connections per node \(mongod --maxConns 100\); admin, main and worker can run 10 containers/);
        // The limit it names is enough, and one less is not.
        assert.doesNotThrow(() => validateConfig({ ...rawConfigFrom(run.config.values), local: { ...JSON.parse(run.config.values["payment-gateway:local"]), mongo: { maxConnections: needed } }, admin: { ...JSON.parse(run.config.values["payment-gateway:admin"]), instances: 4 }, main: { ...JSON.parse(run.config.values["payment-gateway:main"]), instances: 4 } }, undefined, "local"));
        assert.throws(() => validateConfig({ ...rawConfigFrom(run.config.values), local: { ...JSON.parse(run.config.values["payment-gateway:local"]), mongo: { maxConnections: needed - 1 } }, admin: { ...JSON.parse(run.config.values["payment-gateway:admin"]), instances: 4 }, main: { ...JSON.parse(run.config.values["payment-gateway:main"]), instances: 4 } }, undefined, "local"), /local\.mongo\.maxConnections/);
    });
});
