/**
 * The one place the services' plain environment is assembled. Credentials never pass through
 * here: they reach the tasks as ECS secrets (index.ts).
 */
import { Config, ServiceName } from "./config";

export function serviceEnvironment(config: Config, name: ServiceName): Record<string, string> {
    const pool = config.connections.services.find((s) => s.name === name)!;
    return {
        ...config[name].extraEnvironment,
        MPG_DATABASE_MAX_POOL_SIZE: String(pool.maxPoolSize),
        MPG_DATABASE_MIN_POOL_SIZE: String(pool.minPoolSize),
        MPG_DATABASE_MAX_CONNECTING: String(pool.maxConnecting),
        ...(name === "worker" ? { MPG_MAIN_WORKER_CONCURRENCY: String(config.worker.concurrency) } : {}),
    };
}
