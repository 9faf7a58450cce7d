/**
 * What a standby's stack reference reads from its primary when a run is given nothing else: the
 * outputs the primary's stack file would declare (its region, domain, hosted zone, ceilings and
 * tier), and a `regionLoss` block for the rollout's target topology (the primary's region, the
 * standby's, and a third), so that `npm run plan -- --stack <standby>` and the shared runs show a
 * complete standby. The load balancer names and ids here are stand-ins: what the real primary
 * answers is read at `pulumi preview` (pass it with RunOptions.references).
 */
import { atlasRegionName } from "../../lib/limits";
import { SERVICE_NAMES, validateConfig } from "../../lib/config";
import { rawConfigFrom } from "../../lib/stackConfig";
import { ACCOUNT_ID } from "./engine";
import { assembleConfig, listStacks } from "./config";

/** The tie-breaker region the example topology adds (2 + 2 + 1, README "Region loss"). */
const THIRD_REGION = "US_WEST_2";

export function examplePrimaryOutputs(standbyStack: string, set: Record<string, unknown> = {}): Record<string, Record<string, unknown>> {
    const own = assembleConfig(standbyStack, set).values;
    if (rawConfigFrom(own).purpose !== "standby") return {};
    const s = rawConfigFrom(own).standby as { primaryStack?: string } | undefined;
    const primaryStack = s?.primaryStack;
    if (!primaryStack || !listStacks().includes(primaryStack)) return {};
    const { values } = assembleConfig(primaryStack);
    const c = validateConfig(rawConfigFrom(values), values["aws:region"], primaryStack);
    const standbyRegion = own["aws:region"] ?? "us-east-2";
    const regions = [...new Set([atlasRegionName(c.region), atlasRegionName(standbyRegion), THIRD_REGION])];
    const alb = (host: string) => ({ dnsName: `pg-${primaryStack}-${host}.${c.region}.elb.amazonaws.com`, zoneId: "Z35SXDOTRQ7X7K" });
    return {
        [primaryStack]: {
            environment: c.environment,
            region: c.region,
            regionLoss: {
                projectId: c.atlas.projectId ?? "5f0000000000000000000002",
                clusterName: `pg-${primaryStack}`,
                regions,
                appKeyReplicaArn: `arn:aws:kms:${standbyRegion}:${ACCOUNT_ID}:key/mrk-0123456789abcdef0123456789abcdef`,
                primaryRegion: c.region,
                domain: c.domain,
                hostedZoneId: c.loadBalancer.hostedZoneId ?? "Z0PRODEXAMPLE0000001",
                albs: { admin: alb("admin"), api: alb("api") },
                cache: c.regionLoss?.cache ?? "cold",
                ...(c.regionLoss?.cache === "global" ? { cacheGlobalReplicationGroupId: `ldgnf-pg-${primaryStack}-cache`, cacheEngine: c.cache.engine, cacheNodeType: c.cache.nodeType } : {}),
            },
            capacity: Object.fromEntries(SERVICE_NAMES.map((n) => [n, { instances: c[n].instances, maxInstances: c[n].maxInstances }])),
            atlasCluster: { name: `pg-${primaryStack}`, tier: c.atlas.tier, nodes: c.atlas.electableNodes },
            dnsRecords: c.loadBalancer.hostedZoneId ? c.loadBalancer.dnsRecords : "none",
        },
    };
}
