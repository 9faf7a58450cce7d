/** PCI DSS v4 (prod): the audit trail and encryption an assessor looks for. */
import { containersOf, finding, ofType, parseJson, Resource, Rule, T } from "./common";

const retained = (g: Resource) => g.props.retentionInDays === undefined || (g.props.retentionInDays !== 0 && g.props.retentionInDays >= 365);

const pciAuditTrail: Rule = {
    id: "pci-audit-trail",
    title: "audit logs generated, protected and kept a year (PCI DSS 10.2, 10.3, 10.5.1)",
    kind: "pci",
    check(rs) {
        const v: string[] = [];
        const clusters = ofType(rs, T.cluster);
        const audits = ofType(rs, T.auditing);
        if (clusters.length && !audits.some((a) => a.props.enabled === true)) v.push("no Atlas database auditing");
        for (const a of audits) {
            const audited: string[] = parseJson(a.props.auditFilter)?.atype?.$in ?? [];
            for (const needed of ["authenticate", "authCheck", "createUser", "dropUser", "grantRolesToUser", "createRole", "dropCollection", "dropDatabase"])
                if (a.props.auditFilter !== undefined && !audited.includes(needed)) v.push(`${a.name}: the audit filter omits ${needed}`);
        }
        for (const acl of ofType(rs, T.webAcl)) if (!ofType(rs, T.wafLogging).length) v.push(`${acl.name}: the WAF keeps no log`);
        if (ofType(rs, T.vpc).length && !ofType(rs, T.flowLog).some((f) => f.props.trafficType === "ALL")) v.push("no VPC flow log of all traffic");
        // The failover drills' FIS log records experiments, not access to the environment: not judged.
        for (const g of ofType(rs, T.logGroup).filter((x) => !String(x.props.name ?? "").startsWith("/aws/vendedlogs/fis/"))) {
            if (!g.props.kmsKeyId) v.push(`${g.name}: log group not under a customer-managed key`);
            if (!retained(g)) v.push(`${g.name}: kept ${g.props.retentionInDays} days, less than a year`);
        }
        for (const b of ofType(rs, T.bucket)) if (!ofType(rs, T.objectLock).some((l) => l.props.rule?.defaultRetention?.mode === "COMPLIANCE")) v.push(`${b.name}: access logs without Object Lock in compliance mode`);
        for (const t of ofType(rs, T.topic)) if (!t.props.kmsMasterKeyId) v.push(`${t.name}: alarm topic under an AWS-owned key`);
        return finding(v, "Atlas auditing, WAF and VPC flow logs, log groups under a CMK kept 365+ days, access logs under Object Lock");
    },
};

const pciCustomerKeys: Rule = {
    id: "pci-customer-managed-keys",
    title: "stored account data under keys this account controls (PCI DSS 3.5.1)",
    kind: "pci",
    check(rs) {
        const v: string[] = [];
        for (const c of ofType(rs, T.cluster)) if (c.props.encryptionAtRestProvider !== "AWS") v.push(`${c.props.name}: Atlas encryption at rest under Atlas's keys only`);
        if (ofType(rs, T.cluster).some((c) => c.props.encryptionAtRestProvider === "AWS") && !ofType(rs, T.encryptionAtRest).some((e) => e.props.awsKmsConfig?.enabled)) v.push("no Atlas customer key configuration");
        return finding(v, "the Atlas cluster encrypts at rest under this stack's KMS key");
    },
};

const DROPS = ["aws:drop_established", "aws:drop_strict"];

