/** The credential rotation step this `pulumi up` takes. */
import { Section } from "../section";

export const rotation: Section = (run) => {
    const r = run.outputs.rotation;
    if (!r) return [];
    const line = (what: string, x: any) => `${what}: ${x.step === "none" ? "never rotated" : `${x.label ? `label ${x.label}` : "no label"}, step ${x.step}${x.held ? " (held)" : ""}`}. This \`pulumi up\` ${x.now}; then ${x.next}.`;
    const lowFloor = ["admin", "main", "worker"].filter((n) => (run.ofType("aws:ecs/service:Service").find((s) => s.name === `pg-${n}`)?.inputs.deploymentMinimumHealthyPercent ?? 100) < 100);
    return [
        line("cache AUTH token", r.cache),
        line("database password", r.database),
        ...(lowFloor.length && (r.cache.step === "rotate" || r.database.step === "switch") ? [`! ${lowFloor.join(", ")}: deployment.minimumHealthyPercent below 100 stops tasks before their replacements run; rotate with 100`] : []),
        ...(Object.keys(run.previous).length ? [] : ["(no --previous: planned as if the stack had never been deployed; pass `pulumi stack output --json` to see its real next step)"]),
    ];
};
