import { strict as assert } from "assert";
import { planCacheRotation, planDatabaseRotation } from "../../lib/rotation";

describe("credential rotation steps", () => {
    it("take the cache token from ROTATE to SET over two updates, then rest", () => {
        assert.equal(planCacheRotation(undefined, undefined).step, "none");
        assert.equal(planCacheRotation(undefined, undefined).strategy, undefined);
        const first = planCacheRotation("2", { cache: { step: "none" } });
        assert.deepEqual([first.step, first.strategy], ["rotate", "ROTATE"]);
        const second = planCacheRotation("2", { cache: { label: "2", step: "rotate" } });
        assert.deepEqual([second.step, second.strategy], ["set", "SET"]);
        const rest = planCacheRotation("2", { cache: { label: "2", step: "set" } });
        assert.deepEqual([rest.step, rest.strategy], ["done", "SET"]);
        // A new label mid-rotation starts over: a newer token is added while the last one stays valid.
        assert.equal(planCacheRotation("3", { cache: { label: "2", step: "rotate" } }).step, "rotate");
    });

    it("switch the database to a new user, keep the previous one exactly one step, then remove it", () => {
        assert.deepEqual(planDatabaseRotation(undefined, undefined, true), { step: "none", current: "", now: "the application user is the one created with the cluster", next: "set rotation.database to a new label to rotate its password" });
        const switchFromOriginal = planDatabaseRotation("2", { database: { step: "none" } }, true);
        assert.deepEqual([switchFromOriginal.step, switchFromOriginal.current, switchFromOriginal.keep], ["switch", "2", ""]);
        const cleanup = planDatabaseRotation("2", { database: { label: "2", step: "switch", previous: "" } }, true);
        assert.deepEqual([cleanup.step, cleanup.current, cleanup.keep], ["cleanup", "2", undefined]);
        const done = planDatabaseRotation("2", { database: { label: "2", step: "cleanup" } }, true);
        assert.deepEqual([done.step, done.keep], ["done", undefined]);
        const again = planDatabaseRotation("3", { database: { label: "2", step: "done" } }, true);
        assert.deepEqual([again.step, again.current, again.keep], ["switch", "3", "2"]);
        // With IAM authentication there is no password, and the plan says so.
        assert.match(planDatabaseRotation(undefined, undefined, true, "iam").now, /^there is no password/);
        // A stack never deployed has no previous user to keep.
        assert.equal(planDatabaseRotation("2", undefined, false).keep, undefined);
    });
});
