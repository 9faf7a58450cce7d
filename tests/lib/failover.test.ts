import { strict as assert } from "assert";
import { ConfigError, validateConfig } from "../../lib/config";
import { rawConfigFrom } from "../../lib/stackConfig";
import { cidrsOverlap } from "../../lib/cidr";
import { fleetsConnected } from "../../lib/pool";
import { PrimaryFacts, StandbyExpectation, cacheFailover, deployedCache, deployedDatastore, gate, readPrimary, standbyStep } from "../../lib/failover";
import { ELASTICACHE_ENGINE_VERSIONS, ELASTICACHE_NODE_TYPES, GLOBAL_DATASTORE, isGlobalDatastoreNodeType } from "../../lib/limits";
import { assembleConfig, examplePrimaryOutputs } from "../harness";

function validate(stack: string, set: Record<string, unknown> = {}, last = {}) {
    const { values } = assembleConfig(stack, set);
    return validateConfig(rawConfigFrom(values), values["aws:region"], stack, Date.now(), { last });
}
function refused(stack: string, set: Record<string, unknown>, last = {}): string[] {
    try {
        validate(stack, set, last);
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e.problems.map((p) => `${p.path}: ${p.message}`);
    }
    assert.fail(`expected ${JSON.stringify(set)} to be refused on ${stack}`);
}

const WANT: StandbyExpectation = {
    primaryCidr: "10.30.0.0/16",
    primaryStack: "prod",
    primaryRegion: "us-east-1",
    region: "us-east-2",
    domain: "pay.example.com",
    hostedZoneId: "Z0PRODEXAMPLE0000001",
    failoverRecords: false,
    atlasTier: "M30",
    ceilings: { admin: 4, main: 8, worker: 6 },
};
const facts = (): PrimaryFacts => structuredClone(examplePrimaryOutputs("standby-prod").prod) as PrimaryFacts;

