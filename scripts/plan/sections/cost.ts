/** The monthly estimate, floor and ceiling per component, and what an edit adds. */
import { Run } from "../../../tests/harness";
import { DEFAULT_ASSUMPTIONS, Estimate, bomFromResources, difference, estimate } from "../../../lib/cost";
import { PriceError } from "../../../lib/prices";
import { Section, table } from "../section";

/** The monthly estimate of what a run declares; a PriceError names a missing price. */
export function estimateRun(run: Run): Estimate {
    return estimate(bomFromResources(run.outputs.region, run.resources), run.outputs.costAssumptions ?? DEFAULT_ASSUMPTIONS);
}

export const usd = (x: number) => `$${x.toFixed(2)}`;

/** What the estimate leaves out, as the plan and the README say it. */
export const NOT_INCLUDED =
    "data transfer between zones and to the internet, Atlas data transfer, taxes, support plans, the first three free dashboards, " +
    "the FIS log group and Container Insights' own performance log group (kept a day), traces the worker starts without a request, " +
    "requests that arrive with a sampled traceparent (recorded whatever the sample ratio), the load balancer's health checks if /health is traced; " +
    "Route 53 adds nothing (records in an existing zone, alias queries free)";
const signed = (x: number) => `${x >= 0 ? "+" : "−"}$${Math.abs(x).toFixed(2)}`;

export const cost: Section = (run) => {
    let e: Estimate;
    try {
        e = estimateRun(run);
    } catch (err) {
        if (err instanceof PriceError) return [`no estimate: ${err.message}`];
        throw err;
    }
    const lines = [
        ...table([
            ["component", "floor $/month", "ceiling $/month"],
            ...e.byComponent.map((c) => [c.component, usd(c.floor), usd(c.ceiling)]),
            ["total", usd(e.floor), usd(e.ceiling)],
        ]),
        "floor: every service at instances; ceiling: every service at maxInstances and Atlas at its auto-scaling maximum.",
        "usage priced from assumptions (cost.assumptions.*), not from what is declared:",
        ...e.lines.filter((l) => l.assumption).map((l) => `  ${l.component}: ${l.item}: ${l.assumption!.key} = ${l.assumption!.value.toLocaleString("en-US")} at $${l.assumption!.unitPrice} per ${l.assumption!.unit} → ${usd(l.floor)}`),
        ...e.estimates.map((x) => `estimate: ${x}`),
        ...(e.lines.some((l) => /^X-Ray/.test(l.item)) ? ["X-Ray's free tier is counted once per stack; stacks sharing an account share it."] : []),
        ...(e.lines.some((l) => /^log storage/.test(l.item)) ? ["log storage: the steady state at each group's retention, priced at the size ingested (CloudWatch bills it compressed): an upper bound."] : []),
        `not included: ${NOT_INCLUDED}.`,
        ...e.advice.map((a) => `advice: ${a}`),
    ];
    if (run.baseline) {
        try {
            const delta = difference(estimateRun(run.baseline), e);
            lines.push("this edit (--set) against the stack file:", ...table([["component", "floor", "ceiling"], ...delta.map((d) => [d.component, signed(d.floor), signed(d.ceiling)])]).map((l) => `  ${l}`));
        } catch (err) {
            if (!(err instanceof PriceError)) throw err;
        }
    }
    return lines;
};
