import { strict as assert } from "assert";
import { alarmWindowMinutes, bakesShorterThanAlarms, circuitBreakerServes, isTenth, peakPercent, Release, releaseSteps, releaseStrategies, releaseTimeoutMinutes, shiftedLastTime, trafficMinutes } from "../../lib/release";

const base: Release = { strategy: "CANARY", canaryPercent: 10, canaryBakeMinutes: 10, stepPercent: 25, stepBakeMinutes: 5, bakeMinutes: 10, alarmRollback: true };

describe("release strategies (lib/release.ts)", () => {
    it("use the circuit breaker where ECS documents it: rolling and blue/green", () => {
        assert.deepEqual((["ROLLING", "BLUE_GREEN", "LINEAR", "CANARY"] as const).map(circuitBreakerServes), [true, true, false, false]);
    });

    it("know the listener rule already forwards by weight only when the last deployment shifted traffic", () => {
        for (const s of ["BLUE_GREEN", "LINEAR", "CANARY"]) assert.equal(shiftedLastTime(s), true, s);
        for (const s of ["ROLLING", undefined, "", "canary"]) assert.equal(shiftedLastTime(s), false, String(s));
    });

    it("shift a canary share for its bake, then the rest for the deployment bake", () => {
        assert.deepEqual(releaseSteps(base), [{ trafficPercent: 10, bakeMinutes: 10 }, { trafficPercent: 100, bakeMinutes: 10 }]);
        assert.equal(trafficMinutes(base), 20);
        assert.deepEqual(releaseSteps({ ...base, canaryPercent: 100 }), [{ trafficPercent: 100, bakeMinutes: 10 }]);
    });

    it("shift linear steps with the step bake between them and none after the last (API_LinearConfiguration)", () => {
        const linear = { ...base, strategy: "LINEAR" as const };
        assert.deepEqual(releaseSteps(linear).map((s) => [s.trafficPercent, s.bakeMinutes]), [[25, 5], [50, 5], [75, 5], [100, 10]]);
        assert.equal(trafficMinutes(linear), 25);
        // 30% steps: 30, 60, 90, then the rest.
        assert.deepEqual(releaseSteps({ ...linear, stepPercent: 30 }).map((s) => s.trafficPercent), [30, 60, 90, 100]);
        assert.deepEqual(releaseSteps({ ...linear, stepPercent: 33.3 }).map((s) => s.trafficPercent), [33.3, 66.6, 99.9, 100]);
        assert.deepEqual(releaseSteps({ ...linear, stepPercent: 100 }), [{ trafficPercent: 100, bakeMinutes: 10 }]);
    });

    it("shift everything at once for blue/green, and nothing for a rolling update", () => {
        assert.deepEqual(releaseSteps({ ...base, strategy: "BLUE_GREEN" }), [{ trafficPercent: 100, bakeMinutes: 10 }]);
        assert.deepEqual(releaseSteps({ ...base, strategy: "ROLLING" }), [{ trafficPercent: 100, bakeMinutes: 0 }]);
        assert.equal(trafficMinutes({ ...base, strategy: "ROLLING" }), 0);
    });

    it("run both whole revisions at the peak of a traffic-shifting release, maximumPercent of a rolling one", () => {
        for (const s of ["BLUE_GREEN", "LINEAR", "CANARY"] as const) assert.equal(peakPercent(s, 150), 200);
        assert.equal(peakPercent("ROLLING", 150), 150);
    });

    it("need bakes as long as the deployment alarms' evaluation window", () => {
        assert.equal(alarmWindowMinutes(), 5, "5 × 60 s for the 5xx rate and latency");
        assert.deepEqual(bakesShorterThanAlarms(base), []);
        assert.deepEqual(bakesShorterThanAlarms({ ...base, canaryBakeMinutes: 4, bakeMinutes: 0 }), [{ field: "canaryBakeMinutes", minutes: 4 }, { field: "bakeMinutes", minutes: 0 }]);
        assert.deepEqual(bakesShorterThanAlarms({ ...base, strategy: "LINEAR", stepBakeMinutes: 2 }), [{ field: "stepBakeMinutes", minutes: 2 }]);
        // Without alarm rollback, or rolling, nothing waits for the alarms.
        assert.deepEqual(bakesShorterThanAlarms({ ...base, canaryBakeMinutes: 0, alarmRollback: false }), []);
        assert.deepEqual(bakesShorterThanAlarms({ ...base, strategy: "ROLLING", bakeMinutes: 0 }), []);
    });

    it("take shares in tenths, as ECS does", () => {
        assert.ok(isTenth(0.1) && isTenth(12.5) && isTenth(33.3) && isTenth(100));
        assert.ok(!isTenth(0.05) && !isTenth(12.34));
    });

    it("let pulumi up wait through the whole release", () => {
        assert.equal(releaseTimeoutMinutes(base, 11), 20 + 11 + 20);
    });

    it("read back the strategies the last deployment recorded, ignoring anything else", () => {
        assert.deepEqual(releaseStrategies({ admin: { strategy: "LINEAR" }, main: { strategy: "CANARY" }, worker: null }), { admin: "LINEAR", main: "CANARY" });
        assert.deepEqual(releaseStrategies(undefined), {});
        assert.deepEqual(releaseStrategies("x"), {});
    });
});
