/** The entry that validates: the schema, then every rule by topic, all problems at once, before anything is declared. */
import { restoreKey } from "../restore";
import { AWS_REGION, AWS_REGION_ZONES } from "../limits";
import { FORBIDDEN_KEYS, UNDECRYPTED } from "./constants";
import { asTheFieldReads, boolean, STACK_NAME } from "./fields";
import { ConfigSchema } from "./schema";
import { Config, defaultsFrom, resolve, Resolved } from "./resolve";
import { ConfigError, defaultMessage, formatPath, Problem, Unchecked, within, zodProblems } from "./problems";
import { crossFieldProblems } from "./rules/crossField";
import { buildProblems } from "./rules/build";
import { budgetProblems, costProblems } from "./rules/budget";

/**
 * Validate the raw `payment-gateway:*` values (objects already parsed from JSON, by parseConfigJson)
 * and resolve defaults. Throws ConfigError listing every problem, one per key: the schema's, and
 * the cross-field, prod, build, connection-budget and cost rules' (evaluated with bad values set
 * aside, so one mistake does not hide another). A rule that reads a refused value is not run; the
 * error says so, and why (ConfigError.unchecked). With `root` (the project directory), build
 * contexts and Dockerfiles must exist.
 */
/** What the last deployment recorded that time- and change-relative rules read. */
export interface LastDeployment {
    /** The restore it started (lib/restore.ts restoreKey): not judged against today's clock again. */
    restoreKey?: string;
    /** The Atlas tier it configured (the `atlasCluster.tier` output). */
    atlasTier?: string;
    /** Who answered admin.<domain> and api.<domain> (the `dnsRecords` output): alias records of its own, the standby's pair, or none. */
    dnsRecords?: string;
    /** Each service's release strategy it configured (the `releases.<service>.strategy` output). */
    releaseStrategies?: Partial<Record<"admin" | "main" | "worker", string>>;
    /**
     * Whose database users its URIs named (the `rotation.database.users` output): a password user
     * per service, or a user per task role (IAM). Absent from records written while the services
     * shared one password user, which do not say which authentication they used.
     */
    databaseUsers?: "per-service" | "iam";
    /**
     * What the cache ran as the primary of an ElastiCache Global Datastore (the `regionLoss` output
     * with cache global: cacheEngine, cacheEngineVersion, cacheMaxmemoryPolicy; lib/failover.ts
     * deployedDatastore). Absent while the cache is cold, and a field is absent from records written
     * before it was.
     */
    cacheDatastore?: { engine?: string; engineVersion?: string; maxmemoryPolicy?: string };
}

/** What validation needs besides the config: where build contexts resolve, and what the last deployment recorded. */
export interface ValidationContext {
    /** The project directory build contexts resolve against; without it they are not checked. */
    root?: string;
    /** What the last deployment recorded. Default: nothing (a stack never deployed). */
    last?: LastDeployment;
}

