/**
 * Which failover drills a stack can run, and why the others are absent: a drill is declared only
 * where it starts (FIS selects something) and where it can prove failover rather than cause an
 * outage. A plain module: it declares no resources. Used by components/drills.ts and `npm run plan`.
 */
import { percentSelected, percentSelectsOne } from "./fis";

export interface DrillStack {
    /** Each service and the instance count it runs with (the autoscaling floor). */
    services: { name: string; instances: number }[];
    /** The cache: its node count, and whether it fails over automatically (≥ 2 nodes, Multi-AZ). */
    cache: { nodes: number; failover: boolean };
    /** Percent of each service's tasks the task-loss drill stops. */
    taskLossPercent: number;
}

export type Verdict = { runs: true } | { runs: false; reason: string };

export interface DrillPlan {
    /** The FIS zone outage: every service must survive losing a zone, and so must the cache. */
    zoneOutage: Verdict;
    /** The FIS task loss, per service; declared when at least one service runs it. */
    taskLoss: { services: string[]; absent: { service: string; reason: string }[] };
    /** ElastiCache's own TestFailover of the primary: needs automatic failover. */
    cachePrimaryFailover: Verdict;
}

/** The drills this stack has, and the reason each absent one is absent. */
export function planDrills(s: DrillStack): DrillPlan {
    const single = s.services.filter((x) => x.instances < 2);
    const zoneReasons = [
        ...(single.length ? [`${single.map((x) => `${x.name} runs ${x.instances} instance`).join(", ")}: losing its zone is an outage of the service, not a failover (needs instances ≥ 2)`] : []),
        ...(!s.cache.failover ? [`the cache has ${s.cache.nodes} node without failover: cutting its zone is a cache outage with nothing to fail over to (needs cache.nodes ≥ 2)`] : []),
    ];
    const taskLoss = { services: [] as string[], absent: [] as { service: string; reason: string }[] };
    for (const x of s.services) {
        if (x.instances < 2) taskLoss.absent.push({ service: x.name, reason: `runs ${x.instances} task: stopping it is an outage, not a task loss (needs instances ≥ 2)` });
        else if (percentSelected(s.taskLossPercent, x.instances) >= x.instances)
            taskLoss.absent.push({ service: x.name, reason: `${s.taskLossPercent}% of ${x.instances} tasks is every task: stopping them all is an outage, not a task loss (lower drills.taskLossPercent below 100)` });
        else if (!percentSelectsOne(s.taskLossPercent, x.instances))
            taskLoss.absent.push({ service: x.name, reason: `${s.taskLossPercent}% of ${x.instances} tasks is less than one task, which FIS refuses (raise drills.taskLossPercent to at least ${Math.ceil(100 / x.instances)})` });
        else taskLoss.services.push(x.name);
    }
    return {
        zoneOutage: zoneReasons.length ? { runs: false, reason: zoneReasons.join("; ") } : { runs: true },
        taskLoss,
        cachePrimaryFailover: s.cache.failover
            ? { runs: true }
            : { runs: false, reason: `the cache has ${s.cache.nodes} node: TestFailover needs a replica and automatic failover (cache.nodes ≥ 2)` },
    };
}

/** One line per absent drill (and per service a present task loss leaves out), for `plan`. */
export function absentDrills(plan: DrillPlan): { drill: string; reason: string }[] {
    const out: { drill: string; reason: string }[] = [];
    if (!plan.zoneOutage.runs) out.push({ drill: "zone-outage", reason: plan.zoneOutage.reason });
    if (!plan.taskLoss.services.length) out.push({ drill: "task-loss", reason: plan.taskLoss.absent.map((a) => `${a.service} ${a.reason}`).join("; ") });
    else for (const a of plan.taskLoss.absent) out.push({ drill: `task-loss (${a.service})`, reason: a.reason });
    if (!plan.cachePrimaryFailover.runs) out.push({ drill: "cache-primary-failover", reason: plan.cachePrimaryFailover.reason });
    return out;
}

/**
 * The zone a zone outage takes down by default: the stack's first zone, unless that zone holds the
 * stack's only NAT gateway (network.natGateways single), whose loss cuts every zone's egress: a
 * single-zone dependency the stack chose, not a failover to prove.
 */
export function defaultDrillZone(stackZones: string[], natGateways: "perAz" | "single"): string {
    return natGateways === "single" && stackZones.length > 1 ? stackZones[1] : stackZones[0];
}
