/** The failover drills this stack can run, what one run costs, and the ones it cannot. */
import { SERVICE_NAMES, validateConfig } from "../../../lib/config";
import { rawConfigFrom } from "../../../lib/stackConfig";
import { absentDrills, planDrills } from "../../../lib/drills";
import { Estimate } from "../../../lib/cost";
import { PriceError } from "../../../lib/prices";
import { RecordedResource } from "../../../tests/harness";
import { Section, table } from "../section";
import { estimateRun, usd } from "./cost";

export const drillsSection: Section = (run) => {
    const templates = [...run.ofType("aws:fis/experimentTemplate:ExperimentTemplate")].sort((a, b) => a.name.localeCompare(b.name));
    const outputs = run.outputs.drills ?? {};
    if (!Object.keys(outputs).length) return ["off (drills.enabled false): nothing proves the HA checklist under failure"];
    const alarmNames = (arns: string[]) => arns.map((a) => a.split(":alarm:")[1] ?? a).join(", ");
    const describe = (t: RecordedResource) => {
        const zone = [...t.inputs.targets].flatMap((x: any) => [x.parameters?.availabilityZoneIdentifier, ...(x.filters ?? []).flatMap((f: any) => f.values)]).find(Boolean);
        const duration = t.inputs.actions.flatMap((a: any) => a.parameters ?? []).find((p: any) => p.key === "duration")?.value;
        const what = t.inputs.actions.map((a: any) => {
            const target = t.inputs.targets.find((x: any) => x.name === a.target.value);
            const which = target.parameters?.service ?? (target.resourceType === "aws:ec2:subnet" ? "every subnet of the VPC in the zone" : target.name);
            return `${a.actionId.split(":").slice(1).join(":")} → ${which} (${target.selectionMode})`;
        });
        return [t.inputs.tags.drill, zone ?? "every zone", duration ?? "instant", t.inputs.experimentOptions?.emptyTargetResolutionMode ?? "fail", what.join("; ")];
    };
    // Why the stack has no more: from its config, as the program decided (lib/drills.ts).
    const c = validateConfig(rawConfigFrom(run.config.values), run.config.values["aws:region"], run.stack);
    const absent = absentDrills(planDrills({ services: SERVICE_NAMES.map((name) => ({ name, instances: c[name].instances })), cache: { nodes: c.cache.nodes, failover: c.cache.failover }, taskLossPercent: c.drills.taskLossPercent }));
    const commands = Object.entries<any>(outputs).flatMap(([name, d]) => [`${name}: ${d.start}`, ...(d.zonalShift ? [`${name} zonal shift (traffic away from the zone): ${d.zonalShift.start}`] : [])]);
    // What one run costs (FIS action-minutes), when the region is priced.
    let runs: Estimate["drillRuns"] = [];
    try {
        runs = estimateRun(run).drillRuns;
    } catch (err) {
        if (!(err instanceof PriceError)) throw err;
    }
    const oneRun = (t: RecordedResource) => {
        const r = runs.find((x) => x.name === t.inputs.tags.drill);
        return r ? `${usd(r.usd)} (${r.actionMinutes} action-min)` : "unpriced";
    };
    const row = (t: RecordedResource) => {
        const [drill, zone, duration, empty, what] = describe(t);
        return [drill, zone, duration, oneRun(t), empty, what];
    };
    return [
        ...(templates.length ? table([["drill", "zone", "duration", "one run", "empty target", "actions → targets"], ...templates.map(row)]) : ["no FIS drill: nothing this stack runs survives losing a zone or a task"]),
        ...absent.map((a) => `absent: ${a.drill}: ${a.reason}`),
        ...(templates.length
            ? [
                  `stop conditions (each drill): ${alarmNames(templates[0].inputs.stopConditions.map((c: any) => c.value))}`,
                  `logs: ${run.ofType("aws:cloudwatch/logGroup:LogGroup").find((g) => String(g.inputs.name).startsWith("/aws/vendedlogs/fis/"))?.inputs.name}`,
              ]
            : []),
        ...commands,
    ];
};
