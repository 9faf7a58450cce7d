/** The plan as text or as JSON, with what only `pulumi up` will know marked so. */
import { Run } from "../../tests/harness";
import { Result, evaluate } from "../../policy/rules";
import { difference } from "../../lib/cost";
import { PriceError } from "../../lib/prices";
import { GATEWAY_ONLY, LOCAL_SECTIONS, SECTIONS } from "./sections";
import { estimateRun } from "./sections/cost";
import { KNOWN_AFTER_UP, diffRuns, rollingServices } from "./diff";

export { KNOWN_AFTER_UP };

export function renderPlan(run: Run): string {
    const out: string[] = [];
    const drill = run.outputs.purpose === "restore-drill" || run.outputs.purpose === "region-drill";
    for (const [title, section] of run.outputs.purpose === "local" ? LOCAL_SECTIONS : SECTIONS) {
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
    // The policy pack judges AWS resources: a restore drill has none to judge, a local stack none at all.
    if (run.outputs.purpose === "restore-drill" || run.outputs.purpose === "local") return [];
    return evaluate(run.policyResources()).filter((r) => r.enforced && r.finding.violations.length);
}

/** Machine-readable plan; secret inputs and outputs are redacted, as `pulumi preview` shows them. */
export function planJson(run: Run): unknown {
    const outputs = Object.fromEntries(Object.entries(run.outputs).map(([k, v]) => [k, run.secretOutputs.includes(k) ? "[secret]" : v]));
    const resources = run.resources.map(({ outputs: _outputs, inputs, ...r }) => ({ ...r, inputs: redact(inputs, r.secretInputs) }));
    let cost: unknown;
    if (run.outputs.purpose === "local") cost = { none: "a local stack runs on the Docker engine it is deployed to: nothing is billed" };
    else try {
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
