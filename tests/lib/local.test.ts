/**
 * The local stack's plain modules (lib/local/): the replica-set init's logic run against a stand-in
 * of mongosh's helpers, the backup loop run by bash against a stand-in mongodump, image pinning,
 * and the connection budget against mongod's limit.
 */
import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as vm from "vm";
import { promisify } from "util";
import { backupScript, databaseUri, initScript } from "../../lib/local/mongo";
import { goDuration } from "../../lib/local/duration";
import { isPinnedImage } from "../../lib/config/rules/local";
import { localMongodLimit } from "../../lib/config/rules/budget";
import { planConnections, PoolBudgetError } from "../../lib/pool";

const exec = promisify(execFile);

/** Runs the init script with mongosh's rs, print, quit and sleep stood in for; returns what it did. */
function runInit(state: { initiated: boolean; primaryAfterPolls: number | undefined }, waitSeconds = 5) {
    const calls = { initiate: [] as unknown[], polls: 0, printed: [] as string[], exit: undefined as number | undefined };
    const rs = {
        status() {
            if (!state.initiated) throw Object.assign(new Error("no replset config has been received"), { codeName: "NotYetInitialized", code: 94 });
            calls.polls++;
            const primary = state.primaryAfterPolls !== undefined && calls.polls > state.primaryAfterPolls;
            return { members: [{ name: "mongo1:27017", stateStr: primary ? "PRIMARY" : "SECONDARY" }, { name: "mongo2:27017", stateStr: "SECONDARY" }] };
        },
        initiate(config: unknown) {
            calls.initiate.push(config);
            state.initiated = true;
            return { ok: 1 };
        },
    };
    class Quit extends Error {}
    const quit = (code: number) => {
        calls.exit = code;
        throw new Quit();
    };
    try {
        vm.runInNewContext(initScript(waitSeconds), { rs, print: (s: string) => calls.printed.push(s), quit, sleep: () => undefined });
    } catch (e) {
        if (!(e instanceof Quit)) throw e;
    }
    return calls;
}

