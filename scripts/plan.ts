/**
 * The offline preview: runs the program under the mock engine (no cloud account, no Pulumi CLI)
 * and prints what `pulumi up` would declare.
 *
 *   npm run plan -- --stack prod [--set main.instances=3 ...] [--set-string key=007] [--json]
 */
import { configJson } from "../lib/config";
import type { StackConfigError } from "../lib/stackConfig";
import { ProgramError, UsageError, runProgram } from "../tests/harness";
import { renderDiagram } from "./diagram";
import { type PlanArgs, parseArgs } from "./plan/args";
import { enforcedFailures, planJson, renderPlan } from "./plan/render";

export type { PlanArgs } from "./plan/args";
export { parseArgs, typeLikeCli } from "./plan/args";
export { table } from "./plan/section";
export { SECTIONS } from "./plan/sections";
export { NOT_INCLUDED, estimateRun } from "./plan/sections/cost";
export type { Change } from "./plan/diff";
export { REPLACED_BY, ROLLING_SERVICE_INPUTS, diffRuns, rollingServices } from "./plan/diff";
export { KNOWN_AFTER_UP, enforcedFailures, planJson, renderPlan, unknownUntilUp } from "./plan/render";

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