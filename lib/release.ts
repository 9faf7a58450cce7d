/**
 * How a new image reaches customers: ECS's deployment strategies, the traffic shares and bake
 * times of each, the alarms that roll a release back, how long a release takes and how many tasks
 * it runs at its peak. A plain module, no resources.
 *
 * Sources (ECS developer guide and API reference):
 * - DeploymentConfiguration (API_DeploymentConfiguration): `strategy` ROLLING, BLUE_GREEN, LINEAR or
 *   CANARY; `bakeTimeInMinutes`, the time both revisions run after all production traffic has
 *   shifted, required with BLUE_GREEN; minimumHealthyPercent and maximumPercent apply to a
 *   rolling update.
 * - The deployment circuit breaker: the API reference (API_DeploymentCircuitBreaker) says it
 *   "can only be used for services using the rolling update (ECS) deployment type", ECS being the
 *   deployment controller these strategies all run under; the developer guide ("Amazon ECS
 *   deployment failure detection") says the circuit breaker and CloudWatch alarms "only support
 *   rolling update deployment and blue/green deployment types" and that "when both methods are
 *   used, either can trigger deployment failure". Whether LINEAR and CANARY accept it is not
 *   stated in either; they run without it (circuitBreakerServes).
 * - CanaryConfiguration (API_CanaryConfiguration): canaryPercent, multiples of 0.1 from 0.1 to
 *   100.0 (default 5.0); canaryBakeTimeInMinutes 0–1440 (default 10).
 * - LinearConfiguration (API_LinearConfiguration): stepPercent, multiples of 0.1 from 3.0 to 100.0
 *   (default 10.0); stepBakeTimeInMinutes 0–1440 (default 6), "not applied after reaching 100
 *   percent traffic".
 * - "Amazon ECS linear deployments" and "Amazon ECS canary deployments": both revisions run side
 *   by side while traffic shifts and through the bake time, "which may double resource usage".
 * The provider checks the same ranges (terraform-provider-aws internal/service/ecs/service.go,
 * resourceService: bake_time_in_minutes, step_bake_time_in_minutes, canary_bake_time_in_minutes
 * IntBetween(0, 1440); step_percent FloatBetween(3.0, 100.0); canary_percent FloatBetween(0.1, 100.0)).
 */

export const RELEASE_STRATEGIES = ["ROLLING", "BLUE_GREEN", "LINEAR", "CANARY"] as const;
export type ReleaseStrategy = (typeof RELEASE_STRATEGIES)[number];

/** ECS's limits on the release fields (sources above). */
export const RELEASE_LIMITS = {
    bakeMinutes: { min: 0, max: 1440 },
    canaryPercent: { min: 0.1, max: 100, step: 0.1 },
    stepPercent: { min: 3, max: 100, step: 0.1 },
} as const;

export interface Release {
    strategy: ReleaseStrategy;
    /** CANARY: share of production traffic the new revision takes first. */
    canaryPercent: number;
    /** CANARY: minutes at that share before the rest shifts. */
    canaryBakeMinutes: number;
    /** LINEAR: share shifted at each step. */
    stepPercent: number;
    /** LINEAR: minutes between steps (none after the last). */
    stepBakeMinutes: number;
    /** BLUE_GREEN, LINEAR, CANARY: minutes both revisions run after all traffic has shifted. */
    bakeMinutes: number;
    /** Fail the release and roll it back when one of the service's deployment alarms fires. */
    alarmRollback: boolean;
}

/** Whether ECS shifts traffic between two target groups for this strategy (everything but ROLLING). */
export function shiftsTraffic(strategy: ReleaseStrategy): boolean {
    return strategy !== "ROLLING";
}

/**
 * Whether the last deployment released a service by shifting traffic (its strategy as the
 * `releases` output recorded it; undefined before any deployment, or before releases were
 * recorded): then its listener rule already forwards by weight to both groups, and ECS owns the weights.
 */
export function shiftedLastTime(lastStrategy: string | undefined): boolean {
    return (RELEASE_STRATEGIES as readonly string[]).includes(lastStrategy ?? "") && lastStrategy !== "ROLLING";
}

/**
 * Whether the deployment circuit breaker serves this strategy (sources above): ROLLING and
 * BLUE_GREEN, documented; not LINEAR or CANARY, which no source confirms. Without it a revision
 * whose tasks never become healthy takes no traffic (the old revision's targets keep the alarms
 * quiet) and holds the release until the wait's timeout or a manual stop.
 */
export function circuitBreakerServes(strategy: ReleaseStrategy): boolean {
    return strategy === "ROLLING" || strategy === "BLUE_GREEN";
}

/** Whether a share is a multiple of 0.1, as ECS requires of canaryPercent and stepPercent. */
export function isTenth(value: number): boolean {
    return Math.abs(value * 10 - Math.round(value * 10)) < 1e-9;
}

export interface ReleaseStep {
    /** Share of production traffic on the new revision during this step, in percent. */
    trafficPercent: number;
    /** Minutes ECS waits at this share before the next step. */
    bakeMinutes: number;
}

/**
 * The traffic steps of a release: for LINEAR one step per stepPercent (the last at 100), the step
 * bake between steps and none after the last; for CANARY the canary share then 100; for
 * BLUE_GREEN one step to 100. The final step carries the deployment bake time, during which the
 * old revision still runs and a rollback is a traffic shift. ROLLING shifts no traffic: one step
 * at 100 with no bake (ECS replaces tasks within minimumHealthyPercent and maximumPercent).
 */
