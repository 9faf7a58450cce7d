/** The MongoDB connection budget the pool sizes were derived from. */
import { Section, table } from "../section";

export const budget: Section = (run) => {
    const b = run.outputs.connectionBudget;
    if (!b) return [];
    const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
    const local = b.node !== undefined;
    return [
        local
            ? `${b.node} on each member: ${b.limit.toLocaleString("en-US")} connections, ${b.reserved} kept for replication, the init, backups and tooling, headroom ${b.headroom} → ${b.budget.toLocaleString("en-US")} for the gateway`
            : `atlas.tier ${b.tier}: ${b.limit.toLocaleString("en-US")} connections per node, ${b.reserved} reserved by Atlas, headroom ${b.headroom} → ${b.budget.toLocaleString("en-US")} for the gateway`,
        ...table([
            ["service", "peak tasks", "maxPool", "minPool", "maxConnecting", "peak conns/node"],
            ...b.services.map((s: any) => [s.name + (s.overridden ? " (override)" : ""), s.peakTasks, s.maxPoolSize, s.minPoolSize, s.maxConnecting, s.peakConnections]),
        ]),
        local
            ? `peak: ${b.peakTasks} containers (instances: no autoscaling, a changed container is removed before its replacement starts), ${b.peakConnections.toLocaleString("en-US")} connections per member including 2 monitoring per container = ${pct(b.utilization)} of the usable limit`
            : `peak: ${b.peakTasks} tasks (maxInstances × the release's peak: deployment.maximumPercent for a rolling update, 200% for blue/green, linear and canary${b.fleets === 2 ? "; × 2 fleets: this region's and the warm standby's, both connected around a failover" : ""}), ${b.peakConnections.toLocaleString("en-US")} connections per node including 2 monitoring per task = ${pct(b.utilization)} of the tier's usable limit`,
    ];
};
