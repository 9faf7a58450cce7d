/**
 * Stack config as the Pulumi CLI assembles it: the project's Pulumi.yaml, the stack file, `--set`
 * key paths, secure values (which stay undecrypted offline).
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { FORBIDDEN_KEYS, UNDECRYPTED, configJson } from "../../lib/config";

export const ROOT = path.resolve(__dirname, "..", "..");

export interface ProjectFile {
    name: string;
    config?: Record<string, unknown>;
}

/** The Pulumi.yaml of the project in `dir` (default the gateway's, at the repository root). */
export function readProject(dir: string = ROOT): ProjectFile {
    return YAML.parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"));
}

export function listStacks(dir: string = ROOT): string[] {
    return fs
        .readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => !!s)
        .sort();
}

/** Stack files that show a config edit rather than a stack of their own: prod's file after the region-loss edit. */
export const EXAMPLE_STACKS = ["prod-multiregion"];

/**
 * The stacks of the gateway itself in AWS: every stack file of `purpose: gateway` but the examples
 * (not a drill, short-lived; not a local stack, a Docker engine and no cloud; not a warm standby,
 * see standbyStacks).
 */
export function gatewayStacks(): string[] {
    return listStacks().filter((stack) => (readStackFile(stack)["payment-gateway:purpose"] ?? "gateway") === "gateway" && !EXAMPLE_STACKS.includes(stack));
}

/** The warm standby stacks (`purpose: standby`): long-lived, in a second region. */
export function standbyStacks(): string[] {
    return listStacks().filter((stack) => readStackFile(stack)["payment-gateway:purpose"] === "standby");
}

/**
 * The long-lived stacks in AWS: the gateway stacks and the warm standbys. The bootstrap gives each
 * its roles (before a standby's first `pulumi up`), and the README's cost table prices each.
 */
export function longLivedStacks(): string[] {
    return [...gatewayStacks(), ...standbyStacks()].sort();
}

/**
 * Whether a warm standby is live: its primary's stack file names it (`regionLoss.standbyStack`).
 * Until then its preview and `pulumi up` stop at the primary's missing regionLoss output
 * (lib/failover.ts readPrimary), so CI would fail on every pull request. `read` reads a stack
 * file's config (default: the repository's).
 */
export function standbyIsLive(stack: string, read: (stack: string) => Record<string, unknown> = readStackFile): boolean {
    const primary = (read(stack)["payment-gateway:standby"] as { primaryStack?: unknown } | undefined)?.primaryStack;
    if (typeof primary !== "string" || !listStacks().includes(primary)) return false;
    return (read(primary)["payment-gateway:regionLoss"] as { standbyStack?: unknown } | undefined)?.standbyStack === stack;
}

/**
 * The stacks CI previews on every pull request, deploys (deploy.yml, up.yml) and checks for drift
 * nightly: the gateway stacks and the live warm standbys (standbyIsLive). Not the examples (a
 * config edit shown, not a stack), the drills (short-lived, run by hand), the local stack (a
 * Docker engine, no cloud) nor a standby whose primary does not name it yet.
 */
export function ciStacks(read: (stack: string) => Record<string, unknown> = readStackFile): string[] {
    return [...gatewayStacks(), ...standbyStacks().filter((s) => standbyIsLive(s, read))].sort();
}

/** The stack file's config of `stack` (as `Pulumi.<stack>.yaml` has it, secrets still encrypted). */
export function stackFileConfig(stack: string): Record<string, unknown> {
    return readStackFile(stack);
}

/** A stack's `aws:region` as its stack file sets it (undefined for the local stack). */
export function stackRegion(stack: string): string | undefined {
    const region = readStackFile(stack)["aws:region"];
    return typeof region === "string" ? region : undefined;
}

/** A standby stack's primary (`standby.primaryStack` in its stack file). */
export function primaryStackOf(stack: string): string | undefined {
    const standby = readStackFile(stack)["payment-gateway:standby"] as { primaryStack?: unknown } | undefined;
    return typeof standby?.primaryStack === "string" ? standby.primaryStack : undefined;
}

