import { strict as assert } from "assert";
import { ConfigError, validateConfig } from "../../lib/config";
import { rawConfigFrom } from "../../lib/stackConfig";
import { endpointActive, outageProblems, planTopology, RegionNodes, tieBreakerRegions } from "../../lib/regionLoss";
import { assembleConfig } from "../harness";

const REGIONS: RegionNodes[] = [
    { region: "US_EAST_1", electableNodes: 2, priority: 7 },
    { region: "US_EAST_2", electableNodes: 2, priority: 6 },
    { region: "US_WEST_2", electableNodes: 1, priority: 5 },
];
const SINGLE: RegionNodes[] = [{ region: "US_EAST_1", electableNodes: 3, priority: 7 }];
const available = (regionName: string) => ({ regionName, status: "AVAILABLE", interfaceEndpoints: ["vpce-0a1b2c3d4e5f60718"] });

function validate(stack: string, set: Record<string, unknown>) {
    const { values } = assembleConfig(stack, set);
    return validateConfig(rawConfigFrom(values), values["aws:region"], stack, Date.now());
}

/** The problems `set` on `stack` is refused with, one line each as printed. */
function problems(stack: string, set: Record<string, unknown>): string[] {
    try {
        validate(stack, set);
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return (e as ConfigError).message.split("\nnot checked")[0].split("\n").slice(1).map((l) => l.replace(/^ {2}- /, ""));
    }
    return assert.fail(`expected ${JSON.stringify(set)} to be refused on ${stack}`);
}

