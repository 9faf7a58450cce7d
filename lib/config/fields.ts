import { parse as parseLossless, stringify as stringifyLossless } from "lossless-json";
import { z } from "zod";
import { SecretSource, secretSource } from "../limits";

/**
 * Building blocks of the schema, with messages a person can act on, and how a field reads what
 * the CLI writes.
 */

// What the Pulumi CLI writes is accepted where its meaning is unambiguous: `pulumi config set
// --path` types only true/false and integers and stores everything else as a string (decimals,
// versions, JSON lists; pulumi/pulumi#18064), and a stack file may quote a number.

// Two readings apply to every field of a kind, present and future, in one place (`asTheFieldReads`,
// used by validateConfig): a text field takes what the CLI stores for an unquoted value exactly as
// it was typed (2024 → "2024", true → "true"), and a list field takes a list written as a JSON string.

/** "0.7" or "12" → a number (a number too large to hold exactly is compared by its nearest); anything else as it is. */
const numeric = (v: unknown) => (typeof v === "bigint" ? Number(v) : typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v);
/** "true"/"false" → a boolean. */
export const boolean = (v: unknown) => (v === "true" ? true : v === "false" ? false : v);

/**
 * Parses config JSON (what the engine hands the program for a structured key, or a list written as
 * a JSON string) without losing a digit: an integer beyond Number.MAX_SAFE_INTEGER, which
 * `JSON.parse` would round (9007199254740993 → …992), is kept as a BigInt. A key named
 * `__proto__` stays an own key, so that validation can refuse it by name.
 */
export function parseConfigJson(text: string): unknown {
    return parseLossless(text, null, (digits) => {
        const n = Number(digits);
        return /^-?\d+$/.test(digits) && !Number.isSafeInteger(n) ? BigInt(digits) : n;
    });
}

/** JSON of a value that may hold a BigInt (a number too large for a double), digits kept. */
export function configJson(value: unknown, indent?: number): string {
    return stringifyLossless(value, undefined, indent) ?? "undefined";
}

/**
 * What the Pulumi CLI or YAML stores, read as a field of the `expected` type means it: the value
 * to use instead, a message saying why it cannot be, or undefined when it is not such a case.
 * - Text: `pulumi config set --path` stores an unquoted integer as a number and true/false as a
 *   boolean (pulumi.com/docs/iac/cli/commands/pulumi_config_set), and YAML reads them so: their
 *   text is exactly what was typed, up to Number.MAX_SAFE_INTEGER. A larger integer, or a
 *   decimal (YAML reads an unquoted 1.50 as 1.5), cannot be known as typed: refused, with how to quote it.
 * - List: a JSON list written as a string (the CLI stores `[...]` as a string) is the list.
 */
export function asTheFieldReads(expected: string, value: unknown, key: string): { value: unknown } | { message: string } | undefined {
    if (expected === "string") {
        if (typeof value === "boolean" || (typeof value === "number" && Number.isSafeInteger(value))) return { value: String(value) };
        if (typeof value === "bigint" || typeof value === "number") {
            const typed = String(value);
            if (typeof value === "bigint" || Number.isInteger(value))
                return { message: `is a number beyond ${Number.MAX_SAFE_INTEGER}, which cannot be kept exactly as text: quote it (pulumi config set --path --type string ${key} ${typed}, or "${typed}" in the stack file)` };
            return { message: `is a decimal number where text is expected, and YAML keeps no trace of how it was written (it reads 1.50 as 1.5): quote it in the stack file ("${typed}")` };
        }
    }
    if (expected === "array" && typeof value === "string" && value.trim().startsWith("[")) {
        try {
            const list = parseConfigJson(value);
            if (Array.isArray(list)) return { value: list };
        } catch {
            // reported below
        }
        return { message: `must be a list: a list written as a string must be JSON, such as ["a", "b"]` };
    }
    return undefined;
}
/** 8 (YAML's reading of an unquoted 8.0) → "8.0"; 7.2 → "7.2". */
export const version = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? (Number.isInteger(v) ? v.toFixed(1) : String(v)) : v);

