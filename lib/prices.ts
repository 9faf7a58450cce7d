/**
 * Unit prices, USD, on-demand, for what this program declares. A plain module: it declares nothing.
 *
 * Each price names the public pricing page it comes from and the day it was taken. `checked`
 * marks the figures cross-checked that day against a copy of the page (or of a page quoting it);
 * the others were taken from the page as last known and are the first to re-verify when refreshing
 * (see "Cost" in the README). A price no public page could be found to state carries no source
 * but an `estimate`: what was looked for, where, and when. The plan calls every line priced from
 * one "an estimate, not a quote". A region or a node type missing here is refused by name, never
 * priced at 0.
 */

export interface Price {
    usd: number;
    unit: string;
    /** The public page that states this price; absent for an estimate. */
    source?: string;
    read: string;
    checked?: true;
    /** Set when no public page confirmed the figure: why it is believed, what was tried and when. Never with `source`. */
    estimate?: string;
}

const READ = "2026-11-29";
const TODAY = "2026-11-30";
const p = (usd: number, unit: string, source: string, checked?: true, read = READ): Price => ({ usd, unit, source, read, ...(checked ? { checked } : {}) });
/** A price no public page was found to state: `why` says what it rests on and what was searched. */
const estimate = (usd: number, unit: string, why: string): Price => ({ usd, unit, read: TODAY, estimate: why });

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
/** Traces recorded $5.00 and retrieved or scanned $0.50 per million, beyond a free 100,000 and 1,000,000 a month (read 2026-11-30, the page's localized copies). */
const XRAY = "https://aws.amazon.com/xray/pricing/";
/** $0.10 per action-minute outside GovCloud, "rounded to the nearest minute", the same for every action type and target count (read 2026-11-30). */
const FIS = "https://aws.amazon.com/fis/pricing/";
/**
 * Atlas docs, Billing, Additional Services, "Private Endpoints": "Atlas charges hourly for each
 * region to which you deploy a private endpoint. The hourly cost varies by region", and its table
 * "AWS PrivateLink Rates by Region" gives the hourly cost per private endpoint ($0.0450 in
 * us-east-1 and us-east-2, $0.0504 in us-west-1) and the cost per Atlas private endpoint capacity
 * unit (traffic, not counted here: README "Cost"). Read 2026-11-30 from a copy of the page whose
 * date it does not state: re-verify first.
 */
const ATLAS_PRIVATE_ENDPOINT = "https://www.mongodb.com/docs/atlas/billing/additional-services/";
/** Per firewall endpoint-hour and per GB the firewall processes (not cross-checked against a copy of the page on 2026-11-30: re-verify first). */
const NETWORK_FIREWALL = "https://aws.amazon.com/network-firewall/pricing/";

/**
 * X-Ray's free tier, per account and month (the X-Ray pricing page, read 2026-11-30). The estimate
 * gives it to each stack; several stacks in one account share one.
 */
export const XRAY_FREE_TRACES = { recorded: 100_000, retrievedOrScanned: 1_000_000 } as const;

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

/**
 * Atlas dedicated cluster, AWS, a 3-node replica set, per hour (Atlas prices each further electable
 * node pro rata). mongodb.com/pricing shows M10 and M30 on AWS us-east-1; M20 and M40 and above are
 * shown only in the Atlas UI's cluster builder, which no public page copies: those are estimates.
 */
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

/** The tiers mongodb.com/pricing shows for AWS; the others' prices are estimates. */
const ATLAS_PUBLIC_TIERS = ["M10", "M30"];
const ATLAS_TIER_ESTIMATE =
    "mongodb.com/pricing shows M10 and M30 only; searched mongodb.com and copies of its pricing page on 2026-11-30 for the other tiers' AWS us-east-1 hourly price, none states it; the last figure known from the Atlas cluster builder";

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
    firewallEndpointHour: Price;
    firewallGb: Price;
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
    /** Custom metrics (Container Insights publishes its metrics as custom metrics), first 10,000 a month. */
    customMetricMonth: Price;
    dashboardMonth: Price;
    logIngestGb: Price;
    /** CloudWatch Logs storage (archival), per GB-month kept. */
    logStorageGbMonth: Price;
    s3GbMonth: Price;
    xrayMillionTracesRecorded: Price;
    xrayMillionTracesRetrieved: Price;
    fisActionMinute: Price;
}

