import { Section, table } from "../section";
import { CapacityOutput } from "./capacity";

/** The gateway's own secrets: where each comes from, never its value. */
export const serviceSecrets: Section = (run) => {
    const services = run.outputs.capacity as Record<string, CapacityOutput> | undefined;
    if (!services) return [];
    const rows = Object.entries(services).flatMap(([name, s]) => Object.entries(s.secrets ?? {}).map(([env, arn]) => [name, env, arn.includes(":ssm:") ? "SSM parameter" : "Secrets Manager", arn]));
    const generated = "MPG_DATABASE_URI (with password authentication, each service's own, naming its own database user) and MPG_GARNET_URL: generated here, in Secrets Manager under the stack's data key";
    if (!rows.length) return [generated, "no other secrets (<service>.secrets)"];
    return [
        generated,
        ...table([["service", "variable", "from", "ARN (read when a task starts, by that service's execution role only)"], ...rows]),
        "a new value under the same ARN reaches running tasks only when they restart; to roll the service onto a new value, pin its version-id in the ARN (…:<json-key>::<version-id>) and edit it: a moved version-stage changes no ARN and rolls nothing",
    ];
};
