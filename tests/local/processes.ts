/**
 * Real servers for the local stack's tests: finding their binaries, free loopback ports, bounded
 * waits, and a minimal RESP client (the Redis protocol) over a loopback socket. Nothing here reaches
 * beyond 127.0.0.1.
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as net from "net";

/** The first of `names` on PATH, or undefined. */
export function findBinary(...names: string[]): string | undefined {
    for (const name of names) {
        try {
            return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim() || undefined;
        } catch {
            // not on PATH
        }
    }
    return undefined;
}

/**
 * Binaries a test needs: in CI a missing one fails the test, naming the package (.ci/run installs
 * them); elsewhere the test is skipped with the same message printed.
 */
export function requireBinaries(ctx: Mocha.Context, found: Record<string, string | undefined>, install: string): Record<string, string> {
    const missing = Object.entries(found).filter(([, path]) => !path).map(([name]) => name);
    if (!missing.length) return found as Record<string, string>;
    const message = `${missing.join(", ")} not found on PATH: install them (${install}); .ci/run does`;
    if (process.env.CI) throw new Error(message);
    console.warn(`      skipped: ${message}`);
    ctx.skip();
}

/** `count` distinct free TCP ports on 127.0.0.1 (the kernel's choice, released before use). */
export async function freePorts(count: number): Promise<number[]> {
    const servers = await Promise.all(
        Array.from({ length: count }, () => new Promise<net.Server>((resolve, reject) => {
            const s = net.createServer();
            s.once("error", reject);
            s.listen(0, "127.0.0.1", () => resolve(s));
        })),
    );
    const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    return ports;
}

/** Polls `check` every `everyMs` until it returns a value other than undefined, for at most `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 200): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (let attempt = 0; Date.now() < deadline && attempt < Math.ceil(timeoutMs / everyMs) + 1; attempt++) {
        try {
            const value = await check();
            if (value !== undefined) return value;
        } catch (e) {
            last = e;
        }
        await new Promise((r) => setTimeout(r, everyMs));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ""}`);
}

/** Started processes, stopped together (SIGKILL) when the test ends. */
export class Processes {
    private readonly running: ChildProcess[] = [];
    readonly output: string[] = [];

    start(binary: string, args: string[], env: Record<string, string> = {}): ChildProcess {
        const p = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
        p.stdout!.on("data", (d) => this.output.push(String(d)));
        p.stderr!.on("data", (d) => this.output.push(String(d)));
        this.running.push(p);
        return p;
    }

    async stop(p: ChildProcess): Promise<void> {
        if (p.exitCode !== null || p.signalCode !== null) return;
        const exited = new Promise((r) => p.once("exit", r));
        p.kill("SIGKILL");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }

    async stopAll(): Promise<void> {
        await Promise.all(this.running.map((p) => this.stop(p)));
    }
}

export type Reply = string | number | null | Reply[];

/** One RESP command to 127.0.0.1:`port`, its reply (an error reply rejects). Times out after `timeoutMs`. */
export function resp(port: number, args: string[], timeoutMs = 2000): Promise<Reply> {
    return new Promise((resolve, reject) => {
        const socket = net.connect({ host: "127.0.0.1", port });
        let buffer = Buffer.alloc(0);
        const timer = setTimeout(() => {
            socket.destroy();
            reject(new Error(`no reply from 127.0.0.1:${port} to ${args[0]} in ${timeoutMs} ms`));
        }, timeoutMs);
        const done = (f: () => void) => {
            clearTimeout(timer);
            socket.destroy();
            f();
        };
        socket.on("error", (e) => done(() => reject(e)));
        socket.on("connect", () => socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`));
        socket.on("data", (d) => {
            buffer = Buffer.concat([buffer, d]);
            try {
                const parsed = parse(buffer, 0);
                if (parsed) done(() => (parsed.error ? reject(new Error(parsed.error)) : resolve(parsed.value)));
            } catch (e) {
                done(() => reject(e));
            }
        });
    });
}

/** Parses one RESP2 value at `at`; undefined while incomplete. */
function parse(b: Buffer, at: number): { value: Reply; next: number; error?: string } | undefined {
    const eol = b.indexOf("\r\n", at);
    if (eol < 0) return undefined;
    const type = String.fromCharCode(b[at]);
    const line = b.toString("utf8", at + 1, eol);
    switch (type) {
        case "+":
            return { value: line, next: eol + 2 };
        case "-":
            return { value: null, next: eol + 2, error: line };
        case ":":
            return { value: Number(line), next: eol + 2 };
        case "$": {
            const n = Number(line);
            if (n < 0) return { value: null, next: eol + 2 };
            if (b.length < eol + 2 + n + 2) return undefined;
            return { value: b.toString("utf8", eol + 2, eol + 2 + n), next: eol + 2 + n + 2 };
        }
        case "*": {
            const n = Number(line);
            if (n < 0) return { value: null, next: eol + 2 };
            const items: Reply[] = [];
            let next = eol + 2;
            for (let i = 0; i < n; i++) {
                const item = parse(b, next);
                if (!item) return undefined;
                if (item.error) return item;
                items.push(item.value);
                next = item.next;
            }
            return { value: items, next };
        }
        default:
            throw new Error(`unexpected RESP type ${JSON.stringify(type)}`);
    }
}
