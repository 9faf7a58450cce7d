/**
 * Runs the real index.ts in-process under Pulumi's mock engine, with stack config assembled the
 * way the Pulumi CLI assembles it, and records everything the program registers.
 *
 *   const run = await runProgram({ stack: "prod", set: { "main.instances": 3 } });
 *   run.one("aws:ecs/service:Service", "pg-main").inputs.desiredCount
 *
 * Used by the tests and by `npm run plan`.
 */
export * from "./harness/config";
export * from "./harness/run";
export * from "./harness/engine";
export * from "./harness/primary";
