/** Rules between fields: services, routing, network, data tier; they call the rules of each topic (names, region, restore, prod). */
import { ecrRepositoryOf } from "../../images";
import { restoreKey } from "../../restore";
import { ATLAS_TIERS, atlasRegionName, COLLECTOR_PORTS, describeFargateMemory, ELASTICACHE_ENGINE_VERSIONS, isValidFargateSize, RESERVED_COOKIE_PREFIXES } from "../../limits";
import { RESERVED_ENV_NAMES, RESERVED_ENV_PREFIXES, SERVICE_NAMES, WORKER_BASE_MEMORY_MIB, WORKER_MEMORY_PER_JOB_MIB } from "../constants";
import { boolean, isPrivateCidr, list, networkAddress, version } from "../fields";
import { Resolved, runsServices } from "../resolve";
import { formatPath, Problem, within } from "../problems";
import { restoreProblems } from "./restore";
import { nameProblems } from "./names";
import { regionProblems } from "./region";
import { LastDeployment } from "../validate";
import { prodProblems } from "./prod";
import { localProblems } from "./local";
import { standbyProblems } from "./standby";
import { regionLossProblems } from "./regionLoss";
import { releaseProblems } from "./release";
import { egressProblems } from "./egress";

/** Rules that span fields (and the stack's name and region), and the Production HA Checklist in prod. */
export function crossFieldProblems(c: Resolved, stack: string | undefined, now: number, last: LastDeployment = {}): Problem[] {
    const problems: Problem[] = [];
    const add = (path: string, message: string, value: unknown, ...reads: string[]) => problems.push({ path, message, value, reads });
    problems.push(...nameProblems(c, stack), ...regionProblems(c), ...egressProblems(c));

    // A restore drill runs no service: their settings (all defaults there) are not judged.
    // A local stack runs the services too, on Docker: the ECS and Fargate rules are for the cloud ones (runsServices).
    const services = runsServices(c) || c.purpose === "local" ? SERVICE_NAMES : [];
    const gateway = runsServices(c);
    for (const name of services) {
        const s = c[name];
        if (s.maxInstances < s.instances) add(`${name}.maxInstances`, `must be at least ${name}.instances (${s.instances})`, s.maxInstances, `${name}.instances`);
        if (!isValidFargateSize(s.cpu, s.memory)) add(`${name}.memory`, `is not a Fargate size for cpu ${s.cpu}; allowed memory: ${describeFargateMemory(s.cpu)}`, s.memory, `${name}.cpu`);
        if (!!s.image === !!s.build) add(`${name}`, "needs exactly one of image and build", s.image ? { image: s.image, build: s.build } : undefined, `${name}.image`, `${name}.build`);
        if (s.deployment.minimumHealthyPercent >= s.deployment.maximumPercent)
            add(`${name}.deployment.minimumHealthyPercent`, `must be below deployment.maximumPercent (${s.deployment.maximumPercent})`, s.deployment.minimumHealthyPercent, `${name}.deployment.maximumPercent`);
        if (s.build && s.build.platform && s.build.platform !== (s.architecture === "ARM64" ? "linux/arm64" : "linux/amd64"))
            add(`${name}.build.platform`, `must match architecture ${s.architecture}`, s.build.platform, `${name}.architecture`);
        for (const key of Object.keys(s.extraEnvironment)) {
            if (RESERVED_ENV_NAMES.includes(key) || RESERVED_ENV_PREFIXES.some((p) => key.startsWith(p)))
                add(formatPath([name, "extraEnvironment", key]), `is set by the program (reserved: ${[...RESERVED_ENV_PREFIXES.map((p) => p + "*"), ...RESERVED_ENV_NAMES].join(", ")})`, s.extraEnvironment[key]);
        }
        // A secret is one more variable of the container: never one the program sets, never one set twice.
        for (const [key, arn] of Object.entries(s.secrets)) {
            if (RESERVED_ENV_NAMES.includes(key) || RESERVED_ENV_PREFIXES.some((p) => key.startsWith(p)))
                add(formatPath([name, "secrets", key]), `is set by the program (reserved: ${[...RESERVED_ENV_PREFIXES.map((p) => p + "*"), ...RESERVED_ENV_NAMES].join(", ")})`, arn);
            else if (key in s.extraEnvironment)
                add(formatPath([name, "secrets", key]), `is also set in ${name}.extraEnvironment: a variable comes from one place (ECS refuses a name in both environment and secrets)`, arn, formatPath([name, "extraEnvironment", key]));
        }
        // repositoryCredentials is the way to a private registry other than ECR (ECS developer guide,
        // "Using non-AWS container images in Amazon ECS"); ECR is pulled with the execution role.
        if (!gateway) continue; // the rest is about ECS and Fargate (a local stack: rules/local.ts)
        if (s.repositoryCredentials && s.build)
            add(`${name}.repositoryCredentials`, "does not apply with build: the built image is pushed to ECR and pulled with the execution role", s.repositoryCredentials, `${name}.build`);
        else if (s.repositoryCredentials && s.image && ecrRepositoryOf(s.image))
            add(`${name}.repositoryCredentials`, "does not apply to an ECR image, which is pulled with the execution role's ECR permissions; it is for other private registries", s.repositoryCredentials, `${name}.image`);
        // In awsvpc mode the sidecar shares the task's network namespace: one port, one listener.
        if (c.observability.tracing && !c.observability.otlpEndpoint && COLLECTOR_PORTS.includes(s.containerPort))
            add(`${name}.containerPort`, `is a port the OpenTelemetry collector sidecar listens on in the same task (${COLLECTOR_PORTS.join(", ")}); choose another`, s.containerPort, "observability.tracing", "observability.otlpEndpoint");
    }
    // The PDF worker is a process of its own (the gateway's cmd/worker): on the main backend's image,
    // without its own command it would start the main backend's API server.
    const sameImage = !!(c.worker.image && c.worker.image === c.main.image) || !!(c.worker.build && c.main.build && JSON.stringify(c.worker.build) === JSON.stringify(c.main.build));
    const sameProcess = JSON.stringify([c.worker.entryPoint, c.worker.command]) === JSON.stringify([c.main.entryPoint, c.main.command]);
    if (services.length && sameImage && sameProcess)
        add(
            "worker.command",
            c.worker.command === undefined && c.worker.entryPoint === undefined
                ? "is required when the worker runs the main backend's image: without it the worker's tasks start the main backend's API server, not the PDF worker (the gateway's cmd/worker); set it to the worker's executable in the image, such as [\"/app/worker\"]"
                : "must differ from main's (with worker.entryPoint) when the worker runs the main backend's image: otherwise the worker's tasks start the main backend's API server",
            c.worker.command,
            "worker.image", "worker.build", "worker.entryPoint", "main.image", "main.build", "main.command", "main.entryPoint",
        );
    const needed = WORKER_BASE_MEMORY_MIB + WORKER_MEMORY_PER_JOB_MIB * c.worker.concurrency;
    if (services.length && c.worker.memory < needed)
        add("worker.memory", `must leave ${WORKER_MEMORY_PER_JOB_MIB} MiB per concurrent job plus ${WORKER_BASE_MEMORY_MIB} MiB: at least ${needed} for concurrency ${c.worker.concurrency}`, c.worker.memory, "worker.concurrency");

    const whc = c.worker.healthCheck;
    if (whc.timeoutSeconds >= whc.intervalSeconds)
        add("worker.healthCheck.timeoutSeconds", `must be below worker.healthCheck.intervalSeconds (${whc.intervalSeconds})`, whc.timeoutSeconds, "worker.healthCheck.intervalSeconds");

    for (const [i, range] of c.admin.allowedCidrs.entries())
        if (networkAddress(range) !== range) add(formatPath(["admin", "allowedCidrs", i]), `has host bits set: the block is ${networkAddress(range)}`, range);

    const stick = c.admin.stickiness;
    if (stick.type === "app_cookie" && !stick.cookieName) add("admin.stickiness.cookieName", "is required when stickiness.type is app_cookie", undefined, "admin.stickiness.type");
    if (stick.cookieName && RESERVED_COOKIE_PREFIXES.some((p) => stick.cookieName!.toUpperCase().startsWith(p)))
        add("admin.stickiness.cookieName", `must not start with a name the ALB reserves (${RESERVED_COOKIE_PREFIXES.join(", ")})`, stick.cookieName);
    if (stick.type === "lb_cookie" && stick.cookieName) add("admin.stickiness.cookieName", "applies only to stickiness.type app_cookie", stick.cookieName, "admin.stickiness.type");

    if (c.loadBalancer.waf.adminLoginRateLimit >= c.loadBalancer.waf.rateLimit)
        add("loadBalancer.waf.adminLoginRateLimit", `must be below loadBalancer.waf.rateLimit (${c.loadBalancer.waf.rateLimit}): the login paths get the tighter limit`, c.loadBalancer.waf.adminLoginRateLimit, "loadBalancer.waf.rateLimit");

    const hc = c.loadBalancer.healthCheck;
    if (hc.intervalSeconds <= hc.timeoutSeconds)
        add("loadBalancer.healthCheck.timeoutSeconds", `must be below healthCheck.intervalSeconds (${hc.intervalSeconds}); AWS rejects an interval that is not greater than the timeout`, hc.timeoutSeconds, "loadBalancer.healthCheck.intervalSeconds");
    if (c.loadBalancer.accessLogsBucket && !c.loadBalancer.accessLogs)
        add("loadBalancer.accessLogs", "must not be false when loadBalancer.accessLogsBucket names a bucket", false, "loadBalancer.accessLogsBucket");
    if (runsServices(c) && !c.loadBalancer.certificateArn && !c.loadBalancer.hostedZoneId)
        add("loadBalancer", "needs certificateArn or hostedZoneId (to create and DNS-validate a certificate for the HTTPS listener)", undefined, "loadBalancer.certificateArn", "loadBalancer.hostedZoneId");

    const prefix = Number(c.network.cidr.split("/")[1]);
    if (!isPrivateCidr(c.network.cidr) || prefix < 16 || prefix > 20)
        add("network.cidr", "must be a private (10/8, 172.16/12, 192.168/16) IPv4 block from /16 to /20", c.network.cidr);
    else if (networkAddress(c.network.cidr) !== c.network.cidr)
        add("network.cidr", `has host bits set: the block is ${networkAddress(c.network.cidr)}`, c.network.cidr);
    if (c.network.availabilityZones && c.network.availabilityZones.length !== c.network.azCount)
        add("network.availabilityZones", `must list exactly network.azCount (${c.network.azCount}) zones`, c.network.availabilityZones, "network.azCount");
    if (c.network.availabilityZones && new Set(c.network.availabilityZones).size !== c.network.availabilityZones.length)
        add("network.availabilityZones", "must not repeat a zone", c.network.availabilityZones);

    if (c.rotation.database !== undefined && c.atlas.authentication === "iam")
        add("rotation.database", "has no password to rotate: with atlas.authentication iam each service logs in as its task role", c.rotation.database, "atlas.authentication");
    // A deployed stack keeps its authentication: the switch would delete, in one update, the users
    // the running tasks log in as and the URI secrets they read, protected in prod (Pulumi fails an
    // update that deletes a protected resource: https://www.pulumi.com/docs/iac/concepts/options/protect/),
    // and IAM's shared secret would take back the name payment-gateway/<stack>/database-uri, which
    // Secrets Manager keeps for a deleted secret's recovery window (DeleteSecret), so CreateSecret fails.
    const deployedAuthentication = last.databaseUsers === "per-service" ? "password" : last.databaseUsers;
    if (deployedAuthentication && deployedAuthentication !== c.atlas.authentication) {
        const lost = deployedAuthentication === "password"
            ? "each service's password user and its own MPG_DATABASE_URI secret (payment-gateway/<stack>/<service>/database-uri, protected in prod)"
            : "each task role's IAM user and the shared MPG_DATABASE_URI secret (payment-gateway/<stack>/database-uri, protected in prod)";
        add("atlas.authentication", `cannot change on a deployed stack, which uses ${deployedAuthentication}: the update would delete ${lost} while running tasks still use them; allowed: ${deployedAuthentication} (deploy a new stack for ${c.atlas.authentication})`, c.atlas.authentication);
    }
    problems.push(...restoreProblems(c, now, last.restoreKey), ...standbyProblems(c, last), ...regionLossProblems(c, stack, last));
    problems.push(...releaseProblems(c, last.releaseStrategies));
    if (c.purpose === "restore-drill" && !c.atlas.restore)
        add("atlas.restore", "is required when purpose is restore-drill: a restore drill restores a backup", undefined, "purpose");
    if (c.purpose === "restore-drill" && c.prod) add("purpose", "must be gateway in prod: a restore drill is a short-lived stack of its own", c.purpose, "environment");
    if (c.purpose !== "local" && c.purpose !== "standby" && !!c.atlas.orgId === !!c.atlas.projectId) add("atlas", "needs exactly one of orgId (create a project) and projectId (use an existing one)", undefined, "atlas.orgId", "atlas.projectId");
    if (c.atlas.privateLink && c.atlas.region !== atlasRegionName(c.region))
        add("atlas.region", `must be the AWS region's (${atlasRegionName(c.region)}) for PrivateLink`, c.atlas.region, "atlas.privateLink", "aws:region");
    const tierIndex = (t: string) => ATLAS_TIERS.indexOf(t as (typeof ATLAS_TIERS)[number]);
    if (c.atlas.autoScaling) {
        const { minTier, maxTier } = c.atlas.autoScaling;
        if (tierIndex(minTier) > tierIndex(maxTier)) add("atlas.autoScaling.minTier", `must not be above atlas.autoScaling.maxTier (${maxTier})`, minTier, "atlas.autoScaling.maxTier");
        if (tierIndex(c.atlas.tier) < tierIndex(minTier) || tierIndex(c.atlas.tier) > tierIndex(maxTier))
            add("atlas.tier", `must lie within atlas.autoScaling (${minTier}–${maxTier})`, c.atlas.tier, "atlas.autoScaling");
    }
    // With useEffectiveFields, a configured instance size is echoed back but not applied while
    // compute or disk auto-scaling is on; it takes effect only in an update that turns both off
    // (terraform-provider-mongodbatlas docs/resources/advanced_cluster.md, "Manually Updating Specs
    // with use_effective_fields"). Without compute auto-scaling the connection budget is sized for
    // atlas.tier: an edit left unapplied would size the pools for a tier the cluster does not run.
    if (last.atlasTier && last.atlasTier !== c.atlas.tier && !c.atlas.autoScaling && c.atlas.diskAutoScaling)
        add("atlas.tier", `is not applied while disk auto-scaling is on (Atlas keeps the running ${last.atlasTier}, and the pools would be sized for ${c.atlas.tier}): set atlas.diskAutoScaling false in the same change, pulumi up, then set it back to true`, c.atlas.tier, "atlas.diskAutoScaling", "atlas.autoScaling");
    const versions = ELASTICACHE_ENGINE_VERSIONS[c.cache.engine];
    if (!versions.includes(c.cache.engineVersion))
        add("cache.engineVersion", `is not a ${c.cache.engine} version ElastiCache offers: one of ${versions.join(", ")}`, c.cache.engineVersion, "cache.engine");
    if (c.cache.nodes >= 2 && /^cache\.t[12]\./.test(c.cache.nodeType))
        add("cache.nodeType", "must not be a T1/T2 node type, which has no Multi-AZ failover", c.cache.nodeType, "cache.nodes");

    problems.push(...localProblems(c));
    if (c.prod && c.purpose !== "local") problems.push(...prodProblems(c));
    return problems;
}
