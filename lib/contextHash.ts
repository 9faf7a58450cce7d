/**
 * A content hash of a Docker build context, used as the image tag: the same sources give the same
 * tag (no rebuild, and ECR's immutable tags are never pushed twice), any change gives a new one.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

const ALWAYS_IGNORED = new Set([".git", "node_modules"]);

export function contextHash(context: string, dockerfile: string, platform: string): string {
    if (!fs.existsSync(context) || !fs.statSync(context).isDirectory()) throw new Error(`build context ${context} is not a directory`);
    const ignored = readDockerignore(context);
    const hash = crypto.createHash("sha256").update(`${dockerfile}\n${platform}\n`);
    const walk = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            const full = path.join(dir, entry.name);
            const rel = path.relative(context, full).split(path.sep).join("/");
            if (ALWAYS_IGNORED.has(entry.name) || ignored.some((p) => rel === p || rel.startsWith(`${p}/`))) continue;
            if (entry.isDirectory()) walk(full);
            else if (entry.isFile()) hash.update(`${rel}\n`).update(fs.readFileSync(full));
        }
    };
    walk(context);
    return hash.digest("hex").slice(0, 16);
}

/** Plain path entries of .dockerignore (globs are not expanded: such files still count, which only costs a rebuild). */
function readDockerignore(context: string): string[] {
    const file = path.join(context, ".dockerignore");
    if (!fs.existsSync(file)) return [];
    return fs
        .readFileSync(file, "utf8")
        .split("\n")
        .map((l) => l.trim().replace(/^\.?\//, "").replace(/\/$/, ""))
        .filter((l) => l && !l.startsWith("#") && !l.startsWith("!") && !/[*?[]/.test(l));
}
