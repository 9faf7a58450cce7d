import { z } from "zod";
import { DEFAULT_ASSUMPTIONS } from "../cost";
import { FIS_DURATION_MINUTES } from "../fis";
import { AWS_REGIONS, ATLAS_AWS_REGIONS, ATLAS_ELECTABLE_NODES, ATLAS_MONGODB_VERSIONS, ATLAS_TIERS, ELASTICACHE_MAX_NODES, ELASTICACHE_NODE_TYPES, ELASTICACHE_SNAPSHOT_RETENTION_MAX, HEALTH_CHECK, HEALTH_CHECK_PATH_MAX, isValidAtlasClusterName, isValidBucketName, LOG_RETENTION_DAYS } from "../limits";
import { Environment, ENVIRONMENTS } from "./constants";
import { bool, cidr, count, decimal, DOMAIN, IMAGE_REF, list, numberIn, oneOf, section, STACK_NAME, version, zoneName } from "./fields";
import { AdminSchema, MainSchema, WorkerSchema } from "./schema/services";
import { EGRESS_DOMAIN } from "../egress";

/**
 * The reference of every key: one zod section per top-level key, each field with its allowed
 * values and its default (the services' sections: schema/services.ts).
 */

const NetworkSchema = section({
    /** VPC range: a private (RFC 1918) IPv4 block, /16 to /20. Default 10.0.0.0/16. */
    cidr: cidr().default("10.0.0.0/16"),
    /** Availability zones to spread over: 2–6 (prod at least 3). Default 3. */
    azCount: count(2, 6).default(3),
    /** Explicit AZ names; default: the first azCount zones the region reports. */
    availabilityZones: list(zoneName(), "availability zone names").optional(),
    /** "perAz" (one NAT gateway per AZ, required in prod) or "single" (cheap). Default perAz. */
    natGateways: oneOf(["perAz", "single"]).default("perAz"),
    /** Interface endpoints for KMS, CloudWatch Logs and Secrets Manager, and ECR's when a task pulls from ECR in the region. Default: on in prod, off elsewhere. */
    interfaceEndpoints: bool().optional(),
    /** How the tasks reach the internet (lib/egress.ts). */
    egress: section({
        /**
         * "firewall": through an AWS Network Firewall that passes HTTPS (TLS SNI) and HTTP (Host) to
         * the allow-list only and drops everything else, then the NAT gateways; "nat": through the NAT
         * gateways to any address. Default: firewall in prod (required there), nat elsewhere.
         */
        mode: oneOf(["firewall", "nat"]).optional(),
        /**
         * Domains the tasks may reach besides those the program derives (lib/egress.ts): the gateway's
         * own outbound calls. An exact name (api.example.com) or a leading dot for a domain and all its
         * subdomains (.example.com). Default [].
         */
        allowedDomains: list(z.string({ error: "must be a domain such as api.example.com or .example.com" }).regex(EGRESS_DOMAIN, { error: "must be a lower-case domain such as api.example.com, or .example.com for it and its subdomains (no scheme, port, path or *)" }), "domains").default([]),
        /** Days the firewall's alert and flow logs are kept; a value CloudWatch accepts, at least 365 in prod. Default 365. */
        logRetentionDays: numberIn(LOG_RETENTION_DAYS, LOG_RETENTION_DAYS.join(", ")).default(365),
    }).prefault({}),
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
    /**
     * Who answers admin.<domain> and api.<domain> in loadBalancer.hostedZoneId: "alias" (this stack,
     * simple alias records to its load balancer) or "standby" (none here: the warm standby stack's
     * Route 53 failover pair, README "Region loss"). Default alias.
     */
    dnsRecords: oneOf(["alias", "standby"]).default("alias"),
    /**
     * Acknowledges the DNS cutover of dnsRecords alias → standby on a deployed stack: the next
     * `pulumi up` deletes the simple records, and the names do not resolve until the standby's
     * `pulumi up` creates the failover pair (README "DNS cutover"). Default false.
     */
    dnsCutoverAcknowledged: bool().default(false),
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

const atlasRegion = () =>
    z.string({ error: "must be an Atlas region such as US_EAST_1" }).refine((r) => ATLAS_AWS_REGIONS.includes(r), { error: "must be an Atlas AWS region such as US_EAST_1 (upper-case, underscores; one of the AWS regions in lib/limits/regions.ts)" });

/** One region of a replica set across regions: its electable nodes and its priority in elections. */
const AtlasRegionSchema = section({
    /** Atlas region (US_EAST_2). */
    region: atlasRegion(),
    /** Electable nodes in the region, 1–7 (all regions together: 3, 5 or 7). */
    electableNodes: count(1, 7),
    /** Priority in elections, 1–7: 7 for the first (the stack's own region), one less for each next region (Atlas: 7, 6, 5, …). */
    priority: count(1, 7),
});

const AtlasSchema = section({
    /** Dedicated tier, M10 and up. Default M10. */
    tier: oneOf(ATLAS_TIERS as [string, ...string[]]).default("M10"),
    /** Atlas region (US_EAST_1), one of Atlas's AWS regions; default: the AWS region's. Must match it for PrivateLink. */
    region: z.string({ error: "must be an Atlas region such as US_EAST_1" }).refine((r) => ATLAS_AWS_REGIONS.includes(r), { error: "must be an Atlas AWS region such as US_EAST_1 (upper-case, underscores; one of the AWS regions in lib/limits/regions.ts)" }).optional(),
    /** Organization to create the project in (24 hex characters). One of orgId and projectId. */
    orgId: z.string({ error: "must be 24 hex characters" }).regex(/^[a-f0-9]{24}$/, { error: "must be 24 hex characters" }).optional(),
    /** Existing Atlas project to use (24 hex characters). One of orgId and projectId. */
    projectId: z.string({ error: "must be 24 hex characters" }).regex(/^[a-f0-9]{24}$/, { error: "must be 24 hex characters" }).optional(),
    /** MongoDB major version Atlas deploys: 7.0 or 8.0. Default 8.0. */
    mongoVersion: z.preprocess(version, oneOf(ATLAS_MONGODB_VERSIONS as [string, ...string[]])).default("8.0"),
    /** Electable nodes in the replica set: 3, 5 or 7. Default 3. With regions: the nodes of the single-region cluster until it may grow into the other regions. */
    electableNodes: numberIn(ATLAS_ELECTABLE_NODES, ATLAS_ELECTABLE_NODES.join(", ")).default(3),
    /**
     * A replica set across regions: per region its electable nodes and election priority (e.g.
     * US_EAST_1 2 × 7, US_EAST_2 2 × 6, US_WEST_2 1 × 5). The first is atlas.region with priority 7;
     * 3, 5 or 7 electable nodes in all. With PrivateLink the cluster grows into the list only once
     * every region in it has an available private endpoint (lib/regionLoss.ts). Default: none (one region).
     */
    regions: list(AtlasRegionSchema, "regions").min(2, { error: "must list at least two regions (leave it out for a single-region cluster)" }).max(7, { error: "must list at most 7 regions" }).optional(),
    /**
     * With atlas.regions over PrivateLink: per region of the list that is neither the stack's own
     * nor regionLoss.standbyRegion (a tie-breaker, where no application runs), the IPv4 range of
     * the small endpoint-only VPC this stack declares there for the region's Atlas private endpoint
     * (e.g. US_WEST_2: 10.32.0.0/24; /16–/27, split into two private subnets). Required for each
     * such region: no default, because a range derived here could not be checked against the
     * standby's network.cidr, which lives in the standby stack's config; it must not overlap
     * network.cidr nor another entry. Default: none.
     */
    tieBreakerCidrs: z.record(z.string(), cidr()).optional(),
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
        .refine((t) => t in ELASTICACHE_NODE_TYPES, { error: "must be an ElastiCache node type such as cache.t4g.small or cache.r7g.large (see lib/limits/aws.ts)" })
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

/** Images of the local stack's own parts, each pinned by tag or digest (never `latest`). */
const pinnedImage = (example: string) =>
    z.string({ error: "must be an image reference" }).regex(IMAGE_REF, { error: `must be an image reference such as ${example}` });

/**
 * purpose local only: the gateway's topology on one Docker engine (stacks/local.ts). Every other
 * section keeps its meaning where it has one locally (instances, images, pool, health check path
 * and interval, admin stickiness, tracing); the AWS- and Atlas-only keys are not read.
 */
const LocalSchema = section({
    /** Host port (127.0.0.1 only) the load balancer, Caddy, is published on, 1024–65535. Default 8080. */
    port: count(1024, 65535).default(8080),
    /** Caddy's image. Default caddy:2.8.4 (the Caddyfile uses only directives Caddy 2.6 already has). */
    caddyImage: pinnedImage("caddy:2.8.4").default("caddy:2.8.4"),
    mongo: section({
        /** MongoDB's image (three replica-set members, the init and the backups). Default mongo:7.0.14. */
        image: pinnedImage("mongo:7.0.14").default("mongo:7.0.14"),
        /** mongod --maxConns: each member's connection limit, which the pool sizes must fit, 100–65536. Default 1000. */
        maxConnections: count(100, 65536).default(1000),
    }).prefault({}),
    cache: section({
        /**
         * valkey or redis: primary + replica + three Sentinels (quorum 2), the HA topology; garnet: a
         * single Garnet node, no failover (refused in prod: not the HA checklist). Default valkey.
         */
        engine: oneOf(["valkey", "redis", "garnet"]).default("valkey"),
        /** The engine's image. Default: valkey/valkey:8.0.1, redis:7.2.5 or ghcr.io/microsoft/garnet:1.0.39 by engine. */
        image: pinnedImage("valkey/valkey:8.0.1").optional(),
        /** Milliseconds a Sentinel waits before it deems the primary down, 1000–60000. Default 5000. */
        downAfterMilliseconds: count(1000, 60000).default(5000),
        /** Sentinel's failover-timeout, milliseconds, 10000–600000. Default 60000. */
        failoverTimeoutMilliseconds: count(10000, 600000).default(60000),
    }).prefault({}),
    /** The OpenTelemetry collector's image when tracing is on without observability.otlpEndpoint. Default otel/opentelemetry-collector:0.111.0. */
    collectorImage: pinnedImage("otel/opentelemetry-collector:0.111.0").default("otel/opentelemetry-collector:0.111.0"),
    backup: section({
        /** A container that runs mongodump into a volume on a schedule. Default true; required in prod. */
        enabled: bool().default(true),
        /** Hours between dumps, 1–168. Default 24. */
        intervalHours: count(1, 168).default(24),
        /** Dumps kept (older ones are deleted), 1–365. Default 7. */
        keep: count(1, 365).default(7),
    }).prefault({}),
});

/** A warm standby stack of the gateway in a second region (purpose standby; README "Region loss"). */
const StandbySchema = section({
    /** The primary stack's name in this project (read through a stack reference at deploy time). */
    primaryStack: z.string({ error: "must be a stack name such as prod" }).regex(STACK_NAME, { error: "must be a stack name such as prod (1–20 lower-case letters, digits and hyphens, starting with a letter)" }),
    /** The primary stack's AWS region; must differ from this stack's aws:region. */
    primaryRegion: z.string({ error: "must be an AWS region such as us-east-1" }).refine((r) => AWS_REGIONS.includes(r), { error: `must be an AWS region the program deploys to (${AWS_REGIONS.join(", ")})` }),
    /** The primary's VPC range (its network.cidr); this stack's network.cidr must not overlap it. */
    primaryCidr: cidr(),
    /** Tasks each service runs while the standby is passive (its floor); its ceiling is <service>.maxInstances, the primary's. Default 1 each. */
    warmInstances: section({
        admin: count(1, 100).default(1),
        main: count(1, 100).default(1),
        worker: count(1, 100).default(1),
    }).prefault({}),
    /**
     * Declare the Route 53 failover pair for admin.<domain> and api.<domain> (PRIMARY: the primary's
     * load balancer behind the operator's gate; SECONDARY: this stack's). Only once the primary
     * answers no longer (its loadBalancer.dnsRecords standby). Default false.
     */
    failoverRecords: bool().default(false),
    /**
     * Let the next `pulumi up` replace this deployed standby's cache when the primary's
     * regionLoss.cache moved between cold and global since the last one (a cold cache cannot join a
     * Global Datastore, and a secondary cannot leave one through the program): the old cache and
     * what it holds are gone. Default false: such an update is refused.
     */
    cacheReplacementAcknowledged: bool().default(false),
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
    /** purpose local: the local stack's own parts on Docker. */
    local: LocalSchema.prefault({}),
    /** The warm standby's settings (purpose standby only). Default none. */
    standby: StandbySchema.optional(),
    /**
     * On a gateway whose replica set spans regions: the warm standby stack that takes over when
     * the stack's region is lost. Its fleet is counted in the connection budget, the backups are
     * copied to its region, and the application key gets a replica there. Default: none.
     */
    regionLoss: section({
        /** AWS region of the warm standby stack (us-east-2); not the stack's own. */
        standbyRegion: z.string({ error: "must be an AWS region such as us-east-2" }).refine((r) => AWS_REGIONS.includes(r), { error: `must be an AWS commercial region Atlas serves (${AWS_REGIONS.join(", ")})` }),
        /** The standby's stack name in this project (standby-prod). */
        standbyStack: z.string({ error: "must be a stack name such as standby-prod" }).regex(STACK_NAME, { error: "must be a stack name of 1–20 lower-case letters, digits and hyphens, starting with a letter" }),
        /**
         * The standby's cache: "cold" (its own, empty, rebuilt after a failover) or "global" (an
         * ElastiCache Global Datastore around this stack's cache, the standby's cache a read-only
         * secondary that the failover runbook promotes; README "Region loss"). Default cold.
         */
        cache: oneOf(["cold", "global"]).default("cold"),
    }).optional(),
    /** region-drill only: Atlas's simulated outage of regions of a multi-region cluster (stacks/regionDrill.ts). */
    regionDrill: section({
        /** The cluster whose regions lose connectivity (pg-staging), in the project atlas.projectId. */
        clusterName: z.string({ error: "must be an Atlas cluster name" }).refine(isValidAtlasClusterName, { error: "must be an Atlas cluster name (letters, digits and hyphens, starting with a letter or digit)" }),
        /** The Atlas regions taken out (US_EAST_1): fewer than half the cluster's electable nodes, so that a primary is elected elsewhere. */
        outageRegions: list(atlasRegion(), "regions").min(1, { error: "must list at least one region" }),
    }).optional(),
    /**
     * gateway (the whole topology), restore-drill (an Atlas cluster that a backup is restored into,
     * and nothing else), local (the whole topology on one Docker engine), standby (the gateway's
     * warm standby in a second region, on the primary's cluster) or region-drill (Atlas's simulated
     * outage of a region of a multi-region cluster, and nothing else). Default gateway.
     */
    purpose: oneOf(["gateway", "restore-drill", "local", "standby", "region-drill"]).default("gateway"),
});
export type RawConfig = z.input<typeof ConfigSchema>;
export type Parsed = z.output<typeof ConfigSchema>;

/** The top-level keys of the contract, as they appear after `payment-gateway:`. */
export const CONFIG_KEYS = Object.keys(ConfigSchema.shape) as (keyof Parsed)[];
