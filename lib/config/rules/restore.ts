/** Restore rules: what a restore into this stack must name, and when. */
import { restoreKey } from "../../restore";
import { CIDR, networkAddress } from "../fields";
import { Resolved } from "../resolve";
import { Problem } from "../problems";

/** A restore overwrites the target cluster's data: exactly one point to restore, within the source's window, never by accident in prod. */
export function restoreProblems(c: Resolved, now: number, startedRestore: string | undefined): Problem[] {
    const r = c.atlas.restore;
    if (!r) return [];
    const problems: Problem[] = [];
    if (!!r.pointInTime === !!r.snapshotId)
        problems.push({ path: "atlas.restore", message: "needs exactly one of pointInTime (ISO-8601 UTC) and snapshotId", value: { pointInTime: r.pointInTime, snapshotId: r.snapshotId } });
    if (r.pointInTime) {
        const at = Date.parse(r.pointInTime);
        if (Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== r.pointInTime.slice(0, 10)) problems.push({ path: "atlas.restore.pointInTime", message: "is not a real moment (check the date)", value: r.pointInTime });
        // Time-relative: only for a restore the last deployment did not start. A started restore's
        // point does not become wrong as days pass (its window is checked against the source's
        // backup schedule at preview, lib/restore.ts sourceProblems, when the restore is new).
        else if (at > now && restoreKey(r) !== startedRestore) problems.push({ path: "atlas.restore.pointInTime", message: `is in the future (now is ${new Date(now).toISOString()})`, value: r.pointInTime });
    }
    if (c.purpose === "restore-drill" && !r.verifyFrom)
        problems.push({ path: "atlas.restore.verifyFrom", message: "is required when purpose is restore-drill: the CIDR the drill's read-only user checks the restored data from", reads: ["purpose"] });
    if (c.purpose !== "restore-drill" && r.verifyFrom)
        problems.push({ path: "atlas.restore.verifyFrom", message: "applies only when purpose is restore-drill (a gateway stack's cluster is reached by its services only)", value: r.verifyFrom, reads: ["purpose"] });
    if (r.verifyFrom && networkAddress(r.verifyFrom) !== r.verifyFrom) problems.push({ path: "atlas.restore.verifyFrom", message: `has host bits set: the block is ${networkAddress(r.verifyFrom)}`, value: r.verifyFrom });
    else if (r.verifyFrom && Number(r.verifyFrom.split("/")[1]) < 16)
        problems.push({ path: "atlas.restore.verifyFrom", message: "must be /16 or narrower: the restored copy of the data is reachable from it", value: r.verifyFrom });
    if (c.prod && !r.allowIntoProd)
        problems.push({ path: "atlas.restore.allowIntoProd", message: "must be true to restore into a prod stack: the restore overwrites its data", value: r.allowIntoProd, reads: ["environment"] });
    return problems;
}
