import { strict as assert } from "assert";
import { acceptable, isPeerNetwork, peeringAccepted, readStandbyPeering, requestExpired, unacceptableAdvice } from "../../lib/peering";

const STANDBY = { connectionId: "pcx-0123456789abcdef0", vpcId: "vpc-0123456789abcdef0", region: "us-east-2", cidr: "10.31.0.0/16", privateSubnetCidrs: ["10.31.0.0/20", "10.31.16.0/20", "10.31.32.0/20"] };
const WANT = { standbyStack: "standby-prod", standbyRegion: "us-east-2", cidr: "10.30.0.0/16", tieBreakerCidrs: ["10.32.0.0/24"] };

describe("VPC peering (lib/peering.ts)", () => {
    it("reads the standby's side as it writes it; nothing before it requested a connection", () => {
        assert.deepEqual(readStandbyPeering(STANDBY, WANT), { peering: STANDBY, problems: [] });
        assert.deepEqual(readStandbyPeering(undefined, WANT), { problems: [] });
    });

    it("refuses a side of another shape, another region or an overlapping range, naming the primary's key", () => {
        for (const broken of [{ ...STANDBY, connectionId: "peering-1" }, { ...STANDBY, vpcId: "vpc-x" }, { ...STANDBY, privateSubnetCidrs: [] }, { ...STANDBY, cidr: "10.31.0.0/33" }]) {
            const { peering, problems } = readStandbyPeering(broken, WANT);
            assert.equal(peering, undefined);
            assert.deepEqual(problems.map((p) => p.path), ["regionLoss.standbyStack"], JSON.stringify(broken));
            assert.match(problems[0].message, /pulumi up standby-prod with this program's version first/);
        }
        assert.deepEqual(readStandbyPeering({ ...STANDBY, region: "us-west-2" }, WANT).problems.map((p) => [p.path, p.message]), [["regionLoss.standbyRegion", "must be the standby's region: standby-prod runs in us-west-2"]]);
        assert.deepEqual(readStandbyPeering({ ...STANDBY, cidr: "10.30.0.0/17" }, WANT).problems.map((p) => [p.path, p.value]), [["network.cidr", "10.30.0.0/16"]]);
        assert.deepEqual(readStandbyPeering({ ...STANDBY, cidr: "10.32.0.0/16" }, WANT).problems.map((p) => [p.path, p.value]), [["atlas.tieBreakerCidrs", "10.32.0.0/24"]]);
    });

    it("counts a connection accepted only when it is this standby's and active", () => {
        assert.equal(peeringAccepted({ connectionId: STANDBY.connectionId, status: "active" }, STANDBY.connectionId), true);
        assert.equal(peeringAccepted({ connectionId: STANDBY.connectionId, status: "pending-acceptance" }, STANDBY.connectionId), false);
        assert.equal(peeringAccepted({ connectionId: "pcx-0fedcba9876543210", status: "active" }, STANDBY.connectionId), false);
        assert.equal(peeringAccepted(undefined, STANDBY.connectionId), false);
        assert.equal(peeringAccepted({ connectionId: STANDBY.connectionId, status: "active" }, undefined), false);
        assert.equal(isPeerNetwork({ ...STANDBY, privateSubnetCidrs: ["10.31.0.0/20", "300.1.0.0/20"] }), false);
    });

    it("counts a request expired after 7 days, and holds only a connection waiting for acceptance, provisioning or active", () => {
        const at = Date.parse("2026-11-30T12:00:00Z");
        const daysAgo = (d: number) => new Date(at - d * 86_400_000).toISOString();
        assert.equal(requestExpired(daysAgo(7), at), true);
        assert.equal(requestExpired(daysAgo(6.99), at), false);
        assert.equal(requestExpired(undefined, at), false);
        assert.equal(requestExpired("yesterday", at), false);
        for (const status of ["pending-acceptance", "provisioning", "active"]) assert.equal(acceptable(status), true, status);
        for (const status of ["initiating-request", "expired", "rejected", "failed", "deleted", "deleting", undefined]) assert.equal(acceptable(status), false, String(status));
    });

    it("tells the operator to refresh the standby only for a connection its refresh forgets, and to wait out one still being set up or deleted", () => {
        const p = { ...STANDBY, requestedAt: "2026-11-22T12:00:00.000Z" };
        const advice = (status: string) => unacceptableAdvice(p, status, "standby-prod", "prod");
        for (const status of ["expired", "rejected", "failed", "deleted", "not found"])
            assert.match(advice(status), new RegExp(`^the VPC peering request ${p.connectionId} is ${status} in this region \\(requested 2026-11-22; .*cannot be accepted: pulumi up --refresh --stack standby-prod `), status);
        // Still on its way to this region: the standby's refresh keeps it; running the primary again accepts it.
        assert.equal(advice("initiating-request"), `the VPC peering request ${p.connectionId} is initiating-request in this region (still being set up; it turns pending-acceptance or failed by itself): pulumi up --stack prod again in a few minutes`);
        assert.match(advice("deleting"), /cannot be accepted: once it is deleted, pulumi up --refresh --stack standby-prod /);
    });
});
