import { strict as assert } from "assert";
import { SECRETS_VERSION_LABEL } from "../../components/service";
import { ProgramError, Run, ecsServiceNow, isSecretInput, later, runProgram, stackRun } from "../harness";

const RG = "aws:elasticache/replicationGroup:ReplicationGroup";
const USER = "mongodbatlas:index/databaseUser:DatabaseUser";
const TD = "aws:ecs/taskDefinition:TaskDefinition";
const GET_SERVICE = "aws:ecs/getService:getService";
const NAMES = ["admin", "main", "worker"];
const label = (run: Run, name: string) => JSON.parse(run.one(TD, `pg-${name}`).inputs.containerDefinitions)[0].dockerLabels[SECRETS_VERSION_LABEL];
const secretValue = (run: Run, name: string) => run.one("aws:secretsmanager/secretVersion:SecretVersion", name).inputs.secretString as string;
const token = (run: Run) => run.one("random:index/randomPassword:RandomPassword", "pg-auth").outputs.result as string;
const taskDefinition = (run: Run, name: string) => run.one(TD, `pg-${name}`).outputs.arn as string;
const waits = (run: Run) => run.ofType("aws:ecs/service:Service").map((s) => s.inputs.waitForSteadyState);

/** The resources whose inputs differ between two runs of the same stack (or exist in one only), with the keys that differ. */
function changes(before: Run, after: Run): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    const byUrn = new Map(before.resources.map((r) => [r.urn, r]));
    for (const r of after.resources) {
        const b = byUrn.get(r.urn);
        byUrn.delete(r.urn);
        if (!b) out[r.urn] = ["(created)"];
        else {
            const keys = [...new Set([...Object.keys(b.inputs), ...Object.keys(r.inputs)])].filter((k) => JSON.stringify(b.inputs[k]) !== JSON.stringify(r.inputs[k]));
            if (keys.length) out[r.urn] = keys.sort();
        }
    }
    for (const urn of byUrn.keys()) out[urn] = ["(deleted)"];
    return out;
}

