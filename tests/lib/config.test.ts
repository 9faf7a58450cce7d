import { strict as assert } from "assert";
import * as path from "path";
import { ConfigError, validateConfig } from "../../lib/config";
import { rawConfigFrom } from "../../lib/stackConfig";
import { typeLikeCli } from "../../scripts/plan";
import { ROOT, assembleConfig, listStacks } from "../harness";

/** The raw config a stack file (plus overrides) hands the program, and its AWS region. */
function stackConfig(stack: string, set: Record<string, unknown> = {}) {
    const { values } = assembleConfig(stack, set);
    return { raw: rawConfigFrom(values), region: values["aws:region"] };
}

/** The refusal of `set` on `stack`: its problems as printed, and the rules it says were not checked. */
function refusal(stack: string, set: Record<string, unknown>, root?: string): { problems: string[]; unchecked: string[] } {
    const { raw, region } = stackConfig(stack, set);
    try {
        validateConfig(raw, region, undefined, Date.now(), { root });
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
        const [listed, notChecked = ""] = (e as ConfigError).message.split("\nnot checked until those are fixed:\n");
        const lines = (text: string) => text.split("\n").filter(Boolean).map((l) => l.replace(/^ {2}- /, ""));
        const found = { problems: lines(listed).slice(1), unchecked: lines(notChecked) };
        assert.equal(found.problems.length, (e as ConfigError).problems.length, "each problem prints on one line");
        return found;
    }
    assert.fail(`expected ${JSON.stringify(set, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))} to be refused on ${stack}`);
}

function problems(stack: string, set: Record<string, unknown>, root?: string): string[] {
    return refusal(stack, set, root).problems;
}

/** Values typed as `pulumi config set --path KEY TEXT` types them. */
function typed(texts: Record<string, string>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(texts).map(([key, text]) => [key, typeLikeCli(text)]));
}

