/** Quantities derived from usage: Container Insights metrics, backup and log storage, traces, drill minutes; and the difference of two estimates. */
import { RegionPrices, XRAY_FREE_TRACES, round } from "../prices";
import { DAYS_PER_MONTH, CONTAINER_INSIGHTS_METRICS, CostAssumptions } from "./assumptions";
import { Estimate } from "./estimate";

/** Container Insights' custom metrics for a cluster of `services` services and `taskFamilies` task-definition families. */
export function containerInsightsMetrics(ci: { services: number; taskFamilies: number }): number {
    const m = CONTAINER_INSIGHTS_METRICS;
    return m.perCluster + ci.services * m.perService + ci.taskFamilies * m.perTaskFamily;
}

/**
 * GB of Atlas cloud backup: the first snapshot holds the data, each further daily snapshot the
 * day's changes (Atlas snapshots on AWS are incremental EBS snapshots), and continuous backup keeps
 * the oplog of the restore window, a day's changes a day.
 */
export function atlasBackupGb(a: { backupRetentionDays: number; restoreWindowDays: number }, x: CostAssumptions): number {
    const daily = x.atlasDataGb * (x.atlasDailyChangePercent / 100);
    return x.atlasDataGb + daily * Math.max(0, a.backupRetentionDays - 1) + daily * a.restoreWindowDays;
}

/**
 * GB of logs CloudWatch keeps once every group is at its retention: `logGbPerMonth` split evenly
 * over the groups, each keeping `retention / (365 / 12)` months of it. Stored is priced as ingested:
 * CloudWatch bills the compressed size, so this is an upper bound.
 */
export function logStoredGb(retentionDays: number[], logGbPerMonth: number): number {
    const perGroup = logGbPerMonth / retentionDays.length;
    return retentionDays.reduce((n, days) => n + perGroup * (days / DAYS_PER_MONTH), 0);
}

/** X-Ray for a month: traces recorded (requests × ratio) and retrieved, each beyond its free tier. */
export function xrayCost(sampleRatio: number, x: CostAssumptions, P: RegionPrices): { recorded: number; recordedUsd: number; retrievedUsd: number } {
    const recorded = Math.round(x.requestsPerMonth * sampleRatio);
    const beyond = (n: number, free: number) => Math.max(0, n - free) / 1_000_000;
    return {
        recorded,
        recordedUsd: beyond(recorded, XRAY_FREE_TRACES.recorded) * P.xrayMillionTracesRecorded.usd,
        retrievedUsd: beyond(x.tracesRetrievedPerMonth, XRAY_FREE_TRACES.retrievedOrScanned) * P.xrayMillionTracesRetrieved.usd,
    };
}

/**
 * FIS action-minutes one run of a drill takes: each action's `duration`, and a minute for an
 * action without one (a stop-task ends in seconds; FIS rounds to the nearest minute, so it bills
 * 0 or 1: the estimate takes 1).
 */
export function actionMinutes(durations: (number | undefined)[]): number {
    return durations.reduce<number>((n, d) => n + (d ?? 1), 0);
}

/** "PT10M" → 10, "PT1H30M" → 90; undefined when absent. */
export function isoDurationMinutes(value: string | undefined): number | undefined {
    if (!value) return undefined;
    const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(value);
    if (!m) throw new Error(`not an ISO-8601 duration FIS takes: ${value}`);
    return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) + Math.ceil(Number(m[3] ?? 0) / 60);
}

/** The difference `after − before`, per component and in total. */
export function difference(before: Estimate, after: Estimate): { component: string; floor: number; ceiling: number }[] {
    const components = [...new Set([...before.byComponent, ...after.byComponent].map((c) => c.component))];
    const get = (e: Estimate, c: string) => e.byComponent.find((x) => x.component === c) ?? { floor: 0, ceiling: 0 };
    const rows = components.map((component) => ({ component, floor: round(get(after, component).floor - get(before, component).floor), ceiling: round(get(after, component).ceiling - get(before, component).ceiling) }));
    return [...rows.filter((r) => r.floor || r.ceiling), { component: "total", floor: round(after.floor - before.floor), ceiling: round(after.ceiling - before.ceiling) }];
}