describe("credential rotation over successive `pulumi up`s", () => {
    // One sequence on dev (which does not wait for steady state by default), both credentials at once:
    // deployed → labels set (first step) → ECS reports a rolled-back admin (held) → ECS steady
    // (second step) → rest → 30 days untouched; and the labels removed after it, and mid-way.
    let dev: Run, first: Run, held: Run, second: Run, done: Run, untouched: Run;
    before(async () => {
        dev = await stackRun("dev");
        first = await later(dev, { days: 1, set: { "rotation.cache": "2", "rotation.database": "2" } });
        // The circuit breaker rolled admin back to the task definition it ran before the first step.
        const rolledBack = (inputs: Record<string, any>) => {
            const name = NAMES.find((n) => inputs.serviceName === `payment-gateway-dev-${n}`)!;
            return ecsServiceNow(inputs, [{ status: "PRIMARY", taskDefinition: name === "admin" ? taskDefinition(dev, name) : taskDefinition(first, name) }]);
        };
        held = await later(first, { days: 1, answers: { [GET_SERVICE]: rolledBack } });
        second = await later(held, { days: 1, answers: {} });
        done = await later(second, { days: 1 });
        untouched = await later(done, { days: 30 });
    });

    it("first step: a new token added with ROTATE and a new user, every service rolled onto both, waiting for steady state", () => {
        assert.notEqual(token(first), token(dev));
        assert.deepEqual(first.one("random:index/randomPassword:RandomPassword", "pg-auth").inputs.keepers, { rotation: "2" });
        assert.deepEqual([first.one(RG).inputs.authToken, first.one(RG).inputs.authTokenUpdateStrategy], [token(first), "ROTATE"]);
        assert.ok(isSecretInput(first.one(RG), "authToken"));
        assert.ok(secretValue(first, "pg-cache-url").includes(token(first)));
        // The URL secret (read by any task ECS starts) moves only once the replication group's update, ROTATE included, is done.
        assert.ok(first.one("aws:secretsmanager/secretVersion:SecretVersion", "pg-cache-url").propertyDependencies.secretString.includes(first.one(RG).urn));
        assert.deepEqual(first.ofType(USER).map((u) => u.inputs.username).sort(), ["pg-dev-app", "pg-dev-app-2"]);
        assert.equal(first.one(USER, "pg").urn, dev.one(USER).urn, "the previous user is the same resource: not replaced");
        const password = first.one("random:index/randomPassword:RandomPassword", "pg-app-2-password").outputs.result;
        assert.equal(first.one(USER, "pg-app-2").inputs.password, password);
        assert.ok(isSecretInput(first.one(USER, "pg-app-2"), "password"));
        assert.ok(secretValue(first, "pg-database-uri").startsWith(`mongodb+srv://pg-dev-app-2:${password}@`));
        for (const s of first.ofType("aws:ecs/service:Service")) {
            assert.ok(s.dependsOn.includes(first.one(USER, "pg-app-2").urn), `${s.name} waits for the new user`);
            assert.ok(!s.dependsOn.includes(first.one(USER, "pg").urn));
            assert.ok(s.dependsOn.includes(first.one("pulumi-nodejs:dynamic/payment-gateway:UsersApplied", "pg-app-2-applied").urn), `${s.name} waits until Atlas applied the new user`);
        }
        for (const name of NAMES) assert.notEqual(label(first, name), label(dev, name), `${name} rolls onto the new credentials`);
        assert.deepEqual(waits(dev), [false, false, false], "dev does not wait by default");
        assert.deepEqual(waits(first), [true, true, true]);
        assert.deepEqual([first.outputs.rotation.cache.step, first.outputs.rotation.database.step, first.outputs.rotation.database.previous], ["rotate", "switch", ""]);
        // What the second step will compare: the task definitions this update left each service on.
        for (const name of NAMES) {
            assert.equal(first.outputs.rotation.services[name].taskDefinition, taskDefinition(first, name));
            assert.notEqual(taskDefinition(first, name), taskDefinition(dev, name), `${name}: a new revision`);
            assert.equal(first.outputs.rotation.services[name].service, `payment-gateway-dev-${name}`);
        }
        assert.ok(!first.invokes.some((i) => i.token === GET_SERVICE), "no second step due: ECS is not asked");
    });

    it("held: ECS reports admin back on its old task definition, so both tokens and both users stay, and the outputs say why", () => {
        const asked = held.invokes.filter((i) => i.token === GET_SERVICE).map((i) => [i.inputs.serviceName, i.inputs.clusterArn]);
        assert.deepEqual(asked, NAMES.map((n) => [`payment-gateway-dev-${n}`, first.outputs.rotation.services[n].cluster]));
        assert.deepEqual([held.outputs.rotation.cache.step, held.outputs.rotation.database.step, held.outputs.rotation.database.previous], ["rotate", "switch", ""]);
        for (const r of [held.outputs.rotation.cache, held.outputs.rotation.database])
            assert.match(r.held, /^ECS does not confirm the services moved: admin: runs payment-gateway-dev-admin:\d+, not payment-gateway-dev-admin:\d+ \(rolled back/);
        assert.match(held.outputs.rotation.cache.now, /^HOLDS the second step: both AUTH tokens stay valid/);
        // Nothing changes: the same token with ROTATE, both users, the same URI and task definitions.
        assert.deepEqual(changes(first, held), {});
        assert.deepEqual(held.ofType(USER).map((u) => u.inputs.username).sort(), ["pg-dev-app", "pg-dev-app-2"]);
        assert.equal(held.one(RG).inputs.authTokenUpdateStrategy, "ROTATE");
        assert.deepEqual(waits(held), [true, true, true]);
    });

    it("second step, once ECS confirms: the old token dropped with SET and the previous user removed, nothing else", () => {
        assert.ok(second.invokes.some((i) => i.token === GET_SERVICE));
        assert.deepEqual([second.outputs.rotation.cache.step, second.outputs.rotation.database.step], ["set", "cleanup"]);
        assert.equal(second.outputs.rotation.cache.held, undefined);
        assert.deepEqual([second.one(RG).inputs.authToken, second.one(RG).inputs.authTokenUpdateStrategy], [token(first), "SET"]);
        assert.deepEqual(second.ofType(USER).map((u) => u.inputs.username), ["pg-dev-app-2"]);
        const removed = [first.one(USER, "pg").urn, first.one("random:index/randomPassword:RandomPassword", "pg-app").urn];
        const changed = changes(held, second);
        assert.deepEqual(Object.keys(changed).sort(), [...removed, held.one(RG).urn].sort());
        assert.deepEqual(changed[held.one(RG).urn], ["authTokenUpdateStrategy"]);
        assert.equal(secretValue(second, "pg-database-uri"), secretValue(first, "pg-database-uri"), "the URI does not move again");
        for (const name of NAMES) assert.equal(taskDefinition(second, name), taskDefinition(first, name), `${name} is not rolled again`);
    });

    it("rests after the second step, and 30 days later still deploys with nothing to change and no step taken again", () => {
        assert.deepEqual([done.outputs.rotation.cache.step, done.outputs.rotation.database.step], ["done", "done"]);
        // The only difference from the second step: the services stop waiting for steady state (dev's default).
        const changed = changes(second, done);
        assert.deepEqual(Object.values(changed), [["waitForSteadyState"], ["waitForSteadyState"], ["waitForSteadyState"]]);
        assert.deepEqual(waits(done), [false, false, false]);
        assert.deepEqual(changes(done, untouched), {});
        assert.deepEqual(untouched.outputs.rotation, done.outputs.rotation);
        assert.ok(!untouched.invokes.some((i) => i.token === GET_SERVICE));
        assert.deepEqual([untouched.one(RG).inputs.authToken, untouched.one(RG).inputs.authTokenUpdateStrategy], [token(first), "SET"]);
    });

    it("a removed label after a rotation keeps the live credentials exactly: nothing regenerated, re-sent or deleted", async () => {
        const removed = await later(done, { days: 2, set: { "rotation.cache": undefined, "rotation.database": undefined } });
        assert.deepEqual(changes(done, removed), {});
        assert.equal(token(removed), token(first));
        assert.deepEqual(removed.ofType(USER).map((u) => u.inputs.username), ["pg-dev-app-2"]);
        assert.ok(secretValue(removed, "pg-database-uri").startsWith("mongodb+srv://pg-dev-app-2:"));
        assert.deepEqual([removed.outputs.rotation.cache.label, removed.outputs.rotation.cache.step, removed.outputs.rotation.database.label], ["2", "done", "2"]);
        assert.match(removed.outputs.rotation.database.now, /rotation label 2 is no longer in the config: its credential, the live one, is kept/);
        // And the update after it, the label still absent, reads the label back from what this one recorded.
        const after = await later(removed, { days: 30 });
        assert.deepEqual(changes(done, after), {});
        // A new label later rotates from the live user, not from the original one.
        const next = await later(after, { set: { "rotation.database": "3" } });
        assert.deepEqual(next.ofType(USER).map((u) => u.inputs.username).sort(), ["pg-dev-app-2", "pg-dev-app-3"]);
        assert.equal(next.outputs.rotation.database.previous, "2");
    });

    it("a label removed mid-rotation finishes the rotation with the live label once ECS confirms", async () => {
        const removed = await later(first, { days: 1, set: { "rotation.cache": undefined, "rotation.database": undefined } });
        assert.deepEqual([removed.outputs.rotation.cache.step, removed.outputs.rotation.database.step], ["set", "cleanup"]);
        assert.deepEqual(changes(second, removed), {});
    });

    it("a new label set between the two steps waits: nothing is dropped until ECS confirms, then the new label rotates from the live credential", async () => {
        // ECS reports admin rolled back onto the original credentials: the original user and token must stay.
        const early = await later(first, { days: 1, set: { "rotation.cache": "3", "rotation.database": "3" }, answers: held.options.answers });
        assert.deepEqual(changes(first, early), {}, "no third token, no user removed or added");
        assert.deepEqual(early.ofType(USER).map((u) => u.inputs.username).sort(), ["pg-dev-app", "pg-dev-app-2"]);
        assert.deepEqual([early.outputs.rotation.cache.label, early.outputs.rotation.cache.step, early.outputs.rotation.database.label, early.outputs.rotation.database.previous], ["2", "rotate", "2", ""]);
        assert.match(early.outputs.rotation.database.now, /rotation label 3 waits: the rotation to label 2 finishes first/);
        assert.match(early.outputs.rotation.database.held, /admin: runs payment-gateway-dev-admin:\d+, not/);
        // ECS steady: the second step of label 2, exactly as without the new label.
        const stepped = await later(early, { days: 1, answers: {} });
        assert.deepEqual(changes(second, stepped), {});
        assert.equal(stepped.outputs.rotation.cache.next, "the next `pulumi up` starts the rotation to label 3");
        // Then label 3: a new token with ROTATE, a new user, the user of label 2 kept.
        const third = await later(stepped, { days: 1 });
        assert.deepEqual([third.outputs.rotation.cache.label, third.outputs.rotation.cache.step, third.outputs.rotation.database.step, third.outputs.rotation.database.previous], ["3", "rotate", "switch", "2"]);
        assert.deepEqual(third.ofType(USER).map((u) => u.inputs.username).sort(), ["pg-dev-app-2", "pg-dev-app-3"]);
        assert.notEqual(token(third), token(first));
        assert.equal(third.one(RG).inputs.authTokenUpdateStrategy, "ROTATE");
    });

    it("a stack that rotated before the task definitions were recorded holds once, records them, then takes the step", async () => {
        const { services: _, ...older } = first.outputs.rotation;
        const once = await runProgram({ ...first.options, previous: { ...first.outputs, rotation: older } });
        assert.deepEqual([once.outputs.rotation.cache.step, once.outputs.rotation.database.step], ["rotate", "switch"]);
        assert.match(once.outputs.rotation.cache.held, /the last `pulumi up` recorded no task definitions/);
        assert.deepEqual(changes(first, once), {});
        assert.ok(!once.invokes.some((i) => i.token === GET_SERVICE), "nothing recorded to compare: ECS is not asked");
        const next = await later(once, { days: 1 });
        assert.deepEqual([next.outputs.rotation.cache.step, next.outputs.rotation.database.step], ["set", "cleanup"]);
    });

    it("a stack first deployed with labels already set has nothing to rotate: the next update sends nothing", async () => {
        const created = await runProgram({ stack: "dev", set: { "rotation.cache": "2", "rotation.database": "2" } });
        assert.deepEqual([created.outputs.rotation.cache.step, created.one(RG).inputs.authTokenUpdateStrategy], ["done", "SET"]);
        assert.deepEqual(created.ofType(USER).map((u) => u.inputs.username), ["pg-dev-app-2"]);
        const next = await later(created, { days: 1 });
        assert.deepEqual(changes(created, next), {}, "no SET after a create that never ROTATEd, no user change");
        assert.deepEqual([next.outputs.rotation.cache.step, next.outputs.rotation.database.step], ["done", "done"]);
        assert.ok(!next.invokes.some((i) => i.token === GET_SERVICE));
    });

    it("is refused with IAM authentication, which has no password", async () => {
        const error = await runProgram({ stack: "dev", set: { "rotation.database": "2", "atlas.authentication": "iam" } }).then(() => assert.fail("accepted"), (e) => e as ProgramError);
        assert.deepEqual(error.resources, []);
        assert.match(error.message, /payment-gateway:rotation\.database has no password to rotate: with atlas\.authentication iam each service logs in as its task role; got "2"/);
    });

    it("refuses a label that cannot be part of a user name", async () => {
        const error = await runProgram({ stack: "dev", set: { "rotation.cache": "Two Words", "rotation.database": "x".repeat(17) } }).then(() => assert.fail("accepted"), (e) => e as ProgramError);
        assert.match(error.message, /payment-gateway:rotation\.cache must be 1–16 lower-case letters, digits and hyphens/);
        assert.match(error.message, /payment-gateway:rotation\.database must be 1–16 lower-case letters, digits and hyphens/);
    });
});
