/** Per service: how a new image reaches customers, what rolls it back, and how long it takes. */
import { Section, table } from "../section";

interface ReleaseOutput {
    strategy: string;
    steps: { trafficPercent: number; bakeMinutes: number }[];
    trafficMinutes: number;
    peakPercent: number;
    rollbackAlarms: string[];
    circuitBreaker?: boolean;
    waitMinutes?: number;
}

export const releases: Section = (run) => {
    const all = run.outputs.releases as Record<string, ReleaseOutput> | undefined;
    if (!all) return [];
    const steps = (r: ReleaseOutput) => (r.strategy === "ROLLING" ? "tasks replaced in place" : r.steps.map((s) => `${s.trafficPercent}% ${s.bakeMinutes}m`).join(" → "));
    const entries = Object.entries(all);
    return [
        ...table([
            ["service", "strategy", "traffic on the new revision, then bake", "shift+bake", "peak tasks", "pulumi up waits"],
            ...entries.map(([name, r]) => [name, r.strategy, steps(r), `${r.trafficMinutes} min`, `${r.peakPercent}%`, r.waitMinutes ? `≤ ${r.waitMinutes} min` : "no (deployment.waitForSteadyState off)"]),
        ]),
        ...entries.map(([name, r]) =>
            r.rollbackAlarms.length
                ? `${name} rolls back when any of these alarms fires: ${r.rollbackAlarms.join(", ")}`
                : r.circuitBreaker
                  ? `${name} rolls back only on the circuit breaker (tasks that fail to start or fail their health check)`
                  : `! ${name}: nothing rolls a bad release back (release.alarmRollback is off and the circuit breaker serves rolling and blue/green updates only)`,
        ),
        // The deploy's critical path: the slowest release, on top of the new tasks' start and the old ones' draining.
        `critical path: the slowest release shifts and bakes for ${Math.max(...entries.map(([, r]) => r.trafficMinutes))} min, plus the new tasks' start and health checks and the old ones' draining`,
    ];
};
