import { strict as assert } from "assert";
import { COLLECTOR_CONTAINER, ContainerArgs, SECRETS_VERSION_LABEL, containerDefinitions } from "../../lib/containers";
import { ServiceConfig } from "../../lib/config";

const config = { containerPort: 8080, secrets: { B_KEY: "arn:aws:ssm:eu-west-1:123456789012:parameter/b", A_KEY: "arn:aws:ssm:eu-west-1:123456789012:parameter/a" } } as unknown as ServiceConfig;
const args: ContainerArgs = {
    service: "main",
    config,
    image: "registry.example.com/main:1",
    region: "eu-west-1",
    logGroup: "/ecs/pg/main",
    environment: { Z: "1", A: "2" },
    secrets: { MPG_DATABASE_URI: "arn:db", MPG_GARNET_URL: "arn:cache" },
    secretsVersion: "abc",
};

describe("lib/containers: a service's container definitions", () => {
    it("the gateway container: sorted environment, generated secrets in order then the gateway's own sorted, the secrets' digest as a label", () => {
        const [app, ...rest] = containerDefinitions(args) as any[];
        assert.equal(rest.length, 0, "no sidecar without a collector image");
        assert.equal(app.name, "main");
        assert.deepEqual(app.environment, [{ name: "A", value: "2" }, { name: "Z", value: "1" }]);
        assert.deepEqual(app.secrets.map((s: any) => s.name), ["MPG_DATABASE_URI", "MPG_GARNET_URL", "A_KEY", "B_KEY"]);
        assert.equal(app.secrets[1].valueFrom, "arn:cache");
        assert.equal(app.dockerLabels[SECRETS_VERSION_LABEL], "abc");
        assert.deepEqual(app.portMappings, [], "a container no load balancer routes to publishes no port");
        assert.equal(app.dependsOn, undefined);
    });

    it("with a collector: the sidecar is non-essential, exports to X-Ray in the region, and starts before the gateway", () => {
        const [app, collector] = containerDefinitions({ ...args, routed: true, collectorImage: "collector:1" }) as any[];
        assert.deepEqual(app.portMappings, [{ containerPort: 8080, protocol: "tcp" }]);
        assert.deepEqual(app.dependsOn, [{ containerName: COLLECTOR_CONTAINER, condition: "START" }]);
        assert.equal(collector.name, COLLECTOR_CONTAINER);
        assert.equal(collector.essential, false);
        assert.match(collector.environment[0].value, /awsxray: \{ region: eu-west-1 \}/);
    });
});