/** A config value in a stack file: plain, or `{ secure: <ciphertext> }`. */
type StackValue = unknown;

export interface AssembledConfig {
    /** Namespaced key → the string the language host receives (objects as JSON). */
    values: Record<string, string>;
    secretKeys: string[];
}

/**
 * Pulumi.yaml's project config overlaid by Pulumi.<stack>.yaml, then `set` (paths like
 * `main.instances` or `aws:region`, as `pulumi config set --path` takes them).
 *
 * Like the CLI: a project value or default applies only to a top-level key the stack does not
 * set (no deep merge); objects reach the program as JSON; `secure` values are secrets (the
 * harness cannot decrypt them and passes a placeholder).
 */
export function assembleConfig(stack: string, set: Record<string, unknown> = {}, project: ProjectFile = readProject(), dir: string = ROOT): AssembledConfig {
    const stackConfig = readStackFile(stack, dir);
    const namespaced = (key: string) => (key.includes(":") ? key : `${project.name}:${key}`);

    const merged: Record<string, StackValue> = {};
    for (const [key, value] of Object.entries(stackConfig)) merged[namespaced(key)] = value;
    for (const [key, declaration] of Object.entries(project.config ?? {})) {
        const k = namespaced(key);
        if (k in merged) continue;
        const d = declaration as Record<string, unknown> | string | number | boolean;
        if (typeof d !== "object" || d === null) merged[k] = d;
        else if ("default" in d) merged[k] = d.default;
        else if ("value" in d) merged[k] = d.value;
    }
    for (const [keyPath, value] of Object.entries(set)) {
        const [key, ...rest] = parseKeyPath(keyPath);
        const k = namespaced(String(key));
        if (rest.length === 0) {
            if (value === undefined) delete merged[k];
            else merged[k] = value;
            continue;
        }
        // As `pulumi config set --path`: containers are created as the path needs them, a list
        // index may be at most the list's length (which appends).
        const container = (next: string | number) => (typeof next === "number" ? [] : {});
        const holds = (v: unknown, next: string | number) => (typeof next === "number" ? Array.isArray(v) : isPlainObject(v));
        merged[k] = structuredClone(holds(merged[k], rest[0]) ? merged[k] : container(rest[0]));
        let node = merged[k] as Record<string | number, unknown>;
        for (const [i, segment] of rest.entries()) {
            if (typeof segment === "number" && (!Array.isArray(node) || segment > node.length))
                throw new UsageError(`--set ${keyPath}: list index ${segment} is out of range (the list has ${Array.isArray(node) ? node.length : 0} items; an index may append at most one)`);
            if (i === rest.length - 1) {
                if (value === undefined) {
                    if (Array.isArray(node)) node.splice(segment as number, 1);
                    else delete node[segment];
                } else node[segment] = value;
                break;
            }
            if (!holds(node[segment], rest[i + 1])) node[segment] = container(rest[i + 1]);
            node = node[segment] as Record<string | number, unknown>;
        }
    }

    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(merged)) {
        // The engine hands the program every secure value decrypted, at any depth, and treats a
        // key holding one as secret. Offline there is no key to decrypt with: a placeholder the
        // config loader recognises stands in (lib/config/constants.ts, UNDECRYPTED).
        const { value: plain, secure } = decrypt(value);
        if (secure) secretKeys.push(key);
        // As the engine's JSON, which keeps every digit of an integer the CLI stored (int64).
        values[key] = typeof plain === "string" ? plain : isPlainObject(plain) || Array.isArray(plain) ? configJson(plain) : String(plain);
    }
    return { values, secretKeys };
}

