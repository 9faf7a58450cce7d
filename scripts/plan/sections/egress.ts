/** How the tasks reach the internet: straight through the NAT gateways, or through the egress firewall and the domains it passes. */
import { egressDomains, validateConfig } from "../../../lib/config";
import { rawConfigFrom } from "../../../lib/stackConfig";
import { Section, table } from "../section";

export const egress: Section = (run) => {
    if (!run.ofType("aws:ecs/service:Service").length) return [];
    const firewall = run.ofType("aws:networkfirewall/firewall:Firewall")[0];
    if (!firewall) return ["tasks → NAT gateway → internet: HTTPS to any address (network.egress.mode nat); security groups limit the ports, nothing limits the destinations"];
    const group = run.ofType("aws:networkfirewall/ruleGroup:RuleGroup")[0];
    const policy = run.ofType("aws:networkfirewall/firewallPolicy:FirewallPolicy")[0];
    const targets: string[] = group?.inputs.ruleGroup.rulesSource.rulesSourceList.targets ?? [];
    const c = validateConfig(rawConfigFrom(run.config.values), run.config.values["aws:region"], run.stack);
    const why = new Map(egressDomains(c).map((d) => [d.domain, d.why]));
    return [
        `tasks → firewall endpoint of their zone (${firewall.inputs.subnetMappings.length} zones) → NAT gateway → internet; replies back the same way (network.egress.mode firewall)`,
        `passes HTTPS by TLS server name and HTTP by Host to ${targets.length} domains (${group?.inputs.ruleGroup.rulesSource.rulesSourceList.targetTypes.join(", ")}; capacity ${group?.inputs.capacity}); default: ${policy?.inputs.firewallPolicy.statefulDefaultActions.join(", ")}`,
        ...table([["domain", "why"], ...targets.map((d) => [d, why.get(d) ?? why.get(d.replace(/^\d{12}\.dkr\./, "<account>.dkr.")) ?? "?"])]),
        `logs: ${run.ofType("aws:cloudwatch/logGroup:LogGroup").filter((g) => String(g.inputs.name).startsWith("/aws/network-firewall/")).map((g) => `${g.inputs.name} (${g.inputs.retentionInDays} days)`).join(", ")}`,
    ];
};
