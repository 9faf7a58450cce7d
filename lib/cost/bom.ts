/** The bill of materials read from the resources a run records (what the plan prices). */
import { Bom } from "./assumptions";
import { actionMinutes, isoDurationMinutes } from "./usage";

/** A resource as the estimate reads it (the run's recorded resources). */
export interface PricedResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
    outputs: Record<string, any>;
}

/** The bill of materials of the resources a run declares. */
export function bomFromResources(region: string, resources: PricedResource[]): Bom {
    const of = (type: string) => resources.filter((r) => r.type === type);
    const targets = of("aws:appautoscaling/target:Target");
    const services = of("aws:ecs/service:Service").map((s) => {
        const td = of("aws:ecs/taskDefinition:TaskDefinition").find((d) => d.outputs.arn === s.inputs.taskDefinition)!;
        const scaler = targets.find((t) => String(t.inputs.resourceId).endsWith(`/${s.outputs.name}`));
        return {
            name: s.inputs.tags?.service ?? s.name,
            floor: scaler ? scaler.inputs.minCapacity : s.inputs.desiredCount,
            ceiling: scaler ? scaler.inputs.maxCapacity : s.inputs.desiredCount,
            vcpu: Number(td.inputs.cpu) / 1024,
            memoryGb: Number(td.inputs.memory) / 1024,
            architecture: td.inputs.runtimePlatform?.cpuArchitecture ?? "X86_64",
        };
    });
    const albs = of("aws:lb/loadBalancer:LoadBalancer");
    const group = of("aws:elasticache/replicationGroup:ReplicationGroup")[0]?.inputs;
    const atlas = of("mongodbatlas:index/advancedCluster:AdvancedCluster")[0];
    const rc = atlas?.inputs.replicationSpecs[0].regionConfigs[0];
    const acl = of("aws:wafv2/webAcl:WebAcl")[0];
    const interfaces = of("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface");
    const ownService = (e: PricedResource) => String(e.inputs.serviceName).startsWith(`com.amazonaws.${region}.`);
    const schedule = of("mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule")[0]?.inputs;
    const definitions = of("aws:ecs/taskDefinition:TaskDefinition").map((d) => JSON.parse(d.inputs.containerDefinitions) as any[]);
    const app = definitions.map((defs) => defs[0]);
    const sampler = (c: any) => c.environment.find((e: any) => e.name === "OTEL_TRACES_SAMPLER_ARG")?.value;
    const toXray = definitions.some((defs) => defs.some((c) => c.name === "otel-collector" && /awsxray/.test(c.environment.find((e: any) => e.name === "AOT_CONFIG_CONTENT")?.value ?? "")));
    const cluster = of("aws:ecs/cluster:Cluster")[0];
    const insights = cluster?.inputs.settings?.some((x: any) => x.name === "containerInsights" && x.value === "enabled");
    const fis = of("aws:fis/experimentTemplate:ExperimentTemplate");
    return {
        region,
        services: services.sort((a, b) => a.name.localeCompare(b.name)),
        loadBalancers: albs.length,
        loadBalancerZones: albs.reduce((n, a) => n + (a.inputs.subnets?.length ?? 0), 0),
        natGateways: of("aws:ec2/natGateway:NatGateway").length,
        elasticIps: of("aws:ec2/eip:Eip").length,
        endpointAzs: interfaces.reduce((n, e) => n + (e.inputs.subnetIds?.length ?? 0), 0),
        firewallEndpoints: of("aws:networkfirewall/firewall:Firewall").reduce((n, f) => n + (f.inputs.subnetMappings?.length ?? 0), 0),
        endpointServices: interfaces.filter(ownService).map((e) => String(e.inputs.serviceName).slice(`com.amazonaws.${region}.`.length)).sort(),
        atlasPrivateEndpoints: of("mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint").length,
        // A Global Datastore secondary sets no engine or node type (the primary's apply): its tags say which.
        cache: group ? { engine: group.engine ?? group.tags?.engine, nodeType: group.nodeType ?? group.tags?.nodeType, nodes: group.numCacheClusters, snapshotRetentionDays: group.snapshotRetentionLimit ?? 0 } : undefined,
        atlas: rc
            ? {
                  tier: rc.electableSpecs.instanceSize,
                  ceilingTier: rc.autoScaling?.computeEnabled ? rc.autoScaling.computeMaxInstanceSize : rc.electableSpecs.instanceSize,
                  // Every region's electable nodes (a replica set across regions has a region config each).
                  nodes: atlas.inputs.replicationSpecs[0].regionConfigs.reduce((n: number, r: { electableSpecs: { nodeCount: number } }) => n + r.electableSpecs.nodeCount, 0),
                  backupRetentionDays: atlas.inputs.backupEnabled === true ? (schedule?.policyItemDaily?.retentionValue ?? 0) : 0,
                  restoreWindowDays: atlas.inputs.pitEnabled === true ? (schedule?.restoreWindowDays ?? 0) : 0,
                  diskAutoScaling: rc.autoScaling?.diskGbEnabled === true,
              }
            : undefined,
        // A multi-Region key's replica is billed as a key of its own (AWS KMS pricing: "each multi-Region replica key is billed as a KMS key").
        kmsKeys: of("aws:kms/key:Key").length + of("aws:kms/replicaKey:ReplicaKey").length,
        secrets: of("aws:secretsmanager/secret:Secret").length,
        waf: acl ? { rules: acl.inputs.rules.length } : undefined,
        alarmMetrics: of("aws:cloudwatch/metricAlarm:MetricAlarm").reduce((n, a) => n + (a.inputs.metricQueries ? a.inputs.metricQueries.filter((q: any) => q.metric).length : 1), 0),
        dashboards: of("aws:cloudwatch/dashboard:Dashboard").length,
        accessLogBucket: of("aws:s3/bucket:Bucket").length > 0,
        xray: toXray && app.length ? { sampleRatio: Number(sampler(app[0])) } : undefined,
        containerInsights: insights ? { services: services.length, taskFamilies: new Set(of("aws:ecs/taskDefinition:TaskDefinition").map((d) => d.inputs.family)).size } : undefined,
        targetTrackingPolicies: of("aws:appautoscaling/policy:Policy").filter((p) => p.inputs.policyType === "TargetTrackingScaling").length,
        logRetentionDays: of("aws:cloudwatch/logGroup:LogGroup").filter((g) => String(g.inputs.name).startsWith("/ecs/")).map((g) => g.inputs.retentionInDays).sort((a, b) => a - b),
        drills: fis
            .map((t) => ({ name: t.inputs.tags.drill as string, actionMinutes: actionMinutes(t.inputs.actions.map((a: any) => isoDurationMinutes(a.parameters?.find((x: any) => x.key === "duration")?.value))) }))
            .sort((a, b) => a.name.localeCompare(b.name)),
    };
}

