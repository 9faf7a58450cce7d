import { strict as assert } from "assert";
import { mayTakeAnyResource } from "../../lib/limits";
import { SECRETS_VERSION_LABEL } from "../../components/service";
import { ProgramError, RecordedResource, Run, isSecretInput, runProgram, baselines } from "../harness";

const SERVICE = "aws:ecs/service:Service";
const TASKDEF = "aws:ecs/taskDefinition:TaskDefinition";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

const container = (run: Run, name: string) => JSON.parse(run.one(TASKDEF, `pg-${name}`).inputs.containerDefinitions)[0];
const env = (run: Run, name: string): Record<string, string> => Object.fromEntries(container(run, name).environment.map((e: any) => [e.name, e.value]));
const policies = (run: Run, role: RecordedResource) => run.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs.role === role.outputs.name).map((p) => JSON.parse(p.inputs.policy));

describe("services", () => {
    let prod: Run, dev: Run;
    before(async () => ({ prod, dev } = await baselines()));

    it("are one component used three times", () => {
        const components = prod.ofType("payment-gateway:service:Service");
        assert.deepEqual(components.map((c) => c.name).sort(), ["pg-admin", "pg-main", "pg-worker"]);
        for (const c of components) {
            const kinds = new Set(prod.descendants(c).map((r) => r.type));
            for (const t of [SERVICE, TASKDEF, "aws:cloudwatch/logGroup:LogGroup", "aws:iam/role:Role", "aws:ec2/securityGroup:SecurityGroup"]) assert.ok(kinds.has(t), `${c.name} lacks ${t}`);
        }
    });

    it("run in an ECS cluster with Container Insights", () => {
        const cluster = prod.one("aws:ecs/cluster:Cluster");
        assert.deepEqual(cluster.inputs.settings, [{ name: "containerInsights", value: "enabled" }]);
        for (const s of prod.ofType(SERVICE)) assert.equal(s.inputs.cluster, cluster.outputs.arn);
    });

    it("size Fargate tasks from config, on the configured architecture", async () => {
        const td = prod.one(TASKDEF, "pg-main");
        assert.deepEqual([td.inputs.cpu, td.inputs.memory], ["1024", "2048"]);
        assert.deepEqual(td.inputs.requiresCompatibilities, ["FARGATE"]);
        assert.equal(td.inputs.networkMode, "awsvpc");
        assert.deepEqual(td.inputs.runtimePlatform, { cpuArchitecture: "X86_64", operatingSystemFamily: "LINUX" });
        const arm = await runProgram({ stack: "dev", set: { "main.architecture": "ARM64", "main.cpu": 512, "main.memory": 2048 } });
        const armTd = arm.one(TASKDEF, "pg-main");
        assert.equal(armTd.inputs.runtimePlatform.cpuArchitecture, "ARM64");
        assert.deepEqual([armTd.inputs.cpu, armTd.inputs.memory], ["512", "2048"]);
    });

    it("refuse a Fargate size AWS does not offer, naming the allowed memory, before declaring anything", async () => {
        const error = await runProgram({ stack: "dev", set: { "worker.cpu": 1024, "worker.memory": 1024 } }).then(() => assert.fail("accepted"), (e) => e as ProgramError);
        assert.deepEqual(error.resources, []);
        assert.match(error.message, /payment-gateway:worker\.memory is not a Fargate size for cpu 1024; allowed memory: 2048–8192 in steps of 1024; got 1024/);
    });

    it("run in every zone's private subnets without public IPs", () => {
        const privateIds = prod.ofType("aws:ec2/subnet:Subnet").filter((s) => s.inputs.tags.tier === "private").map((s) => s.id).sort();
        for (const s of prod.ofType(SERVICE)) {
            assert.deepEqual([...s.inputs.networkConfiguration.subnets].sort(), privateIds);
            assert.equal(s.inputs.networkConfiguration.assignPublicIp, false);
            assert.equal(s.inputs.launchType, "FARGATE");
        }
    });

    it("admit only their container port, only from the load balancer; the worker admits nothing", () => {
        const alb = prod.one("aws:ec2/securityGroup:SecurityGroup", "pg-alb");
        for (const name of ["admin", "main"]) {
            const sg = prod.one("aws:ec2/securityGroup:SecurityGroup", `pg-${name}-svc`);
            const rules = prod.ofType(INGRESS).filter((r) => r.inputs.securityGroupId === sg.id);
            assert.deepEqual(rules.map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.fromPort, r.inputs.toPort]), [[alb.id, 8080, 8080]]);
            assert.deepEqual(prod.one(SERVICE, `pg-${name}`).inputs.networkConfiguration.securityGroups, [sg.id]);
        }
        const worker = prod.one("aws:ec2/securityGroup:SecurityGroup", "pg-worker-svc");
        assert.deepEqual(prod.ofType(INGRESS).filter((r) => r.inputs.securityGroupId === worker.id), []);
    });

    it("register admin and main in their target groups, and wait for the listener rules", () => {
        const forwardsTo = (r: RecordedResource, arn: string) => r.inputs.actions[0].targetGroupArn === arn || r.inputs.actions[0].forward?.targetGroups.some((g: any) => g.arn === arn);
        for (const run of [prod, dev])
            for (const [name, tg] of [["admin", "pg-admin"], ["main", "pg-main"]]) {
                const svc = run.one(SERVICE, `pg-${name}`);
                const group = run.one("aws:lb/targetGroup:TargetGroup", tg);
                assert.deepEqual(svc.inputs.loadBalancers.map(({ advancedConfiguration, ...lb }: any) => lb), [{ targetGroupArn: group.outputs.arn, containerName: name, containerPort: 8080 }]);
                const rules = run.ofType("aws:lb/listenerRule:ListenerRule").filter((r) => forwardsTo(r, group.outputs.arn));
                assert.ok(rules.length >= 1);
                for (const r of rules) assert.ok(svc.dependencies.includes(r.urn), `${name} does not wait for ${r.name}`);
            }
        assert.deepEqual(prod.one(SERVICE, "pg-worker").inputs.loadBalancers, []);
    });

    it("autoscale between instances and maxInstances on CPU, and on requests per target behind the ALB", () => {
        for (const [name, min, max] of [["admin", 2, 4], ["main", 3, 8], ["worker", 2, 6]] as const) {
            const svc = prod.one(SERVICE, `pg-${name}`);
            const target = prod.one("aws:appautoscaling/target:Target", `pg-${name}`);
            assert.deepEqual([target.inputs.minCapacity, target.inputs.maxCapacity], [min, max]);
            assert.equal(target.inputs.resourceId, `service/payment-gateway-prod/payment-gateway-prod-${name}`);
            assert.equal(target.inputs.scalableDimension, "ecs:service:DesiredCount");
            assert.equal(svc.inputs.desiredCount, min);
            assert.deepEqual(svc.ignoreChanges, ["desiredCount"]);
            const policies = prod.ofType("aws:appautoscaling/policy:Policy").filter((p) => p.inputs.resourceId === target.inputs.resourceId);
            const metrics = policies.map((p) => p.inputs.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType).sort();
            assert.deepEqual(metrics, name === "worker" ? ["ECSServiceAverageCPUUtilization"] : ["ALBRequestCountPerTarget", "ECSServiceAverageCPUUtilization"]);
            const cpu = policies.find((p) => p.name.endsWith("-cpu"))!;
            assert.equal(cpu.inputs.targetTrackingScalingPolicyConfiguration.targetValue, 60);
        }
        const requests = prod.one("aws:appautoscaling/policy:Policy", "pg-main-requests").inputs.targetTrackingScalingPolicyConfiguration;
        const alb = prod.one("aws:lb/loadBalancer:LoadBalancer");
        const tg = prod.one("aws:lb/targetGroup:TargetGroup", "pg-main");
        assert.equal(requests.predefinedMetricSpecification.resourceLabel, `${alb.outputs.arnSuffix}/${tg.outputs.arnSuffix}`);
        assert.equal(requests.targetValue, 1000);
    });

    it("do not autoscale when maxInstances equals instances, and then own desiredCount", () => {
        assert.equal(dev.ofType("aws:appautoscaling/target:Target").length, 0);
        for (const s of dev.ofType(SERVICE)) {
            assert.equal(s.inputs.desiredCount, 1);
            assert.deepEqual(s.ignoreChanges, []);
        }
    });

    it("rescale when main.instances is edited, changing the running floor and nothing else", async () => {
        const after = await runProgram({ stack: "prod", set: { "main.instances": 5 } });
        const changed: string[] = [];
        for (const r of after.resources) {
            const before = prod.resources.find((b) => b.urn === r.urn);
            assert.ok(before, `new resource ${r.urn}`);
            for (const key of new Set([...Object.keys(r.inputs), ...Object.keys(before.inputs)])) {
                if (JSON.stringify(r.inputs[key]) !== JSON.stringify(before.inputs[key])) changed.push(`${r.type} ${r.name} ${key}`);
            }
        }
        assert.equal(after.resources.length, prod.resources.length);
        assert.deepEqual(changed.sort(), ["aws:appautoscaling/target:Target pg-main minCapacity", "aws:ecs/service:Service pg-main desiredCount"]);
        assert.deepEqual(after.one(SERVICE, "pg-main").ignoreChanges, ["desiredCount"], "the scaler owns the running count; its floor moved");
    });

    it("refuse fewer than two instances of any service in prod", async () => {
        const error = await runProgram({ stack: "prod", set: { "admin.instances": 1, "worker.instances": 1 } }).then(() => assert.fail("accepted"), (e) => e as ProgramError);
        assert.deepEqual(error.resources, []);
        assert.match(error.message, /payment-gateway:admin\.instances must be at least 2 in prod/);
        assert.match(error.message, /payment-gateway:worker\.instances must be at least 2 in prod/);
    });

    it("roll out safely: circuit breaker with rollback on a rolling update, 100/200 percent, grace period, steady state in prod", () => {
        // The circuit breaker serves rolling and blue/green updates (lib/release.ts circuitBreakerServes):
        // prod's admin and main release linearly and as a canary, the worker and dev's services roll.
        assert.deepEqual(prod.one(SERVICE, "pg-worker").inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
        for (const s of dev.ofType(SERVICE)) assert.deepEqual(s.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
        for (const name of ["admin", "main"]) assert.deepEqual(prod.one(SERVICE, `pg-${name}`).inputs.deploymentCircuitBreaker, { enable: false, rollback: false });
        for (const s of prod.ofType(SERVICE)) {
            assert.equal(s.inputs.deploymentMinimumHealthyPercent, 100);
            assert.equal(s.inputs.deploymentMaximumPercent, 200);
            assert.equal(s.inputs.waitForSteadyState, true);
        }
        assert.equal(prod.one(SERVICE, "pg-admin").inputs.healthCheckGracePeriodSeconds, 60);
        assert.equal(prod.one(SERVICE, "pg-worker").inputs.healthCheckGracePeriodSeconds, undefined, "no load balancer, no grace period");
        assert.ok(dev.ofType(SERVICE).every((s) => s.inputs.waitForSteadyState === false));
    });

    it("take rollout percentages and the grace period from config", async () => {
        const run = await runProgram({ stack: "dev", set: { "main.deployment": { minimumHealthyPercent: 50, maximumPercent: 150, healthCheckGracePeriodSeconds: 120, waitForSteadyState: true } } });
        const s = run.one(SERVICE, "pg-main");
        assert.deepEqual([s.inputs.deploymentMinimumHealthyPercent, s.inputs.deploymentMaximumPercent, s.inputs.healthCheckGracePeriodSeconds, s.inputs.waitForSteadyState], [50, 150, 120, true]);
    });

    it("give the worker its concurrency, and no port, load balancer or stickiness", () => {
        assert.equal(env(prod, "worker").MPG_MAIN_WORKER_CONCURRENCY, "8");
        assert.equal(env(dev, "worker").MPG_MAIN_WORKER_CONCURRENCY, "2");
        assert.equal(env(prod, "main").MPG_MAIN_WORKER_CONCURRENCY, undefined);
        assert.deepEqual(container(prod, "worker").portMappings, []);
        assert.equal(prod.ofType("aws:lb/targetGroup:TargetGroup").filter((g) => g.name.includes("worker")).length, 0);
    });

    it("replace a hung worker: its container checks itself, admin and main are checked by the load balancer", async () => {
        assert.deepEqual(container(prod, "worker").healthCheck, {
            command: ["CMD-SHELL", "curl -fsS http://localhost:8080/health || exit 1"],
            interval: 30,
            timeout: 5,
            retries: 3,
            startPeriod: 60,
        });
        for (const name of ["admin", "main"]) assert.equal(container(prod, name).healthCheck, undefined);
        const run = await runProgram({
            stack: "dev",
            set: { "worker.containerPort": 9000, "worker.healthCheck": { intervalSeconds: 15, retries: 5 } },
        });
        assert.deepEqual(container(run, "worker").healthCheck, { command: ["CMD-SHELL", "curl -fsS http://localhost:9000/health || exit 1"], interval: 15, timeout: 5, retries: 5, startPeriod: 60 });
        const custom = await runProgram({ stack: "dev", set: { "worker.healthCheck": { command: ["CMD", "/app/healthcheck"] } } });
        assert.deepEqual(container(custom, "worker").healthCheck.command, ["CMD", "/app/healthcheck"]);
        const off = await runProgram({ stack: "dev", set: { "worker.healthCheck.enabled": false } });
        assert.equal(container(off, "worker").healthCheck, undefined);
    });

    it("refuse a worker health check ECS would refuse, before declaring anything", async () => {
        const error = await runProgram({
            stack: "dev",
            set: { "worker.healthCheck": { command: ["curl", "localhost"], intervalSeconds: 400, timeoutSeconds: 61, retries: 0 } },
        }).then(() => assert.fail("accepted"), (e) => e as ProgramError);
        assert.deepEqual(error.resources, []);
        for (const text of [
            /worker\.healthCheck\.command must start with CMD or CMD-SHELL; got \["curl","localhost"\]/,
            /worker\.healthCheck\.intervalSeconds must be at most 300; got 400/,
            /worker\.healthCheck\.timeoutSeconds must be at most 60; got 61/,
            /worker\.healthCheck\.retries must be at least 1; got 0/,
        ])
            assert.match(error.message, text);
        const slow = await runProgram({ stack: "dev", set: { "worker.healthCheck": { intervalSeconds: 10, timeoutSeconds: 10 } } }).then(() => assert.fail("accepted"), (e) => e as ProgramError);
        assert.match(slow.message, /worker\.healthCheck\.timeoutSeconds must be below worker\.healthCheck\.intervalSeconds \(10\); got 10/);
    });

    it("run the configured image", () => {
        assert.equal(container(prod, "admin").image, "registry.example.com/payment-gateway/admin@sha256:4f1d9c3e2b7a6d5c8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d");
        assert.equal(prod.ofType("aws:ecr/repository:Repository").length, 0);
    });

    it("in build mode, build and push to an immutable, scanned ECR repository and run the pushed digest", async () => {
        const run = await runProgram({ stack: "dev", set: { "admin.image": undefined, "admin.build": { context: "tests/fixtures/app" }, "admin.keepImages": 5 } });
        const repo = run.one("aws:ecr/repository:Repository");
        assert.equal(repo.inputs.name, "payment-gateway-dev/admin");
        assert.equal(repo.inputs.imageTagMutability, "IMMUTABLE");
        assert.deepEqual(repo.inputs.imageScanningConfiguration, { scanOnPush: true });
        const lifecycle = JSON.parse(run.one("aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs.policy);
        assert.equal(lifecycle.rules[0].selection.countNumber, 5);
        assert.equal(lifecycle.rules[0].selection.countType, "imageCountMoreThan");
        const image = run.one("docker:index/image:Image");
        assert.match(image.inputs.imageName, new RegExp(`^${repo.outputs.repositoryUrl}:[0-9a-f]{16}$`));
        assert.equal(image.inputs.build.platform, "linux/amd64");
        assert.match(image.inputs.build.context, /tests\/fixtures\/app$/);
        assert.ok(isSecretInput(image, "registry.password"), "the registry token is secret");
        assert.equal(container(run, "admin").image, image.outputs.repoDigest);
        assert.match(container(run, "admin").image, /@sha256:[0-9a-f]{64}$/);
        // Only the building service may pull from the repository.
        const pulls = policies(run, run.one("aws:iam/role:Role", "pg-admin-exec")).flatMap((p: any) => p.Statement).filter((s: any) => JSON.stringify(s.Action).includes("ecr:BatchGetImage"));
        assert.deepEqual(pulls.map((s: any) => s.Resource), [repo.outputs.arn]);
        assert.equal(container(run, "main").image, "registry.example.com/payment-gateway/main:1.0.0");
    });

    it("may pull a configured private ECR image, from that repository only", async () => {
        const image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/payments/main@sha256:" + "a".repeat(64);
        const run = await runProgram({ stack: "dev", set: { "main.image": image } });
        const statements = (name: string) => policies(run, run.one("aws:iam/role:Role", `pg-${name}-exec`)).flatMap((p: any) => p.Statement);
        const pull = statements("main").find((s: any) => JSON.stringify(s.Action).includes("ecr:BatchGetImage"));
        assert.deepEqual([...pull.Action].sort(), ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]);
        assert.equal(pull.Resource, "arn:aws:ecr:us-east-1:123456789012:repository/payments/main");
        assert.deepEqual(statements("main").filter((s: any) => s.Action === "ecr:GetAuthorizationToken").map((s: any) => s.Resource), ["*"]);
        // Images from any other registry need no ECR rights.
        for (const name of ["admin", "worker"]) assert.ok(!JSON.stringify(statements(name)).includes("ecr:"), name);
        assert.ok(!JSON.stringify(policies(dev, dev.one("aws:iam/role:Role", "pg-main-exec"))).includes("ecr:"));
    });

    it("tag a build by its content, so unchanged sources do not rebuild", async () => {
        const set = { "admin.image": undefined, "admin.build": { context: "tests/fixtures/app" } };
        const a = (await runProgram({ stack: "dev", set })).one("docker:index/image:Image").inputs.imageName;
        const b = (await runProgram({ stack: "dev", set })).one("docker:index/image:Image").inputs.imageName;
        const arm = (await runProgram({ stack: "dev", set: { ...set, "admin.architecture": "ARM64" } })).one("docker:index/image:Image").inputs;
        assert.equal(a, b);
        assert.notEqual(arm.imageName, a);
        assert.equal(arm.build.platform, "linux/arm64");
    });

    it("log to a log group per service with the configured retention", () => {
        for (const name of ["admin", "main", "worker"]) {
            const group = prod.one("aws:cloudwatch/logGroup:LogGroup", `pg-${name}`);
            assert.equal(group.inputs.name, `/ecs/payment-gateway-prod/${name}`);
            assert.equal(group.inputs.retentionInDays, 365);
            const log = container(prod, name).logConfiguration;
            assert.equal(log.logDriver, "awslogs");
            assert.equal(log.options["awslogs-group"], group.inputs.name);
        }
        assert.equal(dev.one("aws:cloudwatch/logGroup:LogGroup", "pg-main").inputs.retentionInDays, 7);
    });

    it("give each service its own execution and task roles, with no wildcard actions", () => {
        for (const name of ["admin", "main", "worker"]) {
            const exec = prod.one("aws:iam/role:Role", `pg-${name}-exec`);
            const task = prod.one("aws:iam/role:Role", `pg-${name}-task`);
            const td = prod.one(TASKDEF, `pg-${name}`);
            assert.equal(td.inputs.executionRoleArn, exec.outputs.arn);
            assert.equal(td.inputs.taskRoleArn, task.outputs.arn);
            assert.equal(JSON.parse(exec.inputs.assumeRolePolicy).Statement[0].Principal.Service, "ecs-tasks.amazonaws.com");
            const statements = policies(prod, exec).flatMap((p: any) => p.Statement);
            const logs = statements.find((s: any) => JSON.stringify(s.Action).includes("logs:PutLogEvents"));
            assert.equal(logs.Resource, `${prod.one("aws:cloudwatch/logGroup:LogGroup", `pg-${name}`).outputs.arn}:*`);
        }
        for (const p of prod.ofType("aws:iam/rolePolicy:RolePolicy")) {
            for (const s of JSON.parse(p.inputs.policy).Statement) {
                const actions = [s.Action].flat();
                assert.ok(actions.every((a: string) => a !== "*" && !a.endsWith(":*")), `${p.name}: ${actions}`);
                // "*" only for the actions AWS cannot scope to a resource.
                // (or for an action AWS scopes by its own condition key, which the statement then carries).
                if ([s.Resource].flat().includes("*")) assert.ok(actions.every((a: string) => mayTakeAnyResource(a, s.Condition)), `${p.name}: ${actions} on *`);
            }
        }
    });

    it("share one environment: pool sizes everywhere, extraEnvironment per service", async () => {
        const run = await runProgram({ stack: "dev", set: { "main.extraEnvironment": { MPG_LOG_LEVEL: "debug" } } });
        for (const name of ["admin", "main", "worker"]) {
            const e = env(run, name);
            for (const key of ["MPG_DATABASE_MAX_POOL_SIZE", "MPG_DATABASE_MIN_POOL_SIZE", "MPG_DATABASE_MAX_CONNECTING"]) assert.match(e[key], /^\d+$/, `${name} ${key}`);
        }
        assert.equal(env(run, "main").MPG_LOG_LEVEL, "debug");
        assert.equal(env(run, "admin").MPG_LOG_LEVEL, undefined);
    });

    it("re-derive every service's pool when a ceiling moves, so ECS rolls the tasks", async () => {
        const after = await runProgram({ stack: "prod", set: { "main.maxInstances": 12 } });
        for (const name of ["admin", "main", "worker"]) {
            const before = Number(env(prod, name).MPG_DATABASE_MAX_POOL_SIZE);
            const now = Number(env(after, name).MPG_DATABASE_MAX_POOL_SIZE);
            assert.ok(now < before, `${name}: ${before} → ${now}`);
            assert.notEqual(after.one(TASKDEF, `pg-${name}`).inputs.containerDefinitions, prod.one(TASKDEF, `pg-${name}`).inputs.containerDefinitions);
        }
    });

    it("roll onto a new value of any secret they read, within the connection budget", async () => {
        const label = (run: Run, name: string) => container(run, name).dockerLabels[SECRETS_VERSION_LABEL];
        const versions = (run: Run) => run.ofType("aws:secretsmanager/secretVersion:SecretVersion").map((v) => `${v.name}=${v.outputs.versionId}`);
        // The database URI's value changes (a password user becomes IAM authentication): a new secret
        // version, so every task definition changes and ECS replaces the tasks holding the old URI.
        const after = await runProgram({ stack: "dev", set: { "atlas.authentication": "iam" } });
        assert.notDeepEqual(versions(after), versions(dev));
        for (const name of ["admin", "main", "worker"]) {
            assert.match(label(dev, name), /^[0-9a-f]{16}$/);
            assert.notEqual(label(after, name), label(dev, name), name);
        }
        // An edit that leaves every secret as it is leaves the label (and the running tasks) alone.
        const rescaled = await runProgram({ stack: "dev", set: { "main.logRetentionDays": 14 } });
        for (const name of ["admin", "main", "worker"]) assert.equal(label(rescaled, name), label(dev, name));
        // The rollout that follows starts at most maximumPercent of the ceiling: the budget counts that peak.
        const budget = prod.outputs.connectionBudget;
        const expectedPeak = [4, 8, 6].reduce((sum, max) => sum + Math.ceil((max * 200) / 100), 0); // admin, main, worker at 200%
        assert.equal(budget.peakTasks, expectedPeak);
        assert.ok(budget.peakConnections <= budget.budget);
    });

    it("export desired and maximum instances, task size and image per service", () => {
        assert.deepEqual(prod.outputs.capacity.main, { instances: 3, maxInstances: 8, cpu: 1024, memory: 2048, architecture: "X86_64", image: container(prod, "main").image, secrets: {} });
        assert.deepEqual(dev.outputs.capacity.worker.instances, 1);
    });

    it("run the worker's own process on the main backend's image, and show it in the capacity output", () => {
        for (const run of [prod, dev]) {
            assert.equal(container(run, "worker").image, container(run, "main").image, "the example stacks share the main image");
            assert.deepEqual(container(run, "worker").command, ["/app/worker"]);
            assert.equal(container(run, "main").command, undefined, "main runs the image's own process");
            assert.equal(container(run, "worker").entryPoint, undefined);
            assert.deepEqual(run.outputs.capacity.worker.command, ["/app/worker"]);
            assert.deepEqual(run.outputs.capacity.worker.healthCheck, container(run, "worker").healthCheck.command);
        }
    });

    it("deliver a service's own secrets from their ARNs, readable by that service's execution role only", async () => {
        const sm = "arn:aws:secretsmanager:us-east-1:123456789012:secret:payment-gateway/processor-AbCdEf";
        const ssm = "arn:aws:ssm:us-east-1:123456789012:parameter/payment-gateway/webhook-signing-key";
        const registry = "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry-login-XyZ123";
        const run = await runProgram({
            stack: "dev",
            set: { "main.secrets": { PROCESSOR_API_KEY: `${sm}:apiKey::`, WEBHOOK_KEY: ssm }, "admin.repositoryCredentials": registry, "worker.entryPoint": ["/usr/bin/tini", "--"] },
        });
        const main = container(run, "main");
        assert.deepEqual(main.secrets.map((x: any) => x.name), ["MPG_DATABASE_URI", "MPG_GARNET_URL", "PROCESSOR_API_KEY", "WEBHOOK_KEY"]);
        assert.equal(main.secrets.find((x: any) => x.name === "PROCESSOR_API_KEY").valueFrom, `${sm}:apiKey::`);
        assert.equal(main.secrets.find((x: any) => x.name === "WEBHOOK_KEY").valueFrom, ssm);
        assert.ok(!main.environment.some((e: any) => ["PROCESSOR_API_KEY", "WEBHOOK_KEY"].includes(e.name)), "never plain environment");
        const statements = (name: string, role = "exec") => policies(run, run.one("aws:iam/role:Role", `pg-${name}-${role}`)).flatMap((p: any) => p.Statement);
        // Granted on the secret's own ARN (the JSON key is not part of it), and the parameter's.
        assert.deepEqual(statements("main").find((x: any) => x.Action === "secretsmanager:GetSecretValue" && JSON.stringify(x.Resource).includes("processor")).Resource, [sm]);
        assert.deepEqual(statements("main").find((x: any) => x.Action === "ssm:GetParameters").Resource, [ssm]);
        for (const [name, role] of [["admin", "exec"], ["worker", "exec"], ["main", "task"], ["admin", "task"]]) {
            const text = JSON.stringify(statements(name, role));
            assert.ok(!text.includes("processor") && !text.includes("ssm:"), `${name} ${role} reads main's secrets`);
        }
        // A private registry's credentials: in the admin container, readable by admin's execution role only.
        assert.deepEqual(container(run, "admin").repositoryCredentials, { credentialsParameter: registry });
        assert.ok(statements("admin").some((x: any) => x.Action === "secretsmanager:GetSecretValue" && JSON.stringify(x.Resource).includes(registry)));
        assert.ok(!JSON.stringify(statements("main")).includes(registry));
        assert.equal(container(run, "main").repositoryCredentials, undefined);
        assert.deepEqual(container(run, "worker").entryPoint, ["/usr/bin/tini", "--"]);
        // The plan's view: where each comes from, never a value.
        assert.deepEqual(run.outputs.capacity.main.secrets, { PROCESSOR_API_KEY: `${sm}:apiKey::`, WEBHOOK_KEY: ssm });
        // Task definitions roll on the edit: the secrets are read when a task starts.
        assert.notEqual(run.one(TASKDEF, "pg-main").inputs.containerDefinitions, dev.one(TASKDEF, "pg-main").inputs.containerDefinitions);
    });
});

