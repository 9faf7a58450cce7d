/** Every resource under its parent, as `pulumi preview` nests them. */
import { RecordedResource } from "../../../tests/harness";
import { Section } from "../section";

export const tree: Section = (run) => {
    const lines: string[] = [];
    const children = (parent: string) => run.resources.filter((r) => r.parent === parent);
    const stackUrn = run.resources.find((r) => !run.resources.some((p) => p.urn === r.parent))?.parent ?? "";
    const walk = (r: RecordedResource, depth: number) => {
        const kids = children(r.urn);
        const flags = [r.protect ? "protected" : "", r.ignoreChanges.length ? `ignores ${r.ignoreChanges.join(",")}` : ""].filter(Boolean);
        lines.push(`${"  ".repeat(depth)}${r.custom ? "·" : "▸"} ${r.name}  ${r.type}${flags.length ? `  [${flags.join("; ")}]` : ""}`);
        // A component's own resources, then its sub-components.
        const ordered = kids.filter((k) => k.custom).sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name, "en", { numeric: true }));
        for (const k of ordered) walk(k, depth + 1);
        for (const k of kids.filter((k) => !k.custom)) walk(k, depth + 1);
    };
    for (const r of children(stackUrn)) walk(r, 0);
    return lines;
};
