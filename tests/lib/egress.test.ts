import { strict as assert } from "assert";
import { ConfigError, egressDomains, validateConfig } from "../../lib/config";
import { domainListCapacity, EGRESS_MAX_DOMAINS, EGRESS_RULE_GROUP_CAPACITY, egressAllowList, EgressInputs, registryHost } from "../../lib/egress";
import { rawConfigFrom } from "../../lib/stackConfig";
import { assembleConfig } from "../harness";

const config = (stack: string, set: Record<string, unknown> = {}) => {
    const { values } = assembleConfig(stack, set);
    return validateConfig(rawConfigFrom(values), values["aws:region"]);
};
const refused = (stack: string, set: Record<string, unknown>): string[] => {
    try {
        config(stack, set);
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e.problems.map((p) => `${p.path}: ${p.message}`);
    }
    assert.fail(`expected ${JSON.stringify(set)} to be refused on ${stack}`);
};
const base: EgressInputs = { region: "us-east-1", endpointServices: [], images: [], builds: false, xray: false, atlasOverInternet: false, allowedDomains: [] };
const domains = (e: Partial<EgressInputs>) => egressAllowList({ ...base, ...e }).map((d) => d.domain);

describe("egress allow-list (lib/egress.ts)", () => {
    it("lists the AWS APIs the tasks call over the internet, leaving out those an interface endpoint serves", () => {
        assert.deepEqual(domains({}), ["secretsmanager.us-east-1.amazonaws.com", "logs.us-east-1.amazonaws.com", "kms.us-east-1.amazonaws.com"]);
        assert.deepEqual(domains({ endpointServices: ["logs", "secretsmanager"], xray: true }), ["kms.us-east-1.amazonaws.com", "xray.us-east-1.amazonaws.com"]);
    });

    it("reaches each image's registry: ECR Public and Docker Hub with their layer hosts, ECR of another region with its layer bucket, ECR of the region only without its endpoints", () => {
        const ecr = (region: string) => `123456789012.dkr.ecr.${region}.amazonaws.com/gateway/main@sha256:${"d".repeat(64)}`;
        const all = ["secretsmanager", "logs", "kms", "ecr.api", "ecr.dkr"];
        assert.deepEqual(domains({ endpointServices: all, images: ["public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0"] }), ["public.ecr.aws", "d2glxqk2uabbnd.cloudfront.net", "d5l0dvt14r5h8.cloudfront.net"]);
        assert.deepEqual(domains({ endpointServices: all, images: ["nginx:1.27", "library/redis"] }), ["registry-1.docker.io", "auth.docker.io", "production.cloudflare.docker.com", "production.cloudfront.docker.com"]);
        assert.deepEqual(domains({ endpointServices: all, images: [ecr("us-east-1")] }), [], "endpoints and the S3 gateway endpoint carry the pull");
        assert.deepEqual(domains({ endpointServices: all, images: [ecr("eu-west-1")] }), ["api.ecr.eu-west-1.amazonaws.com", "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com"]);
        assert.deepEqual(domains({ endpointServices: ["secretsmanager", "logs", "kms"], builds: true, account: "123456789012" }), ["api.ecr.us-east-1.amazonaws.com", "123456789012.dkr.ecr.us-east-1.amazonaws.com"], "this account's registry, not every account's");
        assert.deepEqual(domains({ endpointServices: all, images: ["ghcr.io/acme/gateway:1.0", "registry.example.com:5000/gw"] }), ["ghcr.io", "registry.example.com"]);
        assert.equal(registryHost("localhost:5000/gw"), "localhost");
    });

    it("adds the OTLP endpoint's host, Atlas's domain without PrivateLink, then the configured domains, each once", () => {
        const all = ["secretsmanager", "logs", "kms"];
        assert.deepEqual(domains({ endpointServices: all, otlpEndpoint: "https://otlp.example.com:4318/v1/traces", atlasOverInternet: true, allowedDomains: [".psp.example.com", "otlp.example.com"] }), ["otlp.example.com", ".mongodb.net", ".psp.example.com"]);
    });

    it("reaches Systems Manager for SSM parameters and another region's Secrets Manager for its secrets, read at task start", () => {
        const all = ["secretsmanager", "logs", "kms"];
        const arns = ["arn:aws:ssm:us-east-1:123456789012:parameter/gw/key", `arn:aws:secretsmanager:eu-west-1:123456789012:secret:gw-abcdef`, `arn:aws:secretsmanager:us-east-1:123456789012:secret:gw-abcdef`];
        assert.deepEqual(domains({ endpointServices: all, secretArns: arns }), ["secretsmanager.eu-west-1.amazonaws.com", "ssm.us-east-1.amazonaws.com"]);
    });

    it("keeps the list within the rule group's fixed capacity", () => {
        assert.ok(domainListCapacity(EGRESS_MAX_DOMAINS) <= EGRESS_RULE_GROUP_CAPACITY);
        assert.ok(domainListCapacity(EGRESS_MAX_DOMAINS + 1) > EGRESS_RULE_GROUP_CAPACITY);
    });
});

describe("network.egress config", () => {
    it("defaults to the firewall in prod and to the NAT gateways elsewhere, and prod refuses nat (PCI DSS 1.3.2) or a log kept under a year", () => {
        assert.equal(config("prod").network.egress.mode, "firewall");
        assert.equal(config("dev").network.egress.mode, "nat");
        assert.equal(config("staging").network.egress.mode, "nat");
        assert.deepEqual(egressDomains(config("dev")), [], "no firewall, no list");
        assert.ok(refused("prod", { "network.egress.mode": "nat" }).some((p) => /^network\.egress\.mode: must be firewall in prod \(PCI DSS 1\.3\.2/.test(p)));
        assert.ok(refused("prod", { "network.egress.logRetentionDays": 90 }).some((p) => /^network\.egress\.logRetentionDays: must be at least 365 in prod \(PCI DSS 10\.5\.1/.test(p)));
        assert.equal(config("dev", { "network.egress.logRetentionDays": 90, "network.egress.mode": "firewall" }).network.egress.logRetentionDays, 90);
    });

    it("refuses a domain it cannot match, too many domains, and an OTLP endpoint named by IP address behind the firewall", () => {
        for (const bad of ["https://api.example.com", "*.example.com", "api.example.com:443", "API.example.com", "example"])
            assert.ok(refused("prod", { "network.egress.allowedDomains": [bad] }).some((p) => p.startsWith("network.egress.allowedDomains[0]: must be a lower-case domain")), bad);
        const many = Array.from({ length: EGRESS_MAX_DOMAINS }, (_, i) => `d${i}.example.com`);
        assert.ok(refused("prod", { "network.egress.allowedDomains": many }).some((p) => /^network\.egress\.allowedDomains: holds \d+ domains .* takes at most 499/.test(p)));
        assert.ok(refused("prod", { "observability.otlpEndpoint": "http://10.1.2.3:4318" }).some((p) => p.startsWith("observability.otlpEndpoint: names an IP address")));
        assert.equal(config("dev", { "observability.otlpEndpoint": "http://10.1.2.3:4318" }).network.egress.mode, "nat", "without the firewall an address is fine");
    });
});
