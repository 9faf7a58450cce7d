/**
 * The stack config contract: schema, defaults and validation.
 *
 * A plain module: it declares no resources. `validateConfig` takes the raw values of the
 * `payment-gateway:*` keys (as the Pulumi CLI hands them to the program) and either returns the
 * resolved, fully-defaulted config or throws a ConfigError that lists every problem at once,
 * each naming the key, the value and what is allowed.
 *
 * Per-field defaults live here, not in Pulumi.yaml: the CLI applies a project-level default only
 * to a whole top-level key, so a stack that sets `main.instances` would otherwise lose every other
 * default of `main`.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseLossless, stringify as stringifyLossless } from "lossless-json";
import { z } from "zod";
import { Bom, DEFAULT_ASSUMPTIONS, PriceError, actionMinutes, estimate } from "./cost";
import { FIS_DURATION_MINUTES } from "./fis";
import { planDrills } from "./drills";
import { ECR_ENDPOINT_SERVICES, ecrRepositoryOf } from "./images";
import { ConnectionBudget, PoolBudgetError, planConnections } from "./pool";
import { restoreKey } from "./restore";
import {
    ACM_DOMAIN_NAME_MAX,
    ATLAS_AWS_REGIONS,
    ATLAS_ELECTABLE_NODES,
    ATLAS_MONGODB_VERSIONS,
    AWS_REGION_ZONES,
    COLLECTOR_PORTS,
    DNS_NAME_MAX,
    ELASTICACHE_ENGINE_VERSIONS,
    ELASTICACHE_NODE_TYPES,
    ATLAS_TIERS,
    AWS_REGION,
    ELASTICACHE_MAX_NODES,
    ELASTICACHE_SNAPSHOT_RETENTION_MAX,
    FARGATE_CPU_VALUES,
    FARGATE_MEMORY_BY_CPU,
    HEALTH_CHECK,
    HEALTH_CHECK_PATH_MAX,
    SecretSource,
    secretSource,
    LOG_RETENTION_DAYS,
    RESERVED_COOKIE_PREFIXES,
    STICKINESS_DURATION_SECONDS,
    atlasRegionName,
    describeFargateMemory,
    isValidBucketName,
    isValidAtlasClusterName,
    isValidFargateSize,
    isValidReplicationGroupId,
} from "./limits";

export const PROJECT = "payment-gateway";
/**
 * What the offline harness hands the program in place of a `secure:` value it cannot decrypt (the
 * engine hands the decrypted value). Such a value is not validated: its default, if any, stands
 * in, and the plan says so (Config.undecrypted).
 */
export const UNDECRYPTED = "[secure value, not decrypted offline]";
/**
 * Keys no config may hold, at any depth: they name JavaScript's object machinery, where a value
 * would vanish (`__proto__`) or be mistaken for something else. Refused by name, never dropped.
 */
export const FORBIDDEN_KEYS = ["__proto__", "constructor", "prototype"];
export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export const SERVICE_NAMES = ["admin", "main", "worker"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Environment variables the program sets itself; extraEnvironment may not override them. */
export const RESERVED_ENV_PREFIXES = ["MPG_DATABASE_", "MPG_GARNET_", "OTEL_"];
export const RESERVED_ENV_NAMES = ["MPG_MAIN_WORKER_CONCURRENCY"];

/** Memory (MiB) the worker process needs besides its jobs, and what each concurrent PDF job needs. */
export const WORKER_BASE_MEMORY_MIB = 512;
export const WORKER_MEMORY_PER_JOB_MIB = 256;

// ---------------------------------------------------------------------------------------------
// Building blocks with messages a person can act on.

// What the Pulumi CLI writes is accepted where its meaning is unambiguous: `pulumi config set
// --path` types only true/false and integers and stores everything else as a string (decimals,
// versions, JSON lists; pulumi/pulumi#18064), and a stack file may quote a number.

// Two readings apply to every field of a kind, present and future, in one place (`asTheFieldReads`,
// used by validateConfig): a text field takes what the CLI stores for an unquoted value exactly as
// it was typed (2024 → "2024", true → "true"), and a list field takes a list written as a JSON string.

/** "0.7" or "12" → a number (a number too large to hold exactly is compared by its nearest); anything else as it is. */
const numeric = (v: unknown) => (typeof v === "bigint" ? Number(v) : typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v);
/** "true"/"false" → a boolean. */
const boolean = (v: unknown) => (v === "true" ? true : v === "false" ? false : v);

/**
 * Parses config JSON (what the engine hands the program for a structured key, or a list written as
 * a JSON string) without losing a digit: an integer beyond Number.MAX_SAFE_INTEGER, which
 * `JSON.parse` would round (9007199254740993 → …992), is kept as a BigInt. A key named
 * `__proto__` stays an own key, so that validation can refuse it by name.
 */
export function parseConfigJson(text: string): unknown {
    return parseLossless(text, null, (digits) => {
        const n = Number(digits);
        return /^-?\d+$/.test(digits) && !Number.isSafeInteger(n) ? BigInt(digits) : n;
    });
}

/** JSON of a value that may hold a BigInt (a number too large for a double), digits kept. */
export function configJson(value: unknown, indent?: number): string {
    return stringifyLossless(value, undefined, indent) ?? "undefined";
}

/**
 * What the Pulumi CLI or YAML stores, read as a field of the `expected` type means it: the value
 * to use instead, a message saying why it cannot be, or undefined when it is not such a case.
 * - Text: `pulumi config set --path` stores an unquoted integer as a number and true/false as a
 *   boolean (pulumi.com/docs/iac/cli/commands/pulumi_config_set), and YAML reads them so: their
 *   text is exactly what was typed, up to Number.MAX_SAFE_INTEGER. A larger integer, or a
 *   decimal (YAML reads an unquoted 1.50 as 1.5), cannot be known as typed: refused, with how to quote it.
 * - List: a JSON list written as a string (the CLI stores `[...]` as a string) is the list.
 */
function asTheFieldReads(expected: string, value: unknown, key: string): { value: unknown } | { message: string } | undefined {
    if (expected === "string") {
        if (typeof value === "boolean" || (typeof value === "number" && Number.isSafeInteger(value))) return { value: String(value) };
        if (typeof value === "bigint" || typeof value === "number") {
            const typed = String(value);
            if (typeof value === "bigint" || Number.isInteger(value))
                return { message: `is a number beyond ${Number.MAX_SAFE_INTEGER}, which cannot be kept exactly as text: quote it (pulumi config set --path --type string ${key} ${typed}, or "${typed}" in the stack file)` };
            return { message: `is a decimal number where text is expected, and YAML keeps no trace of how it was written (it reads 1.50 as 1.5): quote it in the stack file ("${typed}")` };
        }
    }
    if (expected === "array" && typeof value === "string" && value.trim().startsWith("[")) {
        try {
            const list = parseConfigJson(value);
            if (Array.isArray(list)) return { value: list };
        } catch {
            // reported below
        }
        return { message: `must be a list: a list written as a string must be JSON, such as ["a", "b"]` };
    }
    return undefined;
}
/** 8 (YAML's reading of an unquoted 8.0) → "8.0"; 7.2 → "7.2". */
const version = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? (Number.isInteger(v) ? v.toFixed(1) : String(v)) : v);

/** A whole number in [min, max]; a number beyond the safe range is "too big", not "not whole". */
const count = (min: number, max?: number) => {
    const most = `must be at most ${max ?? Number.MAX_SAFE_INTEGER}`;
    let n = z
        .number({ error: "must be a number" })
        .int({ error: (issue) => (issue.code === "too_big" ? most : "must be a whole number") })
        .min(min, { error: `must be at least ${min}` });
    if (max !== undefined) n = n.max(max, { error: most });
    return z.preprocess(numeric, n);
};
/** A number in [min, max]. */
const decimal = (min: number, max: number) =>
    z.preprocess(numeric, z.number({ error: "must be a number" }).min(min, { error: `must be at least ${min}` }).max(max, { error: `must be at most ${max}` }));
/** An object of known fields; any other field is an error (a typo should not pass silently). */
const section = <T extends z.core.$ZodLooseShape>(shape: T) => z.strictObject(shape, { error: "must be an object" });
const bool = () => z.preprocess(boolean, z.boolean({ error: "must be true or false" }));
const text = (what = "a non-empty string") => z.string({ error: `must be ${what}` }).min(1, { error: `must be ${what}` });
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
    z.enum(values, { error: `must be one of ${values.join(", ")}` });
const numberIn = (values: readonly number[], what: string) =>
    z.preprocess(numeric, z.number({ error: "must be a number" }).refine((v) => values.includes(v), { error: `must be one of ${what}` }));
const zoneName = () => z.string({ error: "must be an availability zone name such as us-east-1a" }).regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, { error: "must be an availability zone name such as us-east-1a" });
const list = <T extends z.ZodType>(item: T, what: string) => z.array(item, { error: `must be a list of ${what}` });

/** A command or entry point: a list of non-empty strings, as ECS takes it (one argument per item). */
const processList = (what: string) =>
    list(text("a non-empty string"), `strings, one argument each, such as ["/app/worker"]`).pipe(z.array(z.string()).min(1, { error: `must list at least the executable; leave ${what} unset for the image's own` }));
const SECRET_ARN_FORMS =
    "must be the ARN of a Secrets Manager secret (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>[:<json-key>:<version-stage>:<version-id>]) or of an SSM parameter (arn:aws:ssm:<region>:<account>:parameter/<name>)";
const PARTIAL_SECRET_ARN =
    "is a partial Secrets Manager ARN (the name without the \"-\" and six random characters Secrets Manager appends): ECS would find the secret, but IAM matches the execution role's grant against the complete ARN, so tasks would fail to start with AccessDeniedException; give the complete ARN (aws secretsmanager describe-secret --secret-id <name> --query ARN)";
/** A secret's ARN in a form ECS takes (`forms` says which), naming a Secrets Manager secret completely. */
const secretArn = (accepts: (s: SecretSource, v: string) => boolean, forms: string) =>
    z.string({ error: forms }).superRefine((v, ctx) => {
        const s = secretSource(v);
        if (!s || !accepts(s, v)) ctx.addIssue({ code: "custom", message: forms, input: v });
        else if (!s.complete) ctx.addIssue({ code: "custom", message: PARTIAL_SECRET_ARN, input: v });
    });

const CIDR = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;
const cidr = () => z.string({ error: "must be an IPv4 CIDR such as 203.0.113.0/24" }).regex(CIDR, { error: "must be an IPv4 CIDR such as 203.0.113.0/24" });
export const STACK_NAME = /^[a-z][a-z0-9-]{0,19}$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IMAGE_REF = /^[a-z0-9]+([._\-/:][a-z0-9]+)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

// ---------------------------------------------------------------------------------------------
// Sections.

const NetworkSchema = section({
    /** VPC range: a private (RFC 1918) IPv4 block, /16 to /20. Default 10.0.0.0/16. */
    cidr: cidr().default("10.0.0.0/16"),
    /** Availability zones to spread over: 2–6 (prod at least 3). Default 3. */
    azCount: count(2, 6).default(3),
    /** Explicit AZ names; default: the first azCount zones the region reports. */
    availabilityZones: list(zoneName(), "availability zone names").optional(),
    /** "perAz" (one NAT gateway per AZ, required in prod) or "single" (cheap). Default perAz. */
    natGateways: oneOf(["perAz", "single"]).default("perAz"),
    /** Interface endpoints for CloudWatch Logs and Secrets Manager, and ECR's when a task pulls from ECR in the region. Default: on in prod, off elsewhere. */
    interfaceEndpoints: bool().optional(),
});

const HealthCheckSchema = section({
    /**
     * Path the load balancer checks, 1–1024 characters starting with "/". Default /health (what
     * the gateway serves); prod requires /health (HA checklist: load balancer health checks on /health).
     */
    path: z.string({ error: "must be a path such as /health" }).regex(/^\/[\x21-\x7e]*$/, { error: "must be a path such as /health (starting with /, no spaces)" }).max(HEALTH_CHECK_PATH_MAX, { error: `must be at most ${HEALTH_CHECK_PATH_MAX} characters` }).default("/health"),
    /** Seconds between checks, 5–300. Default 10. */
    intervalSeconds: count(HEALTH_CHECK.intervalSeconds.min, HEALTH_CHECK.intervalSeconds.max).default(10),
    /** Seconds before a check fails, 2–120 and below the interval. Default 5. */
    timeoutSeconds: count(HEALTH_CHECK.timeoutSeconds.min, HEALTH_CHECK.timeoutSeconds.max).default(5),
    /** Consecutive successes before a target is healthy, 2–10. Default 2. */
    healthyThreshold: count(HEALTH_CHECK.threshold.min, HEALTH_CHECK.threshold.max).default(2),
    /** Consecutive failures before a target is unhealthy, 2–10. Default 3. */
    unhealthyThreshold: count(HEALTH_CHECK.threshold.min, HEALTH_CHECK.threshold.max).default(3),
});

