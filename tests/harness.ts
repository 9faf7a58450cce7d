/**
 * Runs the real index.ts in-process under Pulumi's mock engine, with stack config assembled the
 * way the Pulumi CLI assembles it, and records everything the program registers.
 *
 *   const run = await runProgram({ stack: "prod", set: { "main.instances": 3 } });
 *   run.one("aws:ecs/service:Service", "pg-main").inputs.desiredCount
 *
 * Used by the tests and by `npm run plan`.
 */
import * as fs from "fs";
import * as path from "path";
import * as crypto from "crypto";
import * as YAML from "yaml";
import * as pulumi from "@pulumi/pulumi";
import type { Resource as PolicyView } from "../policy/rules";
import { FORBIDDEN_KEYS, UNDECRYPTED, configJson } from "../lib/config";
import { AWS_REGION_ZONES } from "../lib/limits";
import { setClock } from "../lib/clock";

export const ROOT = path.resolve(__dirname, "..");
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const ACCOUNT_ID = "123456789012";

// -------------------------------------------------------------------------------------------------
// Config, as the CLI assembles it.

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

/** The stacks of the gateway itself: every stack file but those of `purpose: restore-drill` (short-lived, nothing to preview or drift-check). */
export function gatewayStacks(): string[] {
    return listStacks().filter((stack) => readStackFile(stack)["payment-gateway:purpose"] !== "restore-drill");
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
        // config loader recognises stands in (lib/config.ts, UNDECRYPTED).
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

// -------------------------------------------------------------------------------------------------
// What the run records.

export interface RecordedResource {
    type: string;
    name: string;
    urn: string;
    /** URN of the parent (the stack for top-level resources). */
    parent: string;
    custom: boolean;
    /** Inputs with secrets unwrapped. */
    inputs: Record<string, any>;
    /** Dotted paths of the inputs that were secret (e.g. "secretString", "containerDefinitions"). */
    secretInputs: string[];
    /** Outputs the mock returned, secrets unwrapped. */
    outputs: Record<string, any>;
    id: string;
    protect: boolean;
    ignoreChanges: string[];
    replaceOnChanges: string[];
    deleteBeforeReplace: boolean;
    retainOnDelete: boolean;
    additionalSecretOutputs: string[];
    /** Aliases: URNs (or, as structured specs, names) this resource was known by before. */
    aliases: string[];
    /** URNs from the `dependsOn` option: dependencies that no input accounts for. */
    dependsOn: string[];
    /** Every dependency the engine sees: `dependsOn` and the resources inputs were computed from. */
    dependencies: string[];
    /** Input name → URNs of the resources that input was computed from. */
    propertyDependencies: Record<string, string[]>;
    provider: string;
}

export interface Invocation {
    token: string;
    inputs: Record<string, any>;
}

/** Whether the input at dotted `path` was secret (itself, or inside a secret object or list). */
export function isSecretInput(r: RecordedResource, path: string): boolean {
    return r.secretInputs.some((p) => p === "" || path === p || path.startsWith(`${p}.`));
}

/**
 * Outputs the mock engine invents that exist only once `pulumi up` has created the resource: a real
 * `pulumi preview` shows them as unknown (output<string>). By type, the output fields (mockOutputs
 * below makes them up: FIS template ids EXT…, the Atlas project id, Elastic IP addresses, …).
 */
export const APPLY_TIME_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
    "aws:fis/experimentTemplate:ExperimentTemplate": ["id"],
    "mongodbatlas:index/project:Project": ["id"],
    "aws:ec2/eip:Eip": ["id", "publicIp"],
    "aws:ec2/natGateway:NatGateway": ["id"],
    "aws:ec2/vpc:Vpc": ["id"],
    "aws:ec2/subnet:Subnet": ["id"],
    "aws:lb/loadBalancer:LoadBalancer": ["dnsName"],
    "aws:elasticache/replicationGroup:ReplicationGroup": ["primaryEndpointAddress", "readerEndpointAddress"],
    "mongodbatlas:index/advancedCluster:AdvancedCluster": ["clusterId", "connectionStrings"],
    "docker:index/image:Image": ["repoDigest"],
};

/** The string leaves of a value (and the host of each URL among them). */
function stringLeaves(value: unknown): string[] {
    if (typeof value === "string") {
        const host = /^[a-z+]+:\/\/([^/:?]+)/.exec(value)?.[1];
        return host ? [value, host] : [value];
    }
    if (Array.isArray(value)) return value.flatMap(stringLeaves);
    if (value && typeof value === "object") return Object.values(value).flatMap(stringLeaves);
    return [];
}

export class Run {
    constructor(
        readonly stack: string,
        readonly config: AssembledConfig,
        readonly resources: RecordedResource[],
        readonly invokes: Invocation[],
        /** Stack outputs, secrets unwrapped. */
        readonly outputs: Record<string, any>,
        /** Names of the stack outputs that are secret. */
        readonly secretOutputs: string[],
        /** The last deployment's outputs the run was given (RunOptions.previous). */
        readonly previous: Record<string, unknown> = {},
        /** The options the run was made with (what `later` repeats). */
        readonly options: RunOptions = { stack },
    ) {}

