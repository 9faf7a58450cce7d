/** Operations: the failover drills, and where a simulated region outage may live; enforced in prod. */
import { finding, ofType, Rule, T } from "./common";

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

export const OPERATIONS: Rule[] = [drills, outageAlone];
