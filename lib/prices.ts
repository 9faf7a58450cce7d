/**
 * Unit prices, USD, on-demand, for what this program declares. A plain module: it declares nothing.
 *
 * Each price names the public pricing page it comes from and the day it was taken. `checked`
 * marks the figures cross-checked that day against a copy of the page (or of a page quoting it);
 * the others were taken from the page as last known and are the first to re-verify when refreshing
 * (see "Cost" in the README). A region or a node type missing here is refused by name, never
 * priced at 0.
 */

export interface Price {
    usd: number;
    unit: string;
    source: string;
    read: string;
    checked?: true;
}

const READ = "2026-11-29";
const p = (usd: number, unit: string, source: string, checked?: true): Price => ({ usd, unit, source, read: READ, ...(checked ? { checked } : {}) });

const FARGATE = "https://aws.amazon.com/fargate/pricing/";
const ELB = "https://aws.amazon.com/elasticloadbalancing/pricing/";
const VPC = "https://aws.amazon.com/vpc/pricing/";
const ELASTICACHE = "https://aws.amazon.com/elasticache/pricing/";
const ATLAS = "https://www.mongodb.com/pricing";
const KMS = "https://aws.amazon.com/kms/pricing/";
const SECRETS = "https://aws.amazon.com/secrets-manager/pricing/";
const WAF = "https://aws.amazon.com/waf/pricing/";
const CLOUDWATCH = "https://aws.amazon.com/cloudwatch/pricing/";
const S3 = "https://aws.amazon.com/s3/pricing/";

/** Redis OSS node-hour; ElastiCache prices Valkey nodes 20% lower (ElastiCache pricing, "Valkey"). */
const REDIS_NODE_HOUR: Record<string, number> = {
    "cache.t4g.micro": 0.016,
    "cache.t4g.small": 0.032,
    "cache.t4g.medium": 0.065,
    "cache.t3.micro": 0.017,
    "cache.t3.small": 0.034,
    "cache.t3.medium": 0.068,
    "cache.m7g.large": 0.158,
    "cache.m7g.xlarge": 0.315,
    "cache.m6g.large": 0.149,
    "cache.m6g.xlarge": 0.297,
    "cache.r7g.large": 0.219,
    "cache.r7g.xlarge": 0.437,
    "cache.r6g.large": 0.206,
    "cache.r6g.xlarge": 0.411,
};
export const VALKEY_DISCOUNT = 0.2;

/** Atlas dedicated cluster, AWS, a 3-node replica set, per hour (Atlas prices each further electable node pro rata). */
const ATLAS_CLUSTER_HOUR: Record<string, number> = {
    M10: 0.08,
    M20: 0.2,
    M30: 0.54,
    M40: 1.04,
    M50: 2.0,
    M60: 3.95,
    M80: 7.3,
    M140: 10.99,
    M200: 14.59,
    M300: 21.85,
};

export interface RegionPrices {
    fargateVcpuHour: Record<"X86_64" | "ARM64", Price>;
    fargateGbHour: Record<"X86_64" | "ARM64", Price>;
    albHour: Price;
    albLcuHour: Price;
    natHour: Price;
    natGb: Price;
    publicIpv4Hour: Price;
    endpointAzHour: Price;
    endpointGb: Price;
    cacheNodeHour: Record<"valkey" | "redis", Record<string, Price>>;
    cacheSnapshotGbMonth: Price;
    atlasClusterHour: Record<string, Price>;
    atlasBackupGbMonth: Price;
    atlasDiskGbMonth: Price;
    atlasPrivateEndpointHour: Price;
    kmsKeyMonth: Price;
    secretMonth: Price;
    wafAclMonth: Price;
    wafRuleMonth: Price;
    wafMillionRequests: Price;
    alarmMetricMonth: Price;
    dashboardMonth: Price;
    logIngestGb: Price;
    s3GbMonth: Price;
}