    /** The run of the stack file as it is, when this run applied --set edits (the plan's cost difference). */
    baseline?: Run;

    /**
     * The values in this run that only `pulumi up` will know (APPLY_TIME_OUTPUTS), longest first:
     * whatever prints them must say so instead of passing the mock's stand-ins off as real.
     */
    knownAfterUp(): string[] {
        const values = this.resources.flatMap((r) => (APPLY_TIME_OUTPUTS[r.type] ?? []).flatMap((field) => stringLeaves(field === "id" ? r.id : r.outputs[field])));
        return [...new Set(values.filter((v) => v.length >= 6))].sort((a, b) => b.length - a.length || a.localeCompare(b));
    }

    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** The single resource of `type` (named `name` when given); throws when there is not exactly one. */
    one(type: string, name?: string): RecordedResource {
        const found = this.ofType(type).filter((r) => name === undefined || r.name === name);
        if (found.length !== 1)
            throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${this.ofType(type).map((r) => r.name).join(", ")}`);
        return found[0];
    }

    byUrn(urn: string): RecordedResource {
        const found = this.resources.find((r) => r.urn === urn);
        if (!found) throw new Error(`no resource ${urn}`);
        return found;
    }

    /** Resources whose parent chain includes `ancestor`. */
    descendants(ancestor: RecordedResource): RecordedResource[] {
        const within = (r: RecordedResource): boolean => {
            const parent = this.resources.find((p) => p.urn === r.parent);
            return !!parent && (parent.urn === ancestor.urn || within(parent));
        };
        return this.resources.filter(within);
    }

    /** The resources as the policy rules see them (inputs as props, as in a preview). */
    policyResources(): PolicyView[] {
        return this.resources.map((r) => ({
            type: r.type,
            name: r.name,
            urn: r.urn,
            props: r.inputs,
            protect: r.protect,
            parentType: this.resources.find((p) => p.urn === r.parent)?.type,
        }));
    }

    /** All URNs that `r` depends on: explicit dependsOn and property dependencies. */
    dependenciesOf(r: RecordedResource): Set<string> {
        return new Set(r.dependencies);
    }
}

export interface RunOptions {
    stack: string;
    /** Config overrides by key path, e.g. { "main.instances": 3 }; undefined removes a key. */
    set?: Record<string, unknown>;
    /** Run as `pulumi preview` (apply callbacks on unknowns do not run). Default false. */
    preview?: boolean;
    /** Program to run instead of index.ts (the harness's own tests use a fixture). */
    program?: string;
    /**
     * Directory of another Pulumi project in the repository (its Pulumi.yaml, stack files and
     * index.ts), e.g. `bootstrap/`. Default: the gateway at the repository root.
     */
    project?: string;
    /**
     * The stack's outputs from its last deployment, as `pulumi stack output --json` prints them
     * (what the program reads back through a reference to its own stack). Default: never deployed.
     */
    previous?: Record<string, unknown>;
    /** Zones the region reports in a state other than available (impaired, unavailable, constrained). Default none. */
    unavailableZones?: string[];
    /**
     * The program's clock for this run (ms since the epoch; lib/clock.ts). Default: the real clock.
     * A later `pulumi up` rehearsed days after the last one moves it forward (see `later`).
     */
    now?: number;
    /**
     * What the cloud answers to a data-source invoke at this moment, by token (e.g. an ECS service's
     * current task definition, an Atlas restore job's state): overrides the harness's default answer.
     */
    answers?: Record<string, (inputs: Record<string, any>) => Record<string, any>>;
}

/** Options of a later `pulumi up` of the same stack (see `later`). */
export interface LaterOptions {
    /** How long after the last run this one happens. Default 0. */
    days?: number;
    /** Config edits made since (merged over the last run's; undefined removes one). Default none. */
    set?: Record<string, unknown>;
    /** What the cloud answers at that moment (RunOptions.answers). Default the last run's. */
    answers?: RunOptions["answers"];
}

/**
 * The next `pulumi up` of the stack `last` ran: the same config (plus `set`), the outputs `last`
 * recorded read back through the stack's reference to itself, and the clock moved `days` forward.
 * A day-2 sequence is a chain: `const step2 = await later(step1, { days: 1 })`.
 */
export function later(last: Run, { days = 0, set = {}, answers }: LaterOptions = {}): Promise<Run> {
    return runProgram({
        ...last.options,
        set: { ...last.options.set, ...set },
        previous: last.outputs,
        now: (last.options.now ?? Date.now()) + days * 86_400_000,
        answers: answers ?? last.options.answers,
    });
}

/** Thrown when the program fails; carries what was registered before the failure. */
export class ProgramError extends Error {
    constructor(readonly cause: unknown, readonly resources: RecordedResource[]) {
        super(cause instanceof Error ? cause.message : String(cause));
    }
}

// -------------------------------------------------------------------------------------------------
// Mock engine.

const REGION_FALLBACK = "us-east-1";

/** A deterministic, realistic physical id or suffix from a resource's name. */
function hash(text: string, length: number, alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"): string {
    const bytes = crypto.createHash("sha256").update(text).digest();
    let out = "";
    for (let i = 0; out.length < length; i++) out += alphabet[bytes[i % bytes.length] % alphabet.length];
    return out;
}

/** Pulumi's auto-name: the logical name, a hyphen and 7 random characters. */
export function autoName(name: string): string {
    return `${name}-${hash(name, 7, "abcdef0123456789")}`;
}

function generatePassword(inputs: Record<string, any>, seed: string): string {
    let alphabet = "";
    if (inputs.upper !== false) alphabet += "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    if (inputs.lower !== false) alphabet += "abcdefghijklmnopqrstuvwxyz";
    if (inputs.numeric !== false && inputs.number !== false) alphabet += "0123456789";
    if (inputs.special !== false) alphabet += inputs.overrideSpecial ?? "!@#$%&*()-_=+[]{}<>:?";
    return hash(seed, inputs.length ?? 16, alphabet);
}

export function mockOutputs(type: string, name: string, inputs: Record<string, any>, region: string): { id: string; state: Record<string, any> } {
    const id = `${name}-${hash(type + name, 8)}`;
    const [pkg, mod] = type.split(":");
    const service = (mod ?? "").split("/")[0];
    const arnBase = `arn:aws:${service}:${region}:${ACCOUNT_ID}`;
    const physicalName = inputs.name ?? autoName(name);
    const state: Record<string, any> = { ...inputs };
    if (pkg === "aws") Object.assign(state, { arn: `${arnBase}:${service}/${physicalName}`, name: physicalName, region, tagsAll: inputs.tags ?? {} });

    switch (type) {
        case "aws:ec2/vpc:Vpc": {
            const id = `vpc-${hash(name, 17, "0123456789abcdef")}`;
            return { id, state: { ...state, arn: `${arnBase}:vpc/${id}` } };
        }
        case "aws:ec2/subnet:Subnet": {
            const id = `subnet-${hash(name, 17, "0123456789abcdef")}`;
            return { id, state: { ...state, arn: `${arnBase}:subnet/${id}` } };
        }
        case "aws:ec2/securityGroup:SecurityGroup":
            return { id: `sg-${hash(name, 17, "0123456789abcdef")}`, state };
        case "aws:ec2/eip:Eip": {
            const b = crypto.createHash("sha256").update(name).digest();
            return { id: `eipalloc-${hash(name, 17, "0123456789abcdef")}`, state: { ...state, publicIp: `52.${b[0]}.${b[1]}.${b[2] % 254 + 1}` } };
        }
        case "aws:ec2/natGateway:NatGateway":
            return { id: `nat-${hash(name, 17, "0123456789abcdef")}`, state };
        case "aws:ec2/vpcEndpoint:VpcEndpoint":
            return { id: `vpce-${hash(name, 17, "0123456789abcdef")}`, state: { ...state, dnsEntries: [{ dnsName: `vpce-${hash(name, 17)}.${inputs.serviceName}`, hostedZoneId: "Z7HUB22UULQXV" }] } };
        case "aws:lb/loadBalancer:LoadBalancer": {
            const suffix = hash(name, 10, "0123456789");
            return { id: `${arnBase}:loadbalancer/app/${physicalName}/${suffix}`, state: { ...state, arn: `${arnBase}:loadbalancer/app/${physicalName}/${suffix}`, arnSuffix: `app/${physicalName}/${suffix}`, dnsName: `${physicalName}-${suffix}.${region}.elb.amazonaws.com`, zoneId: "Z35SXDOTRQ7X7K" } };
        }
        case "aws:lb/targetGroup:TargetGroup": {
            const suffix = hash(name, 16, "0123456789abcdef");
            return { id: `${arnBase}:targetgroup/${physicalName}/${suffix}`, state: { ...state, arn: `${arnBase}:targetgroup/${physicalName}/${suffix}`, arnSuffix: `targetgroup/${physicalName}/${suffix}` } };
        }
        case "aws:acm/certificate:Certificate":
            return {
                id: `${arnBase}:certificate/${hash(name, 8, "0123456789abcdef")}-0000-0000-0000-000000000000`,
                state: {
                    ...state,
                    arn: `${arnBase}:certificate/${hash(name, 8, "0123456789abcdef")}-0000-0000-0000-000000000000`,
                    domainValidationOptions: [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])].map((d: string) => ({
                        domainName: d,
                        resourceRecordName: `_${hash(d, 32, "0123456789abcdef")}.${d}.`,
                        resourceRecordType: "CNAME",
                        resourceRecordValue: `_${hash(d + "v", 32, "0123456789abcdef")}.acm-validations.aws.`,
                    })),
                },
            };
        case "aws:secretsmanager/secret:Secret":
            return { id: `${arnBase}:secret:${physicalName}-${hash(name, 6, "ABCDEFabcdef")}`, state: { ...state, arn: `${arnBase}:secret:${physicalName}-${hash(name, 6, "ABCDEFabcdef")}` } };
        case "aws:s3/bucket:Bucket": {
            // S3 ARNs carry no region or account.
            const bucket = inputs.bucket ?? autoName(name);
            return { id: bucket, state: { ...state, bucket, arn: `arn:aws:s3:::${bucket}`, bucketDomainName: `${bucket}.s3.amazonaws.com` } };
        }
        case "aws:secretsmanager/secretVersion:SecretVersion": {
            // Secrets Manager gives every new value a new version id (a UUID).
            const uuid = crypto.createHash("md5").update(`${inputs.secretId}|${inputs.secretString}`).digest("hex").replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
            return { id: `${inputs.secretId}|${uuid}`, state: { ...state, arn: inputs.secretId, versionId: uuid } };
        }
        case "aws:kms/key:Key": {
            const keyId = crypto.createHash("md5").update(name).digest("hex").replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
            return { id: keyId, state: { ...state, keyId, arn: `${arnBase}:key/${keyId}` } };
        }
        case "aws:iam/role:Role":
            return { id: physicalName, state: { ...state, arn: `arn:aws:iam::${ACCOUNT_ID}:role/${physicalName}` } };
        case "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
            // IAM names an OIDC provider by its URL without the scheme.
            const host = String(inputs.url).replace(/^https:\/\//, "");
            return { id: `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/${host}`, state: { ...state, arn: `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/${host}` } };
        }
        case "aws:iam/policy:Policy":
            return { id: `arn:aws:iam::${ACCOUNT_ID}:policy/${physicalName}`, state: { ...state, arn: `arn:aws:iam::${ACCOUNT_ID}:policy/${physicalName}` } };
        case "aws:ecs/cluster:Cluster":
            return { id: `${arnBase}:cluster/${physicalName}`, state: { ...state, arn: `${arnBase}:cluster/${physicalName}` } };
        case "aws:ecs/taskDefinition:TaskDefinition": {
            // ECS registers every new definition of a family as a new revision: a revision per content here.
            const revision = 1 + crypto.createHash("sha256").update(JSON.stringify(inputs)).digest().readUInt16BE(0);
            return { id: inputs.family, state: { ...state, arn: `${arnBase}:task-definition/${inputs.family}:${revision}`, revision } };
        }
        case "aws:ecr/repository:Repository":
            return { id: physicalName, state: { ...state, registryId: ACCOUNT_ID, repositoryUrl: `${ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${physicalName}`, arn: `${arnBase}:repository/${physicalName}` } };
        case "aws:elasticache/replicationGroup:ReplicationGroup":
            return {
                id: inputs.replicationGroupId,
                state: {
                    ...state,
                    arn: `arn:aws:elasticache:${region}:${ACCOUNT_ID}:replicationgroup:${inputs.replicationGroupId}`,
                    primaryEndpointAddress: `master.${inputs.replicationGroupId}.${hash(name, 6)}.use1.cache.amazonaws.com`,
                    readerEndpointAddress: `replica.${inputs.replicationGroupId}.${hash(name, 6)}.use1.cache.amazonaws.com`,
                },
            };
        case "aws:route53/record:Record":
            return { id: `${inputs.zoneId}_${inputs.name}_${inputs.type}`, state: { ...state, fqdn: String(inputs.name).replace(/\.$/, "") } };
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return { id: inputs.name, state: { ...state, arn: `arn:aws:cloudwatch:${region}:${ACCOUNT_ID}:alarm:${inputs.name}` } };
        case "aws:fis/experimentTemplate:ExperimentTemplate":
            return { id: `EXT${hash(name, 13, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")}`, state };
        case "aws:cloudwatch/logGroup:LogGroup":
            // The group's ARN, as CloudWatch Logs forms it (the provider drops the trailing ":*").
            return { id: physicalName, state: { ...state, arn: `arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:${physicalName}` } };
        case "mongodbatlas:index/project:Project":
            return { id: hash(name, 24, "0123456789abcdef"), state };
        case "mongodbatlas:index/advancedCluster:AdvancedCluster": {
            const host = `${inputs.name.toLowerCase()}.${hash(name, 5)}.mongodb.net`;
            return {
                id: `${inputs.projectId}-${inputs.name}`,
                state: {
                    ...state,
                    clusterId: hash(name, 24, "0123456789abcdef"),
                    stateName: "IDLE",
                    // Private connection strings appear only once an endpoint service exists (read back via getAdvancedCluster).
                    connectionStrings: { standardSrv: `mongodb+srv://${host}`, standard: `mongodb://${host}:27017`, privateEndpoints: [] },
                },
            };
        }
        case "mongodbatlas:index/cloudProviderAccessSetup:CloudProviderAccessSetup":
            // Atlas's AWS account and the external id it issues for the project.
            return { id: hash(name, 24, "0123456789abcdef"), state: { ...state, roleId: hash(name, 24, "0123456789abcdef"), awsConfigs: [{ atlasAwsAccountArn: "arn:aws:iam::536727724300:root", atlasAssumedRoleExternalId: crypto.createHash("md5").update(name).digest("hex").replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5") }] } };
        case "mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint":
            return { id: hash(name, 24, "0123456789abcdef"), state: { ...state, privateLinkId: hash(name, 24, "0123456789abcdef"), endpointServiceName: `com.amazonaws.vpce.${region}.vpce-svc-${hash(name, 17, "0123456789abcdef")}` } };
        case "mongodbatlas:index/cloudBackupSnapshotRestoreJob:CloudBackupSnapshotRestoreJob": {
            const jobId = hash(name + JSON.stringify(inputs), 24, "0123456789abcdef");
            return { id: `${inputs.projectId}-${inputs.clusterName}-${jobId}`, state: { ...state, snapshotRestoreJobId: jobId, failed: false, cancelled: false, expired: false, finishedAt: "" } };
        }
        case "aws:ecs/service:Service":
            return { id: `${arnBase}:service/${inputs.cluster?.split("/").pop()}/${physicalName}`, state: { ...state, arn: `${arnBase}:service/${physicalName}` } };
        case "aws:appautoscaling/target:Target":
            return { id: inputs.resourceId, state };
        case "docker:index/image:Image": {
            const repo = String(inputs.imageName).replace(/:[^:/]+$/, "");
            return { id: inputs.imageName, state: { ...state, baseImageName: inputs.imageName, repoDigest: `${repo}@sha256:${hash(inputs.imageName, 64, "0123456789abcdef")}`, registryServer: inputs.registry?.server } };
        }
        case "random:index/randomPassword:RandomPassword":
        case "random:index/randomString:RandomString":
            // A keeper change is a new value (rotation): it seeds the generated value too.
            return { id: "none", state: { ...state, result: generatePassword(inputs, type + name + (inputs.keepers ? JSON.stringify(inputs.keepers) : "")) } };
        case "random:index/randomId:RandomId":
            return { id: hash(name, 8, "0123456789abcdef"), state: { ...state, hex: hash(name, (inputs.byteLength ?? 4) * 2, "0123456789abcdef") } };
        default:
            return { id, state };
    }
}

function mockInvoke(token: string, inputs: Record<string, any>, region: string, resources: RecordedResource[], previous: Record<string, any>, unavailableZones: string[] = []): Record<string, any> {
    switch (token) {
        case "aws:ecs/getService:getService": {
            // A steady stack: each service runs, alone, the task definition its last deployment recorded.
            const deployed = Object.values(previous.rotation?.services ?? {}).find((s: any) => s.service === inputs.serviceName && s.cluster === inputs.clusterArn) as { taskDefinition: string } | undefined;
            if (!deployed) throw new Error(`no matching ECS Service found (${inputs.serviceName} in ${inputs.clusterArn})`);
            return ecsServiceNow(inputs, [{ status: "PRIMARY", taskDefinition: deployed.taskDefinition }]);
        }
        case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
            return { userName: "AWS", password: `ecr-token-${hash(String(inputs.registryId), 24)}`, authorizationToken: "QVdTOnRva2Vu", proxyEndpoint: `https://${inputs.registryId}.dkr.ecr.${region}.amazonaws.com`, expiresAt: "2030-01-01T00:00:00Z", id: region };
        case "mongodbatlas:index/getAdvancedCluster:getAdvancedCluster": {
            // Read back after the endpoint service: the private connection string of each Atlas endpoint in the VPC.
            const cluster = resources.find((r) => r.type === "mongodbatlas:index/advancedCluster:AdvancedCluster" && r.inputs.name === inputs.name);
            // A cluster the program does not declare (a restore's source): an M30 with cloud and continuous backup.
            if (!cluster) return ATLAS_SOURCE_CLUSTER(inputs);
            const endpoints = resources.filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && String(r.inputs.serviceName).startsWith("com.amazonaws.vpce."));
            return {
                ...cluster.outputs,
                connectionStrings: {
                    ...cluster.outputs.connectionStrings,
                    privateEndpoints: endpoints.map((e, i) => ({
                        srvConnectionString: `mongodb+srv://${String(inputs.name).toLowerCase()}-pl-${i}.${hash(inputs.name, 5)}.mongodb.net`,
                        connectionString: `mongodb://${String(inputs.name).toLowerCase()}-pl-${i}.${hash(inputs.name, 5)}.mongodb.net:1024`,
                        type: "MONGOD",
                        endpoints: [{ endpointId: e.id, providerName: "AWS", region: region.toUpperCase().replace(/-/g, "_") }],
                    })),
                },
            };
        }
        case "mongodbatlas:index/getCloudBackupSchedule:getCloudBackupSchedule":
            // The source's schedule as this program writes its own (continuous backup: a 7-day window).
            return { projectId: inputs.projectId, clusterName: inputs.clusterName, restoreWindowDays: 7, id: `${inputs.projectId}-${inputs.clusterName}` };
        case "mongodbatlas:index/getProject:getProject":
            // Every example stack's projects live in the example organization.
            return { projectId: inputs.projectId, orgId: "5f0000000000000000000001", name: "source", id: inputs.projectId };
        case "mongodbatlas:index/getCloudBackupSnapshotRestoreJob:getCloudBackupSnapshotRestoreJob":
            // A job still running (a test answers `finishedAt` or `failed` to move it on).
            return { ...inputs, failed: false, cancelled: false, expired: false, finishedAt: "", deliveryType: "automated", id: inputs.snapshotRestoreJobId };
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
            // As many zones as the region offers every account (lib/limits.ts).
            const count = AWS_REGION_ZONES[region] ?? 3;
            // The state filter as DescribeAvailabilityZones applies it: without one, every zone whatever its state.
            const zones = "abcdef".slice(0, count).split("").map((z, n) => ({ name: `${region}${z}`, zoneId: `${region.replace(/-/g, "").slice(0, 4)}-az${n + 1}` }));
            const listed = inputs.state === "available" ? zones.filter((z) => !unavailableZones.includes(z.name)) : zones;
            return { names: listed.map((z) => z.name), zoneIds: listed.map((z) => z.zoneId), id: region };
        }
        case "aws:index/getRegion:getRegion":
            return { name: region, region, id: region };
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/ci`, userId: "AIDAEXAMPLE", id: ACCOUNT_ID };
        case "aws:guardduty/getDetector:getDetector":
            return { id: "12abc34d567e8fa901bc2d34eexample", arn: `arn:aws:guardduty:${region}:${ACCOUNT_ID}:detector/12abc34d567e8fa901bc2d34eexample`, status: "ENABLED", findingPublishingFrequency: "SIX_HOURS", features: [], serviceRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty`, region, tags: {} };
        case "aws:securityhub/getEnabledStandards:getEnabledStandards":
            return { region, standardsSubscriptions: [{ standardsArn: `arn:aws:securityhub:${region}::standards/pci-dss/v/4.0.1`, standardsSubscriptionArn: `arn:aws:securityhub:${region}:${ACCOUNT_ID}:subscription/pci-dss/v/4.0.1`, standardsStatus: "READY", standardsControlsUpdatable: "READY_FOR_UPDATES", standardsInputs: {} }] };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
        case "aws:iam/getPolicyDocument:getPolicyDocument":
            return { json: JSON.stringify(policyDocument(inputs)), id: "policy" };
        default:
            throw new Error(`the harness has no mock for invoke ${token}; add one to tests/harness.ts`);
    }
}

/** What getAdvancedCluster answers for a cluster the program does not declare (a restore's source). */
export const ATLAS_SOURCE_CLUSTER = (inputs: Record<string, any>): Record<string, any> => ({
    projectId: inputs.projectId,
    name: inputs.name,
    mongoDbMajorVersion: "8.0",
    mongoDbVersion: "8.0.4",
    backupEnabled: true,
    pitEnabled: true,
    stateName: "IDLE",
    replicationSpecs: [{ regionConfigs: [{ providerName: "AWS", regionName: "US_EAST_1", electableSpecs: { instanceSize: "M30", nodeCount: 3, diskSizeGb: 40 }, effectiveElectableSpecs: { instanceSize: "M30", nodeCount: 3, diskSizeGb: 40 } }] }],
    id: `${inputs.projectId}-${inputs.name}`,
});

/**
 * What `aws.ecs.getService` returns for a service whose deployments are `deployments` (newest,
 * PRIMARY, first; its task definition is the service's): a steady service has one, a rolling one
 * an ACTIVE one too, a rolled-back one a PRIMARY on the previous task definition.
 */
export function ecsServiceNow(inputs: Record<string, any>, deployments: { status: string; taskDefinition: string; runningCount?: number }[]): Record<string, any> {
    const desiredCount = 2;
    const cluster = String(inputs.clusterArn);
    return {
        id: `${cluster.replace(":cluster/", ":service/")}/${inputs.serviceName}`,
        arn: `${cluster.replace(":cluster/", ":service/")}/${inputs.serviceName}`,
        clusterArn: cluster,
        serviceName: inputs.serviceName,
        status: "ACTIVE",
        launchType: "FARGATE",
        schedulingStrategy: "REPLICA",
        desiredCount,
        runningCount: deployments.reduce((n, d) => n + (d.runningCount ?? desiredCount), 0),
        pendingCount: 0,
        taskDefinition: deployments[0].taskDefinition,
        deployments: deployments.map((d, i) => ({
            id: `ecs-svc/${hash(`${inputs.serviceName}${d.taskDefinition}${i}`, 19, "0123456789")}`,
            status: d.status,
            taskDefinition: d.taskDefinition,
            desiredCount: d.status === "PRIMARY" ? desiredCount : 0,
            runningCount: d.runningCount ?? desiredCount,
            pendingCount: 0,
            createdAt: "2026-01-01T00:00:00Z",
            updatedAt: "2026-01-01T00:00:00Z",
        })),
        events: [{ id: "e1", createdAt: "2026-01-01T00:00:00Z", message: `(service ${inputs.serviceName}) has reached a steady state.` }],
        tags: {},
    };
}

/** What aws.iam.getPolicyDocument renders, for the statements the program uses. */
function policyDocument(inputs: Record<string, any>): Record<string, unknown> {
    const list = (v: unknown) => (Array.isArray(v) && v.length === 1 ? v[0] : v);
    return {
        Version: "2012-10-17",
        Statement: (inputs.statements ?? []).map((s: Record<string, any>) => ({
            ...(s.sid ? { Sid: s.sid } : {}),
            Effect: s.effect ?? "Allow",
            ...(s.actions ? { Action: list(s.actions) } : {}),
            ...(s.resources ? { Resource: list(s.resources) } : {}),
            ...(s.principals ? { Principal: Object.fromEntries(s.principals.map((p: any) => [p.type, list(p.identifiers)])) } : {}),
            ...(s.conditions
                ? { Condition: s.conditions.reduce((acc: any, c: any) => ({ ...acc, [c.test]: { ...(acc[c.test] ?? {}), [c.variable]: list(c.values) } }), {}) }
                : {}),
        })),
    };
}

/** Unwraps secret markers, collecting the dotted paths that were secret. */
export function unwrapSecrets(value: any, at = "", found: string[] = []): any {
    if (Array.isArray(value)) return value.map((v, i) => unwrapSecrets(v, at ? `${at}.${i}` : String(i), found));
    if (value && typeof value === "object") {
        if (value[SECRET_SIG_KEY] === SECRET_SIG) {
            found.push(at);
            return unwrapSecrets(value.value, at, []);
        }
        if (Object.getPrototypeOf(value) !== Object.prototype) return value;
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v, at ? `${at}.${k}` : k, found)]));
    }
    return value;
}

