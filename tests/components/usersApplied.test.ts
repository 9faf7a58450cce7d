import { strict as assert } from "assert";
import * as crypto from "crypto";
import * as http from "http";
import Module from "module";
import { AddressInfo } from "net";
import { POLL, usersAppliedProvider } from "../../components/usersApplied";
import { Run, stackRun } from "../harness";

const WAIT = "pulumi-nodejs:dynamic/payment-gateway:UsersApplied";
const USER = "mongodbatlas:index/databaseUser:DatabaseUser";

/** A stand-in for the Admin API's cluster status: Digest auth (MD5, qop auth) with one API key, the statuses given in turn. */
function adminApi(statuses: string[]): Promise<{ url: string; requests: { path: string; accept?: string; authorized: boolean }[]; close: () => void }> {
    const requests: { path: string; accept?: string; authorized: boolean }[] = [];
    const md5 = (s: string) => crypto.createHash("md5").update(s).digest("hex");
    const server = http.createServer((req, res) => {
        const auth = req.headers.authorization ?? "";
        const p = Object.fromEntries([...auth.matchAll(/(\w+)="?([^",]*)"?/g)].map((m) => [m[1], m[2]]));
        const expected = md5(`${md5("pub:MMS Public API:priv")}:n0nce:${p.nc}:${p.cnonce}:auth:${md5(`GET:${req.url}`)}`);
        const authorized = auth.startsWith("Digest ") && p.username === "pub" && p.uri === req.url && p.response === expected;
        requests.push({ path: req.url!, accept: req.headers.accept, authorized });
        if (!authorized) {
            res.writeHead(401, { "WWW-Authenticate": 'Digest realm="MMS Public API", domain="", nonce="n0nce", algorithm=MD5, qop="auth", stale=false' }).end();
            return;
        }
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ changeStatus: statuses.shift() ?? "APPLIED", links: [] }));
    });
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => server.close() })));
}

describe("new database users: clients wait until Atlas has applied them", () => {
    let prod: Run;
    before(async () => (prod = await stackRun("prod")));

    it("every service waits for the wait on its own user, which follows the user", () => {
        for (const name of ["admin", "main", "worker"]) {
            const wait = prod.one(WAIT, `pg-${name}-app-applied`);
            const user = prod.one(USER, `pg-${name}-app`);
            assert.deepEqual([wait.inputs.username, wait.inputs.clusterName, wait.inputs.projectId], [user.inputs.username, "pg-prod", user.inputs.projectId]);
            assert.deepEqual(wait.propertyDependencies.username, [user.urn]);
            assert.ok(prod.one("aws:ecs/service:Service", `pg-${name}`).dependsOn.includes(wait.urn), `${name} waits until Atlas applied its user`);
        }
    });

    it("the URI secret names a new user only once Atlas has applied it (a task started meanwhile reads it)", async () => {
        const dev = await stackRun("dev");
        for (const run of [prod, dev])
            for (const name of ["admin", "main", "worker"])
                assert.ok(run.one("aws:secretsmanager/secretVersion:SecretVersion", `pg-${name}-database-uri`).propertyDependencies.secretString.includes(run.one(WAIT, `pg-${name}-app-applied`).urn), `${run.stack} ${name}`);
    });

    it("is a new wait for a new user only", async () => {
        const olds = { projectId: "p", clusterName: "pg-prod", username: "pg-prod-app" };
        assert.deepEqual(await usersAppliedProvider.diff!("id", { ...olds, __provider: "a" }, { ...olds, __provider: "b" }), { changes: false, replaces: [], deleteBeforeReplace: false });
        assert.deepEqual(await usersAppliedProvider.diff!("id", olds, { ...olds, username: "pg-prod-app-2" }), { changes: true, replaces: ["username"], deleteBeforeReplace: false });
    });

    it("works as the engine runs it: the serialized provider, loaded alone in a fresh module, authenticates and reads", async () => {
        // The dynamic-provider host loads the `__provider` text the program recorded (require-from-string)
        // in its own process: nothing of this program is loaded there but what the text carries.
        const text = prod.one(WAIT, "pg-main-app-applied").inputs.__provider;
        assert.equal(typeof text, "string");
        assert.doesNotMatch(text, /require\("\.{1,2}\//, "no project module is required by path: the host cannot resolve it");
        const loaded = new Module("serialized-provider");
        (loaded as any)._compile(text, "serialized-provider.js");
        const provider = (loaded.exports as { handler: () => typeof usersAppliedProvider }).handler();
        assert.notEqual(provider, usersAppliedProvider);
        const api = await adminApi(["APPLIED"]);
        const saved = { ...process.env };
        for (const k of Object.keys(process.env)) if (/^(MONGODB_ATLAS_|MCLI_)/.test(k)) delete process.env[k];
        try {
            // The API key from the stack config, as the host hands it to `configure`; none in the environment.
            const config: Record<string, string> = { "mongodbatlas:publicKey": "pub", "mongodbatlas:privateKey": "priv", "mongodbatlas:baseUrl": api.url };
            await provider.configure!({ config: { get: (k: string) => config[k], require: (k: string) => config[k] } });
            const created = await provider.create({ projectId: "5f00000000000000000000aa", clusterName: "pg-prod", username: "pg-prod-app", __provider: text });
            assert.equal(created.outs.changeStatus, "APPLIED");
            assert.deepEqual(api.requests.map((r) => r.authorized), [false, true], "a Digest challenge, then the answered request");
        } finally {
            api.close();
            Object.assign(process.env, saved);
        }
    });

    it("reads the change status with the API key until APPLIED, then exists", async () => {
        const api = await adminApi(["PENDING", "PENDING", "APPLIED"]);
        const saved = { ...process.env };
        const poll = { ...POLL };
        Object.assign(process.env, { MONGODB_ATLAS_PUBLIC_KEY: "pub", MONGODB_ATLAS_PRIVATE_KEY: "priv", MONGODB_ATLAS_BASE_URL: api.url });
        Object.assign(POLL, { intervalMs: 5, timeoutMs: 5_000 });
        try {
            const created = await usersAppliedProvider.create({ projectId: "5f00000000000000000000aa", clusterName: "pg-prod", username: "pg-prod-app-2" });
            assert.equal(created.id, "5f00000000000000000000aa/pg-prod/pg-prod-app-2");
            assert.equal(created.outs.changeStatus, "APPLIED");
            const served = api.requests.filter((r) => r.authorized);
            assert.equal(served.length, 3, "PENDING, PENDING, APPLIED");
            assert.ok(api.requests.every((r) => r.path === "/api/atlas/v2/groups/5f00000000000000000000aa/clusters/pg-prod/status" && r.accept === "application/vnd.atlas.2023-01-01+json"));
            delete process.env.MONGODB_ATLAS_PUBLIC_KEY;
            await assert.rejects(usersAppliedProvider.create({ projectId: "p", clusterName: "pg-prod", username: "u" }), /waiting for Atlas database user u: set MONGODB_ATLAS_PUBLIC_KEY and MONGODB_ATLAS_PRIVATE_KEY/);
        } finally {
            api.close();
            for (const k of ["MONGODB_ATLAS_PUBLIC_KEY", "MONGODB_ATLAS_PRIVATE_KEY", "MONGODB_ATLAS_BASE_URL"]) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
            Object.assign(POLL, poll);
        }
    });
});