export function validateConfig(raw: Record<string, unknown>, awsRegion: string | undefined, stack?: string, now: number = Date.now(), { root, last = {} }: ValidationContext = {}): Config {
    const problems: Problem[] = [];
    const unchecked: Unchecked[] = [];
    // The stack name is part of physical names (cache id ≤ 40, cluster and role names): keep it short and plain.
    if (stack !== undefined && !STACK_NAME.test(stack))
        problems.push({ path: "", message: "needs a stack name of 1–20 lower-case letters, digits and hyphens, starting with a letter (it is part of physical resource names)", value: stack });
    // A local stack declares nothing in AWS: it needs no region (one it names is still checked).
    const local = raw.purpose === "local";
    if (!awsRegion && !local) problems.push({ path: "", message: "needs aws:region (pulumi config set aws:region us-east-1)" });
    else if (awsRegion && !AWS_REGION.test(awsRegion)) problems.push({ path: "", message: "needs aws:region to be an AWS region such as us-east-1", value: awsRegion });
    else if (awsRegion && !(awsRegion in AWS_REGION_ZONES))
        problems.push({ path: "", message: `needs aws:region to be an AWS commercial region Atlas serves (${Object.keys(AWS_REGION_ZONES).join(", ")})`, value: awsRegion });
    /** Key paths whose value was refused and set aside (a default, or a neutral stand-in, takes its place). */
    const failed: string[] = [];
    if (stack !== undefined && !STACK_NAME.test(stack)) failed.push("stack");
    // Without a usable region the other rules still run, against a stand-in; those that read the region do not.
    const region = awsRegion && AWS_REGION.test(awsRegion) ? awsRegion : "us-east-1";
    if ((!awsRegion && !local) || (awsRegion && !(awsRegion in AWS_REGION_ZONES))) failed.push("aws:region");

    let candidate: Record<string, unknown> = structuredClone(raw);
    const undecrypted = pathsOf(candidate, (v) => v === UNDECRYPTED);
    for (const at of keysNamed(candidate, FORBIDDEN_KEYS)) {
        problems.push({ path: formatPath(at), message: `is a key no config may have (${FORBIDDEN_KEYS.join(", ")} name JavaScript's object machinery, where a value would vanish): rename it` });
        deletePath(candidate, at.map(String));
    }

    // Parse; while the schema rejects values, set them aside (their defaults take their place) so
    // the remaining rules can still be checked. A key is reported once, where it was refused.
    const standIns: string[] = [];
    /** Set aside because they held a secure value the harness could not decrypt (not refused: unknown). */
    const opaqueAside: string[] = [];
    const asideAt = new Map<string, PropertyKey[]>();
    const setAsideAt = (at: PropertyKey[]) => {
        const key = formatPath(at);
        failed.push(key);
        asideAt.set(key, at);
        const stood = setAside(candidate, at.map(String));
        candidate = stood.config;
        if (stood.standIn) standIns.push(key);
    };
    const parse = () => ConfigSchema.safeParse(candidate, { reportInput: true, error: defaultMessage });
    let parsed = parse();
    for (let round = 0; !parsed.success && round < 10; round++) {
        for (const issue of parsed.error.issues) {
            const problem = zodProblems([issue])[0];
            const at = issue.path;
            if (issue.code === "unrecognized_keys") {
                if (!problems.some((p) => p.path === problem.path && p.message === problem.message)) problems.push(problem);
                for (const key of issue.keys) deletePath(candidate, [...at.map(String), key]);
                continue;
            }
            // A key is reported once: a second rule on a value already set aside is not reported, and a
            // required key whose value was set aside is not reported as missing: what holds it stands aside too.
            if (failed.some((f) => within(problem.path, f))) {
                if (at.length > 1 && (issue as { input?: unknown }).input === undefined) setAsideAt(at.slice(0, -1));
                continue;
            }
            const given = valueAt(candidate, at);
            const reading = issue.code === "invalid_type" ? asTheFieldReads(issue.expected, given, problem.path) : undefined;
            if (reading && "value" in reading) {
                setPath(candidate, at, reading.value);
                continue;
            }
            if (reading) Object.assign(problem, { message: reading.message });
            // A number too large for a double is shown as it was written, not as the double nearest to it.
            if (typeof given === "bigint") problem.value = given;
            const opaque = undecrypted.some((u) => within(problem.path, u));
            if (!opaque && !problems.some((p) => p.path === problem.path)) problems.push(problem);
            // A bad list item sets aside the whole list: deleting the item alone would leave a hole.
            const item = typeof at[at.length - 1] === "number";
            setAsideAt(item ? at.slice(0, -1) : at);
            if (opaque) opaqueAside.push(formatPath(item ? at.slice(0, -1) : at));
        }
        parsed = parse();
    }

    // A secure value the offline harness could not decrypt: its default stands in; where a key has
    // none (it is required, or its absence means something else), nothing honest can: say so.
    const standsIn = (u: string) => {
        const aside = [...asideAt.keys()].find((f) => within(u, f));
        if (aside === undefined) return true; // the field took the placeholder as it is
        return !standIns.includes(aside) && parsed.success && valueAt(parsed.data, asideAt.get(aside)!) !== undefined;
    };
    for (const u of undecrypted)
        if (!standsIn(u) && !problems.some((p) => p.path === u))
            problems.push({ path: u, message: `is a secure value the offline plan cannot decrypt, and no default can stand in for it: plan with a plain value (--set-string ${u}=…), or run \`pulumi preview\`, which decrypts it` });

    if (parsed.success) {
        const data = parsed.data;
        const config = resolve(data, region);
        const touchesFailed = (path: string) => failed.some((f) => within(path, f) || (path !== "" && within(f, path)));
        const crossField: Problem[] = [];
        for (const p of [...crossFieldProblems(config, stack, now, last), ...(root === undefined ? [] : buildProblems(config, root))]) {
            if ([p.path, ...(p.reads ?? [])].some(touchesFailed) || problems.some((q) => q.path === p.path)) continue;
            // One problem per key: two rules that refuse the same key say so together.
            const same = crossField.find((q) => q.path === p.path);
            if (same) same.message = `${same.message}, and ${p.message}`;
            else crossField.push({ ...p });
        }
        problems.push(...crossField);
        // What the later checks must not rely on: refused values, and what cross-field rules refused
        // (a rule reported on a whole section, such as "atlas needs exactly one of …", is about the keys it read).
        const wrong = [...failed.filter((f) => !opaqueAside.includes(f)), ...crossField.flatMap((p) => (isSection(config, p.path) ? (p.reads ?? []) : [p.path]))].filter((k) => k !== "stack");
        const dependent = <T>(path: string, what: string, check: (c: Resolved, out: Problem[]) => T, alsoReads: string[] = []): T | undefined => {
            const reads = new Set<string>(alsoReads);
            const found: Problem[] = [];
            const result = check(recordingReads(config, reads), found);
            // A value left to its default reads the keys it defaults from.
            for (const r of [...reads]) if (valueAt(data, r.split(".")) === undefined) for (const from of defaultsFrom(r)) reads.add(from);
            const touched = [...new Set([...reads].flatMap((r) => wrong.filter((w) => within(r, w) || within(w, r))))];
            const refused = touched.filter((k) => !touched.some((other) => other !== k && within(k, other)));
            if (refused.length) {
                unchecked.push({ path, what, reads: refused });
                return undefined;
            }
            problems.push(...found.filter((p) => !problems.some((q) => q.path === p.path)));
            return found.length ? undefined : result;
        };
        if (failed.includes("environment") && !undecrypted.includes("environment"))
            unchecked.push({ path: "environment", what: "the Production HA Checklist (and every rule that applies in prod only)", reads: ["environment"] });
        const connections = dependent("pool", "the MongoDB connection budget (pool sizes against atlas.tier)", budgetProblems);
        if (config.cost.monthlyBudget !== undefined) dependent("cost.monthlyBudget", "the monthly cost against the budget", costProblems);
        if (!problems.length && connections) return { ...config, connections, undecrypted };
    }
    throw new ConfigError(
        problems.map(({ reads: _reads, ...p }) => p),
        unchecked,
    );
}