/**
 * US East (Ohio). Each AWS figure is the one its pricing page states for US East (Ohio) as last
 * known: for every line below Ohio's is N. Virginia's. Not cross-checked on 2026-11-30 (re-verify
 * these first), but Fargate's: the AWS Price List bulk API
 * (pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<service>/current/us-east-2/index.json) could not
 * be reached from here that day (its host did not resolve), and the pricing pages fill in a region's
 * figures in the browser, so their copies show N. Virginia's only; Fargate's were checked against a
 * copy of the Price List's us-east-2 entries (USE2-Fargate-vCPU-Hours:perCPU and kin). Atlas and
 * ElastiCache snapshot storage are estimates here as in us-east-1, Atlas's cluster, backup and disk
 * prices because its pages show AWS us-east-1 only and Atlas prices vary by region; its private
 * endpoint hour is the billing docs' us-east-2 row (ATLAS_PRIVATE_ENDPOINT).
 */
const OHIO_ATLAS_ESTIMATE =
    "mongodb.com/pricing shows AWS us-east-1 (N. Virginia) only; searched mongodb.com and copies of its pricing page on 2026-11-30 for an AWS us-east-2 (US_EAST_2) price, none states one; us-east-1's figure";
const ohio = (usd: number, unit: string, source: string, checked?: true): Price => p(usd, unit, source, checked, TODAY);
const ohioEstimate = (usd: number, unit: string, what: string): Price =>
    estimate(usd, unit, `searched copies of the ${what} pages and docs on 2026-11-30 for the us-east-2 (Ohio) figure: none states it (the AWS Price List API was unreachable from here); us-east-1's figure, itself an estimate`);