describe("warm standby (lib/failover.ts, config)", () => {
    it("accepts the example standby and sizes its pools for two fleets at prod's ceilings", () => {
        const standby = validate("standby-prod");
        const prod = validate("prod");
        assert.equal(fleetsConnected(standby), 2);
        assert.equal(fleetsConnected(prod), 1);
        // Two fleets at the same ceilings: twice the tasks, and each pool no larger than prod's alone.
        assert.equal(standby.connections.peakTasks, 2 * prod.connections.peakTasks);
        for (const s of standby.connections.services) assert.ok(s.maxPoolSize <= prod.connections.services.find((p) => p.name === s.name)!.maxPoolSize, s.name);
        assert.ok(standby.connections.peakConnections <= standby.connections.budget);
        // The warm floor, and the ceilings the standby shares with prod.
        assert.deepEqual([standby.admin.instances, standby.main.instances, standby.worker.instances], [standby.standby!.warmInstances.admin, standby.standby!.warmInstances.main, standby.standby!.warmInstances.worker]);
        assert.deepEqual([standby.admin.instances, standby.main.instances, standby.worker.instances], [2, 2, 1]);
        assert.deepEqual([standby.admin.maxInstances, standby.main.maxInstances, standby.worker.maxInstances], [prod.admin.maxInstances, prod.main.maxInstances, prod.worker.maxInstances]);
    });

    it("is prod's standby in the example files: the same services, images, sizes and tier, another region and range", () => {
        const standby = validate("standby-prod");
        const prod = validate("prod");
        for (const name of ["admin", "main", "worker"] as const)
            for (const key of ["maxInstances", "cpu", "memory", "image", "command", "architecture"] as const) assert.deepEqual(standby[name][key], prod[name][key], `${name}.${key}`);
        assert.equal(standby.atlas.tier, prod.atlas.tier);
        assert.equal(standby.domain, prod.domain);
        assert.deepEqual([standby.standby!.primaryStack, standby.standby!.primaryRegion, standby.standby!.primaryCidr], ["prod", prod.region, prod.network.cidr]);
        assert.equal(cidrsOverlap(standby.network.cidr, prod.network.cidr), false);
    });

    it("has no setting for the gate without data: only LastKnownStatus neither fails over a new gate nor reopens a closed one", () => {
        for (const value of ["Healthy", "Unhealthy", "LastKnownStatus"]) {
            const found = refused("standby-prod", { "standby.gateWithoutData": value });
            assert.ok(found.some((p) => p.startsWith("standby: ") && p.includes('"gateWithoutData"')), found.join("\n"));
        }
    });

    it("refuses a standby in the primary's region, over the primary's range, or above its ceilings, each by its key", () => {
        const found = refused("standby-prod", { "standby.primaryRegion": "us-east-2", "network.cidr": "10.30.0.0/16", "standby.warmInstances.main": 9, "atlas.orgId": "5f0000000000000000000001" });
        assert.ok(found.some((p) => p.startsWith("standby.primaryRegion: must differ from the standby's own aws:region (us-east-2)")), found.join("\n"));
        assert.ok(found.some((p) => p.startsWith("network.cidr: must not overlap the primary's VPC (standby.primaryCidr 10.30.0.0/16)")), found.join("\n"));
        assert.ok(found.some((p) => p.startsWith("standby.warmInstances.main: must not exceed main.maxInstances (8)")), found.join("\n"));
        assert.ok(found.some((p) => p.startsWith("atlas: must name no orgId or projectId on a standby")), found.join("\n"));
        assert.ok(refused("standby-prod", { standby: undefined }).some((p) => p.startsWith("standby: is required when purpose is standby")));
        assert.ok(refused("prod", { "standby.primaryStack": "x", "standby.primaryRegion": "us-east-2", "standby.primaryCidr": "10.31.0.0/16" }).some((p) => p.startsWith("standby: applies only to purpose standby")));
    });

    it("holds the HA checklist on the standby's ceilings, not its warm floor", () => {
        // A floor of one is accepted in prod on a standby, whose ceiling holds the checklist…
        assert.equal(validate("standby-prod", { "standby.warmInstances.admin": 1 }).admin.instances, 1);
        // …but a ceiling of one is not.
        assert.ok(refused("standby-prod", { "admin.maxInstances": 1, "standby.warmInstances.admin": 1 }).some((p) => p.startsWith("admin.maxInstances: must be at least 2 in prod")));
    });

    it("tells overlapping ranges from disjoint ones", () => {
        assert.equal(cidrsOverlap("10.30.0.0/16", "10.30.128.0/20"), true);
        assert.equal(cidrsOverlap("10.30.0.0/16", "10.31.0.0/16"), false);
        assert.equal(cidrsOverlap("10.0.0.0/8", "10.31.0.0/16"), true);
    });

    describe("the DNS cutover on the primary", () => {
        it("refuses handing the names to the standby on a stack that answered them, unless acknowledged", () => {
            const found = refused("prod", { "loadBalancer.dnsRecords": "standby" }, { dnsRecords: "alias" });
            assert.ok(found.some((p) => p.startsWith("loadBalancer.dnsRecords: is a DNS cutover on this deployed stack")), found.join("\n"));
            assert.equal(validate("prod", { "loadBalancer.dnsRecords": "standby", "loadBalancer.dnsCutoverAcknowledged": true }, { dnsRecords: "alias" }).loadBalancer.dnsRecords, "standby");
            // Once handed over (or on a stack that never had them), nothing to acknowledge.
            assert.equal(validate("prod", { "loadBalancer.dnsRecords": "standby" }, { dnsRecords: "standby" }).loadBalancer.dnsRecords, "standby");
        });
    });

    describe("regionLoss.cache global on the primary (Global Datastore prerequisites)", () => {
        it("is cold by default, and accepts global with prod-multiregion's cache.m7g.large × 2", () => {
            assert.equal(validate("prod-multiregion").regionLoss!.cache, "cold");
            assert.equal(validate("prod-multiregion", { "regionLoss.cache": "global" }).regionLoss!.cache, "global");
            assert.ok(refused("prod-multiregion", { "regionLoss.cache": "warm" }).some((p) => p.startsWith("regionLoss.cache: ")));
        });

        it("refuses a burstable or too small node type and a single node, all at once, each by its key", () => {
            const found = refused("prod-multiregion", { "regionLoss.cache": "global", "cache.nodeType": "cache.t4g.medium", "cache.nodes": 1 });
            assert.ok(found.some((p) => p.startsWith("cache.nodeType: must be a node type a Global Datastore takes with regionLoss.cache global: families M5, M6g, M7g, R5, R6g, R6gd, R7g, C7gn, size large and above")), found.join("\n"));
            assert.ok(found.some((p) => p.startsWith("cache.nodes: must be at least 2 with regionLoss.cache global")), found.join("\n"));
            // The same settings are fine with a cold standby cache.
            assert.equal(validate("prod-multiregion", { "cache.nodeType": "cache.m7g.large", "cache.nodes": 2 }).regionLoss!.cache, "cold");
            assert.deepEqual(refused("prod-multiregion", { "regionLoss.cache": "global", "cache.nodeType": "cache.m4.large" }).filter((p) => p.startsWith("cache.")).map((p) => p.split(":")[0]), ["cache.nodeType"]);
        });

        it("takes exactly the families of the prerequisites page, large and above", () => {
            const offered = Object.keys(ELASTICACHE_NODE_TYPES);
            const taken = offered.filter(isGlobalDatastoreNodeType);
            assert.ok(taken.includes("cache.m7g.large") && taken.includes("cache.r6g.16xlarge") && taken.includes("cache.m5.large"));
            for (const t of taken) assert.match(t, /^cache\.(m5|m6g|m7g|r5|r6g|r6gd|r7g|c7gn)\./);
            for (const t of ["cache.t4g.medium", "cache.t3.small", "cache.m4.large", "cache.r4.large", "cache.c7gn.medium", "cache.m7g.medium"]) assert.equal(isGlobalDatastoreNodeType(t), false, t);
            assert.equal(isGlobalDatastoreNodeType("cache.c7gn.large"), true);
        });

        it("refuses engine, version and eviction-policy edits of a cache in its datastore, judged against what the last update deployed", () => {
            const ran = { engine: "valkey", engineVersion: "8.0", maxmemoryPolicy: "volatile-lru" };
            const last = { cacheDatastore: ran };
            assert.equal(validate("prod-multiregion", { "regionLoss.cache": "global" }, last).cache.engineVersion, "8.0");
            const found = refused("prod-multiregion", { "regionLoss.cache": "global", "cache.engine": "redis", "cache.engineVersion": "7.1", "cache.maxmemoryPolicy": "volatile-lfu" }, last);
            assert.deepEqual(found.filter((p) => /is not applied while this stack's cache is the primary of a Global Datastore/.test(p)).map((p) => p.split(":")[0]), ["cache.engine", "cache.engineVersion", "cache.maxmemoryPolicy"]);
            assert.ok(found.some((p) => p.startsWith("cache.engineVersion: is not applied while this stack's cache is the primary of a Global Datastore (regionLoss.cache global; deployed: 8.0)") && p.includes("keep 8.0")), found.join("\n"));
            // A version alone, too; and nothing to judge without a record (cold before, or never deployed), or on the way back to cold.
            assert.deepEqual(refused("prod-multiregion", { "regionLoss.cache": "global", "cache.engineVersion": "8.1" }, last).map((p) => p.split(":")[0]), ["cache.engineVersion"]);
            assert.equal(validate("prod-multiregion", { "regionLoss.cache": "global", "cache.engineVersion": "8.1" }).cache.engineVersion, "8.1");
            assert.equal(validate("prod-multiregion", { "cache.engineVersion": "8.1" }, last).cache.engineVersion, "8.1");
            // A record written before the version was: only what it holds is judged.
            assert.equal(validate("prod-multiregion", { "regionLoss.cache": "global", "cache.engineVersion": "8.1" }, { cacheDatastore: { engine: "valkey" } }).cache.engineVersion, "8.1");
        });

        it("reads what the primary ran in its datastore from its own regionLoss output, and nothing from a cold or a standby's", () => {
            const out = { cache: "global", cacheGlobalReplicationGroupId: "ldgnf-pg-prod-cache", cacheEngine: "valkey", cacheEngineVersion: "8.0", cacheMaxmemoryPolicy: "volatile-lru" };
            assert.deepEqual(deployedDatastore(out), { engine: "valkey", engineVersion: "8.0", maxmemoryPolicy: "volatile-lru" });
            assert.equal(deployedDatastore({ ...out, cache: "cold" }), undefined);
            assert.equal(deployedDatastore({ cache: "global" }), undefined, "a standby's output names no datastore of its own");
            assert.equal(deployedDatastore(undefined), undefined);
        });

        it("offers only engine versions a Global Datastore takes (Valkey 7.2+, Redis OSS 5.0.6+), so no version rule is needed", () => {
            const atLeast = (v: string, min: readonly number[]) => {
                const parts = v.split(".").map((x) => (x === "x" ? 0 : Number(x)));
                for (let i = 0; i < min.length; i++) if ((parts[i] ?? 0) !== min[i]) return (parts[i] ?? 0) > min[i];
                return true;
            };
            for (const engine of ["valkey", "redis"] as const)
                for (const v of ELASTICACHE_ENGINE_VERSIONS[engine]) assert.ok(atLeast(v, GLOBAL_DATASTORE.minVersion[engine]), `${engine} ${v}`);
            // The comparison itself can fail.
            assert.equal(atLeast("5.0.5", GLOBAL_DATASTORE.minVersion.redis), false);
            assert.equal(atLeast("7.1", GLOBAL_DATASTORE.minVersion.valkey), false);
        });
    });

    describe("the standby's cache against the primary's (regionLoss.cache)", () => {
        const global = () => {
            const f = facts();
            Object.assign(f.regionLoss as object, { cache: "global", cacheGlobalReplicationGroupId: "ldgnf-pg-prod-cache", cacheEngine: "valkey", cacheNodeType: "cache.m7g.large" });
            return f;
        };

        it("reads a primary without the cache output as cold, and a global one with its datastore", () => {
            assert.equal(readPrimary(facts(), WANT).primary!.cache, "cold");
            const { primary, problems } = readPrimary(global(), WANT);
            assert.deepEqual(problems, []);
            assert.deepEqual([primary!.cache, primary!.cacheGlobalReplicationGroupId], ["global", "ldgnf-pg-prod-cache"]);
        });

        it("refuses a global primary whose output lacks the datastore, or an unknown mode, naming what is missing", () => {
            const f = global();
            delete (f.regionLoss as any).cacheGlobalReplicationGroupId;
            const { primary, problems } = readPrimary(f, WANT);
            assert.equal(primary, undefined);
            assert.equal(problems.length, 1);
            assert.match(problems[0].message, /says cache global but lacks cacheGlobalReplicationGroupId \(the Global Datastore/);
            const odd = facts();
            (odd.regionLoss as any).cache = "warm";
            assert.match(readPrimary(odd, WANT).problems[0].message, /regionLoss\.cache output is "warm", not cold or global/);
        });

        it("needs the primary's engine and node type in this stack's config under a global primary", () => {
            const found = readPrimary(global(), { ...WANT, cacheEngine: "redis", cacheNodeType: "cache.r7g.large" }).problems;
            assert.deepEqual(found.map((p) => p.path), ["cache.engine", "cache.nodeType"]);
            assert.match(found[1].message, /must be the primary's \(cache\.m7g\.large on prod\)/);
            assert.deepEqual(readPrimary(global(), { ...WANT, cacheEngine: "valkey", cacheNodeType: "cache.m7g.large" }).problems, []);
            assert.deepEqual(readPrimary(facts(), { ...WANT, cacheEngine: "redis", cacheNodeType: "cache.r7g.large" }).problems, [], "a cold standby sizes its own cache");
        });

        it("needs two nodes for a secondary, which inherits automatic failover", () => {
            assert.deepEqual(readPrimary(global(), { ...WANT, cacheNodes: 1 }).problems.map((p) => p.path), ["cache.nodes"]);
            assert.deepEqual(readPrimary(facts(), { ...WANT, cacheNodes: 1 }).problems, []);
        });

        it("refuses moving a deployed cache between cold and global unless acknowledged, and nothing else", () => {
            const toGlobal = readPrimary(global(), { ...WANT, lastCache: "cold" });
            assert.deepEqual(toGlobal.problems.map((p) => p.path), ["standby.cacheReplacementAcknowledged"]);
            assert.match(toGlobal.problems[0].message, /from cold to global \(prod's regionLoss\.cache\): the next pulumi up replaces the cache/);
            assert.deepEqual(readPrimary(facts(), { ...WANT, lastCache: "global" }).problems.map((p) => p.path), ["standby.cacheReplacementAcknowledged"]);
            assert.deepEqual(readPrimary(global(), { ...WANT, lastCache: "cold", cacheReplacementAcknowledged: true }).problems, []);
            // Same mode as deployed, or no cache deployed yet (endpoint step, first update): nothing to acknowledge.
            assert.deepEqual([readPrimary(global(), { ...WANT, lastCache: "global" }).problems, readPrimary(global(), WANT).problems], [[], []]);
        });

        it("reads the deployed mode back: recorded, cold for a complete standby recorded before it was, none before a cache exists", () => {
            assert.equal(deployedCache({ step: "full", cache: "global" }), "global");
            assert.equal(deployedCache({ step: "full" }), "cold");
            assert.equal(deployedCache({ step: "endpoint" }), undefined);
            assert.equal(deployedCache(undefined), undefined);
        });

        it("gives the promotion and the detach as commands against the standby's region only", () => {
            const c = cacheFailover("ldgnf-pg-prod-cache", "pg-standby-prod-gcache", "us-east-2");
            assert.equal(c.promote, "aws elasticache failover-global-replication-group --region us-east-2 --global-replication-group-id ldgnf-pg-prod-cache --primary-region us-east-2 --primary-replication-group-id pg-standby-prod-gcache");
            assert.equal(c.detach, "aws elasticache disassociate-global-replication-group --region us-east-2 --global-replication-group-id ldgnf-pg-prod-cache --replication-group-id pg-standby-prod-gcache --replication-group-region us-east-2");
            for (const cmd of [c.status, c.promote, c.detach]) assert.doesNotMatch(cmd, /us-east-1/);
        });
    });

    describe("what the standby reads from the primary", () => {
        it("takes the example primary as it is", () => {
            const { primary, problems } = readPrimary(facts(), WANT);
            assert.deepEqual(problems, []);
            assert.equal(primary!.clusterName, "pg-prod");
        });

        it("names the key to fix for each disagreement", () => {
            const f = facts();
            (f.capacity as any).main.maxInstances = 12;
            f.atlasCluster!.tier = "M40";
            const { primary, problems } = readPrimary(f, { ...WANT, domain: "other.example.com", failoverRecords: true });
            assert.equal(primary, undefined);
            assert.deepEqual(problems.map((p) => p.path).sort(), ["atlas.tier", "domain", "main.maxInstances", "standby.failoverRecords"]);
        });

        it("lets a preview show the failover pair before the primary hands the names over, and only a preview", () => {
            const want = { ...WANT, failoverRecords: true };
            const previewed = readPrimary(facts(), { ...want, preview: true });
            assert.deepEqual(previewed.problems, []);
            assert.equal(previewed.primary!.clusterName, "pg-prod");
            assert.deepEqual(previewed.warnings.length, 1);
            assert.match(previewed.warnings[0], /^standby\.failoverRecords: previewed only; pulumi up needs the primary to hand over admin\.pay\.example\.com/);
            const updated = readPrimary(facts(), want);
            assert.deepEqual(updated.problems.map((p) => p.path), ["standby.failoverRecords"]);
            // Once the primary has handed them over, neither warns.
            const f = facts();
            f.dnsRecords = "standby";
            assert.deepEqual([readPrimary(f, { ...want, preview: true }).warnings, readPrimary(f, want).problems], [[], []]);
        });

        it("refuses a primary without a regionLoss output, or a key replica in another region", () => {
            assert.match(readPrimary({}, WANT).problems[0].message, /names a stack without a regionLoss output: set payment-gateway:regionLoss/);
            const f = facts();
            (f.regionLoss as any).appKeyReplicaArn = "arn:aws:kms:us-west-2:123456789012:key/mrk-0123456789abcdef0123456789abcdef";
            assert.match(readPrimary(f, WANT).problems[0].message, /is not a multi-Region key replica in us-east-2/);
            (f.regionLoss as any).appKeyReplicaArn = "arn:aws:kms:us-east-2:123456789012:key/0123abcd-0000-0000-0000-000000000000";
            assert.match(readPrimary(f, WANT).problems[0].message, /is not a multi-Region key replica/);
        });

        it("is at the endpoint step until the cluster has nodes in its region and the primary accepted this stack's peering", () => {
            const own = { primaryStack: "prod", connectionId: "pcx-0123456789abcdef0" };
            const accepted = { connectionId: own.connectionId, status: "active" };
            const all = ["US_EAST_1", "US_EAST_2", "US_WEST_2"];
            assert.equal(standbyStep({ regions: ["US_EAST_1"], peering: accepted }, "us-east-2", own).step, "endpoint");
            assert.match(standbyStep({ regions: ["US_EAST_1"] }, "us-east-2", own).next, /add US_EAST_2 to the primary's atlas.regions/);
            assert.equal(standbyStep({ regions: all, peering: accepted }, "us-east-2", own).step, "full");
            // Nodes here, but no connection accepted, another one, or this one not active yet.
            for (const peering of [undefined, { ...accepted, connectionId: "pcx-0fedcba9876543210" }, { ...accepted, status: "pending-acceptance" }]) {
                const s = standbyStep({ regions: all, peering }, "us-east-2", own);
                assert.equal(s.step, "endpoint", JSON.stringify(peering));
                assert.match(s.next, /^pulumi up prod: it accepts this stack's VPC peering \(pcx-0123456789abcdef0\).*; then pulumi up this stack again$/);
                assert.match(s.next, /a request not accepted within 7 days expires: pulumi up --refresh this stack first to request it again/);
            }
            // A first deployment has no connection recorded yet.
            assert.equal(standbyStep({ regions: all, peering: accepted }, "us-east-2", { primaryStack: "prod" }).step, "endpoint");
            // Once full, it stays full and says what is next.
            const kept = standbyStep({ regions: all }, "us-east-2", { ...own, wasFull: true });
            assert.equal(kept.step, "full");
            assert.match(kept.next, /^pulumi up prod: it accepts/);
        });
    });

    it("flips the gate with a data-plane call in the standby's region only", () => {
        const g = gate("payment-gateway-standby-prod", "standby-prod", "us-east-2");
        assert.match(g.failOver, /^aws cloudwatch put-metric-data --region us-east-2 .* --value 1$/);
        assert.match(g.failBack, /^aws cloudwatch put-metric-data --region us-east-2 .* --value 0$/);
        for (const command of [g.failOver, g.failBack, g.status]) assert.doesNotMatch(command, /route53|us-east-1/);
    });
});