const LoadBalancerSchema = section({
    /** An existing ACM certificate covering admin.<domain> and api.<domain>. */
    certificateArn: z.string({ error: "must be an ACM certificate ARN" }).regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, { error: "must be an ACM certificate ARN" }).optional(),
    /** Route 53 hosted zone for <domain>: DNS validation of a created certificate and the alias records. */
    hostedZoneId: z.string({ error: "must be a Route 53 hosted zone id" }).regex(/^Z[A-Z0-9]{1,31}$/, { error: "must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ" }).optional(),
    healthCheck: HealthCheckSchema.prefault({}),
    /** Seconds a deregistering target keeps serving in-flight requests, 0–3600. Default 30. */
    deregistrationDelaySeconds: count(HEALTH_CHECK.deregistrationDelaySeconds.min, HEALTH_CHECK.deregistrationDelaySeconds.max).default(30),
    /** Seconds an idle connection stays open, 1–4000. Default 60. */
    idleTimeoutSeconds: count(1, 4000).default(60),
    /** Deletion protection. Default: on in prod. */
    deletionProtection: bool().optional(),
    /** Write access logs. Default: on in prod (required there) or when accessLogsBucket is set. */
    accessLogs: bool().optional(),
    /** An existing S3 bucket for the access logs; default: the program creates one when accessLogs is on. */
    accessLogsBucket: z.string({ error: "must be an S3 bucket name" }).refine(isValidBucketName, { error: "must be an S3 bucket name: 3–63 lower-case letters, digits, dots and hyphens, a letter or digit at each end, no \"..\", not an IP address" }).optional(),
    /** Days the created bucket keeps a log object, 1–3653. Default 365. */
    accessLogsRetentionDays: count(1, 3653).default(365),
    /** Versioning and S3 Object Lock (compliance mode, accessLogsRetentionDays) on the created bucket. Default: on in prod (required there). */
    accessLogsObjectLock: bool().optional(),
    waf: z
        .strictObject({
            /** WAFv2 web ACL on the ALB. Default: on in prod. */
            enabled: bool().optional(),
            /** Requests per client IP per 5 minutes before blocking, 10–2,000,000,000. Default 2000. */
            rateLimit: count(10, 2_000_000_000).default(2000),
            /** Requests per client IP per 5 minutes to the admin host's login paths before blocking, 10–2,000,000,000, below rateLimit. Default 100. */
            adminLoginRateLimit: count(10, 2_000_000_000).default(100),
            /**
             * Path prefixes of the admin console's login (WebAuthn ceremony) on admin.<domain>, 1–5,
             * matched case-insensitively. Default ["/login", "/auth", "/webauthn"]: set the gateway's own.
             */
            adminLoginPaths: list(z.string({ error: "must be a path such as /login" }).regex(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%\/-]{0,199}$/, { error: "must be a URL path starting with / (at most 200 characters)" }), "paths")
                .pipe(z.array(z.string()).min(1, { error: "must list at least one path" }).max(5, { error: "must list at most 5 paths" }))
                .default(["/login", "/auth", "/webauthn"]),
            /** Days the WAF's request log (CloudWatch Logs, aws-waf-logs-*) is kept; a value CloudWatch accepts, at least 365 in prod. Default 365. */
            logRetentionDays: numberIn(LOG_RETENTION_DAYS, LOG_RETENTION_DAYS.join(", ")).default(365),
        })
        .prefault({}),
});

const DeploymentSchema = section({
    /** Percent of desired tasks kept running during a rollout, 0–100. Default 100. */
    minimumHealthyPercent: count(0, 100).default(100),
    /** Percent of desired tasks allowed during a rollout (old and new overlap), 100–200. Default 200. */
    maximumPercent: count(100, 200).default(200),
    /** Seconds ECS ignores failing health checks after a task starts, 0–7200. Default 60. */
    healthCheckGracePeriodSeconds: count(0, 7200).default(60),
    /** Make `pulumi up` wait until the service is steady. Default: on in prod. */
    waitForSteadyState: bool().optional(),
});

const BuildSchema = section({
    /** Docker build context, relative to the project root. */
    context: text("a directory path"),
    /** Dockerfile path relative to the context. Default Dockerfile. */
    dockerfile: text("a file path").default("Dockerfile"),
    /** Target platform; default from `architecture` (linux/amd64 or linux/arm64). */
    platform: oneOf(["linux/amd64", "linux/arm64"]).optional(),
});

const serviceFields = {
    /** Desired task count and autoscaling floor; what an operator edits to rescale. Default 2. */
    instances: count(1, 5000).default(2),
    /** Autoscaling ceiling; equal to instances means no autoscaling. Default: instances. */
    maxInstances: count(1, 5000).optional(),
    /** Fargate cpu units: 256, 512, 1024, 2048, 4096, 8192 or 16384. Default 512. */
    cpu: numberIn(FARGATE_CPU_VALUES, FARGATE_CPU_VALUES.join(", ")).default(512),
    /** Fargate memory (MiB); must be a size Fargate offers for the cpu. Default 1024. */
    memory: count(512).default(1024),
    /** CPU architecture the image is built for: X86_64 or ARM64. Default X86_64. */
    architecture: oneOf(["X86_64", "ARM64"]).default("X86_64"),
    /** Image reference; pinning by digest (@sha256:…) is recommended. Exactly one of image and build. */
    image: z.string({ error: "must be an image reference" }).regex(IMAGE_REF, { error: "must be an image reference such as registry.example.com/gateway/admin@sha256:<64 hex>" }).optional(),
    /** Build and push the image with Docker instead of using `image`. */
    build: BuildSchema.optional(),
    /** Images the build mode's ECR repository keeps. Default 20. */
    keepImages: count(1, 1000).default(20),
    /** Port the container listens on. Default 8080. */
    containerPort: count(1, 65535).default(8080),
    /** CloudWatch Logs retention in days (a value CloudWatch accepts). Default 30. */
    logRetentionDays: numberIn(LOG_RETENTION_DAYS, LOG_RETENTION_DAYS.join(", ")).default(30),
    deployment: DeploymentSchema.prefault({}),
    scaling: section({
        /** Target average CPU (percent) the autoscaler keeps, 10–90. Default 60. */
        cpuPercent: count(10, 90).default(60),
        /** Target requests per task (ALB services), 1–100000. Default 1000. */
        requestsPerTarget: count(1, 100000).default(1000),
    }).prefault({}),
    /**
     * The container's command (ECS `command`, Docker CMD): the process and its arguments, one per
     * item. Default: the image's own. The worker's is required when it runs the main backend's image.
     */
    command: processList("command").optional(),
    /** The container's entry point (ECS `entryPoint`, Docker ENTRYPOINT), one item per argument. Default: the image's own. */
    entryPoint: processList("entryPoint").optional(),
    /**
     * The gateway's own secrets: NAME → the ARN of an existing Secrets Manager secret (optionally
     * with `:json-key:version-stage:version-id`) or SSM parameter. ECS reads each when a task
     * starts; only this service's execution role may read them. Default none.
     */
    secrets: z.record(
        z.string().regex(ENV_NAME),
        secretArn(() => true, SECRET_ARN_FORMS),
        { error: (issue) => (issue.code === "invalid_key" ? "is not an environment variable name: letters, digits and _, not starting with a digit" : "must be a map of NAME: ARN") },
    ).default({}),
    /**
     * Credentials for an image in a private registry other than ECR (ECS `repositoryCredentials`):
     * the ARN of a Secrets Manager secret holding {"username","password"}. Default none (ECR or public).
     */
    repositoryCredentials: secretArn((s, v) => s.store === "secretsmanager" && s.resourceArn === v, "must be the ARN of a Secrets Manager secret (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>), without a JSON key or version").optional(),
    /** Further environment for the gateway's other settings (strings). Default none. */
    extraEnvironment: z.record(
        z.string().regex(ENV_NAME),
        z.string({ error: "must be text" }),
        { error: (issue) => (issue.code === "invalid_key" ? "is not an environment variable name: letters, digits and _, not starting with a digit" : "must be a map of NAME: value") },
    ).default({}),
};

const StickinessSchema = section({
    /** lb_cookie (the balancer's own cookie) or app_cookie (the application's session cookie). Default lb_cookie. */
    type: oneOf(["lb_cookie", "app_cookie"]).default("lb_cookie"),
    /** The application's session cookie name; required with app_cookie. */
    cookieName: z.string({ error: "must be a cookie name" }).regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,255}$/, { error: "must be a cookie name (token characters only)" }).optional(),
    /** Seconds a client stays on one instance, 1–604800. Default 86400. */
    durationSeconds: count(STICKINESS_DURATION_SECONDS.min, STICKINESS_DURATION_SECONDS.max).default(86400),
});

const AdminSchema = section({
    ...serviceFields,
    stickiness: StickinessSchema.prefault({}),
    /** CIDRs allowed to reach admin.<domain>; empty means anywhere (refused in prod, as is a /0). Default []. */
    allowedCidrs: list(cidr(), "CIDRs").pipe(z.array(z.string()).max(20, { error: "must list at most 20 CIDRs (each four take one listener rule)" })).default([]),
});
const MainSchema = section(serviceFields);
/**
 * The worker's container health check (ECS HealthCheck: interval 5–300 s, timeout 2–60 s, retries
 * 1–10, start period 0–300 s). The worker has no load balancer: without it ECS replaces a worker
 * only when its process exits, never when it hangs.
 */
const ContainerHealthCheckSchema = section({
    /** Check the worker at all. Default true. */
    enabled: bool().default(true),
    /**
     * The command, ["CMD", …] or ["CMD-SHELL", "…"]. Default: CMD-SHELL `curl -fsS
     * http://localhost:<containerPort>/health || exit 1` (assumes the worker image, the gateway's,
     * serves /health on containerPort and carries curl).
     */
    command: z
        .array(text("a non-empty string"), { error: "must be a list such as [\"CMD-SHELL\", \"curl -fsS http://localhost:8080/health || exit 1\"]" })
        .min(2, { error: "must be CMD or CMD-SHELL followed by the command" })
        .refine((c) => c[0] === "CMD" || c[0] === "CMD-SHELL", { error: "must start with CMD or CMD-SHELL" })
        .optional(),
    /** Seconds between checks, 5–300. Default 30. */
    intervalSeconds: count(5, 300).default(30),
    /** Seconds before a check fails, 2–60, below the interval. Default 5. */
    timeoutSeconds: count(2, 60).default(5),
    /** Consecutive failures before the container is unhealthy (and the task replaced), 1–10. Default 3. */
    retries: count(1, 10).default(3),
    /** Seconds after start during which failures do not count, 0–300. Default 60. */
    startPeriodSeconds: count(0, 300).default(60),
});

const WorkerSchema = section({
    ...serviceFields,
    /**
     * Fargate memory (MiB). Default: the smallest size Fargate offers for the cpu that leaves
     * 256 MiB per concurrent job plus 512 (2048 with the default cpu 512 and concurrency 4).
     */
    memory: count(512).optional(),
    /** PDF jobs each worker runs at once (MPG_MAIN_WORKER_CONCURRENCY), 1–64. Default 4. */
    concurrency: count(1, 64).default(4),
    healthCheck: ContainerHealthCheckSchema.prefault({}),
});

