import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { ROOT } from "./harness";
import { diffRuns, parseArgs, plan as planCommand, renderPlan, rollingServices, typeLikeCli } from "../scripts/plan";
import { Run, runProgram, stackRun } from "./harness";
import { cost, estimateRun } from "../scripts/plan/sections/cost";
import { regionLoss } from "../scripts/plan/sections/regionLoss";

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
        // Public, private, the load balancer's and the egress firewall's, in each of 3 zones.
        assert.match(stdout, /^aws:ec2\/subnet:Subnet +12$/m);
        assert.match(stdout, /^== Egress\ntasks → firewall endpoint of their zone \(3 zones\) → NAT gateway → internet/m);
        assert.match(stdout, /^xray\.us-east-1\.amazonaws\.com +the collector sidecar's awsxray exporter$/m);
        assert.match(stdout, /^main +3 +8 +1024 +2048 +X86_64 +\(the image's own\) +registry\.example\.com\/payment-gateway\/main@sha256:/m);
        assert.match(stdout, /^worker +2 +6 +1024 +3072 +X86_64 +\/app\/worker +registry\.example\.com\/payment-gateway\/main@sha256:/m);
        assert.match(stdout, /^worker container health check: CMD-SHELL curl -fsS http:\/\/localhost:8080\/health \|\| exit 1$/m);
        // Where a reviewer looks for them: the access-log bucket and the alarm list.
        assert.match(stdout, /^access logs: → s3:\/\/pg-alb-logs-[0-9a-f]{7}\/pg\/ \(created here: SSE-S3, TLS-only, kept 365 days, protected\)$/m);
        // Summed over admin's two target groups (ECS may run it in either).
        assert.match(stdout, /^payment-gateway-prod-admin-no-healthy-hosts +healthy targets < 1 +2 of 2 × 60s +breaching$/m);
        assert.match(stdout, /^payment-gateway-prod-main-release-5xx +5xx percent, worse target group > 5 +3 of 5 × 60s +notBreaching$/m);
        // Each service's release: steps, shares, bakes, peak, how long pulumi up waits, what rolls it back.
        const releases = stdout.split("== Releases\n")[1].split("\n\n")[0];
        assert.match(releases, /^admin +LINEAR +25% 5m → 50% 5m → 75% 5m → 100% 10m +25 min +200% +≤ 56 min$/m);
        assert.match(releases, /^main +CANARY +10% 10m → 100% 10m +20 min +200% +≤ 51 min$/m);
        assert.match(releases, /^worker +ROLLING +tasks replaced in place +0 min +200% +≤ 20 min$/m);
        assert.match(releases, /^main rolls back when any of these alarms fires: payment-gateway-prod-main-release-5xx, payment-gateway-prod-main-release-latency, payment-gateway-prod-main-no-healthy-hosts$/m);
        assert.match(releases, /^worker rolls back only on the circuit breaker/m);
        assert.match(releases, /^critical path: the slowest release shifts and bakes for 25 min/m);
        assert.match(stdout, /^payment-gateway-prod-alb-own-5xx +HTTPCode_ELB_5XX_Count Sum > 10 +2 of 3 × 60s +notBreaching$/m);
        assert.match(stdout, /Atlas alerts: DISK_PARTITION_SPACE_USED_DATA > 80 on every node; NORMALIZED_SYSTEM_CPU_USER > 80 on every node; CONNECTIONS > 2392 on PRIMARY; OPLOG_SLAVE_LAG_MASTER_TIME > 10 on SECONDARY$/m);
        assert.match(stdout, /^payment-gateway-prod-worker-no-running-task +RunningTaskCount Minimum < 1 +3 of 3 × 60s +breaching$/m);
        assert.match(stdout, /^e-mail: oncall@example\.com; each address receives nothing until it confirms the subscription/m);
    });

    it("says which images are not pinned by digest", async () => {
        const prod = await plan("--stack", "prod");
        // Prod's services are pinned; the collector's default image is a tag (its digest is not in the program).
        assert.deepEqual(prod.stdout.match(/^! .*not pinned.*$/gm), [
            "! collector sidecar: public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0 is not pinned by digest (observability.collectorImage: pin it as image@sha256:…; see the README, Releases)",
        ]);
        const pinned = await plan("--stack", "prod", "--set", `observability.collectorImage=public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0@sha256:${"c".repeat(64)}`);
        assert.equal(pinned.code, 0);
        assert.doesNotMatch(pinned.stdout, /not pinned/);
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

    it("lists exactly the drills a stack can run with their commands, and why the others are absent", async () => {
        const section = (stdout: string) => stdout.split("== Failover drills\n")[1].split("\n\n")[0];
        const prod = section((await plan("--stack", "prod")).stdout);
        assert.match(prod, /^zone-outage +us-east-1a +PT10M +\$\d+\.\d\d \(\d+ action-min\) +skip +ecs:stop-task → zone-tasks \(ALL\); network:disrupt-connectivity → every subnet of the VPC in the zone \(ALL\)/m);
        assert.match(prod, /^cache-primary-failover: aws elasticache test-failover --region us-east-1 --replication-group-id pg-prod-cache --node-group-id 0001$/m);
        assert.match(prod, /^atlas-primary-failover: atlas clusters failover pg-prod /m);
        assert.match(prod, /^zone-outage zonal shift \(traffic away from the zone\): aws arc-zonal-shift start-zonal-shift /m);
        assert.doesNotMatch(prod, /absent/);
        const dev = section((await plan("--stack", "dev")).stdout);
        assert.doesNotMatch(dev, /aws fis start-experiment|test-failover/);
        assert.match(dev, /^absent: zone-outage: admin runs 1 instance, main runs 1 instance, worker runs 1 instance: losing its zone is an outage/m);
        assert.match(dev, /^absent: task-loss: admin runs 1 task/m);
        assert.match(dev, /^absent: cache-primary-failover: the cache has 1 node/m);
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
        assert.equal(versions.length, 4, "a database URI per service and the cache URL");
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
        const cases: [string, unknown][] = [["true", true], ["false", false], ["12", 12], ["-3", -3], ["+5", 5], ["0", 0], ["0.7", "0.7"], ["8.0", "8.0"], ["007", "007"], ['["10.0.0.0/8"]', '["10.0.0.0/8"]'], ["99999999999999999999", "99999999999999999999"], ["True", "True"], ["9007199254740991", 9007199254740991], ["9007199254740993", 9007199254740993n], ["-9223372036854775808", -9223372036854775808n]];
        for (const [text, typed] of cases) assert.deepEqual(typeLikeCli(text), typed, text);
        // A top-level key is always a string; --set-string keeps a number-looking value a string.
        assert.deepEqual(parseArgs(["--stack", "dev", "--set", "domain=123", "--set-string", "worker.image=007", "--set", "main.cpu=512"]).set, { domain: "123", "worker.image": "007", "main.cpu": 512 });
    });

    it("accepts what the CLI would write: decimals, versions and list indexes", async () => {
        const { code, stdout, stderr } = await plan("--stack", "prod", "--set", "pool.headroom=0.7", "--set", "atlas.mongoVersion=8.0", "--set", "admin.allowedCidrs[0]=203.0.113.0/24");
        assert.equal(code, 0, stderr);
        // Released by shifting traffic: both groups, and target-group stickiness on the weighted forward.
        assert.match(stdout, /^admin\.pay\.example\.com +pg-admin ⇄ pg-admin-alt +lb_cookie 86400s \+ target group 86400s +203\.0\.113\.0\/24 /m);
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
        const rotation = { cache: { label: "2", step: "rotate" }, database: { step: "none", users: "per-service" } };
        try {
            fs.writeFileSync(file, JSON.stringify({ environment: "prod", rotation: { ...rotation, services } }));
            const { code, stdout } = await plan("--stack", "prod", "--set", "rotation.cache=2", "--set", "rotation.database=2", "--previous", file);
            assert.equal(code, 0);
            assert.match(stdout, /^cache AUTH token: label 2, step set\. This `pulumi up` drops the old AUTH token: only the token of label 2 is valid \(ECS confirms every service runs it\); then nothing: the rotation is complete\.$/m);
            assert.match(stdout, /^database password: label 2, step switch\. This `pulumi up` creates each service's user of label 2 with a new password .* the previous users \(each service's user created without a label\) stay for this step; then the next `pulumi up` removes the previous users, once ECS confirms every service runs the task definition this one deployed\.$/m);
            // The outputs of a stack deployed before the task definitions were recorded: the step is held, and the plan says why.
            // Its database record names no `users`: its services shared one user, and this update moves them off it.
            fs.writeFileSync(file, JSON.stringify({ environment: "prod", rotation: { ...rotation, database: { step: "none" } } }));
            const held = await plan("--stack", "prod", "--set", "rotation.cache=2", "--previous", file);
            assert.match(held.stdout, /^cache AUTH token: label 2, step rotate \(held\)\. This `pulumi up` HOLDS the second step: both AUTH tokens stay valid\. ECS does not confirm the services moved: the last `pulumi up` recorded no task definitions/m);
            assert.match(held.stdout, /^database password: no label, step switch\. This `pulumi up` gives each service a database user of its own \(each service's user created without a label\) and its own MPG_DATABASE_URI secret; .* the shared user created without a label and its secret stay for this step; then the next `pulumi up` removes the shared user and its secret/m);
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
        assert.match(stdout, /^restore: step start\. This `pulumi up` RESTORES snapshot 65f000000000000000000001 of pg-prod/m);
        assert.match(stdout, /^ {2}reached by no client \(no access list\); users: none$/m, "no way in while the restore runs");
        assert.doesNotMatch(stdout, /== Production HA Checklist/);
    });

    it("says which restore step the next `pulumi up` takes, from the outputs of the last one", async () => {
        const file = path.join(os.tmpdir(), `previous-restore-${process.pid}.json`);
        const restore = ["--set", "atlas.restore.sourceProjectId=5f00000000000000000000aa", "--set", "atlas.restore.sourceClusterName=pg-prod", "--set-string", "atlas.restore.snapshotId=65f000000000000000000001"];
        const key = "5f00000000000000000000aa/pg-prod/snapshot:65f000000000000000000001";
        fs.writeFileSync(file, JSON.stringify({ environment: "dev", restore: { key, step: "start", jobId: "6a0000000000000000000001", sourceProjectId: "5f00000000000000000000aa", sourceClusterName: "pg-prod" } }));
        try {
            const fresh = await plan("--stack", "dev", ...restore);
            assert.match(fresh.stdout, /^restore: step start\. This `pulumi up` stops every admin, main and worker task, then RESTORES snapshot 65f000000000000000000001/m);
            assert.match(fresh.stdout, /^! admin, main, worker: STOPPED for the restore/m);
            const { code, stdout } = await plan("--stack", "dev", ...restore, "--previous", file);
            assert.equal(code, 0);
            assert.match(stdout, /^restore: step waiting\. This `pulumi up` reads restore job 6a0000000000000000000001 of pg-prod: still running; every admin, main and worker task stays stopped/m);
            assert.match(stdout, /^watch the job: atlas backups restores watch 6a0000000000000000000001 --clusterName pg-prod --projectId 5f00000000000000000000aa$/m);
            assert.match(stdout, /offline the plan cannot read Atlas/);
            assert.doesNotMatch(stdout, /! RESTORES/, "the job is not submitted again");
        } finally {
            fs.unlinkSync(file);
        }
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

    it("carries every item a bill shows, with floor and ceiling, says what rests on an estimate, and prices one run of each drill", async () => {
        const { stdout } = await plan("--stack", "prod", "--set", "main.maxInstances=16");
        const json = JSON.parse((await plan("--stack", "prod", "--set", "main.maxInstances=16", "--json")).stdout);
        const items = [/^X-Ray traces recorded/, /^X-Ray traces retrieved/, /^Container Insights metrics/, /^target-tracking alarms/, /^log storage at retention/, /^FIS action-minutes/, /^snapshot storage/, /^cloud backup storage/];
        for (const item of items) {
            const line = json.cost.lines.find((l: any) => item.test(l.item));
            assert.ok(line, `${item} in --json`);
            // Retrievals stay within X-Ray's free tier at the default assumption: $0, shown all the same.
            assert.ok(Number.isFinite(line.floor) && Number.isFinite(line.ceiling) && (line.floor > 0 || /retrieved/.test(line.item)), `${item}: ${JSON.stringify(line)}`);
            assert.ok(line.price.source || line.price.estimate, `${item} names its source or says it is an estimate`);
        }
        assert.match(stdout, /^ {2}observability: X-Ray traces recorded \(requestsPerMonth × sample ratio 0\.05 = 500,000, 100,000 free\): requestsPerMonth = 10,000,000 at \$5 per million traces recorded → \$2\.00$/m);
        assert.match(stdout, /^estimate: atlas: cloud backup storage .* is an estimate, not a quote \(/m);
        assert.doesNotMatch(stdout, /^estimate: atlas: private endpoint/m);
        assert.match(stdout, /^estimate: cache: snapshot storage .* is an estimate, not a quote/m);
        assert.ok(!/^estimate: .*M30/m.test(stdout), "M30's price is public");
        assert.match(stdout, /^advice: network: the ecr\.api and ecr\.dkr interface endpoints are left out, saving \$43\.80\/month/m);
        // Atlas backup storage, cache snapshots and the disk auto-scaling grows.
        assert.deepEqual(json.cost.estimates.length, 3, json.cost.estimates.join("\n"));
        assert.match(stdout, /^estimate: atlas: disk grown by disk auto-scaling .* is an estimate, not a quote/m);
        assert.match(stdout, /^not included: .*requests that arrive with a sampled traceparent \(recorded whatever the sample ratio\), the load balancer's health checks if \/health is traced;/m);
        assert.deepEqual(json.cost.drillRuns.map((d: any) => [d.name, d.usd]), [["task-loss", 0.3], ["zone-outage", 2.1]]);
        // The drills table: what one run costs, beside what it does.
        const drills = stdout.slice(stdout.indexOf("== Failover drills"));
        assert.match(drills, /^drill +zone +duration +one run +empty target +actions → targets$/m);
        assert.match(drills, /^zone-outage +us-east-1a +PT10M +\$2\.10 \(21 action-min\) +skip +ecs:stop-task/m);
        assert.match(drills, /^task-loss +every zone +instant +\$0\.30 \(3 action-min\) +fail /m);
    });

    it("explains its usage, exiting 2 as a process", async () => {
        const { code, stderr } = await planProcess("--stack");
        assert.equal(code, 2);
        assert.match(stderr, /usage: npm run plan -- --stack <name>/);
    });

    describe("misuse is usage (exit 2), a bad config is every problem (exit 1), and neither prints a stack trace", () => {
        const usage = /^usage: npm run plan -- --stack <name> /m;
        const misuse: [string[], RegExp][] = [
            [["--stack", "dev", "--json", "--diagram"], /^plan: --json and --diagram are alternatives: give one of them$/m],
            [["--stack", "dev", "--diagram", "--json"], /^plan: --json and --diagram are alternatives/m],
            [["--stack", "dev", "--set", 'main.extraEnvironment["a\\q"]=1'], /^plan: --set main\.extraEnvironment\["a\\q"\]: the quoted segment \["a\\q"\] has the escape \\q, which JSON does not know; a quoted segment is a JSON string: escape only/m],
            [["--stack", "dev", "--set-string", 'main.extraEnvironment["a\tb"]=1'], /^plan: --set-string main\.extraEnvironment\["a\tb"\]: the quoted segment .* has a control character;/m],
            [["--stack", "dev", "--set", 'main.extraEnvironment["\\u00zz"]=1'], /has the escape \\u, which JSON does not know/],
            [["--stack", "nosuch"], /^plan: --stack nosuch: no stack file Pulumi\.nosuch\.yaml \(stacks: dev, local, prod, prod-multiregion, region-drill, restore-drill, staging, standby-prod\)$/m],
            [["--stack", "dev", "--set", "admin.allowedCidrs[3]=10.0.0.0/8"], /^plan: --set admin\.allowedCidrs\[3\]: list index 3 is out of range/m],
        ];
        for (const [argv, message] of misuse) {
            it(`refuses ${argv.join(" ")} as usage`, async () => {
                const { code, stdout, stderr } = await plan(...argv);
                assert.equal(code, 2, stderr);
                assert.match(stderr, message);
                assert.match(stderr, usage);
                assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace");
                if (argv.includes("--json")) assert.match(JSON.parse(stdout).error, /--json and --diagram/);
                else assert.equal(stdout, "");
            });
        }

        it("accepts the escapes a JSON string knows in a quoted segment", () => {
            assert.deepEqual(Object.keys(parseArgs(["--stack", "dev", "--set", 'main.extraEnvironment["A\\u0042\\\\q"]=x']).set), ['main.extraEnvironment["A\\u0042\\\\q"]']);
        });

        it("names a missing build context by its key, with the problems as data under --json", async () => {
            const { code, stdout, stderr } = await plan("--stack", "dev", "--set", "worker.build.context=no/such/dir", "--set", "admin.build.context=tests/fixtures/app/server.js", "--json");
            assert.equal(code, 1);
            assert.match(stderr, /payment-gateway:worker\.build\.context must be a directory relative to the project root; \S+no\/such\/dir does not exist; got "no\/such\/dir"/);
            assert.doesNotMatch(stderr, /is not a directory|\n\s+at /);
            const keys = JSON.parse(stdout).problems.map((p: any) => p.key);
            assert.ok(keys.includes("payment-gateway:worker.build.context") && keys.includes("payment-gateway:admin.build.context"), keys.join(", "));
        });

        it("keeps a rotation label exactly as typed, and refuses one it cannot keep, quoting what was typed", async () => {
            const kept = await plan("--stack", "prod", "--set", "rotation.database=2024");
            assert.equal(kept.code, 0, kept.stderr);
            assert.match(kept.stdout, /users: pg-prod-admin-2024 \(password\), pg-prod-main-2024 \(password\), pg-prod-worker-2024 \(password\)/);
            const lossy = await plan("--stack", "prod", "--set", "rotation.database=9007199254740993", "--json");
            assert.equal(lossy.code, 1);
            assert.match(lossy.stderr, /payment-gateway:rotation\.database is a number beyond 9007199254740991, which cannot be kept exactly as text: quote it \(pulumi config set --path --type string rotation\.database 9007199254740993, or "9007199254740993" in the stack file\); got 9007199254740993$/m);
            assert.doesNotMatch(lossy.stderr + lossy.stdout, /9007199254740992/);
            assert.match(lossy.stdout, /"value": 9007199254740993\n/, "--json prints every digit");
        });

        it("lists what it could not check, and why, under --json", async () => {
            const { code, stdout } = await plan("--stack", "prod", "--set", "main.instances=three", "--set", "cost.monthlyBudget=10", "--json");
            assert.equal(code, 1);
            const parsed = JSON.parse(stdout);
            assert.deepEqual(parsed.problems.map((p: any) => p.key), ["payment-gateway:main.instances"]);
            assert.deepEqual(parsed.unchecked, [{ key: "payment-gateway:cost.monthlyBudget", check: "the monthly cost against the budget", reads: ["payment-gateway:main.instances"] }]);
        });
    });

    it("exits 3 when a rule the policy pack enforces on the stack fails, still printing the plan", async () => {
        const clean = await plan("--stack", "dev");
        assert.equal(clean.code, 0, clean.stderr);
        // A security rule is enforced everywhere: a token in plain environment fails dev too.
        const leak = await plan("--stack", "dev", "--set", "main.extraEnvironment.API_TOKEN=abc123");
        assert.equal(leak.code, 3);
        assert.match(leak.stderr, /^ {2}✗ no-credentials-in-task-definitions \(no credential in a task definition\): pg-main\/main: API_TOKEN looks like a secret in plain environment/m);
        assert.match(leak.stdout, /^== Security rules$/m);
        // A checklist item fails dev without failing the plan: it is enforced in prod only.
        assert.match(clean.stdout, /\(enforced in prod only\)$/m);
    });

    it("marks what only `pulumi up` will know instead of printing the mock engine's stand-ins", async () => {
        // dev runs no FIS drill (one task per service): staging's template ids are what `pulumi up` assigns.
        const staging = await plan("--stack", "staging");
        assert.match(staging.stdout, /^zone-outage: aws fis start-experiment --region us-east-1 --experiment-template-id \(known after pulumi up\) --tags drill=zone-outage$/m);
        assert.doesNotMatch(staging.stdout, /EXT[A-Z0-9]{13}/, "no made-up template id");
        const dev = await plan("--stack", "dev");
        assert.match(dev.stdout, /^atlas-primary-failover: atlas clusters failover pg-dev --projectId \(known after pulumi up\) --force$/m);
        assert.match(dev.stdout, /reached from the NAT addresses \(known after pulumi up\);/);
        assert.doesNotMatch(dev.stdout, /EXT[A-Z0-9]{13}|\b52\.\d+\.\d+\.\d+\b/, "no made-up template id or address");
        const json = JSON.parse((await plan("--stack", "prod", "--set", "main.maxInstances=16", "--json")).stdout);
        assert.match(json.outputs.drills["zone-outage"].start, /--experiment-template-id \(known after pulumi up\)/);
    });

    it("shows what an edit changes besides cost: the resources, the fields, and the services that roll", async () => {
        const { stdout } = await plan("--stack", "prod", "--set", "main.maxInstances=16");
        const before = JSON.parse((await plan("--stack", "prod", "--json")).stdout).outputs.connectionBudget;
        const json = JSON.parse((await plan("--stack", "prod", "--set", "main.maxInstances=16", "--json")).stdout);
        const after = json.outputs.connectionBudget;
        const pool = (b: any, name: string) => b.services.find((x: any) => x.name === name).maxPoolSize;
        assert.ok(pool(after, "admin") < pool(before, "admin"), "a higher main ceiling shrinks every pool");
        for (const name of ["admin", "main", "worker"]) {
            assert.match(stdout, new RegExp(`^± pg-${name} {2}aws:ecs/taskDefinition:TaskDefinition {2}\\(replaced\\)$`, "m"));
            assert.match(stdout, new RegExp(`^ {4}containerDefinitions\\[${name}\\]\\.environment\\[MPG_DATABASE_MAX_POOL_SIZE\\]: ${pool(before, name)} → ${pool(after, name)}$`, "m"));
        }
        assert.match(stdout, /^services that roll \(a new task definition, network or load-balancer configuration: ECS starts new tasks, then stops the old\): admin, main, worker$/m);
        // The new task definition's ARN is the cloud's to assign: no stand-in from the mock engine.
        for (const name of ["admin", "main", "worker"])
            assert.match(stdout, new RegExp(`^~ pg-${name} {2}aws:ecs/service:Service\\n {4}taskDefinition: arn:aws:ecs:\\S+ → \\(known after pulumi up\\)$`, "m"));
        assert.match(stdout, /^~ pg-main {2}aws:appautoscaling\/target:Target\n {4}maxCapacity: 8 → 16$/m);
        assert.deepEqual(json.edit.rolls, ["admin", "main", "worker"]);
        assert.ok(json.edit.changes.every((c: any) => c.kind !== "add" && c.kind !== "remove"));
        // An edit no task reads rolls nothing.
        const quiet = await plan("--stack", "dev", "--set", "observability.alarms.servicePercent=90");
        assert.match(quiet.stdout, /^no service rolls \(no new task definition, network or load-balancer configuration\)$/m);
        assert.match(quiet.stdout, /^~ pg-admin-cpu {2}aws:cloudwatch\/metricAlarm:MetricAlarm\n {4}alarmDescription: .*\n {4}threshold: 85 → 90$/m);
        // What the table does not know is said, not passed off as certain.
        assert.match(quiet.stdout, /^replacements are known here for task definitions, the cache, the Atlas cluster and alerts, the VPC and subnets; another ~ may still be a replacement/m);
    });

    it("calls a new VPC or subnet CIDR a replacement, as the provider does, and an unlisted change an update", () => {
        const resource = (type: string, name: string, inputs: Record<string, unknown>) => ({ urn: `urn:${type}::${name}`, type, name, custom: true, inputs, replaceOnChanges: [], secretInputs: [] });
        const run = (cidr: string, az: string, tagged: string) =>
            ({ resources: [resource("aws:ec2/vpc:Vpc", "pg", { cidrBlock: `${cidr}.0.0/16` }), resource("aws:ec2/subnet:Subnet", "pg-private-0", { cidrBlock: `${cidr}.0.0/20`, availabilityZone: az }), resource("aws:kms/key:Key", "pg", { description: tagged })] }) as unknown as Run;
        const kinds = (a: Run, b: Run) => diffRuns(a, b).map((c) => `${c.kind} ${c.type} ${c.name}`);
        assert.deepEqual(kinds(run("10.10", "us-east-1a", "x"), run("10.11", "us-east-1a", "x")), ["replace aws:ec2/subnet:Subnet pg-private-0", "replace aws:ec2/vpc:Vpc pg"]);
        assert.deepEqual(kinds(run("10.10", "us-east-1a", "x"), run("10.10", "us-east-1b", "y")), ["replace aws:ec2/subnet:Subnet pg-private-0", "update aws:kms/key:Key pg"]);
        assert.deepEqual(rollingServices(diffRuns(run("10.10", "us-east-1a", "x"), run("10.11", "us-east-1b", "y"))), []);
    });

    it("rolls a service whose network configuration changes, not one that only scales", () => {
        const service = (subnets: string[], desiredCount: number) =>
            ({ resources: [{ urn: "urn:svc::pg-worker", type: "aws:ecs/service:Service", name: "pg-worker", custom: true, inputs: { desiredCount, networkConfiguration: { subnets, assignPublicIp: false } }, replaceOnChanges: [], secretInputs: [] }] }) as unknown as Run;
        assert.deepEqual(rollingServices(diffRuns(service(["subnet-a", "subnet-b"], 2), service(["subnet-a", "subnet-b"], 3))), []);
        assert.deepEqual(rollingServices(diffRuns(service(["subnet-a", "subnet-b"], 2), service(["subnet-a", "subnet-b", "subnet-c"], 2))), ["worker"]);
    });

    it("flags an edit that would replace a protected stateful resource", async () => {
        const { stdout } = await plan("--stack", "prod", "--set", "cache.port=6380");
        assert.match(stdout, /^! pg \(aws:elasticache\/replicationGroup:ReplicationGroup\) is protected: `pulumi up` refuses to replace it$/m);
        assert.match(stdout, /^± pg {2}aws:elasticache\/replicationGroup:ReplicationGroup {2}\(replaced\)\n {4}port: 6379 → 6380$/m);
        // A rescale of the cache changes it in place.
        const nodes = await plan("--stack", "prod", "--set", "cache.nodeType=cache.r7g.large");
        assert.match(nodes.stdout, /^~ pg {2}aws:elasticache\/replicationGroup:ReplicationGroup\n {4}nodeType: cache\.m7g\.large → cache\.r7g\.large$/m);
        assert.doesNotMatch(nodes.stdout, /is protected: `pulumi up` refuses/);
    });

    it("says who the alarms reach, and does not call a secure alarmEmails empty", async () => {
        const dev = await plan("--stack", "dev");
        assert.match(dev.stdout, /^! no alarmEmails: the alarms notify nobody/m);
        const secure = renderPlan(await runProgram({ stack: "dev", set: { "observability.alarmEmails": [{ secure: "v1:abc" }] } }));
        assert.doesNotMatch(secure, /no alarmEmails/);
        assert.match(secure, /^e-mail: observability\.alarmEmails holds a secure value the offline plan cannot decrypt/m);
    });

    it("counts Elastic IPs against the default quota of 5, across the stacks of the region", async () => {
        const dev = await plan("--stack", "dev");
        assert.match(dev.stdout, /^Elastic IPs: 1 \(one per NAT gateway\) of the default quota of 5 per region per account; with prod \(3\), staging \(1\), also in us-east-1: 5 if they share an account \(the plan cannot tell\)$/m);
        assert.doesNotMatch(dev.stdout, /exceed the default quota/);
        const more = await plan("--stack", "dev", "--set", "network.natGateways=perAz");
        assert.match(more.stdout, /^! 6 together exceed the default quota of 5 if these stacks share an account: NAT gateway creation then fails with AddressLimitExceeded/m);
    });
});

describe("npm run plan: the warm standby's cost", () => {
    let standby: Run;
    before(async () => (standby = await stackRun("standby-prod")));
    const money = (line: string) => [...line.matchAll(/\$(\d+\.\d\d)/g)].map((m) => Number(m[1]));

    it("prints its monthly cost at us-east-2 prices in Monthly cost and in Region loss, the same figures", () => {
        assert.equal(standby.outputs.region, "us-east-2");
        const table = cost(standby);
        assert.doesNotMatch(table.join("\n"), /no estimate/);
        const total = table.find((l) => /^total +\$/.test(l))!;
        const e = estimateRun(standby);
        assert.deepEqual(money(total), [e.floor, e.ceiling].map((x) => Number(x.toFixed(2))));
        assert.ok(e.floor > 1000 && e.ceiling > e.floor, total);
        const line = regionLoss(standby).find((l) => l.startsWith("monthly cost of the standby"))!;
        assert.match(line, /^monthly cost of the standby at us-east-2 prices: \$\d+\.\d\d at its warm floor, \$\d+\.\d\d at the primary's ceilings;/);
        assert.deepEqual(money(line).slice(0, 2), money(total));
        // Its own Atlas private endpoint is billed by the hour though the cluster is the primary's.
        const endpoint = e.lines.find((l) => l.component === "atlas" && l.item === "private endpoint")!;
        assert.equal(standby.ofType("mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint").length, 1);
        assert.equal(endpoint.floor, 730 * 0.045);
        assert.equal(endpoint.price.source, "https://www.mongodb.com/docs/atlas/billing/additional-services/");
        assert.ok(!e.lines.some((l) => l.component === "atlas" && /replica set/.test(l.item)), "no cluster on the standby's bill");
        // What it rests on: estimates are named as such, the us-east-2 figures' own.
        assert.ok(table.some((l) => /^estimate: .*us-east-2/.test(l)), table.join("\n"));
    });

    it("estimates a standby in a region without prices at its primary's, and says so", () => {
        const elsewhere = Object.assign(Object.create(Object.getPrototypeOf(standby)), standby, { outputs: { ...standby.outputs, region: "eu-west-1" } }) as Run;
        assert.match(cost(elsewhere)[0], /^no estimate: no prices for region eu-west-1/);
        const line = regionLoss(elsewhere).find((l) => l.startsWith("monthly cost of the standby"))!;
        assert.match(line, /^monthly cost of the standby at us-east-1 prices \(eu-west-1's are not in lib\/prices\.ts: add them from the pricing pages it cites\): \$\d+\.\d\d/);
    });
});
