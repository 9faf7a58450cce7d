/**
 * The AWS Fault Injection Service (FIS) actions, target resource types and the documented ways to
 * select each type's resources that the drills use, and the rules FIS (and the provider) apply to
 * a template's targets. A plain module: it declares no resources.
 *
 * Sources (read 2026-11-30):
 * - AWS FIS User Guide, "Actions reference" (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html):
 *   aws:ecs:stop-task (target key Tasks), aws:elasticache:replicationgroup-interrupt-az-power
 *   (target key ReplicationGroups, parameter duration; renamed from
 *   aws:elasticache:interrupt-cluster-az-power), aws:network:disrupt-connectivity (target key
 *   Subnets, parameters duration, scope and prefixListIdentifier).
 * - AWS FIS User Guide, "Targets" (https://docs.aws.amazon.com/fis/latest/userguide/targets.html):
 *   resource ARNs, tags, filters and resource parameters; "You can't specify both a resource ID and
 *   a resource filter for the same target"; "If no targets are found, the experiment fails";
 *   resource parameters `availabilityZoneIdentifier` and `vpc` for aws:ec2:subnet, `cluster` and
 *   `service` for aws:ecs:task.
 * - AWS FIS User Guide, "Experiment options": `emptyTargetResolutionMode` fail (default) | skip.
 * - AWS's FIS scenario library templates "AZ Availability: Power Interruption" and "AZ: Application
 *   Slowdown": ECS tasks and subnets selected by tags with an `AvailabilityZone` filter, the
 *   replication group by tags with the `availabilityZoneIdentifier` parameter,
 *   `emptyTargetResolutionMode: skip`.
 * - terraform-provider-aws internal/service/fis/experiment_template.go, resourceExperimentTemplate:
 *   target `resource_arns` MaxItems 5, `resource_tag` MaxItems 50, `selection_mode`
 *   `^(ALL|COUNT\(\d+\)|PERCENT\(\d+\))$`; expandExperimentTemplateTargets: "Only one of
 *   resource_arns, resource_tag can be set in a target block".
 */

/** A documented way to select a resource type's resources: by ARNs, by tags, or by resource parameters. */
export interface TargetForm {
    by: "arns" | "tags" | "parameters";
    /** The target parameters this form takes, all of them (none for a form that takes none). */
    parameters: readonly string[];
    /** Filter paths this form may narrow the selection with. */
    filters: readonly string[];
    /** Where FIS documents this form. */
    source: string;
}

export const FIS_TARGET_FORMS: Readonly<Record<string, readonly TargetForm[]>> = {
    "aws:ecs:task": [
        { by: "parameters", parameters: ["cluster", "service"], filters: [], source: "FIS User Guide, Targets, resource parameters" },
        { by: "tags", parameters: [], filters: ["AvailabilityZone"], source: "FIS scenario library, AZ Availability: Power Interruption / AZ: Application Slowdown" },
        { by: "arns", parameters: [], filters: [], source: "FIS User Guide, Targets, resource ARNs" },
    ],
    "aws:ec2:subnet": [
        { by: "parameters", parameters: ["availabilityZoneIdentifier", "vpc"], filters: [], source: "FIS User Guide, Targets, resource parameters" },
        { by: "tags", parameters: [], filters: ["AvailabilityZone"], source: "FIS scenario library, AZ Availability: Power Interruption" },
        { by: "arns", parameters: [], filters: [], source: "FIS User Guide, Targets, resource ARNs" },
    ],
    // Replication groups by tags with the required availabilityZoneIdentifier (User Guide, Targets,
    // resource parameters; the scenario library selects them so). Whether FIS also takes ARNs for
    // this type is not documented either way (the Actions reference is silent): only tags are allowed.
    "aws:elasticache:replicationgroup": [
        { by: "tags", parameters: ["availabilityZoneIdentifier"], filters: [], source: "FIS scenario library, AZ Availability: Power Interruption" },
    ],
};

export interface FisAction {
    /** The target key the action takes in its `targets` map. */
    targetKey: string;
    /** The resource type that target must be. */
    resourceType: string;
    /** The action's own parameters FIS accepts (others are refused). */
    parameters: readonly string[];
}

export const FIS_ACTIONS = {
    "aws:ecs:stop-task": { targetKey: "Tasks", resourceType: "aws:ecs:task", parameters: [] },
    "aws:elasticache:replicationgroup-interrupt-az-power": { targetKey: "ReplicationGroups", resourceType: "aws:elasticache:replicationgroup", parameters: ["duration"] },
    "aws:network:disrupt-connectivity": { targetKey: "Subnets", resourceType: "aws:ec2:subnet", parameters: ["duration", "scope", "prefixListIdentifier"] },
} as const satisfies Record<string, FisAction>;
export type FisActionId = keyof typeof FIS_ACTIONS;

/**
 * `scope` values of aws:network:disrupt-connectivity (Actions reference, all seven). The action
 * clones the subnet's network ACL, adds deny rules to the clone (tagged managedByFIS=true) and
 * associates it with the subnet for the action's duration, then restores the original association.
 * `all` denies all traffic entering and leaving the subnet, but "allows intra-subnet traffic,
 * including traffic to and from network interfaces in the subnet".
 */
export const FIS_NETWORK_SCOPES: readonly string[] = ["all", "availability-zone", "dynamodb", "prefix-list", "s3", "s3express", "vpc"];