describe("config", () => {
    for (const stack of ["dev", "staging", "prod"]) {
        it(`accepts the ${stack} stack file`, () => {
            const { raw, region } = stackConfig(stack);
            const c = validateConfig(raw, region);
            assert.equal(c.environment, stack);
        });
    }

    it("has a stack file for each environment, the drills', the local stack's, prod's warm standby and prod's region-loss example", () => {
        assert.deepEqual(listStacks(), ["dev", "local", "prod", "prod-multiregion", "region-drill", "restore-drill", "staging", "standby-prod"]);
        const standby = stackConfig("standby-prod");
        assert.equal(validateConfig(standby.raw, standby.region, "standby-prod").purpose, "standby");
        const drill = stackConfig("restore-drill");
        assert.equal(validateConfig(drill.raw, drill.region, "restore-drill").purpose, "restore-drill");
        const region = stackConfig("region-drill");
        assert.equal(validateConfig(region.raw, region.region, "region-drill").purpose, "region-drill");
        // The local stack names no AWS region, and needs none.
        const local = stackConfig("local");
        assert.equal(local.region, undefined);
        assert.equal(validateConfig(local.raw, local.region, "local").purpose, "local");
        assert.throws(() => validateConfig({ ...local.raw, purpose: "gateway" }, local.region, "local"), /needs aws:region/);
    });

    it("judges an atlas.tier edit against the tier the last deployment ran, while disk auto-scaling is on", () => {
        const edited = stackConfig("dev", { "atlas.tier": "M20" });
        assert.throws(() => validateConfig(edited.raw, edited.region, "dev", Date.now(), { last: { atlasTier: "M10" } }), /payment-gateway:atlas\.tier is not applied while disk auto-scaling is on \(Atlas keeps the running M10, and the pools would be sized for M20\)/);
        assert.equal(validateConfig(edited.raw, edited.region, "dev", Date.now(), { last: { atlasTier: "M20" } }).atlas.tier, "M20", "unchanged");
        assert.equal(validateConfig(edited.raw, edited.region, "dev").atlas.tier, "M20", "a first deployment");
        const off = stackConfig("dev", { "atlas.tier": "M20", "atlas.diskAutoScaling": false });
        assert.equal(validateConfig(off.raw, off.region, "dev", Date.now(), { last: { atlasTier: "M10" } }).atlas.tier, "M20", "applied with disk auto-scaling off");
        const compute = stackConfig("dev", { "atlas.tier": "M20", "atlas.autoScaling": { minTier: "M10", maxTier: "M30" } });
        assert.equal(validateConfig(compute.raw, compute.region, "dev", Date.now(), { last: { atlasTier: "M10" } }).atlas.tier, "M20", "with compute auto-scaling the floor, not the tier, sizes the pools");
    });

    it("refuses a change of atlas.authentication on a deployed stack that recorded its users, with every other problem", () => {
        const iam = stackConfig("prod", { "atlas.authentication": "iam", "rotation.database": "2" });
        const refused = (users: "per-service" | "iam", c: { raw: Record<string, unknown>; region: string }) => {
            try {
                validateConfig(c.raw, c.region, "prod", Date.now(), { last: { databaseUsers: users } });
            } catch (e) {
                return (e as ConfigError).message;
            }
            return assert.fail("accepted");
        };
        const message = refused("per-service", iam);
        assert.match(message, /payment-gateway:atlas\.authentication cannot change on a deployed stack, which uses password: the update would delete each service's password user and its own MPG_DATABASE_URI secret \(payment-gateway\/<stack>\/<service>\/database-uri, protected in prod\) while running tasks still use them; allowed: password \(deploy a new stack for iam\); got "iam"/);
        assert.match(message, /payment-gateway:rotation\.database has no password to rotate/, "reported with the other problems");
        const password = stackConfig("prod");
        assert.match(refused("iam", password), /payment-gateway:atlas\.authentication cannot change on a deployed stack, which uses iam: the update would delete each task role's IAM user and the shared MPG_DATABASE_URI secret .*; allowed: iam \(deploy a new stack for password\); got "password"/);
        // Unchanged, a first deployment, or a record from before users were recorded: nothing to refuse.
        assert.equal(validateConfig(password.raw, password.region, "prod", Date.now(), { last: { databaseUsers: "per-service" } }).atlas.authentication, "password");
        const iamOnly = stackConfig("prod", { "atlas.authentication": "iam" });
        assert.equal(validateConfig(iamOnly.raw, iamOnly.region, "prod", Date.now(), { last: { databaseUsers: "iam" } }).atlas.authentication, "iam");
        assert.equal(validateConfig(iamOnly.raw, iamOnly.region, "prod").atlas.authentication, "iam");
        assert.equal(validateConfig(iamOnly.raw, iamOnly.region, "prod", Date.now(), { last: {} }).atlas.authentication, "iam");
    });

    it("applies defaults field by field, some depending on the environment", () => {
        const dev = validateConfig(stackConfig("dev").raw, "us-east-1");
        const prod = validateConfig(stackConfig("prod").raw, "us-east-1");
        assert.equal(dev.admin.maxInstances, dev.admin.instances);
        assert.equal(dev.admin.containerPort, 8080);
        assert.equal(dev.admin.stickiness.type, "lb_cookie");
        assert.equal(dev.admin.stickiness.durationSeconds, 86400);
        assert.equal(dev.loadBalancer.healthCheck.intervalSeconds, 10);
        assert.equal(dev.network.interfaceEndpoints, false);
        assert.equal(prod.network.interfaceEndpoints, true);
        assert.equal(dev.loadBalancer.waf.enabled, false);
        assert.equal(prod.loadBalancer.waf.enabled, true);
        assert.equal(dev.atlas.privateLink, false);
        assert.equal(prod.atlas.privateLink, true);
        assert.equal(prod.atlas.region, "US_EAST_1");
        assert.equal(dev.cache.engine, "valkey");
        assert.equal(dev.cache.engineVersion, "8.0");
        assert.equal(dev.cache.failover, false);
        assert.equal(prod.cache.failover, true);
        assert.equal(prod.worker.deployment.waitForSteadyState, true);
        assert.equal(prod.worker.platform, "linux/amd64");
    });

    const refused: [string, Record<string, unknown>, string][] = [
        ["a count given as a word", { "main.instances": "three" }, 'payment-gateway:main.instances must be a number; got "three"'],
        ["a negative count", { "main.instances": -1 }, "payment-gateway:main.instances must be at least 1; got -1"],
        ["a fractional count", { "worker.instances": 1.5 }, "payment-gateway:worker.instances must be a whole number; got 1.5"],
        ["an unknown tier", { "atlas.tier": "M5" }, 'payment-gateway:atlas.tier must be one of M10, M20, M30, M40, M50, M60, M80, M140, M200, M300; got "M5"'],
        ["an AWS-style Atlas region", { "atlas.region": "us-east-1" }, 'payment-gateway:atlas.region must be an Atlas AWS region such as US_EAST_1'],
        ["an unknown engine", { "cache.engine": "memcached" }, 'payment-gateway:cache.engine must be one of valkey, redis; got "memcached"'],
        ["an unknown environment", { environment: "production" }, 'payment-gateway:environment must be one of dev, staging, prod; got "production"'],
        ["a missing domain", { domain: undefined }, "payment-gateway:domain is required"],
        ["an upper-case domain", { domain: "Pay.Example.com" }, "payment-gateway:domain must be a lower-case domain name"],
        ["a cpu Fargate does not offer", { "admin.cpu": 300 }, "payment-gateway:admin.cpu must be one of 256, 512, 1024, 2048, 4096, 8192, 16384; got 300"],
        ["memory Fargate does not pair with the cpu", { "main.memory": 512 }, "payment-gateway:main.memory is not a Fargate size for cpu 1024; allowed memory: 2048–8192 in steps of 1024; got 512"],
        ["maxInstances below instances", { "main.maxInstances": 2 }, "payment-gateway:main.maxInstances must be at least main.instances (3); got 2"],
        ["a misspelt field", { "main.instnaces": 3 }, 'payment-gateway:main has unknown key "instnaces"'],
        ["a misspelt top-level key", { mian: { instances: 3 } }, 'payment-gateway has unknown key "mian"'],
        ["a section that is not an object", { cache: "big" }, "payment-gateway:cache must be an object"],
        ["a log retention CloudWatch rejects", { "admin.logRetentionDays": 10 }, "payment-gateway:admin.logRetentionDays must be one of 1, 3, 5, 7, 14, 30"],
        ["a health-check timeout not below the interval", { "loadBalancer.healthCheck.timeoutSeconds": 10 }, "payment-gateway:loadBalancer.healthCheck.timeoutSeconds must be below healthCheck.intervalSeconds (10)"],
        ["both image and build", { "main.build": { context: "./app" } }, "payment-gateway:main needs exactly one of image and build"],
        ["neither image nor build", { "main.image": undefined }, "payment-gateway:main needs exactly one of image and build"],
        ["a reserved environment variable", { "main.extraEnvironment": { MPG_DATABASE_URI: "mongodb://x" } }, "payment-gateway:main.extraEnvironment.MPG_DATABASE_URI is set by the program"],
        ["a worker too small for its concurrency", { "worker.concurrency": 16 }, "payment-gateway:worker.memory must leave 256 MiB per concurrent job plus 512 MiB: at least 4608 for concurrency 16; got 3072"],
        ["a public VPC range", { "network.cidr": "8.8.0.0/16" }, 'payment-gateway:network.cidr must be a private'],
        ["a malformed CIDR", { "network.cidr": "10.0.0.0/33" }, 'payment-gateway:network.cidr must be an IPv4 CIDR'],
        ["both orgId and projectId", { "atlas.projectId": "5f0000000000000000000002" }, "payment-gateway:atlas needs exactly one of orgId"],
        ["an unknown AWS region", { "aws:region": "moon-base-1" }, 'payment-gateway needs aws:region to be an AWS region such as us-east-1; got "moon-base-1"'],
        ["an Atlas region other than the AWS region with PrivateLink", { "atlas.region": "EU_WEST_1" }, 'payment-gateway:atlas.region must be the AWS region\'s (US_EAST_1) for PrivateLink; got "EU_WEST_1"'],
        ["a tier outside the auto-scaling bounds", { "atlas.autoScaling": { minTier: "M40", maxTier: "M60" } }, 'payment-gateway:atlas.tier must lie within atlas.autoScaling (M40–M60); got "M30"'],
        ["a trace sample ratio above 1", { "observability.traceSampleRatio": 1.5 }, "payment-gateway:observability.traceSampleRatio must be at most 1; got 1.5"],
        ["a negative trace sample ratio", { "observability.traceSampleRatio": -0.1 }, "payment-gateway:observability.traceSampleRatio must be at least 0; got -0.1"],
        ["a trace sample ratio given as a percentage", { "observability.traceSampleRatio": "5%" }, 'payment-gateway:observability.traceSampleRatio must be a number; got "5%"'],
        ["the trace sampler set by hand", { "main.extraEnvironment": { OTEL_TRACES_SAMPLER: "always_on" } }, "payment-gateway:main.extraEnvironment.OTEL_TRACES_SAMPLER is set by the program"],
        ["the trace sample ratio set by hand", { "worker.extraEnvironment": { OTEL_TRACES_SAMPLER_ARG: "1" } }, "payment-gateway:worker.extraEnvironment.OTEL_TRACES_SAMPLER_ARG is set by the program"],
        ["a daily change above 100%", { "cost.assumptions.atlasDailyChangePercent": 120 }, "payment-gateway:cost.assumptions.atlasDailyChangePercent must be at most 100; got 120"],
        ["an assumption of the old shape", { "cost.assumptions.cacheSnapshotGb": 3 }, 'payment-gateway:cost.assumptions no longer takes "cacheSnapshotGb": use cacheDataGb (GB in the cache)'],
        ["both retired assumptions", { "cost.assumptions.atlasBackupGb": 20, "cost.assumptions.cacheSnapshotGb": 1 }, 'payment-gateway:cost.assumptions no longer takes "atlasBackupGb": use atlasDataGb (GB on the cluster\'s disk) and atlasDailyChangePercent'],
        ["a misspelt assumption beside a retired one", { "cost.assumptions.atlasBackupGb": 20, "cost.assumptions.requestPerMonth": 1 }, 'payment-gateway:cost.assumptions no longer takes "atlasBackupGb": use atlasDataGb (GB on the cluster\'s disk) and atlasDailyChangePercent: backup storage is priced from the data, its daily change, the snapshots kept and the restore window; has unknown key "requestPerMonth" (check the spelling against Pulumi.yaml)'],
    ];
    for (const [what, set, message] of refused) {
        it(`refuses ${what}`, () => {
            const found = problems("prod", set);
            assert.ok(found.some((p) => p.startsWith(message)), `expected "${message}" among:\n${found.join("\n")}`);
        });
    }

    describe("prod enforces the Production HA Checklist", () => {
        const checklist: [Record<string, unknown>, string][] = [
            [{ "main.instances": 1 }, "payment-gateway:main.instances must be at least 2 in prod (HA checklist: two main backend instances); got 1"],
            [{ "admin.instances": 1 }, "payment-gateway:admin.instances must be at least 2 in prod (HA checklist: two admin backend instances); got 1"],
            [{ "worker.instances": 1 }, "payment-gateway:worker.instances must be at least 2 in prod"],
            [{ "network.azCount": 2 }, "payment-gateway:network.azCount must be at least 3 in prod"],
            [{ "network.natGateways": "single" }, 'payment-gateway:network.natGateways must be perAz in prod'],
            [{ "cache.nodes": 1 }, "payment-gateway:cache.nodes must be at least 2 in prod (HA checklist: a cache with automatic failover); got 1"],
            [{ "cache.snapshotRetentionDays": 0 }, "payment-gateway:cache.snapshotRetentionDays must be at least 1 in prod (HA checklist: automated backups)"],
            [{ "atlas.pointInTimeRestore": false }, "payment-gateway:atlas.pointInTimeRestore must be true in prod (HA checklist: automated backups)"],
            [{ "atlas.privateLink": false }, "payment-gateway:atlas.privateLink must be true in prod"],
            [{ "loadBalancer.waf.enabled": false }, "payment-gateway:loadBalancer.waf.enabled must be true in prod"],
            [{ "loadBalancer.healthCheck.path": "/healthz" }, 'payment-gateway:loadBalancer.healthCheck.path must be /health in prod (HA checklist: load balancer health checks on /health); got "/healthz"'],
            [{ "observability.alarmEmails": [] }, "payment-gateway:observability.alarmEmails must list at least one address in prod: otherwise every alarm notifies nobody"],
            [{ "observability.traceSampleRatio": 0 }, "payment-gateway:observability.traceSampleRatio must be above 0 in prod (HA checklist: OpenTelemetry connected); got 0"],
        ];
        for (const [set, message] of checklist) {
            it(`refuses ${JSON.stringify(set)}`, () => {
                const found = problems("prod", set);
                assert.ok(found.some((p) => p.startsWith(message)), `expected "${message}" among:\n${found.join("\n")}`);
            });
            it(`allows ${JSON.stringify(set)} in dev`, () => {
                const { raw, region } = stackConfig("dev", set);
                validateConfig(raw, region);
            });
        }
    });

    it("reports every problem at once", () => {
        const found = problems("prod", { "main.instances": 1, "admin.cpu": 300, "cache.engine": "memcached", "atlas.tier": "M5", "worker.maxInstances": 1 });
        assert.equal(found.length, 5, found.join("\n"));
        assert.ok(found.some((p) => p.startsWith("payment-gateway:main.instances must be at least 2 in prod")));
        assert.ok(found.some((p) => p.startsWith("payment-gateway:admin.cpu")));
        assert.ok(found.some((p) => p.startsWith("payment-gateway:cache.engine")));
        assert.ok(found.some((p) => p.startsWith("payment-gateway:atlas.tier")));
        assert.ok(found.some((p) => p.startsWith("payment-gateway:worker.maxInstances must be at least worker.instances (2); got 1")));
    });

    it("does not blame a valid value on a bad one it depends on", () => {
        // instances is unusable; maxInstances 1 must not be reported against the default that stood in for it.
        const found = problems("dev", { "main.instances": 1.5, "main.maxInstances": 1 });
        assert.deepEqual(found, ["payment-gateway:main.instances must be a whole number; got 1.5"]);
    });

    it("refuses a stack name that cannot be part of physical names, with the other problems", () => {
        const { raw, region } = stackConfig("dev", { "main.instances": 0 });
        assert.throws(() => validateConfig(raw, region, "Prod_EU"), (e: Error) => {
            assert.match(e.message, /payment-gateway needs a stack name of 1–20 lower-case letters, digits and hyphens, starting with a letter .*; got "Prod_EU"/);
            assert.match(e.message, /payment-gateway:main\.instances must be at least 1; got 0/);
            return true;
        });
        assert.equal(validateConfig(stackConfig("dev").raw, "us-east-1", "dev").environment, "dev");
        assert.throws(() => validateConfig(stackConfig("dev").raw, "us-east-1", "a".repeat(21)), /needs a stack name/);
    });

    it("explains the allowed memory for each Fargate cpu", () => {
        const found = problems("dev", { "admin.cpu": 256, "admin.memory": 4096 });
        assert.deepEqual(found, ["payment-gateway:admin.memory is not a Fargate size for cpu 256; allowed memory: 512, 1024, 2048; got 4096"]);
    });

    describe("names derived from config stay within AWS's limits", () => {
        it("refuses a domain whose admin host ACM cannot certify, unless a certificate is given", () => {
            const domain = `${"a".repeat(30)}.${"b".repeat(24)}.com`; // admin.<domain> is 65 characters
            assert.deepEqual(problems("dev", { domain }), [
                `payment-gateway:domain makes admin.${domain} 65 characters long; ACM issues a certificate for a first name of at most 64: shorten the domain or set loadBalancer.certificateArn; got "${domain}"`,
            ]);
            const { raw, region } = stackConfig("dev", { domain, "loadBalancer.certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc" });
            assert.equal(validateConfig(raw, region).domain, domain);
        });

        it("refuses a stack name whose cache id AWS would refuse", () => {
            for (const name of ["dev-", "dev--eu"]) {
                const { raw, region } = stackConfig("dev");
                assert.throws(() => validateConfig(raw, region, name), (e: Error) => e.message.includes(`needs a stack name without a trailing or doubled hyphen`) && e.message.includes(`got "${name}"`));
            }
        });

        it("refuses an access-log bucket that is not an S3 bucket name", () => {
            for (const bucket of ["My_Logs", "ab", "logs..x", "192.168.1.1", "-logs"])
                assert.match(problems("dev", { "loadBalancer.accessLogsBucket": bucket }).join("\n"), /loadBalancer\.accessLogsBucket must be an S3 bucket name/, bucket);
        });
    });

    describe("values are checked against what exists, not by shape", () => {
        const cases: [Record<string, unknown>, string][] = [
            [{ "atlas.mongoVersion": "6.0" }, 'payment-gateway:atlas.mongoVersion must be one of 7.0, 8.0; got "6.0"'],
            [{ "atlas.mongoVersion": "9.9" }, 'payment-gateway:atlas.mongoVersion must be one of 7.0, 8.0; got "9.9"'],
            [{ "atlas.region": "US_MOON_1" }, "payment-gateway:atlas.region must be an Atlas AWS region such as US_EAST_1"],
            [{ "cache.engineVersion": "6.2" }, 'payment-gateway:cache.engineVersion is not a valkey version ElastiCache offers: one of 7.2, 8.0, 8.1, 8.2, 9.0, 9.1; got "6.2"'],
            [{ "cache.engine": "redis", "cache.engineVersion": "7.2" }, 'payment-gateway:cache.engineVersion is not a redis version ElastiCache offers: one of 6.0, 6.2, 6.x, 7.0, 7.1; got "7.2"'],
            [{ "cache.nodeType": "cache.m9.large" }, 'payment-gateway:cache.nodeType must be an ElastiCache node type such as cache.t4g.small'],
            [{ "cache.nodeType": "cache.r6gd.xlarge" }, "payment-gateway:cache.nodeType is a data-tiering node type (r6gd), which needs data tiering enabled"],
            [{ "observability.alarmEmails": ["oncall@example.com", "a@b..com"] }, 'payment-gateway:observability.alarmEmails[1] must be an e-mail address such as oncall@example.com; got "a@b..com"'],
            [{ "aws:region": "xx-east-1" }, 'payment-gateway needs aws:region to be an AWS commercial region Atlas serves'],
        ];
        for (const [set, message] of cases) {
            it(`refuses ${JSON.stringify(set)}`, () => {
                const found = problems("prod", set);
                assert.ok(found.some((p) => p.startsWith(message)), `expected "${message}" among:\n${found.join("\n")}`);
            });
        }

        it("accepts the versions and node types that exist", () => {
            for (const set of [{ "atlas.mongoVersion": "7.0" }, { "cache.engineVersion": "8.2" }, { "cache.engine": "redis", "cache.engineVersion": "6.x" }, { "cache.nodeType": "cache.c7gn.xlarge" }, { "atlas.region": "EU_WEST_1", "atlas.privateLink": false }]) {
                const { raw, region } = stackConfig("dev", set);
                validateConfig(raw, region);
            }
        });
    });

    describe("cross-field rules", () => {
        const cases: [Record<string, unknown>, string][] = [
            [{ "loadBalancer.certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/abc" }, "payment-gateway:loadBalancer.certificateArn must be a certificate in the load balancer's region us-east-1, not eu-west-1"],
            [{ "network.availabilityZones": ["us-east-1a", "eu-west-1b", "us-east-1c"] }, 'payment-gateway:network.availabilityZones[1] must be a zone of the stack\'s region us-east-1 (us-east-1a, us-east-1b, …); got "eu-west-1b"'],
            [{ "network.cidr": "10.30.7.0/16" }, 'payment-gateway:network.cidr has host bits set: the block is 10.30.0.0/16; got "10.30.7.0/16"'],
            [{ "admin.allowedCidrs": ["203.0.113.7/24"] }, 'payment-gateway:admin.allowedCidrs[0] has host bits set: the block is 203.0.113.0/24; got "203.0.113.7/24"'],
            [{ "main.containerPort": 4317 }, "payment-gateway:main.containerPort is a port the OpenTelemetry collector sidecar listens on in the same task (4317, 4318, 8888); choose another; got 4317"],
            [{ "pool.minPoolSize": 90 }, "payment-gateway:pool.minPoolSize must not exceed the max pool size of admin (64, derived from the budget); got 90"],
            [{ "pool.worker": { maxPoolSize: 20, minPoolSize: 30 } }, "payment-gateway:pool.worker.minPoolSize must not exceed the max pool size (20); got 30"],
            [{ "pool.main": { maxPoolSize: 500 } }, "payment-gateway:pool.main.maxPoolSize does not fit atlas.tier M30 (overrides: main 500)"],
        ];
        for (const [set, message] of cases) {
            it(`refuses ${JSON.stringify(set)}`, () => {
                const found = problems("prod", set);
                assert.ok(found.some((p) => p.startsWith(message)), `expected "${message}" among:\n${found.join("\n")}`);
            });
        }

        it("lets a service use a collector port when no sidecar runs", () => {
            const { raw, region } = stackConfig("dev", { "main.containerPort": 4317, "observability.otlpEndpoint": "https://otlp.example.com:4318" });
            assert.equal(validateConfig(raw, region).main.containerPort, 4317);
        });
    });

    it("refuses an environment that contradicts the stack's name, and keeps protections for the stricter", () => {
        const { raw, region } = stackConfig("prod", { environment: "dev" });
        assert.throws(() => validateConfig(raw, region, "prod"), /payment-gateway:environment must be prod in the stack named prod: the environment decides the protections .*; got "dev"/);
        // A stack named after no environment chooses freely.
        const other = stackConfig("dev");
        assert.equal(validateConfig(other.raw, other.region, "sandbox").environment, "dev");
    });

    it("checks zone counts against the region before anything is declared", () => {
        assert.ok(problems("dev", { "aws:region": "us-west-1", "network.azCount": 3 }).some((p) => p.startsWith("payment-gateway:network.azCount must be at most 2: us-west-1 offers every account 2 availability zones; got 3")));
        assert.ok(problems("dev", { "network.azCount": 5, "aws:region": "eu-west-1" }).some((p) => p.startsWith("payment-gateway:network.azCount must be at most 3")));
    });

    describe("accepts what the Pulumi CLI writes where the meaning is unambiguous", () => {
        it("numbers written as strings, versions written as numbers, lists written as JSON, booleans as words", () => {
            const { raw, region } = stackConfig("prod", {
                "pool.headroom": "0.7",
                "main.instances": "3",
                "atlas.mongoVersion": 8,
                "cache.engineVersion": 8.1,
                "admin.allowedCidrs": '["203.0.113.0/24"]',
                "atlas.pointInTimeRestore": "true",
            });
            const c = validateConfig(raw, region);
            assert.deepEqual(
                [c.pool.headroom, c.main.instances, c.atlas.mongoVersion, c.cache.engineVersion, c.admin.allowedCidrs, c.atlas.pointInTimeRestore],
                [0.7, 3, "8.0", "8.1", ["203.0.113.0/24"], true],
            );
        });
    });

    describe("messages", () => {
        it("reports a refused list item once, at its index", () => {
            assert.deepEqual(problems("dev", { "admin.allowedCidrs": ["10.0.0.0/8", "nope"] }), ['payment-gateway:admin.allowedCidrs[1] must be an IPv4 CIDR such as 203.0.113.0/24; got "nope"']);
        });

        it("never shows zod's own wording", () => {
            const found = problems("dev", { "main.extraEnvironment": { GOOD: { nested: 1 } }, "admin.stickiness": { cookieName: [7], type: "app_cookie" }, "worker.build": { context: false, dockerfile: 1.5 } });
            for (const p of found) assert.doesNotMatch(p, /Invalid input|expected \w+, received/, p);
            assert.ok(found.includes('payment-gateway:main.extraEnvironment.GOOD must be text; got {"nested":1}'), found.join("\n"));
            assert.ok(found.includes("payment-gateway:admin.stickiness.cookieName must be a cookie name; got [7]"), found.join("\n"));
        });

        it("names a bad environment variable by the naming rule, and an empty one visibly", () => {
            assert.deepEqual(problems("dev", { "main.extraEnvironment": { "my-var": "x", "": "y" } }), [
                'payment-gateway:main.extraEnvironment["my-var"] is not an environment variable name: letters, digits and _, not starting with a digit; got "my-var"',
                'payment-gateway:main.extraEnvironment[""] is not an environment variable name: letters, digits and _, not starting with a digit; got ""',
            ]);
        });

        it("calls a number beyond the safe range too big, not fractional", () => {
            assert.deepEqual(problems("dev", { "main.maxInstances": 2 ** 60 }), [`payment-gateway:main.maxInstances must be at most 5000; got ${2 ** 60}`]);
        });
    });

    it("takes a secure value the harness cannot decrypt as unknown, not as an error", () => {
        const { raw, region } = stackConfig("dev", { "observability.alarmEmails": [{ secure: "v1:abc" }], "main.extraEnvironment": { MPG_SENTRY_DSN: { secure: "v1:def" } } });
        const c = validateConfig(raw, region);
        assert.deepEqual(c.undecrypted.sort(), ["main.extraEnvironment.MPG_SENTRY_DSN", "observability.alarmEmails[0]"]);
        assert.deepEqual(c.observability.alarmEmails, [], "the list that held it stands aside: not validated offline");
        assert.equal(validateConfig(stackConfig("dev").raw, region).undecrypted.length, 0);
    });

    describe("text fields take what the CLI stores for an unquoted value, exactly as typed", () => {
        // `pulumi config set --path` stores an unquoted integer as a number and true/false as a boolean.
        const restore = { "atlas.restore.sourceProjectId": "5f00000000000000000000aa", "atlas.restore.snapshotId": "65f000000000000000000001" };
        const accepted: [string, string, (c: ReturnType<typeof validateConfig>) => unknown, Record<string, unknown>?][] = [
            ["atlas.databaseName", "2024", (c) => c.atlas.databaseName],
            ["loadBalancer.accessLogsBucket", "123456", (c) => c.loadBalancer.accessLogsBucket],
            ["admin.stickiness.cookieName", "12345", (c) => c.admin.stickiness.cookieName, { "admin.stickiness.type": "app_cookie" }],
            ["atlas.restore.sourceClusterName", "2024", (c) => c.atlas.restore?.sourceClusterName, restore],
            ["rotation.cache", "2024", (c) => c.rotation.cache],
            ["rotation.database", "9007199254740991", (c) => c.rotation.database],
            ["rotation.database", "7", (c) => c.rotation.database],
            ["main.extraEnvironment.PORT", "8080", (c) => c.main.extraEnvironment.PORT],
            ["main.extraEnvironment.FEATURE_ON", "true", (c) => c.main.extraEnvironment.FEATURE_ON],
            ["worker.healthCheck.command[1]", "123", (c) => c.worker.healthCheck.command[1], { "worker.healthCheck.command": ["CMD", "x"] }],
        ];
        for (const [key, text, read, also = {}] of accepted) {
            it(`accepts ${key}=${text}, as the text ${text}`, () => {
                const set = { ...also, ...typed({ [key]: text }) };
                assert.notEqual(typeof set[key], "string", "the CLI stores it as a number or a boolean");
                const { raw, region } = stackConfig("dev", set);
                assert.equal(read(validateConfig(raw, region)), text);
            });
        }

        it("refuses an integer beyond the exact range, quoting the digits as typed and how to quote it", () => {
            for (const [key, text] of [["rotation.database", "9007199254740993"], ["rotation.cache", "9007199254740992"], ["main.extraEnvironment.ACCOUNT", "12345678901234567"], ["atlas.databaseName", "-9007199254740993"]]) {
                assert.deepEqual(problems("dev", typed({ [key]: text })), [
                    `payment-gateway:${key} is a number beyond 9007199254740991, which cannot be kept exactly as text: quote it (pulumi config set --path --type string ${key} ${text}, or "${text}" in the stack file); got ${text}`,
                ]);
            }
        });

        it("keeps every digit of a large integer from the engine's JSON", () => {
            const raw = rawConfigFrom({ "payment-gateway:rotation": '{"database": 9007199254740993, "cache": 12}' });
            assert.deepEqual(raw.rotation, { database: 9007199254740993n, cache: 12 });
        });

        it("refuses a decimal where text is expected: YAML keeps no trace of how it was written", () => {
            assert.deepEqual(problems("dev", { "main.extraEnvironment.RATIO": 1.5, "loadBalancer.accessLogsBucket": 12.25 }), [
                'payment-gateway:loadBalancer.accessLogsBucket is a decimal number where text is expected, and YAML keeps no trace of how it was written (it reads 1.50 as 1.5): quote it in the stack file ("12.25"); got 12.25',
                'payment-gateway:main.extraEnvironment.RATIO is a decimal number where text is expected, and YAML keeps no trace of how it was written (it reads 1.50 as 1.5): quote it in the stack file ("1.5"); got 1.5',
            ]);
        });

        it("still judges the text by the field's rule", () => {
            assert.deepEqual(problems("dev", typed({ "rotation.cache": "-5" })), ['payment-gateway:rotation.cache must be 1–16 lower-case letters, digits and hyphens, such as 2026-12 or 2; got "-5"']);
            assert.match(problems("dev", typed({ "atlas.databaseName": "true", "atlas.region": "7" })).join("\n"), /atlas\.region must be an Atlas AWS region .*; got "7"/);
        });
    });

    describe("a list written as a JSON string is the list, for every list", () => {
        const lists: [string, string[], (c: ReturnType<typeof validateConfig>) => unknown][] = [
            ["network.availabilityZones", ["us-east-1a", "us-east-1b"], (c) => c.network.availabilityZones],
            ["admin.allowedCidrs", ["203.0.113.0/24"], (c) => c.admin.allowedCidrs],
            ["observability.alarmEmails", ["oncall@example.com"], (c) => c.observability.alarmEmails],
            ["worker.healthCheck.command", ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"], (c) => c.worker.healthCheck.command],
        ];
        for (const [key, list, read] of lists) {
            it(`accepts ${key} as a JSON string, and refuses one that is not JSON`, () => {
                const { raw, region } = stackConfig("dev", { [key]: JSON.stringify(list) });
                assert.deepEqual(read(validateConfig(raw, region)), list);
                assert.deepEqual(problems("dev", { [key]: `[${JSON.stringify(list[0])},` }), [
                    `payment-gateway:${key} must be a list: a list written as a string must be JSON, such as ["a", "b"]; got ${JSON.stringify(`[${JSON.stringify(list[0])},`)}`,
                ]);
            });
        }

        it("judges the items of a list written as a string at their index", () => {
            assert.deepEqual(problems("dev", { "admin.allowedCidrs": '["10.0.0.0/8", "nope"]', "worker.healthCheck.command": '["RUN", "x"]' }), [
                'payment-gateway:admin.allowedCidrs[1] must be an IPv4 CIDR such as 203.0.113.0/24; got "nope"',
                'payment-gateway:worker.healthCheck.command must start with CMD or CMD-SHELL; got ["RUN","x"]',
            ]);
        });
    });

    describe("keys that name JavaScript's object machinery are refused by name, at any depth", () => {
        const refusedKey = (key: string) => `payment-gateway:${key} is a key no config may have (__proto__, constructor, prototype name JavaScript's object machinery, where a value would vanish): rename it`;
        /** The dev stack's config with `edit` applied to its JSON, as the engine would hand it. */
        const edited = (edit: (values: Record<string, string>) => void) => {
            const { values } = assembleConfig("dev");
            edit(values);
            return rawConfigFrom(values);
        };
        it("under extraEnvironment, in a section, and at the top level", () => {
            const raw = edited((v) => {
                v["payment-gateway:main"] = v["payment-gateway:main"].replace("{", '{"extraEnvironment":{"__proto__":"x","GOOD":"y","constructor":"z"},');
                v["payment-gateway:atlas"] = v["payment-gateway:atlas"].replace("{", '{"prototype":{"polluted":true},');
                v["payment-gateway:__proto__"] = '{"polluted": true}';
                v["payment-gateway:constructor"] = "x";
            });
            assert.throws(() => validateConfig(raw, "us-east-1"), (e: ConfigError) => {
                assert.deepEqual(
                    e.problems.map((p) => `payment-gateway:${p.path}`).sort(),
                    ["payment-gateway:__proto__", "payment-gateway:atlas.prototype", "payment-gateway:constructor", "payment-gateway:main.extraEnvironment.__proto__", "payment-gateway:main.extraEnvironment.constructor"],
                );
                assert.ok(e.message.includes(refusedKey("main.extraEnvironment.__proto__")), e.message);
                assert.ok(e.message.includes(refusedKey("__proto__")), e.message);
                return true;
            });
            assert.equal(({} as Record<string, unknown>).polluted, undefined, "nothing reached Object.prototype");
        });
    });

    describe("one problem per key", () => {
        const restore = { "atlas.restore.sourceProjectId": "5f00000000000000000000aa", "atlas.restore.sourceClusterName": "pg-prod", "atlas.restore.snapshotId": "65f000000000000000000001" };
        const cases: [Record<string, unknown>, string][] = [
            [{ ...restore, "atlas.restore.sourceProjectId": "xyz" }, 'payment-gateway:atlas.restore.sourceProjectId must be 24 hex characters; got "xyz"'],
            [{ ...restore, "atlas.restore.sourceClusterName": "-bad" }, 'payment-gateway:atlas.restore.sourceClusterName must be an Atlas cluster name (letters, digits and hyphens, starting with a letter or digit); got "-bad"'],
            [{ ...restore, "atlas.restore.sourceClusterName": 7.5 }, "payment-gateway:atlas.restore.sourceClusterName is a decimal number where text is expected"],
            [{ "atlas.autoScaling": { minTier: "M1", maxTier: "M30" } }, 'payment-gateway:atlas.autoScaling.minTier must be one of M10, M20, M30, M40, M50, M60, M80, M140, M200, M300; got "M1"'],
            [{ "atlas.autoScaling": { minTier: "M10", maxTier: 30 } }, "payment-gateway:atlas.autoScaling.maxTier must be one of M10"],
            [{ "main.maxInstances": 2 ** 60 }, "payment-gateway:main.maxInstances must be at most 5000"],
        ];
        for (const [set, message] of cases) {
            it(`reports ${Object.keys(set).join(", ")} once`, () => {
                const found = problems("dev", set);
                assert.equal(found.length, 1, found.join("\n"));
                assert.ok(found[0].startsWith(message), found[0]);
            });
        }

        it("says together what two rules refuse in one key", () => {
            assert.deepEqual(problems("dev", { "network.availabilityZones": ["us-east-1a", "us-east-1a", "us-east-1b"] }), [
                'payment-gateway:network.availabilityZones must list exactly network.azCount (2) zones, and must not repeat a zone; got ["us-east-1a","us-east-1a","us-east-1b"]',
            ]);
        });
    });

    describe("every problem that can be computed, and what could not be checked and why", () => {
        it("checks the budget and the pool alongside a checklist problem", () => {
            // The health-check path is read by neither the budget nor the pool sizes.
            const found = refusal("prod", { "loadBalancer.healthCheck.path": "/healthz", "cost.monthlyBudget": 10, "pool.maxPoolSize": 1000 });
            assert.equal(found.problems.length, 3, found.problems.join("\n"));
            assert.ok(found.problems[0].startsWith("payment-gateway:loadBalancer.healthCheck.path must be /health in prod"), found.problems[0]);
            assert.ok(found.problems.some((p) => p.startsWith("payment-gateway:pool.maxPoolSize does not fit atlas.tier M30")), found.problems.join("\n"));
            assert.ok(found.problems.some((p) => /^payment-gateway:cost\.monthlyBudget is below the stack's ceiling of \$\d+\.\d\d\/month/.test(p)), found.problems.join("\n"));
            assert.deepEqual(found.unchecked, []);
        });

        it("says a check was not run, and which refused value it needed", () => {
            const found = refusal("prod", { "main.instances": 1.5, "cost.monthlyBudget": 10, "atlas.tier": "M5" });
            assert.deepEqual(found.problems, ["payment-gateway:main.instances must be a whole number; got 1.5", 'payment-gateway:atlas.tier must be one of M10, M20, M30, M40, M50, M60, M80, M140, M200, M300; got "M5"']);
            assert.deepEqual(found.unchecked, [
                "payment-gateway:pool: the MongoDB connection budget (pool sizes against atlas.tier) was not checked: it reads atlas.tier, refused above",
                "payment-gateway:cost.monthlyBudget: the monthly cost against the budget was not checked: it reads main.instances, atlas.tier, refused above",
            ]);
        });

        it("checks the budget with a checklist problem on a key it reads, and says why not", () => {
            const found = refusal("prod", { "main.instances": 1, "cost.monthlyBudget": 10 });
            assert.deepEqual(found.problems, ["payment-gateway:main.instances must be at least 2 in prod (HA checklist: two main backend instances); got 1"]);
            assert.deepEqual(found.unchecked, ["payment-gateway:cost.monthlyBudget: the monthly cost against the budget was not checked: it reads main.instances, refused above"]);
        });

        it("counts a value that defaults from a refused one as refused", () => {
            // dev sets no maxInstances: it defaults from instances, and the budget reads it.
            assert.deepEqual(refusal("dev", { "main.instances": "three" }).unchecked, ["payment-gateway:pool: the MongoDB connection budget (pool sizes against atlas.tier) was not checked: it reads main.instances, refused above"]);
            // The estimate reads defaults that depend on the environment (WAF, endpoints, PrivateLink, access logs).
            assert.deepEqual(refusal("dev", { environment: "qa", "cost.monthlyBudget": 10 }).unchecked.slice(-1), ["payment-gateway:cost.monthlyBudget: the monthly cost against the budget was not checked: it reads environment, refused above"]);
        });

        it("goes on without a usable environment or region", () => {
            const env = refusal("prod", { environment: "production", "main.maxInstances": 1 });
            assert.deepEqual(env.problems, ['payment-gateway:environment must be one of dev, staging, prod; got "production"', "payment-gateway:main.maxInstances must be at least main.instances (3); got 1"]);
            assert.deepEqual(env.unchecked, [
                "payment-gateway:environment: the Production HA Checklist (and every rule that applies in prod only) was not checked: it reads environment, refused above",
                // The budget counts each release's peak, whose strategy defaults from the environment.
                "payment-gateway:pool: the MongoDB connection budget (pool sizes against atlas.tier) was not checked: it reads main.maxInstances, environment, refused above",
            ]);
            // The region's own rules wait for a region; the others do not.
            const region = refusal("dev", { "aws:region": "moon-base-1", "network.cidr": "10.10.0.1/16", "network.availabilityZones": ["eu-west-1a", "eu-west-1b"] });
            assert.deepEqual(region.problems, ['payment-gateway needs aws:region to be an AWS region such as us-east-1; got "moon-base-1"', 'payment-gateway:network.cidr has host bits set: the block is 10.10.0.0/16; got "10.10.0.1/16"']);
        });
    });

    describe("a secure value the offline plan cannot decrypt", () => {
        it("is named where nothing can stand in for it: a required key, or one without a default", () => {
            const restore = { "atlas.restore.sourceClusterName": "pg-prod", "atlas.restore.snapshotId": "65f000000000000000000001" };
            for (const [key, also] of [["environment", {}], ["domain", {}], ["atlas.orgId", {}], ["loadBalancer.hostedZoneId", {}], ["atlas.restore.sourceProjectId", restore], ["admin.stickiness.cookieName", { "admin.stickiness.type": "app_cookie" }]] as const) {
                assert.deepEqual(problems("dev", { ...also, [key]: { secure: "v1:abc" } }), [
                    `payment-gateway:${key} is a secure value the offline plan cannot decrypt, and no default can stand in for it: plan with a plain value (--set-string ${key}=…), or run \`pulumi preview\`, which decrypts it`,
                ]);
            }
        });

        it("gives way to its default where there is one", () => {
            const { raw, region } = stackConfig("dev", { "atlas.tier": { secure: "v1:abc" }, "cache.port": { secure: "v1:def" } });
            const c = validateConfig(raw, region);
            assert.deepEqual([c.atlas.tier, c.cache.port, c.undecrypted.sort()], ["M10", 6379, ["atlas.tier", "cache.port"]]);
        });
    });

    describe("build contexts are checked against the project's files", () => {
        const build = (context: string, dockerfile?: string) => ({ "admin.image": undefined, "admin.build": { context, ...(dockerfile ? { dockerfile } : {}) } });
        it("accepts a directory that holds its Dockerfile", () => {
            const { raw, region } = stackConfig("dev", build("tests/fixtures/app"));
            assert.equal(validateConfig(raw, region, undefined, Date.now(), { root: ROOT }).admin.build?.context, "tests/fixtures/app");
        });
        it("names the key of a missing context, a file given as one, and a missing or misplaced Dockerfile", () => {
            const app = path.join(ROOT, "tests/fixtures/app");
            assert.deepEqual(problems("dev", build("tests/fixtures/nope"), ROOT), [`payment-gateway:admin.build.context must be a directory relative to the project root; ${path.join(ROOT, "tests/fixtures/nope")} does not exist; got "tests/fixtures/nope"`]);
            assert.deepEqual(problems("dev", build("tests/fixtures/app/server.js"), ROOT), [`payment-gateway:admin.build.context must be a directory; ${app}/server.js is a file; got "tests/fixtures/app/server.js"`]);
            assert.deepEqual(problems("dev", build("tests/fixtures/app", "Dockerfile.prod"), ROOT), [`payment-gateway:admin.build.dockerfile must be a file in the build context; ${app}/Dockerfile.prod does not exist; got "Dockerfile.prod"`]);
            assert.deepEqual(problems("dev", build("tests/fixtures", "app"), ROOT), [`payment-gateway:admin.build.dockerfile must be a file in the build context; ${app} is a directory; got "app"`]);
        });
    });

    describe("day one", () => {
        const SM = "arn:aws:secretsmanager:us-east-1:123456789012:secret:payment-gateway/processor-AbCdEf";
        const SSM = "arn:aws:ssm:us-east-1:123456789012:parameter/payment-gateway/webhook-signing-key";
        /** A stack from the documented defaults: only what has no default. */
        const minimal = (extra: Record<string, unknown> = {}) => ({
            environment: "dev",
            domain: "pay.example.com",
            loadBalancer: { hostedZoneId: "Z0DEVEXAMPLE00000001" },
            atlas: { orgId: "5f0000000000000000000001" },
            admin: { image: "registry.example.com/payment-gateway/admin:1.0.0" },
            main: { image: "registry.example.com/payment-gateway/main:1.0.0" },
            worker: { image: "registry.example.com/payment-gateway/main:1.0.0", command: ["/app/worker"] },
            ...extra,
        });

        it("accepts a minimal stack from the documented defaults: the worker's memory fits its default concurrency", () => {
            const c = validateConfig(minimal(), "us-east-1");
            assert.equal(c.worker.concurrency, 4);
            assert.ok(c.worker.memory >= 512 + 256 * c.worker.concurrency, `worker.memory ${c.worker.memory}`);
            assert.equal(c.worker.memory, 2048, "the smallest Fargate size for cpu 512 that fits 4 jobs");
            assert.equal(c.main.memory, 1024);
            // A set memory is kept as it is, and judged.
            assert.equal(validateConfig(minimal({ worker: { ...minimal().worker, memory: 4096 } }), "us-east-1").worker.memory, 4096);
            assert.equal(validateConfig(minimal({ worker: { ...minimal().worker, concurrency: 2 } }), "us-east-1").worker.memory, 1024);
        });

        it("requires the worker's command when it runs the main backend's image, and passes it to the container", () => {
            const { worker: _w, ...rest } = minimal();
            assert.throws(() => validateConfig({ ...rest, worker: { image: "registry.example.com/payment-gateway/main:1.0.0" } }, "us-east-1"),
                /payment-gateway:worker\.command is required when the worker runs the main backend's image: without it the worker's tasks start the main backend's API server/);
            assert.throws(() => validateConfig(minimal({ main: { image: "registry.example.com/payment-gateway/main:1.0.0", command: ["/app/worker"] } }), "us-east-1"),
                /payment-gateway:worker\.command must differ from main's/);
            // A worker image of its own needs no command; an entry point alone distinguishes it too.
            validateConfig({ ...rest, worker: { image: "registry.example.com/payment-gateway/worker:1.0.0" } }, "us-east-1");
            validateConfig({ ...rest, worker: { image: "registry.example.com/payment-gateway/main:1.0.0", entryPoint: ["/app/worker"] } }, "us-east-1");
            for (const stack of ["dev", "staging", "prod"]) assert.deepEqual(validateConfig(stackConfig(stack).raw, "us-east-1").worker.command, ["/app/worker"], stack);
            assert.deepEqual(problems("dev", { "worker.command": [] }).filter((p) => p.includes("worker.command")), [
                "payment-gateway:worker.command must list at least the executable; leave command unset for the image's own; got []",
            ]);
        });

        it("takes a service's own secrets from Secrets Manager (whole, a JSON key, a version) or SSM, and refuses the rest", () => {
            const c = validateConfig(minimal({ main: { image: "registry.example.com/payment-gateway/main:1.0.0", secrets: { PROCESSOR_API_KEY: SM, PROCESSOR_WEBHOOK: `${SM}:webhook::`, PREVIOUS_KEY: `${SM}::AWSPREVIOUS:`, SIGNING_KEY: SSM } } }), "us-east-1");
            assert.deepEqual(Object.keys(c.main.secrets).sort(), ["PREVIOUS_KEY", "PROCESSOR_API_KEY", "PROCESSOR_WEBHOOK", "SIGNING_KEY"]);
            const refused = problems("dev", {
                "main.secrets": { MPG_DATABASE_URI: SM, OTEL_TOKEN: SSM, "1BAD": SM, PLAIN: "hunter2", HALF: `${SM}:key`, PARTIAL: SM.replace(/-AbCdEf$/, ""), PARTIAL_KEY: `${SM.replace(/-AbCdEf$/, "")}:apiKey::` },
                "admin.secrets": { SHARED: SM },
                "admin.extraEnvironment": { SHARED: "x" },
            });
            const expect = [
                "payment-gateway:main.secrets.MPG_DATABASE_URI is set by the program",
                "payment-gateway:main.secrets.OTEL_TOKEN is set by the program",
                'payment-gateway:main.secrets["1BAD"] is not an environment variable name',
                "payment-gateway:main.secrets.PLAIN must be the ARN of a Secrets Manager secret",
                "payment-gateway:main.secrets.HALF must be the ARN of a Secrets Manager secret",
                "payment-gateway:admin.secrets.SHARED is also set in admin.extraEnvironment",
                // ECS finds a secret by a partial ARN, but the execution role's grant would name it and match nothing.
                "payment-gateway:main.secrets.PARTIAL is a partial Secrets Manager ARN",
                "payment-gateway:main.secrets.PARTIAL_KEY is a partial Secrets Manager ARN",
            ];
            for (const e of expect) assert.ok(refused.some((p) => p.startsWith(e)), `expected "${e}" among:\n${refused.join("\n")}`);
            // What stands where an ARN belongs may be the secret itself, pasted by mistake: never repeated.
            assert.ok(refused.every((p) => !p.includes("hunter2")), refused.join("\n"));
            assert.ok(refused.some((p) => p.startsWith("payment-gateway:main.secrets.PLAIN") && p.endsWith("(the value given is not repeated: it may be the secret itself)")), refused.join("\n"));
            assert.ok(problems("dev", { "admin.repositoryCredentials": "s3cr3t-password" }).every((p) => !p.includes("s3cr3t-password")));
            // An ARN is no secret: a refused one is shown, to be corrected.
            assert.ok(refused.some((p) => p.endsWith(`got "${SM}:key"`)), refused.join("\n"));
        });

        it("takes registry credentials for a private registry other than ECR, as a Secrets Manager ARN", () => {
            const c = validateConfig(minimal({ admin: { image: "registry.example.com/payment-gateway/admin:1.0.0", repositoryCredentials: SM } }), "us-east-1");
            assert.equal(c.admin.repositoryCredentials, SM);
            const refused = problems("dev", { "admin.repositoryCredentials": `${SM}:username::`, "main.repositoryCredentials": SM, "main.image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/gateway/main:1.0.0", "worker.repositoryCredentials": SM.replace(/-AbCdEf$/, "") });
            assert.ok(refused.some((p) => p.startsWith("payment-gateway:admin.repositoryCredentials must be the ARN of a Secrets Manager secret")), refused.join("\n"));
            assert.ok(refused.some((p) => p.startsWith("payment-gateway:worker.repositoryCredentials is a partial Secrets Manager ARN")), refused.join("\n"));
            assert.ok(refused.some((p) => p.startsWith("payment-gateway:main.repositoryCredentials does not apply to an ECR image")), refused.join("\n"));
        });

        it("makes the load balancer's health-check path config, /health by default", () => {
            assert.equal(validateConfig(minimal(), "us-east-1").loadBalancer.healthCheck.path, "/health");
            assert.equal(validateConfig(stackConfig("dev", { "loadBalancer.healthCheck.path": "/ready" }).raw, "us-east-1").loadBalancer.healthCheck.path, "/ready");
            assert.ok(problems("dev", { "loadBalancer.healthCheck.path": "health" }).some((p) => p.startsWith("payment-gateway:loadBalancer.healthCheck.path must be a path such as /health")));
            assert.ok(problems("dev", { "loadBalancer.healthCheck.path": `/${"a".repeat(1024)}` }).some((p) => p.startsWith("payment-gateway:loadBalancer.healthCheck.path must be at most 1024 characters")));
        });
    });
});

