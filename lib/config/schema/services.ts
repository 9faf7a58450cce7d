/** The sections of the three services (admin, main, worker): sizes, images, rollout, scaling, stickiness. */
import { z } from "zod";
import { FARGATE_CPU_VALUES, LOG_RETENTION_DAYS, STICKINESS_DURATION_SECONDS } from "../../limits";
import { isTenth, RELEASE_LIMITS, RELEASE_STRATEGIES } from "../../release";
import { bool, cidr, count, decimal, ENV_NAME, IMAGE_REF, list, numberIn, oneOf, processList, SECRET_ARN_FORMS, secretArn, section, text, version } from "../fields";

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

/** A share of traffic ECS takes: a multiple of 0.1 in [min, max] (ECS API reference, CanaryConfiguration, LinearConfiguration). */
const share = (limits: { min: number; max: number }) => decimal(limits.min, limits.max).refine(isTenth, { error: "must be a multiple of 0.1" });
const bake = () => count(RELEASE_LIMITS.bakeMinutes.min, RELEASE_LIMITS.bakeMinutes.max);

/**
 * How a new image reaches customers (lib/release.ts): ECS's deployment strategy, its traffic
 * shares and bake times, and whether the service's deployment alarms roll a release back.
 */
const ReleaseSchema = section({
    /** ROLLING, BLUE_GREEN, LINEAR or CANARY. Default: main CANARY and admin LINEAR in staging and prod, ROLLING otherwise and for the worker. */
    strategy: oneOf(RELEASE_STRATEGIES).optional(),
    /** CANARY: percent of traffic the new revision takes first, 0.1–100 in steps of 0.1. Default 10. */
    canaryPercent: share(RELEASE_LIMITS.canaryPercent).default(10),
    /** CANARY: minutes at the canary share before the rest shifts, 0–1440. Default 10. */
    canaryBakeMinutes: bake().default(10),
    /** LINEAR: percent of traffic shifted at each step, 3–100 in steps of 0.1. Default 25. */
    stepPercent: share(RELEASE_LIMITS.stepPercent).default(25),
    /** LINEAR: minutes between steps, 0–1440. Default 5. */
    stepBakeMinutes: bake().default(5),
    /** BLUE_GREEN, LINEAR, CANARY: minutes both revisions run after all traffic has shifted, 0–1440. Default 10. */
    bakeMinutes: bake().default(10),
    /** Roll a release back when one of the service's deployment alarms fires. Default: on for admin and main outside dev. */
    alarmRollback: bool().optional(),
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
    release: ReleaseSchema.prefault({}),
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

export const AdminSchema = section({
    ...serviceFields,
    stickiness: StickinessSchema.prefault({}),
    /** CIDRs allowed to reach admin.<domain>; empty means anywhere (refused in prod, as is a /0). Default []. */
    allowedCidrs: list(cidr(), "CIDRs").pipe(z.array(z.string()).max(20, { error: "must list at most 20 CIDRs (each four take one listener rule)" })).default([]),
});
export const MainSchema = section(serviceFields);
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

export const WorkerSchema = section({
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
