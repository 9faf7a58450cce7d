import { strict as assert } from "assert";
import * as YAML from "yaml";
import { Run, runProgram, baselines } from "../harness";
import { otlpEndpointPort } from "../../lib/environment";

const containers = (run: Run, name: string) => JSON.parse(run.one("aws:ecs/taskDefinition:TaskDefinition", `pg-${name}`).inputs.containerDefinitions);
const env = (c: any): Record<string, string> => Object.fromEntries(c.environment.map((e: any) => [e.name, e.value]));
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
/** The target groups a metric-math alarm reads `metricName` of, in query order. */
const groupsOf = (alarm: any, metricName: string) => alarm.metricQueries.filter((q: any) => q.metric?.metricName === metricName).map((q: any) => q.metric.dimensions.TargetGroup);

describe("observability", () => {
    let prod: Run, dev: Run;
    before(async () => ({ prod, dev } = await baselines()));

    describe("OpenTelemetry", () => {
        it("runs a non-essential collector sidecar in every task and points the gateway at it", () => {
            for (const name of ["admin", "main", "worker"]) {
                const [app, collector] = containers(prod, name);
                assert.equal(collector.name, "otel-collector");
                assert.equal(collector.image, "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0");
                assert.equal(collector.essential, false);
                const config = YAML.parse(env(collector).AOT_CONFIG_CONTENT);
                assert.deepEqual(config.receivers.otlp.protocols, { grpc: { endpoint: "0.0.0.0:4317" }, http: { endpoint: "0.0.0.0:4318" } });
                assert.deepEqual(config.exporters, { awsxray: { region: "us-east-1" } });
                assert.deepEqual(config.service.pipelines, { traces: { receivers: ["otlp"], processors: ["batch"], exporters: ["awsxray"] } });
                // The app starts only once the collector has: no span is sent before it listens.
                assert.deepEqual(app.dependsOn, [{ containerName: "otel-collector", condition: "START" }]);
                const e = env(app);
                assert.equal(e.OTEL_EXPORTER_OTLP_ENDPOINT, "http://localhost:4318");
                assert.equal(e.OTEL_SERVICE_NAME, `payment-gateway-${name}`);
                assert.equal(e.OTEL_RESOURCE_ATTRIBUTES, "deployment.environment=prod,service.namespace=payment-gateway");
            }
        });

        it("samples new traces at the stack's ratio, parent-based so a trace stays whole: 0.05 in prod, 0.1 elsewhere", () => {
            for (const [run, ratio] of [[prod, "0.05"], [dev, "0.1"]] as const)
                for (const name of ["admin", "main", "worker"]) {
                    const e = env(containers(run, name)[0]);
                    assert.equal(e.OTEL_TRACES_SAMPLER, "parentbased_traceidratio", name);
                    assert.equal(e.OTEL_TRACES_SAMPLER_ARG, ratio, name);
                }
        });

        it("lets the task role do what the exporter needs and nothing more", () => {
            const task = prod.one("aws:iam/role:Role", "pg-main-task");
            const xray = prod.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs.role === task.outputs.name && p.inputs.policy.includes("xray"));
            assert.equal(xray.length, 1);
            const statement = JSON.parse(xray[0].inputs.policy).Statement.find((s: any) => JSON.stringify(s.Action).includes("xray:"));
            assert.ok(statement.Action.every((a: string) => a.startsWith("xray:Put") || a.startsWith("xray:GetSampling")), statement.Action.join());
        });

        it("sends to an external endpoint instead, without a sidecar or X-Ray rights", async () => {
            // "0.25" is how `pulumi config set --path` stores a decimal.
            const run = await runProgram({ stack: "dev", set: { "observability.otlpEndpoint": "https://otlp.example.com:4318", "observability.traceSampleRatio": "0.25" } });
            for (const name of ["admin", "main", "worker"]) assert.equal(containers(run, name)[0].dependsOn, undefined, "no sidecar to wait for");
            const defs = containers(run, "admin");
            assert.equal(defs.length, 1);
            assert.equal(env(defs[0]).OTEL_EXPORTER_OTLP_ENDPOINT, "https://otlp.example.com:4318");
            assert.equal(env(defs[0]).OTEL_TRACES_SAMPLER_ARG, "0.25", "the configured ratio, with an external collector too");
            assert.ok(!run.ofType("aws:iam/rolePolicy:RolePolicy").some((p) => p.inputs.policy.includes("xray")));
            // Egress is HTTPS only otherwise: the endpoint's own port is opened, or every span is lost.
            for (const name of ["admin", "main", "worker"]) {
                const group = run.one("aws:ec2/securityGroup:SecurityGroup", `pg-${name}-svc`).id;
                const out = run.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter((r) => r.inputs.securityGroupId === group && r.inputs.cidrIpv4 === "0.0.0.0/0");
                const otlp = out.find((r) => r.inputs.fromPort === 4318);
                assert.deepEqual([otlp?.inputs.toPort, otlp?.inputs.ipProtocol, otlp?.inputs.tags], [4318, "tcp", { "payment-gateway:egress": "otlp-endpoint" }], name);
                const service = run.one("aws:ecs/service:Service", `pg-${name}`);
                for (const r of out) assert.ok(service.dependsOn.includes(r.urn), `${name} starts after ${r.name}`);
            }
            // With the sidecar (localhost), no port beyond 443 and the data stores'.
            assert.ok(!dev.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").some((r) => r.inputs.fromPort === 4318));
        });

        it("reaches an OTLP endpoint on its URL's port", () => {
            assert.deepEqual(
                ["https://otlp.example.com:4318", "https://otlp.example.com", "http://collector.internal", "http://10.0.0.5:4318/v1/traces"].map(otlpEndpointPort),
                [4318, 443, 80, 4318],
            );
        });

        it("can be turned off outside prod, and not in prod", async () => {
            const off = await runProgram({ stack: "dev", set: { "observability.tracing": false } });
            assert.equal(containers(off, "main").length, 1);
            assert.equal(env(containers(off, "main")[0]).OTEL_SDK_DISABLED, "true");
            const refused = await runProgram({ stack: "prod", set: { "observability.tracing": false } }).then(() => "accepted", (e) => (e as Error).message);
            assert.match(refused, /payment-gateway:observability\.tracing must be true in prod \(HA checklist: OpenTelemetry connected\)/);
        });
    });

    describe("alarms", () => {
        it("notify one SNS topic with the configured e-mail subscriptions", async () => {
            const run = await runProgram({ stack: "dev", set: { "observability.alarmEmails": ["oncall@example.com", "payments@example.com"] } });
            const topic = run.one("aws:sns/topic:Topic");
            assert.deepEqual(run.ofType("aws:sns/topicSubscription:TopicSubscription").map((s) => [s.inputs.topic, s.inputs.protocol, s.inputs.endpoint]), [
                [topic.outputs.arn, "email", "oncall@example.com"],
                [topic.outputs.arn, "email", "payments@example.com"],
            ]);
            for (const a of run.ofType(ALARM)) assert.deepEqual(a.inputs.alarmActions, [topic.outputs.arn]);
        });

        it("watch the load balancer's 5xx rate and latency, and unhealthy hosts per target group", () => {
            const lb = prod.one("aws:lb/loadBalancer:LoadBalancer").outputs.arnSuffix;
            const rate = prod.one(ALARM, "pg-alb-5xx-rate").inputs;
            assert.equal(rate.threshold, 5);
            const expression = rate.metricQueries.find((q: any) => q.returnData);
            assert.equal(expression.expression, "100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests");
            assert.ok(rate.metricQueries.filter((q: any) => q.metric).every((q: any) => q.metric.dimensions.LoadBalancer === lb));
            const latency = prod.one(ALARM, "pg-alb-latency-p95").inputs;
            assert.deepEqual([latency.metricName, latency.extendedStatistic, latency.threshold], ["TargetResponseTime", "p95", 1]);
            for (const tg of ["admin", "main"]) {
                // A rolling service has one group; a service released by shifting traffic may run in either of two.
                const single = dev.one(ALARM, `pg-${tg}-unhealthy-hosts`).inputs;
                assert.equal(single.metricName, "UnHealthyHostCount");
                assert.equal(single.dimensions.TargetGroup, dev.one("aws:lb/targetGroup:TargetGroup", `pg-${tg}`).outputs.arnSuffix);
                assert.equal(single.threshold, 0);
                const both = prod.one(ALARM, `pg-${tg}-unhealthy-hosts`).inputs;
                assert.deepEqual(groupsOf(both, "UnHealthyHostCount"), [`pg-${tg}`, `pg-${tg}-alt`].map((n) => prod.one("aws:lb/targetGroup:TargetGroup", n).outputs.arnSuffix));
                assert.equal(both.metricQueries.find((q: any) => q.returnData).expression, "FILL(unhealthy0, 0) + FILL(unhealthy1, 0)");
                assert.equal(both.threshold, 0);
            }
        });

        it("raise an alarm on a total outage of admin or api, when no target is left to report", async () => {
            const lb = prod.one("aws:lb/loadBalancer:LoadBalancer").outputs.arnSuffix;
            const devLb = dev.one("aws:lb/loadBalancer:LoadBalancer").outputs.arnSuffix;
            for (const tg of ["admin", "main"]) {
                const a = dev.one(ALARM, `pg-${tg}-no-healthy-hosts`).inputs;
                assert.deepEqual([a.namespace, a.metricName, a.statistic], ["AWS/ApplicationELB", "HealthyHostCount", "Minimum"]);
                assert.deepEqual(a.dimensions, { LoadBalancer: devLb, TargetGroup: dev.one("aws:lb/targetGroup:TargetGroup", `pg-${tg}`).outputs.arnSuffix });
                assert.deepEqual([a.comparisonOperator, a.threshold], ["LessThanThreshold", 1]);
                // With nothing registered the metric is not reported at all: silence is the outage.
                assert.equal(a.treatMissingData, "breaching");
                // Released by shifting traffic, the live tasks are in either group: the healthy targets of both count,
                // else the group ECS has just emptied would page on every release.
                const both = prod.one(ALARM, `pg-${tg}-no-healthy-hosts`).inputs;
                assert.deepEqual(groupsOf(both, "HealthyHostCount"), [`pg-${tg}`, `pg-${tg}-alt`].map((n) => prod.one("aws:lb/targetGroup:TargetGroup", n).outputs.arnSuffix));
                assert.ok(both.metricQueries.filter((q: any) => q.metric).every((q: any) => q.metric.dimensions.LoadBalancer === lb && q.metric.stat === "Minimum"));
                assert.equal(both.metricQueries.find((q: any) => q.returnData).expression, "FILL(healthy0, 0) + FILL(healthy1, 0)");
                assert.deepEqual([both.comparisonOperator, both.threshold, both.treatMissingData], ["LessThanThreshold", 1, "breaching"]);
            }
            const own = prod.one(ALARM, "pg-alb-own-5xx").inputs;
            assert.deepEqual([own.metricName, own.statistic, own.comparisonOperator, own.threshold], ["HTTPCode_ELB_5XX_Count", "Sum", "GreaterThanThreshold", 10]);
            assert.deepEqual(own.dimensions, { LoadBalancer: lb });
            assert.equal(own.metricQueries, undefined, "not a ratio over RequestCount, which may be missing");
            const tuned = await runProgram({ stack: "dev", set: { "observability.alarms.loadBalancer5xxPerMinute": 50 } });
            assert.equal(tuned.one(ALARM, "pg-alb-own-5xx").inputs.threshold, 50);
        });

        it("watch CPU and memory per service", () => {
            for (const name of ["admin", "main", "worker"]) {
                for (const [suffix, metric] of [["cpu", "CPUUtilization"], ["memory", "MemoryUtilization"]]) {
                    const a = prod.one(ALARM, `pg-${name}-${suffix}`).inputs;
                    assert.equal(a.metricName, metric);
                    assert.deepEqual(a.dimensions, { ClusterName: "payment-gateway-prod", ServiceName: `payment-gateway-prod-${name}` });
                    assert.equal(a.threshold, 85);
                }
            }
        });

        it("watch every cache node's CPU, memory, evictions and replication lag", () => {
            const nodes = ["pg-prod-cache-001", "pg-prod-cache-002", "pg-prod-cache-003"];
            for (const node of nodes) {
                for (const [suffix, metric] of [["cpu", "EngineCPUUtilization"], ["memory", "DatabaseMemoryUsagePercentage"], ["evictions", "Evictions"], ["replication-lag", "ReplicationLag"]]) {
                    const a = prod.one(ALARM, `pg-${node}-${suffix}`).inputs;
                    assert.equal(a.metricName, metric);
                    assert.deepEqual(a.dimensions, { CacheClusterId: node });
                }
            }
            assert.equal(prod.one(ALARM, "pg-pg-prod-cache-001-evictions").inputs.threshold, 0);
            // A single node has nothing to lag behind.
            assert.equal(dev.ofType(ALARM).filter((a) => a.name.endsWith("replication-lag")).length, 0);
        });

        it("alert in Atlas on connections above the budget and on replication lag", () => {
            const lag = prod.one("mongodbatlas:index/alertConfiguration:AlertConfiguration", "pg-replication-lag").inputs;
            assert.deepEqual(lag.metricThresholdConfig, { metricName: "OPLOG_SLAVE_LAG_MASTER_TIME", operator: "GREATER_THAN", threshold: 10, units: "SECONDS", mode: "AVERAGE" });
            assert.ok(prod.one("mongodbatlas:index/alertConfiguration:AlertConfiguration", "pg-connections"));
        });

        it("alarm when the worker, which no load balancer watches, has no running task", () => {
            const cluster = prod.one("aws:ecs/cluster:Cluster");
            const worker = prod.one("aws:ecs/service:Service", "pg-worker");
            const alarm = prod.one(ALARM, "pg-worker-no-running-task").inputs;
            assert.equal(alarm.namespace, "ECS/ContainerInsights");
            assert.equal(alarm.metricName, "RunningTaskCount");
            assert.deepEqual(alarm.dimensions, { ClusterName: cluster.outputs.name, ServiceName: worker.outputs.name });
            assert.deepEqual([alarm.statistic, alarm.comparisonOperator, alarm.threshold, alarm.treatMissingData], ["Minimum", "LessThanThreshold", 1, "breaching"]);
            // Container Insights reports the metric: it is on for the cluster.
            assert.deepEqual(cluster.inputs.settings, [{ name: "containerInsights", value: "enabled" }]);
            // admin and main lose their healthy hosts instead: no running-task alarm for them.
            assert.deepEqual(prod.ofType(ALARM).filter((a) => a.name.endsWith("-no-running-task")).map((a) => a.name), ["pg-worker-no-running-task"]);
        });

        it("alert in Atlas on every node's data disk and CPU, with host metrics Atlas accepts without matchers", () => {
            const alert = (name: string) => prod.one("mongodbatlas:index/alertConfiguration:AlertConfiguration", name).inputs;
            for (const [name, metricName] of [["pg-disk-used", "DISK_PARTITION_SPACE_USED_DATA"], ["pg-cpu", "NORMALIZED_SYSTEM_CPU_USER"]]) {
                const a = alert(name);
                assert.equal(a.eventType, "OUTSIDE_METRIC_THRESHOLD");
                assert.deepEqual(a.metricThresholdConfig, { metricName, operator: "GREATER_THAN", threshold: 80, units: "RAW", mode: "AVERAGE" });
                assert.deepEqual(a.matchers, [], "every node, primary and secondaries");
                assert.deepEqual(a.notifications.filter((n: any) => n.typeName === "EMAIL").map((n: any) => n.emailAddress), ["oncall@example.com"]);
            }
        });

        it("tell prod's on-call: at least one alarm e-mail, subscribed to the topic", () => {
            const topic = prod.one("aws:sns/topic:Topic");
            assert.deepEqual(prod.ofType("aws:sns/topicSubscription:TopicSubscription").map((s) => [s.inputs.topic, s.inputs.endpoint]), [[topic.outputs.arn, "oncall@example.com"]]);
        });

        it("name alarms within CloudWatch's limits", () => {
            for (const a of prod.ofType(ALARM)) assert.ok(a.inputs.name.length <= 255 && a.inputs.name.startsWith("payment-gateway-prod-"), a.inputs.name);
        });
    });

    it("draws a dashboard of the same metrics", () => {
        const body = JSON.parse(prod.one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody);
        const metrics = body.widgets.flatMap((w: any) => w.properties.metrics.map((m: any[]) => m[1]));
        for (const m of ["RequestCount", "HTTPCode_Target_5XX_Count", "TargetResponseTime", "UnHealthyHostCount", "CPUUtilization", "MemoryUtilization", "EngineCPUUtilization", "DatabaseMemoryUsagePercentage", "Evictions", "ReplicationLag"])
            assert.ok(metrics.includes(m), m);
        assert.equal(prod.one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardName, "payment-gateway-prod");
    });
});
