/**
 * The Atlas host-metric alerts the database component declares, as data: which metric, in which
 * units, on which nodes, and whom they notify. A plain module: it declares nothing.
 */
import { atlasMatcherProblems } from "./limits";

/** The host metrics alerted on, by the suffix of the alert's name. */
const HOST_METRICS = {
    /** Connections per node: the pools' connections land on the primary (reads and writes go there). */
    connections: { metricName: "CONNECTIONS", units: "RAW", typeName: "PRIMARY" },
    /** A secondary's lag behind the primary. */
    "replication-lag": { metricName: "OPLOG_SLAVE_LAG_MASTER_TIME", units: "SECONDS", typeName: "SECONDARY" },
    /**
     * A node's data disk used: Atlas host metric DISK_PARTITION_SPACE_USED_DATA (Atlas Admin API v2
     * `HostMetricThreshold` mapping, in the provider's tools/codegen/atlasapispec/raw-multi-version-api-spec.yml:
     * a RAW metric, mode AVERAGE), on every node (no matcher).
     */
    "disk-used": { metricName: "DISK_PARTITION_SPACE_USED_DATA", units: "RAW" },
    /** A node's CPU, user time normalized to its cores: NORMALIZED_SYSTEM_CPU_USER (same source: a RAW metric, mode AVERAGE), on every node. */
    cpu: { metricName: "NORMALIZED_SYSTEM_CPU_USER", units: "RAW" },
} as const satisfies Record<string, { metricName: string; units: string; typeName?: "PRIMARY" | "SECONDARY" }>;

export type HostMetricAlert = keyof typeof HOST_METRICS;

/**
 * The args (but the project) of a host-metric alert on the project's nodes of one type (every node
 * without a type). Host metrics accept host matchers only (not CLUSTER_NAME): checked against
 * Atlas's table before the alert is declared.
 */
export function hostMetricAlert(suffix: HostMetricAlert, threshold: number, emails: string[]) {
    const metric: { metricName: string; units: string; typeName?: string } = HOST_METRICS[suffix];
    const eventType = "OUTSIDE_METRIC_THRESHOLD";
    const matchers = metric.typeName ? [{ fieldName: "TYPE_NAME", operator: "EQUALS", value: metric.typeName }] : [];
    const refused = atlasMatcherProblems(eventType, matchers);
    if (refused.length) throw new Error(`Atlas alert ${suffix}: ${refused.join("; ")}`);
    return {
        eventType,
        enabled: true,
        matchers,
        metricThresholdConfig: { metricName: metric.metricName, operator: "GREATER_THAN", threshold, units: metric.units, mode: "AVERAGE" },
        notifications: [
            { typeName: "GROUP", roles: ["GROUP_OWNER"], emailEnabled: true, intervalMin: 15, delayMin: 0 },
            ...emails.map((emailAddress) => ({ typeName: "EMAIL", emailAddress, intervalMin: 15, delayMin: 0 })),
        ],
    };
}
