/** The usage a stack is priced at (cost.assumptions, with defaults) and the bill of materials an estimate prices. */

export const HOURS_PER_MONTH = 730;
/** Days in the average month (365 / 12): what turns a retention in days into months of data kept. */
export const DAYS_PER_MONTH = 365 / 12;

/**
 * The custom metrics Container Insights (not "enhanced observability") publishes for an ECS cluster
 * on Fargate, all under ECS/ContainerInsights. Source: CloudWatch User Guide, "Amazon ECS Container
 * Insights metrics" (Container-Insights-metrics-ECS; the awsdocs copy read 2026-11-30): CpuUtilized,
 * CpuReserved, MemoryUtilized, MemoryReserved, NetworkRxBytes, NetworkTxBytes, StorageReadBytes and
 * StorageWriteBytes each by cluster, by service and by task-definition family; ServiceCount and
 * TaskCount by cluster; DeploymentCount, DesiredTaskCount, PendingTaskCount, RunningTaskCount and
 * TaskSetCount by service. ContainerInstanceCount counts EC2 instances (none on Fargate). Nothing is
 * published per task in this mode, so the count does not grow with the tasks. "Metrics collected by
 * Container Insights are charged as custom metrics" (the same page). Later versions of the page add
 * ephemeral-storage metrics on Fargate, which this count leaves out: if so, it is low by 2 per
 * cluster and 4 per service.
 */
export const CONTAINER_INSIGHTS_METRICS = { perCluster: 8 + 2, perService: 8 + 5, perTaskFamily: 8 } as const;

/**
 * Alarms Application Auto Scaling creates for each target-tracking policy: one to scale out and
 * one to scale in (TargetTracking-…-AlarmHigh-… and …-AlarmLow-…), billed as ordinary standard
 * alarms. Source: Application Auto Scaling User Guide, "Target tracking scaling policies"
 * ("Application Auto Scaling creates and manages the CloudWatch alarms that trigger the scaling
 * policy"; read 2026-11-30). The count of two is what AWS creates for a policy with scale-in
 * enabled, as these are; the page itself does not print the number.
 */
export const TARGET_TRACKING_ALARMS_PER_POLICY = 2;

/** Usage the price depends on but the program cannot know: stack config `cost.assumptions`, shown as such. */
export interface CostAssumptions {
    /** Requests through the load balancer and WAF per month. Default 10,000,000. */
    requestsPerMonth: number;
    /** Load balancer capacity units per hour. Default 1. */
    lcuPerHour: number;
    /** GB through the NAT gateways per month (with the egress firewall, through it too). Default 50. */
    natGbPerMonth: number;
    /** GB through the interface endpoints per month. Default 10. */
    endpointGbPerMonth: number;
    /** GB of logs ingested by CloudWatch per month (services, collector, Container Insights). Default 10. */
    logGbPerMonth: number;
    /** GB of data on the Atlas cluster's disk: what its first snapshot holds. Default 10. */
    atlasDataGb: number;
    /** Percent of the Atlas data that changes a day: each further snapshot, and a day of oplog. Default 5. */
    atlasDailyChangePercent: number;
    /** GB of data in the cache: what each of its daily snapshots holds. Default 1. */
    cacheDataGb: number;
    /**
     * GB of disk Atlas charges for once disk auto-scaling has grown the disk past the tier's
     * included storage (Atlas then charges the whole disk, not the difference). Default 0: the
     * disk is still the tier's included one.
     */
    atlasDiskGb: number;
    /** GB of load-balancer access logs kept in S3. Default 10. */
    accessLogGbStored: number;
    /** X-Ray traces retrieved or scanned a month (console, queries, Insights). Default 1,000,000 (the free tier). */
    tracesRetrievedPerMonth: number;
    /** Runs of each failover drill a month. Default 1. */
    drillRunsPerMonth: number;
}

export const DEFAULT_ASSUMPTIONS: CostAssumptions = {
    requestsPerMonth: 10_000_000,
    lcuPerHour: 1,
    natGbPerMonth: 50,
    endpointGbPerMonth: 10,
    logGbPerMonth: 10,
    atlasDataGb: 10,
    atlasDailyChangePercent: 5,
    cacheDataGb: 1,
    atlasDiskGb: 0,
    accessLogGbStored: 10,
    tracesRetrievedPerMonth: 1_000_000,
    drillRunsPerMonth: 1,
};

export interface Bom {
    region: string;
    services: { name: string; floor: number; ceiling: number; vcpu: number; memoryGb: number; architecture: "X86_64" | "ARM64" }[];
    loadBalancers: number;
    /** Zones the load balancer spans: one public IPv4 address each. */
    loadBalancerZones: number;
    natGateways: number;
    elasticIps: number;
    /** Interface endpoints × the zones each spans. */
    endpointAzs: number;
    /** Network Firewall endpoints (one per zone of the egress firewall). */
    firewallEndpoints: number;
    /** Interface endpoint services declared (ecr.api, logs, …), sorted. */
    endpointServices: string[];
    atlasPrivateEndpoints: number;
    cache?: { engine: "valkey" | "redis"; nodeType: string; nodes: number; snapshotRetentionDays: number };
    /** Backups: daily snapshots kept `backupRetentionDays`; with continuous backup, oplog kept `restoreWindowDays` (else 0). */
    atlas?: { tier: string; ceilingTier: string; nodes: number; backupRetentionDays: number; restoreWindowDays: number; diskAutoScaling: boolean };
    kmsKeys: number;
    secrets: number;
    waf?: { rules: number };
    alarmMetrics: number;
    dashboards: number;
    accessLogBucket: boolean;
    /** Traces exported to X-Ray (a collector sidecar), at this parent-based sample ratio; absent when none go there. */
    xray?: { sampleRatio: number };
    /** Container Insights on the ECS cluster: its task-definition families (one per service). */
    containerInsights?: { services: number; taskFamilies: number };
    /** Target-tracking scaling policies (each brings its own alarms). */
    targetTrackingPolicies: number;
    /** Retention in days of each service's log group. */
    logRetentionDays: number[];
    /** Each failover drill and the FIS action-minutes one run of it takes. */
    drills: { name: string; actionMinutes: number }[];
}
