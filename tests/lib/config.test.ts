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

    it("has a stack file for each environment and nothing else", () => {
        assert.deepEqual(listStacks(), ["dev", "prod", "staging"]);
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
        ["a count given as a string", { "main.instances": "3" }, 'payment-gateway:main.instances must be a number; got "3"'],
        ["a negative count", { "main.instances": -1 }, "payment-gateway:main.instances must be at least 1; got -1"],
        ["a fractional count", { "worker.instances": 1.5 }, "payment-gateway:worker.instances must be a whole number; got 1.5"],
        ["an unknown tier", { "atlas.tier": "M5" }, 'payment-gateway:atlas.tier must be one of M10, M20, M30, M40, M50, M60, M80, M140, M200, M300; got "M5"'],
        ["an AWS-style Atlas region", { "atlas.region": "us-east-1" }, 'payment-gateway:atlas.region must be an Atlas region such as US_EAST_1; got "us-east-1"'],
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
});
