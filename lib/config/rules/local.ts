/**
 * Local rules: what a local stack (purpose local, stacks/local.ts) cannot honour, and the Production
 * HA Checklist with its local meaning when the environment is prod.
 */
import { SERVICE_NAMES } from "../constants";
import { Resolved } from "../resolve";
import { formatPath, Problem } from "../problems";

/** Whether an image reference names a tag other than `latest`, or a digest: what runs is what was reviewed. */
export function isPinnedImage(image: string): boolean {
    if (/@sha256:[a-f0-9]{64}$/.test(image)) return true;
    const last = image.slice(image.lastIndexOf("/") + 1);
    const tag = last.includes(":") ? last.slice(last.indexOf(":") + 1) : undefined;
    return tag !== undefined && tag !== "latest";
}

/** The local stack's HA checklist items: each key, whether it holds, and the item it proves. */
export function localChecklist(c: Resolved): { path: string; ok: boolean; rule: string; item: string; value: unknown }[] {
    const hc = c.loadBalancer.healthCheck;
    return [
        { path: "admin.instances", ok: c.admin.instances >= 2, rule: "must be at least 2", item: "two admin backend instances behind Caddy", value: c.admin.instances },
        { path: "main.instances", ok: c.main.instances >= 2, rule: "must be at least 2", item: "two main backend instances behind Caddy", value: c.main.instances },
        { path: "worker.instances", ok: c.worker.instances >= 2, rule: "must be at least 2", item: "no single PDF worker", value: c.worker.instances },
        { path: "local.cache.engine", ok: c.local.cache.engine !== "garnet", rule: "must be valkey or redis", item: "a cache with failover (primary, replica, three Sentinels with a quorum of two); garnet is a single node", value: c.local.cache.engine },
        { path: "loadBalancer.healthCheck.path", ok: hc.path === "/health", rule: "must be /health", item: "load balancer health checks on /health", value: hc.path },
        { path: "loadBalancer.healthCheck.intervalSeconds", ok: hc.intervalSeconds <= 10, rule: "must be at most 10", item: "Caddy checks every instance's /health every 10 s", value: hc.intervalSeconds },
        { path: "observability.tracing", ok: c.observability.tracing, rule: "must be true", item: "OpenTelemetry connected", value: c.observability.tracing },
        { path: "observability.traceSampleRatio", ok: c.observability.traceSampleRatio > 0, rule: "must be above 0", item: "OpenTelemetry connected", value: c.observability.traceSampleRatio },
        { path: "local.backup.enabled", ok: c.local.backup.enabled, rule: "must be true", item: "automated backups (a scheduled mongodump to a volume)", value: c.local.backup.enabled },
    ];
}

export function localProblems(c: Resolved): Problem[] {
    if (c.purpose !== "local") return [];
    const problems: Problem[] = [];
    const add = (path: string, message: string, value: unknown, ...reads: string[]) => problems.push({ path, message, value, reads: ["purpose", ...reads] });
    for (const name of SERVICE_NAMES) {
        const s = c[name];
        if (s.build) add(`${name}.build`, "is not built by a local stack: build the image with `docker build -t <name>:<tag> <context>` and set image", s.build);
        if (s.maxInstances !== s.instances)
            add(`${name}.maxInstances`, `must equal ${name}.instances (${s.instances}) in a local stack: Docker has no autoscaling, every instance is a container`, s.maxInstances, `${name}.instances`);
        for (const [key, arn] of Object.entries(s.secrets))
            add(formatPath([name, "secrets", key]), "is a Secrets Manager or SSM ARN, which a local stack cannot read: set the value with `pulumi config set --secret` in extraEnvironment, or leave it to the AWS stacks", arn);
        if (s.repositoryCredentials)
            add(`${name}.repositoryCredentials`, "does not apply to a local stack: the Docker engine pulls with its own login (docker login)", s.repositoryCredentials);
        if (s.image && !isPinnedImage(s.image)) add(`${name}.image`, "must name a tag other than latest, or a digest (@sha256:…): what runs is what was reviewed", s.image);
    }
    const images: [string, string][] = [
        ["local.caddyImage", c.local.caddyImage],
        ["local.mongo.image", c.local.mongo.image],
        ["local.cache.image", c.local.cache.image],
        ["local.collectorImage", c.local.collectorImage],
    ];
    for (const [path, image] of images) if (!isPinnedImage(image)) add(path, "must name a tag other than latest, or a digest (@sha256:…)", image);
    if (c.atlas.restore) add("atlas.restore", "restores an Atlas backup, which a local stack does not have: restore a mongodump from the backups volume instead (README, Local stack)", c.atlas.restore);
    if (c.rotation.cache !== undefined) add("rotation.cache", "has nothing to rotate in a local stack: its cache has no AUTH token", c.rotation.cache);
    if (c.rotation.database !== undefined) add("rotation.database", "has nothing to rotate in a local stack: its replica set has no users", c.rotation.database);
    if (c.prod) for (const i of localChecklist(c)) if (!i.ok) add(i.path, `${i.rule} in prod (HA checklist: ${i.item})`, i.value, "environment");
    return problems;
}
