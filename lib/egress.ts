/**
 * The tasks' controlled path to the internet (`network.egress`): which domains the Network Firewall
 * lets through, and the limits of its rule group. A plain module: it declares no resources.
 *
 * In firewall mode a task's packet to the internet goes private subnet → the firewall endpoint of
 * its zone → the NAT gateway → the internet gateway. The firewall's one stateful rule group is a
 * domain list (ALLOWLIST over TLS_SNI and HTTP_HOST): HTTPS whose TLS server name, and HTTP whose
 * Host header, is on the list passes; "for Allow, traffic of the specified protocol type that does
 * not match the domain specifications is denied" (Network Firewall Developer Guide, "Stateful domain
 * list rule groups", https://docs.aws.amazon.com/network-firewall/latest/developerguide/stateful-rule-groups-domain-names.html).
 * Everything else (another protocol, a TLS connection without a server name, a bare IP address) is
 * dropped by the policy's default action (components/egressFirewall.ts).
 */
import { ECR_ENDPOINT_SERVICES, ecrRepositoryOf } from "./images";

/** An exact domain (api.example.com) or, with a leading dot, a domain and all its subdomains (.example.com): the two forms a domain list takes (RulesSourceList.Targets, Network Firewall API Reference). */
export const EGRESS_DOMAIN = /^(?=.{1,253}$)\.?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** TLS_SNI for HTTPS, HTTP_HOST for HTTP (RulesSourceList.TargetTypes, Network Firewall API Reference). */
export const EGRESS_TARGET_TYPES = ["TLS_SNI", "HTTP_HOST"] as const;

/**
 * The domain list rule group's capacity. "Each rule group must have a capacity setting that's fixed
 * at creation … You can't change or exceed a rule group's capacity when you make changes to it, so
 * when you set the rule group's capacity, leave room for it to grow" (Network Firewall Developer
 * Guide, "Setting rule group capacity", https://docs.aws.amazon.com/network-firewall/latest/developerguide/nwfw-rule-group-capacity.html),
 * and the provider replaces a rule group whose `capacity` changes (ForceNew,
 * internal/service/networkfirewall/rule_group.go): fixed, so that editing the list never replaces
 * the group under a running firewall.
 */
export const EGRESS_RULE_GROUP_CAPACITY = 1000;

/**
 * The capacity a domain list uses: a unit per domain and target type plus one per target type. The
 * developer guide gives no formula for domain lists; this is the measured one
 * (https://cloudnetworks.io/2021-09-22-suricata-notes: 99 domains over HTTP fill a capacity of 100).
 * Not confirmed by AWS: validation keeps well inside it.
 */
export function domainListCapacity(domains: number): number {
    return (domains + 1) * EGRESS_TARGET_TYPES.length;
}

/** The most domains the allow-list may hold within EGRESS_RULE_GROUP_CAPACITY. */
export const EGRESS_MAX_DOMAINS = Math.floor(EGRESS_RULE_GROUP_CAPACITY / EGRESS_TARGET_TYPES.length) - 1;

/**
 * ECR Public (public.ecr.aws) serves image layers from CloudFront distributions of its own ("ECR
 * Public caches image layers in Amazon CloudFront", AWS News Blog, Amazon ECR Public). AWS names
 * no layer host in ECR Public's own guide; the two below are those the EKS Anywhere documentation
 * (AWS's, aws/eks-anywhere docs/content/en/docs/osmgmt/artifacts.md, "Network connectivity
 * requirements") lists beside public.ecr.aws: d2glxqk2uabbnd.cloudfront.net "to pull the EKS
 * Anywhere and EKS Distro ECR container images" and d5l0dvt14r5h8.cloudfront.net "for EKS Anywhere
 * package ECR container". That every ECR Public repository (the collector's) is served from these
 * two is inferred from that list, not stated by AWS. If a pull of the collector is dropped, its
 * alert log names the host: add it to allowedDomains, or pull the collector from ECR in the
 * stack's region (through the endpoints).
 */
export const ECR_PUBLIC_DOMAINS = ["public.ecr.aws", "d2glxqk2uabbnd.cloudfront.net", "d5l0dvt14r5h8.cloudfront.net"];
/** Docker Hub: the registry, its token service and its layer CDNs (Docker's "Allowlist for organizational admins", https://docs.docker.com/desktop/setup/allow-list/). */
export const DOCKER_HUB_DOMAINS = ["registry-1.docker.io", "auth.docker.io", "production.cloudflare.docker.com", "production.cloudfront.docker.com"];

/** What the allow-list is derived from: the parts of the resolved config it reads. */
export interface EgressInputs {
    region: string;
    /** Interface endpoint services the stack declares (lib/config interfaceEndpointServices): their calls stay in the VPC. */
    endpointServices: string[];
    /** Every image a task runs (the three services', and the collector sidecar's when there is one). */
    images: string[];
    /** Whether a service is built and pushed to the stack's ECR repository in the region. */
    builds: boolean;
    /** The stack's AWS account (its ECR registry's host for built images); "<account>" until known. */
    account?: string;
    /** The collector sidecar exports to X-Ray (tracing on, no observability.otlpEndpoint). */
    xray: boolean;
    /** observability.otlpEndpoint, when the services export traces there themselves. */
    otlpEndpoint?: string;
    /** Atlas reached over the internet (no PrivateLink): its hosts are *.mongodb.net. */
    atlasOverInternet: boolean;
    /** network.egress.allowedDomains. */
    allowedDomains: string[];
    /** The ARNs the execution roles read at task start besides the stack's own secrets: `<service>.secrets` values and `repositoryCredentials`. */
    secretArns?: string[];
}

