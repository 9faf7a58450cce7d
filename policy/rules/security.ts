/** Security rules: enforced on every stack. */
import { EGRESS_PURPOSE_TAG, mayTakeAnyResource, OTLP_EGRESS } from "../../lib/limits";
import { containersOf, envOf, finding, ofType, parseJson, Resource, Rule, T, WORLD } from "./common";

const onlyLoadBalancerPublic: Rule = {
    id: "only-load-balancer-public",
    title: "nothing but the load balancer open to the internet",
    kind: "security",
    check(rs) {
        const v: string[] = [];
        for (const r of ofType(rs, T.ingress)) {
            if (!WORLD.includes(r.props.cidrIpv4) && !WORLD.includes(r.props.cidrIpv6)) continue;
            if (r.parentType !== T.lbComponent) v.push(`${r.name}: open to the internet outside the load balancer`);
            else if (![80, 443].includes(r.props.fromPort) || r.props.fromPort !== r.props.toPort) v.push(`${r.name}: load balancer open on ${r.props.fromPort}-${r.props.toPort}`);
        }
        for (const sg of ofType(rs, T.securityGroup))
            for (const rule of sg.props.ingress ?? []) if ((rule.cidrBlocks ?? []).some((c: string) => WORLD.includes(c))) v.push(`${sg.name}: inline rule open to the internet`);
        for (const s of ofType(rs, T.service)) if (s.props.networkConfiguration?.assignPublicIp) v.push(`${s.name}: tasks get public IPs`);
        for (const lb of ofType(rs, T.loadBalancer)) if (lb.parentType !== T.lbComponent && lb.props.internal === false) v.push(`${lb.name}: another internet-facing load balancer`);
        return finding(v, "only the ALB's 80 and 443 accept traffic from anywhere; tasks have no public IPs");
    },
};

const encryption: Rule = {
    id: "encryption-at-rest-and-in-transit",
    title: "encryption at rest and in transit",
    kind: "security",
    check(rs) {
        const v: string[] = [];
        for (const g of ofType(rs, T.cache)) {
            const p = g.props;
            // A Global Datastore secondary sets no encryption flags: the provider refuses them beside
            // globalReplicationGroupId and ElastiCache takes the datastore's (checked on the primary's
            // stack). Its at-rest key is its own region's.
            if (p.globalReplicationGroupId) {
                if (!p.kmsKeyId) v.push(`${p.replicationGroupId}: a Global Datastore secondary without a customer-managed key of its region`);
                continue;
            }
            if (p.atRestEncryptionEnabled !== true) v.push(`${p.replicationGroupId}: not encrypted at rest`);
            if (p.transitEncryptionEnabled !== true || (p.transitEncryptionMode && p.transitEncryptionMode !== "required")) v.push(`${p.replicationGroupId}: TLS not required`);
        }
        for (const s of ofType(rs, T.secret)) if (!s.props.kmsKeyId) v.push(`${s.name}: no customer-managed key`);
        for (const k of ofType(rs, T.kmsKey)) if (k.props.enableKeyRotation !== true) v.push(`${k.name}: key rotation off`);
        for (const l of ofType(rs, T.listener)) {
            if (l.props.protocol === "HTTPS" && !/TLS13/.test(l.props.sslPolicy ?? "")) v.push(`${l.name}: TLS policy ${l.props.sslPolicy} allows less than TLS 1.3`);
            if (l.props.protocol === "HTTP" && !(l.props.defaultActions ?? []).every((a: any) => a.type === "redirect" && a.redirect?.protocol === "HTTPS"))
                v.push(`${l.name}: plain HTTP served, not redirected`);
        }
        return finding(v, "cache TLS-only and KMS-encrypted, secrets under a rotating CMK, TLS 1.3 listener, HTTP redirected");
    },
};

const CREDENTIAL_VALUE = /(mongodb(\+srv)?|rediss?|postgres(ql)?|mysql|amqps?):\/\/[^/\s:@]+:[^@\s]+@|-----BEGIN [A-Z ]*PRIVATE KEY-----|\bAKIA[0-9A-Z]{16}\b/;
const CREDENTIAL_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|ACCESS_KEY)/i;

