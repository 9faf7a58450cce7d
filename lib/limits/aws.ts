/** What AWS enforces: task sizes, names, log retention, IAM scoping, ALB, ElastiCache, Secrets Manager, ACM, quotas. */
/** Fargate (Linux) task sizes: cpu units → allowed memory in MiB. */
export const FARGATE_MEMORY_BY_CPU: Readonly<Record<number, readonly number[]>> = {
    256: [512, 1024, 2048],
    512: range(1024, 4096, 1024),
    1024: range(2048, 8192, 1024),
    2048: range(4096, 16384, 1024),
    4096: range(8192, 30720, 1024),
    8192: range(16384, 61440, 4096),
    16384: range(32768, 122880, 8192),
};

export const FARGATE_CPU_VALUES: readonly number[] = Object.keys(FARGATE_MEMORY_BY_CPU).map(Number);

export function isValidFargateSize(cpu: number, memory: number): boolean {
    return FARGATE_MEMORY_BY_CPU[cpu]?.includes(memory) ?? false;
}

/** "1024–4096 MiB in steps of 1024" style description of the memory values a cpu allows. */
export function describeFargateMemory(cpu: number): string {
    const values = FARGATE_MEMORY_BY_CPU[cpu];
    if (!values) return `no memory (cpu must be one of ${FARGATE_CPU_VALUES.join(", ")})`;
    if (values.length <= 3) return values.join(", ");
    return `${values[0]}–${values[values.length - 1]} in steps of ${values[1] - values[0]}`;
}

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS: readonly number[] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** ELBv2 load balancer and target group names. */
export const ELB_NAME_MAX = 32;
/** Pulumi auto-naming appends "-" and 7 random characters. */
export const PULUMI_AUTONAME_SUFFIX = 8;

export function isValidElbName(name: string): boolean {
    return (
        name.length >= 1 &&
        name.length <= ELB_NAME_MAX &&
        /^[A-Za-z0-9-]+$/.test(name) &&
        !name.startsWith("-") &&
        !name.endsWith("-") &&
        !name.startsWith("internal-")
    );
}

/**
 * The Elastic Load Balancing account that writes access logs in each region opened before August
 * 2022 (AWS ALB guide, "Enable access logs": attach a policy to the bucket; the same table as the
 * AWS provider's `aws_elb_service_account`, hashicorp/terraform-provider-aws
 * internal/service/elb/service_account_data_source.go). Newer regions grant the log-delivery
 * service principal instead (ELB_LOG_DELIVERY_PRINCIPAL).
 */
export const ELB_LOG_ACCOUNT_BY_REGION: Readonly<Record<string, string>> = {
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887",
    "ap-northeast-3": "383597477331",
    "ap-south-1": "718504428378",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-southeast-3": "589379963580",
    "ca-central-1": "985666609251",
    "eu-central-1": "054676820928",
    "eu-north-1": "897822967062",
    "eu-south-1": "635631232127",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-west-3": "009996457667",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-gov-east-1": "190560391635",
    "us-gov-west-1": "048591011584",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
};
export const ELB_LOG_DELIVERY_PRINCIPAL = "logdelivery.elasticloadbalancing.amazonaws.com";

/** The principal that delivers a region's ALB access logs, as a bucket policy names it. */
export function elbLogWriter(region: string): { AWS: string } | { Service: string } {
    const account = ELB_LOG_ACCOUNT_BY_REGION[region];
    return account ? { AWS: `arn:aws:iam::${account}:root` } : { Service: ELB_LOG_DELIVERY_PRINCIPAL };
}

/** S3 bucket names (general purpose): 3–63 of a-z 0-9 . -, a letter or digit at each end, no "..", not an IP, no reserved prefix or suffix. */
export function isValidBucketName(name: string): boolean {
    return (
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
        !name.includes("..") &&
        !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
        !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) &&
        !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)
    );
}

/** EC2 security-group descriptions: ASCII letters, digits, spaces and ._-:/()#,@[]+=&;{}!$* (no apostrophe), ≤ 255. */
export function isValidSecurityGroupDescription(text: string): boolean {
    return text.length <= 255 && /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/.test(text);
}

