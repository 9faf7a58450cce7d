/** What MongoDB Atlas enforces: tiers and their connection limits, node counts, alert matchers, versions, cluster names. */
/** Atlas dedicated tiers (M10+) with their per-node connection limit. */
export const ATLAS_TIER_CONNECTIONS = {
    M10: 1500,
    M20: 3000,
    M30: 3000,
    M40: 6000,
    M50: 16000,
    M60: 32000,
    M80: 96000,
    M140: 96000,
    M200: 128000,
    M300: 128000,
} as const;

export type AtlasTier = keyof typeof ATLAS_TIER_CONNECTIONS;
export const ATLAS_TIERS = Object.keys(ATLAS_TIER_CONNECTIONS) as AtlasTier[];
/** Connections Atlas keeps for itself on every node. */
export const ATLAS_RESERVED_CONNECTIONS = 10;
/** Electable node counts Atlas accepts for a replica set. */
export const ATLAS_ELECTABLE_NODES: readonly number[] = [3, 5, 7];

/**
 * Matcher fields an Atlas alert configuration accepts, by the kind of target its event type has
 * (Atlas Admin API v2, `MatcherFieldView`: Host, Replica Set and Cluster matcher fields). Atlas
 * refuses any other field for that kind, e.g. CLUSTER_NAME on a host-metric alert.
 */
export const ATLAS_MATCHER_FIELDS = {
    host: ["TYPE_NAME", "HOSTNAME", "PORT", "HOSTNAME_AND_PORT", "REPLICA_SET_NAME"],
    replicaSet: ["REPLICA_SET_NAME", "SHARD_NAME", "CLUSTER_NAME"],
    cluster: ["CLUSTER_NAME"],
} as const;
/** The target kind of the event types the program alerts on. OUTSIDE_METRIC_THRESHOLD: a host metric. */
export const ATLAS_EVENT_TARGET: Readonly<Record<string, keyof typeof ATLAS_MATCHER_FIELDS>> = {
    OUTSIDE_METRIC_THRESHOLD: "host",
    REPLICATION_OPLOG_WINDOW_RUNNING_OUT: "replicaSet",
    NO_PRIMARY: "replicaSet",
    CLUSTER_MONGOS_IS_MISSING: "cluster",
};
/** Values of the TYPE_NAME host matcher (Atlas Admin API v2, host matcher values). */
export const ATLAS_HOST_TYPE_NAMES: readonly string[] = ["STANDALONE", "PRIMARY", "SECONDARY", "ARBITER", "MONGOS", "CONFIG"];
/** Matcher operators (Atlas Admin API v2, alert matchers). */
export const ATLAS_MATCHER_OPERATORS: readonly string[] = ["EQUALS", "NOT_EQUALS", "CONTAINS", "NOT_CONTAINS", "STARTS_WITH", "ENDS_WITH", "REGEX"];

export interface AtlasMatcher {
    fieldName: string;
    operator: string;
    value: string;
}

/** The reasons Atlas would refuse `matchers` on an alert of `eventType`; empty when it accepts them. */
export function atlasMatcherProblems(eventType: string, matchers: AtlasMatcher[]): string[] {
    const target = ATLAS_EVENT_TARGET[eventType];
    if (!target) return [`event type ${eventType} is not in the table of known event types`];
    const allowed: readonly string[] = ATLAS_MATCHER_FIELDS[target];
    return matchers.flatMap((m) => [
        ...(allowed.includes(m.fieldName) ? [] : [`${eventType} (a ${target} event) takes matcher fields ${allowed.join(", ")}, not ${m.fieldName}`]),
        ...(ATLAS_MATCHER_OPERATORS.includes(m.operator) ? [] : [`matcher operator ${m.operator} is not one of ${ATLAS_MATCHER_OPERATORS.join(", ")}`]),
        ...(m.fieldName === "TYPE_NAME" && !ATLAS_HOST_TYPE_NAMES.includes(m.value) ? [`TYPE_NAME matches ${ATLAS_HOST_TYPE_NAMES.join(", ")}, not ${m.value}`] : []),
    ]);
}

/**
 * MongoDB major versions Atlas deploys on dedicated clusters with manual upgrades (MongoDB
 * Software Lifecycle Schedules, "MongoDB Atlas Dedicated (Major Release only)": 7.0 until
 * 2027-08-31, 8.0 until 2029-10-31; 6.0 ended 2025-07-31; read 2026-11-29). Atlas upgrades one
 * major at a time and refuses a downgrade.
 */
export const ATLAS_MONGODB_VERSIONS: readonly string[] = ["7.0", "8.0"];

/** Atlas cluster names. */
export function isValidAtlasClusterName(name: string): boolean {
    return /^[a-zA-Z0-9][a-zA-Z0-9-]*$/.test(name);
}

/** AWS region (us-east-1) → Atlas region name (US_EAST_1). */
export function atlasRegionName(awsRegion: string): string {
    return awsRegion.toUpperCase().replace(/-/g, "_");
}
