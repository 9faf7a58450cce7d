/** Names every part of the config shares: the project, environments, services, reserved variables. */
export const PROJECT = "payment-gateway";
/**
 * What the offline harness hands the program in place of a `secure:` value it cannot decrypt (the
 * engine hands the decrypted value). Such a value is not validated: its default, if any, stands
 * in, and the plan says so (Config.undecrypted).
 */
export const UNDECRYPTED = "[secure value, not decrypted offline]";
/**
 * Keys no config may hold, at any depth: they name JavaScript's object machinery, where a value
 * would vanish (`__proto__`) or be mistaken for something else. Refused by name, never dropped.
 */
export const FORBIDDEN_KEYS = ["__proto__", "constructor", "prototype"];
export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export const SERVICE_NAMES = ["admin", "main", "worker"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Environment variables the program sets itself; extraEnvironment may not override them. */
export const RESERVED_ENV_PREFIXES = ["MPG_DATABASE_", "MPG_GARNET_", "OTEL_"];
export const RESERVED_ENV_NAMES = ["MPG_MAIN_WORKER_CONCURRENCY"];

/** Memory (MiB) the worker process needs besides its jobs, and what each concurrent PDF job needs. */
export const WORKER_BASE_MEMORY_MIB = 512;
export const WORKER_MEMORY_PER_JOB_MIB = 256;
