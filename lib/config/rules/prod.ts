import { SERVICE_NAMES } from "../constants";
import { Resolved, runsServices } from "../resolve";
import { formatPath, Problem } from "../problems";

/**
 * What prod requires on top of every other rule: the Production HA Checklist and the PCI DSS
 * requirements the stack's config decides. Each problem names the checklist item or requirement.
 */
export function prodProblems(c: Resolved): Problem[] {
    const problems: Problem[] = [];
    const add = (path: string, message: string, value: unknown, ...reads: string[]) => problems.push({ path, message, value, reads });
    const ha = (path: string, ok: boolean, rule: string, item: string, value: unknown) =>
        !ok && add(path, `${rule} in prod (HA checklist: ${item})`, value, "environment");
    // A warm standby serves nothing while passive: the checklist holds for what it scales to when it
    // takes over (its ceilings, the primary's), and the failover runbook raises its floor first.
    const count = c.purpose === "standby" ? "maxInstances" : "instances";
    ha(`admin.${count}`, c.admin[count] >= 2, "must be at least 2", "two admin backend instances", c.admin[count]);
    ha(`main.${count}`, c.main[count] >= 2, "must be at least 2", "two main backend instances", c.main[count]);
    ha(`worker.${count}`, c.worker[count] >= 2, "must be at least 2", "no single PDF worker", c.worker[count]);
    // A release that starts, passes /health and then fails payments must not reach every customer.
    for (const name of ["admin", "main"] as const)
        if ((c.purpose === "gateway" || c.purpose === "standby") && !c[name].release.alarmRollback)
            add(`${name}.release.alarmRollback`, "must be true in prod: a release that passes its health checks but answers 5xx or slowly is rolled back by its deployment alarms", c[name].release.alarmRollback, "environment");
    ha("network.azCount", c.network.azCount >= 3, "must be at least 3", "three availability zones", c.network.azCount);
    ha("network.natGateways", c.network.natGateways === "perAz", "must be perAz", "no zone depends on another zone's NAT gateway", c.network.natGateways);
    ha("cache.nodes", c.cache.nodes >= 2, "must be at least 2", "a cache with automatic failover", c.cache.nodes);
    ha("cache.snapshotRetentionDays", c.cache.snapshotRetentionDays >= 1, "must be at least 1", "automated backups", c.cache.snapshotRetentionDays);
    ha("atlas.pointInTimeRestore", c.atlas.pointInTimeRestore, "must be true", "automated backups", c.atlas.pointInTimeRestore);
    ha("atlas.privateLink", c.atlas.privateLink, "must be true", "the database is reached only over PrivateLink", c.atlas.privateLink);
    ha("loadBalancer.accessLogs", c.loadBalancer.accessLogs, "must be true", "an audit trail of every request the load balancer answers", c.loadBalancer.accessLogs);
    ha("loadBalancer.deletionProtection", c.loadBalancer.deletionProtection, "must be true", "the load balancer cannot be deleted by accident", c.loadBalancer.deletionProtection);
    ha("observability.tracing", c.observability.tracing, "must be true", "OpenTelemetry connected", c.observability.tracing);
    // A ratio of 0 makes parentbased_traceidratio record no new trace: tracing on in name only.
    ha("observability.traceSampleRatio", c.observability.traceSampleRatio > 0, "must be above 0", "OpenTelemetry connected", c.observability.traceSampleRatio);
    ha("drills.enabled", c.drills.enabled, "must be true", "failover drills that prove the checklist holds, guarded by stop conditions", c.drills.enabled);
    ha("loadBalancer.healthCheck.path", c.loadBalancer.healthCheck.path === "/health", "must be /health", "load balancer health checks on /health", c.loadBalancer.healthCheck.path);
    if (runsServices(c) && !c.observability.alarmEmails.length)
        add("observability.alarmEmails", "must list at least one address in prod: otherwise every alarm notifies nobody (each address must then confirm the SNS subscription e-mail AWS sends it)", c.observability.alarmEmails);
    ha("loadBalancer.waf.enabled", c.loadBalancer.waf.enabled, "must be true", "a web application firewall in front of the gateway", c.loadBalancer.waf.enabled);
    const pci = (path: string, ok: boolean, rule: string, requirement: string, value: unknown) =>
        !ok && add(path, `${rule} in prod (PCI DSS ${requirement})`, value);
    pci("loadBalancer.waf.logRetentionDays", c.loadBalancer.waf.logRetentionDays >= 365, "must be at least 365", "10.5.1: audit log history kept at least 12 months", c.loadBalancer.waf.logRetentionDays);
    // PCI DSS 1.3.1/1.4.2: inbound to the admin console restricted to what is necessary.
    if (runsServices(c) && !c.admin.allowedCidrs.length)
        add("admin.allowedCidrs", "must list the networks allowed to reach admin.<domain> in prod (PCI DSS 1.4.2: the admin console is not open to the internet); e.g. your VPN's or office's egress ranges", c.admin.allowedCidrs);
    for (const [i, range] of c.admin.allowedCidrs.entries())
        if (range.endsWith("/0")) add(formatPath(["admin", "allowedCidrs", i]), "must not allow every address in prod (PCI DSS 1.4.2): name the networks that administer the gateway", range);
    pci("security.atlasCustomerKey", c.security.atlasCustomerKey, "must be true", "3.5.1/3.6: stored account data encrypted under keys this account controls", c.security.atlasCustomerKey);
    if (runsServices(c)) {
        pci("network.egress.mode", c.network.egress.mode === "firewall", "must be firewall", "1.3.2: outbound traffic from the cardholder data environment restricted to what is necessary", c.network.egress.mode);
        if (c.network.egress.mode === "firewall")
            pci("network.egress.logRetentionDays", c.network.egress.logRetentionDays >= 365, "must be at least 365", "10.5.1: audit log history kept at least 12 months", c.network.egress.logRetentionDays);
        pci("security.flowLogs", c.security.flowLogs, "must be true", "10.2.1 and 1.2: a record of the traffic in and out of the cardholder data environment", c.security.flowLogs);
        pci("security.flowLogRetentionDays", c.security.flowLogRetentionDays >= 365, "must be at least 365", "10.5.1: audit log history kept at least 12 months", c.security.flowLogRetentionDays);
        for (const name of SERVICE_NAMES)
            pci(`${name}.logRetentionDays`, c[name].logRetentionDays >= 365, "must be at least 365", "10.5.1: audit log history kept at least 12 months", c[name].logRetentionDays);
    }
    if (runsServices(c) && !c.loadBalancer.accessLogsBucket) {
        pci("loadBalancer.accessLogsObjectLock", c.loadBalancer.accessLogsObjectLock, "must be true", "10.3.2/10.3.3: audit logs protected from modification and deletion", c.loadBalancer.accessLogsObjectLock);
        pci("loadBalancer.accessLogsRetentionDays", c.loadBalancer.accessLogsRetentionDays >= 365, "must be at least 365", "10.5.1: audit log history kept at least 12 months", c.loadBalancer.accessLogsRetentionDays);
    }
    pci("atlas.auditing", c.atlas.auditing, "must be true", "10.2.1: audit logs of access to cardholder data", c.atlas.auditing);
    return problems;
}
