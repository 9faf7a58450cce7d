/**
 * The architecture as a Mermaid flowchart, drawn from what the program registers (the recorded
 * resources of a run), never from names: listener rules → target groups → services, security-group
 * ingress rules (who may reach whom, on which port), PrivateLink, the secrets each service reads,
 * the alarms' topic. Zones are drawn where they matter: subnets and NAT gateways. Output is
 * deterministic (sorted, stable ids), so a diff of two diagrams is the diff of the edit.
 */
import type { Run } from "../tests/harness";

interface Node {
    id: string;
    label: string;
    shape: "box" | "round" | "circle" | "db" | "hex";
    group?: string;
}
interface Edge {
    from: string;
    to: string;
    label?: string;
    dotted?: boolean;
}

const SHAPES: Record<Node["shape"], [string, string]> = { box: ["[", "]"], round: ["(", ")"], circle: ["((", "))"], db: ["[(", ")]"], hex: ["{{", "}}"] };

/** Mermaid text may not hold a double quote inside a quoted label. */
const text = (s: string) => s.replace(/"/g, "#quot;");
const idOf = (prefix: string, name: string) => `${prefix}_${name.replace(/[^A-Za-z0-9]/g, "_")}`;

export function renderDiagram(run: Run): string {
    const nodes = new Map<string, Node>();
    const edges: Edge[] = [];
    const groups = new Map<string, string>();
    const add = (n: Node) => nodes.set(n.id, n);
    const of = (type: string) => run.ofType(type);
    const sgOwner = new Map<string, string>();

    add({ id: "internet", label: "internet", shape: "circle" });

    // Zones: subnets and NAT gateways, by the zone each subnet is in.
    const subnets = of("aws:ec2/subnet:Subnet");
    const zoneOf = new Map<string, string>(subnets.map((s) => [s.id, String(s.inputs.availabilityZone)]));
    for (const zone of [...new Set(zoneOf.values())].sort()) groups.set(idOf("zone", zone), `zone ${zone}`);
    for (const s of subnets) add({ id: idOf("subnet", s.name), label: `${s.inputs.tags.tier} subnet ${s.inputs.cidrBlock}`, shape: "box", group: idOf("zone", zoneOf.get(s.id)!) });
    for (const nat of of("aws:ec2/natGateway:NatGateway")) {
        const subnet = subnets.find((s) => s.id === nat.inputs.subnetId)!;
        add({ id: idOf("nat", nat.name), label: "NAT gateway", shape: "round", group: idOf("zone", zoneOf.get(subnet.id)!) });
        edges.push({ from: idOf("nat", nat.name), to: "internet", label: "egress", dotted: true });
    }
    // The egress firewall's endpoints: in their subnet's zone; a private subnet routes to its zone's.
    const firewall = of("aws:networkfirewall/firewall:Firewall")[0];
    const attachments: { subnetId: string; endpointId: string }[] = firewall?.outputs.firewallStatuses?.[0]?.syncStates?.flatMap((s: any) => s.attachments) ?? [];
    for (const a of attachments) add({ id: idOf("fwe", a.endpointId), label: "firewall endpoint (domain allow-list)", shape: "round", group: idOf("zone", zoneOf.get(a.subnetId)!) });
    for (const table of of("aws:ec2/routeTable:RouteTable")) {
        const endpoint = table.inputs.routes?.length === 1 ? table.inputs.routes[0].vpcEndpointId : undefined;
        if (!endpoint || !attachments.some((a) => a.endpointId === endpoint)) continue;
        for (const assoc of of("aws:ec2/routeTableAssociation:RouteTableAssociation").filter((a) => a.inputs.routeTableId === table.id)) {
            const subnet = subnets.find((s) => s.id === assoc.inputs.subnetId);
            if (subnet) edges.push({ from: idOf("subnet", subnet.name), to: idOf("fwe", endpoint), label: "0.0.0.0/0", dotted: true });
        }
    }
    for (const table of of("aws:ec2/routeTable:RouteTable")) {
        const natId = table.inputs.routes?.[0]?.natGatewayId;
        const nat = natId && of("aws:ec2/natGateway:NatGateway").find((n) => n.id === natId);
        if (!nat) continue;
        for (const assoc of of("aws:ec2/routeTableAssociation:RouteTableAssociation").filter((a) => a.inputs.routeTableId === table.id)) {
            const subnet = subnets.find((s) => s.id === assoc.inputs.subnetId);
            if (subnet) edges.push({ from: idOf("subnet", subnet.name), to: idOf("nat", nat.name), label: "0.0.0.0/0", dotted: true });
        }
    }

    // The load balancer, its listeners and host rules.
    const alb = of("aws:lb/loadBalancer:LoadBalancer")[0];
    if (alb) {
        const waf = of("aws:wafv2/webAclAssociation:WebAclAssociation").some((w) => w.inputs.resourceArn === alb.outputs.arn);
        add({ id: "alb", label: `Application Load Balancer${waf ? " + WAF" : ""}${alb.inputs.accessLogs?.enabled ? " · access logs" : ""}`, shape: "hex" });
        for (const sg of alb.inputs.securityGroups ?? []) sgOwner.set(sg, "alb");
        for (const l of of("aws:lb/listener:Listener").filter((l) => l.inputs.loadBalancerArn === alb.outputs.arn)) {
            const id = idOf("listener", String(l.inputs.port));
            const what = l.inputs.protocol === "HTTPS" ? `HTTPS ${l.inputs.port} · ${l.inputs.sslPolicy} · else 404` : `HTTP ${l.inputs.port} → 301 HTTPS`;
            add({ id, label: what, shape: "box" });
            edges.push({ from: "alb", to: id });
        }
        for (const rule of of("aws:lb/listenerRule:ListenerRule")) {
            const listener = of("aws:lb/listener:Listener").find((l) => l.outputs.arn === rule.inputs.listenerArn);
            const host = rule.inputs.conditions.find((c: any) => c.hostHeader)?.hostHeader.values.join(",");
            const from = rule.inputs.conditions.find((c: any) => c.sourceIp)?.sourceIp.values.join(", ");
            const id = idOf("rule", rule.name);
            add({ id, label: `${host} · priority ${rule.inputs.priority}${from ? ` · from ${from}` : ""}`, shape: "box" });
            if (listener) edges.push({ from: idOf("listener", String(listener.inputs.port)), to: id });
            // A plain forward, or the weighted forward of a release (ECS moves the weights between the groups).
            const action = rule.inputs.actions[0];
            const weighted: { arn: string; weight: number }[] = action.forward?.targetGroups ?? [];
            for (const group of of("aws:lb/targetGroup:TargetGroup").filter((g) => g.outputs.arn === action.targetGroupArn || weighted.some((w) => w.arn === g.outputs.arn)))
                edges.push({ from: id, to: idOf("tg", group.name), ...(weighted.length ? { label: "weighted (ECS release)" } : {}) });
        }
        for (const g of of("aws:lb/targetGroup:TargetGroup")) {
            const st = g.inputs.stickiness;
            add({ id: idOf("tg", g.name), label: `target group ${g.name} · ${g.inputs.healthCheck.path} · ${st?.enabled ? `sticky ${st.type}` : "not sticky"}`, shape: "box" });
        }
    }

    // The services, by what their ECS service and task definition say.
    const definitions = of("aws:ecs/taskDefinition:TaskDefinition");
    const secrets = of("aws:secretsmanager/secret:Secret");
    for (const svc of of("aws:ecs/service:Service")) {
        const id = idOf("svc", svc.inputs.tags?.service ?? svc.name);
        const td = definitions.find((d) => d.outputs.arn === svc.inputs.taskDefinition);
        const scaler = of("aws:appautoscaling/target:Target").find((t) => String(t.inputs.resourceId).endsWith(`/${svc.outputs.name}`));
        const range = scaler ? `${scaler.inputs.minCapacity}–${scaler.inputs.maxCapacity}` : `${svc.inputs.desiredCount}`;
        add({ id, label: `${svc.inputs.tags?.service ?? svc.name} · ${range} tasks · ${td?.inputs.cpu} CPU / ${td?.inputs.memory} MiB · ${td?.inputs.runtimePlatform?.cpuArchitecture ?? ""}`, shape: "round" });
        for (const sg of svc.inputs.networkConfiguration?.securityGroups ?? []) sgOwner.set(sg, id);
        for (const lb of svc.inputs.loadBalancers ?? []) {
            for (const group of of("aws:lb/targetGroup:TargetGroup").filter((g) => g.outputs.arn === lb.targetGroupArn || g.outputs.arn === lb.advancedConfiguration?.alternateTargetGroupArn))
                edges.push({ from: idOf("tg", group.name), to: id, label: `port ${lb.containerPort}` });
        }
        const containers = td ? JSON.parse(td.inputs.containerDefinitions) : [];
        for (const c of containers)
            for (const s of c.secrets ?? []) {
                const secret = secrets.find((x) => x.outputs.arn === s.valueFrom);
                if (secret) edges.push({ from: idOf("secret", secret.name), to: id, label: s.name, dotted: true });
            }
    }
    for (const s of secrets) add({ id: idOf("secret", s.name), label: `secret ${s.inputs.name}`, shape: "box", group: "secrets" });
    if (secrets.length) groups.set("secrets", "Secrets Manager (KMS)");

    // The data tier.
    const cluster = of("mongodbatlas:index/advancedCluster:AdvancedCluster")[0];
    if (cluster) {
        const configs: any[] = cluster.inputs.replicationSpecs[0].regionConfigs;
        const rc = configs[0];
        // A replica set across regions: every region's nodes.
        const where = configs.length > 1 ? configs.map((r) => `${r.regionName} ${r.electableSpecs.nodeCount}`).join(" + ") : rc.regionName;
        const nodes = configs.reduce((n, r) => n + r.electableSpecs.nodeCount, 0);
        add({ id: "atlas", label: `Atlas ${cluster.inputs.clusterType} · ${nodes} × ${rc.electableSpecs.instanceSize} · ${where}`, shape: "db" });
        for (const entry of of("mongodbatlas:index/projectIpAccessList:ProjectIpAccessList")) {
            const eip = of("aws:ec2/eip:Eip").find((e) => e.outputs.publicIp === entry.inputs.ipAddress);
            const nat = eip && of("aws:ec2/natGateway:NatGateway").find((n) => n.inputs.allocationId === eip.id);
            if (nat) edges.push({ from: idOf("nat", nat.name), to: "atlas", label: `IP access list ${entry.inputs.ipAddress}` });
        }
        for (const service of of("mongodbatlas:index/privateLinkEndpointService:PrivateLinkEndpointService")) {
            const vpce = of("aws:ec2/vpcEndpoint:VpcEndpoint").find((v) => v.id === service.inputs.endpointServiceId);
            if (!vpce) continue;
            add({ id: "privatelink", label: "PrivateLink endpoint", shape: "hex" });
            for (const sg of vpce.inputs.securityGroupIds ?? []) sgOwner.set(sg, "privatelink");
            edges.push({ from: "privatelink", to: "atlas", label: "PrivateLink" });
        }
    }
    const cache = of("aws:elasticache/replicationGroup:ReplicationGroup")[0];
    if (cache) {
        const g = cache.inputs;
        add({ id: "cache", label: `ElastiCache ${g.engine} ${g.engineVersion} · ${g.numCacheClusters} × ${g.nodeType} · ${g.automaticFailoverEnabled ? "Multi-AZ failover" : "no failover"}`, shape: "db" });
        for (const sg of g.securityGroupIds ?? []) sgOwner.set(sg, "cache");
    }
    const endpoints = of("aws:ec2/vpcEndpoint:VpcEndpoint").filter((v) => v.inputs.vpcEndpointType === "Interface" && String(v.inputs.serviceName).startsWith("com.amazonaws.") && !String(v.inputs.serviceName).startsWith("com.amazonaws.vpce."));
    if (endpoints.length) {
        add({ id: "endpoints", label: `VPC endpoints: ${endpoints.map((e) => String(e.inputs.serviceName).split(".").slice(3).join(".")).sort().join(", ")}`, shape: "hex" });
        for (const e of endpoints) for (const sg of e.inputs.securityGroupIds ?? []) sgOwner.set(sg, "endpoints");
    }

    // Who may reach whom: the ingress rules, by security group.
    for (const rule of of("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")) {
        const to = sgOwner.get(rule.inputs.securityGroupId);
        if (!to) continue;
        const port = rule.inputs.fromPort === rule.inputs.toPort ? `${rule.inputs.fromPort}` : `${rule.inputs.fromPort}-${rule.inputs.toPort}`;
        const from = rule.inputs.referencedSecurityGroupId ? sgOwner.get(rule.inputs.referencedSecurityGroupId) : rule.inputs.cidrIpv4 === "0.0.0.0/0" ? "internet" : undefined;
        if (from) edges.push({ from, to, label: `tcp ${port}` });
        else if (rule.inputs.cidrIpv4) {
            const cidrId = idOf("cidr", rule.inputs.cidrIpv4);
            add({ id: cidrId, label: rule.inputs.cidrIpv4, shape: "round" });
            edges.push({ from: cidrId, to, label: `tcp ${port}` });
        }
    }

    // Alarms and their topic.
    const topic = of("aws:sns/topic:Topic")[0];
    if (topic) {
        const alarms = of("aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => (a.inputs.alarmActions ?? []).includes(topic.outputs.arn));
        add({ id: "alarms", label: `${alarms.length} CloudWatch alarms`, shape: "box" });
        add({ id: "topic", label: `SNS ${topic.inputs.name}`, shape: "round" });
        edges.push({ from: "alarms", to: "topic", label: "notify" });
        const drills = of("aws:fis/experimentTemplate:ExperimentTemplate");
        if (drills.length) {
            add({ id: "drills", label: `FIS drills: ${drills.map((d) => d.inputs.tags.drill).sort().join(", ")}`, shape: "box" });
            edges.push({ from: "alarms", to: "drills", label: "stop", dotted: true });
        }
    }
    return toMermaid([...nodes.values()], edges, groups);
}

function toMermaid(nodes: Node[], edges: Edge[], groups: Map<string, string>): string {
    const def = (n: Node) => `${n.id}${SHAPES[n.shape][0]}"${text(n.label)}"${SHAPES[n.shape][1]}`;
    const sorted = [...nodes].sort((a, b) => a.id.localeCompare(b.id));
    const lines = ["flowchart LR"];
    for (const [id, label] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        lines.push(`    subgraph ${id}["${text(label)}"]`);
        for (const n of sorted.filter((n) => n.group === id)) lines.push(`        ${def(n)}`);
        lines.push("    end");
    }
    for (const n of sorted.filter((n) => !n.group)) lines.push(`    ${def(n)}`);
    const unique = new Map(edges.map((e) => [`${e.from}|${e.to}|${e.label ?? ""}|${e.dotted ? 1 : 0}`, e]));
    for (const e of [...unique.values()].sort((a, b) => `${a.from} ${a.to} ${a.label}`.localeCompare(`${b.from} ${b.to} ${b.label}`)))
        lines.push(`    ${e.from} ${e.dotted ? "-.->" : "-->"}${e.label ? `|"${text(e.label)}"|` : ""} ${e.to}`);
    return lines.join("\n");
}
