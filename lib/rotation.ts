/**
 * Credential rotation as a two-step state machine driven by a config label and the step the last
 * `pulumi up` recorded in the stack's own `rotation` output. A plain module: it declares nothing.
 *
 * Cache AUTH token (ElastiCache's two-step token update, ModifyReplicationGroup
 * AuthTokenUpdateStrategy): a new label adds a new token while the old one stays valid (ROTATE) and
 * hands the services the new URL, so they roll onto it; the next `pulumi up` drops the old token
 * (SET). Database password (Atlas applies a user's new password at once and refuses the old): a new
 * label creates a new user with a new password and moves the URI to it (the services roll); the
 * previous user is removed by the next `pulumi up`, once no task can still hold its URI.
 */

/** What the stack's previous deployment recorded (its `rotation` output), if anything. */
export interface RotationRecord {
    cache?: { label?: string; step?: CacheStep };
    database?: { label?: string; step?: DatabaseStep; previous?: string };
}

export type CacheStep = "none" | "rotate" | "set" | "done";
export type DatabaseStep = "none" | "switch" | "cleanup" | "done";

export interface CachePlan {
    label?: string;
    step: CacheStep;
    /** The AuthTokenUpdateStrategy this `pulumi up` sends with the token (none: the token is not being rotated). */
    strategy?: "ROTATE" | "SET";
    /** What this `pulumi up` does, and what the next one will. */
    now: string;
    next: string;
}

export interface DatabasePlan {
    label?: string;
    step: DatabaseStep;
    /** The label of the user the URI points at ("" is the original user, before any rotation). */
    current: string;
    /** The label of a user kept for this step only, while tasks holding its URI are replaced. */
    keep?: string;
    now: string;
    next: string;
}

/** The cache token's step, from its label and what the last deployment recorded. */
export function planCacheRotation(label: string | undefined, previous: RotationRecord | undefined): CachePlan {
    const last = previous?.cache;
    if (label === undefined)
        return { step: "none", now: "the AUTH token is the one generated with the cache; nothing to rotate", next: "set rotation.cache to a new label to rotate it" };
    if (last?.label !== label)
        return {
            label,
            step: "rotate",
            strategy: "ROTATE",
            now: `adds a new AUTH token (label ${label}) while the old one stays valid, and rolls every service onto the new MPG_GARNET_URL`,
            next: "the next `pulumi up` (once the services are steady) drops the old token",
        };
    if (last.step === "rotate")
        return { label, step: "set", strategy: "SET", now: `drops the old AUTH token: only the token of label ${label} is valid`, next: "nothing: the rotation is complete" };
    return { label, step: "done", strategy: "SET", now: `the token of label ${label} is the only valid one`, next: "set rotation.cache to a new label to rotate again" };
}

/** The database user's step, from its label and what the last deployment recorded. */
export function planDatabaseRotation(label: string | undefined, previous: RotationRecord | undefined, deployed: boolean, authentication: "password" | "iam" = "password"): DatabasePlan {
    const last = previous?.database;
    if (authentication === "iam")
        return { step: "none", current: "", now: "there is no password: each service logs in as its task role (atlas.authentication iam)", next: "nothing to rotate (rotation.database is refused)" };
    if (label === undefined)
        return { step: "none", current: "", now: "the application user is the one created with the cluster", next: "set rotation.database to a new label to rotate its password" };
    if (last?.label !== label) {
        // The user the running tasks use: the last rotation's, or the original one on a stack deployed before any rotation.
        const keep = deployed ? (last?.label ?? "") : undefined;
        return {
            label,
            step: "switch",
            current: label,
            keep,
            now: `creates the user of label ${label} with a new password and moves MPG_DATABASE_URI to it; every service rolls onto it${keep !== undefined ? `; the previous user (${keep || "the original"}) stays for this step` : ""}`,
            next: keep !== undefined ? "the next `pulumi up` (once the services are steady) removes the previous user" : "nothing: there was no previous user",
        };
    }
    if (last.step === "switch" && last.previous !== undefined)
        return { label, step: "cleanup", current: label, now: `removes the previous user (${last.previous || "the original"}); only the user of label ${label} remains`, next: "nothing: the rotation is complete" };
    return { label, step: "done", current: label, now: `the user of label ${label} is the only application user`, next: "set rotation.database to a new label to rotate again" };
}