/** A stack file's `config`, or an error naming the file. */
function readStackFile(stack: string, dir: string = ROOT): Record<string, StackValue> {
    const file = `Pulumi.${stack}.yaml`;
    const stackFile = path.join(dir, file);
    if (!fs.existsSync(stackFile)) throw new UsageError(`no stack file ${file} (stacks: ${listStacks(dir).join(", ")})`);
    // Integers as the CLI reads them (int64): every digit kept, a BigInt where a double would round.
    const doc = YAML.parseDocument(fs.readFileSync(stackFile, "utf8"), { intAsBigInt: true });
    if (doc.errors.length) throw new Error(`${file} is not valid YAML: ${doc.errors[0].message.split("\n")[0]}`);
    const parsed = safeIntegers(doc.toJS());
    if (parsed !== null && !isPlainObject(parsed)) throw new Error(`${file} must be a YAML mapping with a config: section`);
    const config = parsed?.config ?? {};
    if (!isPlainObject(config)) throw new Error(`${file}: config must be a mapping of keys to values`);
    return { ...config };
}

/** BigInts a double holds exactly → numbers; larger ones stay BigInts. */
function safeIntegers(value: unknown): any {
    if (typeof value === "bigint") return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
    if (Array.isArray(value)) return value.map(safeIntegers);
    if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, safeIntegers(v)]));
    return value;
}

/** Misuse of the harness's inputs (a stack that does not exist, a --set path the CLI would refuse): not a config problem. */
export class UsageError extends Error {}

/** Replaces `{ secure: … }` values, at any depth, by the placeholder; says whether there were any. */
function decrypt(value: unknown): { value: unknown; secure: boolean } {
    if (isPlainObject(value) && "secure" in value && Object.keys(value).length === 1) return { value: UNDECRYPTED, secure: true };
    if (Array.isArray(value)) {
        const items = value.map(decrypt);
        return { value: items.map((i) => i.value), secure: items.some((i) => i.secure) };
    }
    if (isPlainObject(value)) {
        const entries = Object.entries(value).map(([k, v]) => [k, decrypt(v)] as const);
        return { value: Object.fromEntries(entries.map(([k, d]) => [k, d.value])), secure: entries.some(([, d]) => d.secure) };
    }
    return { value, secure: false };
}

/**
 * `pulumi config set --path` syntax: `atlas.autoScaling.minTier`, `admin.allowedCidrs[0]`,
 * `main.extraEnvironment["my.var"]`, `aws:region` (a namespaced key stays whole).
 */
export function parseKeyPath(keyPath: string): (string | number)[] {
    const headEnd = keyPath.search(/[.[]/);
    const head = headEnd < 0 ? keyPath : keyPath.slice(0, headEnd);
    if (!head) throw new UsageError(`--set ${keyPath}: a path starts with a key`);
    const segments: (string | number)[] = [head];
    const re = /\.([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/y;
    for (let at = head.length; at < keyPath.length; at = re.lastIndex) {
        re.lastIndex = at;
        const m = re.exec(keyPath);
        if (!m) throw new UsageError(`--set ${keyPath}: not a config path (use key.field, key.list[0] or key["field.with.dots"])`);
        segments.push(m[1] !== undefined ? m[1] : m[2] !== undefined ? Number(m[2]) : quotedSegment(keyPath, m[3]));
    }
    const refused = segments.find((seg) => FORBIDDEN_KEYS.includes(String(seg).replace(/^[^:]*:/, "")));
    if (refused !== undefined) throw new UsageError(`--set ${keyPath}: refuses the path segment "${refused}"`);
    return segments;
}

/** A `["…"]` segment is a JSON string (as the CLI reads it); a bad escape is named, not left to the JSON parser's words. */
function quotedSegment(keyPath: string, inner: string): string {
    const bad = [...inner.matchAll(/\\(u[0-9a-fA-F]{4}|["\\/bfnrt])|\\.?|[\u0000-\u001f]/gs)].find((m) => m[1] === undefined);
    if (bad)
        throw new UsageError(
            `--set ${keyPath}: the quoted segment ["${inner}"] has ${bad[0].startsWith("\\") ? `the escape ${bad[0]}, which JSON does not know` : "a control character"}; a quoted segment is a JSON string: escape only \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX`,
        );
    return JSON.parse(`"${inner}"`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}