const AtlasSchema = section({
    /** Dedicated tier, M10 and up. Default M10. */
    tier: oneOf(ATLAS_TIERS as [string, ...string[]]).default("M10"),
    /** Atlas region (US_EAST_1), one of Atlas's AWS regions; default: the AWS region's. Must match it for PrivateLink. */
    region: z.string({ error: "must be an Atlas region such as US_EAST_1" }).refine((r) => ATLAS_AWS_REGIONS.includes(r), { error: "must be an Atlas AWS region such as US_EAST_1 (upper-case, underscores; one of the AWS regions in lib/limits.ts)" }).optional(),
    /** Organization to create the project in (24 hex characters). One of orgId and projectId. */
    orgId: z.string({ error: "must be 24 hex characters" }).regex(/^[a-f0-9]{24}$/, { error: "must be 24 hex characters" }).optional(),
    /** Existing Atlas project to use (24 hex characters). One of orgId and projectId. */
    projectId: z.string({ error: "must be 24 hex characters" }).regex(/^[a-f0-9]{24}$/, { error: "must be 24 hex characters" }).optional(),
    /** MongoDB major version Atlas deploys: 7.0 or 8.0. Default 8.0. */
    mongoVersion: z.preprocess(version, oneOf(ATLAS_MONGODB_VERSIONS as [string, ...string[]])).default("8.0"),
    /** Electable nodes in the replica set: 3, 5 or 7. Default 3. */
    electableNodes: numberIn(ATLAS_ELECTABLE_NODES, ATLAS_ELECTABLE_NODES.join(", ")).default(3),
    /** Application database name. Default payment_gateway. */
    databaseName: z.string({ error: "must be a database name" }).regex(/^[A-Za-z0-9_-]{1,63}$/, { error: "must be 1–63 letters, digits, _ or -" }).default("payment_gateway"),
    /** Days the daily snapshots are kept, 1–365. Default 7. */
    backupRetentionDays: count(1, 365).default(7),
    /** Continuous backup (point-in-time restore). Default true; required in prod. */
    pointInTimeRestore: bool().default(true),
    /** Compute auto-scaling bounds; none by default. */
    autoScaling: z
        .strictObject({
            minTier: oneOf(ATLAS_TIERS as [string, ...string[]]),
            maxTier: oneOf(ATLAS_TIERS as [string, ...string[]]),
        })
        .optional(),
    /** Connect over AWS PrivateLink. Default: on in prod (required there), else an IP access list of the NAT addresses. */
    privateLink: bool().optional(),
    /** Restore this stack's cluster from a backup of a source cluster (it overwrites the cluster's data). Default: none. */
    restore: section({
        /** The project of the cluster whose backup is restored (24 hex characters). */
        sourceProjectId: z.string({ error: "must be 24 hex characters" }).regex(/^[a-f0-9]{24}$/, { error: "must be 24 hex characters" }),
        /** The cluster whose backup is restored. */
        sourceClusterName: z.string({ error: "must be an Atlas cluster name" }).refine(isValidAtlasClusterName, { error: "must be an Atlas cluster name (letters, digits and hyphens, starting with a letter or digit)" }),
        /** Restore to this moment, ISO-8601 UTC (2026-11-28T21:30:00Z); exactly one of pointInTime and snapshotId. */
        pointInTime: z.string({ error: "must be an ISO-8601 UTC time such as 2026-11-28T21:30:00Z" }).regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z$/, { error: "must be an ISO-8601 UTC time such as 2026-11-28T21:30:00Z" }).optional(),
        /** Restore this snapshot (its id, 24 hex characters); exactly one of pointInTime and snapshotId. */
        snapshotId: z.string({ error: "must be a snapshot id (24 hex characters)" }).regex(/^[a-f0-9]{24}$/, { error: "must be a snapshot id (24 hex characters)" }).optional(),
        /**
         * restore-drill only: the IPv4 CIDR (your workstation's or VPN's) that the drill's temporary
         * read-only user may connect from to check the restored data. Required in a restore drill.
         */
        verifyFrom: cidr().optional(),
        /** Allow a restore into a prod stack (it overwrites its data). Default false. */
        allowIntoProd: bool().default(false),
    }).optional(),
    /** password (a generated password) or iam (each service's task role, MONGODB-AWS). Default password. */
    authentication: oneOf(["password", "iam"]).default("password"),
    /**
     * Disk auto-scaling (diskGbEnabled): Atlas grows the disk as the data grows (the provider's
     * default is off). Default true.
     */
    diskAutoScaling: bool().default(true),
    /** Database auditing (authentication, authorization failures, user and role changes, DDL; lib/audit.ts). Default: on in prod (required there) and in a restore drill. */
    auditing: bool().optional(),
});

const CacheSchema = section({
    /** valkey or redis. Default valkey. */
    engine: oneOf(["valkey", "redis"]).default("valkey"),
    /** Engine version (valkey 7.2–9.1, redis 6.0/6.2/6.x/7.0/7.1). Default: 8.0 for valkey, 7.1 for redis. */
    engineVersion: z.preprocess(version, z.string({ error: "must be a version such as 8.0" }).regex(/^\d+\.(\d+|x)$/, { error: "must be a version such as 8.0" })).optional(),
    /** Node type, one ElastiCache offers without data tiering. Default cache.t4g.small. */
    nodeType: z
        .string({ error: "must be a node type such as cache.t4g.small" })
        .refine((t) => t in ELASTICACHE_NODE_TYPES, { error: "must be an ElastiCache node type such as cache.t4g.small or cache.r7g.large (see lib/limits.ts)" })
        .refine((t) => !ELASTICACHE_NODE_TYPES[t]?.dataTiering, { error: "is a data-tiering node type (r6gd), which needs data tiering enabled; this program does not enable it: use cache.r7g or cache.r6g" })
        .default("cache.t4g.small"),
    /** Primary + replicas, 1–6; at least 2 for automatic failover (required in prod). Default 2. */
    nodes: count(1, ELASTICACHE_MAX_NODES).default(2),
    /** Days of daily snapshots, 0–35 (0 turns backups off; at least 1 in prod). Default 7. */
    snapshotRetentionDays: count(0, ELASTICACHE_SNAPSHOT_RETENTION_MAX).default(7),
    /** Port. Default 6379. */
    port: count(1024, 65535).default(6379),
    /** Eviction policy; only policies that never evict keys without a TTL. Default volatile-lru. */
    maxmemoryPolicy: oneOf(["volatile-lru", "volatile-lfu", "volatile-ttl", "volatile-random", "noeviction"]).default("volatile-lru"),
});

const PoolOverrideSchema = section({
    maxPoolSize: count(1, 1000).optional(),
    minPoolSize: count(0, 1000).optional(),
    maxConnecting: count(1, 100).optional(),
});

const PoolSchema = section({
    /** Fraction of the tier's connections the application may use, 0.1–1. Default 0.8. */
    headroom: decimal(0.1, 1).default(0.8),
    /** Override of the derived MPG_DATABASE_MAX_POOL_SIZE for every service. */
    maxPoolSize: count(1, 1000).optional(),
    /** Override of the derived MPG_DATABASE_MIN_POOL_SIZE. */
    minPoolSize: count(0, 1000).optional(),
    /** Override of the derived MPG_DATABASE_MAX_CONNECTING. */
    maxConnecting: count(1, 100).optional(),
    /** Per-service overrides (maxPoolSize, minPoolSize, maxConnecting), accepted when the whole budget fits. */
    admin: PoolOverrideSchema.optional(),
    main: PoolOverrideSchema.optional(),
    worker: PoolOverrideSchema.optional(),
});

export const DEFAULT_COLLECTOR_IMAGE = "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0";
/** The trace sample ratio each environment gets unless `observability.traceSampleRatio` is set. */
export const DEFAULT_TRACE_SAMPLE_RATIO: Record<Environment, number> = { dev: 0.1, staging: 0.1, prod: 0.05 };

const ObservabilitySchema = section({
    /** Alarm e-mail recipients (SNS subscriptions, Atlas alert e-mails). Default none; at least one in prod. */
    alarmEmails: list(z.email({ error: "must be an e-mail address such as oncall@example.com" }), "e-mail addresses").default([]),
    /** OpenTelemetry traces. Default true; required in prod. */
    tracing: bool().default(true),
    /** OTLP/HTTP endpoint of an external collector; default: an AWS Distro for OpenTelemetry sidecar exporting to X-Ray. */
    otlpEndpoint: z.string({ error: "must be an http(s) URL" }).regex(/^https?:\/\/[^\s/]+(:\d+)?(\/\S*)?$/, { error: "must be an http(s) URL such as https://otlp.example.com:4318" }).optional(),
    /**
     * Fraction of new traces the services record, 0–1 (OTEL_TRACES_SAMPLER parentbased_traceidratio:
     * a request that arrives with a sampling decision keeps it); above 0 in prod. Default 0.1, 0.05 in prod.
     */
    traceSampleRatio: decimal(0, 1).optional(),
    /** The collector sidecar's image. Default the AWS Distro for OpenTelemetry collector, pinned. */
    collectorImage: z.string({ error: "must be an image reference" }).regex(IMAGE_REF, { error: "must be an image reference" }).default(DEFAULT_COLLECTOR_IMAGE),
    alarms: section({
        /** ALB 5xx responses as a percent of requests, over 5 minutes. Default 5. */
        http5xxPercent: decimal(0.1, 100).default(5),
        /** 5xx responses the load balancer itself answers (no healthy target, 502/503/504) per minute. Default 10. */
        loadBalancer5xxPerMinute: count(1, 1_000_000).default(10),
        /** ALB p95 target response time, seconds. Default 1. */
        responseTimeSeconds: decimal(0.01, 60).default(1),
        /** ECS service CPU and memory utilisation, percent. Default 85. */
        servicePercent: count(10, 100).default(85),
        /** Cache engine CPU and memory usage, percent. Default 80. */
        cachePercent: count(10, 100).default(80),
        /** Replication lag (cache and Atlas), seconds. Default 10. */
        replicationLagSeconds: count(1, 3600).default(10),
        /** Atlas data disk used on any node, percent (Atlas alert). Default 80. */
        databaseDiskPercent: count(10, 100).default(80),
        /** Atlas CPU (user, normalized) on any node, percent (Atlas alert). Default 80. */
        databaseCpuPercent: count(10, 100).default(80),
        /** Requests the WAF blocks in 5 minutes (an attack, or a rule blocking customers). Default 1000. */
        wafBlockedRequests: count(1, 2_000_000_000).default(1000),
    }).prefault({}),
});

/** A rotation label: changing it rotates. Letters, digits and hyphens (it is part of a database user's name). */
const rotationLabel = () =>
    z.string({ error: "must be a label such as 2026-12 or 2" }).regex(/^[a-z0-9][a-z0-9-]{0,15}$/, { error: "must be 1–16 lower-case letters, digits and hyphens, such as 2026-12 or 2" });

const RotationSchema = section({
    /** Rotate the cache AUTH token: change the label. Two `pulumi up`s: the new token is added, then the old one dropped. Default: never rotated. */
    cache: rotationLabel().optional(),
    /** Rotate the database password: change the label. Two `pulumi up`s: a new user takes over, then the old one is removed. Default: never rotated. */
    database: rotationLabel().optional(),
});

const DrillsSchema = section({
    /** Declare the failover drills (FIS experiment templates; they cost nothing until started). Default true; required in prod. */
    enabled: bool().default(true),
    /** The availability zone the zone-outage drill takes down. Default: the stack's first zone. */
    zone: zoneName().optional(),
    /** Minutes a zone outage or cache interruption lasts, 1–720 (FIS: PT1M–PT12H). Default 10. */
    durationMinutes: count(FIS_DURATION_MINUTES.min, FIS_DURATION_MINUTES.max).default(10),
    /** Percent of each service's tasks the task-loss drill stops at once, 1–100. Default 50. */
    taskLossPercent: count(1, 100).default(50),
});

const CostSchema = section({
    /** Refuse a stack whose monthly cost at its autoscaling ceiling exceeds this many USD. Default: none. */
    monthlyBudget: decimal(1, 1_000_000_000).optional(),
    /** Usage the estimate cannot know; each line priced from one is shown as an assumption. */
    assumptions: section({
        /** Requests through the load balancer and WAF per month. Default 10,000,000. */
        requestsPerMonth: count(0, 1e15).default(DEFAULT_ASSUMPTIONS.requestsPerMonth),
        /** Load balancer capacity units per hour. Default 1. */
        lcuPerHour: decimal(0, 1e6).default(DEFAULT_ASSUMPTIONS.lcuPerHour),
        /** GB through the NAT gateways per month. Default 50. */
        natGbPerMonth: decimal(0, 1e9).default(DEFAULT_ASSUMPTIONS.natGbPerMonth),
        /** GB through the interface endpoints per month. Default 10. */
        endpointGbPerMonth: decimal(0, 1e9).default(DEFAULT_ASSUMPTIONS.endpointGbPerMonth),
        /** GB of logs CloudWatch ingests per month. Default 10. */
        logGbPerMonth: decimal(0, 1e9).default(DEFAULT_ASSUMPTIONS.logGbPerMonth),
        /** GB of data on the Atlas cluster's disk (its first snapshot). Default 10. */
        atlasDataGb: decimal(0, 1e9).default(DEFAULT_ASSUMPTIONS.atlasDataGb),
        /** Percent of the Atlas data changed a day (each further snapshot; a day of oplog), 0–100. Default 5. */
        atlasDailyChangePercent: decimal(0, 100).default(DEFAULT_ASSUMPTIONS.atlasDailyChangePercent),
        /** GB of data in the cache (each daily snapshot). Default 1. */
        cacheDataGb: decimal(0, 1e9).default(DEFAULT_ASSUMPTIONS.cacheDataGb),
        /** GB of disk Atlas charges once disk auto-scaling grows it past the tier's included storage. Default 0. */
        atlasDiskGb: decimal(0, 1e9).default(DEFAULT_ASSUMPTIONS.atlasDiskGb),
        /** GB of access logs kept in S3. Default 10. */
        accessLogGbStored: decimal(0, 1e9).default(DEFAULT_ASSUMPTIONS.accessLogGbStored),
        /** X-Ray traces retrieved or scanned a month. Default 1,000,000 (the free tier). */
        tracesRetrievedPerMonth: count(0, 1e15).default(DEFAULT_ASSUMPTIONS.tracesRetrievedPerMonth),
        /** Runs of each failover drill a month, 0–1000. Default 1. */
        drillRunsPerMonth: decimal(0, 1000).default(DEFAULT_ASSUMPTIONS.drillRunsPerMonth),
    }).prefault({}),
});

