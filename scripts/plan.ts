/**
 * The offline preview: runs the program under the mock engine (no cloud account, no Pulumi CLI)
 * and prints what `pulumi up` would declare.
 *
 *   npm run plan -- --stack prod [--set main.instances=3 ...] [--set-string key=007] [--json]
 */
import * as fs from "fs";
import { SERVICE_NAMES, UNDECRYPTED, configJson, validateConfig } from "../lib/config";
import { rawConfigFrom } from "../lib/stackConfig";
import { absentDrills, planDrills } from "../lib/drills";
import type { StackConfigError } from "../lib/stackConfig";
import { ProgramError, RecordedResource, Run, UsageError, assembleConfig, gatewayStacks, isSecretInput, listStacks, parseKeyPath, runProgram } from "../tests/harness";
import { Result, evaluate } from "../policy/rules";
import { renderDiagram } from "./diagram";
import { DEFAULT_ASSUMPTIONS, Estimate, bomFromResources, difference, estimate } from "../lib/cost";
import { PriceError } from "../lib/prices";
import { EIP_DEFAULT_QUOTA_PER_REGION } from "../lib/limits";

/** What the plan prints in place of a value only `pulumi up` will know (`pulumi preview` shows such a value as unknown). */
export const KNOWN_AFTER_UP = "(known after pulumi up)";

export interface PlanArgs {
    stack: string;
    set: Record<string, unknown>;
    json: boolean;
    /** Print the architecture as a Mermaid flowchart instead of the plan. */
    diagram: boolean;
    /** The stack's outputs from its last deployment (`pulumi stack output --json`), to plan the next rotation step. */
    previous?: Record<string, unknown>;
}

export function parseArgs(argv: string[]): PlanArgs {
    const args: PlanArgs = { stack: "", set: {}, json: false, diagram: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--json") args.json = true;
        else if (arg === "--diagram") args.diagram = true;
        else if (arg === "--stack" || arg === "-s") args.stack = argv[++i] ?? "";
        else if (arg.startsWith("--stack=")) args.stack = arg.slice(8);
        else if (arg === "--previous") args.previous = readPrevious(argv[++i] ?? "");
        else if (arg === "--set" || arg === "--set-string") {
            const pair = argv[++i] ?? "";
            const eq = pair.indexOf("=");
            if (eq <= 0) throw new Error(`${arg} takes key.path=value; got "${pair}"`);
            const [key, text] = [pair.slice(0, eq), pair.slice(eq + 1)];
            let path: (string | number)[];
            try {
                path = parseKeyPath(key); // refuses a malformed path, or one through __proto__, before anything runs
            } catch (e) {
                throw new UsageError((e as Error).message.replace(/^--set /, `${arg} `));
            }
            args.set[key] = arg === "--set-string" || path.length === 1 ? text : typeLikeCli(text);
        } else throw new Error(`unknown argument "${arg}"`);
    }
    if (!args.stack) throw new Error(`--stack is required (one of ${listStacks().join(", ")})`);
    if (!listStacks().includes(args.stack)) throw new Error(`--stack ${args.stack}: no stack file Pulumi.${args.stack}.yaml (stacks: ${listStacks().join(", ")})`);
    if (args.json && args.diagram) throw new Error("--json and --diagram are alternatives: give one of them");
    return args;
}

/** The JSON of `pulumi stack output --json > FILE`. */
function readPrevious(file: string): Record<string, unknown> {
    if (!file) throw new Error("--previous takes the file `pulumi stack output --json` wrote");
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new Error(`--previous ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "not the JSON of `pulumi stack output --json`"}`);
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error(`--previous ${file}: not the JSON of \`pulumi stack output --json\``);
    return parsed as Record<string, unknown>;
}

/**
 * Exactly as `pulumi config set --path` types a nested value (sdk/go/common/resource/config,
 * adjustObjectValue): "true" and "false" are booleans, an integer is a number unless it has a
 * leading 0, and everything else (decimals, versions such as 8.0, JSON) stays a string. A
 * top-level key is always a string. `--set-string` keeps any value a string (the CLI's `--type string`).
 */
export function typeLikeCli(text: string): unknown {
    if (text === "true") return true;
    if (text === "false") return false;
    if (text.length > 1 && text[0] === "0") return text;
    if (/^[+-]?\d+$/.test(text)) {
        // An int64, every digit kept: a BigInt where a double would round it.
        const n = BigInt(text);
        if (n >= -(2n ** 63n) && n < 2n ** 63n) return Number.isSafeInteger(Number(n)) ? Number(n) : n;
    }
    return text;
}

// -------------------------------------------------------------------------------------------------
// Sections. Each takes the run and returns lines; an empty list omits the section.

type Section = (run: Run) => string[];

export function table(rows: (string | number)[][]): string[] {
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
    return rows.map((r) => r.map((cell, c) => (typeof cell === "number" ? String(cell).padStart(widths[c]) : String(cell).padEnd(widths[c]))).join("  ").trimEnd());
}

const summary: Section = (run) => {
    const o = run.outputs;
    const undecrypted = Object.entries(run.config.values).filter(([, v]) => v.includes(UNDECRYPTED)).map(([k]) => k);
    return [
        `stack ${run.stack} · environment ${o.environment} · region ${o.region} · ${o.purpose === "restore-drill" ? "purpose restore-drill: an Atlas cluster a backup is restored into, nothing else" : `domain ${o.domain}`}`,
        ...undecrypted.map((k) => `! ${k} holds a secure value the offline plan cannot decrypt: it is not validated here, and its default stands in; \`pulumi preview\` judges it`),
    ];
};

