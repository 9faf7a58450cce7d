import { strict as assert } from "assert";
import {
    ATLAS_TIER_CONNECTIONS,
    ELASTICACHE_AUTH_TOKEN,
    FARGATE_MEMORY_BY_CPU,
    LOG_RETENTION_DAYS,
    atlasMatcherProblems,
    atlasRegionName,
    describeFargateMemory,
    isValidElbName,
    isValidFargateSize,
    isValidRecoveryWindow,
    isValidReplicationGroupId,
    isValidSecretName,
    isValidSecurityGroupDescription,
    isValidSecurityGroupRuleDescription,
} from "../../lib/limits";

describe("AWS and Atlas limits", () => {
    it("knows the Fargate cpu/memory pairs", () => {
        assert.ok(isValidFargateSize(256, 512));
        assert.ok(isValidFargateSize(256, 2048));
        assert.ok(!isValidFargateSize(256, 3072));
        assert.ok(isValidFargateSize(4096, 30720));
        assert.ok(!isValidFargateSize(4096, 31744));
        assert.ok(isValidFargateSize(8192, 61440));
        assert.ok(!isValidFargateSize(8192, 17408), "8 vCPU steps by 4 GiB");
        assert.ok(!isValidFargateSize(300, 1024));
        assert.equal(FARGATE_MEMORY_BY_CPU[16384].length, 12);
        assert.equal(describeFargateMemory(1024), "2048–8192 in steps of 1024");
        assert.match(describeFargateMemory(3), /cpu must be one of 256, 512/);
    });

    it("knows CloudWatch's retention values", () => {
        assert.ok(LOG_RETENTION_DAYS.includes(731));
        assert.ok(!LOG_RETENTION_DAYS.includes(730));
    });

    it("checks ELB names: 32 characters, alphanumerics and inner hyphens, no internal- prefix", () => {
        assert.ok(isValidElbName("pg-admin-1a2b3c4"));
        assert.ok(!isValidElbName("a".repeat(33)));
        assert.ok(!isValidElbName("-pg"));
        assert.ok(!isValidElbName("pg-"));
        assert.ok(!isValidElbName("internal-pg"));
        assert.ok(!isValidElbName("pg_admin"));
    });

    it("checks ElastiCache ids and auth tokens", () => {
        assert.ok(isValidReplicationGroupId("pg-prod-cache"));
        assert.ok(!isValidReplicationGroupId("1pg"));
        assert.ok(!isValidReplicationGroupId("pg--cache"));
        assert.ok(!isValidReplicationGroupId("pg-"));
        assert.ok(!isValidReplicationGroupId("p" + "g".repeat(40)));
        assert.match("A".repeat(16), ELASTICACHE_AUTH_TOKEN);
        assert.doesNotMatch("A".repeat(15), ELASTICACHE_AUTH_TOKEN);
        assert.doesNotMatch("A".repeat(20) + "@", ELASTICACHE_AUTH_TOKEN);
        assert.doesNotMatch("A".repeat(20) + "/", ELASTICACHE_AUTH_TOKEN);
        assert.doesNotMatch("A".repeat(20) + " ", ELASTICACHE_AUTH_TOKEN);
    });

    it("checks Secrets Manager names and recovery windows", () => {
        assert.ok(isValidSecretName("payment-gateway/prod/database-uri"));
        assert.ok(!isValidSecretName("payment gateway"));
        assert.ok(isValidRecoveryWindow(0) && isValidRecoveryWindow(7) && isValidRecoveryWindow(30));
        assert.ok(!isValidRecoveryWindow(3) && !isValidRecoveryWindow(31));
    });

    it("checks security-group descriptions (EC2 rejects an apostrophe; rules also reject &)", () => {
        assert.ok(isValidSecurityGroupDescription("Cache: the engine port from the gateway services only"));
        assert.ok(!isValidSecurityGroupDescription("the gateway's services"));
        assert.ok(!isValidSecurityGroupDescription("x".repeat(256)));
        assert.ok(isValidSecurityGroupDescription("a & b"));
        assert.ok(!isValidSecurityGroupRuleDescription("a & b"));
        assert.ok(isValidSecurityGroupRuleDescription("HTTP from the internet (redirected to HTTPS)"));
    });

    it("knows Atlas tiers' connection limits and region names", () => {
        assert.equal(ATLAS_TIER_CONNECTIONS.M10, 1500);
        assert.equal(ATLAS_TIER_CONNECTIONS.M300, 128000);
        assert.equal(atlasRegionName("eu-west-1"), "EU_WEST_1");
    });

    it("refuses the Atlas alert matchers Atlas refuses for the event type", () => {
        assert.deepEqual(atlasMatcherProblems("OUTSIDE_METRIC_THRESHOLD", [{ fieldName: "TYPE_NAME", operator: "EQUALS", value: "PRIMARY" }]), []);
        assert.deepEqual(atlasMatcherProblems("OUTSIDE_METRIC_THRESHOLD", [{ fieldName: "REPLICA_SET_NAME", operator: "STARTS_WITH", value: "atlas-" }]), []);
        assert.match(atlasMatcherProblems("OUTSIDE_METRIC_THRESHOLD", [{ fieldName: "CLUSTER_NAME", operator: "EQUALS", value: "pg-prod" }]).join(), /host event\) takes matcher fields TYPE_NAME.*not CLUSTER_NAME/);
        assert.deepEqual(atlasMatcherProblems("NO_PRIMARY", [{ fieldName: "CLUSTER_NAME", operator: "EQUALS", value: "pg-prod" }]), []);
        assert.match(atlasMatcherProblems("OUTSIDE_METRIC_THRESHOLD", [{ fieldName: "TYPE_NAME", operator: "EQUALS", value: "LEADER" }]).join(), /not LEADER/);
        assert.match(atlasMatcherProblems("OUTSIDE_METRIC_THRESHOLD", [{ fieldName: "PORT", operator: "LIKE", value: "27017" }]).join(), /operator LIKE/);
        assert.match(atlasMatcherProblems("SOMETHING_ELSE", []).join(), /not in the table/);
    });
});