const US_EAST_2: RegionPrices = {
    fargateVcpuHour: { X86_64: ohio(0.04048, "vCPU-hour", FARGATE, true), ARM64: ohio(0.03238, "vCPU-hour", FARGATE, true) },
    fargateGbHour: { X86_64: ohio(0.004445, "GB-hour", FARGATE, true), ARM64: ohio(0.00356, "GB-hour", FARGATE, true) },
    albHour: ohio(0.0225, "ALB-hour", ELB),
    albLcuHour: ohio(0.008, "LCU-hour", ELB),
    natHour: ohio(0.045, "NAT gateway-hour", VPC),
    natGb: ohio(0.045, "GB processed", VPC),
    publicIpv4Hour: ohio(0.005, "public IPv4 address-hour", VPC),
    endpointAzHour: ohio(0.01, "interface endpoint-hour per AZ", "https://aws.amazon.com/privatelink/pricing/"),
    endpointGb: ohio(0.01, "GB processed", "https://aws.amazon.com/privatelink/pricing/"),
    firewallEndpointHour: ohio(0.395, "firewall endpoint-hour", NETWORK_FIREWALL),
    firewallGb: ohio(0.065, "GB processed by the firewall", NETWORK_FIREWALL),
    cacheNodeHour: {
        redis: Object.fromEntries(Object.entries(REDIS_NODE_HOUR).map(([t, usd]) => [t, ohio(usd, "node-hour", ELASTICACHE)])),
        valkey: Object.fromEntries(Object.entries(REDIS_NODE_HOUR).map(([t, usd]) => [t, ohio(round(usd * (1 - VALKEY_DISCOUNT), 6), "node-hour", ELASTICACHE)])),
    },
    cacheSnapshotGbMonth: ohioEstimate(0.085, "GB-month of snapshot storage beyond the free one", "ElastiCache pricing"),
    atlasClusterHour: Object.fromEntries(Object.entries(ATLAS_CLUSTER_HOUR).map(([tier, usd]) => [tier, estimate(usd, "cluster-hour, 3 nodes", OHIO_ATLAS_ESTIMATE)])),
    atlasBackupGbMonth: ohioEstimate(0.14, "GB-month of cloud backup storage", "Atlas billing"),
    atlasDiskGbMonth: ohioEstimate(0.4, "GB-month of disk beyond the tier's included storage (3 nodes)", "Atlas billing"),
    // The page's us-east-2 row (ATLAS_PRIVATE_ENDPOINT above): read for Ohio itself, not assumed.
    atlasPrivateEndpointHour: p(0.045, "private endpoint-hour", ATLAS_PRIVATE_ENDPOINT, undefined, TODAY),
    kmsKeyMonth: ohio(1, "key-month", KMS),
    secretMonth: ohio(0.4, "secret-month", SECRETS),
    wafAclMonth: ohio(5, "web ACL-month", WAF),
    wafRuleMonth: ohio(1, "rule-month", WAF),
    wafMillionRequests: ohio(0.6, "million requests", WAF),
    alarmMetricMonth: ohio(0.1, "alarm metric-month", CLOUDWATCH),
    customMetricMonth: ohio(0.3, "custom metric-month (first 10,000)", CLOUDWATCH),
    dashboardMonth: ohio(3, "dashboard-month", CLOUDWATCH),
    logIngestGb: ohio(0.5, "GB ingested", CLOUDWATCH),
    logStorageGbMonth: ohio(0.03, "GB-month of logs stored", CLOUDWATCH),
    s3GbMonth: ohio(0.023, "GB-month, S3 Standard", S3),
    xrayMillionTracesRecorded: ohio(5, "million traces recorded", XRAY),
    xrayMillionTracesRetrieved: ohio(0.5, "million traces retrieved or scanned", XRAY),
    // The FIS page states one price for every region outside GovCloud (FIS above).
    fisActionMinute: ohio(0.1, "FIS action-minute", FIS, true),
};

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
        firewallEndpointHour: p(0.395, "firewall endpoint-hour", NETWORK_FIREWALL),
        firewallGb: p(0.065, "GB processed by the firewall", NETWORK_FIREWALL),
        cacheNodeHour: {
            redis: Object.fromEntries(Object.entries(REDIS_NODE_HOUR).map(([t, usd]) => [t, p(usd, "node-hour", ELASTICACHE)])),
            valkey: Object.fromEntries(Object.entries(REDIS_NODE_HOUR).map(([t, usd]) => [t, p(round(usd * (1 - VALKEY_DISCOUNT), 6), "node-hour", ELASTICACHE)])),
        },
        cacheSnapshotGbMonth: estimate(0.085, "GB-month of snapshot storage beyond the free one",
            "searched copies of the ElastiCache pricing page and docs on 2026-11-30: they mention backup storage charges, not the rate or the free allowance; $0.085 per GB-month with one snapshot per cluster free is the last figure known"),
        atlasClusterHour: Object.fromEntries(Object.entries(ATLAS_CLUSTER_HOUR).map(([tier, usd]) => [tier, ATLAS_PUBLIC_TIERS.includes(tier) ? p(usd, "cluster-hour, 3 nodes", ATLAS, tier === "M30" ? true : undefined) : estimate(usd, "cluster-hour, 3 nodes", ATLAS_TIER_ESTIMATE)])),
        atlasBackupGbMonth: estimate(0.14, "GB-month of cloud backup storage",
            "Atlas's billing docs (Cluster Configuration Costs, Backup) say snapshot storage is charged per GB-month by region but name no figure; searched mongodb.com docs and pricing copies on 2026-11-30, none states one; the last figure known"),
        // Not on a price list: derived from Atlas's own example (an AWS M30 at $0.54/hour becomes
        // $0.65/hour with 200 GB of storage, the whole 200 GB charged): $0.11 / 200 GB × 730 h ≈ $0.40
        // per GB-month for a 3-node replica set. Check the cluster's price in the Atlas UI.
        atlasDiskGbMonth: estimate(0.4, "GB-month of disk beyond the tier's included storage (3 nodes)",
            "searched mongodb.com docs and pricing copies on 2026-11-30: no price list states a per-GB disk price; derived from the invoice-breakdown example in Atlas's billing docs (a cluster at $0.54/hour becomes $0.65/hour with 200 GB of storage)"),
        // Atlas's own charge; the AWS side is priced as an interface endpoint (endpointAzHour).
        atlasPrivateEndpointHour: p(0.045, "private endpoint-hour", ATLAS_PRIVATE_ENDPOINT, undefined, TODAY),
        kmsKeyMonth: p(1, "key-month", KMS),
        secretMonth: p(0.4, "secret-month", SECRETS),
        wafAclMonth: p(5, "web ACL-month", WAF),
        wafRuleMonth: p(1, "rule-month", WAF),
        wafMillionRequests: p(0.6, "million requests", WAF),
        alarmMetricMonth: p(0.1, "alarm metric-month", CLOUDWATCH),
        customMetricMonth: p(0.3, "custom metric-month (first 10,000)", CLOUDWATCH, undefined, TODAY),
        dashboardMonth: p(3, "dashboard-month", CLOUDWATCH),
        logIngestGb: p(0.5, "GB ingested", CLOUDWATCH),
        logStorageGbMonth: p(0.03, "GB-month of logs stored", CLOUDWATCH, undefined, TODAY),
        s3GbMonth: p(0.023, "GB-month, S3 Standard", S3),
        xrayMillionTracesRecorded: p(5, "million traces recorded", XRAY, true, TODAY),
        xrayMillionTracesRetrieved: p(0.5, "million traces retrieved or scanned", XRAY, true, TODAY),
        fisActionMinute: p(0.1, "FIS action-minute", FIS, true, TODAY),
    },
    "us-east-2": US_EAST_2,
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