export interface EgressDomain {
    domain: string;
    /** Why the tasks reach it: shown by `npm run plan`. */
    why: string;
}

/**
 * The allow-list: what the tasks really reach on the internet, derived from the config, then the
 * gateway's own domains from `network.egress.allowedDomains`. AWS APIs the stack serves through an
 * interface endpoint (private DNS) or the S3 gateway endpoint never reach the firewall, so they are
 * not listed; the others are, by their regional endpoint name
 * (https://docs.aws.amazon.com/general/latest/gr/rande.html: <service>.<region>.amazonaws.com).
 */
export function egressAllowList(e: EgressInputs): EgressDomain[] {
    const out: EgressDomain[] = [];
    const add = (domain: string, why: string) => {
        if (!out.some((d) => d.domain === domain)) out.push({ domain, why });
    };
    const viaEndpoint = (service: string) => e.endpointServices.includes(service);
    const aws = (service: string, why: string) => !viaEndpoint(service) && add(`${service}.${e.region}.amazonaws.com`, why);

    // Task start: the execution role reads the secrets and the log driver writes to CloudWatch Logs.
    aws("secretsmanager", "ECS secrets at task start (no secretsmanager interface endpoint)");
    aws("logs", "the awslogs log driver (no logs interface endpoint)");
    // The gateway's envelope encryption under the application key (kms:GenerateDataKey, kms:Decrypt).
    aws("kms", "the gateway's envelope encryption under the application key (no kms interface endpoint)");
    if (e.xray) aws("xray", "the collector sidecar's awsxray exporter");
    // The gateway's own secrets, read by the ECS agent over the task's network at start: an SSM
    // parameter from Systems Manager (no ssm interface endpoint), a secret of another region from
    // that region's Secrets Manager (arn:<partition>:<service>:<region>:…).
    for (const arn of [...(e.secretArns ?? [])].sort()) {
        const [, , service, region] = arn.split(":");
        if (service === "ssm") add(`ssm.${region}.amazonaws.com`, "SSM parameters among the services' secrets, read at task start");
        else if (service === "secretsmanager" && region !== e.region) add(`secretsmanager.${region}.amazonaws.com`, "a secret of another region among the services' secrets, read at task start");
    }

    const ecrRegions = new Set<string>();
    const accounts = new Set<string>();
    for (const image of e.images) {
        const ecr = ecrRepositoryOf(image);
        if (ecr) {
            ecrRegions.add(ecr.region);
            accounts.add(`${ecr.account}@${ecr.region}`);
        } else if (/^public\.ecr\.aws\//.test(image)) for (const d of ECR_PUBLIC_DOMAINS) add(d, "image pulls from ECR Public");
        else {
            const host = registryHost(image);
            if (host === "docker.io") for (const d of DOCKER_HUB_DOMAINS) add(d, "image pulls from Docker Hub");
            // Another registry: its own host; where it keeps its layers is its own (list it in allowedDomains).
            // (Unless that storage is S3 in the stack's region: the S3 gateway endpoint's route takes it,
            // and its policy passes ECR's layer bucket only, components/network.ts s3EndpointPolicy.)
            else add(host, "the image registry (its layer storage, if elsewhere, belongs in network.egress.allowedDomains)");
        }
    }
    if (e.builds) ecrRegions.add(e.region);
    for (const region of [...ecrRegions].sort()) {
        const inRegion = region === e.region;
        const endpoints = inRegion && ECR_ENDPOINT_SERVICES.every(viaEndpoint);
        if (!endpoints) {
            add(`api.ecr.${region}.amazonaws.com`, "image pulls from ECR (authorization, manifests)");
            for (const a of [...accounts].filter((x) => x.endsWith(`@${region}`)).sort()) add(`${a.split("@")[0]}.dkr.ecr.${region}.amazonaws.com`, "image pulls from ECR (the registry)");
            // This account's registry only: a leading-dot name would pass every account's registry, pushes to another included.
            if (e.builds && inRegion) add(`${e.account ?? "<account>"}.dkr.ecr.${region}.amazonaws.com`, "image pulls from this stack's ECR repositories");
        }
        // Layers come from ECR's S3 bucket; in the stack's region the S3 gateway endpoint carries them.
        if (!inRegion) add(`prod-${region}-starport-layer-bucket.s3.${region}.amazonaws.com`, "image layers from ECR in another region (its S3 bucket)");
    }

    if (e.otlpEndpoint) add(new URL(e.otlpEndpoint).hostname, "observability.otlpEndpoint");
    if (e.atlasOverInternet) add(".mongodb.net", "Atlas over the internet (no PrivateLink): TLS to the replica set's hosts");
    for (const d of e.allowedDomains) add(d, "network.egress.allowedDomains");
    return out;
}

/** The registry host of an image reference without one of ECR's host forms: docker.io when the first part is not a host. */
export function registryHost(image: string): string {
    const first = image.split("/")[0];
    return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost") ? first.split(":")[0] : "docker.io";
}

/** Whether a URL's host is an IP address: a domain list cannot name it (no TLS server name, no Host name to match). */
export function isIpHost(url: string): boolean {
    const host = new URL(url).hostname;
    return /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.startsWith("[");
}