/** Controls a PCI DSS assessment looks for (README "Security and PCI DSS"). */
const SecuritySchema = section({
    /**
     * Encryption-context keys every use of the application key must carry (the key policy refuses
     * a request without them). The gateway's own code chooses the context: list its keys once it
     * sends them. Default [] (not enforced).
     */
    appKeyEncryptionContextKeys: list(z.string({ error: "must be an encryption context key" }).regex(/^[A-Za-z0-9:_/+=.@-]{1,128}$/, { error: "must be an encryption context key (1–128 letters, digits and :_/+=.@-)" }), "encryption context keys").pipe(z.array(z.string()).max(10, { error: "must list at most 10 keys" })).default([]),
    /**
     * Atlas encryption at rest under this stack's own KMS key (Atlas's customer key management).
     * Default: on in prod (required there) and in a restore drill (Atlas restores a snapshot only
     * into a cluster with the source's encryption provider; turn it off to restore a source without one).
     */
    atlasCustomerKey: bool().optional(),
    /** VPC flow logs (all traffic) into a KMS-encrypted log group. Default: on in prod (required there). */
    flowLogs: bool().optional(),
    /** Days the flow logs are kept; a value CloudWatch accepts, at least 365 in prod. Default 365. */
    flowLogRetentionDays: numberIn(LOG_RETENTION_DAYS, LOG_RETENTION_DAYS.join(", ")).default(365),
    /** At preview, refuse an account and region without GuardDuty enabled or Security Hub on (lib/organization.ts). The deploying role then needs guardduty:ListDetectors, guardduty:GetDetector and securityhub:GetEnabledStandards. Default: on in prod. */
    organizationChecks: bool().optional(),
    /** Mount the gateway containers' root filesystem read-only (the image must write only to volumes or /tmp it does not need). Default false. */
    readonlyRootFilesystem: bool().default(false),
    /** Run the gateway containers as this user (uid[:gid] or a name the image defines); none: the image's USER. Default none. */
    containerUser: z.string({ error: "must be a user such as 1000:1000" }).regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,31})?$/, { error: "must be a user such as 1000:1000 or node" }).optional(),
});

/** The raw `payment-gateway:*` keys, before defaults that depend on the environment. */
export const ConfigSchema = section({
    environment: oneOf(ENVIRONMENTS),
    domain: z.string({ error: "must be a domain name such as pay.example.com" }).regex(DOMAIN, { error: "must be a lower-case domain name such as pay.example.com" }),
    network: NetworkSchema.prefault({}),
    loadBalancer: LoadBalancerSchema.prefault({}),
    admin: AdminSchema.prefault({}),
    main: MainSchema.prefault({}),
    worker: WorkerSchema.prefault({}),
    atlas: AtlasSchema.prefault({}),
    cache: CacheSchema.prefault({}),
    pool: PoolSchema.prefault({}),
    observability: ObservabilitySchema.prefault({}),
    drills: DrillsSchema.prefault({}),
    rotation: RotationSchema.prefault({}),
    cost: CostSchema.prefault({}),
    security: SecuritySchema.prefault({}),
    /** gateway (the whole topology) or restore-drill (an Atlas cluster that a backup is restored into, and nothing else). Default gateway. */
    purpose: oneOf(["gateway", "restore-drill"]).default("gateway"),
});
export type RawConfig = z.input<typeof ConfigSchema>;
type Parsed = z.output<typeof ConfigSchema>;

/** The top-level keys of the contract, as they appear after `payment-gateway:`. */
export const CONFIG_KEYS = Object.keys(ConfigSchema.shape) as (keyof Parsed)[];

// ---------------------------------------------------------------------------------------------
// Resolution: environment-dependent defaults and cross-field rules.

function resolve(parsed: Parsed, awsRegion: string) {
    const prod = parsed.environment === "prod";
    const service = <S extends Parsed["main"]>(s: S) => ({
        ...s,
        maxInstances: s.maxInstances ?? s.instances,
        platform: s.build?.platform ?? (s.architecture === "ARM64" ? "linux/arm64" : "linux/amd64"),
        deployment: { ...s.deployment, waitForSteadyState: s.deployment.waitForSteadyState ?? prod },
    });
    return {
        ...parsed,
        prod,
        region: awsRegion,
        network: { ...parsed.network, interfaceEndpoints: parsed.network.interfaceEndpoints ?? prod },
        loadBalancer: {
            ...parsed.loadBalancer,
            deletionProtection: parsed.loadBalancer.deletionProtection ?? prod,
            accessLogs: parsed.loadBalancer.accessLogs ?? (prod || !!parsed.loadBalancer.accessLogsBucket),
            accessLogsObjectLock: parsed.loadBalancer.accessLogsObjectLock ?? prod,
            waf: { ...parsed.loadBalancer.waf, enabled: parsed.loadBalancer.waf.enabled ?? prod },
        },
        admin: service(parsed.admin),
        main: service(parsed.main),
        worker: {
            ...service({ ...parsed.worker, memory: parsed.worker.memory ?? workerMemory(parsed.worker.cpu, parsed.worker.concurrency) }),
            healthCheck: {
                ...parsed.worker.healthCheck,
                command: parsed.worker.healthCheck.command ?? ["CMD-SHELL", `curl -fsS http://localhost:${parsed.worker.containerPort}/health || exit 1`],
            },
        },
        atlas: {
            ...parsed.atlas,
            region: parsed.atlas.region ?? atlasRegionName(awsRegion),
            privateLink: parsed.atlas.privateLink ?? prod,
            // A restore drill holds a copy of prod's data: audited like prod.
            auditing: parsed.atlas.auditing ?? (prod || parsed.purpose === "restore-drill"),
        },
        security: {
            ...parsed.security,
            // A restore drill restores prod's backups, which are under prod's customer key: Atlas
            // restores only into a cluster with the same encryption provider.
            atlasCustomerKey: parsed.security.atlasCustomerKey ?? (prod || parsed.purpose === "restore-drill"),
            flowLogs: parsed.security.flowLogs ?? prod,
            organizationChecks: parsed.security.organizationChecks ?? prod,
        },
        cache: {
            ...parsed.cache,
            engineVersion: parsed.cache.engineVersion ?? (parsed.cache.engine === "valkey" ? "8.0" : "7.1"),
            failover: parsed.cache.nodes >= 2,
        },
        observability: { ...parsed.observability, traceSampleRatio: parsed.observability.traceSampleRatio ?? DEFAULT_TRACE_SAMPLE_RATIO[parsed.environment] },
    };
}

/**
 * The keys a resolved value defaults from (resolve above): a check that reads the resolved value
 * reads them too. `main.maxInstances` defaults from `main.instances`, and so on.
 */
function defaultsFrom(key: string): string[] {
    const [section, ...rest] = key.split(".");
    if ((SERVICE_NAMES as readonly string[]).includes(section)) {
        const fromService: Record<string, string[]> = {
            maxInstances: [`${section}.instances`],
            platform: [`${section}.architecture`],
            "deployment.waitForSteadyState": ["environment"],
            "healthCheck.command": [`${section}.containerPort`],
            // The worker's memory defaults to what its cpu and concurrency need (workerMemory).
            ...(section === "worker" ? { memory: ["worker.cpu", "worker.concurrency"] } : {}),
        };
        return fromService[rest.join(".")] ?? [];
    }
    const from: Record<string, string[]> = {
        "network.interfaceEndpoints": ["environment"],
        "loadBalancer.deletionProtection": ["environment"],
        "loadBalancer.accessLogs": ["environment", "loadBalancer.accessLogsBucket"],
        "loadBalancer.waf.enabled": ["environment"],
        "atlas.region": ["aws:region"],
        "atlas.privateLink": ["environment"],
        "cache.engineVersion": ["cache.engine"],
        "cache.failover": ["cache.nodes"],
    };
    return from[key] ?? [];
}

/** The smallest memory Fargate offers for `cpu` that fits `concurrency` jobs (or the largest it offers). */
export function workerMemory(cpu: number, concurrency: number): number {
    const needed = WORKER_BASE_MEMORY_MIB + WORKER_MEMORY_PER_JOB_MIB * concurrency;
    const sizes = FARGATE_MEMORY_BY_CPU[cpu] ?? [1024];
    return sizes.find((m) => m >= needed) ?? sizes[sizes.length - 1];
}

export type Config = ReturnType<typeof resolve> & {
    /** The MongoDB connection budget and the pool sizes derived from it (lib/pool.ts). */
    connections: ConnectionBudget;
    /** Keys whose value was a secure value the offline harness could not decrypt (never under the engine). */
    undecrypted: string[];
};
export type ServiceConfig = Config["main"];
export type AtlasRestore = NonNullable<Config["atlas"]["restore"]>;
export type Resolved = ReturnType<typeof resolve>;
/** Interface endpoints tasks in private subnets need to start without crossing the NAT (`network.interfaceEndpoints`). */
export const INTERFACE_ENDPOINT_SERVICES = [...ECR_ENDPOINT_SERVICES, "logs", "secretsmanager"] as const;

/**
 * Whether a task pulls an image from ECR in the stack's own region: a service built here (pushed
 * to the stack's ECR repository) or configured with such an image, or such a collector image. The
 * ecr.api and ecr.dkr endpoints serve only those pulls (an image from another registry, or from
 * ECR Public, comes through the NAT gateways), so without one they would cost money for nothing.
 */
export function pullsFromEcrInRegion(c: Resolved): boolean {
    const inRegion = (image: string | undefined) => !!image && ecrRepositoryOf(image)?.region === c.region;
    const services = c.purpose === "gateway" ? SERVICE_NAMES.map((n) => c[n]) : [];
    const collector = c.observability.tracing && !c.observability.otlpEndpoint ? c.observability.collectorImage : undefined;
    return services.some((s) => !!s.build || inRegion(s.image)) || inRegion(collector);
}

/** The interface endpoint services the stack declares: none without `network.interfaceEndpoints`, the ECR pair only for ECR pulls in its region. */
export function interfaceEndpointServices(c: Resolved): string[] {
    if (c.purpose !== "gateway" || !c.network.interfaceEndpoints) return [];
    const ecr = pullsFromEcrInRegion(c);
    return INTERFACE_ENDPOINT_SERVICES.filter((s) => ecr || !(ECR_ENDPOINT_SERVICES as readonly string[]).includes(s));
}

export interface Problem {
    /** Key path below the project namespace, e.g. "main.instances". */
    path: string;
    message: string;
    value?: unknown;
    /** Other key paths the rule read (cross-field rules); internal. */
    reads?: string[];
}

