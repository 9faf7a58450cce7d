import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { CONFIG_KEYS, ConfigSchema } from "../lib/config";
import { ROOT, readProject } from "./harness";

/** Leaf field paths of a zod object schema (section.field.subfield). */
function leafPaths(schema: z.ZodType, prefix = ""): string[] {
    const def = (schema as any)._zod.def;
    if (["optional", "default", "prefault", "nullable"].includes(def.type)) return leafPaths(def.innerType, prefix);
    if (def.type === "object") return Object.entries(def.shape as Record<string, z.ZodType>).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
    return [prefix];
}

describe("project files", () => {
    const project = readProject();
    const text = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");

    it("is the payment-gateway project on the nodejs runtime with TypeScript", () => {
        assert.equal(project.name, "payment-gateway");
        assert.deepEqual((project as any).runtime, { name: "nodejs", options: { typescript: true } });
    });

    it("declares config only in forms the Pulumi CLI accepts", () => {
        // Project config: a plain value, or { type: string|integer|boolean|array, description, default, secret, items }.
        // The CLI rejects `type: object` and object defaults, so structured keys are documented in comments.
        assert.deepEqual(Object.keys(project.config ?? {}).sort(), ["domain", "environment"]);
        for (const [key, declaration] of Object.entries(project.config ?? {})) {
            assert.ok(typeof declaration === "object" && declaration !== null, `${key}: declare it with a type and description`);
            const d = declaration as Record<string, unknown>;
            assert.ok(["string", "integer", "boolean", "array"].includes(d.type as string), `${key}: type ${d.type}`);
            for (const field of Object.keys(d)) assert.ok(["type", "description", "default", "secret", "items"].includes(field), `${key}: field ${field}`);
            if (d.type === "array") assert.ok(d.items, `${key}: arrays need items`);
            assert.ok(typeof d.description === "string" && d.description.length > 10, `${key}: needs a description`);
        }
    });

    it("describes every config field in Pulumi.yaml", () => {
        const leaves = leafPaths(ConfigSchema);
        assert.ok(leaves.length > 60, `only ${leaves.length} fields found`);
        const documented = (leaf: string) => {
            const [section, ...rest] = leaf.split(".");
            const declared = Object.keys(project.config ?? {}).includes(section);
            const lines = [leaf, rest.join(".")].filter(Boolean).map((p) => p.replace(/\./g, "\\."));
            return declared || new RegExp(`^#\\s+(${lines.join("|")})(\\s|$|\\s*/)`, "m").test(text);
        };
        const missing = leaves.filter((l) => !documented(l));
        assert.deepEqual(missing, []);
        for (const key of CONFIG_KEYS)
            assert.ok(new RegExp(`^#\\s(?:[a-z]+,\\s)*${key}[,:\\s]`, "m").test(text) || key in (project.config ?? {}), `section ${key} undocumented`);
    });

    it("pins TypeScript below 7 and commits a lockfile", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        assert.match(pkg.devDependencies.typescript, /^~?5\./);
        const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
        assert.equal(lock.packages["node_modules/typescript"].version.split(".")[0], "5");
        for (const dep of ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/mongodbatlas", "@pulumi/docker", "@pulumi/random", "zod"]) assert.ok(pkg.dependencies[dep], dep);
    });
});
