import { ECR_ENDPOINT_SERVICES, ecrRepositoryOf } from "../images";
import { EgressDomain, egressAllowList } from "../egress";
import { ConnectionBudget } from "../pool";
import { atlasRegionName, FARGATE_MEMORY_BY_CPU } from "../limits";
import { SERVICE_NAMES, WORKER_BASE_MEMORY_MIB, WORKER_MEMORY_PER_JOB_MIB } from "./constants";
import { boolean, section } from "./fields";
import { DEFAULT_TRACE_SAMPLE_RATIO, Parsed } from "./schema";

/** The cache image a local stack runs for each engine unless `local.cache.image` is set. */
export const LOCAL_CACHE_IMAGES = { valkey: "valkey/valkey:8.0.1", redis: "redis:7.2.5", garnet: "ghcr.io/microsoft/garnet:1.0.39" } as const;

/** Resolution: environment-dependent defaults, and the resolved Config every other module reads. */

export function resolve(parsed: Parsed, awsRegion: string) {
    const prod = parsed.environment === "prod";
    // A warm standby runs each service at its warm floor while passive (standby.warmInstances) and
    // scales up to the ceiling it shares with the primary (<service>.maxInstances).
    const warm = parsed.purpose === "standby" ? parsed.standby?.warmInstances : undefined;
    // Staging rehearses prod's releases; dev replaces tasks in place (and a local stack has no ECS).
    const shifting = parsed.environment !== "dev" && parsed.purpose !== "local";
    const release = (name: "admin" | "main" | "worker", r: Parsed["main"]["release"]) => ({
        ...r,
        strategy: r.strategy ?? (!shifting || name === "worker" ? "ROLLING" : name === "main" ? "CANARY" : "LINEAR"),
        alarmRollback: r.alarmRollback ?? (shifting && name !== "worker"),
    });
    const service = <S extends Parsed["main"]>(s: S, name: "admin" | "main" | "worker") => ({
        ...s,
        instances: warm ? warm[name] : s.instances,
        release: release(name, s.release),
        maxInstances: s.maxInstances ?? s.instances,
        platform: s.build?.platform ?? (s.architecture === "ARM64" ? "linux/arm64" : "linux/amd64"),
        deployment: { ...s.deployment, waitForSteadyState: s.deployment.waitForSteadyState ?? prod },
    });
    return {
        ...parsed,
        prod,
        region: awsRegion,
        network: {
            ...parsed.network,
            interfaceEndpoints: parsed.network.interfaceEndpoints ?? prod,
            // PCI DSS 1.3.2: outbound traffic from the cardholder data environment restricted to what is necessary.
            egress: { ...parsed.network.egress, mode: parsed.network.egress.mode ?? (prod ? "firewall" : "nat") },
        },
        loadBalancer: {
            ...parsed.loadBalancer,
            deletionProtection: parsed.loadBalancer.deletionProtection ?? prod,
            accessLogs: parsed.loadBalancer.accessLogs ?? (prod || !!parsed.loadBalancer.accessLogsBucket),
            accessLogsObjectLock: parsed.loadBalancer.accessLogsObjectLock ?? prod,
            waf: { ...parsed.loadBalancer.waf, enabled: parsed.loadBalancer.waf.enabled ?? prod },
        },
        admin: service(parsed.admin, "admin"),
        main: service(parsed.main, "main"),
        worker: {
            ...service({ ...parsed.worker, memory: parsed.worker.memory ?? workerMemory(parsed.worker.cpu, parsed.worker.concurrency) }, "worker"),
            healthCheck: {
                ...parsed.worker.healthCheck,
                command: parsed.worker.healthCheck.command ?? ["CMD-SHELL", `curl -fsS http://localhost:${parsed.worker.containerPort}/health || exit 1`],
            },
        },
        atlas: {
            ...parsed.atlas,
            region: parsed.atlas.region ?? atlasRegionName(awsRegion),
            privateLink: parsed.atlas.privateLink ?? prod,
            // A restore drill holds a copy of prod's data: audited like prod.
            auditing: parsed.atlas.auditing ?? (prod || parsed.purpose === "restore-drill"),
        },
        security: {
            ...parsed.security,
            // A restore drill restores prod's backups, which are under prod's customer key: Atlas
            // restores only into a cluster with the same encryption provider.
            atlasCustomerKey: parsed.security.atlasCustomerKey ?? (prod || parsed.purpose === "restore-drill"),
            flowLogs: parsed.security.flowLogs ?? prod,
            organizationChecks: parsed.security.organizationChecks ?? prod,
        },
        cache: {
            ...parsed.cache,
            engineVersion: parsed.cache.engineVersion ?? (parsed.cache.engine === "valkey" ? "8.0" : "7.1"),
            failover: parsed.cache.nodes >= 2,
        },
        local: {
            ...parsed.local,
            cache: { ...parsed.local.cache, image: parsed.local.cache.image ?? LOCAL_CACHE_IMAGES[parsed.local.cache.engine] },
        },
        observability: { ...parsed.observability, traceSampleRatio: parsed.observability.traceSampleRatio ?? DEFAULT_TRACE_SAMPLE_RATIO[parsed.environment] },
    };
}

/**
 * The keys a resolved value defaults from (resolve above): a check that reads the resolved value
 * reads them too. `main.maxInstances` defaults from `main.instances`, and so on.
 */
