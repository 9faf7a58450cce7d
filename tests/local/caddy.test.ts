/**
 * The local stack's Caddyfile, as the program generates it for Pulumi.local.yaml, checked by Caddy
 * itself: `caddy adapt` turns it into Caddy's JSON (read back here: upstreams, policies, health
 * checks), `caddy fmt` leaves it as it is, and `caddy validate` provisions it. validate starts the
 * active health checkers, so it runs on a copy whose upstreams are closed loopback ports: nothing
 * is looked up or reached beyond 127.0.0.1.
 */
import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { stackRun } from "../harness";
import { findBinary, freePorts, requireBinaries } from "./processes";

const exec = promisify(execFile);

describe("local stack: the Caddyfile, checked by Caddy", function () {
    this.timeout(60_000);
    let dir: string;
    let caddyfile: string;
    let caddy: string;

    before(async function () {
        caddy = requireBinaries(this, { caddy: findBinary("caddy") }, "apt-get install caddy").caddy;
        caddyfile = (await stackRun("local")).outputs.loadBalancer.caddyfile;
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "pg-caddy-"));
    });
    after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

    const run = (args: string[]) => exec(caddy, args, { cwd: dir, timeout: 30_000, env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir } });
    const write = (name: string, text: string) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, text);
        return file;
    };

    it("adapts to the routes, policies and health checks the stack asks for", async () => {
        const { stdout } = await run(["adapt", "--config", write("Caddyfile", caddyfile), "--adapter", "caddyfile"]);
        const server = Object.values<any>(JSON.parse(stdout).apps.http.servers)[0];
        assert.deepEqual(server.listen, [":80"]);
        const proxyFor = (host: string) => {
            const route = server.routes.find((r: any) => r.match?.[0]?.host?.includes(host));
            assert.ok(route, `a route for ${host}`);
            return route.handle[0].routes[0].handle.find((h: any) => h.handler === "reverse_proxy");
        };
        const admin = proxyFor("admin.pay.localhost");
        const api = proxyFor("api.pay.localhost");
        assert.deepEqual(admin.upstreams.map((u: any) => u.dial), ["admin1:8080", "admin2:8080"]);
        assert.deepEqual(api.upstreams.map((u: any) => u.dial), ["main1:8080", "main2:8080"]);
        assert.deepEqual(admin.load_balancing.selection_policy, { policy: "cookie", name: "pg_admin_lb" });
        assert.deepEqual(api.load_balancing.selection_policy, { policy: "round_robin" });
        for (const p of [admin, api]) {
            assert.equal(p.health_checks.active.uri, "/health");
            assert.equal(p.health_checks.active.interval, 10e9, "10 s, in nanoseconds");
            assert.equal(p.health_checks.active.timeout, 5e9);
        }
        assert.equal(server.automatic_https?.disable, true);
        assert.equal(server.routes.length, 2, "no other site");
    });

    it("is formatted as caddy fmt writes it", async () => {
        const { stdout } = await run(["fmt", write("Caddyfile.fmt", caddyfile)]);
        assert.equal(stdout, caddyfile);
    });

    it("validates (every module provisions) with its upstreams on closed loopback ports", async () => {
        const ports = await freePorts(4);
        let i = 0;
        const loopback = caddyfile.replace(/\b(admin|main)\d+:8080\b/g, () => `127.0.0.1:${ports[i++]}`);
        assert.equal(i, 4, "every upstream replaced");
        const { stdout, stderr } = await run(["validate", "--config", write("Caddyfile.loopback", loopback), "--adapter", "caddyfile"]);
        assert.match(stdout + stderr, /Valid configuration/);
        // A broken file is refused: the check can fail.
        await assert.rejects(run(["validate", "--config", write("Caddyfile.broken", caddyfile.replace("lb_policy round_robin", "lb_policy no_such_policy")), "--adapter", "caddyfile"]));
    });
});
