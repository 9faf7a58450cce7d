/** The restore step this `pulumi up` takes. */
import { Section } from "../section";

export const restoreSection: Section = (run) => {
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
