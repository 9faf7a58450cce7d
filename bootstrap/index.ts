/**
 * The account's side of CI for the payment gateway, applied once per AWS account by an
 * administrator (never by CI itself):
 *
 *   GitHub Actions job ──OIDC token (aud sts.amazonaws.com, sub repo:<owner>/<repo>:environment:<env>)──▶
 *     token.actions.githubusercontent.com provider ──▶ payment-gateway-deploy-<stack>   (environment <stack>)
 *                                                  └─▶ payment-gateway-preview-<stack>  (environments <stack>-preview, <stack>-drift)
 *
 * Per stack, the deploy role may create, change and delete what the program declares for that stack
 * (bootstrap/permissions.ts), and the preview role may read what `pulumi preview --refresh` reads.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { parseBootstrapConfig } from "./config";
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST, READ_ONLY_ACCESS, Scope, DEPLOY_SESSION_SECONDS, PREVIEW_SESSION_SECONDS, deployStatements, environments, githubTrust, packPolicies, previewPolicy } from "./permissions";

export = async () => {
    const cfg = new pulumi.Config();
    const [identity, partition, region] = await Promise.all([aws.getCallerIdentity(), aws.getPartition(), aws.getRegion()]);
    const config = parseBootstrapConfig(
        { repository: cfg.get("repository"), stacks: cfg.get("stacks"), regions: cfg.get("regions"), standbyRegions: cfg.get("standbyRegions"), tieBreakerRegions: cfg.get("tieBreakerRegions"), oidcProviderArn: cfg.get("oidcProviderArn") },
        region.region,
    );

    // IAM allows one provider per URL in an account: reuse the one the account has, if any.
    // No thumbprint: IAM verifies GitHub's certificate against its own trusted CAs (IAM User Guide,
    // "Create an OpenID Connect (OIDC) identity provider in IAM"), and the AWS provider makes the
    // list optional (thumbprint_list, internal/service/iam/openid_connect_provider.go).
    const providerArn: pulumi.Output<string> = config.oidcProviderArn
        ? pulumi.output(config.oidcProviderArn)
        : new aws.iam.OpenIdConnectProvider("github", { url: `https://${GITHUB_OIDC_HOST}`, clientIdLists: [GITHUB_OIDC_AUDIENCE], tags: { purpose: "payment-gateway CI" } }, { protect: true }).arn;

    const roles: Record<string, { deploy: pulumi.Output<string>; preview: pulumi.Output<string> }> = {};
    for (const stack of config.stacks) {
        // A stack in another region than the bootstrap's (a warm standby) has its roles scoped there.
        const scope: Scope = { partition: partition.partition, account: identity.accountId, region: config.regions[stack] ?? region.region, stack, standbyRegion: config.standbyRegions[stack], tieBreakerRegions: config.tieBreakerRegions[stack] };
        const preview = new aws.iam.Role(`preview-${stack}`, {
            name: `payment-gateway-preview-${stack}`,
            description: `pulumi preview --refresh of the ${stack} stack, from the GitHub environments ${environments(stack).preview.join(" and ")}`,
            assumeRolePolicy: providerArn.apply((arn) => JSON.stringify(githubTrust(arn, config.repository, environments(stack).preview))),
            maxSessionDuration: PREVIEW_SESSION_SECONDS,
        });
        new aws.iam.RolePolicyAttachment(`preview-${stack}-read-only`, { role: preview.name, policyArn: READ_ONLY_ACCESS });
        new aws.iam.RolePolicy(`preview-${stack}`, { role: preview.id, policy: JSON.stringify(previewPolicy(scope)) });

        const deploy = new aws.iam.Role(`deploy-${stack}`, {
            name: `payment-gateway-deploy-${stack}`,
            description: `pulumi up of the ${stack} stack, from the GitHub environment ${stack}`,
            assumeRolePolicy: providerArn.apply((arn) => JSON.stringify(githubTrust(arn, config.repository, environments(stack).deploy))),
            maxSessionDuration: DEPLOY_SESSION_SECONDS,
        });
        new aws.iam.RolePolicyAttachment(`deploy-${stack}-read-only`, { role: deploy.name, policyArn: READ_ONLY_ACCESS });
        packPolicies(deployStatements(scope)).forEach((doc, i) => {
            const policy = new aws.iam.Policy(`deploy-${stack}-${i + 1}`, {
                name: `payment-gateway-deploy-${stack}-${i + 1}`,
                description: `What pulumi up of the ${stack} stack writes (part ${i + 1})`,
                policy: JSON.stringify(doc),
            });
            new aws.iam.RolePolicyAttachment(`deploy-${stack}-${i + 1}`, { role: deploy.name, policyArn: policy.arn });
        });
        roles[stack] = { deploy: deploy.arn, preview: preview.arn };
    }
    return {
        oidcProviderArn: providerArn,
        /** Per stack: the GitHub environment variables AWS_DEPLOY_ROLE_ARN (environment <stack>) and AWS_PREVIEW_ROLE_ARN (<stack>-preview). */
        roles,
    };
};
