/** What every section of the plan is: it takes the run and returns lines; an empty list omits the section. */
import { Run } from "../../tests/harness";

export type Section = (run: Run) => string[];

/** Rows as aligned columns: numbers right-aligned, text left-aligned. */
export function table(rows: (string | number)[][]): string[] {
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
    return rows.map((r) => r.map((cell, c) => (typeof cell === "number" ? String(cell).padStart(widths[c]) : String(cell).padEnd(widths[c]))).join("  ").trimEnd());
}
