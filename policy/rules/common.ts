/**
 * What every rule shares: a resource as the rules see it, a finding, a rule and its result, the
 * resource types the rules read, and the small readers over them (pure functions).
 *
 * A value that is unknown until apply (undefined here) is never a violation: the rule judges what
 * it can see.
 */

/** A resource as the rules see it: its type, name and input properties. */
export interface Resource {
    type: string;
    name: string;
    urn: string;
    props: Record<string, any>;
    protect?: boolean;
    /** The type of the component it belongs to, if any. */
    parentType?: string;
}

export interface Finding {
    /** What is wrong; empty when the rule holds. */
    violations: string[];
    /** How the rule holds (or why it could not be judged), for a person reading the plan. */
    evidence: string;
}

export interface Rule {
    id: string;
    title: string;
    /** Checklist items, operations and PCI DSS rules are enforced in prod stacks; security rules everywhere. */
    kind: "checklist" | "operations" | "security" | "pci";
    check(resources: Resource[]): Finding;
}

export interface Result {
    rule: Rule;
    finding: Finding;
    /** Whether a violation blocks the stack (checklist items only block prod). */
    enforced: boolean;
}

export const T = {
    cluster: "mongodbatlas:index/advancedCluster:AdvancedCluster",
    atlasEndpoint: "mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint",
    backupSchedule: "mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule",
    cache: "aws:elasticache/replicationGroup:ReplicationGroup",
    ecsCluster: "aws:ecs/cluster:Cluster",
    service: "aws:ecs/service:Service",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    databaseUser: "mongodbatlas:index/databaseUser:DatabaseUser",
    scalingTarget: "aws:appautoscaling/target:Target",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    secret: "aws:secretsmanager/secret:Secret",
    kmsKey: "aws:kms/key:Key",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    policy: "aws:iam/policy:Policy",
    lbComponent: "payment-gateway:loadBalancer:LoadBalancer",
    fisTemplate: "aws:fis/experimentTemplate:ExperimentTemplate",
    outageSimulation: "mongodbatlas:index/clusterOutageSimulation:ClusterOutageSimulation",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    keyPolicy: "aws:kms/keyPolicy:KeyPolicy",
    auditing: "mongodbatlas:index/auditing:Auditing",
    encryptionAtRest: "mongodbatlas:index/encryptionAtRest:EncryptionAtRest",
    webAcl: "aws:wafv2/webAcl:WebAcl",
    wafLogging: "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    flowLog: "aws:ec2/flowLog:FlowLog",
    vpc: "aws:ec2/vpc:Vpc",
    bucket: "aws:s3/bucket:Bucket",
    objectLock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    topic: "aws:sns/topic:Topic",
    firewall: "aws:networkfirewall/firewall:Firewall",
    firewallPolicy: "aws:networkfirewall/firewallPolicy:FirewallPolicy",
    firewallRuleGroup: "aws:networkfirewall/ruleGroup:RuleGroup",
    firewallLogging: "aws:networkfirewall/loggingConfiguration:LoggingConfiguration",
    routeTable: "aws:ec2/routeTable:RouteTable",
    vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
};
export const WORLD = ["0.0.0.0/0", "::/0"];

export const ofType = (rs: Resource[], type: string) => rs.filter((r) => r.type === type);
export const tagged = (rs: Resource[], type: string, service: string) => ofType(rs, type).filter((r) => r.props.tags?.service === service);
export const finding = (violations: string[], evidence: string): Finding => ({ violations, evidence });
export const parseJson = (text: unknown): any => (typeof text === "string" ? safeParse(text) : undefined);
function safeParse(text: string): any {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

/** Containers of a task definition, or undefined while its definition is unknown. */
export function containersOf(td: Resource): any[] | undefined {
    const parsed = parseJson(td.props.containerDefinitions);
    return Array.isArray(parsed) ? parsed : undefined;
}
export function envOf(container: any): Record<string, string> {
    return Object.fromEntries((container.environment ?? []).map((e: any) => [e.name, e.value]));
}

/** The autoscaling target of an ECS service (its resourceId ends with the service's name). */
export function scalingTargetOf(rs: Resource[], service: Resource): Resource | undefined {
    return ofType(rs, T.scalingTarget).find((t) => typeof t.props.resourceId === "string" && t.props.resourceId.endsWith(`/${service.props.name}`));
}

/** A warm standby's facts, from its ECS cluster's tags (role standby): the tier its pools are sized for, and the fleets they count. */
export function standbyOf(rs: Resource[]): { atlasTier?: string; fleets: number } | undefined {
    const tags = ofType(rs, T.ecsCluster)[0]?.props.tags;
    if (tags?.role !== "standby") return undefined;
    return { atlasTier: tags.atlasTier, fleets: Number(tags.fleets) || 2 };
}

/** The stack's environment, from the ECS cluster's `environment` tag. */
export function environmentOf(rs: Resource[]): string | undefined {
    return ofType(rs, T.ecsCluster)[0]?.props.tags?.environment;
}
