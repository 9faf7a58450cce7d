/**
 * The local stack's cache configuration run for real: the files lib/local/cache.ts writes, read by
 * redis-server and redis-sentinel (valkey's where installed) on loopback ports. The primary is
 * stopped, and a client that asks the Sentinels for the master finds the promoted replica, with the
 * data written before the failover. Every wait is bounded; nothing leaves 127.0.0.1.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MASTER_NAME, QUORUM, SENTINELS, nodeConf, sentinelConf, sentinelUrl } from "../../lib/local/cache";
import { Processes, Reply, findBinary, freePorts, requireBinaries, resp, waitFor } from "./processes";

describe("local stack: the cache's Sentinel failover, with real processes", function () {
    this.timeout(90_000);
    const processes = new Processes();
    let dir: string;

    after(async () => {
        await processes.stopAll();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("lists every Sentinel in MPG_GARNET_URL, in the HA guide's form", () => {
        assert.equal(sentinelUrl(["sentinel1", "sentinel2", "sentinel3"]), "redis-sentinel://sentinel1:26379,sentinel2:26379,sentinel3:26379/0?master=mymaster");
    });

    it("promotes the replica when the primary stops, and the Sentinels name it to a client", async function () {
        const bins = requireBinaries(this, { "valkey-server or redis-server": findBinary("valkey-server", "redis-server") }, "apt-get install redis-server");
        const server = bins["valkey-server or redis-server"];
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "pg-sentinel-"));
        const [primaryPort, replicaPort, ...sentinelPorts] = await freePorts(2 + SENTINELS);
        // A name, not an address, as on the Docker network (cache1, sentinel1): the Sentinels resolve
        // it (resolve-hostnames) and hand it to clients (announce-hostnames). Loopback only; bound on
        // ::1 too where the machine has it, in case the name resolves there first.
        const host = "localhost";
        const bind = "127.0.0.1 -::1";
        const write = (name: string, text: string) => {
            fs.mkdirSync(path.join(dir, name));
            const file = path.join(dir, name, `${name}.conf`);
            fs.writeFileSync(file, text);
            return file;
        };
        const node = (name: string, port: number, replicaOf?: number) =>
            write(name, nodeConf({ host, port, bind, dir: path.join(dir, name), maxmemoryPolicy: "volatile-lru", replicaOf: replicaOf ? { host, port: replicaOf } : undefined }));
        const primary = processes.start(server, [node("primary", primaryPort)]);
        processes.start(server, [node("replica", replicaPort, primaryPort)]);
        // Sentinel mode of the server binary (redis-sentinel is the same program): it rewrites its own file.
        for (const [i, port] of sentinelPorts.entries())
            processes.start(server, [write(`sentinel${i + 1}`, sentinelConf({ host, port, bind, dir: path.join(dir, `sentinel${i + 1}`), primary: { host, port: primaryPort }, downAfterMilliseconds: 1000, failoverTimeoutMilliseconds: 10000 })), "--sentinel"]);

        try {
            // The replica has synced, and every Sentinel knows the replica and the other two Sentinels.
            await waitFor("the replica to sync", async () => (/master_link_status:up/.test(String(await resp(replicaPort, ["INFO", "replication"]))) ? true : undefined), 15_000);
            await resp(primaryPort, ["SET", "payment-gateway:drill", "before-failover"]);
            await waitFor("the write to reach the replica", async () => ((await resp(replicaPort, ["GET", "payment-gateway:drill"])) === "before-failover" ? true : undefined), 5_000);
            for (const port of sentinelPorts) {
                await waitFor(`Sentinel ${port} to see the replica and the other Sentinels`, async () => {
                    const replicas = (await resp(port, ["SENTINEL", "REPLICAS", MASTER_NAME])) as Reply[];
                    const sentinels = (await resp(port, ["SENTINEL", "SENTINELS", MASTER_NAME])) as Reply[];
                    return replicas.length === 1 && sentinels.length === SENTINELS - 1 ? true : undefined;
                }, 20_000);
                const master = (await resp(port, ["SENTINEL", "MASTER", MASTER_NAME])) as string[];
                assert.equal(master[master.indexOf("quorum") + 1], String(QUORUM), "each Sentinel's quorum");
            }
            const before = (await resp(sentinelPorts[0], ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME])) as string[];
            assert.deepEqual(before, [host, String(primaryPort)]);

            await processes.stop(primary);

            // A client resolving the master through any Sentinel now finds the replica, promoted.
            for (const port of sentinelPorts) {
                const after = await waitFor(`Sentinel ${port} to name a new master`, async () => {
                    const addr = (await resp(port, ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME])) as string[];
                    return addr[1] !== String(primaryPort) ? addr : undefined;
                }, 30_000);
                assert.deepEqual(after, [host, String(replicaPort)]);
            }
            const role = (await waitFor("the replica to act as master", async () => {
                const r = (await resp(replicaPort, ["ROLE"])) as Reply[];
                return r[0] === "master" ? r : undefined;
            }, 10_000)) as Reply[];
            assert.equal(role[0], "master");
            assert.equal(await resp(replicaPort, ["GET", "payment-gateway:drill"]), "before-failover");
            assert.equal(await resp(replicaPort, ["SET", "payment-gateway:drill", "after-failover"]), "OK");
        } catch (e) {
            // What the servers said, for the reader of a failed run.
            console.error(processes.output.join("").split("\n").slice(-60).join("\n"));
            throw e;
        }
    });
});
