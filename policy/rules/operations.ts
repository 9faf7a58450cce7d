/** Operations: the failover drills, releases that roll back, and where a simulated region outage may live; enforced in prod. */
import { finding, ofType, Rule, T, tagged } from "./common";

const drills: Rule = {
    id: "failover-drills",
    title: "failover drills, each stopped by alarms and aimed at this stack only",
    kind: "operations",
    check(rs) {
        const templates = ofType(rs, T.fisTemplate);
        if (!templates.length) return finding(["no failover drill (FIS experiment template) is declared"], "no drills");
        const v: string[] = [];
        for (const t of templates) {
            const stops: any[] = t.props.stopConditions ?? [];
            if (!stops.length || stops.some((c) => c.source !== "aws:cloudwatch:alarm" || !c.value)) v.push(`${t.name}: every stop condition must be a CloudWatch alarm (none, or "none", lets a drill run on while customers feel it)`);
            for (const target of t.props.targets ?? []) {
                if (!target.resourceArns?.length && !target.resourceTags?.length && !Object.keys(target.parameters ?? {}).length) v.push(`${t.name}: target ${target.name} selects account-wide`);
                // ECS tasks: by this stack's cluster (and service), or by this stack's tag.
                if (target.resourceType === "aws:ecs:task" && !target.parameters?.cluster && !target.resourceTags?.length) v.push(`${t.name}: target ${target.name} is not limited to this stack's cluster`);
                // Subnets by resource parameters: only this stack's VPC.
                if (target.resourceType === "aws:ec2:subnet" && !target.resourceArns?.length && !target.resourceTags?.length && !target.parameters?.vpc) v.push(`${t.name}: target ${target.name} is not limited to this stack's VPC`);
            }
        }
        const stopCount = Math.min(...templates.map((t) => (t.props.stopConditions ?? []).length));
        return finding(v, `${templates.length} drills (${templates.map((t) => t.props.tags?.drill ?? t.name).join(", ")}), each stopped by ${stopCount}+ alarms`);
    },
};

/**
 * Atlas's simulated region outage starts when it is created and ends when it is destroyed
 * (mongodbatlas.ClusterOutageSimulation): declared in a gateway's stack, a `pulumi up` would leave
 * the stack's own cluster in an outage until someone removes it. Only a region drill stack, which
 * declares nothing else, may hold one.
 */
const outageAlone: Rule = {
    id: "region-outage-in-drill-stack-only",
    title: "a simulated region outage only in a region drill stack of its own",
    kind: "operations",
    check(rs) {
        const simulations = ofType(rs, T.outageSimulation);
        if (!simulations.length) return finding([], "no simulated region outage declared");
        const others = rs.filter((r) => r.type !== T.outageSimulation && !r.type.startsWith("pulumi:"));
        const v = others.length ? simulations.map((s) => `${s.name}: a simulated region outage in a stack that declares ${others.length} other resources (${[...new Set(others.map((o) => o.type))].slice(0, 3).join(", ")}…): declare it only in a region drill stack (purpose: region-drill)`) : [];
        return finding(v, `${simulations.length} simulated region outage${simulations.length > 1 ? "s" : ""}, alone in the stack`);
    },
};

/**
 * A release of admin or main that starts, passes /health and then fails payments is rolled back
 * by alarms (ECS deploymentConfiguration.alarms, enable and rollback): each names at least one
 * alarm, and every alarm it names is declared in this stack (ECS would watch a name nothing
 * reports to). An alarm name unknown before apply is not judged.
 */
const releaseRollback: Rule = {
    id: "release-alarm-rollback",
    title: "admin and main releases roll back on their alarms",
    kind: "operations",
    check(rs) {
        const declared = new Set(ofType(rs, T.alarm).map((a) => a.props.name).filter(Boolean));
        const v: string[] = [];
        const seen: string[] = [];
        for (const name of ["admin", "main"]) {
            const [service] = tagged(rs, T.service, name);
            if (!service) continue;
            const alarms = service.props.alarms;
            if (!alarms?.enable || !alarms.rollback || !alarms.alarmNames?.length) {
                v.push(`${name}: its releases do not roll back on alarms (deploymentConfiguration.alarms with enable and rollback)`);
                continue;
            }
            const missing = (alarms.alarmNames as (string | undefined)[]).filter((n) => n !== undefined && !declared.has(n));
            if (missing.length) v.push(`${name}: rolls back on ${missing.join(", ")}, which this stack does not declare`);
            seen.push(`${name} (${service.props.deploymentConfiguration?.strategy ?? "ROLLING"}) on ${alarms.alarmNames.length} alarms`);
        }
        return finding(v, seen.join("; "));
    },
};

export const OPERATIONS: Rule[] = [drills, releaseRollback, outageAlone];
