import { strict as assert } from "assert";
import { ConfigError, validateConfig } from "../../lib/config";
import { rawConfigFrom } from "../../lib/stackConfig";
import { assembleConfig, listStacks } from "../harness";

/** The raw config a stack file (plus overrides) hands the program, and its AWS region. */
function stackConfig(stack: string, set: Record<string, unknown> = {}) {
    const { values } = assembleConfig(stack, set);
    return { raw: rawConfigFrom(values), region: values["aws:region"] };
}

function problems(stack: string, set: Record<string, unknown>): string[] {
    const { raw, region } = stackConfig(stack, set);
    try {
        validateConfig(raw, region);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
        return (e as ConfigError).message.split("\n").slice(1).map((l) => l.replace(/^ {2}- /, ""));
    }
    assert.fail(`expected ${JSON.stringify(set)} to be refused on ${stack}`);
}

describe("config", () => {
    for (const stack of ["dev", "staging", "prod"]) {
        it(`accepts the ${stack} stack file`, () => {
            const { raw, region } = stackConfig(stack);
            const c = validateConfig(raw, region);
            assert.equal(c.environment, stack);
        });
    }

    it("has a stack file for each environment, and the restore drill's", () => {
        assert.deepEqual(listStacks(), ["dev", "prod", "restore-drill", "staging"]);
        const drill = stackConfig("restore-drill");
        assert.equal(validateConfig(drill.raw, drill.region, "restore-drill").purpose, "restore-drill");
    });

    it("judges an atlas.tier edit against the tier the last deployment ran, while disk auto-scaling is on", () => {
        const edited = stackConfig("dev", { "atlas.tier": "M20" });
        assert.throws(() => validateConfig(edited.raw, edited.region, "dev", Date.now(), { atlasTier: "M10" }), /payment-gateway:atlas\.tier is not applied while disk auto-scaling is on \(Atlas keeps the running M10, and the pools would be sized for M20\)/);
        assert.equal(validateConfig(edited.raw, edited.region, "dev", Date.now(), { atlasTier: "M20" }).atlas.tier, "M20", "unchanged");
        assert.equal(validateConfig(edited.raw, edited.region, "dev").atlas.tier, "M20", "a first deployment");
        const off = stackConfig("dev", { "atlas.tier": "M20", "atlas.diskAutoScaling": false });
        assert.equal(validateConfig(off.raw, off.region, "dev", Date.now(), { atlasTier: "M10" }).atlas.tier, "M20", "applied with disk auto-scaling off");
        const compute = stackConfig("dev", { "atlas.tier": "M20", "atlas.autoScaling": { minTier: "M10", maxTier: "M30" } });
        assert.equal(validateConfig(compute.raw, compute.region, "dev", Date.now(), { atlasTier: "M10" }).atlas.tier, "M20", "with compute auto-scaling the floor, not the tier, sizes the pools");
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
            const found = problems("dev", { "main.extraEnvironment": { GOOD: 1 }, "admin.stickiness": { cookieName: 7, type: "app_cookie" }, "worker.build": { context: 3 } });
            for (const p of found) assert.doesNotMatch(p, /Invalid input|expected \w+, received/, p);
            assert.ok(found.includes("payment-gateway:main.extraEnvironment.GOOD must be a string (quote numbers and booleans); got 1"), found.join("\n"));
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
});
