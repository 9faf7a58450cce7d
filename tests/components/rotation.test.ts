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
/** The database user names of a run, sorted. */
const usernames = (run: Run) => run.ofType(USER).map((u) => u.inputs.username).sort();
/** Each service's user name on dev for a label suffix ("" or "-<label>"). */
const devUsers = (...suffixes: string[]) => suffixes.flatMap((x) => NAMES.map((n) => `pg-dev-${n}${x}`)).sort();
const PASSWORD = "random:index/randomPassword:RandomPassword";
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
        assert.deepEqual(usernames(first), devUsers("", "-2"));
        for (const name of NAMES) {
            assert.equal(first.one(USER, `pg-${name}-app`).urn, dev.one(USER, `pg-${name}-app`).urn, `${name}'s previous user is the same resource: not replaced`);
            assert.deepEqual(first.one(USER, `pg-${name}-app`).inputs, dev.one(USER, `pg-${name}-app`).inputs);
            const password = first.one(PASSWORD, `pg-${name}-app-2-password`).outputs.result;
            assert.equal(first.one(USER, `pg-${name}-app-2`).inputs.password, password);
            assert.ok(isSecretInput(first.one(USER, `pg-${name}-app-2`), "password"));
            assert.ok(secretValue(first, `pg-${name}-database-uri`).startsWith(`mongodb+srv://pg-dev-${name}-2:${password}@`));
        }
        for (const s of first.ofType("aws:ecs/service:Service")) {
            const name = NAMES.find((n) => s.name === `pg-${n}`)!;
            assert.ok(s.dependsOn.includes(first.one(USER, `pg-${name}-app-2`).urn), `${s.name} waits for its new user`);
            assert.ok(!s.dependsOn.includes(first.one(USER, `pg-${name}-app`).urn));
            assert.ok(s.dependsOn.includes(first.one("pulumi-nodejs:dynamic/payment-gateway:UsersApplied", `pg-${name}-app-2-applied`).urn), `${s.name} waits until Atlas applied its new user`);
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
        assert.deepEqual(usernames(held), devUsers("", "-2"));
        assert.equal(held.one(RG).inputs.authTokenUpdateStrategy, "ROTATE");
        assert.deepEqual(waits(held), [true, true, true]);
    });

    it("second step, once ECS confirms: the old token dropped with SET and the previous users removed, nothing else", () => {
        assert.ok(second.invokes.some((i) => i.token === GET_SERVICE));
        assert.deepEqual([second.outputs.rotation.cache.step, second.outputs.rotation.database.step], ["set", "cleanup"]);
        assert.equal(second.outputs.rotation.cache.held, undefined);
        assert.deepEqual([second.one(RG).inputs.authToken, second.one(RG).inputs.authTokenUpdateStrategy], [token(first), "SET"]);
        assert.deepEqual(usernames(second), devUsers("-2"));
        const removed = NAMES.flatMap((n) => [first.one(USER, `pg-${n}-app`).urn, first.one(PASSWORD, `pg-${n}-app-password`).urn]);
        const changed = changes(held, second);
        assert.deepEqual(Object.keys(changed).sort(), [...removed, held.one(RG).urn].sort());
        assert.deepEqual(changed[held.one(RG).urn], ["authTokenUpdateStrategy"]);
        for (const name of NAMES) assert.equal(secretValue(second, `pg-${name}-database-uri`), secretValue(first, `pg-${name}-database-uri`), "the URI does not move again");
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
        assert.deepEqual(usernames(removed), devUsers("-2"));
        assert.ok(secretValue(removed, "pg-main-database-uri").startsWith("mongodb+srv://pg-dev-main-2:"));
        assert.deepEqual([removed.outputs.rotation.cache.label, removed.outputs.rotation.cache.step, removed.outputs.rotation.database.label], ["2", "done", "2"]);
        assert.match(removed.outputs.rotation.database.now, /rotation label 2 is no longer in the config: its credential, the live one, is kept/);
        // And the update after it, the label still absent, reads the label back from what this one recorded.
        const after = await later(removed, { days: 30 });
        assert.deepEqual(changes(done, after), {});
        // A new label later rotates from the live user, not from the original one.
        const next = await later(after, { set: { "rotation.database": "3" } });
        assert.deepEqual(usernames(next), devUsers("-2", "-3"));
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
        assert.deepEqual(usernames(early), devUsers("", "-2"));
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
        assert.deepEqual(usernames(third), devUsers("-2", "-3"));
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
        assert.deepEqual(usernames(created), devUsers("-2"));
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

describe("a deployed stack whose services shared one database user moves to a user per service over two `pulumi up`s", () => {
    const SECRET = "aws:secretsmanager/secret:Secret";
    const prodUsers = (...suffixes: string[]) => suffixes.flatMap((x) => NAMES.map((n) => `pg-prod-${n}${x}`)).sort();
    /** What a stack deployed while its services shared one user recorded: no `users`, and the step it took. */
    const sharedRecord = (run: Run, database: Record<string, unknown>) => ({ ...run.outputs, rotation: { ...run.outputs.rotation, database } });
    const execGrants = (run: Run, name: string) => JSON.parse(run.one("aws:iam/rolePolicy:RolePolicy", `pg-${name}-exec`).inputs.policy).Statement
        .filter((s: any) => s.Action === "secretsmanager:GetSecretValue").map((s: any) => s.Resource);
    const arn = (run: Run, name: string) => run.one(SECRET, name).outputs.arn as string;
    let prod: Run, first: Run, held: Run, second: Run, done: Run;
    before(async () => {
        prod = await stackRun("prod");
        first = await runProgram({ ...prod.options, previous: sharedRecord(prod, { step: "none", now: "the application user is the one created with the cluster" }), now: Date.now() + 86_400_000 });
        const rolledBack = (inputs: Record<string, any>) => {
            const name = NAMES.find((n) => inputs.serviceName === `payment-gateway-prod-${n}`)!;
            // The circuit breaker rolled worker back onto the revision before, the one that reads the shared secret.
            const before = taskDefinition(first, name).replace(/:\d+$/, ":1");
            return ecsServiceNow(inputs, [{ status: "PRIMARY", taskDefinition: name === "worker" ? before : taskDefinition(first, name) }]);
        };
        held = await later(first, { days: 1, answers: { [GET_SERVICE]: rolledBack } });
        second = await later(held, { days: 1, answers: {} });
        done = await later(second, { days: 30 });
    });

    it("a new stack has a user per service from its first `pulumi up`, each URI in a secret only that service's tasks read", () => {
        assert.deepEqual(usernames(prod), prodUsers(""));
        assert.deepEqual(prod.ofType(SECRET).map((s) => s.name).filter((n) => n.endsWith("database-uri")).sort(), NAMES.map((n) => `pg-${n}-database-uri`));
        for (const name of NAMES) {
            const password = prod.one(PASSWORD, `pg-${name}-app-password`).outputs.result;
            assert.ok(secretValue(prod, `pg-${name}-database-uri`).startsWith(`mongodb+srv://pg-prod-${name}:${password}@`));
            // readWrite on the application database only: the database its URI names.
            const roles = prod.one(USER, `pg-${name}-app`).inputs.roles;
            assert.deepEqual(roles.map((r: any) => r.roleName), ["readWrite"]);
            assert.ok(secretValue(prod, `pg-${name}-database-uri`).includes(`/${roles[0].databaseName}?`));
            assert.equal(prod.one(SECRET, `pg-${name}-database-uri`).protect, true);
            assert.equal(prod.one(SECRET, `pg-${name}-database-uri`).inputs.name, `payment-gateway/prod/${name}/database-uri`);
            // Its execution role reads its own URI and the cache URL, no other service's URI.
            assert.deepEqual(execGrants(prod, name).flat().filter((r: string) => r.includes("database-uri")), [arn(prod, `pg-${name}-database-uri`)]);
            const container = JSON.parse(prod.one(TD, `pg-${name}`).inputs.containerDefinitions)[0];
            assert.equal(container.secrets.find((s: any) => s.name === "MPG_DATABASE_URI").valueFrom, arn(prod, `pg-${name}-database-uri`));
        }
        assert.equal(new Set(NAMES.map((n) => secretValue(prod, `pg-${n}-database-uri`))).size, 3, "three different credentials");
        assert.deepEqual(prod.outputs.rotation.database.users, "per-service");
    });

    it("first step: each service gets its own user and secret and rolls onto it, the shared user and its secret stay unchanged but unprotected", () => {
        assert.deepEqual(usernames(first), [...prodUsers(""), "pg-prod-app"].sort());
        // The shared user under the names it always had (logical name, user name, password), so Pulumi neither replaces nor deletes it.
        const shared = first.one(USER, "pg");
        assert.equal(shared.urn, "urn:pulumi:prod::payment-gateway::payment-gateway:database:Database$mongodbatlas:index/databaseUser:DatabaseUser::pg");
        const password = first.one(PASSWORD, "pg-app").outputs.result;
        assert.deepEqual([shared.inputs.username, shared.inputs.password, shared.inputs.authDatabaseName], ["pg-prod-app", password, "admin"]);
        // The shared secret: its old name and the same URI string the services read today.
        const secret = first.one(SECRET, "pg-database-uri");
        assert.equal(secret.inputs.name, "payment-gateway/prod/database-uri");
        assert.deepEqual([secret.protect, secret.retainOnDelete, secret.inputs.recoveryWindowInDays], [false, false, 30]);
        const host = first.outputs.atlasCluster.host;
        assert.equal(secretValue(first, "pg-database-uri"), `mongodb+srv://pg-prod-app:${password}@${host}/${first.one(USER, "pg").inputs.roles[0].databaseName}?retryWrites=true&w=majority&tls=true&authSource=admin`);
        for (const name of NAMES) {
            assert.ok(secretValue(first, `pg-${name}-database-uri`).startsWith(`mongodb+srv://pg-prod-${name}:`));
            assert.equal(first.one(SECRET, `pg-${name}-database-uri`).protect, true);
            // Its new task definition names its own secret only; its execution role may still read the
            // shared one, which ECS reads to start a task of the previous definition (a rollback).
            const container = JSON.parse(first.one(TD, `pg-${name}`).inputs.containerDefinitions)[0];
            assert.deepEqual(container.secrets.filter((x: any) => x.name === "MPG_DATABASE_URI").map((x: any) => x.valueFrom), [arn(first, `pg-${name}-database-uri`)]);
            assert.deepEqual(execGrants(first, name).flat().filter((r: string) => r.includes("database-uri")).sort(), [arn(first, `pg-${name}-database-uri`), arn(first, "pg-database-uri")].sort());
            assert.ok(first.one("aws:ecs/service:Service", `pg-${name}`).dependsOn.includes(first.one("pulumi-nodejs:dynamic/payment-gateway:UsersApplied", `pg-${name}-app-applied`).urn));
        }
        assert.deepEqual(waits(first), [true, true, true]);
        assert.deepEqual(
            [first.outputs.rotation.database.label, first.outputs.rotation.database.step, first.outputs.rotation.database.previous, first.outputs.rotation.database.previousShared, first.outputs.rotation.database.users],
            ["", "switch", "", true, "per-service"],
        );
        assert.match(first.outputs.rotation.database.now, /^gives each service a database user of its own/);
        assert.ok(!first.invokes.some((i) => i.token === GET_SERVICE), "nothing dropped this step: ECS is not asked");
    });

    it("held while ECS reports a service on the task definition that reads the shared secret: nothing changes", () => {
        assert.deepEqual([held.outputs.rotation.database.step, held.outputs.rotation.database.previousShared], ["switch", true]);
        assert.match(held.outputs.rotation.database.held, /worker: runs payment-gateway-prod-worker:\d+, not/);
        assert.deepEqual(changes(first, held), {});
        assert.equal(held.one(SECRET, "pg-database-uri").protect, false);
    });

    it("second step, once ECS confirms: the shared user, its password and its secret go (deleted with a 30-day recovery window), nothing else", () => {
        assert.deepEqual([second.outputs.rotation.database.step, second.outputs.rotation.database.previous, second.outputs.rotation.database.previousShared], ["cleanup", undefined, undefined]);
        assert.deepEqual(usernames(second), prodUsers(""));
        const gone = held.resources.filter((r) => !second.resources.some((x) => x.urn === r.urn));
        assert.deepEqual(gone.map((r) => `${r.type} ${r.name}`).sort(), [
            "aws:secretsmanager/secret:Secret pg-database-uri",
            "aws:secretsmanager/secretVersion:SecretVersion pg-database-uri",
            "mongodbatlas:index/databaseUser:DatabaseUser pg",
            "payment-gateway:secrets:StoredSecret pg-database-uri",
            "random:index/randomPassword:RandomPassword pg-app",
        ]);
        // Pulumi refuses to delete what its state marks protected: the step before unprotected it.
        assert.ok(gone.every((r) => !r.protect && !r.retainOnDelete));
        // Besides what goes, only the execution roles change: they no longer read the shared secret.
        const changed = changes(held, second);
        const execPolicies = NAMES.map((n) => second.one("aws:iam/rolePolicy:RolePolicy", `pg-${n}-exec`).urn);
        assert.deepEqual(Object.keys(changed).sort(), [...gone.map((r) => r.urn), ...execPolicies].sort());
        for (const urn of execPolicies) assert.deepEqual(changed[urn], ["policy"]);
        for (const name of NAMES) assert.deepEqual(execGrants(second, name).flat().filter((r: string) => r.includes("database-uri")), [arn(second, `pg-${name}-database-uri`)]);
        for (const name of NAMES) assert.equal(taskDefinition(second, name), taskDefinition(first, name), `${name} is not rolled again`);
    });

    it("rests after it, and a rotation label then rotates every service's user", async () => {
        assert.deepEqual(changes(second, done).constructor, Object);
        assert.deepEqual(Object.values(changes(second, done)).flat().filter((k) => k !== "waitForSteadyState"), []);
        assert.equal(done.outputs.rotation.database.step, "done");
        const rotated = await later(done, { days: 1, set: { "rotation.database": "7" } });
        assert.deepEqual(usernames(rotated), prodUsers("", "-7"));
        assert.deepEqual([rotated.outputs.rotation.database.step, rotated.outputs.rotation.database.previous, rotated.outputs.rotation.database.previousShared], ["switch", "", undefined]);
        for (const name of NAMES) assert.ok(secretValue(rotated, `pg-${name}-database-uri`).startsWith(`mongodb+srv://pg-prod-${name}-7:`));
    });

    it("refuses, before anything is declared, a switch to IAM authentication once the services have users of their own", async () => {
        const error = await later(done, { set: { "atlas.authentication": "iam" } }).then(() => assert.fail("accepted"), (e) => e as ProgramError);
        assert.deepEqual(error.resources, []);
        assert.match(error.message, /payment-gateway:atlas\.authentication cannot change on a deployed stack, which uses password: .*; got "iam"/);
    });

    it("a label set with the move: the services' users take the new label, the shared user they run on stays", async () => {
        const both = await runProgram({ ...prod.options, set: { "rotation.database": "9" }, previous: sharedRecord(prod, { label: "4", step: "done" }) });
        assert.deepEqual(usernames(both), [...prodUsers("-9"), "pg-prod-app-4"].sort());
        assert.deepEqual([both.outputs.rotation.database.label, both.outputs.rotation.database.previous, both.outputs.rotation.database.previousShared], ["9", "4", true]);
    });

    it("a shared-user rotation between its steps: refused, nothing declared, while ECS does not confirm; once it does, its previous user goes in the same update", async () => {
        const between = sharedRecord(first, { label: "4", step: "switch", previous: "" });
        const error = await runProgram({ ...prod.options, previous: between, answers: held.options.answers }).then(() => assert.fail("accepted"), (e) => e as ProgramError);
        assert.deepEqual(error.resources, []);
        assert.match(error.message, /the move to a database user per service waits for the rotation of the shared user to label 4 to finish: ECS does not confirm the services moved: worker: runs/);
        const confirmed = await runProgram({ ...prod.options, previous: between, answers: {} });
        assert.deepEqual(usernames(confirmed), [...prodUsers("-4"), "pg-prod-app-4"].sort(), "the original shared user is gone, the one the tasks run on stays");
        assert.deepEqual([confirmed.outputs.rotation.database.label, confirmed.outputs.rotation.database.step, confirmed.outputs.rotation.database.previous], ["4", "switch", "4"]);
    });
});