/** A whole number in [min, max]; a number beyond the safe range is "too big", not "not whole". */
export const count = (min: number, max?: number) => {
    const most = `must be at most ${max ?? Number.MAX_SAFE_INTEGER}`;
    let n = z
        .number({ error: "must be a number" })
        .int({ error: (issue) => (issue.code === "too_big" ? most : "must be a whole number") })
        .min(min, { error: `must be at least ${min}` });
    if (max !== undefined) n = n.max(max, { error: most });
    return z.preprocess(numeric, n);
};
/** A number in [min, max]. */
export const decimal = (min: number, max: number) =>
    z.preprocess(numeric, z.number({ error: "must be a number" }).min(min, { error: `must be at least ${min}` }).max(max, { error: `must be at most ${max}` }));
/** An object of known fields; any other field is an error (a typo should not pass silently). */
export const section = <T extends z.core.$ZodLooseShape>(shape: T) => z.strictObject(shape, { error: "must be an object" });
export const bool = () => z.preprocess(boolean, z.boolean({ error: "must be true or false" }));
export const text = (what = "a non-empty string") => z.string({ error: `must be ${what}` }).min(1, { error: `must be ${what}` });
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
    z.enum(values, { error: `must be one of ${values.join(", ")}` });
export const numberIn = (values: readonly number[], what: string) =>
    z.preprocess(numeric, z.number({ error: "must be a number" }).refine((v) => values.includes(v), { error: `must be one of ${what}` }));
export const zoneName = () => z.string({ error: "must be an availability zone name such as us-east-1a" }).regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, { error: "must be an availability zone name such as us-east-1a" });
export const list = <T extends z.ZodType>(item: T, what: string) => z.array(item, { error: `must be a list of ${what}` });

/** A command or entry point: a list of non-empty strings, as ECS takes it (one argument per item). */
export const processList = (what: string) =>
    list(text("a non-empty string"), `strings, one argument each, such as ["/app/worker"]`).pipe(z.array(z.string()).min(1, { error: `must list at least the executable; leave ${what} unset for the image's own` }));
export const SECRET_ARN_FORMS =
    "must be the ARN of a Secrets Manager secret (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>[:<json-key>:<version-stage>:<version-id>]) or of an SSM parameter (arn:aws:ssm:<region>:<account>:parameter/<name>)";
const PARTIAL_SECRET_ARN =
    "is a partial Secrets Manager ARN (the name without the \"-\" and six random characters Secrets Manager appends): ECS would find the secret, but IAM matches the execution role's grant against the complete ARN, so tasks would fail to start with AccessDeniedException; give the complete ARN (aws secretsmanager describe-secret --secret-id <name> --query ARN)";
/** A secret's ARN in a form ECS takes (`forms` says which), naming a Secrets Manager secret completely. */
export const secretArn = (accepts: (s: SecretSource, v: string) => boolean, forms: string) =>
    z.string({ error: forms }).superRefine((v, ctx) => {
        const s = secretSource(v);
        if (!s || !accepts(s, v)) ctx.addIssue({ code: "custom", message: forms, input: v });
        else if (!s.complete) ctx.addIssue({ code: "custom", message: PARTIAL_SECRET_ARN, input: v });
    });

export const CIDR = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;
export const cidr = () => z.string({ error: "must be an IPv4 CIDR such as 203.0.113.0/24" }).regex(CIDR, { error: "must be an IPv4 CIDR such as 203.0.113.0/24" });
export const STACK_NAME = /^[a-z][a-z0-9-]{0,19}$/;
export const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const IMAGE_REF = /^[a-z0-9]+([._\-/:][a-z0-9]+)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

/** The block's network address in CIDR form (10.0.0.1/16 → 10.0.0.0/16). */
export function networkAddress(value: string): string {
    const [ip, bits] = value.split("/");
    const n = ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
    const size = 2 ** (32 - Number(bits));
    const base = Math.floor(n / size) * size;
    return `${[24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256).join(".")}/${bits}`;
}

export function isPrivateCidr(value: string): boolean {
    const [a, b] = value.split("/")[0].split(".").map(Number);
    return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}
