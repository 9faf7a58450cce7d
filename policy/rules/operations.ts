/** Operations: the failover drills, enforced in prod. */
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

export const OPERATIONS: Rule[] = [drills];