export function defaultsFrom(key: string): string[] {
    const [section, ...rest] = key.split(".");
    if ((SERVICE_NAMES as readonly string[]).includes(section)) {
        const fromService: Record<string, string[]> = {
            maxInstances: [`${section}.instances`],
            platform: [`${section}.architecture`],
            "deployment.waitForSteadyState": ["environment"],
            "release.strategy": ["environment"],
            "release.alarmRollback": ["environment"],
            "healthCheck.command": [`${section}.containerPort`],
            // The worker's memory defaults to what its cpu and concurrency need (workerMemory).
            ...(section === "worker" ? { memory: ["worker.cpu", "worker.concurrency"] } : {}),
        };
        return fromService[rest.join(".")] ?? [];
    }
    const from: Record<string, string[]> = {
        "network.interfaceEndpoints": ["environment"],
        "network.egress.mode": ["environment"],
        "loadBalancer.deletionProtection": ["environment"],
        "loadBalancer.accessLogs": ["environment", "loadBalancer.accessLogsBucket"],
        "loadBalancer.waf.enabled": ["environment"],
        "atlas.region": ["aws:region"],
        "atlas.privateLink": ["environment"],
        "cache.engineVersion": ["cache.engine"],
        "cache.failover": ["cache.nodes"],
        "local.cache.image": ["local.cache.engine"],
    };
    return from[key] ?? [];
}

/** The smallest memory Fargate offers for `cpu` that fits `concurrency` jobs (or the largest it offers). */
export function workerMemory(cpu: number, concurrency: number): number {
    const needed = WORKER_BASE_MEMORY_MIB + WORKER_MEMORY_PER_JOB_MIB * concurrency;
    const sizes = FARGATE_MEMORY_BY_CPU[cpu] ?? [1024];
    return sizes.find((m) => m >= needed) ?? sizes[sizes.length - 1];
}

export type Config = ReturnType<typeof resolve> & {
    /** The MongoDB connection budget and the pool sizes derived from it (lib/pool.ts). */
    connections: ConnectionBudget;
    /** Keys whose value was a secure value the offline harness could not decrypt (never under the engine). */
    undecrypted: string[];
};
export type ServiceConfig = Config["main"];
export type AtlasRestore = NonNullable<Config["atlas"]["restore"]>;
export type Resolved = ReturnType<typeof resolve>;
/** Whether the stack runs the gateway's services: a gateway, or its warm standby (a restore drill runs none). */
export function runsServices(c: Pick<Resolved, "purpose">): boolean {
    return c.purpose === "gateway" || c.purpose === "standby";
}

/**
 * Interface endpoints tasks in private subnets need to start without crossing the NAT
 * (`network.interfaceEndpoints`), and KMS, which the gateway calls for every envelope encryption
 * under the application key (kms:GenerateDataKey, kms:Decrypt): those calls then stay in the VPC
 * (AWS KMS Developer Guide, "Connecting to AWS KMS through a VPC endpoint": with private DNS the
 * regional name resolves to the endpoint). No STS endpoint: tasks take their role's credentials
 * from the ECS agent (169.254.170.2, in the task), and nothing the program configures calls STS.
 */
export const INTERFACE_ENDPOINT_SERVICES = [...ECR_ENDPOINT_SERVICES, "kms", "logs", "secretsmanager"] as const;

/**
 * Whether a task pulls an image from ECR in the stack's own region: a service built here (pushed
 * to the stack's ECR repository) or configured with such an image, or such a collector image. The
 * ecr.api and ecr.dkr endpoints serve only those pulls (an image from another registry, or from
 * ECR Public, comes through the NAT gateways), so without one they would cost money for nothing.
 */
export function pullsFromEcrInRegion(c: Resolved): boolean {
    const inRegion = (image: string | undefined) => !!image && ecrRepositoryOf(image)?.region === c.region;
    const services = runsServices(c) ? SERVICE_NAMES.map((n) => c[n]) : [];
    const collector = c.observability.tracing && !c.observability.otlpEndpoint ? c.observability.collectorImage : undefined;
    return services.some((s) => !!s.build || inRegion(s.image)) || inRegion(collector);
}

/** The interface endpoint services the stack declares: none without `network.interfaceEndpoints`, the ECR pair only for ECR pulls in its region. */
export function interfaceEndpointServices(c: Resolved): string[] {
    if (!runsServices(c) || !c.network.interfaceEndpoints) return [];
    const ecr = pullsFromEcrInRegion(c);
    return INTERFACE_ENDPOINT_SERVICES.filter((s) => ecr || !(ECR_ENDPOINT_SERVICES as readonly string[]).includes(s));
}

/**
 * The domains the egress firewall lets the tasks reach (lib/egress.ts): derived from what the
 * stack runs and reaches, then `network.egress.allowedDomains`. Empty without the firewall.
 */
export function egressDomains(c: Resolved, account?: string): EgressDomain[] {
    if (!runsServices(c) || c.network.egress.mode !== "firewall") return [];
    const services = SERVICE_NAMES.map((n) => c[n]);
    const sidecar = c.observability.tracing && !c.observability.otlpEndpoint;
    return egressAllowList({
        region: c.region,
        endpointServices: interfaceEndpointServices(c),
        images: [...services.filter((s) => !s.build && s.image).map((s) => s.image!), ...(sidecar ? [c.observability.collectorImage] : [])],
        builds: services.some((s) => !!s.build),
        account,
        xray: sidecar,
        otlpEndpoint: c.observability.tracing ? c.observability.otlpEndpoint : undefined,
        atlasOverInternet: !c.atlas.privateLink,
        allowedDomains: c.network.egress.allowedDomains,
        secretArns: services.flatMap((s) => [...Object.values(s.secrets as Record<string, string>), ...(s.repositoryCredentials ? [s.repositoryCredentials] : [])]),
    });
}
