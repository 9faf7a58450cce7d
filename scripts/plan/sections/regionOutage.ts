/** A region drill: the regions Atlas's simulated outage takes out, and how to watch and end it. */
import { Section } from "../section";

export const regionOutage: Section = (run) => {
    const o = run.outputs.regionOutage;
    if (!o) return [];
    return [
        `Atlas simulates the loss of ${o.regions.join(", ")} on ${o.cluster} (project ${o.projectId}): ${o.electableNodesLost} electable nodes lose connectivity, the others elect a primary`,
        `  \`pulumi up\` starts it (and waits until Atlas reports SIMULATING); \`${o.end}\` ends it; any change of the drill ends it before starting the new one`,
        `  watch: ${o.watch}`,
        "  Atlas ends it by itself after 1, 3 or 7 days, and a later `pulumi up` of this stack would start a new one: destroy the stack when the drill is over",
        "  with it, the app tier's runbook: README \"Region drill\"",
    ];
};