export const PRICES: Readonly<Record<string, RegionPrices>> = {
    "us-east-1": {
        fargateVcpuHour: { X86_64: p(0.04048, "vCPU-hour", FARGATE, true), ARM64: p(0.03238, "vCPU-hour", FARGATE, true) },
        fargateGbHour: { X86_64: p(0.004445, "GB-hour", FARGATE, true), ARM64: p(0.00356, "GB-hour", FARGATE, true) },
        albHour: p(0.0225, "ALB-hour", ELB),
        albLcuHour: p(0.008, "LCU-hour", ELB),
        natHour: p(0.045, "NAT gateway-hour", VPC, true),
        natGb: p(0.045, "GB processed", VPC, true),
        publicIpv4Hour: p(0.005, "public IPv4 address-hour", VPC),
        endpointAzHour: p(0.01, "interface endpoint-hour per AZ", "https://aws.amazon.com/privatelink/pricing/"),
        endpointGb: p(0.01, "GB processed", "https://aws.amazon.com/privatelink/pricing/"),
        cacheNodeHour: {
            redis: Object.fromEntries(Object.entries(REDIS_NODE_HOUR).map(([t, usd]) => [t, p(usd, "node-hour", ELASTICACHE)])),
            valkey: Object.fromEntries(Object.entries(REDIS_NODE_HOUR).map(([t, usd]) => [t, p(round(usd * (1 - VALKEY_DISCOUNT), 6), "node-hour", ELASTICACHE)])),
        },
        cacheSnapshotGbMonth: p(0.085, "GB-month of snapshots beyond the free one", ELASTICACHE),
        atlasClusterHour: Object.fromEntries(Object.entries(ATLAS_CLUSTER_HOUR).map(([tier, usd]) => [tier, p(usd, "cluster-hour, 3 nodes", ATLAS, tier === "M30" ? true : undefined)])),
        atlasBackupGbMonth: p(0.14, "GB-month of cloud backup storage", "https://www.mongodb.com/docs/atlas/billing/cluster-configuration-costs/"),
        // Not on a price list: derived from Atlas's own example (an AWS M30 at $0.54/hour becomes
        // $0.65/hour with 200 GB of storage, the whole 200 GB charged): $0.11 / 200 GB × 730 h ≈ $0.40
        // per GB-month for a 3-node replica set. Check the cluster's price in the Atlas UI.
        atlasDiskGbMonth: p(0.4, "GB-month of disk beyond the tier's included storage (3 nodes)", "https://www.mongodb.com/docs/atlas/billing/invoice-breakdown/"),
        atlasPrivateEndpointHour: p(0.01, "private endpoint-hour", "https://www.mongodb.com/docs/atlas/billing/additional-services/"),
        kmsKeyMonth: p(1, "key-month", KMS),
        secretMonth: p(0.4, "secret-month", SECRETS),
        wafAclMonth: p(5, "web ACL-month", WAF),
        wafRuleMonth: p(1, "rule-month", WAF),
        wafMillionRequests: p(0.6, "million requests", WAF),
        alarmMetricMonth: p(0.1, "alarm metric-month", CLOUDWATCH),
        dashboardMonth: p(3, "dashboard-month", CLOUDWATCH),
        logIngestGb: p(0.5, "GB ingested", CLOUDWATCH),
        s3GbMonth: p(0.023, "GB-month, S3 Standard", S3),
    },
};

export class PriceError extends Error {}

/** The region's prices, or a PriceError naming the region and where prices come from. */
export function pricesFor(region: string): RegionPrices {
    const prices = PRICES[region];
    if (!prices) throw new PriceError(`no prices for region ${region} in lib/prices.ts (priced: ${Object.keys(PRICES).join(", ")}); add them from the pricing pages the us-east-1 entries cite`);
    return prices;
}

/** A price looked up by key, or a PriceError naming what is missing. */
export function priceOf<T>(table: Record<string, T>, key: string, what: string, region: string): T {
    const price = table[key];
    if (!price) throw new PriceError(`no price for ${what} ${key} in ${region} in lib/prices.ts (priced: ${Object.keys(table).join(", ")})`);
    return price;
}

export function round(x: number, digits = 2): number {
    const f = 10 ** digits;
    return Math.round(x * f) / f;
}
