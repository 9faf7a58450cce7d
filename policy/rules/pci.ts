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

export const PCI: Rule[] = [pciAuditTrail, pciCustomerKeys, pciDatabaseUserPerService];
