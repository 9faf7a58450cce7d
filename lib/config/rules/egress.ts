/** Rules of the tasks' path to the internet (`network.egress`, lib/egress.ts). */
import { EGRESS_MAX_DOMAINS, EGRESS_RULE_GROUP_CAPACITY, isIpHost } from "../../egress";
import { egressDomains, Resolved, runsServices } from "../resolve";
import { Problem } from "../problems";

export function egressProblems(c: Resolved): Problem[] {
    const problems: Problem[] = [];
    if (!runsServices(c) || c.network.egress.mode !== "firewall") return problems;
    const add = (path: string, message: string, value: unknown, ...reads: string[]) => problems.push({ path, message, value, reads });
    const domains = egressDomains(c);
    if (domains.length > EGRESS_MAX_DOMAINS)
        add("network.egress.allowedDomains", `holds ${domains.length} domains with those the program derives; the firewall's domain list (capacity ${EGRESS_RULE_GROUP_CAPACITY}, fixed at creation) takes at most ${EGRESS_MAX_DOMAINS}: use a leading dot (.example.com) for a domain and its subdomains`, c.network.egress.allowedDomains.length, "network.egress.mode");
    const otlp = c.observability.tracing ? c.observability.otlpEndpoint : undefined;
    if (otlp && isIpHost(otlp))
        add("observability.otlpEndpoint", "names an IP address: the egress firewall passes only the domains on its list (TLS server name or HTTP Host), so traces to it would be dropped; use the endpoint's DNS name, or network.egress.mode nat", otlp, "network.egress.mode");
    return problems;
}
