import { strict as assert } from "assert";
import { SECRETS_VERSION_LABEL } from "../../components/service";
import { ProgramError, Run, isSecretInput, runProgram, stackRun } from "../harness";

const RG = "aws:elasticache/replicationGroup:ReplicationGroup";
const USER = "mongodbatlas:index/databaseUser:DatabaseUser";
const label = (run: Run, name: string) => JSON.parse(run.one("aws:ecs/taskDefinition:TaskDefinition", `pg-${name}`).inputs.containerDefinitions)[0].dockerLabels[SECRETS_VERSION_LABEL];
const secretValue = (run: Run, name: string) => run.one("aws:secretsmanager/secretVersion:SecretVersion", name).inputs.secretString as string;
/** The outputs a deployed dev stack would show, with the rotation record the last update wrote. */
const deployed = (rotation: unknown) => ({ environment: "dev", rotation });

describe("credential rotation", () => {
    let dev: Run;
    before(async () => (dev = await stackRun("dev")));

    describe("cache AUTH token", () => {
        it("is the generated one, with no update strategy, until a label is set", () => {
            assert.equal(dev.one(RG).inputs.authTokenUpdateStrategy, undefined);
            assert.equal(dev.one("random:index/randomPassword:RandomPassword", "pg-auth").inputs.keepers, undefined);
            assert.equal(dev.outputs.rotation.cache.step, "none");
        });

        it("adds a new token with ROTATE and rolls every service onto it, then drops the old one with SET", async () => {
            const rotate = await runProgram({ stack: "dev", set: { "rotation.cache": "2" }, previous: deployed({ cache: { step: "none" } }) });
            const token = rotate.one("random:index/randomPassword:RandomPassword", "pg-auth");
            assert.deepEqual(token.inputs.keepers, { rotation: "2" });
            const oldToken = dev.one("random:index/randomPassword:RandomPassword", "pg-auth").outputs.result;
            assert.notEqual(token.outputs.result, oldToken);
            assert.equal(rotate.one(RG).inputs.authToken, token.outputs.result);
            assert.equal(rotate.one(RG).inputs.authTokenUpdateStrategy, "ROTATE");
            assert.ok(isSecretInput(rotate.one(RG), "authToken"));
            assert.ok(secretValue(rotate, "pg-cache-url").includes(token.outputs.result));
            for (const name of ["admin", "main", "worker"]) assert.notEqual(label(rotate, name), label(dev, name), `${name} rolls onto the new URL`);
            assert.deepEqual([rotate.outputs.rotation.cache.label, rotate.outputs.rotation.cache.step], ["2", "rotate"]);

            // The next update, with the same config, reads back "rotate" and drops the old token.
            const set = await runProgram({ stack: "dev", set: { "rotation.cache": "2" }, previous: deployed(rotate.outputs.rotation) });
            assert.equal(set.one(RG).inputs.authTokenUpdateStrategy, "SET");
            assert.equal(set.one(RG).inputs.authToken, token.outputs.result, "the same new token, now the only one");
            for (const name of ["admin", "main", "worker"]) assert.equal(label(set, name), label(rotate, name), `${name} already holds the new URL`);
            assert.equal(set.outputs.rotation.cache.step, "set");
            const rest = await runProgram({ stack: "dev", set: { "rotation.cache": "2" }, previous: deployed(set.outputs.rotation) });
            assert.deepEqual([rest.outputs.rotation.cache.step, rest.one(RG).inputs.authTokenUpdateStrategy], ["done", "SET"]);
        });
    });

    describe("database password", () => {
        it("moves the URI to a new user with a new password, keeping the previous user for one step", async () => {
            const original = dev.one(USER);
            const rotated = await runProgram({ stack: "dev", set: { "rotation.database": "2" }, previous: deployed({ database: { step: "none" } }) });
            const users = rotated.ofType(USER);
            assert.deepEqual(users.map((u) => u.inputs.username).sort(), ["pg-dev-app", "pg-dev-app-2"]);
            const kept = rotated.one(USER, "pg");
            assert.equal(kept.urn, original.urn, "the previous user is the same resource: not replaced");
            const fresh = rotated.one(USER, "pg-app-2");
            const password = rotated.one("random:index/randomPassword:RandomPassword", "pg-app-2-password").outputs.result;
            assert.equal(fresh.inputs.password, password);
            assert.ok(isSecretInput(fresh, "password"));
            assert.notEqual(password, dev.one("random:index/randomPassword:RandomPassword", "pg-app").outputs.result);
            assert.ok(secretValue(rotated, "pg-database-uri").startsWith(`mongodb+srv://pg-dev-app-2:${password}@`));
            for (const s of rotated.ofType("aws:ecs/service:Service")) {
                assert.ok(s.dependsOn.includes(fresh.urn), `${s.name} waits for the new user`);
                assert.ok(!s.dependsOn.includes(kept.urn));
            }
            for (const name of ["admin", "main", "worker"]) assert.notEqual(label(rotated, name), label(dev, name));
            assert.deepEqual(rotated.outputs.rotation.database, { label: "2", step: "switch", previous: "", now: rotated.outputs.rotation.database.now, next: rotated.outputs.rotation.database.next });

            // The next update removes the previous user: nothing declares it any more.
            const cleanup = await runProgram({ stack: "dev", set: { "rotation.database": "2" }, previous: deployed(rotated.outputs.rotation) });
            assert.deepEqual(cleanup.ofType(USER).map((u) => u.inputs.username), ["pg-dev-app-2"]);
            assert.equal(cleanup.ofType("random:index/randomPassword:RandomPassword").filter((p) => p.name === "pg-app").length, 0);
            assert.equal(secretValue(cleanup, "pg-database-uri"), secretValue(rotated, "pg-database-uri"), "the URI does not move again");
            assert.equal(cleanup.outputs.rotation.database.step, "cleanup");
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
});