/** Rules that span fields (and the stack's name and region), and the Production HA Checklist in prod. */
function crossFieldProblems(c: Resolved, stack: string | undefined, now: number, last: LastDeployment = {}): Problem[] {
    const problems: Problem[] = [];
    const add = (path: string, message: string, value: unknown, ...reads: string[]) => problems.push({ path, message, value, reads });
    problems.push(...nameProblems(c, stack), ...regionProblems(c));

    // A restore drill runs no service: their settings (all defaults there) are not judged.
    const services = c.purpose === "gateway" ? SERVICE_NAMES : [];
    for (const name of services) {
        const s = c[name];
        if (s.maxInstances < s.instances) add(`${name}.maxInstances`, `must be at least ${name}.instances (${s.instances})`, s.maxInstances, `${name}.instances`);
        if (!isValidFargateSize(s.cpu, s.memory)) add(`${name}.memory`, `is not a Fargate size for cpu ${s.cpu}; allowed memory: ${describeFargateMemory(s.cpu)}`, s.memory, `${name}.cpu`);
        if (!!s.image === !!s.build) add(`${name}`, "needs exactly one of image and build", s.image ? { image: s.image, build: s.build } : undefined, `${name}.image`, `${name}.build`);
        if (s.deployment.minimumHealthyPercent >= s.deployment.maximumPercent)
            add(`${name}.deployment.minimumHealthyPercent`, `must be below deployment.maximumPercent (${s.deployment.maximumPercent})`, s.deployment.minimumHealthyPercent, `${name}.deployment.maximumPercent`);
        if (s.build && s.build.platform && s.build.platform !== (s.architecture === "ARM64" ? "linux/arm64" : "linux/amd64"))
            add(`${name}.build.platform`, `must match architecture ${s.architecture}`, s.build.platform, `${name}.architecture`);
        for (const key of Object.keys(s.extraEnvironment)) {
            if (RESERVED_ENV_NAMES.includes(key) || RESERVED_ENV_PREFIXES.some((p) => key.startsWith(p)))
                add(formatPath([name, "extraEnvironment", key]), `is set by the program (reserved: ${[...RESERVED_ENV_PREFIXES.map((p) => p + "*"), ...RESERVED_ENV_NAMES].join(", ")})`, s.extraEnvironment[key]);
        }
        // A secret is one more variable of the container: never one the program sets, never one set twice.
        for (const [key, arn] of Object.entries(s.secrets)) {
            if (RESERVED_ENV_NAMES.includes(key) || RESERVED_ENV_PREFIXES.some((p) => key.startsWith(p)))
                add(formatPath([name, "secrets", key]), `is set by the program (reserved: ${[...RESERVED_ENV_PREFIXES.map((p) => p + "*"), ...RESERVED_ENV_NAMES].join(", ")})`, arn);
            else if (key in s.extraEnvironment)
                add(formatPath([name, "secrets", key]), `is also set in ${name}.extraEnvironment: a variable comes from one place (ECS refuses a name in both environment and secrets)`, arn, formatPath([name, "extraEnvironment", key]));
        }
        // repositoryCredentials is the way to a private registry other than ECR (ECS developer guide,
        // "Using non-AWS container images in Amazon ECS"); ECR is pulled with the execution role.
        if (s.repositoryCredentials && s.build)
            add(`${name}.repositoryCredentials`, "does not apply with build: the built image is pushed to ECR and pulled with the execution role", s.repositoryCredentials, `${name}.build`);
        else if (s.repositoryCredentials && s.image && ecrRepositoryOf(s.image))
            add(`${name}.repositoryCredentials`, "does not apply to an ECR image, which is pulled with the execution role's ECR permissions; it is for other private registries", s.repositoryCredentials, `${name}.image`);
        // In awsvpc mode the sidecar shares the task's network namespace: one port, one listener.
        if (c.observability.tracing && !c.observability.otlpEndpoint && COLLECTOR_PORTS.includes(s.containerPort))
            add(`${name}.containerPort`, `is a port the OpenTelemetry collector sidecar listens on in the same task (${COLLECTOR_PORTS.join(", ")}); choose another`, s.containerPort, "observability.tracing", "observability.otlpEndpoint");
    }
    // The PDF worker is a process of its own (the gateway's cmd/worker): on the main backend's image,
    // without its own command it would start the main backend's API server.
    const sameImage = !!(c.worker.image && c.worker.image === c.main.image) || !!(c.worker.build && c.main.build && JSON.stringify(c.worker.build) === JSON.stringify(c.main.build));
    const sameProcess = JSON.stringify([c.worker.entryPoint, c.worker.command]) === JSON.stringify([c.main.entryPoint, c.main.command]);
    if (services.length && sameImage && sameProcess)
        add(
            "worker.command",
            c.worker.command === undefined && c.worker.entryPoint === undefined
                ? "is required when the worker runs the main backend's image: without it the worker's tasks start the main backend's API server, not the PDF worker (the gateway's cmd/worker); set it to the worker's executable in the image, such as [\"/app/worker\"]"
                : "must differ from main's (with worker.entryPoint) when the worker runs the main backend's image: otherwise the worker's tasks start the main backend's API server",
            c.worker.command,
            "worker.image", "worker.build", "worker.entryPoint", "main.image", "main.build", "main.command", "main.entryPoint",
        );
    const needed = WORKER_BASE_MEMORY_MIB + WORKER_MEMORY_PER_JOB_MIB * c.worker.concurrency;
    if (services.length && c.worker.memory < needed)
        add("worker.memory", `must leave ${WORKER_MEMORY_PER_JOB_MIB} MiB per concurrent job plus ${WORKER_BASE_MEMORY_MIB} MiB: at least ${needed} for concurrency ${c.worker.concurrency}`, c.worker.memory, "worker.concurrency");

    const whc = c.worker.healthCheck;
    if (whc.timeoutSeconds >= whc.intervalSeconds)
        add("worker.healthCheck.timeoutSeconds", `must be below worker.healthCheck.intervalSeconds (${whc.intervalSeconds})`, whc.timeoutSeconds, "worker.healthCheck.intervalSeconds");

    for (const [i, range] of c.admin.allowedCidrs.entries())
        if (networkAddress(range) !== range) add(formatPath(["admin", "allowedCidrs", i]), `has host bits set: the block is ${networkAddress(range)}`, range);

    const stick = c.admin.stickiness;
    if (stick.type === "app_cookie" && !stick.cookieName) add("admin.stickiness.cookieName", "is required when stickiness.type is app_cookie", undefined, "admin.stickiness.type");
    if (stick.cookieName && RESERVED_COOKIE_PREFIXES.some((p) => stick.cookieName!.toUpperCase().startsWith(p)))
        add("admin.stickiness.cookieName", `must not start with a name the ALB reserves (${RESERVED_COOKIE_PREFIXES.join(", ")})`, stick.cookieName);
    if (stick.type === "lb_cookie" && stick.cookieName) add("admin.stickiness.cookieName", "applies only to stickiness.type app_cookie", stick.cookieName, "admin.stickiness.type");

    if (c.loadBalancer.waf.adminLoginRateLimit >= c.loadBalancer.waf.rateLimit)
        add("loadBalancer.waf.adminLoginRateLimit", `must be below loadBalancer.waf.rateLimit (${c.loadBalancer.waf.rateLimit}): the login paths get the tighter limit`, c.loadBalancer.waf.adminLoginRateLimit, "loadBalancer.waf.rateLimit");

    const hc = c.loadBalancer.healthCheck;
    if (hc.intervalSeconds <= hc.timeoutSeconds)
        add("loadBalancer.healthCheck.timeoutSeconds", `must be below healthCheck.intervalSeconds (${hc.intervalSeconds}); AWS rejects an interval that is not greater than the timeout`, hc.timeoutSeconds, "loadBalancer.healthCheck.intervalSeconds");
    if (c.loadBalancer.accessLogsBucket && !c.loadBalancer.accessLogs)
        add("loadBalancer.accessLogs", "must not be false when loadBalancer.accessLogsBucket names a bucket", false, "loadBalancer.accessLogsBucket");
    if (c.purpose === "gateway" && !c.loadBalancer.certificateArn && !c.loadBalancer.hostedZoneId)
        add("loadBalancer", "needs certificateArn or hostedZoneId (to create and DNS-validate a certificate for the HTTPS listener)", undefined, "loadBalancer.certificateArn", "loadBalancer.hostedZoneId");

    const prefix = Number(c.network.cidr.split("/")[1]);
    if (!isPrivateCidr(c.network.cidr) || prefix < 16 || prefix > 20)
        add("network.cidr", "must be a private (10/8, 172.16/12, 192.168/16) IPv4 block from /16 to /20", c.network.cidr);
    else if (networkAddress(c.network.cidr) !== c.network.cidr)
        add("network.cidr", `has host bits set: the block is ${networkAddress(c.network.cidr)}`, c.network.cidr);
    if (c.network.availabilityZones && c.network.availabilityZones.length !== c.network.azCount)
        add("network.availabilityZones", `must list exactly network.azCount (${c.network.azCount}) zones`, c.network.availabilityZones, "network.azCount");
    if (c.network.availabilityZones && new Set(c.network.availabilityZones).size !== c.network.availabilityZones.length)
        add("network.availabilityZones", "must not repeat a zone", c.network.availabilityZones);

    if (c.rotation.database !== undefined && c.atlas.authentication === "iam")
        add("rotation.database", "has no password to rotate: with atlas.authentication iam each service logs in as its task role", c.rotation.database, "atlas.authentication");
    problems.push(...restoreProblems(c, now, last.restoreKey));
    if (c.purpose === "restore-drill" && !c.atlas.restore)
        add("atlas.restore", "is required when purpose is restore-drill: a restore drill restores a backup", undefined, "purpose");
    if (c.purpose === "restore-drill" && c.prod) add("purpose", "must be gateway in prod: a restore drill is a short-lived stack of its own", c.purpose, "environment");
    if (!!c.atlas.orgId === !!c.atlas.projectId) add("atlas", "needs exactly one of orgId (create a project) and projectId (use an existing one)", undefined, "atlas.orgId", "atlas.projectId");
    if (c.atlas.privateLink && c.atlas.region !== atlasRegionName(c.region))
        add("atlas.region", `must be the AWS region's (${atlasRegionName(c.region)}) for PrivateLink`, c.atlas.region, "atlas.privateLink", "aws:region");
    const tierIndex = (t: string) => ATLAS_TIERS.indexOf(t as (typeof ATLAS_TIERS)[number]);
    if (c.atlas.autoScaling) {
        const { minTier, maxTier } = c.atlas.autoScaling;
        if (tierIndex(minTier) > tierIndex(maxTier)) add("atlas.autoScaling.minTier", `must not be above atlas.autoScaling.maxTier (${maxTier})`, minTier, "atlas.autoScaling.maxTier");
        if (tierIndex(c.atlas.tier) < tierIndex(minTier) || tierIndex(c.atlas.tier) > tierIndex(maxTier))
            add("atlas.tier", `must lie within atlas.autoScaling (${minTier}–${maxTier})`, c.atlas.tier, "atlas.autoScaling");
    }
    // With useEffectiveFields, a configured instance size is echoed back but not applied while
    // compute or disk auto-scaling is on; it takes effect only in an update that turns both off
    // (terraform-provider-mongodbatlas docs/resources/advanced_cluster.md, "Manually Updating Specs
    // with use_effective_fields"). Without compute auto-scaling the connection budget is sized for
    // atlas.tier: an edit left unapplied would size the pools for a tier the cluster does not run.
    if (last.atlasTier && last.atlasTier !== c.atlas.tier && !c.atlas.autoScaling && c.atlas.diskAutoScaling)
        add("atlas.tier", `is not applied while disk auto-scaling is on (Atlas keeps the running ${last.atlasTier}, and the pools would be sized for ${c.atlas.tier}): set atlas.diskAutoScaling false in the same change, pulumi up, then set it back to true`, c.atlas.tier, "atlas.diskAutoScaling", "atlas.autoScaling");
    const versions = ELASTICACHE_ENGINE_VERSIONS[c.cache.engine];
    if (!versions.includes(c.cache.engineVersion))
        add("cache.engineVersion", `is not a ${c.cache.engine} version ElastiCache offers: one of ${versions.join(", ")}`, c.cache.engineVersion, "cache.engine");
    if (c.cache.nodes >= 2 && /^cache\.t[12]\./.test(c.cache.nodeType))
        add("cache.nodeType", "must not be a T1/T2 node type, which has no Multi-AZ failover", c.cache.nodeType, "cache.nodes");

    if (c.prod) {
        const ha = (path: string, ok: boolean, rule: string, item: string, value: unknown) =>
            !ok && add(path, `${rule} in prod (HA checklist: ${item})`, value, "environment");
        ha("admin.instances", c.admin.instances >= 2, "must be at least 2", "two admin backend instances", c.admin.instances);
        ha("main.instances", c.main.instances >= 2, "must be at least 2", "two main backend instances", c.main.instances);
        ha("worker.instances", c.worker.instances >= 2, "must be at least 2", "no single PDF worker", c.worker.instances);
        ha("network.azCount", c.network.azCount >= 3, "must be at least 3", "three availability zones", c.network.azCount);
        ha("network.natGateways", c.network.natGateways === "perAz", "must be perAz", "no zone depends on another zone's NAT gateway", c.network.natGateways);
        ha("cache.nodes", c.cache.nodes >= 2, "must be at least 2", "a cache with automatic failover", c.cache.nodes);
        ha("cache.snapshotRetentionDays", c.cache.snapshotRetentionDays >= 1, "must be at least 1", "automated backups", c.cache.snapshotRetentionDays);
        ha("atlas.pointInTimeRestore", c.atlas.pointInTimeRestore, "must be true", "automated backups", c.atlas.pointInTimeRestore);
        ha("atlas.privateLink", c.atlas.privateLink, "must be true", "the database is reached only over PrivateLink", c.atlas.privateLink);
        ha("loadBalancer.accessLogs", c.loadBalancer.accessLogs, "must be true", "an audit trail of every request the load balancer answers", c.loadBalancer.accessLogs);
        ha("loadBalancer.deletionProtection", c.loadBalancer.deletionProtection, "must be true", "the load balancer cannot be deleted by accident", c.loadBalancer.deletionProtection);
        ha("observability.tracing", c.observability.tracing, "must be true", "OpenTelemetry connected", c.observability.tracing);
        // A ratio of 0 makes parentbased_traceidratio record no new trace: tracing on in name only.
        ha("observability.traceSampleRatio", c.observability.traceSampleRatio > 0, "must be above 0", "OpenTelemetry connected", c.observability.traceSampleRatio);
        ha("drills.enabled", c.drills.enabled, "must be true", "failover drills that prove the checklist holds, guarded by stop conditions", c.drills.enabled);
        ha("loadBalancer.healthCheck.path", c.loadBalancer.healthCheck.path === "/health", "must be /health", "load balancer health checks on /health", c.loadBalancer.healthCheck.path);
        if (c.purpose === "gateway" && !c.observability.alarmEmails.length)
            add("observability.alarmEmails", "must list at least one address in prod: otherwise every alarm notifies nobody (each address must then confirm the SNS subscription e-mail AWS sends it)", c.observability.alarmEmails);
        ha("loadBalancer.waf.enabled", c.loadBalancer.waf.enabled, "must be true", "a web application firewall in front of the gateway", c.loadBalancer.waf.enabled);
        const pci = (path: string, ok: boolean, rule: string, requirement: string, value: unknown) =>
            !ok && add(path, `${rule} in prod (PCI DSS ${requirement})`, value);
        pci("loadBalancer.waf.logRetentionDays", c.loadBalancer.waf.logRetentionDays >= 365, "must be at least 365", "10.5.1: audit log history kept at least 12 months", c.loadBalancer.waf.logRetentionDays);
        // PCI DSS 1.3.1/1.4.2: inbound to the admin console restricted to what is necessary.
        if (c.purpose === "gateway" && !c.admin.allowedCidrs.length)
            add("admin.allowedCidrs", "must list the networks allowed to reach admin.<domain> in prod (PCI DSS 1.4.2: the admin console is not open to the internet); e.g. your VPN's or office's egress ranges", c.admin.allowedCidrs);
        for (const [i, range] of c.admin.allowedCidrs.entries())
            if (range.endsWith("/0")) add(formatPath(["admin", "allowedCidrs", i]), "must not allow every address in prod (PCI DSS 1.4.2): name the networks that administer the gateway", range);
        pci("security.atlasCustomerKey", c.security.atlasCustomerKey, "must be true", "3.5.1/3.6: stored account data encrypted under keys this account controls", c.security.atlasCustomerKey);
        if (c.purpose === "gateway") {
            pci("security.flowLogs", c.security.flowLogs, "must be true", "10.2.1 and 1.2: a record of the traffic in and out of the cardholder data environment", c.security.flowLogs);
            pci("security.flowLogRetentionDays", c.security.flowLogRetentionDays >= 365, "must be at least 365", "10.5.1: audit log history kept at least 12 months", c.security.flowLogRetentionDays);
            for (const name of SERVICE_NAMES)
                pci(`${name}.logRetentionDays`, c[name].logRetentionDays >= 365, "must be at least 365", "10.5.1: audit log history kept at least 12 months", c[name].logRetentionDays);
        }
        if (c.purpose === "gateway" && !c.loadBalancer.accessLogsBucket) {
            pci("loadBalancer.accessLogsObjectLock", c.loadBalancer.accessLogsObjectLock, "must be true", "10.3.2/10.3.3: audit logs protected from modification and deletion", c.loadBalancer.accessLogsObjectLock);
            pci("loadBalancer.accessLogsRetentionDays", c.loadBalancer.accessLogsRetentionDays >= 365, "must be at least 365", "10.5.1: audit log history kept at least 12 months", c.loadBalancer.accessLogsRetentionDays);
        }
        pci("atlas.auditing", c.atlas.auditing, "must be true", "10.2.1: audit logs of access to cardholder data", c.atlas.auditing);
    }
    return problems;
}

