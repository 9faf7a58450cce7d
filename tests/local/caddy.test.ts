/**
 * The local stack's Caddyfile, as the program generates it for Pulumi.local.yaml, checked by Caddy
 * itself: `caddy adapt` turns it into Caddy's JSON (read back here: upstreams, policies, health
 * checks), `caddy fmt` leaves it as it is, and `caddy validate` provisions it. validate starts the
 * active health checkers, so it runs on a copy whose upstreams are closed loopback ports: nothing
 * is looked up or reached beyond 127.0.0.1. Then Caddy serves it, moved to loopback, in front of
 * stand-in instances: the admin cookie, round robin, and losing the pinned instance.
 */
import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { stackRun } from "../harness";
import { Processes, findBinary, freePorts, requireBinaries, waitFor } from "./processes";

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

describe("local stack: the Caddyfile, served by Caddy on loopback", function () {
    this.timeout(60_000);
    const servers: http.Server[] = [];
    const processes = new Processes();
    let dir: string;
    after(async () => {
        await processes.stopAll();
        for (const s of servers) {
            s.closeAllConnections();
            s.close();
        }
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    /** A stand-in instance: /health answers 200, anything else its name. */
    const instance = (name: string, port: number) =>
        new Promise<http.Server>((resolve) => {
            const s = http.createServer((req, res) => res.end(req.url === "/health" ? "ok" : name));
            servers.push(s);
            s.listen(port, "127.0.0.1", () => resolve(s));
        });
    /** A request through Caddy for `host`; its status, body and Set-Cookie. */
    const get = (port: number, host: string, cookie?: string) =>
        new Promise<{ status: number; body: string; setCookie: string[] }>((resolve, reject) => {
            const req = http.get({ host: "127.0.0.1", port, path: "/", headers: { host, ...(cookie ? { cookie } : {}) }, agent: false, timeout: 10_000 }, (res) => {
                let body = "";
                res.on("data", (d) => (body += d));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body, setCookie: res.headers["set-cookie"] ?? [] }));
            });
            req.on("timeout", () => req.destroy(new Error("no answer from Caddy in 10 s")));
            req.on("error", reject);
        });

    it("keeps a browser on one admin instance by its cookie, spreads the API, and survives losing the pinned instance", async function () {
        const caddy = requireBinaries(this, { caddy: findBinary("caddy") }, "apt-get install caddy").caddy;
        const generated: string = (await stackRun("local")).outputs.loadBalancer.caddyfile;
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "pg-caddy-run-"));
        const [listen, ...ports] = await freePorts(5);
        const upstream: Record<string, number> = { admin1: ports[0], admin2: ports[1], main1: ports[2], main2: ports[3] };
        const byName = new Map<string, http.Server>();
        for (const [name, port] of Object.entries(upstream)) byName.set(name, await instance(name, port));
        // The generated file, with what only a test changes: upstreams on loopback ports, the sites on
        // a loopback port instead of 80, no admin endpoint, and checks every second instead of 10.
        const text = generated
            .replace(/\b(admin|main)(\d+):8080\b/g, (_, s: string, n: string) => `127.0.0.1:${upstream[`${s}${n}`]}`)
            .replace(/^http:\/\/([a-z.]+) \{$/gm, `http://$1:${listen} {\n\tbind 127.0.0.1`)
            .replace("\tauto_https off\n", "\tauto_https off\n\tadmin off\n")
            .replace(/health_interval 10s/g, "health_interval 1s");
        assert.equal((text.match(/127\.0\.0\.1:\d+/g) ?? []).length, 4, "every upstream moved");
        assert.equal(text.split(`:${listen} {\n\tbind 127.0.0.1`).length - 1, 2, "both sites moved");
        const file = path.join(dir, "Caddyfile");
        fs.writeFileSync(file, text);
        processes.start(caddy, ["run", "--config", file, "--adapter", "caddyfile"], { HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir });
        const adminHost = `admin.pay.localhost:${listen}`;
        const apiHost = `api.pay.localhost:${listen}`;
        try {
            const first = await waitFor("Caddy to answer", async () => {
                const r = await get(listen, adminHost);
                return r.status === 200 ? r : undefined;
            }, 15_000, 250);
            const cookie = first.setCookie.map((c) => c.split(";")[0]).find((c) => c.startsWith("pg_admin_lb="));
            assert.ok(cookie, `Caddy sets pg_admin_lb: ${first.setCookie}`);
            const pinned = first.body;
            for (let i = 0; i < 6; i++) assert.equal((await get(listen, adminHost, cookie)).body, pinned, "the cookie keeps the instance");
            const api = new Set<string>();
            for (let i = 0; i < 6; i++) api.add((await get(listen, apiHost)).body);
            assert.deepEqual([...api].sort(), ["main1", "main2"], "round robin over both main instances");
            assert.equal((await get(listen, apiHost)).setCookie.length, 0, "no affinity cookie on the API");

            // The pinned admin instance stops: the same browser is served by the other one.
            const stopped = byName.get(pinned)!;
            stopped.closeAllConnections();
            await new Promise((r) => stopped.close(r));
            const after = await get(listen, adminHost, cookie);
            assert.equal(after.status, 200);
            assert.notEqual(after.body, pinned);
            assert.match(after.body, /^admin[12]$/);
        } catch (e) {
            console.error(processes.output.join("").split("\n").slice(-30).join("\n"));
            throw e;
        }
    });
});