describe("lib/local", () => {
    describe("the replica-set init", () => {
        it("initiates rs0 over the three members once, and exits 0 when a primary is elected", () => {
            const state = { initiated: false, primaryAfterPolls: 2 };
            const first = runInit(state);
            assert.deepEqual(JSON.parse(JSON.stringify(first.initiate)), [{ _id: "rs0", members: [{ _id: 0, host: "mongo1:27017" }, { _id: 1, host: "mongo2:27017" }, { _id: 2, host: "mongo3:27017" }] }]);
            assert.equal(first.exit, 0);
            assert.ok(first.printed.includes("primary: mongo1:27017"));
            // Run again (a member replaced): nothing initiated twice.
            const again = runInit(state);
            assert.deepEqual(again.initiate, []);
            assert.equal(again.exit, 0);
        });

        it("takes AlreadyInitialized from initiate as done: a restarted member says NotYetInitialized until it has read its config", () => {
            let statusCalls = 0;
            const rs = {
                status() {
                    if (statusCalls++ === 0) throw Object.assign(new Error("no replset config has been received"), { codeName: "NotYetInitialized" });
                    return { members: [{ name: "mongo2:27017", stateStr: "PRIMARY" }] };
                },
                initiate() {
                    throw Object.assign(new Error("already initialized"), { codeName: "AlreadyInitialized" });
                },
            };
            const printed: string[] = [];
            let exit: number | undefined;
            class Quit extends Error {}
            try {
                vm.runInNewContext(initScript(3), { rs, print: (s: string) => printed.push(s), quit: (c: number) => { exit = c; throw new Quit(); }, sleep: () => undefined });
            } catch (e) {
                if (!(e instanceof Quit)) throw e;
            }
            assert.equal(exit, 0);
            assert.deepEqual(printed, ["replica set already initiated", "primary: mongo2:27017"]);
            // Any other error of initiate still fails the init.
            const failing = { status: rs.status, initiate: () => { throw Object.assign(new Error("member mongo3:27017 unreachable"), { codeName: "NodeNotFound" }); } };
            statusCalls = 0;
            assert.throws(() => vm.runInNewContext(initScript(3), { rs: failing, print: () => undefined, quit: () => undefined, sleep: () => undefined }), /unreachable/);
        });

        it("gives up, exiting 1, when no primary appears within its bound", () => {
            const calls = runInit({ initiated: false, primaryAfterPolls: undefined }, 5);
            assert.equal(calls.exit, 1);
            assert.equal(calls.polls, 5, "polled exactly waitSeconds times");
        });

        it("lets any other error of rs.status fail the init", () => {
            const rs = { status: () => { throw Object.assign(new Error("connection refused"), { codeName: "HostUnreachable" }); }, initiate: () => assert.fail("initiated") };
            assert.throws(() => vm.runInNewContext(initScript(3), { rs, print: () => undefined, quit: () => undefined, sleep: () => undefined }), /connection refused/);
        });

        it("names every member and the replica set in MPG_DATABASE_URI", () => {
            assert.equal(databaseUri("payment_gateway"), "mongodb://mongo1:27017,mongo2:27017,mongo3:27017/payment_gateway?replicaSet=rs0&retryWrites=true&w=majority");
        });
    });

    describe("the backup loop", function () {
        this.timeout(20_000);
        it("dumps into the volume, keeps the newest `keep`, and leaves no partial archive when a dump fails", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pg-backup-"));
            try {
                const bin = path.join(dir, "bin");
                const backups = path.join(dir, "backup");
                fs.mkdirSync(bin);
                fs.mkdirSync(backups);
                for (let i = 0; i < 9; i++) {
                    const f = path.join(backups, `dump-2026010${i}T000000Z.archive.gz`);
                    fs.writeFileSync(f, "old");
                    fs.utimesSync(f, new Date(2026, 0, 1 + i), new Date(2026, 0, 1 + i));
                }
                // Stand-ins: mongodump writes its archive (or fails, on request); sleep ends the loop after one round.
                fs.writeFileSync(path.join(bin, "mongodump"), '#!/bin/sh\nfor a; do case "$a" in --archive=*) f="${a#--archive=}";; esac; done\necho partial > "$f"\n[ -z "$FAIL" ] || exit 1\necho "$@" > "$f"\n', { mode: 0o755 });
                fs.writeFileSync(path.join(bin, "sleep"), "#!/bin/sh\nkill -TERM $PPID\n", { mode: 0o755 });
                const script = backupScript("mongodb://mongo1:27017/?replicaSet=rs0", 24, 7, backups);
                const run = (env: Record<string, string> = {}) => exec("bash", ["-c", script], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ...env }, timeout: 10_000 }).catch((e) => e);
                await run();
                const kept = fs.readdirSync(backups).sort();
                assert.equal(kept.length, 7);
                const fresh = kept.filter((f) => fs.readFileSync(path.join(backups, f), "utf8") !== "old");
                assert.equal(fresh.length, 1, "one new dump");
                assert.match(fs.readFileSync(path.join(backups, fresh[0]), "utf8"), /--uri=mongodb:\/\/mongo1:27017\/\?replicaSet=rs0 --readPreference=secondaryPreferred --gzip/);
                assert.ok(!kept.includes("dump-20260100T000000Z.archive.gz") && !kept.includes("dump-20260101T000000Z.archive.gz"), "the oldest went");
                fs.rmSync(path.join(backups, fresh[0]));
                await run({ FAIL: "1" });
                assert.ok(fs.readdirSync(backups).every((f) => fs.readFileSync(path.join(backups, f), "utf8") === "old"), "no partial archive");
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });

    it("takes an image pinned by tag or digest, never latest or untagged", () => {
        assert.ok(isPinnedImage("mongo:7.0.14"));
        assert.ok(isPinnedImage("registry.example.com:5000/pg/admin:1.0.0"));
        assert.ok(isPinnedImage(`valkey/valkey@sha256:${"a".repeat(64)}`));
        assert.ok(!isPinnedImage("valkey/valkey"));
        assert.ok(!isPinnedImage("registry.example.com:5000/pg/admin"), "a registry port is no tag");
        assert.ok(!isPinnedImage("caddy:latest"));
    });

    it("sizes the pools against mongod's limit, and names the limit that would fit", () => {
        const services = ["admin", "main", "worker"].map((name) => ({ name, maxInstances: 2, maximumPercent: 100 }));
        const budget = planConnections({ tier: "M10", node: localMongodLimit(1000), headroom: 0.8, services });
        assert.equal(budget.limit, 1000);
        assert.equal(budget.budget, Math.floor((1000 - 20) * 0.8));
        assert.equal(budget.node, "mongod --maxConns 1000");
        assert.ok(budget.peakConnections <= budget.budget);
        assert.throws(() => planConnections({ tier: "M10", node: localMongodLimit(80), headroom: 0.8, services }), (e: unknown) => {
            assert.ok(e instanceof PoolBudgetError);
            assert.equal(e.path, "local.mongo.maxConnections");
            const needed = Number(/at least (\d+)/.exec(e.message)![1]);
            // Exactly the smallest limit that fits.
            assert.doesNotThrow(() => planConnections({ tier: "M10", node: localMongodLimit(needed), headroom: 0.8, services }));
            assert.throws(() => planConnections({ tier: "M10", node: localMongodLimit(needed - 1), headroom: 0.8, services }), PoolBudgetError);
            return true;
        });
    });
});

describe("goDuration: health-check durations in the form the Docker provider reads back", () => {
    it("writes whole seconds as Go's time.Duration.String() does", () => {
        assert.deepEqual([0, 5, 59, 60, 61, 90, 300, 3599, 3600, 3725, 7200].map(goDuration), ["0s", "5s", "59s", "1m0s", "1m1s", "1m30s", "5m0s", "59m59s", "1h0m0s", "1h2m5s", "2h0m0s"]);
    });
    it("refuses what is not a whole number of seconds", () => {
        assert.throws(() => goDuration(1.5), /not a whole number/);
        assert.throws(() => goDuration(-1), /not a whole number/);
    });
});