/**
 * A build context must be a directory holding the Dockerfile it names, resolved as the Service
 * component resolves them (components/service.ts): otherwise the image build fails mid-`pulumi up`.
 */
function buildProblems(c: Resolved, root: string): Problem[] {
    if (c.purpose !== "gateway") return [];
    const problems: Problem[] = [];
    for (const name of SERVICE_NAMES) {
        const build = c[name].build;
        if (!build) continue;
        const context = path.resolve(root, build.context);
        const dir = fs.statSync(context, { throwIfNoEntry: false });
        if (!dir?.isDirectory()) {
            problems.push({ path: `${name}.build.context`, message: dir ? `must be a directory; ${context} is a file` : `must be a directory relative to the project root; ${context} does not exist`, value: build.context });
            continue;
        }
        const dockerfile = path.join(context, build.dockerfile);
        const file = fs.statSync(dockerfile, { throwIfNoEntry: false });
        if (!file?.isFile())
            problems.push({ path: `${name}.build.dockerfile`, message: `must be a file in the build context; ${dockerfile} ${file ? "is a directory" : "does not exist"}`, value: build.dockerfile, reads: [`${name}.build.context`] });
    }
    return problems;
}

/** A restore overwrites the target cluster's data: exactly one point to restore, within the source's window, never by accident in prod. */
function restoreProblems(c: Resolved, now: number, startedRestore: string | undefined): Problem[] {
    const r = c.atlas.restore;
    if (!r) return [];
    const problems: Problem[] = [];
    if (!!r.pointInTime === !!r.snapshotId)
        problems.push({ path: "atlas.restore", message: "needs exactly one of pointInTime (ISO-8601 UTC) and snapshotId", value: { pointInTime: r.pointInTime, snapshotId: r.snapshotId } });
    if (r.pointInTime) {
        const at = Date.parse(r.pointInTime);
        if (Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== r.pointInTime.slice(0, 10)) problems.push({ path: "atlas.restore.pointInTime", message: "is not a real moment (check the date)", value: r.pointInTime });
        // Time-relative: only for a restore the last deployment did not start. A started restore's
        // point does not become wrong as days pass (its window is checked against the source's
        // backup schedule at preview, lib/restore.ts sourceProblems, when the restore is new).
        else if (at > now && restoreKey(r) !== startedRestore) problems.push({ path: "atlas.restore.pointInTime", message: `is in the future (now is ${new Date(now).toISOString()})`, value: r.pointInTime });
    }
    if (c.purpose === "restore-drill" && !r.verifyFrom)
        problems.push({ path: "atlas.restore.verifyFrom", message: "is required when purpose is restore-drill: the CIDR the drill's read-only user checks the restored data from", reads: ["purpose"] });
    if (c.purpose !== "restore-drill" && r.verifyFrom)
        problems.push({ path: "atlas.restore.verifyFrom", message: "applies only when purpose is restore-drill (a gateway stack's cluster is reached by its services only)", value: r.verifyFrom, reads: ["purpose"] });
    if (r.verifyFrom && networkAddress(r.verifyFrom) !== r.verifyFrom) problems.push({ path: "atlas.restore.verifyFrom", message: `has host bits set: the block is ${networkAddress(r.verifyFrom)}`, value: r.verifyFrom });
    else if (r.verifyFrom && Number(r.verifyFrom.split("/")[1]) < 16)
        problems.push({ path: "atlas.restore.verifyFrom", message: "must be /16 or narrower: the restored copy of the data is reachable from it", value: r.verifyFrom });
    if (c.prod && !r.allowIntoProd)
        problems.push({ path: "atlas.restore.allowIntoProd", message: "must be true to restore into a prod stack: the restore overwrites its data", value: r.allowIntoProd, reads: ["environment"] });
    return problems;
}

/**
 * The physical names the program derives from the stack name and the domain, against the limits
 * of the services that hold them.
 */
function nameProblems(c: Resolved, stack?: string): Problem[] {
    const problems: Problem[] = [];
    if (stack !== undefined && STACK_NAME.test(stack)) {
        const cache = `pg-${stack}-cache`;
        if (!isValidReplicationGroupId(cache))
            problems.push({ path: "", message: `needs a stack name without a trailing or doubled hyphen: the cache's id ${cache} must be 1–40 characters with no "--" and no hyphen at the end`, value: stack });
        else if (!isValidAtlasClusterName(`pg-${stack}`))
            problems.push({ path: "", message: `needs a stack name that makes a valid Atlas cluster name (pg-${stack})`, value: stack });
        const environment = ENVIRONMENTS.find((e) => e === stack);
        if (environment && c.environment !== environment)
            problems.push({
                path: "environment",
                message: `must be ${environment} in the stack named ${environment}: the environment decides the protections (protect, termination protection, secret recovery, WAF, PrivateLink, the HA checklist)`,
                value: c.environment,
                reads: ["stack"],
            });
    }
    // admin.<domain> is the longer of the two hosts (and the certificate's first name).
    const host = `admin.${c.domain}`;
    if (host.length > DNS_NAME_MAX) problems.push({ path: "domain", message: `makes admin.<domain> ${host.length} characters long; a DNS name is at most ${DNS_NAME_MAX}`, value: c.domain });
    else if (!c.loadBalancer.certificateArn && host.length > ACM_DOMAIN_NAME_MAX)
        problems.push({
            path: "domain",
            message: `makes ${host} ${host.length} characters long; ACM issues a certificate for a first name of at most ${ACM_DOMAIN_NAME_MAX}: shorten the domain or set loadBalancer.certificateArn`,
            value: c.domain,
            reads: ["loadBalancer.certificateArn"],
        });
    return problems;
}

/** What the stack's region decides: its zones, and where a certificate must live. */
function regionProblems(c: Resolved): Problem[] {
    const problems: Problem[] = [];
    const add = (path: string, message: string, value: unknown, ...reads: string[]) => problems.push({ path, message, value, reads: ["aws:region", ...reads] });
    const zones = AWS_REGION_ZONES[c.region];
    if (zones !== undefined && c.network.azCount > zones)
        add("network.azCount", `must be at most ${zones}: ${c.region} offers every account ${zones} availability zones`, c.network.azCount);
    const inRegion = (zone: string) => new RegExp(`^${c.region}[a-z]$`).test(zone);
    const drillZone = c.drills.zone;
    if (drillZone && !inRegion(drillZone)) add("drills.zone", `must be a zone of the stack's region ${c.region}`, drillZone);
    else if (drillZone && c.network.availabilityZones && !c.network.availabilityZones.includes(drillZone))
        add("drills.zone", `must be one of the stack's zones (network.availabilityZones: ${c.network.availabilityZones.join(", ")})`, drillZone, "network.availabilityZones");
    for (const [i, zone] of (c.network.availabilityZones ?? []).entries())
        if (!inRegion(zone)) add(formatPath(["network", "availabilityZones", i]), `must be a zone of the stack's region ${c.region} (${c.region}a, ${c.region}b, …)`, zone);
    const certRegion = c.loadBalancer.certificateArn?.split(":")[3];
    if (certRegion && certRegion !== c.region)
        add("loadBalancer.certificateArn", `must be a certificate in the load balancer's region ${c.region}, not ${certRegion} (an ALB uses certificates of its own region only)`, c.loadBalancer.certificateArn);
    return problems;
}

/**
 * What only the region itself can tell, checked at preview against the zones it really has for this
 * account (`aws.getAvailabilityZones`) before anything is declared: named zones that do not exist
 * there (subnet creation would fail half-way through `pulumi up`), more zones than it offers, and a
 * drill zone the stack does not use. A zone exists whatever its state: one that is impaired or
 * constrained right now (DescribeAvailabilityZones states available, information, impaired,
 * unavailable, constrained) is still the stack's, and refusing it would block every update during
 * the very event a rescale answers. Only the default choice reads the available ones, as the
 * network does. `stackZones` are the zones the stack spreads over: the named ones, or the first
 * `azCount` available.
 */
export function offeredZoneProblems(c: Resolved, existing: string[], available: string[] = existing): { problems: Problem[]; stackZones: string[] } {
    const problems: Problem[] = [];
    const add = (path: string, message: string, value: unknown, ...reads: string[]) => problems.push({ path, message, value, reads: ["aws:region", ...reads] });
    const listed = `${c.region} has for this account ${existing.join(", ") || "no zone"}`;
    const named = c.network.availabilityZones;
    for (const [i, zone] of (named ?? []).entries()) if (!existing.includes(zone)) add(formatPath(["network", "availabilityZones", i]), `is not a zone of the region: ${listed}`, zone);
    if (!named && c.network.azCount > available.length) add("network.azCount", `must be at most ${available.length}: ${c.region} has ${available.join(", ") || "no zone"} available for this account`, c.network.azCount);
    const stackZones = named ?? available.slice(0, c.network.azCount);
    const zone = c.drills.enabled ? c.drills.zone : undefined;
    if (zone && !existing.includes(zone)) add("drills.zone", `is not a zone of the region: ${listed}`, zone);
    else if (zone && !stackZones.includes(zone)) add("drills.zone", `must be one of the stack's zones (${stackZones.join(", ")})`, zone, "network.azCount", "network.availabilityZones");
    else if (zone && c.network.natGateways === "single" && zone === stackZones[0])
        add("drills.zone", `must not be ${zone}: it holds the stack's only NAT gateway (network.natGateways single), so its outage cuts every zone's egress; choose another of ${stackZones.join(", ")}`, zone, "network.natGateways");
    return { problems, stackZones };
}

/** The block's network address in CIDR form (10.0.0.1/16 → 10.0.0.0/16). */
function networkAddress(value: string): string {
    const [ip, bits] = value.split("/");
    const n = ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
    const size = 2 ** (32 - Number(bits));
    const base = Math.floor(n / size) * size;
    return `${[24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256).join(".")}/${bits}`;
}

