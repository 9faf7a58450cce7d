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
                  // Head sampling (OpenTelemetry SDK environment variables spec, "General SDK Configuration":
                  // OTEL_TRACES_SAMPLER parentbased_traceidratio takes its ratio, 0–1, from OTEL_TRACES_SAMPLER_ARG).
                  // Parent-based: a request arriving with a sampling decision keeps it, so a trace stays whole.
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