const tree: Section = (run) => {
    const lines: string[] = [];
    const children = (parent: string) => run.resources.filter((r) => r.parent === parent);
    const stackUrn = run.resources.find((r) => !run.resources.some((p) => p.urn === r.parent))?.parent ?? "";
    const walk = (r: RecordedResource, depth: number) => {
        const kids = children(r.urn);
        const flags = [r.protect ? "protected" : "", r.ignoreChanges.length ? `ignores ${r.ignoreChanges.join(",")}` : ""].filter(Boolean);
        lines.push(`${"  ".repeat(depth)}${r.custom ? "·" : "▸"} ${r.name}  ${r.type}${flags.length ? `  [${flags.join("; ")}]` : ""}`);
        // A component's own resources, then its sub-components.
        const ordered = kids.filter((k) => k.custom).sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name, "en", { numeric: true }));
        for (const k of ordered) walk(k, depth + 1);
        for (const k of kids.filter((k) => !k.custom)) walk(k, depth + 1);
    };
    for (const r of children(stackUrn)) walk(r, 0);
    return lines;
};

const counts: Section = (run) => {
    const byType = new Map<string, number>();
    for (const r of run.resources.filter((r) => r.custom)) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    const rows = [...byType.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    return [...table([["type", "count"], ...rows.map(([t, n]) => [t, n])]), `total: ${run.resources.filter((r) => r.custom).length} resources`];
};

interface CapacityOutput {
    instances: number;
    maxInstances: number;
    cpu: number;
    memory: number;
    architecture: string;
    image: string;
    entryPoint?: string[];
    command?: string[];
    healthCheck?: string[];
    secrets?: Record<string, string>;
    repositoryCredentials?: string;
    /** Stopped for a restore (desired count and autoscaling bounds 0). */
    stopped?: boolean;
}

/** A process as a shell would show it; the image's own when neither entry point nor command is set. */
const processOf = (s: CapacityOutput) => (s.entryPoint || s.command ? [...(s.entryPoint ?? []), ...(s.command ?? [])].map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(" ") : "(the image's own)");

const capacity: Section = (run) => {
    const services = run.outputs.capacity as Record<string, CapacityOutput> | undefined;
    if (!services) return [];
    const unpinned = Object.entries(services).filter(([, s]) => !/@sha256:[0-9a-f]{64}$/.test(s.image));
    return [
        ...table([
            ["service", "instances", "max", "cpu", "memory MiB", "arch", "process", "image"],
            ...Object.entries(services).map(([name, s]) => [name, s.instances, s.maxInstances, s.cpu, s.memory, s.architecture, processOf(s), s.image]),
        ]),
        ...unpinned.map(([name, s]) => `! ${name}: ${s.image} is not pinned by digest; the tag can move under a running service (use image@sha256:…)`),
        ...collectorImages(run)
            .filter((image) => !/@sha256:[0-9a-f]{64}$/.test(image))
            .map((image) => `! collector sidecar: ${image} is not pinned by digest (observability.collectorImage: pin it as image@sha256:…; see the README, Releases)`),
        ...Object.entries(services).filter(([, s]) => s.healthCheck).map(([name, s]) => `${name} container health check: ${s.healthCheck!.join(" ")}`),
        ...Object.entries(services).filter(([, s]) => s.repositoryCredentials).map(([name, s]) => `${name} pulls its image with the registry credentials in ${s.repositoryCredentials} (ECS repositoryCredentials; its execution role may read that secret)`),
        ...(Object.values(services).some((s) => s.stopped) ? [`! ${Object.entries(services).filter(([, s]) => s.stopped).map(([n]) => n).join(", ")}: STOPPED for the restore (desired count and autoscaling bounds 0) until it has finished`] : []),
    ];
};

/** The gateway's own secrets: where each comes from, never its value. */
const serviceSecrets: Section = (run) => {
    const services = run.outputs.capacity as Record<string, CapacityOutput> | undefined;
    if (!services) return [];
    const rows = Object.entries(services).flatMap(([name, s]) => Object.entries(s.secrets ?? {}).map(([env, arn]) => [name, env, arn.includes(":ssm:") ? "SSM parameter" : "Secrets Manager", arn]));
    const generated = "MPG_DATABASE_URI and MPG_GARNET_URL: generated here, in Secrets Manager under the stack's data key";
    if (!rows.length) return [generated, "no other secrets (<service>.secrets)"];
    return [
        generated,
        ...table([["service", "variable", "from", "ARN (read when a task starts, by that service's execution role only)"], ...rows]),
        "a new value under the same ARN reaches running tasks only when they restart; to roll the service onto a new value, pin its version-id in the ARN (…:<json-key>::<version-id>) and edit it: a moved version-stage changes no ARN and rolls nothing",
    ];
};

/** The OpenTelemetry collector sidecar images the task definitions run. */
function collectorImages(run: Run): string[] {
    const containers = run.ofType("aws:ecs/taskDefinition:TaskDefinition").flatMap((td) => {
        const defs = td.inputs.containerDefinitions;
        return (typeof defs === "string" ? JSON.parse(defs) : defs ?? []) as { name: string; image: string }[];
    });
    return [...new Set(containers.filter((c) => c.name === "otel-collector").map((c) => c.image))];
}

const routing: Section = (run) => {
    const groups = run.ofType("aws:lb/targetGroup:TargetGroup");
    const rules = run.ofType("aws:lb/listenerRule:ListenerRule");
    if (!groups.length) return [];
    const lines: string[] = [];
    const https = run.ofType("aws:lb/listener:Listener").find((l) => l.inputs.protocol === "HTTPS");
    const http = run.ofType("aws:lb/listener:Listener").find((l) => l.inputs.protocol === "HTTP");
    if (https) lines.push(`listener 443 HTTPS (${https.inputs.sslPolicy}); anything else → ${https.inputs.defaultActions[0].fixedResponse?.statusCode ?? https.inputs.defaultActions[0].type}`);
    if (http) lines.push(`listener 80 HTTP → ${http.inputs.defaultActions[0].redirect?.statusCode ?? http.inputs.defaultActions[0].type} to HTTPS`);
    const rows: (string | number)[][] = [["host", "target group", "sticky", "allowed from", "health check"]];
    for (const rule of [...rules].sort((a, b) => a.inputs.priority - b.inputs.priority)) {
        const group = groups.find((g) => g.outputs.arn === rule.inputs.actions[0].targetGroupArn);
        if (!group) continue;
        const host = rule.inputs.conditions.find((c: any) => c.hostHeader)?.hostHeader.values.join(",");
        const from = rule.inputs.conditions.find((c: any) => c.sourceIp)?.sourceIp.values.join(",") ?? "anywhere";
        const st = group.inputs.stickiness;
        const sticky = st?.enabled ? `${st.type}${st.cookieName ? ` ${st.cookieName}` : ""} ${st.cookieDuration}s` : "no";
        const hc = group.inputs.healthCheck;
        rows.push([host, group.name, sticky, from, `${hc.path} every ${hc.interval}s, timeout ${hc.timeout}s, ${hc.healthyThreshold}↑/${hc.unhealthyThreshold}↓`]);
    }
    lines.push(...table(rows));
    const waf = run.ofType("aws:wafv2/webAcl:WebAcl")[0];
    const alb = run.ofType("aws:lb/loadBalancer:LoadBalancer")[0];
    const logs = alb?.inputs.accessLogs;
    const created = run.ofType("aws:s3/bucket:Bucket").find((b) => b.outputs.bucket === logs?.bucket);
    const expiry = created && run.ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").find((l) => l.inputs.bucket === created.id)?.inputs.rules[0].expiration.days;
    lines.push(
        !logs?.enabled
            ? "access logs: off"
            : created
              ? `access logs: → s3://${logs.bucket}/${logs.prefix}/ (created here: SSE-S3, TLS-only, kept ${expiry} days${created.protect ? ", protected" : ""})`
              : `access logs: → s3://${logs.bucket}/${logs.prefix}/ (an existing bucket; its policy is its owner's)`,
    );
    lines.push(waf ? `WAF: ${waf.inputs.rules.map((r: any) => r.statement.rateBasedStatement ? `${r.name} (${r.statement.rateBasedStatement.limit}/5 min)` : r.name).join(", ")}` : "WAF: off");
    return lines;
};

const dataTier: Section = (run) => {
    const lines: string[] = [];
    const cluster = run.ofType("mongodbatlas:index/advancedCluster:AdvancedCluster")[0];
    if (cluster) {
        const region = cluster.inputs.replicationSpecs[0].regionConfigs[0];
        const schedule = run.ofType("mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule")[0];
        const privateLink = run.ofType("mongodbatlas:index/privateLinkEndpointService:PrivateLinkEndpointService").length > 0;
        const entries = run.ofType("mongodbatlas:index/projectIpAccessList:ProjectIpAccessList");
        const accessList = entries.filter((a) => a.inputs.ipAddress).map((a) => a.inputs.ipAddress);
        const checkFrom = entries.filter((a) => a.inputs.cidrBlock).map((a) => a.inputs.cidrBlock);
        const scaling = region.autoScaling?.computeEnabled ? `, auto-scaling ${region.autoScaling.computeMinInstanceSize}–${region.autoScaling.computeMaxInstanceSize}` : "";
        lines.push(
            `Atlas ${cluster.inputs.name}: ${cluster.inputs.clusterType} of ${region.electableSpecs.nodeCount} electable nodes, ${region.electableSpecs.instanceSize}${scaling}, ${region.regionName}, MongoDB ${cluster.inputs.mongoDbMajorVersion}`,
            `  backups: cloud backup ${cluster.inputs.backupEnabled ? "on" : "OFF"}, point-in-time ${cluster.inputs.pitEnabled ? "on" : "off"}` +
                (schedule ? `, daily snapshots kept ${schedule.inputs.policyItemDaily.retentionValue} days` : "") +
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

const alarms: Section = (run) => {
    const list = [...run.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")].sort((a, b) => a.inputs.name.localeCompare(b.inputs.name));
    if (!list.length) return [];
    const ops: Record<string, string> = { GreaterThanThreshold: ">", LessThanThreshold: "<", GreaterThanOrEqualToThreshold: "≥", LessThanOrEqualToThreshold: "≤" };
    const metric = (a: RecordedResource) =>
        a.inputs.metricName
            ? `${a.inputs.metricName} ${a.inputs.extendedStatistic ?? a.inputs.statistic}`
            : a.inputs.metricQueries?.find((q: any) => q.returnData)?.label ?? "expression";
    return [
        ...table([
            ["alarm", "when", "for", "missing data"],
            ...list.map((a) => [
                a.inputs.name,
                `${metric(a)} ${ops[a.inputs.comparisonOperator] ?? a.inputs.comparisonOperator} ${a.inputs.threshold}`,
                `${a.inputs.datapointsToAlarm ?? a.inputs.evaluationPeriods} of ${a.inputs.evaluationPeriods} × ${a.inputs.period ?? 60}s`,
                a.inputs.treatMissingData ?? "missing (default)",
            ]),
        ]),
        `→ SNS topic ${run.ofType("aws:sns/topic:Topic")[0]?.inputs.name}; Atlas alerts: ${run.ofType("mongodbatlas:index/alertConfiguration:AlertConfiguration").map((a) => `${a.inputs.metricThresholdConfig?.metricName} > ${a.inputs.metricThresholdConfig?.threshold} on ${a.inputs.matchers?.length ? a.inputs.matchers.map((m: any) => m.value).join(",") : "every node"}`).join("; ")}`,
        subscriptions(run),
    ];
};

function safeJson(text: string | undefined): any {
    try {
        return text === undefined ? undefined : JSON.parse(text);
    } catch {
        return undefined;
    }
}

function subscriptions(run: Run): string {
    const emails = run.ofType("aws:sns/topicSubscription:TopicSubscription").map((s) => s.inputs.endpoint);
    // A secure alarmEmails stands aside offline (its default, none, stands in): unknown, not empty.
    if (!emails.length && JSON.stringify(safeJson(run.config.values["payment-gateway:observability"])?.alarmEmails ?? null).includes(UNDECRYPTED))
        return "e-mail: observability.alarmEmails holds a secure value the offline plan cannot decrypt; `pulumi preview` shows the subscriptions, and each address must confirm the e-mail AWS sends it";
    return emails.length
        ? `e-mail: ${emails.join(", ")}; each address receives nothing until it confirms the subscription from the e-mail AWS sends it (check with aws sns list-subscriptions-by-topic)`
        : "! no alarmEmails: the alarms notify nobody (observability.alarmEmails; required in prod)";
}

const rotation: Section = (run) => {
    const r = run.outputs.rotation;
    if (!r) return [];
    const line = (what: string, x: any) => `${what}: ${x.step === "none" ? "never rotated" : `label ${x.label}, step ${x.step}${x.held ? " (held)" : ""}`}. This \`pulumi up\` ${x.now}; then ${x.next}.`;
    const lowFloor = ["admin", "main", "worker"].filter((n) => (run.ofType("aws:ecs/service:Service").find((s) => s.name === `pg-${n}`)?.inputs.deploymentMinimumHealthyPercent ?? 100) < 100);
    return [
        line("cache AUTH token", r.cache),
        line("database password", r.database),
        ...(lowFloor.length && (r.cache.step === "rotate" || r.database.step === "switch") ? [`! ${lowFloor.join(", ")}: deployment.minimumHealthyPercent below 100 stops tasks before their replacements run; rotate with 100`] : []),
        ...(Object.keys(run.previous).length ? [] : ["(no --previous: planned as if the stack had never been deployed; pass `pulumi stack output --json` to see its real next step)"]),
    ];
};

const restoreSection: Section = (run) => {
    const r = run.outputs.restore;
    if (!r) return [];
    const offline = ["waiting", "restored", "failed"].includes(r.step);
    return [
        `restore: step ${r.step}. This \`pulumi up\` ${r.now}; then ${r.next}.`,
        ...(r.step === "start" ? ["watch the job: the `restore.watch` output of `pulumi up` (atlas backups restores watch <job id> --clusterName … --projectId …)"] : r.watch ? [`watch the job: ${r.watch}`] : []),
        ...(r.step === "start" && run.outputs.purpose !== "restore-drill" ? ["between this `pulumi up` and the next, the gateway serves nothing (its load-balancer alarms fire): check the job with the command above"] : []),
        ...(offline ? ["(offline the plan cannot read Atlas: it assumes the job is still running; `pulumi preview` reads its real state)"] : []),
        ...(Object.keys(run.previous).length ? [] : ["(no --previous: planned as if the stack had never been deployed; pass `pulumi stack output --json` to see its real next step)"]),
    ];
};

/** The monthly estimate of what a run declares; a PriceError names a missing price. */
export function estimateRun(run: Run): Estimate {
    return estimate(bomFromResources(run.outputs.region, run.resources), run.outputs.costAssumptions ?? DEFAULT_ASSUMPTIONS);
}

const usd = (x: number) => `$${x.toFixed(2)}`;

/** What the estimate leaves out, as the plan and the README say it. */
export const NOT_INCLUDED =
    "data transfer between zones and to the internet, Atlas data transfer, taxes, support plans, the first three free dashboards, " +
    "the FIS log group and Container Insights' own performance log group (kept a day), traces the worker starts without a request, " +
    "requests that arrive with a sampled traceparent (recorded whatever the sample ratio), the load balancer's health checks if /health is traced; " +
    "Route 53 adds nothing (records in an existing zone, alias queries free)";
const signed = (x: number) => `${x >= 0 ? "+" : "−"}$${Math.abs(x).toFixed(2)}`;

const cost: Section = (run) => {
    let e: Estimate;
    try {
        e = estimateRun(run);
    } catch (err) {
        if (err instanceof PriceError) return [`no estimate: ${err.message}`];
        throw err;
    }
    const lines = [
        ...table([
            ["component", "floor $/month", "ceiling $/month"],
            ...e.byComponent.map((c) => [c.component, usd(c.floor), usd(c.ceiling)]),
            ["total", usd(e.floor), usd(e.ceiling)],
        ]),
        "floor: every service at instances; ceiling: every service at maxInstances and Atlas at its auto-scaling maximum.",
        "usage priced from assumptions (cost.assumptions.*), not from what is declared:",
        ...e.lines.filter((l) => l.assumption).map((l) => `  ${l.component}: ${l.item}: ${l.assumption!.key} = ${l.assumption!.value.toLocaleString("en-US")} at $${l.assumption!.unitPrice} per ${l.assumption!.unit} → ${usd(l.floor)}`),
        ...e.estimates.map((x) => `estimate: ${x}`),
        ...(e.lines.some((l) => /^X-Ray/.test(l.item)) ? ["X-Ray's free tier is counted once per stack; stacks sharing an account share it."] : []),
        ...(e.lines.some((l) => /^log storage/.test(l.item)) ? ["log storage: the steady state at each group's retention, priced at the size ingested (CloudWatch bills it compressed): an upper bound."] : []),
        `not included: ${NOT_INCLUDED}.`,
        ...e.advice.map((a) => `advice: ${a}`),
    ];
    if (run.baseline) {
        try {
            const delta = difference(estimateRun(run.baseline), e);
            lines.push("this edit (--set) against the stack file:", ...table([["component", "floor", "ceiling"], ...delta.map((d) => [d.component, signed(d.floor), signed(d.ceiling)])]).map((l) => `  ${l}`));
        } catch (err) {
            if (!(err instanceof PriceError)) throw err;
        }
    }
    return lines;
};

const budget: Section = (run) => {
    const b = run.outputs.connectionBudget;
    if (!b) return [];
    const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
    return [
        `atlas.tier ${b.tier}: ${b.limit.toLocaleString("en-US")} connections per node, ${b.reserved} reserved by Atlas, headroom ${b.headroom} → ${b.budget.toLocaleString("en-US")} for the gateway`,
        ...table([
            ["service", "peak tasks", "maxPool", "minPool", "maxConnecting", "peak conns/node"],
            ...b.services.map((s: any) => [s.name + (s.overridden ? " (override)" : ""), s.peakTasks, s.maxPoolSize, s.minPoolSize, s.maxConnecting, s.peakConnections]),
        ]),
        `peak: ${b.peakTasks} tasks (maxInstances × deployment.maximumPercent), ${b.peakConnections.toLocaleString("en-US")} connections per node including 2 monitoring per task = ${pct(b.utilization)} of the tier's usable limit`,
    ];
};

const drillsSection: Section = (run) => {
    const templates = [...run.ofType("aws:fis/experimentTemplate:ExperimentTemplate")].sort((a, b) => a.name.localeCompare(b.name));
    const outputs = run.outputs.drills ?? {};
    if (!Object.keys(outputs).length) return ["off (drills.enabled false): nothing proves the HA checklist under failure"];
    const alarmNames = (arns: string[]) => arns.map((a) => a.split(":alarm:")[1] ?? a).join(", ");
    const describe = (t: RecordedResource) => {
        const zone = [...t.inputs.targets].flatMap((x: any) => [x.parameters?.availabilityZoneIdentifier, ...(x.filters ?? []).flatMap((f: any) => f.values)]).find(Boolean);
        const duration = t.inputs.actions.flatMap((a: any) => a.parameters ?? []).find((p: any) => p.key === "duration")?.value;
        const what = t.inputs.actions.map((a: any) => {
            const target = t.inputs.targets.find((x: any) => x.name === a.target.value);
            const which = target.parameters?.service ?? (target.resourceType === "aws:ec2:subnet" ? "every subnet of the VPC in the zone" : target.name);
            return `${a.actionId.split(":").slice(1).join(":")} → ${which} (${target.selectionMode})`;
        });
        return [t.inputs.tags.drill, zone ?? "every zone", duration ?? "instant", t.inputs.experimentOptions?.emptyTargetResolutionMode ?? "fail", what.join("; ")];
    };
    // Why the stack has no more: from its config, as the program decided (lib/drills.ts).
    const c = validateConfig(rawConfigFrom(run.config.values), run.config.values["aws:region"], run.stack);
    const absent = absentDrills(planDrills({ services: SERVICE_NAMES.map((name) => ({ name, instances: c[name].instances })), cache: { nodes: c.cache.nodes, failover: c.cache.failover }, taskLossPercent: c.drills.taskLossPercent }));
    const commands = Object.entries<any>(outputs).flatMap(([name, d]) => [`${name}: ${d.start}`, ...(d.zonalShift ? [`${name} zonal shift (traffic away from the zone): ${d.zonalShift.start}`] : [])]);
    // What one run costs (FIS action-minutes), when the region is priced.
    let runs: Estimate["drillRuns"] = [];
    try {
        runs = estimateRun(run).drillRuns;
    } catch (err) {
        if (!(err instanceof PriceError)) throw err;
    }
    const oneRun = (t: RecordedResource) => {
        const r = runs.find((x) => x.name === t.inputs.tags.drill);
        return r ? `${usd(r.usd)} (${r.actionMinutes} action-min)` : "unpriced";
    };
    const row = (t: RecordedResource) => {
        const [drill, zone, duration, empty, what] = describe(t);
        return [drill, zone, duration, oneRun(t), empty, what];
    };
    return [
        ...(templates.length ? table([["drill", "zone", "duration", "one run", "empty target", "actions → targets"], ...templates.map(row)]) : ["no FIS drill: nothing this stack runs survives losing a zone or a task"]),
        ...absent.map((a) => `absent: ${a.drill}: ${a.reason}`),
        ...(templates.length
            ? [
                  `stop conditions (each drill): ${alarmNames(templates[0].inputs.stopConditions.map((c: any) => c.value))}`,
                  `logs: ${run.ofType("aws:cloudwatch/logGroup:LogGroup").find((g) => String(g.inputs.name).startsWith("/aws/vendedlogs/fis/"))?.inputs.name}`,
              ]
            : []),
        ...commands,
    ];
};

/**
 * Quotas a first `pulumi up` can run into. Elastic IPs: one per NAT gateway, and an account has
 * EIP_DEFAULT_QUOTA_PER_REGION per region unless raised; the example stacks of one region may share an account.
 */
const quotas: Section = (run) => {
    const eips = run.ofType("aws:ec2/eip:Eip").length;
    if (!run.outputs.region || run.outputs.purpose === "restore-drill") return [];
    const region = run.outputs.region;
    const others = gatewayStacks().filter((s) => s !== run.stack).flatMap((stack) => {
        try {
            const values = assembleConfig(stack).values;
            if (values["aws:region"] !== region) return [];
            const network = JSON.parse(values["payment-gateway:network"] ?? "{}");
            const count = network.natGateways === "single" ? 1 : Number(network.azCount ?? 3);
            return [{ stack, count }];
        } catch {
            return [];
        }
    });
    const together = eips + others.reduce((n, o) => n + o.count, 0);
    return [
        `Elastic IPs: ${eips} (one per NAT gateway) of the default quota of ${EIP_DEFAULT_QUOTA_PER_REGION} per region per account` +
            (others.length ? `; with ${others.map((o) => `${o.stack} (${o.count})`).join(", ")}, also in ${region}: ${together} if they share an account (the plan cannot tell)` : ""),
        ...(eips > EIP_DEFAULT_QUOTA_PER_REGION
            ? [`! ${eips} exceed the default quota of ${EIP_DEFAULT_QUOTA_PER_REGION}: NAT gateway creation fails with AddressLimitExceeded unless the quota is raised first (Service Quotas: Amazon EC2, "EC2-VPC Elastic IPs")`]
            : together > EIP_DEFAULT_QUOTA_PER_REGION
              ? [`! ${together} together exceed the default quota of ${EIP_DEFAULT_QUOTA_PER_REGION} if these stacks share an account: NAT gateway creation then fails with AddressLimitExceeded unless the quota is raised first (Service Quotas: Amazon EC2, "EC2-VPC Elastic IPs") or the stacks use separate accounts or regions`]
              : []),
    ];
};

function findings(kind: "checklist" | "operations" | "security" | "pci"): Section {
    return (run) => {
        const results = evaluate(run.policyResources()).filter((r) => r.rule.kind === kind);
        const line = (r: Result) => {
            const ok = r.finding.violations.length === 0;
            const note = ok ? r.finding.evidence : `${r.finding.violations.join("; ")}${r.enforced ? "" : " (enforced in prod only)"}`;
            return `${ok ? "✓" : "✗"} ${r.rule.title}: ${note}`;
        };
        return results.map(line);
    };
}

// -------------------------------------------------------------------------------------------------
// What an edit changes: the run with the edit against the run of the stack file as it is.

/**
 * Inputs whose change replaces the resource (delete and create, or a new revision), by type, as
 * the providers declare them; "*" means every input but those listed after it.
 * - aws:ecs/taskDefinition: every argument but tags and skip_destroy is ForceNew (a task definition
 *   revision is immutable): hashicorp/terraform-provider-aws internal/service/ecs/task_definition.go,
 *   ResourceTaskDefinition schema (`track_latest`, added later, is not ForceNew either).
 * - mongodbatlas advancedCluster: `project_id` and `name` use RequiresReplace:
 *   mongodb/terraform-provider-mongodbatlas internal/service/advancedcluster/schema.go.
 * - mongodbatlas alertConfiguration: `project_id` RequiresReplace: internal/service/alertconfiguration/resource.go.
 * - aws:elasticache/replicationGroup: `replication_group_id`, `port`, `at_rest_encryption_enabled`,
 *   `kms_key_id`, `subnet_group_name`, `snapshot_arns`, `snapshot_name`, `data_tiering_enabled`
 *   are ForceNew: terraform-provider-aws internal/service/elasticache/replication_group.go
 *   (ResourceReplicationGroup schema, read at commit 16a38e6). That version also forced a new group
 *   on `engine` and `transit_encryption_enabled`, which later versions update in place (redis →
 *   valkey, TLS modes), so those two are not listed here: unverified for the version in use.
 * - aws:ec2/vpc:Vpc `cidr_block` and aws:ec2/subnet:Subnet `cidr_block`, `availability_zone`,
 *   `availability_zone_id`, `vpc_id` are ForceNew: terraform-provider-aws internal/service/ec2/vpc_.go
 *   (ResourceVPC) and vpc_subnet.go (resourceSubnet). `network.cidr` and `network.availabilityZones`
 *   reach them, and a new VPC takes every subnet, security group, NAT gateway and endpoint with it.
 * Any other change is shown as an update: the provider may still replace (`pulumi preview` says so),
 * and a replaced resource's new id changes what refers to it, which this diff does not follow
 * (the mock engine keeps ids stable); the plan prints both caveats with the diff.
 */
export const REPLACED_BY: Readonly<Record<string, readonly string[]>> = {
    "aws:ecs/taskDefinition:TaskDefinition": ["*", "tags", "tagsAll", "skipDestroy", "trackLatest"],
    "mongodbatlas:index/advancedCluster:AdvancedCluster": ["name", "projectId"],
    "mongodbatlas:index/alertConfiguration:AlertConfiguration": ["projectId"],
    "aws:elasticache/replicationGroup:ReplicationGroup": ["replicationGroupId", "port", "atRestEncryptionEnabled", "kmsKeyId", "subnetGroupName", "snapshotArns", "snapshotName", "dataTieringEnabled"],
    "aws:ec2/vpc:Vpc": ["cidrBlock"],
    "aws:ec2/subnet:Subnet": ["cidrBlock", "availabilityZone", "availabilityZoneId", "vpcId"],
};

/** The resource types whose replacing inputs the plan knows, as a reader would name them. */
const KNOWN_REPLACEMENTS = "task definitions, the cache, the Atlas cluster and alerts, the VPC and subnets";

export interface Change {
    kind: "add" | "remove" | "replace" | "update";
    type: string;
    name: string;
    /** Changed input paths, each "path: before → after" (a secret input: "path: [secret] changed"). */
    fields: string[];
}

/** Leaf paths of a value; JSON text is read as JSON, and a list of named objects is keyed by name (environment, secrets). */
function leaves(value: unknown, at: string, out: Map<string, unknown>): Map<string, unknown> {
    if (typeof value === "string" && /^\s*[[{]/.test(value)) {
        try {
            return leaves(JSON.parse(value), at, out);
        } catch {
            /* plain text */
        }
    }
    if (Array.isArray(value) && value.length && value.every((v) => v && typeof v === "object" && typeof v.name === "string")) {
        for (const v of value) leaves(v.value !== undefined && Object.keys(v).length === 2 ? v.value : v, `${at}[${v.name}]`, out);
        return out;
    }
    if (Array.isArray(value)) {
        if (value.every((v) => v === null || typeof v !== "object")) out.set(at, JSON.stringify(value));
        else value.forEach((v, i) => leaves(v, `${at}[${i}]`, out));
        return out;
    }
    if (value && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) leaves(v, at ? `${at}.${k}` : k, out);
        return out;
    }
    out.set(at, value);
    return out;
}

const brief = (v: unknown) => {
    const text = v === undefined ? "(none)" : typeof v === "string" ? v : JSON.stringify(v);
    return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

/** What `after` changes against `before`: resources added, removed, replaced or updated, and their changed inputs. */
export function diffRuns(before: Run, after: Run): Change[] {
    const key = (r: RecordedResource) => r.urn;
    const old = new Map(before.resources.filter((r) => r.custom).map((r) => [key(r), r]));
    const now = new Map(after.resources.filter((r) => r.custom).map((r) => [key(r), r]));
    const changes: Change[] = [];
    for (const [urn, r] of now) {
        const was = old.get(urn);
        if (!was) {
            changes.push({ kind: "add", type: r.type, name: r.name, fields: [] });
            continue;
        }
        const [a, b] = [leaves(was.inputs, "", new Map()), leaves(r.inputs, "", new Map())];
        const paths = [...new Set([...a.keys(), ...b.keys()])].filter((p) => JSON.stringify(a.get(p)) !== JSON.stringify(b.get(p))).sort();
        if (!paths.length) continue;
        const top = [...new Set(paths.map((p) => p.split(/[.[]/)[0]))];
        const rule = REPLACED_BY[r.type] ?? [];
        const replaces = (field: string) => (rule[0] === "*" ? !rule.slice(1).includes(field) : rule.includes(field)) || r.replaceOnChanges.includes(field) || r.replaceOnChanges.includes("*");
        const secret = (p: string) => isSecretInput(r, p.split(/[.[]/)[0]) || isSecretInput(was, p.split(/[.[]/)[0]);
        changes.push({
            kind: top.some(replaces) ? "replace" : "update",
            type: r.type,
            name: r.name,
            fields: paths.map((p) => (secret(p) ? `${p}: [secret] changed` : `${p}: ${brief(a.get(p))} → ${brief(b.get(p))}`)),
        });
    }
    for (const [urn, r] of old) if (!now.has(urn)) changes.push({ kind: "remove", type: r.type, name: r.name, fields: [] });
    const order = { remove: 0, replace: 1, add: 2, update: 3 };
    return changes.sort((x, y) => order[x.kind] - order[y.kind] || x.type.localeCompare(y.type) || x.name.localeCompare(y.name));
}

/**
 * ECS service inputs whose update starts a new deployment: ECS API UpdateService ("For services
 * using the rolling update (ECS) you can update … network configuration, load balancers, service
 * registries, … and task definition. When you update any of these parameters, Amazon ECS starts new
 * tasks with the new configuration"; forceNewDeployment and a new platform version likewise). The
 * desired count scales without replacing running tasks, and the deployment configuration changes
 * only how the next deployment runs.
 */
export const ROLLING_SERVICE_INPUTS: readonly string[] = ["taskDefinition", "networkConfiguration", "loadBalancers", "serviceRegistries", "platformVersion", "forceNewDeployment", "volumeConfiguration", "capacityProviderStrategies"];

/** The services the edit rolls (ECS starts new tasks, then stops the old): a replaced task definition, or a service input that starts a deployment. */
export function rollingServices(changes: Change[]): string[] {
    const rolls = changes.filter(
        (c) =>
            (c.kind === "replace" && c.type === "aws:ecs/taskDefinition:TaskDefinition") ||
            (c.kind === "update" && c.type === "aws:ecs/service:Service" && c.fields.some((f) => ROLLING_SERVICE_INPUTS.includes(f.split(/[.[:]/)[0]))),
    );
    return [...new Set(rolls.map((c) => c.name.replace(/^pg-/, "")))].sort();
}

const edit: Section = (run) => {
    if (!run.baseline) return [];
    const changes = diffRuns(run.baseline, run);
    if (!changes.length) return ["no resource changes: the stack file already says this"];
    const counts = (["add", "remove", "replace", "update"] as const).map((k) => `${changes.filter((c) => c.kind === k).length} to ${k}`).join(", ");
    const rolls = rollingServices(changes);
    const sign = { add: "+", remove: "-", replace: "±", update: "~" };
    return [
        `against the stack file: ${counts}`,
        rolls.length
            ? `services that roll (a new task definition, network or load-balancer configuration: ECS starts new tasks, then stops the old): ${rolls.join(", ")}`
            : "no service rolls (no new task definition, network or load-balancer configuration)",
        ...changes.filter((c) => (c.kind === "replace" || c.kind === "remove") && run.baseline!.resources.some((r) => r.name === c.name && r.type === c.type && r.protect)).map((c) => `! ${c.name} (${c.type}) is protected: \`pulumi up\` refuses to ${c.kind} it`),
        ...changes.flatMap((c) => [`${sign[c.kind]} ${c.name}  ${c.type}${c.kind === "replace" ? "  (replaced)" : ""}`, ...c.fields.slice(0, 12).map((f) => `    ${f}`), ...(c.fields.length > 12 ? [`    … ${c.fields.length - 12} more`] : [])]),
        `replacements are known here for ${KNOWN_REPLACEMENTS}; another ~ may still be a replacement, and what refers to a replaced resource changes with it: \`pulumi preview\` has the last word`,
    ];
};

export const SECTIONS: [string, Section][] = [
    ["Stack", summary],
    ["This edit (--set) against the stack file", edit],
    ["Routing", routing],
    ["Capacity", capacity],
    ["Service secrets", serviceSecrets],
    ["Data tier", dataTier],
    ["MongoDB connection budget", budget],
    ["Credential rotation", rotation],
    ["Restore", restoreSection],
    ["Monthly cost (estimate)", cost],
    ["Quotas", quotas],
    ["Alarms", alarms],
    ["Production HA Checklist", findings("checklist")],
    ["Failover drills", drillsSection],
    ["Operations rules", findings("operations")],
    ["Security rules", findings("security")],
    ["PCI DSS rules", findings("pci")],
    ["Resources", tree],
    ["Resource counts", counts],
];

/** Sections that judge the gateway's topology, which a restore drill does not have. */
const GATEWAY_ONLY = ["Production HA Checklist", "Failover drills", "Operations rules", "MongoDB connection budget", "Credential rotation"];

export function renderPlan(run: Run): string {
    const out: string[] = [];
    const drill = run.outputs.purpose === "restore-drill";
    for (const [title, section] of SECTIONS) {
        if (drill && GATEWAY_ONLY.includes(title)) continue;
        const lines = section(run);
        if (!lines.length) continue;
        out.push(`== ${title}`, ...lines, "");
    }
    return unknownUntilUp(run, out.join("\n"));
}

/** `text` with every value only `pulumi up` will know (Run.knownAfterUp) replaced by KNOWN_AFTER_UP. */
export function unknownUntilUp(run: Run, text: string, quote: (v: string) => string = (v) => v): string {
    const values = [...run.knownAfterUp(), ...(run.baseline?.knownAfterUp() ?? [])];
    return values.reduce((t, v) => t.split(quote(v)).join(quote(KNOWN_AFTER_UP)), text);
}

/** The policy rules that fail and are enforced for this stack (what fails `pulumi preview --policy-pack`). */
export function enforcedFailures(run: Run): Result[] {
    if (run.outputs.purpose === "restore-drill") return [];
    return evaluate(run.policyResources()).filter((r) => r.enforced && r.finding.violations.length);
}

/** Machine-readable plan; secret inputs and outputs are redacted, as `pulumi preview` shows them. */
export function planJson(run: Run): unknown {
    const outputs = Object.fromEntries(Object.entries(run.outputs).map(([k, v]) => [k, run.secretOutputs.includes(k) ? "[secret]" : v]));
    const resources = run.resources.map(({ outputs: _outputs, inputs, ...r }) => ({ ...r, inputs: redact(inputs, r.secretInputs) }));
    let cost: unknown;
    try {
        const e = estimateRun(run);
        cost = { ...e, ...(run.baseline ? { difference: difference(estimateRun(run.baseline), e) } : {}) };
    } catch (err) {
        if (!(err instanceof PriceError)) throw err;
        cost = { error: err.message };
    }
    const failures = enforcedFailures(run).map((r) => ({ rule: r.rule.id, violations: r.finding.violations }));
    const json = { stack: run.stack, outputs, resources, cost, policy: { failures }, ...(run.baseline ? { edit: { changes: diffRuns(run.baseline, run), rolls: rollingServices(diffRuns(run.baseline, run)) } } : {}) };
    // A value only `pulumi up` will know is marked so (JSON-escaped: the values are plain ids and addresses).
    return JSON.parse(unknownUntilUp(run, JSON.stringify(json), (v) => JSON.stringify(v).slice(1, -1)));
}

function redact(inputs: Record<string, any>, secretPaths: string[]): Record<string, any> {
    const copy = structuredClone(inputs);
    for (const p of secretPaths) {
        const parts = p.split(".");
        let node: any = copy;
        for (const part of parts.slice(0, -1)) node = node?.[part];
        if (node && parts[parts.length - 1] in node) node[parts[parts.length - 1]] = "[secret]";
    }
    return copy;
}

/** Where the plan writes: the process's streams, or a test's buffers. */
export interface PlanIO {
    out(text: string): void;
    err(text: string): void;
}
const processIO: PlanIO = { out: (t) => console.log(t), err: (t) => console.error(t) };

const USAGE = "usage: npm run plan -- --stack <name> [--set key.path=value ...] [--set-string key.path=value ...] [--previous outputs.json] [--json | --diagram]";

/**
 * The command: parses `argv`, runs the program and prints; returns the exit code: 0 ok, 1 refused
 * config, 2 bad usage, 3 a rule the policy pack enforces on this stack fails (the plan is printed,
 * the failures named on stderr): what `pulumi preview --policy-pack policy` would refuse.
 */
export async function plan(argv: string[], io: PlanIO = processIO): Promise<number> {
    let args: PlanArgs;
    try {
        args = parseArgs(argv);
    } catch (e) {
        io.err(`plan: ${(e as Error).message}`);
        io.err(USAGE);
        if (argv.includes("--json")) io.out(JSON.stringify({ error: (e as Error).message }, null, 2));
        return 2;
    }
    try {
        const run = await runProgram({ stack: args.stack, set: args.set, previous: args.previous });
        // With --set, the stack file as it is: what the edit adds is the difference.
        if (Object.keys(args.set).length) run.baseline = await runProgram({ stack: args.stack, previous: args.previous }).catch(() => undefined);
        io.out(args.diagram ? renderDiagram(run) : args.json ? JSON.stringify(planJson(run), null, 2) : renderPlan(run));
        const failures = enforcedFailures(run);
        if (!failures.length) return 0;
        io.err(`plan: ${failures.length} rule${failures.length === 1 ? "" : "s"} the policy pack enforces on this stack fail${failures.length === 1 ? "s" : ""}; \`pulumi preview --policy-pack policy\` would refuse it:`);
        for (const r of failures) io.err(`  ✗ ${r.rule.id} (${r.rule.title}): ${r.finding.violations.join("; ")}`);
        return 3;
    } catch (e) {
        const cause = e instanceof ProgramError ? e.cause : e;
        const message = cause instanceof Error ? cause.message : String(cause);
        // Misuse found once the stack's files are read (a --set index past a list's end): usage, not config.
        if (cause instanceof UsageError) {
            io.err(`plan: ${message}`);
            io.err(USAGE);
            if (args.json) io.out(JSON.stringify({ error: message }, null, 2));
            return 2;
        }
        io.err(message);
        // Tooling gets the problems as data; a person the text above.
        if (args.json) {
            // The program's modules are loaded afresh for each run: recognise its error by shape, not class.
            const config = cause as Partial<StackConfigError>;
            const key = (path: string) => (path ? `payment-gateway:${path}` : "payment-gateway");
            const problems = Array.isArray(config.problems) ? config.problems.map((p) => ({ key: key(p.path), message: p.message, ...(p.value === undefined ? {} : { value: p.value }) })) : undefined;
            const unchecked = (config.unchecked ?? []).map((u) => ({ key: key(u.path), check: u.what, reads: u.reads.map(key) }));
            // configJson: a number too large for a double is printed with every digit, as it was written.
            io.out(configJson({ error: problems ? "invalid stack configuration" : message, ...(problems ? { problems } : {}), ...(unchecked.length ? { unchecked } : {}) }, 2));
        }
        return 1;
    }
}

if (require.main === module) {
    plan(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