const noCredentialsInTaskDefinitions: Rule = {
    id: "no-credentials-in-task-definitions",
    title: "no credential in a task definition",
    kind: "security",
    check(rs) {
        const v: string[] = [];
        for (const td of ofType(rs, T.taskDefinition)) {
            for (const c of containersOf(td) ?? []) {
                for (const [name, value] of Object.entries(envOf(c))) {
                    if (CREDENTIAL_VALUE.test(value)) v.push(`${td.name}/${c.name}: ${name} holds a credential in plain environment`);
                    else if (CREDENTIAL_NAME.test(name) && value) v.push(`${td.name}/${c.name}: ${name} looks like a secret in plain environment; deliver it as an ECS secret`);
                }
            }
        }
        return finding(v, "credentials reach tasks only as ECS secrets");
    },
};

const noIamWildcards: Rule = {
    id: "no-iam-wildcards",
    title: "no IAM wildcard actions on all resources",
    kind: "security",
    check(rs) {
        const v: string[] = [];
        for (const p of [...ofType(rs, T.rolePolicy), ...ofType(rs, T.policy)]) {
            const doc = parseJson(p.props.policy);
            for (const s of doc?.Statement ?? []) {
                if (s.Effect === "Deny") continue;
                const actions: string[] = [s.Action].flat().filter(Boolean);
                const resources: string[] = [s.Resource].flat().filter(Boolean);
                for (const a of actions) if (a === "*" || a.endsWith(":*")) v.push(`${p.name}: wildcard action ${a}`);
                if (resources.includes("*")) {
                    const scoped = actions.filter((a) => !mayTakeAnyResource(a, s.Condition));
                    if (scoped.length) v.push(`${p.name}: ${scoped.join(", ")} on every resource`);
                }
            }
        }
        return finding(v, "every statement names its actions; \"*\" resources only where AWS allows nothing else");
    },
};

/** World egress allowed on these tcp ports only: HTTPS, and MongoDB to Atlas's public hosts (without PrivateLink). */
const WORLD_EGRESS_PORTS = [443, 27017];

const restrictedEgress: Rule = {
    id: "restricted-egress",
    title: "outbound traffic restricted to what is necessary (PCI DSS 1.3.2)",
    kind: "security",
    check(rs) {
        const v: string[] = [];
        for (const r of ofType(rs, T.egress)) {
            const p = r.props;
            if (p.ipProtocol === "-1" || p.ipProtocol === "all") v.push(`${r.name}: all protocols out`);
            else if (p.fromPort !== p.toPort && (WORLD.includes(p.cidrIpv4) || WORLD.includes(p.cidrIpv6))) v.push(`${r.name}: ports ${p.fromPort}-${p.toPort} out to the internet`);
            else if ((WORLD.includes(p.cidrIpv4) || WORLD.includes(p.cidrIpv6)) && !WORLD_EGRESS_PORTS.includes(p.fromPort) && p.tags?.[EGRESS_PURPOSE_TAG] !== OTLP_EGRESS)
                v.push(`${r.name}: port ${p.fromPort} out to the internet`);
        }
        for (const sg of ofType(rs, T.securityGroup))
            for (const rule of sg.props.egress ?? []) if (rule.protocol === "-1" || (rule.cidrBlocks ?? []).some((c: string) => WORLD.includes(c))) v.push(`${sg.name}: inline egress rule`);
        return finding(v, `every egress rule names its peer group or port; to the internet only tcp ${WORLD_EGRESS_PORTS.join(", ")} and the OTLP endpoint's port`);
    },
};

