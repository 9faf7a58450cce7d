/**
 * Credential rotation as a two-step state machine driven by a config label and the step the last
 * `pulumi up` recorded in the stack's own `rotation` output. A plain module: it declares nothing.
 *
 * Cache AUTH token (ElastiCache's two-step token update, ModifyReplicationGroup
 * AuthTokenUpdateStrategy: ROTATE adds a token beside the current one, SET "allowed only after
 * ROTATE" leaves only the token sent): a new label adds a new token while the old one stays valid
 * (ROTATE) and hands the services the new URL, so they roll onto it; the next `pulumi up` drops the
 * old token (SET). The provider sends token and strategy together whenever either changed
 * (terraform-provider-aws internal/service/elasticache/replication_group.go,
 * resourceReplicationGroupUpdate, HasChanges("auth_token", "auth_token_update_strategy")), so a held
 * step, which declares the same token with the same strategy, sends nothing. Database password (Atlas applies a user's new password at once and refuses the old): a new
 * label creates a new user with a new password and moves the URI to it (the services roll); the
 * previous user is removed by the next `pulumi up`, once no task can still hold its URI.
 *
 * Two rules keep a running task's credential alive whatever the operator does:
 * - The second step (SET; removing the previous user) is taken only once ECS confirms that every
 *   service runs, alone, the task definition the last `pulumi up` deployed (`confirmRollout`);
 *   otherwise the step is held: the old credential stays valid, and the plan and the outputs say why.
 * - A label removed from the config keeps the live credential: the label the last `pulumi up`
 *   recorded stays in force (`liveLabel`). Nothing is regenerated, re-sent or deleted.
 * - A new label set while a rotation is between its steps waits for its second step (`liveLabel`):
 *   starting over would drop the credential before the last without asking ECS.
 */

/** What the stack's previous deployment recorded (its `rotation` output), if anything. */
export interface RotationRecord {
    cache?: { label?: string; step?: CacheStep; held?: string };
    database?: {
        label?: string;
        step?: DatabaseStep;
        previous?: string;
        /** The kept previous user is the one user all services shared (the move to a user per service). */
        previousShared?: boolean;
        held?: string;
        /**
         * Whose users the URIs name: "per-service" (a password user per service) or "iam" (a user per
         * task role). Absent from records written while the services shared one password user.
         */
        users?: DatabaseUsers;
    };
    /**
     * Per service, what the update that wrote this record asked it to run: the ECS service and
     * its cluster, and the task definition it was updated to. Absent from records written before
     * the second step was confirmed against ECS.
     */
    services?: Record<string, DeployedService>;
}

/** An ECS service and the task definition an update asked it to run. */
export interface DeployedService {
    /** Cluster ARN. */
    cluster: string;
    /** Service name. */
    service: string;
    /** The task definition ARN (family:revision) the update declared for it. */
    taskDefinition: string;
}

/**
 * What ECS reports for a service now (the provider's `aws.ecs.getService`, that is
 * DescribeServices): its task definition and its deployments (PRIMARY, and ACTIVE ones still
 * running tasks while being replaced), or why it could not be read.
 */
export type ServiceNow =
    | { taskDefinition: string; deployments: { status: string; taskDefinition: string; runningCount: number; desiredCount: number }[] }
    | { error: string };

/** Whether ECS confirms that the services moved onto what the last update deployed, and if not, why. */
export interface Rollout {
    confirmed: boolean;
    /** Per service, what ECS runs that is not the recorded task definition (empty when confirmed). */
    reasons: string[];
}

export type CacheStep = "none" | "rotate" | "set" | "done";
export type DatabaseStep = "none" | "switch" | "cleanup" | "done";
export type DatabaseUsers = "per-service" | "iam";

export interface CachePlan {
    label?: string;
    step: CacheStep;
    /** The AuthTokenUpdateStrategy this `pulumi up` sends with the token (none: the token is not being rotated). */
    strategy?: "ROTATE" | "SET";
    /** Why the second step is held this time (the old token stays valid). */
    held?: string;
    /** What this `pulumi up` does, and what the next one will. */
    now: string;
    next: string;
}