/** Security-group rule descriptions: as above without "&". */
export function isValidSecurityGroupRuleDescription(text: string): boolean {
    return text.length <= 255 && /^[A-Za-z0-9 ._\-:/()#,@[\]+=;{}!$*]*$/.test(text);
}

/**
 * IAM actions that support no resource-level permissions: AWS requires `"Resource": "*"` for them.
 * Any other action must name its resources.
 */
export const ACTIONS_WITHOUT_RESOURCE_SCOPE: readonly string[] = [
    "ecr:GetAuthorizationToken",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "xray:GetSamplingStatisticSummaries",
    "tag:GetResources",
    "ec2:DescribeNetworkAcls",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcs",
    "ec2:DescribeManagedPrefixLists",
    "logs:CreateLogDelivery",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
    // What ECS reads to shift traffic in a blue/green, linear or canary release (the managed
    // AmazonECSInfrastructureRolePolicyForLoadBalancers grants these on "*").
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeRules",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth",
];

/**
 * Actions a request does not tie to a resource the policy could name, which AWS scopes by a
 * condition key instead (`"*"` with that condition): ecs:ListTasks by `ecs:cluster` (Amazon ECS
 * developer guide, identity-based policy examples).
 */
export const ACTIONS_SCOPED_BY_CONDITION: Readonly<Record<string, string>> = {
    "ecs:ListTasks": "ecs:cluster",
};

/** Whether `action` may have `"*"` as its resource in a statement with `condition`: AWS allows nothing narrower, or the condition scopes it. */
export function mayTakeAnyResource(action: string, condition: Record<string, Record<string, unknown>> | undefined): boolean {
    if (ACTIONS_WITHOUT_RESOURCE_SCOPE.includes(action)) return true;
    const key = ACTIONS_SCOPED_BY_CONDITION[action];
    return !!key && Object.values(condition ?? {}).some((c) => key in c);
}

/** ALB target-group health check. */
export const HEALTH_CHECK = {
    intervalSeconds: { min: 5, max: 300 },
    timeoutSeconds: { min: 2, max: 120 },
    threshold: { min: 2, max: 10 },
    deregistrationDelaySeconds: { min: 0, max: 3600 },
} as const;

/** lb_cookie / app_cookie duration accepted by the API (Terraform allows 0, the API does not). */
export const STICKINESS_DURATION_SECONDS = { min: 1, max: 604800 } as const;
/** Cookie names the ALB reserves for itself. */
export const RESERVED_COOKIE_PREFIXES: readonly string[] = ["AWSALB", "AWSALBAPP", "AWSALBTG"];

/** ElastiCache AUTH token: the strictest of the create/modify API rules and Terraform's check. */
export const ELASTICACHE_AUTH_TOKEN = /^[A-Za-z0-9!&#$^<>-]{16,128}$/;
/** Characters a generated token may use beyond letters and digits. */
export const ELASTICACHE_AUTH_TOKEN_SPECIALS = "!&#$^<>-";
export const ELASTICACHE_MAX_NODES = 6;
export const ELASTICACHE_SNAPSHOT_RETENTION_MAX = 35;

/** ElastiCache replication group id: 1–40 characters, starts with a letter, no "--", no trailing hyphen. */
export function isValidReplicationGroupId(id: string): boolean {
    return /^[A-Za-z][A-Za-z0-9-]{0,39}$/.test(id) && !id.includes("--") && !id.endsWith("-");
}

/** Secrets Manager secret names. */
export function isValidSecretName(name: string): boolean {
    return /^[0-9A-Za-z/_+=.@-]{1,512}$/.test(name);
}

/** Secrets Manager recovery window: 0 (immediate) or 7–30 days. */
export function isValidRecoveryWindow(days: number): boolean {
    return days === 0 || (days >= 7 && days <= 30);
}

/**
 * ElastiCache engine versions a node-based replication group accepts, per engine (ElastiCache
 * "Supported engines and versions", read 2026-11-29; Redis OSS 4 and 5 left standard support on
 * 2026-01-31 and take a patch-level version, so they are not offered). Valkey has no 6.x; Redis
 * OSS stops at 7.1.
 */
export const ELASTICACHE_ENGINE_VERSIONS: Readonly<Record<"valkey" | "redis", readonly string[]>> = {
    valkey: ["7.2", "8.0", "8.1", "8.2", "9.0", "9.1"],
    redis: ["6.0", "6.2", "6.x", "7.0", "7.1"],
};

/**
 * ElastiCache Global Datastore ("Prerequisites and limitations",
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Redis-Global-Datastores-Getting-Started.html):
 * node families M5, M6g, M7g, R5, R6g, R6gd, R7g and C7gn, size large and above (no burstable
 * t2/t3/t4g, no previous generation m4/r4); every member the same node type, engine version and
 * number of primaries (replica counts may differ); up to two secondary Regions; VPC only; no IPv6;
 * encryption in transit, at rest and AUTH supported; "Replication must be enabled if you plan to use
 * an existing single-node cluster", and a secondary inherits the primary's Multi-AZ and automatic
 * failover, which need two nodes or more. Regions: every region of AWS_REGIONS is on the page's list.
 */
export const GLOBAL_DATASTORE = {
    families: ["m5", "m6g", "m7g", "r5", "r6g", "r6gd", "r7g", "c7gn"],
    /** Sizes below large (the page: "size large and above"). */
    tooSmall: ["nano", "micro", "small", "medium"],
    /**
     * "Valkey 7.2 or later, or Redis OSS 5.0.6 or later" (ElastiCache "Using global datastores
     * (console)", https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Redis-Global-Datastores-Console.html):
     * every version ELASTICACHE_ENGINE_VERSIONS offers meets it (tests/lib/failover.test.ts).
     */
    minVersion: { valkey: [7, 2], redis: [5, 0, 6] } as const,
    minNodes: 2,
} as const;

/** Whether a node type can be a Global Datastore member (GLOBAL_DATASTORE). */
export function isGlobalDatastoreNodeType(nodeType: string): boolean {
    const m = /^cache\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(nodeType);
    return !!m && (GLOBAL_DATASTORE.families as readonly string[]).includes(m[1]) && !(GLOBAL_DATASTORE.tooSmall as readonly string[]).includes(m[2]);
}

/**
 * ElastiCache node types for Valkey and Redis OSS (ElastiCache "Supported node types", current
 * and previous generation still offered; read 2026-11-29). `dataTiering` types (r6gd) need data
 * tiering enabled, which this program does not do.
 */
export const ELASTICACHE_NODE_TYPES: Readonly<Record<string, { dataTiering?: true }>> = Object.fromEntries([
    ...sizes("cache.t4g", ["micro", "small", "medium"]),
    ...sizes("cache.t3", ["micro", "small", "medium"]),
    ...sizes("cache.t2", ["micro", "small", "medium"]),
    ...sizes("cache.m7g", ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"]),
    ...sizes("cache.m6g", ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"]),
    ...sizes("cache.m5", ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"]),
    ...sizes("cache.m4", ["large", "xlarge", "2xlarge", "4xlarge", "10xlarge"]),
    ...sizes("cache.r7g", ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"]),
    ...sizes("cache.r6g", ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"]),
    ...sizes("cache.r5", ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"]),
    ...sizes("cache.r4", ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"]),
    ...sizes("cache.c7gn", ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"]),
    ...sizes("cache.r6gd", ["xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"], { dataTiering: true }),
]);

function sizes(family: string, names: string[], traits: { dataTiering?: true } = {}): [string, { dataTiering?: true }][] {
    return names.map((n) => [`${family}.${n}`, traits]);
}

/** ACM: the first domain name (CN) of a requested certificate is at most 64 characters; any DNS name at most 253. */
export const ACM_DOMAIN_NAME_MAX = 64;
export const DNS_NAME_MAX = 253;

/** Ports the OpenTelemetry collector sidecar listens on in the task's shared network namespace (OTLP gRPC, OTLP HTTP, its own metrics). */
export const COLLECTOR_PORTS: readonly number[] = [4317, 4318, 8888];

function range(from: number, to: number, step: number): number[] {
    const values: number[] = [];
    for (let v = from; v <= to; v += step) values.push(v);
    return values;
}

/**
 * The ALB target-group health-check path: 1–1024 characters starting with "/" (ELBv2 API
 * `CreateTargetGroup` `HealthCheckPath`, length 1–1024). Not re-read against the provider's
 * internal/service/elbv2/target_group.go validation: the program also requires the leading "/".
 */
export const HEALTH_CHECK_PATH_MAX = 1024;

/**
 * Where an ECS `secrets[].valueFrom` (and a `repositoryCredentials.credentialsParameter`) may
 * point. AWS ECS developer guide, "Pass Secrets Manager secrets through Amazon ECS environment
 * variables": `arn:aws:secretsmanager:region:aws_account_id:secret:secret-name:json-key:version-stage:version-id`,
 * the last three segments optional as a group (each may be empty, e.g. `…:secret:name-AbCdEf:apiKey::`);
 * a JSON key or version needs Fargate platform 1.4.0 or later (this program runs LATEST). "Pass
 * Systems Manager parameters through Amazon ECS environment variables": the parameter's ARN,
 * `arn:aws:ssm:region:aws_account_id:parameter/name`. Secret names: 1–512 of [A-Za-z0-9/_+=.@-]
 * (provider internal/service/secretsmanager/validate.go); parameter names: letters, digits and
 * [_.-/], the whole ARN at most 1011 characters (Systems
 * Manager PutParameter `Name`: "The maximum length for a parameter name, including the full length of
 * the parameter ARN, is 1011 characters").
 */
export const SECRETS_MANAGER_VALUE_FROM = /^arn:(aws|aws-cn|aws-us-gov):secretsmanager:([a-z]{2}(-gov)?-[a-z]+-\d):(\d{12}):secret:([A-Za-z0-9/_+=.@-]{1,512})(:([^:\s]*):([^:\s]*):([^:\s]*))?$/;
export const SSM_PARAMETER_ARN = /^arn:(aws|aws-cn|aws-us-gov):ssm:([a-z]{2}(-gov)?-[a-z]+-\d):(\d{12}):parameter\/([A-Za-z0-9_.\-/]{1,1011})$/;

/**
 * A complete Secrets Manager secret ARN ends in "-" and the six random characters Secrets Manager
 * appends to the name ("Permissions reference for AWS Secrets Manager": ARN format
 * `…:secret:OptionalPath/SecretName-6RandomCharacters`). ECS, like GetSecretValue, also finds a
 * secret by a partial ARN (without them) or its name, but IAM matches a policy's Resource against
 * the secret's complete ARN: a grant on a partial ARN matches nothing, and the task fails to start
 * with AccessDeniedException. A partial ARN whose name itself ends in "-" and six letters or digits
 * cannot be told from a complete one (Secrets Manager's own caveat for partial ARNs).
 */
export const SECRETS_MANAGER_ARN_SUFFIX = /-[A-Za-z0-9]{6}$/;

/** Where a service secret comes from, and the ARN an IAM grant names (without JSON key or version). */
export interface SecretSource {
    store: "secretsmanager" | "ssm";
    /** The secret's or parameter's own ARN: what `secretsmanager:GetSecretValue` / `ssm:GetParameters` is granted on. */
    resourceArn: string;
    /** The ARN names the secret completely (Secrets Manager: with its six random characters; SSM: always). */
    complete: boolean;
    /** The JSON key ECS extracts, if any. */
    jsonKey?: string;
    /** The version stage or id ECS reads, if pinned. */
    version?: string;
}

/** The source of an ECS secret's `valueFrom`, or undefined when ECS would not accept it (a partial ARN is accepted, and marked incomplete). */
export function secretSource(valueFrom: string): SecretSource | undefined {
    const sm = SECRETS_MANAGER_VALUE_FROM.exec(valueFrom);
    if (sm) {
        const resourceArn = valueFrom.split(":").slice(0, 7).join(":");
        const [jsonKey, stage, id] = [sm[7], sm[8], sm[9]];
        return { store: "secretsmanager", resourceArn, complete: SECRETS_MANAGER_ARN_SUFFIX.test(sm[5]), jsonKey: jsonKey || undefined, version: stage || id || undefined };
    }
    if (SSM_PARAMETER_ARN.test(valueFrom) && valueFrom.length <= 1011) return { store: "ssm", resourceArn: valueFrom, complete: true };
    return undefined;
}

/**
 * Elastic IP addresses an account may allocate per region by default (Amazon VPC quotas, "Elastic
 * IP addresses per Region: 5", adjustable; https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html).
 * Every public NAT gateway holds one.
 */
export const EIP_DEFAULT_QUOTA_PER_REGION = 5;

/**
 * The tag an egress rule carries when it opens a port beyond 443 to the internet for a configured
 * purpose, so the policy pack (rule restricted-egress) can tell it from an accident: the one such
 * purpose is the OTLP endpoint of observability.otlpEndpoint.
 */
export const EGRESS_PURPOSE_TAG = "payment-gateway:egress";
export const OTLP_EGRESS = "otlp-endpoint";