describe("region loss", () => {
    describe("the replica set's topology step (planTopology)", () => {
        const base = { region: "US_EAST_1", electableNodes: 3, privateLink: true, standby: { stack: "standby-prod", atlasRegion: "US_EAST_2" } };

        it("is today's single region, priority 7, without atlas.regions", () => {
            const plan = planTopology({ ...base, regions: undefined, endpoints: [available("us-east-2")] });
            assert.equal(plan.step, "single-region");
            assert.deepEqual(plan.deploy, SINGLE);
        });

        it("holds the cluster where it is until every new region has an active endpoint, naming who creates each", () => {
            const none = planTopology({ ...base, regions: REGIONS, endpoints: [] });
            assert.equal(none.step, "waiting-for-endpoints");
            assert.deepEqual(none.deploy, SINGLE);
            assert.deepEqual(none.missing, ["US_EAST_2", "US_WEST_2"]);
            assert.match(none.next, /US_EAST_2 \(the standby stack standby-prod declares it: pulumi up --stack standby-prod\)/);
            // Atlas answers AWS endpoint services with the AWS region name: either spelling counts.
            const one = planTopology({ ...base, regions: REGIONS, endpoints: [available("us-east-2")] });
            assert.deepEqual(one.missing, ["US_WEST_2"]);
            assert.deepEqual(one.deploy, SINGLE);
            // An endpoint service waiting for its interface endpoint is not active yet.
            const waiting = planTopology({ ...base, regions: REGIONS, endpoints: [available("US_EAST_2"), { regionName: "us-west-2", status: "WAITING_FOR_USER", interfaceEndpoints: [] }] });
            assert.deepEqual(waiting.missing, ["US_WEST_2"]);
        });

        it("names the tie-breaker's endpoint as this stack's own step (tieBreakerRegions), and only that region", () => {
            assert.deepEqual(tieBreakerRegions({ region: "US_EAST_1", regions: REGIONS, privateLink: true, standbyAtlasRegion: "US_EAST_2" }), ["US_WEST_2"]);
            assert.deepEqual(tieBreakerRegions({ region: "US_EAST_1", regions: REGIONS, privateLink: true }), ["US_EAST_2", "US_WEST_2"]);
            assert.deepEqual(tieBreakerRegions({ region: "US_EAST_1", regions: REGIONS, privateLink: false, standbyAtlasRegion: "US_EAST_2" }), []);
            assert.deepEqual(tieBreakerRegions({ region: "US_EAST_1", regions: undefined, privateLink: true }), []);
            const plan = planTopology({ ...base, regions: REGIONS, endpoints: [], declaredHere: ["US_WEST_2"] });
            assert.match(plan.next, /US_WEST_2 \(this stack declares it/);
            assert.match(plan.next, /US_EAST_2 \(the standby stack standby-prod declares it/);
            assert.doesNotMatch(plan.next, /not declared by this program/);
            assert.match(planTopology({ ...base, regions: REGIONS, endpoints: [] }).next, /US_WEST_2 \(not declared by this program/);
        });

        it("grows into atlas.regions once each region's endpoint is AVAILABLE with an interface endpoint", () => {
            const plan = planTopology({ ...base, regions: REGIONS, endpoints: [available("us-east-2"), available("us-west-2")] });
            assert.equal(plan.step, "multi-region");
            assert.deepEqual(plan.deploy, REGIONS);
            assert.match(plan.next, /grows the replica set into US_EAST_2, US_WEST_2/);
        });

        it("holds while a region of the list has a second interface endpoint, connected or not: one private endpoint per region", () => {
            const second = { ...available("us-east-1"), interfaceEndpoints: ["vpce-a"], attached: ["vpce-a", "vpce-b"] };
            const plan = planTopology({ ...base, regions: REGIONS, endpoints: [second, available("us-east-2"), available("us-west-2")] });
            assert.deepEqual([plan.step, plan.missing, plan.crowded, plan.deploy], ["waiting-for-endpoints", [], ["US_EAST_1"], SINGLE]);
            assert.match(plan.next, /^leave one interface endpoint in US_EAST_1 \(it has vpce-a, vpce-b;/);
            // One each: it grows.
            const one = planTopology({ ...base, regions: REGIONS, endpoints: [available("us-east-1"), available("us-east-2"), available("us-west-2")] });
            assert.equal(one.step, "multi-region");
        });

        it("never shrinks a grown cluster when endpoints stop answering (the outage it is for)", () => {
            const plan = planTopology({ ...base, regions: REGIONS, deployed: REGIONS, endpoints: [] });
            assert.equal(plan.step, "multi-region");
            assert.deepEqual(plan.deploy, REGIONS);
            // A further region is gated on its own; the regions it has need nothing.
            const more = [...REGIONS.slice(0, 2), { region: "US_WEST_2", electableNodes: 1, priority: 5 }, { region: "US_WEST_1", electableNodes: 2, priority: 4 }];
            const held = planTopology({ ...base, regions: more, deployed: REGIONS, endpoints: [] });
            assert.deepEqual([held.step, held.missing, held.deploy], ["waiting-for-endpoints", ["US_WEST_1"], REGIONS]);
        });

        it("needs no endpoint without PrivateLink (the NAT addresses reach the public hosts)", () => {
            assert.deepEqual(planTopology({ ...base, privateLink: false, regions: REGIONS }).deploy, REGIONS);
        });

        it("counts an endpoint active only when AVAILABLE with an interface endpoint", () => {
            assert.equal(endpointActive(available("us-east-2")), true);
            assert.equal(endpointActive({ regionName: "us-east-2", status: "AVAILABLE", interfaceEndpoints: [] }), false);
            assert.equal(endpointActive({ regionName: "us-east-2", status: "INITIATING", interfaceEndpoints: ["vpce-1"] }), false);
        });
    });

    describe("the region drill's outage (outageProblems)", () => {
        const cluster = REGIONS.map((r) => ({ regionName: r.region, electableNodes: r.electableNodes }));

        it("accepts a minority outage: US_EAST_1 (2 of 5)", () => assert.deepEqual(outageProblems(cluster, ["US_EAST_1"]), []));

        it("refuses a majority outage, which leaves no primary", () => {
            assert.match(outageProblems(cluster, ["US_EAST_1", "US_WEST_2"]).join(), /takes out 3 of the 5 electable nodes: a majority outage/);
        });

        it("refuses a single-region cluster and a region the cluster does not have", () => {
            assert.match(outageProblems([{ regionName: "US_EAST_1", electableNodes: 3 }], ["US_EAST_1"]).join(), /multi-region clusters only/);
            assert.match(outageProblems(cluster, ["EU_WEST_1"]).join(), /EU_WEST_1 is not a region of the cluster/);
        });
    });

    describe("config", () => {
        it("accepts the example primary, counting the standby's fleet in the budget", () => {
            const config = validate("prod-multiregion", {});
            assert.deepEqual(config.atlas.regions, REGIONS);
            assert.deepEqual(config.regionLoss, { standbyRegion: "us-east-2", standbyStack: "standby-prod", cache: "cold" });
            assert.equal(config.connections.fleets, 2);
            const single = validate("prod", {});
            assert.equal(single.connections.fleets, undefined);
            assert.equal(config.connections.peakTasks, 2 * single.connections.peakTasks);
        });

        it("refuses electable nodes that are not 3, 5 or 7 in all, and a region holding a majority", () => {
            assert.ok(problems("prod-multiregion", { "atlas.regions[2].electableNodes": 2 }).some((p) => /^payment-gateway:atlas\.regions must hold 3, 5, 7 electable nodes in all, not 6 \(US_EAST_1 2 \+ US_EAST_2 2 \+ US_WEST_2 2\)/.test(p)));
            const majority = problems("prod-multiregion", { "atlas.regions[0].electableNodes": 3, "atlas.regions[1].electableNodes": 1, "atlas.regions[2].electableNodes": 1 });
            assert.ok(majority.some((p) => /^payment-gateway:atlas\.regions\[0\]\.electableNodes must be below 3, a majority of the 5 electable nodes: losing US_EAST_1 would leave no primary/.test(p)), majority.join("\n"));
        });

        it("refuses priorities that do not descend from 7, a repeated region, and another region first", () => {
            const found = problems("prod-multiregion", { "atlas.regions": [
                { region: "US_EAST_2", electableNodes: 2, priority: 6 },
                { region: "US_EAST_2", electableNodes: 2, priority: 6 },
                { region: "US_WEST_2", electableNodes: 1, priority: 5 },
            ] });
            assert.ok(found.some((p) => p.startsWith("payment-gateway:atlas.regions[0].region must be atlas.region (US_EAST_1)")), found.join("\n"));
            assert.ok(found.some((p) => p.startsWith("payment-gateway:atlas.regions[0].priority must be 7")), found.join("\n"));
            assert.ok(found.some((p) => /^payment-gateway:atlas\.regions\[1\]\.region is listed twice/.test(p)), found.join("\n"));
            assert.ok(found.some((p) => /^payment-gateway:atlas\.regions\[1\]\.priority must be 5, one below the previous region's \(6\)/.test(p)), found.join("\n"));
        });

        it("refuses a gap in the priorities: Atlas wants each region with electable nodes exactly one below another", () => {
            const found = problems("prod-multiregion", { "atlas.regions[1].priority": 5, "atlas.regions[2].priority": 3 });
            assert.ok(found.some((p) => /^payment-gateway:atlas\.regions\[1\]\.priority must be 6, one below the previous region's \(7\)/.test(p)), found.join("\n"));
            assert.ok(found.some((p) => /^payment-gateway:atlas\.regions\[2\]\.priority must be 4, one below the previous region's \(5\)/.test(p)), found.join("\n"));
        });

        it("refuses a tier below M10 for a replica set across regions (Atlas's multi-region minimum)", () => {
            assert.ok(problems("prod-multiregion", { "atlas.tier": "M5" }).some((p) => p.startsWith("payment-gateway:atlas.tier must be one of M10")));
        });

        it("refuses a standby in the stack's own region, outside atlas.regions, or without atlas.regions", () => {
            assert.ok(problems("prod-multiregion", { "regionLoss.standbyRegion": "us-east-1" }).some((p) => p.startsWith("payment-gateway:regionLoss.standbyRegion must be another region than the stack's own (us-east-1)")));
            assert.ok(problems("prod-multiregion", { "regionLoss.standbyRegion": "eu-west-1" }).some((p) => p.startsWith("payment-gateway:regionLoss.standbyRegion must be a region of atlas.regions (US_EAST_1, US_EAST_2, US_WEST_2)")));
            assert.ok(problems("prod-multiregion", { "atlas.regions": undefined }).some((p) => p.startsWith("payment-gateway:regionLoss needs atlas.regions")));
            assert.ok(problems("prod-multiregion", { "regionLoss.standbyStack": "prod-multiregion" }).some((p) => p.startsWith("payment-gateway:regionLoss.standbyStack must be another stack than this one")));
        });

        it("refuses a region drill in prod, without its cluster, or without the project", () => {
            assert.ok(problems("region-drill", { environment: "prod" }).some((p) => p.startsWith("payment-gateway:purpose must not be region-drill in prod")));
            assert.ok(problems("region-drill", { regionDrill: undefined }).some((p) => p.startsWith("payment-gateway:regionDrill is required when purpose is region-drill")));
            assert.ok(problems("region-drill", { "atlas.projectId": undefined, "atlas.orgId": "5f0000000000000000000001" }).some((p) => p.startsWith("payment-gateway:atlas.projectId is required when purpose is region-drill")));
            assert.ok(problems("prod", { regionDrill: { clusterName: "pg-prod", outageRegions: ["US_EAST_1"] } }).some((p) => p.startsWith("payment-gateway:regionDrill applies to purpose region-drill only")));
        });
    });
});
