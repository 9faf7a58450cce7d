/** Rules of the release strategies (lib/release.ts): what ECS accepts, and what keeps a release safe. */
import { alarmWindowMinutes, bakesShorterThanAlarms, DEPLOYMENT_ALARMS, ReleaseStrategy, shiftsTraffic } from "../../release";
import { SERVICE_NAMES, ServiceName } from "../constants";
import { Resolved } from "../resolve";
import { Problem } from "../problems";

/** ECS shifts production traffic by rewriting one listener rule (AdvancedConfiguration.productionListenerRule); admin's allowed CIDRs take one rule per four. */
export const SOURCE_IPS_PER_PRODUCTION_RULE = 4;

export function releaseProblems(c: Resolved, lastStrategies: Partial<Record<ServiceName, string>> = {}): Problem[] {
    const problems: Problem[] = [];
    const add = (path: string, message: string, value: unknown, ...reads: string[]) => problems.push({ path, message, value, reads });
    if (c.purpose !== "gateway") return problems;
    const window = alarmWindowMinutes();
    for (const name of SERVICE_NAMES) {
        const r = c[name].release;
        const at = `${name}.release`;
        // The worker has no load balancer: nothing to shift traffic between, and no customer-facing alarm of its own.
        if (name === "worker" && shiftsTraffic(r.strategy))
            add(`${at}.strategy`, "must be ROLLING for the worker: it has no load balancer, and ECS shifts traffic between two target groups for BLUE_GREEN, LINEAR and CANARY", r.strategy);
        if (name === "worker" && r.alarmRollback)
            add(`${at}.alarmRollback`, "must be false for the worker: it serves no customer request its alarms could see (its circuit breaker rolls back tasks that fail to start or fail their health check)", r.alarmRollback);
        // A bake shorter than the alarms' evaluation lets the release move on before they could fire.
        for (const short of bakesShorterThanAlarms(r))
            add(
                `${at}.${short.field}`,
                `must be at least ${window} minutes with alarmRollback: the deployment alarms need up to ${window} minutes to fire (${Object.entries(DEPLOYMENT_ALARMS).map(([n, a]) => `${n} ${a.evaluationPeriods} × ${a.periodSeconds}s`).join(", ")}), and a shorter bake lets the release ${short.field === "bakeMinutes" ? "end, and the old revision stop," : "shift more traffic"} before they could`,
                short.minutes,
                `${at}.alarmRollback`, `${at}.strategy`,
            );
        // Leaving a traffic-shifting strategy: ECS may serve from either target group, and a rolling
        // update registers only in the first, which the listener rule may send nothing to.
        const last = lastStrategies[name] as ReleaseStrategy | undefined;
        if (last && shiftsTraffic(last) && !shiftsTraffic(r.strategy))
            add(`${at}.strategy`, `cannot go back to ROLLING from ${last}: ECS may be serving from the alternate target group, which a rolling update does not register in; use BLUE_GREEN with release.bakeMinutes 0 for the nearest to a rolling update`, r.strategy);
    }
    const admin = c.admin.release;
    if (shiftsTraffic(admin.strategy) && c.admin.allowedCidrs.length > SOURCE_IPS_PER_PRODUCTION_RULE)
        add(
            "admin.allowedCidrs",
            `must list at most ${SOURCE_IPS_PER_PRODUCTION_RULE} CIDRs with admin.release.strategy ${admin.strategy}: ECS shifts traffic on one production listener rule, which holds ${SOURCE_IPS_PER_PRODUCTION_RULE} source CIDRs; clients matched by the others would stay on a target group ECS empties`,
            c.admin.allowedCidrs,
            "admin.release.strategy",
        );
    return problems;
}
