import { z } from "zod";
import { PROJECT, SERVICE_NAMES } from "./constants";
import { boolean, configJson, list } from "./fields";

export interface Problem {
    /** Key path below the project namespace, e.g. "main.instances". */
    path: string;
    message: string;
    value?: unknown;
    /** Other key paths the rule read (cross-field rules); internal. */
    reads?: string[];
}

/** A problem with the config: where it is, its formatting, ConfigError, and zod's messages as a person reads them. */

export function formatProblem(p: Problem): string {
    const key = p.path ? `${PROJECT}:${p.path}` : PROJECT;
    const got = p.value === undefined ? "" : `; got ${configJson(p.value)}`;
    return `${key} ${p.message}${got}`;
}

/** A rule that was not run because a value it reads was refused. */
export interface Unchecked {
    /** The key the rule guards (or the section it sizes). */
    path: string;
    /** What the rule checks. */
    what: string;
    /** The refused key paths it reads. */
    reads: string[];
}

export function formatUnchecked(u: Unchecked): string {
    return `${PROJECT}:${u.path}: ${u.what} was not checked: it reads ${u.reads.join(", ")}, refused above`;
}

export class ConfigError extends Error {
    constructor(
        readonly problems: Problem[],
        readonly unchecked: Unchecked[] = [],
    ) {
        super(
            `invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was declared:\n` +
                problems.map((p) => `  - ${formatProblem(p)}`).join("\n") +
                (unchecked.length ? `\nnot checked until those are fixed:\n${unchecked.map((u) => `  - ${formatUnchecked(u)}`).join("\n")}` : ""),
        );
        this.name = "ConfigError";
    }
}

/**
 * A key path as `pulumi config set --path` takes it: `main.instances`, `admin.allowedCidrs[0]`,
 * `main.extraEnvironment["my-var"]`.
 */
export function formatPath(segments: readonly PropertyKey[]): string {
    return segments
        .map((seg, i) => {
            if (typeof seg === "number") return `[${seg}]`;
            const key = String(seg);
            if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return i === 0 ? key : `.${key}`;
            return `[${JSON.stringify(key)}]`;
        })
        .join("");
}

/** Whether key path `child` is `parent` or lies below it. */
export function within(child: string, parent: string): boolean {
    return parent === "" || child === parent || child.startsWith(`${parent}.`) || child.startsWith(`${parent}[`);
}

const TYPE_NAMES: Record<string, string> = { string: "a string", number: "a number", boolean: "true or false", array: "a list", object: "an object" };

/** Plain-language messages for any check the schema did not word itself (zod's own text never reaches a user). */
export const defaultMessage: z.core.$ZodErrorMap = (issue) => {
    switch (issue.code) {
        case "invalid_type":
            return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
        case "too_big":
            return `must be at most ${issue.maximum}`;
        case "too_small":
            return `must be at least ${issue.minimum}`;
        case "invalid_value":
            return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
        default:
            return "is not valid here";
    }
};

/**
 * Keys earlier versions took, and what replaced them: a stack file written for one is told what to
 * write instead, not to check a spelling that is right.
 */
const RETIRED_KEYS: Record<string, Record<string, string>> = {
    "cost.assumptions": {
        atlasBackupGb: "atlasDataGb (GB on the cluster's disk) and atlasDailyChangePercent: backup storage is priced from the data, its daily change, the snapshots kept and the restore window",
        cacheSnapshotGb: "cacheDataGb (GB in the cache): snapshot storage is priced from the data and snapshotRetentionDays",
    },
};

/** A key whose value names a secret by its ARN: `<service>.secrets.<NAME>` or `<service>.repositoryCredentials`. */
function isSecretReference(path: PropertyKey[]): boolean {
    return (SERVICE_NAMES as readonly string[]).includes(String(path[0])) && ((path[1] === "secrets" && path.length === 3) || (path[1] === "repositoryCredentials" && path.length === 2));
}

export function zodProblems(issues: z.core.$ZodIssue[]): Problem[] {
    return issues.map((issue) => {
        const path = formatPath(issue.path);
        if (issue.code === "unrecognized_keys") {
            const retired = issue.keys.filter((k) => RETIRED_KEYS[path]?.[k]);
            const unknown = issue.keys.filter((k) => !retired.includes(k));
            const parts = [
                ...retired.map((k) => `no longer takes "${k}": use ${RETIRED_KEYS[path][k]}`),
                ...(unknown.length ? [`has unknown key${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `"${k}"`).join(", ")} (check the spelling against Pulumi.yaml)`] : []),
            ];
            return { path, message: parts.join("; ") };
        }
        const input = (issue as { input?: unknown }).input;
        if (input === undefined) return { path, message: `is required and ${issue.message}` };
        // Where a secret's ARN belongs, anything else may be the secret itself pasted by mistake:
        // never repeat it (the message goes to terminals and CI logs).
        if (isSecretReference(issue.path) && !(typeof input === "string" && input.startsWith("arn:")))
            return { path, message: `${issue.message} (the value given is not repeated: it may be the secret itself)` };
        return { path, message: issue.message, value: input };
    });
}
