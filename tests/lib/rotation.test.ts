import { strict as assert } from "assert";
import { DeployedService, ServiceNow, confirmRollout, liveLabel, planCacheRotation, planDatabaseRotation, rotationInProgress, secondStepDue } from "../../lib/rotation";

const td = (name: string, revision: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/payment-gateway-dev-${name}:${revision}`;
const recorded: Record<string, DeployedService> = Object.fromEntries(
    ["admin", "main", "worker"].map((n) => [n, { cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/payment-gateway-dev", service: `payment-gateway-dev-${n}`, taskDefinition: td(n, 8) }]),
);
/** ECS steady on what was recorded, but for the services given. */
const ecs = (overrides: Record<string, ServiceNow> = {}): Record<string, ServiceNow> => ({
    ...Object.fromEntries(Object.entries(recorded).map(([n, r]) => [n, { taskDefinition: r.taskDefinition, deployments: [{ status: "PRIMARY", taskDefinition: r.taskDefinition, runningCount: 2, desiredCount: 2 }] }])),
    ...overrides,
});
const confirmed = confirmRollout(recorded, ecs());

describe("credential rotation steps", () => {
    it("take the cache token from ROTATE to SET over two updates once ECS confirms, then rest", () => {
        assert.equal(planCacheRotation(undefined, undefined).step, "none");
        assert.equal(planCacheRotation(undefined, undefined).strategy, undefined);
        const first = planCacheRotation("2", { cache: { step: "none" } });
        assert.deepEqual([first.step, first.strategy], ["rotate", "ROTATE"]);
        const second = planCacheRotation("2", { cache: { label: "2", step: "rotate" } }, confirmed);
        assert.deepEqual([second.step, second.strategy, second.held], ["set", "SET", undefined]);
        const rest = planCacheRotation("2", { cache: { label: "2", step: "set" } });
        assert.deepEqual([rest.step, rest.strategy], ["done", "SET"]);
        // A stack never deployed creates the cache with the label's token: no ROTATE, so no SET to follow.
        const created = planCacheRotation("2", undefined, undefined, false);
        assert.deepEqual([created.label, created.step, created.strategy], ["2", "done", "SET"]);
        assert.equal(planCacheRotation("3", { cache: { label: "2", step: "done" } }).strategy, "ROTATE", "a later label rotates");
    });

    it("let a new label set between the two steps wait for the second one, which still needs ECS", () => {
        // Cache: no third token while the first may still be in use; the label in force stays 2.
        const heldCache = planCacheRotation("3", { cache: { label: "2", step: "rotate" } });
        assert.deepEqual([heldCache.label, heldCache.step, heldCache.strategy], ["2", "rotate", "ROTATE"]);
        assert.match(heldCache.now, /^HOLDS the second step: .*rotation label 3 waits: the rotation to label 2 finishes first/);
        const setCache = planCacheRotation("3", { cache: { label: "2", step: "rotate" } }, confirmed);
        assert.deepEqual([setCache.label, setCache.step, setCache.strategy], ["2", "set", "SET"]);
        assert.equal(setCache.next, "the next `pulumi up` starts the rotation to label 3");
        const nextCache = planCacheRotation("3", { cache: { label: "2", step: "set" } });
        assert.deepEqual([nextCache.label, nextCache.step, nextCache.strategy], ["3", "rotate", "ROTATE"]);
        // Database: the previous user (the original here) stays declared until ECS confirms.
        const heldDb = planDatabaseRotation("3", { database: { label: "2", step: "switch", previous: "", users: "per-service" } }, true);
        assert.deepEqual([heldDb.label, heldDb.step, heldDb.current, heldDb.keep], ["2", "switch", "2", ""]);
        const cleanup = planDatabaseRotation("3", { database: { label: "2", step: "switch", previous: "", users: "per-service" } }, true, "password", confirmed);
        assert.deepEqual([cleanup.label, cleanup.step, cleanup.current, cleanup.keep], ["2", "cleanup", "2", undefined]);
        const nextDb = planDatabaseRotation("3", { database: { label: "2", step: "cleanup", users: "per-service" } }, true);
        assert.deepEqual([nextDb.label, nextDb.step, nextDb.current, nextDb.keep], ["3", "switch", "3", "2"]);
        // A first deployment kept no user: a new label after it is a first step at once.
        assert.equal(planDatabaseRotation("3", { database: { label: "2", step: "switch", users: "per-service" } }, true).current, "3");
        assert.equal(secondStepDue({ cache: liveLabel("3", { label: "2", step: "rotate" }) }, { cache: { label: "2", step: "rotate" } }), true, "ECS is asked");
    });

    it("hold the second step, keeping both tokens valid, unless ECS confirms", () => {
        const rolledBack = confirmRollout(recorded, ecs({ admin: { taskDefinition: td("admin", 7), deployments: [{ status: "PRIMARY", taskDefinition: td("admin", 7), runningCount: 2, desiredCount: 2 }] } }));
        for (const rollout of [rolledBack, undefined]) {
            const held = planCacheRotation("2", { cache: { label: "2", step: "rotate" } }, rollout);
            assert.deepEqual([held.step, held.strategy], ["rotate", "ROTATE"], "the same token with the same strategy: nothing is sent");
            assert.match(held.now, /^HOLDS the second step: both AUTH tokens stay valid/);
            assert.ok(held.held);
        }
        assert.match(planCacheRotation("2", { cache: { label: "2", step: "rotate" } }, rolledBack).held!, /admin: runs payment-gateway-dev-admin:7, not payment-gateway-dev-admin:8 \(rolled back/);
    });

    it("switch the database to a new user, keep the previous one until ECS confirms, then remove it", () => {
        assert.deepEqual(planDatabaseRotation(undefined, { database: { step: "none", users: "per-service" } }, true), { step: "none", current: "", users: "per-service", now: "each service has its own user, created with the cluster", next: "set rotation.database to a new label to rotate their passwords" });
        const switchFromOriginal = planDatabaseRotation("2", { database: { step: "none", users: "per-service" } }, true);
        assert.deepEqual([switchFromOriginal.step, switchFromOriginal.current, switchFromOriginal.keep], ["switch", "2", ""]);
        const cleanup = planDatabaseRotation("2", { database: { label: "2", step: "switch", previous: "", users: "per-service" } }, true, "password", confirmed);
        assert.deepEqual([cleanup.step, cleanup.current, cleanup.keep], ["cleanup", "2", undefined]);
        const held = planDatabaseRotation("3", { database: { label: "3", step: "switch", previous: "2", users: "per-service" } }, true, "password", confirmRollout(recorded, ecs({ worker: { error: "AccessDeniedException" } })));
        assert.deepEqual([held.step, held.current, held.keep], ["switch", "3", "2"], "the previous user stays declared");
        assert.match(held.held!, /worker: ECS could not be read \(AccessDeniedException\)/);
        const done = planDatabaseRotation("2", { database: { label: "2", step: "cleanup", users: "per-service" } }, true);
        assert.deepEqual([done.step, done.keep], ["done", undefined]);
        const again = planDatabaseRotation("3", { database: { label: "2", step: "done", users: "per-service" } }, true);
        assert.deepEqual([again.step, again.current, again.keep], ["switch", "3", "2"]);
        // With IAM authentication there is no password, and the plan says so.
        assert.match(planDatabaseRotation(undefined, undefined, true, "iam").now, /^there is no password/);
        // A stack never deployed has no previous user to keep.
        assert.equal(planDatabaseRotation("2", undefined, false).keep, undefined);
    });

    it("move a stack whose services shared one user to a user per service as a rotation whose previous user is the shared one", () => {
        // Records written while the services shared a user name no `users`.
        const original = planDatabaseRotation(undefined, { database: { step: "none" } }, true);
        assert.deepEqual([original.label, original.step, original.current, original.keep, original.keepShared, original.users], ["", "switch", "", "", true, "per-service"]);
        const rotated = planDatabaseRotation(undefined, { database: { label: "4", step: "done" } }, true);
        assert.deepEqual([rotated.label, rotated.current, rotated.keep, rotated.keepShared], ["4", "4", "4", true], "the users per service take the label in force; the shared user of that label stays");
        const relabelled = planDatabaseRotation("5", { database: { label: "4", step: "cleanup" } }, true);
        assert.deepEqual([relabelled.current, relabelled.keep, relabelled.keepShared], ["5", "4", true]);
        // Its second step is the rotation's: held until ECS confirms, then the shared user goes.
        const recordedMove = { database: { label: "", step: "switch" as const, previous: "", previousShared: true, users: "per-service" as const } };
        assert.equal(secondStepDue({ database: liveLabel(undefined, recordedMove.database) }, recordedMove), true);
        const held = planDatabaseRotation(undefined, recordedMove, true, "password", confirmRollout(recorded, ecs({ main: { error: "Throttling" } })));
        assert.deepEqual([held.step, held.keep, held.keepShared], ["switch", "", true]);
        const cleanup = planDatabaseRotation(undefined, recordedMove, true, "password", confirmed);
        assert.deepEqual([cleanup.step, cleanup.keep, cleanup.keepShared], ["cleanup", undefined, undefined]);
        assert.match(cleanup.now, /^removes the shared user created without a label and the shared MPG_DATABASE_URI secret/);
        // A shared-user rotation between its steps: its second step first, in the same update; refused while ECS does not confirm.
        const between = { database: { label: "4", step: "switch" as const, previous: "" } };
        assert.throws(() => planDatabaseRotation(undefined, between, true, "password", confirmRollout(recorded, ecs({ main: { error: "Throttling" } }))), /waits for the rotation of the shared user to label 4 to finish: ECS does not confirm the services moved: main: ECS could not be read \(Throttling\)/);
        const both = planDatabaseRotation(undefined, between, true, "password", confirmed);
        assert.deepEqual([both.current, both.keep, both.keepShared], ["4", "4", true]);
        assert.match(both.now, /removes the shared user of the rotation before \(the shared user created without a label\)/);
        // A new stack, and IAM authentication, have nothing to move.
        assert.equal(planDatabaseRotation(undefined, undefined, false).keep, undefined);
        assert.equal(planDatabaseRotation(undefined, { database: { step: "none" } }, true, "iam").users, "iam");
    });

    it("keep the live credential when its label is removed from the config", () => {
        assert.equal(liveLabel(undefined, { label: "2", step: "done" }), "2");
        assert.equal(liveLabel(undefined, { label: "2", step: "rotate" }), "2");
        assert.equal(liveLabel("3", { label: "2", step: "done" }), "3");
        assert.equal(liveLabel(undefined, { step: "none" }), undefined);
        assert.equal(liveLabel(undefined, undefined), undefined);
        const cache = planCacheRotation(undefined, { cache: { label: "2", step: "set" } });
        assert.deepEqual([cache.label, cache.step, cache.strategy], ["2", "done", "SET"], "the same token and strategy as the last update");
        assert.match(cache.now, /rotation label 2 is no longer in the config: its credential, the live one, is kept/);
        const database = planDatabaseRotation(undefined, { database: { label: "2", step: "done", users: "per-service" } }, true);
        assert.deepEqual([database.label, database.step, database.current, database.keep], ["2", "done", "2", undefined]);
        // Removed mid-rotation: the rotation goes on with the live label, never back to the original credential.
        const mid = planDatabaseRotation(undefined, { database: { label: "2", step: "switch", previous: "", users: "per-service" } }, true, "password", confirmed);
        assert.deepEqual([mid.step, mid.current], ["cleanup", "2"]);
    });

    it("confirm a rollout only when every service runs the recorded task definition alone", () => {
        assert.deepEqual(confirmed, { confirmed: true, reasons: [] });
        const rolling = confirmRollout(recorded, ecs({ main: { taskDefinition: td("main", 8), deployments: [{ status: "PRIMARY", taskDefinition: td("main", 8), runningCount: 1, desiredCount: 2 }, { status: "ACTIVE", taskDefinition: td("main", 7), runningCount: 1, desiredCount: 0 }] } }));
        assert.deepEqual(rolling.reasons, ["main: still replacing tasks (PRIMARY payment-gateway-dev-main:8 1/2, ACTIVE payment-gateway-dev-main:7 1/0)"]);
        const elsewhere = confirmRollout(recorded, ecs({ admin: { taskDefinition: td("admin", 9), deployments: [{ status: "PRIMARY", taskDefinition: td("admin", 9), runningCount: 2, desiredCount: 2 }] } }));
        assert.match(elsewhere.reasons[0], /^admin: runs payment-gateway-dev-admin:9, not payment-gateway-dev-admin:8/);
        const { worker: _, ...unread } = ecs();
        assert.deepEqual(confirmRollout(recorded, unread).reasons, ["worker: not read from ECS"]);
        const replaced = confirmRollout(recorded, ecs({ main: { taskDefinition: td("main", 8), deployments: [{ status: "PRIMARY", taskDefinition: td("main", 8), runningCount: 2, desiredCount: 2 }, { status: "INACTIVE", taskDefinition: td("main", 7), runningCount: 0, desiredCount: 0 }] } }));
        assert.deepEqual(replaced, { confirmed: true, reasons: [] }, "a completely replaced (INACTIVE) deployment runs no task");
        const noDeployments = confirmRollout(recorded, ecs({ admin: { taskDefinition: td("admin", 8), deployments: [] } }));
        assert.deepEqual([noDeployments.confirmed, noDeployments.reasons], [false, ["admin: still replacing tasks ()"]], "no deployments read: never confirmed");
        assert.match(confirmRollout(undefined, {}).reasons[0], /recorded no task definitions/);
        assert.equal(confirmRollout({}, {}).confirmed, false);
    });

    it("say when a second step is due and when a step is under way", () => {
        assert.equal(secondStepDue({ cache: "2" }, { cache: { label: "2", step: "rotate" } }), true);
        assert.equal(secondStepDue({ cache: "3" }, { cache: { label: "2", step: "done" } }), false, "a new label after a rotation is a first step");
        assert.equal(secondStepDue({ database: "2" }, { database: { label: "2", step: "switch", previous: "", users: "per-service" } }), true);
        assert.equal(secondStepDue({ database: "2" }, { database: { label: "2", step: "switch", users: "per-service" } }), false, "nothing was kept");
        assert.equal(secondStepDue({ cache: "2", database: "2" }, { cache: { label: "2", step: "set" }, database: { label: "2", step: "done" } }), false);
        const none = planDatabaseRotation(undefined, { database: { step: "none", users: "per-service" } }, true);
        assert.equal(rotationInProgress(planCacheRotation("2", { cache: { label: "2", step: "set" } }), none), false);
        assert.equal(rotationInProgress(planCacheRotation("2", { cache: { label: "2", step: "rotate" } }, confirmed), none), true);
        assert.equal(rotationInProgress(planCacheRotation("2", { cache: { label: "2", step: "rotate" } }), none), true, "a held step is still under way");
        assert.equal(rotationInProgress(planCacheRotation("2", undefined, undefined, false), planDatabaseRotation("2", undefined, false)), false, "a first deployment with labels set");
    });
});
