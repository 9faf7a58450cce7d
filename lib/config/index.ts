/**
 * The stack config contract: schema, defaults and validation.
 *
 * A plain module: it declares no resources. `validateConfig` takes the raw values of the
 * `payment-gateway:*` keys (as the Pulumi CLI hands them to the program) and either returns the
 * resolved, fully-defaulted config or throws a ConfigError that lists every problem at once,
 * each naming the key, the value and what is allowed.
 *
 * Per-field defaults live here, not in Pulumi.yaml: the CLI applies a project-level default only
 * to a whole top-level key, so a stack that sets `main.instances` would otherwise lose every other
 * default of `main`.
 *
 *   constants.ts        names every module shares (services, environments, reserved variables)
 *   fields.ts           building blocks of the schema: how a field reads what the CLI writes, and its message
 *   schema.ts           the reference of every key (schema/services.ts: admin, main, worker)
 *   resolve.ts          environment-dependent defaults; the resolved Config type
 *   rules/              rules by topic: crossField, prod (HA checklist, PCI DSS), region, names,
 *                       restore, build, budget (connections and cost)
 *   problems.ts         a problem, its formatting, ConfigError, zod's messages
 *   validate.ts         validateConfig: the schema, then every rule, all problems at once
 */
export { ENVIRONMENTS, FORBIDDEN_KEYS, PROJECT, RESERVED_ENV_NAMES, RESERVED_ENV_PREFIXES, SERVICE_NAMES, UNDECRYPTED, WORKER_BASE_MEMORY_MIB, WORKER_MEMORY_PER_JOB_MIB } from "./constants";
export type { Environment, ServiceName } from "./constants";
export { configJson, parseConfigJson, STACK_NAME } from "./fields";
export { CONFIG_KEYS, ConfigSchema, DEFAULT_COLLECTOR_IMAGE, DEFAULT_TRACE_SAMPLE_RATIO } from "./schema";
export type { RawConfig } from "./schema";
export { egressDomains, INTERFACE_ENDPOINT_SERVICES, interfaceEndpointServices, pullsFromEcrInRegion, workerMemory } from "./resolve";
export type { AtlasRestore, Config, Resolved, ServiceConfig } from "./resolve";
export { ConfigError, formatPath, formatProblem, formatUnchecked } from "./problems";
export type { Problem, Unchecked } from "./problems";
export { offeredZoneProblems } from "./rules/region";
export { bomFromConfig } from "./rules/budget";
export { validateConfig } from "./validate";
export type { LastDeployment, ValidationContext } from "./validate";