export interface DatabasePlan {
    label?: string;
    step: DatabaseStep;
    /** The label of the user the URI points at ("" is the original user, before any rotation). */
    current: string;
    /** The label of the users kept for this step only, while tasks holding their URIs are replaced. */
    keep?: string;
    /** The kept user is the one all services shared (of label `keep`), not a user per service. */
    keepShared?: boolean;
    /** Whose users the URIs name (recorded: the next update reads it back). */
    users: DatabaseUsers;
    /** Why the second step is held this time (the previous user stays). */
    held?: string;
    now: string;
    next: string;
}

/**
 * Whether the last deployment left a rotation between its steps: the old credential (token added
 * with ROTATE, or the previous user kept) is still valid because tasks may still hold it, and only
 * the confirmed second step may drop it.
 */
export function betweenSteps(last: { label?: string; step?: string; previous?: string } | undefined): boolean {
    return last?.label !== undefined && (last.step === "rotate" || (last.step === "switch" && last.previous !== undefined));
}

/**
 * The label in force: the configured one, or, when the config no longer sets one, the label the
 * last deployment recorded (its credential is the live one; removing a label is a config
 * clean-up, never a rotation back to the original credential). A rotation between its steps
 * keeps its label whatever the config says: a new label then waits for the second step, because
 * starting over would drop the credential before the last without asking ECS (a new database
 * user would replace the kept previous one, which tasks rolled back onto may hold; a new ROTATE
 * would be sent over two valid tokens, and the ElastiCache documentation does not say which of
 * three stay valid, so the first, which tasks may still hold, cannot be assumed to).
 */
export function liveLabel(configured: string | undefined, last: { label?: string; step?: string; previous?: string } | undefined): string | undefined {
    if (betweenSteps(last)) return last!.label;
    if (configured !== undefined) return configured;
    return last?.step !== undefined && last.step !== "none" ? last.label : undefined;
}

/** Whether either credential's next step is a second step, one that drops what tasks may still hold. */
export function secondStepDue(labels: { cache?: string; database?: string }, previous: RotationRecord | undefined): boolean {
    const cache = previous?.cache, database = previous?.database;
    const cacheDue = labels.cache !== undefined && cache?.label === labels.cache && cache.step === "rotate";
    const databaseDue = labels.database !== undefined && database?.label === labels.database && database.step === "switch" && database.previous !== undefined;
    return cacheDue || databaseDue;
}

/**
 * Whether every service runs only the task definition the last update recorded for it. ECS keeps
 * a deployment per task definition still running tasks (PRIMARY for the newest, ACTIVE for those
 * being replaced, INACTIVE for those completely replaced); after a deployment circuit breaker
 * rollback the service's task definition is the previous one again. So: exactly one deployment
 * besides INACTIVE ones, PRIMARY, on the recorded task definition, and the service's task
 * definition the same.
 */
