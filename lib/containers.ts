/**
 * The container definitions of a gateway service's task definition, as plain data: the gateway
 * container and, with tracing, the OpenTelemetry collector sidecar. No resources; the Service
 * component (components/service.ts) resolves the values and declares the task definition.
 */
import { ServiceConfig } from "./config";

/** The OpenTelemetry collector sidecar's container name. */
export const COLLECTOR_CONTAINER = "otel-collector";

/** Container label carrying the digest of the secrets' version ids (see `secretsVersion` in components/service.ts). */
export const SECRETS_VERSION_LABEL = "payment-gateway.secrets-version";

/** A container health check: ECS replaces a task whose check fails. */
export interface ContainerHealthCheck {
    command: string[];
    intervalSeconds: number;
    timeoutSeconds: number;
    retries: number;
    startPeriodSeconds: number;
}

export interface ContainerArgs {
    /** Short service name: names the gateway container and its log stream prefix. */
    service: string;
    /** Sizes, port, process, the gateway's own secrets and registry credentials from config. */
    config: ServiceConfig;
    /** The image reference the gateway container runs. */
    image: string;
    /** AWS region of the log group. */
    region: string;
    /** The log group both containers write to. */
    logGroup: string;
    /** Plain environment (never a credential), by name. */
    environment: Record<string, string>;
    /** The generated secrets, each variable's name to its secret's ARN, in the order given. Default none. */
    secrets?: Record<string, string>;
    /** The digest of the secrets' version ids, as the SECRETS_VERSION_LABEL label. */
    secretsVersion: string;
    /** Whether the load balancer routes to the container port (published only then). Default false. */
    routed?: boolean;
    /** A container health check. Default none. */
    healthCheck?: ContainerHealthCheck;
    /** The collector sidecar's image. Default: no sidecar. */
    collectorImage?: string;
    /** Root filesystem read-only, and the user the gateway runs as. Default: writable, the image's USER. */
    hardening?: { readonlyRootFilesystem: boolean; user?: string };
}

/** The gateway container, then the collector sidecar when there is one. */
export function containerDefinitions(a: ContainerArgs): Record<string, unknown>[] {
    const { config } = a;
    return [{
        name: a.service,
        image: a.image,
        essential: true,
        // ECS reads `secrets` only when a task starts: a new value of any of them must
        // make a new task definition, so the service rolls onto it.
        dockerLabels: { [SECRETS_VERSION_LABEL]: a.secretsVersion },
        portMappings: a.routed ? [{ containerPort: config.containerPort, protocol: "tcp" }] : [],
        environment: Object.entries(a.environment).sort(([x], [y]) => x.localeCompare(y)).map(([name, value]) => ({ name, value })),
        // The generated secrets, then the gateway's own (config `secrets`: existing ARNs).
        secrets: [
            ...Object.entries(a.secrets ?? {}).map(([name, valueFrom]) => ({ name, valueFrom })),
            ...Object.entries(config.secrets).sort(([x], [y]) => x.localeCompare(y)).map(([name, valueFrom]) => ({ name, valueFrom })),
        ],
        // ECS task definition parameters `entryPoint` and `command` (Docker ENTRYPOINT and
        // CMD, one argument per item); unset, the image's own run.
        ...(config.entryPoint ? { entryPoint: config.entryPoint } : {}),
        ...(config.command ? { command: config.command } : {}),
        // A private registry other than ECR: ECS pulls with the credentials in this secret
        // (ECS task definition parameter `repositoryCredentials.credentialsParameter`).
        ...(config.repositoryCredentials ? { repositoryCredentials: { credentialsParameter: config.repositoryCredentials } } : {}),
        logConfiguration: {
            logDriver: "awslogs",
            options: { "awslogs-group": a.logGroup, "awslogs-region": a.region, "awslogs-stream-prefix": a.service },
        },
        stopTimeout: 30,
        ...(a.hardening?.readonlyRootFilesystem ? { readonlyRootFilesystem: true } : {}),
        ...(a.hardening?.user ? { user: a.hardening.user } : {}),
        ...healthCheck(a.healthCheck),
        // Spans sent before the collector listens are lost: start it first (it stays non-essential).
        ...(a.collectorImage ? { dependsOn: [{ containerName: COLLECTOR_CONTAINER, condition: "START" }] } : {}),
    }, ...(a.collectorImage ? [collectorContainer(a.collectorImage, a.logGroup, a.region)] : [])];
}

/** The AWS Distro for OpenTelemetry collector: OTLP in on localhost, traces out to X-Ray. */
function collectorContainer(image: string, logGroup: string, region: string): Record<string, unknown> {
    const config = [
        "receivers:",
        "  otlp:",
        "    protocols:",
        '      grpc: { endpoint: "0.0.0.0:4317" }',
        '      http: { endpoint: "0.0.0.0:4318" }',
        "processors:",
        "  batch: {}",
        "exporters:",
        `  awsxray: { region: ${region} }`,
        "service:",
        "  pipelines:",
        "    traces: { receivers: [otlp], processors: [batch], exporters: [awsxray] }",
    ].join("\n");
    return {
        name: COLLECTOR_CONTAINER,
        image,
        // Telemetry must never take a payment process down with it.
        essential: false,
        memoryReservation: 64,
        environment: [{ name: "AOT_CONFIG_CONTENT", value: config }],
        logConfiguration: {
            logDriver: "awslogs",
            options: { "awslogs-group": logGroup, "awslogs-region": region, "awslogs-stream-prefix": "otel" },
        },
    };
}

function healthCheck(hc: ContainerHealthCheck | undefined): { healthCheck?: Record<string, unknown> } {
    if (!hc) return {};
    return { healthCheck: { command: hc.command, interval: hc.intervalSeconds, timeout: hc.timeoutSeconds, retries: hc.retries, startPeriod: hc.startPeriodSeconds } };
}
