/** The stack in one line, and the secure values the offline plan cannot decrypt. */
import { UNDECRYPTED } from "../../../lib/config";
import { Section } from "../section";

export const summary: Section = (run) => {
    const o = run.outputs;
    const undecrypted = Object.entries(run.config.values).filter(([, v]) => v.includes(UNDECRYPTED)).map(([k]) => k);
    return [
        o.purpose === "local"
            ? `stack ${run.stack} · environment ${o.environment} · purpose local: the topology on the Docker engine \`pulumi up\` talks to (DOCKER_HOST), nothing in AWS or Atlas · domain ${o.domain} · ${o.loadBalancer?.published}`
            : `stack ${run.stack} · environment ${o.environment} · region ${o.region} · ${o.purpose === "restore-drill" ? "purpose restore-drill: an Atlas cluster a backup is restored into, nothing else" : `domain ${o.domain}`}`,
        ...undecrypted.map((k) => `! ${k} holds a secure value the offline plan cannot decrypt: it is not validated here, and its default stands in; \`pulumi preview\` judges it`),
    ];
};