export function confirmRollout(recorded: Record<string, DeployedService> | undefined, now: Record<string, ServiceNow>): Rollout {
    if (!recorded || !Object.keys(recorded).length)
        return { confirmed: false, reasons: ["the last `pulumi up` recorded no task definitions (it ran before they were recorded); this one records them, the next one checks them"] };
    const reasons: string[] = [];
    for (const [name, r] of Object.entries(recorded)) {
        const s = now[name];
        const revision = (arn: string) => arn.replace(/^.*:task-definition\//, "");
        if (!s) reasons.push(`${name}: not read from ECS`);
        else if ("error" in s) reasons.push(`${name}: ECS could not be read (${s.error})`);
        else if (s.taskDefinition !== r.taskDefinition)
            reasons.push(`${name}: runs ${revision(s.taskDefinition)}, not ${revision(r.taskDefinition)} (rolled back, or replaced outside this stack)`);
        else {
            // INACTIVE: "a deployment that has been completely replaced" (ECS Deployment.status): no task of it runs.
            const live = s.deployments.filter((d) => d.status !== "INACTIVE");
            if (live.length !== 1 || live[0].status !== "PRIMARY" || live[0].taskDefinition !== r.taskDefinition)
                reasons.push(`${name}: still replacing tasks (${live.map((d) => `${d.status} ${revision(d.taskDefinition)} ${d.runningCount}/${d.desiredCount}`).join(", ")})`);
        }
    }
    return { confirmed: reasons.length === 0, reasons };
}

/** Why a held step is held, in one line. */
function holdReason(rollout: Rollout): string {
    return `ECS does not confirm the services moved: ${rollout.reasons.join("; ")}`;
}

/** What a `now` sentence adds when the label in force is not the configured one. */
function keptNote(configured: string | undefined, label: string | undefined): string {
    if (label === undefined || configured === label) return "";
    // "": the move to a user per service, recorded without a label because none was set.
    if (configured === undefined) return label ? ` (rotation label ${label} is no longer in the config: its credential, the live one, is kept)` : "";
    return ` (rotation label ${configured} waits: the rotation to ${label ? `label ${label}` : "a user per service"} finishes first, and the \`pulumi up\` after its second step starts ${configured})`;
}

/** What follows a second step: nothing, or the rotation to a label that waited for it. */
function afterSecondStep(configured: string | undefined, label: string): string {
    return configured !== undefined && configured !== label ? `the next \`pulumi up\` starts the rotation to label ${configured}` : "nothing: the rotation is complete";
}

/**
 * The cache token's step, from the configured label, what the last deployment recorded, (for the
 * second step) whether ECS confirms the services moved onto the new token, and whether the stack
 * was deployed before. A stack never deployed creates its cache with the label's token: there is
 * nothing to rotate, and the update strategy is "not used during initial create" (provider
 * `auth_token_update_strategy`), so no ROTATE ever took place, and ModifyReplicationGroup allows SET
 * "only after ROTATE": the label is at rest at once (SET recorded, never sent).
 */
export function planCacheRotation(configured: string | undefined, previous: RotationRecord | undefined, rollout?: Rollout, deployed = true): CachePlan {
    const last = previous?.cache;
    const label = liveLabel(configured, last);
    if (label === undefined)
        return { step: "none", now: "the AUTH token is the one generated with the cache; nothing to rotate", next: "set rotation.cache to a new label to rotate it" };
    if (!deployed)
        return { label, step: "done", strategy: "SET", now: `creates the cache with the token of label ${label}: nothing to rotate`, next: "set rotation.cache to a new label to rotate it" };
    if (last?.label !== label)
        return {
            label,
            step: "rotate",
            strategy: "ROTATE",
            now: `adds a new AUTH token (label ${label}) while the old one stays valid, and rolls every service onto the new MPG_GARNET_URL (waiting for steady state)`,
            next: "the next `pulumi up` drops the old token, once ECS confirms every service runs the task definition this one deployed",
        };
    if (last.step === "rotate") {
        if (!rollout?.confirmed) {
            const held = rollout ? holdReason(rollout) : "ECS was not asked";
            return {
                label,
                step: "rotate",
                strategy: "ROTATE",
                held,
                now: `HOLDS the second step: both AUTH tokens stay valid${keptNote(configured, label)}. ${held}`,
                next: "once every service runs the recorded task definition alone, `pulumi up` again drops the old token (a rolled-back service is rolled onto it again; see the rotation runbook)",
            };
        }
        return { label, step: "set", strategy: "SET", now: `drops the old AUTH token: only the token of label ${label} is valid (ECS confirms every service runs it)${keptNote(configured, label)}`, next: afterSecondStep(configured, label) };
    }
    return { label, step: "done", strategy: "SET", now: `the token of label ${label} is the only valid one${keptNote(configured, label)}`, next: "set rotation.cache to a new label to rotate again" };
}

/** How a sentence names the users of a label ("" is the users created without one). */
function usersOf(label: string, shared = false): string {
    const who = shared ? "the shared user" : "each service's user";
    return label ? `${who} of label ${label}` : `${who} created without a label`;
}

/**
 * The database users' step, from the configured label, what the last deployment recorded, and (for
 * the second step) ECS. Each service has a password user of its own (PCI DSS 7.2.5, 8.2.1), named
 * after the service and the label. A stack deployed while its services shared one user moves to a
 * user per service as a rotation (`planMoveToServiceUsers`): the same two steps, the shared user
 * being the previous one.
 */
export function planDatabaseRotation(configured: string | undefined, previous: RotationRecord | undefined, deployed: boolean, authentication: "password" | "iam" = "password", rollout?: Rollout): DatabasePlan {
    const last = previous?.database;
    if (authentication === "iam")
        return { step: "none", current: "", users: "iam", now: "there is no password: each service logs in as its task role (atlas.authentication iam)", next: "nothing to rotate (rotation.database is refused)" };
    if (deployed && last?.users === undefined) return planMoveToServiceUsers(configured, last, rollout);
    const users = "per-service" as const;
    const label = liveLabel(configured, last);
    if (label === undefined)
        return { step: "none", current: "", users, now: "each service has its own user, created with the cluster", next: "set rotation.database to a new label to rotate their passwords" };
    if (last?.label !== label) {
        // The users the running tasks use: the last rotation's, or the original ones on a stack deployed before any rotation.
        const keep = deployed ? (last?.label ?? "") : undefined;
        return {
            label,
            step: "switch",
            current: label,
            keep,
            users,
            now: `creates ${usersOf(label)} with a new password and moves each service's MPG_DATABASE_URI to it; every service rolls onto it (waiting for steady state)${keep !== undefined ? `; the previous users (${usersOf(keep)}) stay for this step` : ""}`,
            next: keep !== undefined ? "the next `pulumi up` removes the previous users, once ECS confirms every service runs the task definition this one deployed" : "nothing: there were no previous users",
        };
    }
    if (last.step === "switch" && last.previous !== undefined) {
        const kept = usersOf(last.previous, last.previousShared);
        if (!rollout?.confirmed) {
            const held = rollout ? holdReason(rollout) : "ECS was not asked";
            return {
                label,
                step: "switch",
                current: label,
                keep: last.previous,
                keepShared: last.previousShared,
                users,
                held,
                now: `HOLDS the second step: ${kept} stays${keptNote(configured, label)}. ${held}`,
                next: "once every service runs the recorded task definition alone, `pulumi up` again removes it (a rolled-back service is rolled onto it again; see the rotation runbook)",
            };
        }
        const secret = last.previousShared ? " and the shared MPG_DATABASE_URI secret (deleted with its recovery window)" : "";
        return { label, step: "cleanup", current: label, users, now: `removes ${kept}${secret}; only ${usersOf(label)} remains (ECS confirms every service runs it)${keptNote(configured, label)}`, next: afterSecondStep(configured, label) };
    }
    return { label, step: "done", current: label, users, now: `${usersOf(label)} is the service's only user${keptNote(configured, label)}`, next: "set rotation.database to a new label to rotate again" };
}

/**
 * The first step of a stack deployed while its services shared one password user (its record
 * names no `users`): each service gets a user of its own (of the label in force, or a new label
 * set with this update) and its own URI, and rolls onto it; the shared user the running tasks use
 * (and its secret) stays for this step, recorded as the previous user, so that the rotation's
 * second step removes it once ECS confirms. Recorded with label "" when no label was ever set: a
 * rotation between its steps needs one. A shared-user rotation still between its steps goes first:
 * its previous user is dropped in this same update when ECS confirms its second step, else the
 * update is refused (it would have to keep two shared users, which the record cannot name).
 */
function planMoveToServiceUsers(configured: string | undefined, last: NonNullable<RotationRecord["database"]> | undefined, rollout?: Rollout): DatabasePlan {
    if (betweenSteps(last) && !rollout?.confirmed)
        throw new Error(
            `the move to a database user per service waits for the rotation of the shared user to label ${last!.label} to finish: ` +
            `${rollout ? holdReason(rollout) : "ECS was not asked"}. Nothing was changed; run \`pulumi up\` again once every service runs its last task definition alone`,
        );
    // The shared user the running tasks use: the last rotation's, or the original one.
    const keep = last?.step !== undefined && last.step !== "none" ? (last.label ?? "") : "";
    const label = liveLabel(configured, last) ?? "";
    const dropped = betweenSteps(last) ? `; removes the shared user of the rotation before (${usersOf(last!.previous!, true)}), ECS confirming no task uses it` : "";
    return {
        label,
        step: "switch",
        current: label,
        keep,
        keepShared: true,
        users: "per-service",
        now: `gives each service a database user of its own (${usersOf(label)}) and its own MPG_DATABASE_URI secret; every service rolls onto it (waiting for steady state); ${usersOf(keep, true)} and its secret stay for this step${dropped}`,
        next: "the next `pulumi up` removes the shared user and its secret, once ECS confirms every service runs the task definition this one deployed",
    };
}

/**
 * Whether a rotation step is under way: every service's `pulumi up` then waits for steady state.
 * A stack's first deployment with a label set keeps no previous credential: nothing is under way.
 */
export function rotationInProgress(cache: CachePlan, database: DatabasePlan): boolean {
    return cache.step === "rotate" || cache.step === "set" || (database.step === "switch" && database.keep !== undefined) || database.step === "cleanup";
}
