/**
 * MongoDB connection-pool sizing: a plain module, no resources.
 *
 * Every task holds one driver pool per replica-set member, plus the driver's monitoring
 * connections to it. The worst case for a node is every task that can run at once — each
 * service's autoscaling ceiling times its release's peak percent (old and new tasks overlap: a
 * rolling update's maximumPercent, or 200 while a blue/green, linear or canary release runs both
 * revisions whole; lib/release.ts peakPercent) — each with a full pool. That must fit the tier's
 * per-node limit, less what Atlas reserves, less the headroom kept for operators, migrations and
 * tooling.
 */
import { ATLAS_RESERVED_CONNECTIONS, ATLAS_TIERS, ATLAS_TIER_CONNECTIONS, AtlasTier } from "./limits";

/** Connections the Node.js driver keeps to each server besides its pool (monitor + RTT). */
export const MONITORING_CONNECTIONS_PER_TASK = 2;
/** Below this pool size the gateway starves under load. */
export const MIN_POOL_SIZE = 10;
/** The driver's default, and the most the gateway is built to use. */
export const MAX_POOL_SIZE = 100;

export interface ServiceDemand {
    name: string;
    /** Autoscaling ceiling. */
    maxInstances: number;
    /**
     * The release's peak, as a percent of the ceiling (200 = old and new tasks side by side): a
     * rolling update's deployment.maximumPercent, 200 for a traffic-shifting strategy.
     */
    maximumPercent: number;
    /** Per-service override of maxPoolSize. */
    maxPoolSize?: number;
    minPoolSize?: number;
    maxConnecting?: number;
}

export interface PoolSizes {
    maxPoolSize: number;
    minPoolSize: number;
    maxConnecting: number;
}

export interface ServicePlan extends PoolSizes {
    name: string;
    /** Tasks that can hold connections at once. */
    peakTasks: number;
    /** Connections this service can hold on one node at its peak (every fleet). */
    peakConnections: number;
    overridden: boolean;
}

export interface ConnectionBudget {
    tier: AtlasTier;
    /** Present when sized for a node that is not an Atlas tier (BudgetRequest.node); `tier` is then not what limits. */
    node?: string;
    /** 2 when a standby's fleet is counted too (fleetsConnected): peakTasks are then both fleets'. Absent: one fleet. */
    fleets?: 2;
    /** The tier's per-node connection limit. */
    limit: number;
    reserved: number;
    headroom: number;
    /** Connections the application may use on one node. */
    budget: number;
    services: ServicePlan[];
    peakTasks: number;
    peakConnections: number;
    /** peakConnections as a share of the usable limit (limit − reserved). */
    utilization: number;
}

/**
 * A database node that is not an Atlas tier (a local stack's mongod): its connection limit, what
 * is kept for others, and the key that sets the limit (named when the pools do not fit).
 */
export interface NodeLimit {
    /** What the limit is called in messages, e.g. "mongod --maxConns 1000". */
    name: string;
    connections: number;
    reserved: number;
    /** The config key that raises the limit. */
    key: string;
}

export interface BudgetRequest {
    tier: AtlasTier;
    /** Size for this node instead of the tier's (a local stack). Default: the tier's limit and Atlas's reservation. */
    node?: NodeLimit;
    /**
     * Fleets of these services that connect to the same replica set at once: 1, or 2 when a warm
     * standby stack in a second region runs the same services up to the same ceilings
     * (fleetsConnected). Default 1.
     */
    fleets?: 1 | 2;
    /** Fraction of the usable limit the application may take, 0.1–1. */
    headroom: number;
    services: ServiceDemand[];
    /** Overrides for every service not overridden individually. */
    maxPoolSize?: number;
    minPoolSize?: number;
    maxConnecting?: number;
}

export class PoolBudgetError extends Error {
    constructor(message: string, readonly path: string) {
        super(message);
    }
}

export function peakTasks(s: Pick<ServiceDemand, "maxInstances" | "maximumPercent">): number {
    return Math.ceil((s.maxInstances * s.maximumPercent) / 100);
}

/**
 * How many fleets of the gateway's services connect to the one replica set: 2 on a stack that
 * has a warm standby in a second region (`regionLoss` on the primary) and on the standby itself
 * (`purpose: standby`). The standby scales up to the primary's ceilings, and around a failover (or
 * during a drill) both fleets are connected at once, to the same primary node, so each stack sizes
 * its pools for both; the two stacks then derive the same pool sizes from the same config.
 */
export function fleetsConnected(config: { purpose?: string; regionLoss?: unknown }): 1 | 2 {
    return config.regionLoss !== undefined || config.purpose === "standby" ? 2 : 1;
}

export function budgetFor(tier: AtlasTier, headroom: number, node?: NodeLimit): number {
    const [limit, reserved] = node ? [node.connections, node.reserved] : [ATLAS_TIER_CONNECTIONS[tier], ATLAS_RESERVED_CONNECTIONS];
    return Math.floor((limit - reserved) * headroom);
}

/** Derived companions of a max pool size: a small warm floor and a modest connection-storm limit. */
export function companions(maxPoolSize: number): Pick<PoolSizes, "minPoolSize" | "maxConnecting"> {
    return {
        minPoolSize: Math.floor(maxPoolSize / 10),
        maxConnecting: Math.min(8, Math.max(2, Math.floor(maxPoolSize / 16))),
    };
}

/**
 * Pool sizes for every service, or a PoolBudgetError naming the tier, its limit, the peak task
 * count, what would be left per task, and the smallest tier that fits.
 */