function isPrivateCidr(value: string): boolean {
    const [a, b] = value.split("/")[0].split(".").map(Number);
    return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

// ---------------------------------------------------------------------------------------------
// Errors.

export function formatProblem(p: Problem): string {
    const key = p.path ? `${PROJECT}:${p.path}` : PROJECT;
    const got = p.value === undefined ? "" : `; got ${configJson(p.value)}`;
    return `${key} ${p.message}${got}`;
}

/** A rule that was not run because a value it reads was refused. */
export interface Unchecked {
    /** The key the rule guards (or the section it sizes). */
    path: string;
    /** What the rule checks. */
    what: string;
    /** The refused key paths it reads. */
    reads: string[];
}

export function formatUnchecked(u: Unchecked): string {
    return `${PROJECT}:${u.path}: ${u.what} was not checked: it reads ${u.reads.join(", ")}, refused above`;
}

export class ConfigError extends Error {
    constructor(
        readonly problems: Problem[],
        readonly unchecked: Unchecked[] = [],
    ) {
        super(
            `invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was declared:\n` +
                problems.map((p) => `  - ${formatProblem(p)}`).join("\n") +
                (unchecked.length ? `\nnot checked until those are fixed:\n${unchecked.map((u) => `  - ${formatUnchecked(u)}`).join("\n")}` : ""),
        );
        this.name = "ConfigError";
    }
}

/**
 * A key path as `pulumi config set --path` takes it: `main.instances`, `admin.allowedCidrs[0]`,
 * `main.extraEnvironment["my-var"]`.
 */
export function formatPath(segments: readonly PropertyKey[]): string {
    return segments
        .map((seg, i) => {
            if (typeof seg === "number") return `[${seg}]`;
            const key = String(seg);
            if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return i === 0 ? key : `.${key}`;
            return `[${JSON.stringify(key)}]`;
        })
        .join("");
}

/** Whether key path `child` is `parent` or lies below it. */
function within(child: string, parent: string): boolean {
    return parent === "" || child === parent || child.startsWith(`${parent}.`) || child.startsWith(`${parent}[`);
}

const TYPE_NAMES: Record<string, string> = { string: "a string", number: "a number", boolean: "true or false", array: "a list", object: "an object" };

/** Plain-language messages for any check the schema did not word itself (zod's own text never reaches a user). */
const defaultMessage: z.core.$ZodErrorMap = (issue) => {
    switch (issue.code) {
        case "invalid_type":
            return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
        case "too_big":
            return `must be at most ${issue.maximum}`;
        case "too_small":
            return `must be at least ${issue.minimum}`;
        case "invalid_value":
            return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
        default:
            return "is not valid here";
    }
};

/**
 * Keys earlier versions took, and what replaced them: a stack file written for one is told what to
 * write instead, not to check a spelling that is right.
 */
const RETIRED_KEYS: Record<string, Record<string, string>> = {
    "cost.assumptions": {
        atlasBackupGb: "atlasDataGb (GB on the cluster's disk) and atlasDailyChangePercent: backup storage is priced from the data, its daily change, the snapshots kept and the restore window",
        cacheSnapshotGb: "cacheDataGb (GB in the cache): snapshot storage is priced from the data and snapshotRetentionDays",
    },
};

/** A key whose value names a secret by its ARN: `<service>.secrets.<NAME>` or `<service>.repositoryCredentials`. */
function isSecretReference(path: PropertyKey[]): boolean {
    return (SERVICE_NAMES as readonly string[]).includes(String(path[0])) && ((path[1] === "secrets" && path.length === 3) || (path[1] === "repositoryCredentials" && path.length === 2));
}

function zodProblems(issues: z.core.$ZodIssue[]): Problem[] {
    return issues.map((issue) => {
        const path = formatPath(issue.path);
        if (issue.code === "unrecognized_keys") {
            const retired = issue.keys.filter((k) => RETIRED_KEYS[path]?.[k]);
            const unknown = issue.keys.filter((k) => !retired.includes(k));
            const parts = [
                ...retired.map((k) => `no longer takes "${k}": use ${RETIRED_KEYS[path][k]}`),
                ...(unknown.length ? [`has unknown key${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `"${k}"`).join(", ")} (check the spelling against Pulumi.yaml)`] : []),
            ];
            return { path, message: parts.join("; ") };
        }
        const input = (issue as { input?: unknown }).input;
        if (input === undefined) return { path, message: `is required and ${issue.message}` };
        // Where a secret's ARN belongs, anything else may be the secret itself pasted by mistake:
        // never repeat it (the message goes to terminals and CI logs).
        if (isSecretReference(issue.path) && !(typeof input === "string" && input.startsWith("arn:")))
            return { path, message: `${issue.message} (the value given is not repeated: it may be the secret itself)` };
        return { path, message: issue.message, value: input };
    });
}

/**
 * Validate the raw `payment-gateway:*` values (objects already parsed from JSON, by parseConfigJson)
 * and resolve defaults. Throws ConfigError listing every problem, one per key: the schema's, and
 * the cross-field, prod, build, connection-budget and cost rules' (evaluated with bad values set
 * aside, so one mistake does not hide another). A rule that reads a refused value is not run; the
 * error says so, and why (ConfigError.unchecked). With `root` (the project directory), build
 * contexts and Dockerfiles must exist.
 */
/** What the last deployment recorded that time- and change-relative rules read. */
export interface LastDeployment {
    /** The restore it started (lib/restore.ts restoreKey): not judged against today's clock again. */
    restoreKey?: string;
    /** The Atlas tier it configured (the `atlasCluster.tier` output). */
    atlasTier?: string;
}

/** What validation needs besides the config: where build contexts resolve, and what the last deployment recorded. */
export interface ValidationContext {
    /** The project directory build contexts resolve against; without it they are not checked. */
    root?: string;
    /** What the last deployment recorded. Default: nothing (a stack never deployed). */
    last?: LastDeployment;
}

export function validateConfig(raw: Record<string, unknown>, awsRegion: string | undefined, stack?: string, now: number = Date.now(), { root, last = {} }: ValidationContext = {}): Config {
    const problems: Problem[] = [];
    const unchecked: Unchecked[] = [];
    // The stack name is part of physical names (cache id ≤ 40, cluster and role names): keep it short and plain.
    if (stack !== undefined && !STACK_NAME.test(stack))
        problems.push({ path: "", message: "needs a stack name of 1–20 lower-case letters, digits and hyphens, starting with a letter (it is part of physical resource names)", value: stack });
    if (!awsRegion) problems.push({ path: "", message: "needs aws:region (pulumi config set aws:region us-east-1)" });
    else if (!AWS_REGION.test(awsRegion)) problems.push({ path: "", message: "needs aws:region to be an AWS region such as us-east-1", value: awsRegion });
    else if (!(awsRegion in AWS_REGION_ZONES))
        problems.push({ path: "", message: `needs aws:region to be an AWS commercial region Atlas serves (${Object.keys(AWS_REGION_ZONES).join(", ")})`, value: awsRegion });
    /** Key paths whose value was refused and set aside (a default, or a neutral stand-in, takes its place). */
    const failed: string[] = [];
    if (stack !== undefined && !STACK_NAME.test(stack)) failed.push("stack");
    // Without a usable region the other rules still run, against a stand-in; those that read the region do not.
    const region = awsRegion && AWS_REGION.test(awsRegion) ? awsRegion : "us-east-1";
    if (!awsRegion || !(awsRegion in AWS_REGION_ZONES)) failed.push("aws:region");

    let candidate: Record<string, unknown> = structuredClone(raw);
    const undecrypted = pathsOf(candidate, (v) => v === UNDECRYPTED);
    for (const at of keysNamed(candidate, FORBIDDEN_KEYS)) {
        problems.push({ path: formatPath(at), message: `is a key no config may have (${FORBIDDEN_KEYS.join(", ")} name JavaScript's object machinery, where a value would vanish): rename it` });
        deletePath(candidate, at.map(String));
    }

    // Parse; while the schema rejects values, set them aside (their defaults take their place) so
    // the remaining rules can still be checked. A key is reported once, where it was refused.
    const standIns: string[] = [];
    /** Set aside because they held a secure value the harness could not decrypt (not refused: unknown). */
    const opaqueAside: string[] = [];
    const asideAt = new Map<string, PropertyKey[]>();
    const setAsideAt = (at: PropertyKey[]) => {
        const key = formatPath(at);
        failed.push(key);
        asideAt.set(key, at);
        const stood = setAside(candidate, at.map(String));
        candidate = stood.config;
        if (stood.standIn) standIns.push(key);
    };
    const parse = () => ConfigSchema.safeParse(candidate, { reportInput: true, error: defaultMessage });
    let parsed = parse();
    for (let round = 0; !parsed.success && round < 10; round++) {
        for (const issue of parsed.error.issues) {
            const problem = zodProblems([issue])[0];
            const at = issue.path;
            if (issue.code === "unrecognized_keys") {
                if (!problems.some((p) => p.path === problem.path && p.message === problem.message)) problems.push(problem);
                for (const key of issue.keys) deletePath(candidate, [...at.map(String), key]);
                continue;
            }
            // A key is reported once: a second rule on a value already set aside is not reported, and a
            // required key whose value was set aside is not reported as missing: what holds it stands aside too.
            if (failed.some((f) => within(problem.path, f))) {
                if (at.length > 1 && (issue as { input?: unknown }).input === undefined) setAsideAt(at.slice(0, -1));
                continue;
            }
            const given = valueAt(candidate, at);
            const reading = issue.code === "invalid_type" ? asTheFieldReads(issue.expected, given, problem.path) : undefined;
            if (reading && "value" in reading) {
                setPath(candidate, at, reading.value);
                continue;
            }
            if (reading) Object.assign(problem, { message: reading.message });
            // A number too large for a double is shown as it was written, not as the double nearest to it.
            if (typeof given === "bigint") problem.value = given;
            const opaque = undecrypted.some((u) => within(problem.path, u));
            if (!opaque && !problems.some((p) => p.path === problem.path)) problems.push(problem);
            // A bad list item sets aside the whole list: deleting the item alone would leave a hole.
            const item = typeof at[at.length - 1] === "number";
            setAsideAt(item ? at.slice(0, -1) : at);
            if (opaque) opaqueAside.push(formatPath(item ? at.slice(0, -1) : at));
        }
        parsed = parse();
    }

    // A secure value the offline harness could not decrypt: its default stands in; where a key has
    // none (it is required, or its absence means something else), nothing honest can: say so.
    const standsIn = (u: string) => {
        const aside = [...asideAt.keys()].find((f) => within(u, f));
        if (aside === undefined) return true; // the field took the placeholder as it is
        return !standIns.includes(aside) && parsed.success && valueAt(parsed.data, asideAt.get(aside)!) !== undefined;
    };
    for (const u of undecrypted)
        if (!standsIn(u) && !problems.some((p) => p.path === u))
            problems.push({ path: u, message: `is a secure value the offline plan cannot decrypt, and no default can stand in for it: plan with a plain value (--set-string ${u}=…), or run \`pulumi preview\`, which decrypts it` });

    if (parsed.success) {
        const data = parsed.data;
        const config = resolve(data, region);
        const touchesFailed = (path: string) => failed.some((f) => within(path, f) || (path !== "" && within(f, path)));
        const crossField: Problem[] = [];
        for (const p of [...crossFieldProblems(config, stack, now, last), ...(root === undefined ? [] : buildProblems(config, root))]) {
            if ([p.path, ...(p.reads ?? [])].some(touchesFailed) || problems.some((q) => q.path === p.path)) continue;
            // One problem per key: two rules that refuse the same key say so together.
            const same = crossField.find((q) => q.path === p.path);
            if (same) same.message = `${same.message}, and ${p.message}`;
            else crossField.push({ ...p });
        }
        problems.push(...crossField);
        // What the later checks must not rely on: refused values, and what cross-field rules refused
        // (a rule reported on a whole section, such as "atlas needs exactly one of …", is about the keys it read).
        const wrong = [...failed.filter((f) => !opaqueAside.includes(f)), ...crossField.flatMap((p) => (isSection(config, p.path) ? (p.reads ?? []) : [p.path]))].filter((k) => k !== "stack");
        const dependent = <T>(path: string, what: string, check: (c: Resolved, out: Problem[]) => T, alsoReads: string[] = []): T | undefined => {
            const reads = new Set<string>(alsoReads);
            const found: Problem[] = [];
            const result = check(recordingReads(config, reads), found);
            // A value left to its default reads the keys it defaults from.
            for (const r of [...reads]) if (valueAt(data, r.split(".")) === undefined) for (const from of defaultsFrom(r)) reads.add(from);
            const touched = [...new Set([...reads].flatMap((r) => wrong.filter((w) => within(r, w) || within(w, r))))];
            const refused = touched.filter((k) => !touched.some((other) => other !== k && within(k, other)));
            if (refused.length) {
                unchecked.push({ path, what, reads: refused });
                return undefined;
            }
            problems.push(...found.filter((p) => !problems.some((q) => q.path === p.path)));
            return found.length ? undefined : result;
        };
        if (failed.includes("environment") && !undecrypted.includes("environment"))
            unchecked.push({ path: "environment", what: "the Production HA Checklist (and every rule that applies in prod only)", reads: ["environment"] });
        const connections = dependent("pool", "the MongoDB connection budget (pool sizes against atlas.tier)", budgetProblems);
        if (config.cost.monthlyBudget !== undefined) dependent("cost.monthlyBudget", "the monthly cost against the budget", costProblems);
        if (!problems.length && connections) return { ...config, connections, undecrypted };
    }
    throw new ConfigError(
        problems.map(({ reads: _reads, ...p }) => p),
        unchecked,
    );
}

/** Whether `path` names a section (an object of keys) in the resolved config. */
function isSection(config: Resolved, path: string): boolean {
    if (path === "") return true;
    const value = path.split(/[.[\]]+/).filter(Boolean).reduce<unknown>((node, seg) => (node && typeof node === "object" ? (node as Record<string, unknown>)[seg] : undefined), config);
    return !!value && typeof value === "object" && !Array.isArray(value);
}

/**
 * The config, as a view that records into `reads` the key path of every value a check reads (so
 * that a check is not run on a value that was refused). The stack's region is `aws:region`.
 */
function recordingReads<T extends object>(config: T, reads: Set<string>, at: PropertyKey[] = []): T {
    return new Proxy(config, {
        get(target, key, receiver) {
            const value = Reflect.get(target, key, receiver);
            if (typeof key === "symbol") return value;
            const here = [...at, Array.isArray(target) && /^\d+$/.test(key) ? Number(key) : key];
            if (value && typeof value === "object" && !Array.isArray(value)) return recordingReads(value, reads, here);
            if (typeof value !== "function") reads.add(here.length === 1 && key === "region" ? "aws:region" : formatPath(here));
            return value;
        },
    });
}

/**
 * The bill of materials of the validated config: what the program will declare, counted the way
 * `bomFromResources` counts the declared resources (the tests hold the two equal).
 */
export function bomFromConfig(c: Resolved): Bom {
    const gateway = c.purpose === "gateway";
    const zones = c.network.azCount;
    const nats = gateway ? (c.network.natGateways === "perAz" ? zones : 1) : 0;
    const cacheNodes = c.cache.nodes;
    return {
        region: c.region,
        services: gateway
            ? SERVICE_NAMES.map((name) => ({ name, floor: c[name].instances, ceiling: c[name].maxInstances, vcpu: c[name].cpu / 1024, memoryGb: c[name].memory / 1024, architecture: c[name].architecture })).sort((a, b) => a.name.localeCompare(b.name))
            : [],
        loadBalancers: gateway ? 1 : 0,
        loadBalancerZones: gateway ? zones : 0,
        natGateways: nats,
        elasticIps: nats,
        endpointAzs: gateway ? (interfaceEndpointServices(c).length + (c.atlas.privateLink ? 1 : 0)) * zones : 0,
        endpointServices: interfaceEndpointServices(c).sort(),
        atlasPrivateEndpoints: gateway && c.atlas.privateLink ? 1 : 0,
        cache: gateway ? { engine: c.cache.engine, nodeType: c.cache.nodeType, nodes: cacheNodes, snapshotRetentionDays: c.cache.snapshotRetentionDays } : undefined,
        // components/database.ts: cloud backup always, daily snapshots kept backupRetentionDays, a restore window of at most 7 days with continuous backup.
        atlas: {
            tier: c.atlas.tier,
            ceilingTier: c.atlas.autoScaling?.maxTier ?? c.atlas.tier,
            nodes: c.atlas.electableNodes,
            backupRetentionDays: c.atlas.backupRetentionDays,
            restoreWindowDays: c.atlas.pointInTimeRestore ? Math.min(c.atlas.backupRetentionDays, 7) : 0,
            diskAutoScaling: c.atlas.diskAutoScaling,
        },
        kmsKeys: (gateway ? 3 : 0) + (c.security.atlasCustomerKey ? 1 : 0),
        secrets: gateway ? 2 : 0,
        waf: gateway && c.loadBalancer.waf.enabled ? { rules: 5 } : undefined,
        // The 5xx rate (3 metrics), the ALB's own 5xx, p95 latency; per target group no-healthy and
        // unhealthy hosts; per service CPU and memory; the worker's running tasks; per cache node CPU, memory, evictions (and lag with replicas); the WAF's blocked requests.
        alarmMetrics: gateway ? 3 + 1 + 1 + 2 * 2 + SERVICE_NAMES.length * 2 + 1 + cacheNodes * (3 + (cacheNodes > 1 ? 1 : 0)) + (c.loadBalancer.waf.enabled ? 1 : 0) : 0,
        dashboards: gateway ? 1 : 0,
        accessLogBucket: gateway && c.loadBalancer.accessLogs && !c.loadBalancer.accessLogsBucket,
        xray: gateway && c.observability.tracing && !c.observability.otlpEndpoint ? { sampleRatio: c.observability.traceSampleRatio } : undefined,
        // index.ts turns Container Insights on for the cluster; each service has a task-definition family of its own.
        containerInsights: gateway ? { services: SERVICE_NAMES.length, taskFamilies: SERVICE_NAMES.length } : undefined,
        // components/service.ts: an autoscaled service tracks CPU, and a routed one requests per target too.
        targetTrackingPolicies: gateway ? SERVICE_NAMES.filter((n) => c[n].maxInstances > c[n].instances).reduce((n, name) => n + (name === "worker" ? 1 : 2), 0) : 0,
        logRetentionDays: gateway ? SERVICE_NAMES.map((n) => c[n].logRetentionDays).sort((a, b) => a - b) : [],
        drills: gateway && c.drills.enabled ? drillActionMinutes(c) : [],
    };
}

/**
 * The FIS drills components/drills.ts declares for this config (lib/drills.ts decides which), in
 * action-minutes per run: zone-outage stops the zone's tasks (one instant action), cuts the zone's
 * subnets off and interrupts the cache's nodes there for durationMinutes; task-loss stops a share of
 * each service's tasks (one instant action per service it covers). The cache's primary failover is
 * ElastiCache's TestFailover, not FIS: it costs nothing.
 */
function drillActionMinutes(c: Resolved): { name: string; actionMinutes: number }[] {
    const plan = planDrills({ services: SERVICE_NAMES.map((name) => ({ name, instances: c[name].instances })), cache: { nodes: c.cache.nodes, failover: c.cache.failover }, taskLossPercent: c.drills.taskLossPercent });
    const d = c.drills.durationMinutes;
    const drills = [
        ...(plan.zoneOutage.runs ? [{ name: "zone-outage", actionMinutes: actionMinutes([undefined, d, d]) }] : []),
        ...(plan.taskLoss.services.length ? [{ name: "task-loss", actionMinutes: actionMinutes(plan.taskLoss.services.map(() => undefined)) }] : []),
    ];
    return drills.sort((a, b) => a.name.localeCompare(b.name));
}

/** A stack whose ceiling exceeds `cost.monthlyBudget` is refused, naming what costs most. */
function costProblems(c: Resolved, problems: Problem[]): void {
    const budget = c.cost.monthlyBudget;
    if (budget === undefined) return;
    try {
        const e = estimate(bomFromConfig(c), c.cost.assumptions);
        if (e.ceiling <= budget) return;
        const top = [...e.lines].sort((a, b) => b.ceiling - a.ceiling).slice(0, 3).map((l) => `${l.item} $${l.ceiling.toFixed(2)}`);
        problems.push({ path: "cost.monthlyBudget", message: `is below the stack's ceiling of $${e.ceiling.toFixed(2)}/month (floor $${e.floor.toFixed(2)}); the biggest contributors: ${top.join(", ")}`, value: budget });
    } catch (err) {
        if (!(err instanceof PriceError)) throw err;
        problems.push({ path: "cost.monthlyBudget", message: `cannot be checked: ${err.message}`, value: budget });
    }
}

/** The connection budget (lib/pool.ts), or undefined with the reason added to `problems`. */
function budgetProblems(c: Resolved, problems: Problem[]): ConnectionBudget | undefined {
    const { headroom, maxPoolSize, minPoolSize, maxConnecting } = c.pool;
    // An auto-scaled cluster may shrink to its floor: size for the smallest tier it can run on.
    const tier = (c.atlas.autoScaling?.minTier ?? c.atlas.tier) as ConnectionBudget["tier"];
    try {
        const budget = planConnections({
            tier,
            headroom,
            maxPoolSize,
            minPoolSize,
            maxConnecting,
            services: SERVICE_NAMES.map((name) => ({
                name,
                maxInstances: c[name].maxInstances,
                maximumPercent: c[name].deployment.maximumPercent,
                ...c.pool[name],
            })),
        });
        const worker = budget.services.find((s) => s.name === "worker")!;
        if (worker.maxPoolSize < c.worker.concurrency)
            problems.push({ path: "worker.concurrency", message: `exceeds the worker's MongoDB pool (${worker.maxPoolSize}): jobs would wait for connections; lower it or raise atlas.tier`, value: c.worker.concurrency });
        // A floor above the ceiling is named where it was set: the service's override, or the global key.
        const override = (name: string) => c.pool[name as ServiceName];
        for (const s of budget.services) {
            if (s.minPoolSize <= s.maxPoolSize) continue;
            const own = override(s.name)?.minPoolSize !== undefined;
            const path = own ? `pool.${s.name}.minPoolSize` : "pool.minPoolSize";
            const derived = (override(s.name)?.maxPoolSize ?? c.pool.maxPoolSize) === undefined ? ", derived from the budget" : "";
            const message = `must not exceed the max pool size${own ? "" : ` of ${s.name}`} (${s.maxPoolSize}${derived})`;
            if (!problems.some((p) => p.path === path)) problems.push({ path, message, value: s.minPoolSize });
        }
        return problems.length ? undefined : budget;
    } catch (e) {
        if (!(e instanceof PoolBudgetError)) throw e;
        const viaAutoScaling = tier !== c.atlas.tier ? ` (the auto-scaling floor ${tier})` : "";
        if (e.path === "atlas.tier") problems.push({ path: "atlas.tier", message: `${tier}${viaAutoScaling} ${e.message}` });
        else {
            // An override that does not fit is named by the key that was set, with its value.
            const name = SERVICE_NAMES.find((n) => c.pool[n]?.maxPoolSize !== undefined);
            const [path, value] = name ? [`pool.${name}.maxPoolSize`, c.pool[name]!.maxPoolSize] : c.pool.maxPoolSize !== undefined ? ["pool.maxPoolSize", c.pool.maxPoolSize] : [e.path, undefined];
            problems.push({ path, message: e.message, value });
        }
        return undefined;
    }
}

/** Key paths of the values below `value` for which `test` holds. */
function pathsOf(value: unknown, test: (v: unknown) => boolean, at: PropertyKey[] = []): string[] {
    if (test(value)) return [formatPath(at)];
    if (Array.isArray(value)) return value.flatMap((v, i) => pathsOf(v, test, [...at, i]));
    if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => pathsOf(v, test, [...at, k]));
    return [];
}

