/**
 * What a stack costs per month, at its floor (every service at `instances`) and at its autoscaling
 * ceiling (every service at `maxInstances`, Atlas at its auto-scaling maximum), from a bill of
 * materials: the billable things the program declares. A plain module: it declares nothing.
 *
 * The bill of materials is read from the resources a run records (`bomFromResources`, what the
 * plan prices) or, for the budget check that must run before anything is declared, from the
 * validated config (`bomFromConfig`); the tests hold the two equal for every stack.
 *
 *   assumptions.ts  the usage a stack is priced at (cost.assumptions) and the bill of materials' shape
 *   estimate.ts     the monthly estimate, floor and ceiling per component, and advice
 *   usage.ts        the usage-derived quantities (metrics, backups, log storage, traces, drill minutes) and the difference of two estimates
 *   bom.ts          the bill of materials read from the resources a run records
 */
export { HOURS_PER_MONTH, DAYS_PER_MONTH, CONTAINER_INSIGHTS_METRICS, TARGET_TRACKING_ALARMS_PER_POLICY, DEFAULT_ASSUMPTIONS } from "./assumptions";
export type { CostAssumptions, Bom } from "./assumptions";
export { estimate } from "./estimate";
export type { CostLine, Estimate } from "./estimate";
export { containerInsightsMetrics, atlasBackupGb, logStoredGb, xrayCost, actionMinutes, isoDurationMinutes, difference } from "./usage";
export { bomFromResources } from "./bom";
export type { PricedResource } from "./bom";
export { PriceError } from "../prices";
