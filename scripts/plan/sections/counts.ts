/** How many resources of each type. */
import { Section, table } from "../section";

export const counts: Section = (run) => {
    const byType = new Map<string, number>();
    for (const r of run.resources.filter((r) => r.custom)) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    const rows = [...byType.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    return [...table([["type", "count"], ...rows.map(([t, n]) => [t, n])]), `total: ${run.resources.filter((r) => r.custom).length} resources`];
};
