/** The plan command's arguments, read as `pulumi config set --path` would type them. */
import * as fs from "fs";
import { UsageError, listStacks, parseKeyPath } from "../../tests/harness";

export interface PlanArgs {
    stack: string;
    set: Record<string, unknown>;
    json: boolean;
    /** Print the architecture as a Mermaid flowchart instead of the plan. */
    diagram: boolean;
    /** The stack's outputs from its last deployment (`pulumi stack output --json`), to plan the next rotation step. */
    previous?: Record<string, unknown>;
}

export function parseArgs(argv: string[]): PlanArgs {
    const args: PlanArgs = { stack: "", set: {}, json: false, diagram: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--json") args.json = true;
        else if (arg === "--diagram") args.diagram = true;
        else if (arg === "--stack" || arg === "-s") args.stack = argv[++i] ?? "";
        else if (arg.startsWith("--stack=")) args.stack = arg.slice(8);
        else if (arg === "--previous") args.previous = readPrevious(argv[++i] ?? "");
        else if (arg === "--set" || arg === "--set-string") {
            const pair = argv[++i] ?? "";
            const eq = pair.indexOf("=");
            if (eq <= 0) throw new Error(`${arg} takes key.path=value; got "${pair}"`);
            const [key, text] = [pair.slice(0, eq), pair.slice(eq + 1)];
            let path: (string | number)[];
            try {
                path = parseKeyPath(key); // refuses a malformed path, or one through __proto__, before anything runs
            } catch (e) {
                throw new UsageError((e as Error).message.replace(/^--set /, `${arg} `));
            }
            args.set[key] = arg === "--set-string" || path.length === 1 ? text : typeLikeCli(text);
        } else throw new Error(`unknown argument "${arg}"`);
    }
    if (!args.stack) throw new Error(`--stack is required (one of ${listStacks().join(", ")})`);
    if (!listStacks().includes(args.stack)) throw new Error(`--stack ${args.stack}: no stack file Pulumi.${args.stack}.yaml (stacks: ${listStacks().join(", ")})`);
    if (args.json && args.diagram) throw new Error("--json and --diagram are alternatives: give one of them");
    return args;
}

/** The JSON of `pulumi stack output --json > FILE`. */
function readPrevious(file: string): Record<string, unknown> {
    if (!file) throw new Error("--previous takes the file `pulumi stack output --json` wrote");
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new Error(`--previous ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "not the JSON of `pulumi stack output --json`"}`);
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error(`--previous ${file}: not the JSON of \`pulumi stack output --json\``);
    return parsed as Record<string, unknown>;
}

/**
 * Exactly as `pulumi config set --path` types a nested value (sdk/go/common/resource/config,
 * adjustObjectValue): "true" and "false" are booleans, an integer is a number unless it has a
 * leading 0, and everything else (decimals, versions such as 8.0, JSON) stays a string. A
 * top-level key is always a string. `--set-string` keeps any value a string (the CLI's `--type string`).
 */
export function typeLikeCli(text: string): unknown {
    if (text === "true") return true;
    if (text === "false") return false;
    if (text.length > 1 && text[0] === "0") return text;
    if (/^[+-]?\d+$/.test(text)) {
        // An int64, every digit kept: a BigInt where a double would round it.
        const n = BigInt(text);
        if (n >= -(2n ** 63n) && n < 2n ** 63n) return Number.isSafeInteger(Number(n)) ? Number(n) : n;
    }
    return text;
}