/** Whether `path` names a section (an object of keys) in the resolved config. */
function isSection(config: Resolved, path: string): boolean {
    if (path === "") return true;
    const value = path.split(/[.[\]]+/).filter(Boolean).reduce<unknown>((node, seg) => (node && typeof node === "object" ? (node as Record<string, unknown>)[seg] : undefined), config);
    return !!value && typeof value === "object" && !Array.isArray(value);
}

/**
 * The config, as a view that records into `reads` the key path of every value a check reads (so
 * that a check is not run on a value that was refused). The stack's region is `aws:region`.
 */
function recordingReads<T extends object>(config: T, reads: Set<string>, at: PropertyKey[] = []): T {
    return new Proxy(config, {
        get(target, key, receiver) {
            const value = Reflect.get(target, key, receiver);
            if (typeof key === "symbol") return value;
            const here = [...at, Array.isArray(target) && /^\d+$/.test(key) ? Number(key) : key];
            if (value && typeof value === "object" && !Array.isArray(value)) return recordingReads(value, reads, here);
            if (typeof value !== "function") reads.add(here.length === 1 && key === "region" ? "aws:region" : formatPath(here));
            return value;
        },
    });
}

/** Key paths of the values below `value` for which `test` holds. */
function pathsOf(value: unknown, test: (v: unknown) => boolean, at: PropertyKey[] = []): string[] {
    if (test(value)) return [formatPath(at)];
    if (Array.isArray(value)) return value.flatMap((v, i) => pathsOf(v, test, [...at, i]));
    if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => pathsOf(v, test, [...at, k]));
    return [];
}

/**
 * Removes the value at `path`; required top-level strings get a neutral stand-in so other rules
 * still run (the rules that depend on the environment read "environment", and are not run then).
 */
function setAside(config: Record<string, unknown>, path: string[]): { config: Record<string, unknown>; standIn: boolean } {
    if (path.length === 1 && path[0] === "domain") return { config: { ...config, domain: "example.com" }, standIn: true };
    if (path.length === 1 && path[0] === "environment") return { config: { ...config, environment: "dev" }, standIn: true };
    if (path.length === 0) return { config, standIn: false }; // nothing to stand in with
    deletePath(config, path);
    return { config, standIn: false };
}

/** The value at `path` below `value`, or undefined. */
function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
    let node = value;
    for (const segment of path) {
        if (!node || typeof node !== "object" || !Object.prototype.hasOwnProperty.call(node, segment)) return undefined;
        node = (node as Record<PropertyKey, unknown>)[segment];
    }
    return node;
}

/** Replaces the value at an existing `path` below `target`. */
function setPath(target: Record<string, unknown>, path: readonly PropertyKey[], value: unknown): void {
    const parent = valueAt(target, path.slice(0, -1));
    if (parent && typeof parent === "object") (parent as Record<PropertyKey, unknown>)[path[path.length - 1]] = value;
}

/** Paths of every own key named one of `names`, at any depth (the outermost of nested ones). */
function keysNamed(value: unknown, names: string[], at: PropertyKey[] = []): PropertyKey[][] {
    if (Array.isArray(value)) return value.flatMap((v, i) => keysNamed(v, names, [...at, i]));
    if (!value || typeof value !== "object") return [];
    return Object.keys(value).flatMap((k) => (names.includes(k) ? [[...at, k]] : keysNamed((value as Record<string, unknown>)[k], names, [...at, k])));
}

function deletePath(target: Record<string, unknown>, path: string[]): void {
    let node: unknown = target;
    for (const segment of path.slice(0, -1)) {
        if (!node || typeof node !== "object" || !Object.prototype.hasOwnProperty.call(node, segment)) return;
        node = (node as Record<string, unknown>)[segment];
    }
    if (node && typeof node === "object") delete (node as Record<string, unknown>)[path[path.length - 1]];
}