const explicitKeyPolicies: Rule = {
    id: "explicit-key-policies",
    title: "every KMS key has an explicit policy whose administrators cannot use it (PCI DSS 3.6.1)",
    kind: "security",
    check(rs) {
        const v: string[] = [];
        const policies = ofType(rs, T.keyPolicy);
        for (const k of ofType(rs, T.kmsKey)) {
            const explicit = k.props.policy !== undefined || policies.some((p) => p.name === k.name);
            if (!explicit) v.push(`${k.name}: default key policy (any principal with IAM kms:* may use it)`);
        }
        for (const p of policies) {
            const doc = parseJson(p.props.policy);
            if (!doc) continue;
            if (p.props.bypassPolicyLockoutSafetyCheck) v.push(`${p.name}: bypasses the lockout safety check`);
            for (const st of doc.Statement ?? []) {
                const actions: string[] = [st.Action].flat();
                if (st.Effect === "Allow" && actions.some((a) => a === "kms:*" || a === "*")) v.push(`${p.name}: ${st.Sid ?? "a statement"} allows kms:*`);
                const account = typeof st.Principal?.AWS === "string" && /:root$/.test(st.Principal.AWS);
                if (st.Effect === "Allow" && account && !st.Condition && actions.some((a) => /^kms:(Decrypt|Encrypt|GenerateDataKey|ReEncrypt|CreateGrant)/.test(a)))
                    v.push(`${p.name}: the account may use the key through IAM alone (${st.Sid ?? "statement"})`);
            }
        }
        return finding(v, "explicit key policies: the account administers, named roles and services use");
    },
};

const endpointPolicies: Rule = {
    id: "endpoint-policies",
    title: "VPC endpoints pass only what the tasks need: S3 ECR's layers, the interface endpoints named actions for this account (PCI DSS 1.3.2)",
    kind: "security",
    check(rs) {
        const v: string[] = [];
        for (const e of ofType(rs, T.vpcEndpoint).filter((x) => x.props.vpcEndpointType === "Gateway" && /\.s3$/.test(String(x.props.serviceName ?? "")))) {
            if (e.props.policy === undefined) {
                v.push(`${e.name}: no endpoint policy (full access to every bucket)`);
                continue;
            }
            const doc = parseJson(e.props.policy);
            for (const st of doc?.Statement ?? []) {
                if (st.Effect !== "Allow") continue;
                const actions: string[] = [st.Action].flat();
                const resources: string[] = [st.Resource].flat();
                if (actions.some((a) => a !== "s3:GetObject")) v.push(`${e.name}: allows ${actions.filter((a) => a !== "s3:GetObject").join(", ")}`);
                if (resources.some((r) => !/^arn:aws[a-z-]*:s3:::prod-[a-z0-9-]+-starport-layer-bucket\/\*$/.test(r))) v.push(`${e.name}: allows a bucket other than ECR's layers (${resources.join(", ")})`);
            }
        }
        // AWS services' interface endpoints; not an endpoint service such as Atlas's PrivateLink
        // (com.amazonaws.vpce.…), whose MongoDB traffic is no IAM action a policy could name.
        for (const e of ofType(rs, T.vpcEndpoint).filter((x) => x.props.vpcEndpointType === "Interface" && /^com\.amazonaws\.(?!vpce\.)[a-z0-9-]+\./.test(String(x.props.serviceName ?? "")))) {
            if (e.props.policy === undefined) {
                v.push(`${e.name}: no endpoint policy (any principal, any action)`);
                continue;
            }
            for (const st of parseJson(e.props.policy)?.Statement ?? []) {
                if (st.Effect !== "Allow") continue;
                if ([st.Action].flat().some((a: string) => a === "*" || a.endsWith(":*"))) v.push(`${e.name}: allows every action of a service`);
                if (!st.Condition?.StringEquals?.["aws:PrincipalAccount"]) v.push(`${e.name}: open to principals of any account`);
            }
        }
        return finding(v, "S3 through the gateway endpoint: s3:GetObject on ECR's layer bucket only; interface endpoints: named actions, this account's principals");
    },
};

export const SECURITY: Rule[] = [onlyLoadBalancerPublic, encryption, noCredentialsInTaskDefinitions, noIamWildcards, restrictedEgress, explicitKeyPolicies, endpointPolicies];
