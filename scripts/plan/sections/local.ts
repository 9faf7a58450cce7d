/** The sections a local stack (purpose local, stacks/local.ts) prints: its topology, its checklist, its drills. */
import { validateConfig } from "../../../lib/config";
import { localChecklist } from "../../../lib/config/rules/local";
import { rawConfigFrom } from "../../../lib/stackConfig";
import { RecordedResource, Run } from "../../../tests/harness";
import { Section, table } from "../section";

const containers = (run: Run) => run.ofType("docker:index/container:Container");
const networkOf = (run: Run, name: string) => run.ofType("docker:index/network:Network").find((n) => n.outputs.name === name || n.inputs.name === name);

/** Every container: its image, networks (with its names there), what it publishes, how it restarts, its health check. */
export const localTopology: Section = (run) => {
    const images = new Map(run.ofType("docker:index/remoteImage:RemoteImage").map((i) => [i.outputs.imageId ?? i.id, i.inputs.name]));
    const row = (c: RecordedResource) => {
        const i = c.inputs;
        const networks = (i.networksAdvanced ?? []).map((n: any) => {
            const net = networkOf(run, n.name);
            return `${n.name}${net?.inputs.internal ? " (internal)" : ""}${n.aliases?.length ? ` as ${n.aliases.join(",")}` : ""}`;
        });
        const ports = (i.ports ?? []).map((p: any) => `${p.ip}:${p.external}→${p.internal}`);
        const health = i.healthcheck ? `every ${i.healthcheck.interval}${i.wait ? `, waited for (${i.waitTimeout} s)` : ""}` : i.attach ? "runs once, must exit 0" : "none";
        return [i.name, images.get(i.image) ?? i.image, networks.join("; "), ports.join(", ") || "—", i.restart, health];
    };
    const volumes = run.ofType("docker:index/volume:Volume").map((v) => `${v.inputs.name}${v.protect ? " (protected)" : ""}`);
    const published = containers(run).flatMap((c) => (c.inputs.ports ?? []).map((p: any) => `${c.inputs.name} ${p.ip}:${p.external}`));
    return [
        ...table([["container", "image", "networks", "published", "restart", "health check"], ...containers(run).map(row)]),
        `volumes: ${volumes.join(", ")}`,
        `published on the host: ${published.join(", ") || "nothing"}; every other container is reachable only on the Docker networks`,
        `admin: ${run.outputs.adminUrl} (sticky: Caddy's cookie) · api: ${run.outputs.apiUrl} (round robin)`,
        `MPG_DATABASE_URI ${run.outputs.database?.uri} · MPG_GARNET_URL ${run.outputs.cache?.url}`,
        "Caddyfile (checked by `caddy adapt` and `caddy validate` in tests/local/caddy.test.ts):",
        ...String(run.outputs.loadBalancer?.caddyfile ?? "").trimEnd().split("\n").map((l) => `  ${l.replace(/\t/g, "    ")}`),
        typeof run.outputs.backups === "string" ? `backups: ${run.outputs.backups}` : `backups: ${run.outputs.backups?.container} runs mongodump every ${run.outputs.backups?.everyHours} h into volume ${run.outputs.backups?.volume}, keeping ${run.outputs.backups?.keep}`,
    ];
};

/** The HA checklist with its local meaning (lib/config/rules/local.ts), judged on the stack's config. */
export const localChecklistSection: Section = (run) => {
    const c = validateConfig(rawConfigFrom(run.config.values), run.config.values["aws:region"], run.stack);
    const members = (run.outputs.database?.members ?? []).length;
    return [
        `${members === 3 ? "✓" : "✗"} 3-node replica set: ${members} mongod members in rs0, initiated before any gateway container starts`,
        ...localChecklist(c).map((i) => `${i.ok ? "✓" : "✗"} ${i.item}: ${i.path} = ${JSON.stringify(i.value)}${i.ok ? "" : ` (${i.rule}; enforced in prod only)`}`),
        `✓ pool sizes tuned: derived from mongod --maxConns ${c.local.mongo.maxConnections} (see the connection budget)`,
        `✓ sticky sessions for admin only: lb_policy cookie on admin.${c.domain}, round robin on api.${c.domain}`,
    ];
};

/** The drills of a local stack: command, check, what to see, how to end it. */
export const localDrillsSection: Section = (run) =>
    Object.entries<any>(run.outputs.drills ?? {}).flatMap(([name, d]) => [
        `${name}: proves ${d.proves}`,
        `  start:   ${d.start}`,
        `  check:   ${d.check}`,
        `  expect:  ${d.expect}`,
        `  restore: ${d.restore}`,
    ]);