/** Action durations FIS accepts for these actions: one minute to twelve hours (ISO 8601, PT1M–PT12H). */
export const FIS_DURATION_MINUTES = { min: 1, max: 720 } as const;
/** Stop conditions one experiment template may have (FIS quotas). */
export const FIS_MAX_STOP_CONDITIONS = 5;
/** FIS template descriptions are at most 512 characters. */
export const FIS_DESCRIPTION_MAX = 512;
/** ARNs one target may list (terraform-provider-aws experiment_template.go: `resource_arns` MaxItems 5). */
export const FIS_MAX_RESOURCE_ARNS = 5;
/** Tags one target may list (terraform-provider-aws experiment_template.go: `resource_tag` MaxItems 50). */
export const FIS_MAX_RESOURCE_TAGS = 50;

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

/**
 * How many of `resources` resources PERCENT(percent) selects: FIS rounds down (User Guide,
 * Targets, Selection mode: "If you have an odd number of resources and specify 50%, AWS FIS rounds
 * down").
 */
export function percentSelected(percent: number, resources: number): number {
    return Math.floor((resources * percent) / 100);
}

/**
 * Whether PERCENT(percent) of `resources` resources is at least one resource. FIS refuses a
 * percentage that selects less than one; whichever way it rounds, `resources × percent / 100 ≥ 1`
 * selects at least one.
 */
export function percentSelectsOne(percent: number, resources: number): boolean {
    return (resources * percent) / 100 >= 1;
}

export interface FisTarget {
    name: string;
    resourceType: string;
    selectionMode: string;
    resourceArns?: unknown[];
    resourceTags?: unknown[];
    parameters?: Record<string, unknown>;
    filters?: { path: string }[];
}

/** How a target selects its resources, when it says at all. */
function selectedBy(t: FisTarget): TargetForm["by"] | undefined {
    if (t.resourceArns?.length) return "arns";
    if (t.resourceTags?.length) return "tags";
    if (Object.keys(t.parameters ?? {}).length) return "parameters";
    return undefined;
}

/** The reasons FIS (or the provider) would refuse this target, or select by an undocumented form; empty when it accepts it. */
export function fisTargetProblems(t: FisTarget): string[] {
    const out: string[] = [];
    const arns = t.resourceArns?.length ?? 0;
    const tags = t.resourceTags?.length ?? 0;
    if (arns && t.filters?.length) out.push(`target ${t.name} lists resource ARNs and filters: FIS refuses a resource ID and a resource filter for the same target`);
    if (arns > FIS_MAX_RESOURCE_ARNS) out.push(`target ${t.name} lists ${arns} resource ARNs; a target takes at most ${FIS_MAX_RESOURCE_ARNS}`);
    if (tags > FIS_MAX_RESOURCE_TAGS) out.push(`target ${t.name} lists ${tags} resource tags; a target takes at most ${FIS_MAX_RESOURCE_TAGS}`);
    if (arns && tags) out.push(`target ${t.name} lists resource ARNs and tags: only one of them may select a target`);
    if (!isValidSelectionMode(t.selectionMode)) out.push(`target ${t.name}: selection mode ${t.selectionMode} is not ALL, COUNT(n) or PERCENT(1–100)`);
    const forms = FIS_TARGET_FORMS[t.resourceType];
    if (!forms) return [...out, `target ${t.name}: ${t.resourceType} is not a resource type the drills know (lib/fis.ts)`];
    const by = selectedBy(t);
    if (!by) return [...out, `target ${t.name} names no resource ARNs, tags or parameters: it would select account-wide`];
    const parameters = Object.keys(t.parameters ?? {}).sort();
    const filters = (t.filters ?? []).map((f) => f.path);
    const documented = forms.some(
        (f) => f.by === by && f.parameters.length === parameters.length && [...f.parameters].sort().every((p, i) => p === parameters[i]) && filters.every((p) => f.filters.includes(p)),
    );
    if (!documented) {
        const described = forms.map((f) => `${f.by}${f.parameters.length ? ` with parameters ${f.parameters.join(", ")}` : ""}${f.filters.length ? ` (filters: ${f.filters.join(", ")})` : ""}`);
        out.push(
            `target ${t.name} selects ${t.resourceType} by ${by}${parameters.length ? ` with parameters ${parameters.join(", ")}` : ""}${filters.length ? ` and filters ${filters.join(", ")}` : ""}, ` +
                `which FIS does not document; documented: ${described.join("; ")}`,
        );
    }
    return out;
}

/** The reasons FIS would refuse an action of a template with these targets (and the target it acts on); empty when it accepts it. */
export function fisActionProblems(action: { actionId: string; parameters?: { key: string; value?: string }[]; target?: { key: string; value: string } }, targets: FisTarget[]): string[] {
    const spec = (FIS_ACTIONS as Record<string, FisAction>)[action.actionId];
    if (!spec) return [`${action.actionId} is not an action the drills know (lib/fis.ts)`];
    const out: string[] = [];
    for (const p of action.parameters ?? []) if (!spec.parameters.includes(p.key)) out.push(`${action.actionId} takes no parameter ${p.key}`);
    const scope = action.parameters?.find((p) => p.key === "scope")?.value;
    if (scope !== undefined && !FIS_NETWORK_SCOPES.includes(scope)) out.push(`${action.actionId} scope ${scope} is not one of ${FIS_NETWORK_SCOPES.join(", ")}`);
    if (!action.target || action.target.key !== spec.targetKey) out.push(`${action.actionId} takes its target as ${spec.targetKey}`);
    const target = targets.find((t) => t.name === action.target?.value);
    if (!target) return [...out, `${action.actionId}: no target named ${action.target?.value}`];
    if (target.resourceType !== spec.resourceType) out.push(`${action.actionId} acts on ${spec.resourceType}, not ${target.resourceType}`);
    return [...out, ...fisTargetProblems(target)];
}
