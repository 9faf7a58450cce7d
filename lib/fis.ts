/**
 * The AWS Fault Injection Service (FIS) actions, target resource types and parameters the drills
 * use, and the IAM actions each needs. A plain module: it declares no resources.
 *
 * Sources (read 2026-11-29): AWS FIS User Guide, "Actions reference" (aws:ecs:stop-task,
 * aws:elasticache:replicationgroup-interrupt-az-power — renamed from
 * aws:elasticache:interrupt-cluster-az-power —, aws:network:disrupt-connectivity) and "Targets"
 * (resource types, target parameters, filters, selection modes); "Quotas" (stop conditions per
 * template); AWS's scenario library templates ("AZ Availability: Power Interruption", "AZ
 * Application Slowdown": the `AvailabilityZone` filter on aws:ecs:task and aws:ec2:subnet, the
 * `availabilityZoneIdentifier` target parameter of replication groups, which FIS resolves by tags
 * only, never by ARN).
 */

export interface FisAction {
    /** The target key the action takes in its `targets` map. */
    targetKey: string;
    /** The resource type that target must be. */
    resourceType: string;
    /** The action's own parameters FIS accepts (others are refused). */
    parameters: readonly string[];
    /** The target parameters FIS accepts for that resource type. */
    targetParameters: readonly string[];
    /** Target filter paths the drills use with that resource type. */
    filterPaths: readonly string[];
    /** Whether FIS resolves the target only by tags (resourceArns refused). */
    tagsOnly?: true;
}

export const FIS_ACTIONS = {
    "aws:ecs:stop-task": {
        targetKey: "Tasks",
        resourceType: "aws:ecs:task",
        parameters: [],
        targetParameters: ["cluster", "service"],
        filterPaths: ["AvailabilityZone"],
    },
    "aws:elasticache:replicationgroup-interrupt-az-power": {
        targetKey: "ReplicationGroups",
        resourceType: "aws:elasticache:replicationgroup",
        parameters: ["duration"],
        targetParameters: ["availabilityZoneIdentifier"],
        filterPaths: [],
        tagsOnly: true,
    },
    "aws:network:disrupt-connectivity": {
        targetKey: "Subnets",
        resourceType: "aws:ec2:subnet",
        parameters: ["duration", "scope"],
        targetParameters: [],
        filterPaths: ["AvailabilityZone"],
    },
} as const satisfies Record<string, FisAction>;
export type FisActionId = keyof typeof FIS_ACTIONS;

/** `scope` values of aws:network:disrupt-connectivity the drills use: every flow in and out of the subnet. */
export const FIS_NETWORK_SCOPES: readonly string[] = ["all", "availability-zone", "dynamodb", "prefix-list", "s3"];

/** Action durations FIS accepts for these actions: one minute to twelve hours (ISO 8601, PT1M–PT12H). */
export const FIS_DURATION_MINUTES = { min: 1, max: 720 } as const;
/** Stop conditions one experiment template may have (FIS quotas). */
export const FIS_MAX_STOP_CONDITIONS = 5;
/** FIS template descriptions are at most 512 characters. */
export const FIS_DESCRIPTION_MAX = 512;

/** `PT10M` for 10 minutes. */
export function isoMinutes(minutes: number): string {
    return `PT${minutes}M`;
}

/** Selection modes FIS accepts: ALL, COUNT(n), PERCENT(n) with n a whole number (1–100 for percent). */
export function isValidSelectionMode(mode: string): boolean {
    if (mode === "ALL") return true;
    const count = /^COUNT\((\d+)\)$/.exec(mode);
    if (count) return Number(count[1]) >= 1;
    const percent = /^PERCENT\((\d+)\)$/.exec(mode);
    return !!percent && Number(percent[1]) >= 1 && Number(percent[1]) <= 100;
}

/** The reasons FIS would refuse an action of a template with these targets; empty when it accepts it. */
export function fisActionProblems(
    action: { actionId: string; parameters?: { key: string }[]; target?: { key: string; value: string } },
    targets: { name: string; resourceType: string; selectionMode: string; resourceArns?: unknown[]; resourceTags?: unknown[]; parameters?: Record<string, unknown>; filters?: { path: string }[] }[],
): string[] {
    const spec = (FIS_ACTIONS as Record<string, FisAction>)[action.actionId];
    if (!spec) return [`${action.actionId} is not an action the drills know (lib/fis.ts)`];
    const out: string[] = [];
    for (const p of action.parameters ?? []) if (!spec.parameters.includes(p.key)) out.push(`${action.actionId} takes no parameter ${p.key}`);
    if (!action.target || action.target.key !== spec.targetKey) out.push(`${action.actionId} takes its target as ${spec.targetKey}`);
    const target = targets.find((t) => t.name === action.target?.value);
    if (!target) return [...out, `${action.actionId}: no target named ${action.target?.value}`];
    if (target.resourceType !== spec.resourceType) out.push(`${action.actionId} acts on ${spec.resourceType}, not ${target.resourceType}`);
    if (!isValidSelectionMode(target.selectionMode)) out.push(`selection mode ${target.selectionMode} is not ALL, COUNT(n) or PERCENT(1–100)`);
    if (!target.resourceArns?.length && !target.resourceTags?.length) out.push(`target ${target.name} needs resourceArns or resourceTags`);
    if (spec.tagsOnly && target.resourceArns?.length) out.push(`${spec.resourceType} targets resolve by tags only, not ARNs`);
    for (const key of Object.keys(target.parameters ?? {})) if (!spec.targetParameters.includes(key)) out.push(`${spec.resourceType} takes no target parameter ${key}`);
    for (const f of target.filters ?? []) if (!spec.filterPaths.includes(f.path)) out.push(`${spec.resourceType} filter path ${f.path} is not one the drills know`);
    return out;
}