const pciControlledEgress: Rule = {
    id: "pci-controlled-egress",
    title: "the tasks reach only listed domains on the internet (PCI DSS 1.3.2)",
    kind: "pci",
    check(rs) {
        const v: string[] = [];
        if (!ofType(rs, T.service).length) return finding(v, "no service, no egress to judge");
        const firewalls = ofType(rs, T.firewall);
        if (!firewalls.length) v.push("no egress firewall: the tasks reach any address through the NAT gateways (network.egress.mode nat)");
        for (const p of ofType(rs, T.firewallPolicy)) {
            const fp = p.props.firewallPolicy;
            if (!fp) continue;
            // Both are literals in the program, never unknown at preview. Without statefulEngineOptions
            // the policy is in action order (DEFAULT_ACTION_ORDER), which takes no stateful default
            // action; in strict order without one, what no rule matches is not dropped
            // (StatefulDefaultActions, "only valid when using the strict rule order", Network
            // Firewall API Reference, FirewallPolicy).
            if (fp.statefulEngineOptions?.ruleOrder !== "STRICT_ORDER") v.push(`${p.name}: not in strict order (${fp.statefulEngineOptions?.ruleOrder ?? "action order by default"}), so no default drop`);
            if (!(fp.statefulDefaultActions ?? []).some((a: string) => DROPS.includes(a))) v.push(`${p.name}: passes what no rule matches (stateful default ${JSON.stringify(fp.statefulDefaultActions ?? [])})`);
            if ((fp.statelessDefaultActions ?? ["aws:forward_to_sfe"]).includes("aws:pass")) v.push(`${p.name}: stateless default passes without stateful inspection`);
        }
        for (const g of ofType(rs, T.firewallRuleGroup)) {
            const list = g.props.ruleGroup?.rulesSource?.rulesSourceList;
            if (list && list.generatedRulesType !== undefined && list.generatedRulesType !== "ALLOWLIST") v.push(`${g.name}: a ${list.generatedRulesType} domain list, not an allow-list`);
        }
        // The route tables that send the internet to a NAT gateway: the firewall subnets' only, one per endpoint.
        const toNat = ofType(rs, T.routeTable).filter((t) => (t.props.routes ?? []).some((r: any) => r.cidrBlock === "0.0.0.0/0" && r.natGatewayId !== undefined));
        const endpoints = firewalls.reduce((n, f) => n + (f.props.subnetMappings?.length ?? 0), 0);
        if (firewalls.length && toNat.length > endpoints) v.push(`${toNat.length} route tables send the internet straight to a NAT gateway, more than the firewall's ${endpoints} subnets: some subnet bypasses the firewall`);
        const logging = ofType(rs, T.firewallLogging).flatMap((l) => (l.props.loggingConfiguration?.logDestinationConfigs ?? []).map((d: any) => d.logType));
        if (firewalls.length && ofType(rs, T.firewallLogging).length && !(logging.includes("ALERT") && logging.includes("FLOW"))) v.push("the firewall logs neither its drops (ALERT) nor its flows (FLOW)");
        if (firewalls.length && !ofType(rs, T.firewallLogging).length) v.push("the firewall keeps no log");
        return finding(v, "private subnets → Network Firewall (domain allow-list, default drop, alert and flow logs) → NAT gateway");
    },
};

/**
 * With password database users, no two task definitions read the same MPG_DATABASE_URI secret: each
 * service logs in as its own user (PCI DSS 7.2.5 least privilege, 8.2.1 unique IDs). IAM users
 * (awsIamType) are per task role already; an ARN not known yet (a preview) is not judged.
 */
const pciDatabaseUserPerService: Rule = {
    id: "pci-database-user-per-service",
    title: "a database user per service (PCI DSS 7.2.5, 8.2.1)",
    kind: "pci",
    check(rs) {
        const v: string[] = [];
        if (ofType(rs, T.databaseUser).some((u) => u.props.password !== undefined && !u.props.awsIamType)) {
            const readers = new Map<string, string>();
            for (const td of ofType(rs, T.taskDefinition))
                for (const c of containersOf(td) ?? [])
                    for (const s of c.secrets ?? []) {
                        if (s.name !== "MPG_DATABASE_URI" || typeof s.valueFrom !== "string") continue;
                        const other = readers.get(s.valueFrom);
                        if (other && other !== td.name) v.push(`${other} and ${td.name} read the same MPG_DATABASE_URI (${s.valueFrom}): one database user for two services`);
                        else readers.set(s.valueFrom, td.name);
                    }
        }
        return finding(v, "each service's task definition reads its own MPG_DATABASE_URI, naming its own database user");
    },
};

export const PCI: Rule[] = [pciAuditTrail, pciCustomerKeys, pciControlledEgress, pciDatabaseUserPerService];
