/** What an edit (--set) changes against the stack file. */
import { Section } from "../section";
import { KNOWN_LOCAL_REPLACEMENTS, KNOWN_REPLACEMENTS, diffRuns, rollingServices } from "../diff";

export const edit: Section = (run) => {
    if (!run.baseline) return [];
    const changes = diffRuns(run.baseline, run);
    if (!changes.length) return ["no resource changes: the stack file already says this"];
    const counts = (["add", "remove", "replace", "update"] as const).map((k) => `${changes.filter((c) => c.kind === k).length} to ${k}`).join(", ");
    const rolls = rollingServices(changes);
    const sign = { add: "+", remove: "-", replace: "±", update: "~" };
    return [
        `against the stack file: ${counts}`,
        run.outputs.purpose === "local"
            ? "a replaced container is removed, then its replacement started (fixed names): that instance is down meanwhile"
            : rolls.length
            ? `services that roll (a new task definition, network or load-balancer configuration: ECS starts new tasks, then stops the old): ${rolls.join(", ")}`
            : "no service rolls (no new task definition, network or load-balancer configuration)",
        ...changes.filter((c) => (c.kind === "replace" || c.kind === "remove") && run.baseline!.resources.some((r) => r.name === c.name && r.type === c.type && r.protect)).map((c) => `! ${c.name} (${c.type}) is protected: \`pulumi up\` refuses to ${c.kind} it`),
        ...changes.flatMap((c) => [`${sign[c.kind]} ${c.name}  ${c.type}${c.kind === "replace" ? "  (replaced)" : ""}`, ...c.fields.slice(0, 12).map((f) => `    ${f}`), ...(c.fields.length > 12 ? [`    … ${c.fields.length - 12} more`] : [])]),
        `replacements are known here for ${run.outputs.purpose === "local" ? KNOWN_LOCAL_REPLACEMENTS : KNOWN_REPLACEMENTS}; another ~ may still be a replacement, and what refers to a replaced resource changes with it: \`pulumi preview\` has the last word`,
    ];
};