export function releaseSteps(r: Release): ReleaseStep[] {
    const round = (n: number) => Math.round(n * 10) / 10;
    switch (r.strategy) {
        case "ROLLING":
            return [{ trafficPercent: 100, bakeMinutes: 0 }];
        case "BLUE_GREEN":
            return [{ trafficPercent: 100, bakeMinutes: r.bakeMinutes }];
        case "CANARY":
            return r.canaryPercent >= 100
                ? [{ trafficPercent: 100, bakeMinutes: r.bakeMinutes }]
                : [{ trafficPercent: round(r.canaryPercent), bakeMinutes: r.canaryBakeMinutes }, { trafficPercent: 100, bakeMinutes: r.bakeMinutes }];
        case "LINEAR": {
            const steps: ReleaseStep[] = [];
            const count = Math.ceil(100 / r.stepPercent - 1e-9);
            for (let i = 1; i <= count; i++) {
                const share = Math.min(100, round(i * r.stepPercent));
                steps.push({ trafficPercent: share, bakeMinutes: share >= 100 ? r.bakeMinutes : r.stepBakeMinutes });
            }
            return steps;
        }
    }
}

/** Minutes a release spends shifting traffic and baking, from the first shift to the old revision's end. */
export function trafficMinutes(r: Release): number {
    return releaseSteps(r).reduce((n, s) => n + s.bakeMinutes, 0);
}

/**
 * Tasks that can run at once during a release, as a percent of the service's count: for a rolling
 * update `maximumPercent`; for every traffic-shifting strategy ECS starts the whole new revision
 * beside the whole old one and keeps both through the bake time: 200.
 */
export function peakPercent(strategy: ReleaseStrategy, maximumPercent: number): number {
    return shiftsTraffic(strategy) ? 200 : maximumPercent;
}

/**
 * The deployment alarms of a routed service, as components/alarms.ts declares them (the
 * evaluation that decides how soon each can fire). Each sees the service's two target groups, so
 * it sees the new revision's tasks whichever group they are in.
 */
export const DEPLOYMENT_ALARMS = {
    /** 5xx answered by the service's targets, as a percent of its requests, the worse of the two groups. */
    "release-5xx": { periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3 },
    /** p95 target response time, the worse of the two groups. */
    "release-latency": { periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3 },
    /** No healthy target in either group. */
    "no-healthy-hosts": { periodSeconds: 60, evaluationPeriods: 2, datapointsToAlarm: 2 },
} as const;
export type DeploymentAlarm = keyof typeof DEPLOYMENT_ALARMS;

/**
 * Minutes the deployment alarms need to see a bad revision: the longest evaluation window
 * (evaluationPeriods × period). A bake shorter than this lets a release move on, or end, before
 * its alarms could fire.
 */
export function alarmWindowMinutes(): number {
    return Math.max(...Object.values(DEPLOYMENT_ALARMS).map((a) => Math.ceil((a.evaluationPeriods * a.periodSeconds) / 60)));
}

/** The physical name of a service's deployment alarm (`<prefix>-<service>-<alarm>`). */
export function deploymentAlarmName(prefix: string, service: string, alarm: DeploymentAlarm): string {
    return `${prefix}-${service}-${alarm}`;
}

/**
 * The bake times a release must hold for its alarms to fire in time, as [field, minutes] pairs
 * that fall short of the alarm window: the canary bake (the canary alone is exposed), each linear
 * step's bake, and the final bake (the old revision still runs, a rollback is a traffic shift).
 */
export function bakesShorterThanAlarms(r: Release): { field: "canaryBakeMinutes" | "stepBakeMinutes" | "bakeMinutes"; minutes: number }[] {
    if (!r.alarmRollback || !shiftsTraffic(r.strategy)) return [];
    const window = alarmWindowMinutes();
    const short: { field: "canaryBakeMinutes" | "stepBakeMinutes" | "bakeMinutes"; minutes: number }[] = [];
    if (r.strategy === "CANARY" && r.canaryPercent < 100 && r.canaryBakeMinutes < window) short.push({ field: "canaryBakeMinutes", minutes: r.canaryBakeMinutes });
    if (r.strategy === "LINEAR" && r.stepPercent < 100 && r.stepBakeMinutes < window) short.push({ field: "stepBakeMinutes", minutes: r.stepBakeMinutes });
    if (r.bakeMinutes < window) short.push({ field: "bakeMinutes", minutes: r.bakeMinutes });
    return short;
}

/**
 * How long `pulumi up` may wait on one service's release when it waits for steady state: the
 * provider waits for the ECS service deployment to reach a terminal state
 * (terraform-provider-aws internal/service/ecs/service.go statusServiceWaitForStable:
 * findDeploymentStatus for a new ECS-controller deployment) within the update timeout, 20 minutes
 * by default (resourceService Timeouts). A release's bake times alone can exceed that, so the
 * timeout is the traffic time plus `startMinutes` for the new tasks to start and pass their health
 * checks and for the old ones to drain, plus the default's 20 minutes of slack.
 */
export function releaseTimeoutMinutes(r: Release, startMinutes: number): number {
    return trafficMinutes(r) + startMinutes + 20;
}

/** Each service's strategy as the last deployment recorded it (the `releases` output), for the rules that judge a change of strategy. */
export function releaseStrategies(output: unknown): Record<string, string> {
    if (!output || typeof output !== "object") return {};
    return Object.fromEntries(
        Object.entries(output as Record<string, unknown>)
            .map(([name, r]) => [name, (r as { strategy?: unknown } | null)?.strategy])
            .filter((e): e is [string, string] => typeof e[1] === "string"),
    );
}