/**
 * Removes the value at `path`; required top-level strings get a neutral stand-in so other rules
 * still run (the rules that depend on the environment read "environment", and are not run then).
 */
function setAside(config: Record<string, unknown>, path: string[]): { config: Record<string, unknown>; standIn: boolean } {
    if (path.length === 1 && path[0] === "domain") return { config: { ...config, domain: "example.com" }, standIn: true };
    if (path.length === 1 && path[0] === "environment") return { config: { ...config, environment: "dev" }, standIn: true };
    if (path.length === 0) return { config, standIn: false }; // nothing to stand in with
    deletePath(config, path);
    return { config, standIn: false };
}

/** The value at `path` below `value`, or undefined. */
function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
    let node = value;
    for (const segment of path) {
        if (!node || typeof node !== "object" || !Object.prototype.hasOwnProperty.call(node, segment)) return undefined;
        node = (node as Record<PropertyKey, unknown>)[segment];
    }
    return node;
}

/** Replaces the value at an existing `path` below `target`. */
function setPath(target: Record<string, unknown>, path: readonly PropertyKey[], value: unknown): void {
    const parent = valueAt(target, path.slice(0, -1));
    if (parent && typeof parent === "object") (parent as Record<PropertyKey, unknown>)[path[path.length - 1]] = value;
}

/** Paths of every own key named one of `names`, at any depth (the outermost of nested ones). */
function keysNamed(value: unknown, names: string[], at: PropertyKey[] = []): PropertyKey[][] {
    if (Array.isArray(value)) return value.flatMap((v, i) => keysNamed(v, names, [...at, i]));
    if (!value || typeof value !== "object") return [];
    return Object.keys(value).flatMap((k) => (names.includes(k) ? [[...at, k]] : keysNamed((value as Record<string, unknown>)[k], names, [...at, k])));
}

function deletePath(target: Record<string, unknown>, path: string[]): void {
    let node: unknown = target;
    for (const segment of path.slice(0, -1)) {
        if (!node || typeof node !== "object" || !Object.prototype.hasOwnProperty.call(node, segment)) return;
        node = (node as Record<string, unknown>)[segment];
    }
    if (node && typeof node === "object") delete (node as Record<string, unknown>)[path[path.length - 1]];
}
