/**
 * The one place the services' plain environment is assembled. Credentials never pass through
 * here: they reach the tasks as ECS secrets (index.ts).
 */
import { Config, PROJECT, ServiceName } from "./config";

/** Where the collector sidecar listens (OTLP over HTTP); tasks share localhost in awsvpc mode. */
export const SIDECAR_OTLP_ENDPOINT = "http://localhost:4318";

export function serviceEnvironment(config: Config, name: ServiceName): Record<string, string> {
    const pool = config.connections.services.find((s) => s.name === name)!;
    const o = config.observability;
    return {
        ...config[name].extraEnvironment,
        ...(o.tracing
            ? {
                  OTEL_EXPORTER_OTLP_ENDPOINT: o.otlpEndpoint ?? SIDECAR_OTLP_ENDPOINT,
                  OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
                  OTEL_SERVICE_NAME: `${PROJECT}-${name}`,
                  OTEL_RESOURCE_ATTRIBUTES: `deployment.environment=${config.environment},service.namespace=${PROJECT}`,
                  // Head sampling. OpenTelemetry's "General SDK Configuration" (opentelemetry.io/docs/languages/
                  // sdk-configuration/general/, read 2026-11-30): OTEL_TRACES_SAMPLER "parentbased_traceidratio" is
                  // ParentBased(root=TraceIdRatioBased), OTEL_TRACES_SAMPLER_ARG its probability in [0..1] (1.0 if
                  // unset); without them the SDK's default, parentbased_always_on, records every request.
                  // Parent-based: a request arriving with a sampling decision keeps it, so a trace stays whole.
                  // So a caller's sampled traceparent is recorded whatever the ratio (the SDK specification's
                  // ParentBased: remoteParentSampled defaults to AlwaysOn, and no environment variable sets it).
                  OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
                  OTEL_TRACES_SAMPLER_ARG: String(o.traceSampleRatio),
              }
            : { OTEL_SDK_DISABLED: "true" }),
        MPG_DATABASE_MAX_POOL_SIZE: String(pool.maxPoolSize),
        MPG_DATABASE_MIN_POOL_SIZE: String(pool.minPoolSize),
        MPG_DATABASE_MAX_CONNECTING: String(pool.maxConnecting),
        ...(name === "worker" ? { MPG_MAIN_WORKER_CONCURRENCY: String(config.worker.concurrency) } : {}),
    };
}

/**
 * The TCP port an OTLP endpoint URL is reached on (observability.otlpEndpoint): its explicit port,
 * else 443 for https and 80 for http. The services' egress opens it (their only other way out is
 * 443), so an endpoint such as https://otlp.example.com:4318 is reachable.
 */
export function otlpEndpointPort(endpoint: string): number {
    const url = new URL(endpoint);
    if (url.port) return Number(url.port);
    return url.protocol === "http:" ? 80 : 443;
}

/** The port the services export traces to outside the task: none with the sidecar (localhost) or without tracing. */
export function traceExportPort(config: Config): number | undefined {
    const o = config.observability;
    return o.tracing && o.otlpEndpoint ? otlpEndpointPort(o.otlpEndpoint) : undefined;
}