function wrapSecret(value: unknown): unknown {
    return { [SECRET_SIG_KEY]: SECRET_SIG, value };
}

/** Forget the program's modules so that the next require runs them afresh. */
function clearProgramModules(program: string): void {
    for (const file of Object.keys(require.cache)) {
        const ours = file.startsWith(ROOT + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`) && !file.includes(`${path.sep}tests${path.sep}`);
        if (ours || file === program) delete require.cache[file];
    }
}

const stackRuns = new Map<string, Promise<Run>>();

/** The run of a stack exactly as its files configure it, shared by every test that reads it (do not mutate). */
export function stackRun(stack: string): Promise<Run> {
    if (!stackRuns.has(stack)) stackRuns.set(stack, runProgram({ stack }));
    return stackRuns.get(stack)!;
}

/** The prod and dev runs most component tests compare. */
export async function baselines(): Promise<{ prod: Run; dev: Run }> {
    return { prod: await stackRun("prod"), dev: await stackRun("dev") };
}

let running = false;

/** Runs index.ts for `stack` and returns everything it registered. */
export async function runProgram(options: RunOptions): Promise<Run> {
    if (running) throw new Error("runProgram is not re-entrant: await one run before starting another");
    running = true;
    // The SDK captures a stack trace for every promise it creates; mapping each through ts-node's
    // source maps costs most of a run. Short, plain V8 traces while the program runs; mapped ones after.
    const { prepareStackTrace, stackTraceLimit } = Error;
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
    Error.stackTraceLimit = 4;
    setClock(options.now);
    try {
        return await runOnce(options);
    } finally {
        setClock(undefined);
        Error.prepareStackTrace = prepareStackTrace;
        Error.stackTraceLimit = stackTraceLimit;
        running = false;
    }
}

async function runOnce(options: RunOptions): Promise<Run> {
    const { stack, set = {}, preview = false, project: dir = ROOT, program = path.join(dir, "index.ts"), previous = {}, answers = {}, unavailableZones = [] } = options;
    const project = readProject(dir);
    const config = assembleConfig(stack, set, project, dir);
    const region = config.values["aws:region"] ?? REGION_FALLBACK;
    const resources: RecordedResource[] = [];
    /** What the program declared: everything but the stack resource the runtime registers itself. */
    const declared = () => resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
    const invokes: Invocation[] = [];
    // Records made when a registration reaches the monitor, completed by newResource and the response.
    const pending = new Map<string, RecordedResource[]>();

    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                // A stack reference is read, not registered: answer with the stack's last outputs.
                if (args.type === "pulumi:pulumi:StackReference")
                    return { id: args.inputs.name, state: { name: args.inputs.name, outputs: previous, secretOutputNames: [] } };
                const secretInputs: string[] = [];
                const inputs = unwrapSecrets(args.inputs ?? {}, "", secretInputs);
                const { id, state } = mockOutputs(args.type, args.name, inputs, region);
                const record = pending.get(`${args.type}::${args.name}`)?.shift();
                if (!record) throw new Error(`harness: ${args.type} ${args.name} reached newResource without a registration`);
                Object.assign(record, { inputs, secretInputs, outputs: state, id: args.custom === false ? "" : args.id || id, provider: args.provider ?? "" });
                // Inputs that were secret stay secret in the outputs, as the engine keeps them;
                // additionalSecretOutputs (e.g. a generated password's result) become secret.
                const out: Record<string, any> = { ...state };
                for (const key of new Set([...secretInputs.map((p) => p.split(".")[0]), ...record.additionalSecretOutputs]))
                    if (key in out) out[key] = wrapSecret(out[key]);
                return { id: args.custom === false ? "" : args.id || id, state: out };
            },
            call(args) {
                const inputs = unwrapSecrets(args.inputs ?? {});
                invokes.push({ token: args.token, inputs });
                const answer = answers[args.token];
                return answer ? answer(inputs) : mockInvoke(args.token, inputs, region, resources, previous, unavailableZones);
            },
        },
        project.name,
        stack,
        preview,
        // What a self-managed backend calls the organization.
        "organization",
    );
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);

    // The mock monitor does not pass resource options to newResource: record them from the request.
    const settings = require("@pulumi/pulumi/runtime/settings");
    const monitor = settings.getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, res: any) => void) => {
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((deps: any, key: string) => (propertyDependencies[key] = deps.getUrnsList()));
        const record: RecordedResource = {
            type: req.getType(),
            name: req.getName(),
            urn: "",
            parent: req.getParent(),
            custom: req.getCustom(),
            inputs: {},
            secretInputs: [],
            outputs: {},
            id: "",
            protect: req.getProtect() ?? false,
            ignoreChanges: req.getIgnorechangesList(),
            replaceOnChanges: req.getReplaceonchangesList(),
            deleteBeforeReplace: req.getDeletebeforereplace(),
            retainOnDelete: req.getRetainondelete() ?? false,
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            aliases: [
                ...req.getAliasurnsList(),
                ...req.getAliasesList().map((a: any) => a.getUrn() || a.getSpec()?.getName()).filter(Boolean),
            ],
            dependsOn: req.getDependenciesList().filter((urn: string) => !Object.values(propertyDependencies).some((deps) => deps.includes(urn))),
            dependencies: req.getDependenciesList(),
            propertyDependencies,
            provider: "",
        };
        const key = `${record.type}::${record.name}`;
        pending.set(key, [...(pending.get(key) ?? []), record]);
        resources.push(record);
        return register(req, (err: any, res: any) => {
            if (res) record.urn = res.getUrn();
            callback(err, res);
        });
    };

    // A program that exports a function declares everything when called: load it once and call it
    // for each run. One that declares at load time is loaded afresh.
    const entry = require.resolve(program);
    if (typeof require.cache[entry]?.exports !== "function") clearProgramModules(entry);
    const stackModule = require("@pulumi/pulumi/runtime/stack");
    // A failure inside the program (an apply callback that throws, a rejected registration) also
    // surfaces as an unhandled rejection, as it would fail `pulumi up`: collect them for the run.
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on("unhandledRejection", onRejection);
    let exported: Record<string, any> | undefined;
    try {
        await stackModule.runInPulumiStack(async () => {
            // A program may export its outputs, or a function that declares everything and returns them.
            const loaded = require(program);
            exported = typeof loaded === "function" ? await loaded() : loaded;
        });
        await settings.waitForRPCs();
    } catch (e) {
        throw new ProgramError(e, declared());
    } finally {
        await new Promise((resolve) => setImmediate(resolve));
        process.off("unhandledRejection", onRejection);
    }
    if (rejections.length) throw new ProgramError(rejections[0], declared());
    const secretOutputs: string[] = [];
    const outputs: Record<string, any> = {};
    for (const [key, value] of Object.entries(exported ?? {})) {
        const found: string[] = [];
        outputs[key] = unwrapSecrets(await resolveDeep(value), "", found);
        if (found.length) secretOutputs.push(key);
    }
    return new Run(stack, config, declared(), invokes, outputs, secretOutputs, previous, options);
}

/** Resolves Outputs (and Outputs nested in plain values), keeping secrets as markers. */
async function resolveDeep(value: any): Promise<any> {
    if (pulumi.Output.isInstance(value)) {
        const o = value as any;
        const [v, secret] = await Promise.all([o.promise(), o.isSecret]);
        const resolved = await resolveDeep(v);
        return secret ? wrapSecret(resolved) : resolved;
    }
    if (Array.isArray(value)) return Promise.all(value.map(resolveDeep));
    if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype)
        return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveDeep(v)])));
    return value;
}

/** Awaits an Output's value (and whether it is secret) for an assertion. */
export async function settle<T>(output: pulumi.Input<T>): Promise<{ value: T; secret: boolean }> {
    const o = pulumi.output(output) as any;
    const [value, secret] = await Promise.all([o.promise(), o.isSecret]);
    return { value, secret };
}