export function planConnections(req: BudgetRequest): ConnectionBudget {
    const node = req.node;
    const limit = node ? node.connections : ATLAS_TIER_CONNECTIONS[req.tier];
    const reserved = node ? node.reserved : ATLAS_RESERVED_CONNECTIONS;
    const budget = budgetFor(req.tier, req.headroom, node);
    const target = node ? node.name : `atlas.tier ${req.tier}`;
    const fleets = req.fleets ?? 1;
    const sized = req.services.map((s) => ({ ...s, peakTasks: peakTasks(s) * fleets, override: s.maxPoolSize ?? req.maxPoolSize }));
    const fixed = sized.filter((s) => s.override !== undefined);
    const free = sized.filter((s) => s.override === undefined);
    const perTask = (s: { override?: number }) => s.override! + MONITORING_CONNECTIONS_PER_TASK;
    const fixedConnections = fixed.reduce((n, s) => n + s.peakTasks * perTask(s), 0);
    const freeTasks = free.reduce((n, s) => n + s.peakTasks, 0);
    const totalTasks = sized.reduce((n, s) => n + s.peakTasks, 0);

    if (fixedConnections > budget || (free.length && budget - fixedConnections < freeTasks * (MIN_POOL_SIZE + MONITORING_CONNECTIONS_PER_TASK))) {
        const names = listNames(sized.map((s) => s.name)) + (fleets > 1 ? ` (in both regions: the primary's and the warm standby's, ${fleets} fleets)` : "");
        if (fixed.length) {
            const which = fixed.map((s) => `${s.name} ${s.override}`).join(", ");
            throw new PoolBudgetError(
                `does not fit ${target} (overrides: ${which}): ${names} can run ${totalTasks} tasks during a rollout, ` +
                    `needing ${fixedConnections + freeTasks * (MIN_POOL_SIZE + MONITORING_CONNECTIONS_PER_TASK)} connections per node ` +
                    `(overrides at their size, every other task at least ${MIN_POOL_SIZE} + ${MONITORING_CONNECTIONS_PER_TASK} monitoring), ` +
                    `but ${budget} are available (${fmt(limit)} − ${reserved} reserved, × ${req.headroom} headroom). ` +
                    `Lower the override, raise ${node ? node.key : "atlas.tier"} or lower ${node ? "instances" : "maxInstances"}.`,
                "pool",
            );
        }
        const left = Math.floor(budget / totalTasks) - MONITORING_CONNECTIONS_PER_TASK;
        if (node) {
            // The smallest limit at which every task gets the minimum pool.
            const floor = totalTasks * (MIN_POOL_SIZE + MONITORING_CONNECTIONS_PER_TASK);
            let needed = Math.ceil(floor / req.headroom) + node.reserved;
            while (budgetFor(req.tier, req.headroom, { ...node, connections: needed }) < floor) needed++;
            throw new PoolBudgetError(
                `allows ${fmt(limit)} connections per node (${node.name}); ${names} can run ${totalTasks} containers, ` +
                    `leaving ${Math.max(0, left)} connections each, below the minimum of ${MIN_POOL_SIZE}. Raise ${node.key} to at least ${needed}, or lower instances.`,
                node.key,
            );
        }
        const fits = ATLAS_TIERS.find((t) => Math.floor(budgetFor(t, req.headroom) / totalTasks) - MONITORING_CONNECTIONS_PER_TASK >= MIN_POOL_SIZE);
        throw new PoolBudgetError(
            `allows ${fmt(limit)} connections per node; ${names} can run ${totalTasks} tasks during a rollout ` +
                `(maxInstances × the release's peak: deployment.maximumPercent for a rolling update, 200% for blue/green, linear and canary), leaving ${Math.max(0, left)} connections each, below the minimum of ${MIN_POOL_SIZE}. ` +
                (fits ? `Use ${fits} or larger, or lower maxInstances.` : "No tier fits: lower maxInstances, or deployment.maximumPercent of a rolling service."),
            "atlas.tier",
        );
    }

    const derived = free.length ? Math.min(MAX_POOL_SIZE, Math.floor((budget - fixedConnections) / freeTasks) - MONITORING_CONNECTIONS_PER_TASK) : 0;
    const services: ServicePlan[] = sized.map((s) => {
        const maxPoolSize = s.override ?? derived;
        const c = companions(maxPoolSize);
        // Not clamped: a floor above the ceiling is the caller's to refuse (lib/config/ names the key).
        const minPoolSize = s.minPoolSize ?? req.minPoolSize ?? c.minPoolSize;
        const maxConnecting = s.maxConnecting ?? req.maxConnecting ?? c.maxConnecting;
        return {
            name: s.name,
            maxPoolSize,
            minPoolSize,
            maxConnecting,
            peakTasks: s.peakTasks,
            peakConnections: s.peakTasks * (maxPoolSize + MONITORING_CONNECTIONS_PER_TASK),
            overridden: s.override !== undefined,
        };
    });
    const peakConnections = services.reduce((n, s) => n + s.peakConnections, 0);
    return {
        tier: req.tier,
        ...(fleets === 2 ? { fleets } : {}),
        limit,
        ...(node ? { node: node.name } : {}),
        reserved,
        headroom: req.headroom,
        budget,
        services,
        peakTasks: totalTasks,
        peakConnections,
        utilization: peakConnections / (limit - reserved),
    };
}

function listNames(names: string[]): string {
    return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

function fmt(n: number): string {
    return n.toLocaleString("en-US");
}
