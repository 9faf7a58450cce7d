import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { ROOT } from "./harness";
import { parseArgs, plan as planCommand, typeLikeCli } from "../scripts/plan";

const exec = promisify(execFile);

/** Runs `npm run plan -- <args>` as a user would, in a process of its own (without npm's banner). */
async function planProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
        const { stdout, stderr } = await exec(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "scripts", "plan.ts"), ...args], { cwd: ROOT });
        return { code: 0, stdout, stderr };
    } catch (e: any) {
        return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
}

const runs = new Map<string, Promise<{ code: number; stdout: string; stderr: string }>>();
/** The same command in this process (the CLI's own entry point, its streams captured); runs with the same arguments are shared. */
function plan(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const key = JSON.stringify(args);
    if (!runs.has(key)) {
        const out: string[] = [];
        const err: string[] = [];
        runs.set(key, planCommand(args, { out: (t) => out.push(t), err: (t) => err.push(t) }).then((code) => ({ code, stdout: out.map((t) => `${t}\n`).join(""), stderr: err.map((t) => `${t}\n`).join("") })));
    }
    return runs.get(key)!;
}

describe("npm run plan", () => {
    it("parses --stack, --set with typed values, and --json", () => {
        const args = parseArgs(["--stack", "prod", "--set", "main.instances=4", "--set", "atlas.tier=M40", "--set", "admin.allowedCidrs=[\"10.0.0.0/8\"]", "--json"]);
        // Typed exactly as `pulumi config set --path` types them: only true/false and integers.
        assert.deepEqual(args, { stack: "prod", json: true, diagram: false, set: { "main.instances": 4, "atlas.tier": "M40", "admin.allowedCidrs": '["10.0.0.0/8"]' } });
        assert.throws(() => parseArgs(["--set", "main.instances=4"]), /--stack is required/);
        assert.throws(() => parseArgs(["--stack", "prod", "--set", "oops"]), /--set takes key.path=value/);
    });

    it("prints the component tree, resource counts and the capacity table for prod, as its own process", async () => {
        const { code, stdout } = await planProcess("--stack", "prod");
        assert.equal(code, 0);
        assert.match(stdout, /^stack prod · environment prod · region us-east-1 · domain pay\.example\.com$/m);
        assert.match(stdout, /^▸ pg {2}payment-gateway:network:Network$/m);
        assert.match(stdout, /^ {2}· pg {2}aws:ec2\/vpc:Vpc$/m);
        assert.match(stdout, /^aws:ec2\/subnet:Subnet +6$/m);
        assert.match(stdout, /^main +3 +8 +1024 +2048 +X86_64 +registry\.example\.com\/payment-gateway\/main@sha256:/m);
        // Where a reviewer looks for them: the access-log bucket and the alarm list.
        assert.match(stdout, /^access logs: → s3:\/\/pg-alb-logs-[0-9a-f]{7}\/pg\/ \(created here: SSE-S3, TLS-only, kept 365 days, protected\)$/m);
        assert.match(stdout, /^payment-gateway-prod-admin-no-healthy-hosts +HealthyHostCount Minimum < 1 +2 of 2 × 60s +breaching$/m);
        assert.match(stdout, /^payment-gateway-prod-alb-own-5xx +HTTPCode_ELB_5XX_Count Sum > 10 +2 of 3 × 60s +notBreaching$/m);
        assert.match(stdout, /Atlas alerts: CONNECTIONS > 2392 on PRIMARY; OPLOG_SLAVE_LAG_MASTER_TIME > 10 on SECONDARY$/m);
    });

    it("says which images are not pinned by digest", async () => {
        const prod = await plan("--stack", "prod");
        assert.doesNotMatch(prod.stdout, /not pinned/);
        const dev = await plan("--stack", "dev");
        assert.match(dev.stdout, /^! admin: registry\.example\.com\/payment-gateway\/admin:1\.0\.0 is not pinned by digest/m);
    });

    it("prints the HA checklist and the security rules, ✓ or ✗ with the reason", async () => {
        const prod = await plan("--stack", "prod");
        const checklist = prod.stdout.split("== Production HA Checklist\n")[1].split("\n\n")[0].split("\n");
        assert.equal(checklist.length, 8);
        assert.ok(checklist.every((l) => l.startsWith("✓ ")), checklist.join("\n"));
        assert.match(prod.stdout, /^✓ 3-node replica set: pg-prod: 3 electable nodes, M30$/m);
        assert.match(prod.stdout, /^✓ pool sizes tuned for instance count: 2376 of 2990 connections per node at peak \(M30\)$/m);
        assert.match(prod.stdout, /^✓ no IAM wildcard actions on all resources: /m);
        const dev = await plan("--stack", "dev");
        assert.match(dev.stdout, /^✗ cache with failover: pg-dev-cache: 1 node, no replica to fail over to; .* \(enforced in prod only\)$/m);
        assert.match(dev.stdout, /^✗ ≥2 admin and ≥2 main instances: admin: 1 instance; main: 1 instance \(enforced in prod only\)$/m);
    });

    it("shows a rescale given with --set", async () => {
        const { code, stdout } = await plan("--stack", "dev", "--set", "main.instances=2", "--set", "main.maxInstances=5");
        assert.equal(code, 0);
        assert.match(stdout, /^main +2 +5 +256 +512 /m);
    });

    it("prints JSON with --json", async () => {
        const { code, stdout } = await plan("--stack", "dev", "--json");
        assert.equal(code, 0);
        const parsed = JSON.parse(stdout);
        assert.equal(parsed.stack, "dev");
        assert.ok(parsed.resources.some((r: any) => r.type === "aws:ec2/vpc:Vpc" && r.inputs.cidrBlock === "10.10.0.0/16"));
        // Secret inputs are redacted, as a preview shows them.
        const versions = parsed.resources.filter((r: any) => r.type === "aws:secretsmanager/secretVersion:SecretVersion");
        assert.equal(versions.length, 2);
        for (const v of versions) assert.equal(v.inputs.secretString, "[secret]");
        assert.doesNotMatch(stdout, /mongodb\+srv:\/\/[^"]*:[^"]*@/);
        assert.doesNotMatch(stdout, /rediss:\/\/default:/);
    });

    it("lists every config error and exits non-zero", async () => {
        const { code, stdout, stderr } = await plan("--stack", "prod", "--set", "main.instances=1", "--set", "cache.engine=memcached");
        assert.equal(code, 1);
        assert.equal(stdout, "");
        assert.match(stderr, /payment-gateway:main\.instances must be at least 2 in prod/);
        assert.match(stderr, /payment-gateway:cache\.engine must be one of valkey, redis; got "memcached"/);
        assert.doesNotMatch(stderr, /at Object\.<anonymous>/); // no stack trace
    });

    it("types --set values exactly as `pulumi config set --path` does", () => {
        const cases: [string, unknown][] = [["true", true], ["false", false], ["12", 12], ["-3", -3], ["+5", 5], ["0", 0], ["0.7", "0.7"], ["8.0", "8.0"], ["007", "007"], ['["10.0.0.0/8"]', '["10.0.0.0/8"]'], ["99999999999999999999", "99999999999999999999"], ["True", "True"]];
        for (const [text, typed] of cases) assert.deepEqual(typeLikeCli(text), typed, text);
        // A top-level key is always a string; --set-string keeps a number-looking value a string.
        assert.deepEqual(parseArgs(["--stack", "dev", "--set", "domain=123", "--set-string", "worker.image=007", "--set", "main.cpu=512"]).set, { domain: "123", "worker.image": "007", "main.cpu": 512 });
    });

    it("accepts what the CLI would write: decimals, versions and list indexes", async () => {
        const { code, stdout, stderr } = await plan("--stack", "prod", "--set", "pool.headroom=0.7", "--set", "atlas.mongoVersion=8.0", "--set", "admin.allowedCidrs[0]=203.0.113.0/24");
        assert.equal(code, 0, stderr);
        assert.match(stdout, /^admin\.pay\.example\.com +pg-admin +lb_cookie 86400s +203\.0\.113\.0\/24 /m);
        assert.match(stdout, /headroom 0\.7 /);
        assert.match(stdout, /MongoDB 8\.0$/m);
    });

    it("refuses a --set path through a prototype without running anything", async () => {
        const { code, stdout, stderr } = await plan("--stack", "prod", "--set", "__proto__.polluted=yes", "--json");
        assert.equal(code, 2);
        assert.match(stderr, /^plan: --set __proto__\.polluted: refuses the path segment "__proto__"$/m);
        assert.deepEqual(JSON.parse(stdout), { error: '--set __proto__.polluted: refuses the path segment "__proto__"' });
        assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace");
    });

    it("prints a bad config as JSON on stdout for tooling, and as text on stderr", async () => {
        const { code, stdout, stderr } = await plan("--stack", "prod", "--set", "main.instances=1", "--set", "cache.nodeType=cache.x9.huge", "--json");
        assert.equal(code, 1);
        assert.match(stderr, /payment-gateway:main\.instances must be at least 2 in prod/);
        const parsed = JSON.parse(stdout);
        assert.equal(parsed.error, "invalid stack configuration");
        assert.deepEqual(parsed.problems.map((p: any) => p.key).sort(), ["payment-gateway:cache.nodeType", "payment-gateway:main.instances"]);
        assert.deepEqual(parsed.problems.find((p: any) => p.key === "payment-gateway:main.instances").value, 1);
    });

    it("says which rotation step the next `pulumi up` takes, from the outputs of the last one", async () => {
        const file = path.join(os.tmpdir(), `previous-${process.pid}.json`);
        const cluster = "arn:aws:ecs:us-east-1:123456789012:cluster/payment-gateway-prod";
        // What the last `pulumi up` left each service running (ECS, by default in the harness, still runs exactly that).
        const services = Object.fromEntries(["admin", "main", "worker"].map((n) => [n, { cluster, service: `payment-gateway-prod-${n}`, taskDefinition: `arn:aws:ecs:us-east-1:123456789012:task-definition/payment-gateway-prod-${n}:7` }]));
        const rotation = { cache: { label: "2", step: "rotate" }, database: { step: "none" } };
        try {
            fs.writeFileSync(file, JSON.stringify({ environment: "prod", rotation: { ...rotation, services } }));
            const { code, stdout } = await plan("--stack", "prod", "--set", "rotation.cache=2", "--set", "rotation.database=2", "--previous", file);
            assert.equal(code, 0);
            assert.match(stdout, /^cache AUTH token: label 2, step set\. This `pulumi up` drops the old AUTH token: only the token of label 2 is valid \(ECS confirms every service runs it\); then nothing: the rotation is complete\.$/m);
            assert.match(stdout, /^database password: label 2, step switch\. This `pulumi up` creates the user of label 2 with a new password .* the previous user \(the original\) stays for this step; then the next `pulumi up` removes the previous user, once ECS confirms every service runs the task definition this one deployed\.$/m);
            // The outputs of a stack deployed before the task definitions were recorded: the step is held, and the plan says why.
            fs.writeFileSync(file, JSON.stringify({ environment: "prod", rotation }));
            const held = await plan("--stack", "prod", "--set", "rotation.cache=2", "--previous", file);
            assert.match(held.stdout, /^cache AUTH token: label 2, step rotate \(held\)\. This `pulumi up` HOLDS the second step: both AUTH tokens stay valid\. ECS does not confirm the services moved: the last `pulumi up` recorded no task definitions/m);
        } finally {
            fs.unlinkSync(file);
        }
        const fresh = await plan("--stack", "prod", "--set", "rotation.cache=2");
        assert.match(fresh.stdout, /^cache AUTH token: label 2, step done\. This `pulumi up` creates the cache with the token of label 2: nothing to rotate/m);
        assert.match(fresh.stdout, /no --previous: planned as if the stack had never been deployed/);
        const bad = await plan("--stack", "prod", "--previous", "/nonexistent.json");
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /--previous \/nonexistent\.json: no such file/);
    });

    it("warns before a restore overwrites a stack's data, and plans a restore drill as what it is", async () => {
        const { stdout } = await plan("--stack", "restore-drill");
        assert.match(stdout, /^ {2}! RESTORES snapshot 65f000000000000000000001 of pg-prod \(project 5f00000000000000000000aa\) into this cluster, overwriting its data/m);
        assert.doesNotMatch(stdout, /== Production HA Checklist/);
    });

    it("prints the stack's architecture as Mermaid with --diagram, edits included", async () => {
        const { code, stdout } = await plan("--stack", "dev", "--set", "network.natGateways=perAz", "--diagram");
        assert.equal(code, 0);
        assert.match(stdout, /^flowchart LR\n/);
        assert.equal(stdout.match(/^ {8}nat_pg_nat_\d\("NAT gateway"\)$/gm)?.length, 2, "the edit's second NAT gateway is drawn");
    });

    it("prints the monthly cost, and what a rescale adds at the floor and the ceiling", async () => {
        const { code, stdout } = await plan("--stack", "prod", "--set", "main.maxInstances=16");
        assert.equal(code, 0);
        assert.match(stdout, /^== Monthly cost \(estimate\)$/m);
        assert.match(stdout, /^total +\$\d+\.\d\d +\$\d+\.\d\d$/m);
        assert.match(stdout, /^ {2}network: NAT data processed: natGbPerMonth = 50 at \$0\.045 per GB processed → \$2\.25$/m);
        // Eight more main tasks of 1 vCPU / 2 GB at the ceiling, by hand from the price table.
        const added = (8 * (1 * 0.04048 + 2 * 0.004445) * 730).toFixed(2);
        assert.match(stdout, new RegExp(`^ {2}services +\\+\\$0\\.00 +\\+\\$${added.replace(".", "\\.")}$`, "m"));
        assert.match(stdout, new RegExp(`^ {2}total +\\+\\$0\\.00 +\\+\\$${added.replace(".", "\\.")}$`, "m"));
        const json = JSON.parse((await plan("--stack", "prod", "--set", "main.maxInstances=16", "--json")).stdout);
        assert.equal(json.cost.difference.find((d: any) => d.component === "total").ceiling, Number(added));
        assert.ok(json.cost.floor > 0 && json.cost.ceiling > json.cost.floor);
        assert.ok(json.cost.lines.some((l: any) => l.assumption?.key === "requestsPerMonth"));
    });

    it("explains its usage, exiting 2 as a process", async () => {
        const { code, stderr } = await planProcess("--stack");
        assert.equal(code, 2);
        assert.match(stderr, /usage: npm run plan -- --stack <name>/);
    });
});
