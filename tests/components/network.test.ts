import { strict as assert } from "assert";
import { parseCidr } from "../../lib/cidr";
import { interfaceEndpointServices, pullsFromEcrInRegion, validateConfig } from "../../lib/config";
import { rawConfigFrom } from "../../lib/stackConfig";
import { Run, assembleConfig, runProgram, baselines } from "../harness";

const config = (stack: string, set: Record<string, unknown> = {}) => {
    const { values } = assembleConfig(stack, set);
    return validateConfig(rawConfigFrom(values), values["aws:region"]);
};

const SUBNET = "aws:ec2/subnet:Subnet";

function within(inner: string, outer: string): boolean {
    const a = parseCidr(inner), b = parseCidr(outer);
    return a.prefix >= b.prefix && Math.floor(a.base / 2 ** (32 - b.prefix)) === Math.floor(b.base / 2 ** (32 - b.prefix));
}
function overlaps(x: string, y: string): boolean {
    return within(x, y) || within(y, x);
}

describe("network", () => {
    let prod: Run, dev: Run;
    before(async () => ({ prod, dev } = await baselines()));

    const subnets = (run: Run, tier: string) => run.ofType(SUBNET).filter((s) => s.inputs.tags.tier === tier).sort((a, b) => a.name.localeCompare(b.name));

    it("spans three zones in prod with a public and a private subnet in each", () => {
        const vpc = prod.one("aws:ec2/vpc:Vpc");
        assert.equal(vpc.inputs.cidrBlock, "10.30.0.0/16");
        for (const tier of ["public", "private"]) {
            const found = subnets(prod, tier);
            assert.equal(found.length, 3, tier);
            assert.deepEqual(found.map((s) => s.inputs.availabilityZone), ["us-east-1a", "us-east-1b", "us-east-1c"]);
            for (const s of found) assert.equal(s.inputs.vpcId, vpc.id);
        }
        const all = prod.ofType(SUBNET).map((s) => s.inputs.cidrBlock);
        for (const c of all) assert.ok(within(c, "10.30.0.0/16"), c);
        for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) assert.ok(!overlaps(all[i], all[j]), `${all[i]} overlaps ${all[j]}`);
        assert.ok(prod.ofType(SUBNET).every((s) => s.inputs.mapPublicIpOnLaunch !== true));
    });

    it("gives each prod zone its own NAT gateway, and the private route of a zone uses it", () => {
        const nats = prod.ofType("aws:ec2/natGateway:NatGateway");
        assert.equal(nats.length, 3);
        const publics = subnets(prod, "public");
        assert.deepEqual(new Set(nats.map((n) => n.inputs.subnetId)), new Set(publics.map((s) => s.id)));
        for (const [i, privateSubnet] of subnets(prod, "private").entries()) {
            const assoc = prod.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation").find((a) => a.inputs.subnetId === privateSubnet.id)!;
            const table = prod.ofType("aws:ec2/routeTable:RouteTable").find((t) => t.id === assoc.inputs.routeTableId)!;
            const nat = nats.find((n) => n.id === table.inputs.routes[0].natGatewayId)!;
            assert.equal(table.inputs.routes[0].cidrBlock, "0.0.0.0/0");
            assert.equal(nat.inputs.subnetId, publics[i].id, `zone ${i} egresses through another zone's NAT`);
        }
    });

    it("creates no NAT gateway or address before the internet gateway is attached", () => {
        for (const run of [prod, dev]) {
            const igw = run.one("aws:ec2/internetGateway:InternetGateway");
            assert.equal(igw.inputs.vpcId, run.one("aws:ec2/vpc:Vpc").id);
            const waiting = [...run.ofType("aws:ec2/natGateway:NatGateway"), ...run.ofType("aws:ec2/eip:Eip")];
            assert.ok(waiting.length >= 2);
            for (const r of waiting) assert.ok(r.dependsOn.includes(igw.urn), `${r.type} ${r.name}`);
        }
    });

    it("runs dev over two zones through a single NAT gateway", () => {
        assert.equal(subnets(dev, "public").length, 2);
        assert.equal(subnets(dev, "private").length, 2);
        const nats = dev.ofType("aws:ec2/natGateway:NatGateway");
        assert.equal(nats.length, 1);
        const privateTables = dev.ofType("aws:ec2/routeTable:RouteTable").filter((t) => t.name.includes("private"));
        assert.equal(privateTables.length, 2);
        for (const t of privateTables) assert.equal(t.inputs.routes[0].natGatewayId, nats[0].id);
    });

    // The network's own endpoints (the Atlas PrivateLink endpoint belongs to the database).
    const endpoints = (run: Run) => run.descendants(run.one("payment-gateway:network:Network")).filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint");
    const interfaceServices = (run: Run) => endpoints(run).filter((e) => e.inputs.vpcEndpointType === "Interface").map((e) => e.inputs.serviceName.replace("com.amazonaws.us-east-1.", "")).sort();

    it("adds interface endpoints for Logs and Secrets Manager in prod, without ECR's (no image comes from ECR), only the S3 gateway in dev", () => {
        const interfaces = endpoints(prod).filter((e) => e.inputs.vpcEndpointType === "Interface");
        assert.deepEqual(interfaces.map((e) => e.inputs.serviceName).sort(), ["logs", "secretsmanager"].map((s) => `com.amazonaws.us-east-1.${s}`));
        const privateIds = subnets(prod, "private").map((s) => s.id).sort();
        for (const e of interfaces) {
            assert.equal(e.inputs.privateDnsEnabled, true);
            assert.deepEqual([...e.inputs.subnetIds].sort(), privateIds);
        }
        const s3 = endpoints(prod).find((e) => e.inputs.vpcEndpointType === "Gateway")!;
        assert.equal(s3.inputs.serviceName, "com.amazonaws.us-east-1.s3");
        assert.equal(s3.inputs.routeTableIds.length, 3);
        assert.deepEqual(endpoints(dev).map((e) => e.inputs.vpcEndpointType), ["Gateway"]);
    });

    it("adds the ecr.api and ecr.dkr endpoints when a task pulls from ECR in the stack's region: a build, or such an image", async () => {
        const built = await runProgram({ stack: "dev", set: { "network.interfaceEndpoints": true, "admin.image": undefined, "admin.build": { context: "tests/fixtures/app" } } });
        assert.deepEqual(interfaceServices(built), ["ecr.api", "ecr.dkr", "logs", "secretsmanager"]);
        for (const e of endpoints(built).filter((x) => x.inputs.vpcEndpointType === "Interface")) assert.equal(e.inputs.subnetIds.length, 2);
        // Adding or dropping the pair (a later switch to or from build mode) leaves the other endpoints and their
        // security group as they are: the same logical names, so nothing else is replaced.
        const names = (run: Run, services: string[]) => endpoints(run).filter((e) => services.some((x) => e.inputs.serviceName.endsWith(`.${x}`))).map((e) => `${e.name} ${e.inputs.securityGroupIds?.length}`).sort();
        assert.deepEqual(names(built, ["logs", "secretsmanager"]), names(prod, ["logs", "secretsmanager"]));
        assert.equal(names(built, ["logs", "secretsmanager"]).length, 2);
        // No task waits for them: the private subnets route to a NAT gateway in every stack, so a pull works before they exist and after they go.
        const privateTables = built.ofType("aws:ec2/routeTable:RouteTable").filter((r) => /private/.test(r.name));
        assert.equal(privateTables.length, 2);
        for (const t of privateTables) assert.ok(t.inputs.routes?.[0]?.natGatewayId, `${t.name} routes through a NAT gateway`);
        // Which configs pull from ECR in the region (each also held equal to the declared resources in tests/lib/cost.test.ts).
        const services = (set: Record<string, unknown>) => interfaceEndpointServices(config("prod", set));
        const ecr = (region: string, repo = "gateway/main") => `123456789012.dkr.ecr.${region}.amazonaws.com/${repo}@sha256:${"d".repeat(64)}`;
        assert.deepEqual(services({}), ["logs", "secretsmanager"]);
        assert.deepEqual(services({ "worker.image": ecr("us-east-1") }), ["ecr.api", "ecr.dkr", "logs", "secretsmanager"]);
        assert.deepEqual(services({ "worker.image": ecr("eu-west-1") }), ["logs", "secretsmanager"], "another region's ECR is reached through the NAT");
        assert.deepEqual(services({ "observability.collectorImage": ecr("us-east-1", "otel/collector") }), ["ecr.api", "ecr.dkr", "logs", "secretsmanager"]);
        assert.deepEqual(services({ "observability.collectorImage": ecr("us-east-1", "otel/collector"), "observability.otlpEndpoint": "https://otlp.example.com:4318" }), ["logs", "secretsmanager"], "no sidecar, no pull");
        assert.deepEqual(services({ "network.interfaceEndpoints": false, "worker.image": ecr("us-east-1") }), []);
        assert.equal(pullsFromEcrInRegion(config("prod", { "main.image": "public.ecr.aws/acme/gateway:1.0.0" })), false, "ECR Public is not the region's registry");
    });

    it("admits only HTTPS from the VPC to the interface endpoints", () => {
        const sg = prod.one("aws:ec2/securityGroup:SecurityGroup", "pg-endpoints");
        const rules = prod.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.securityGroupId === sg.id);
        assert.deepEqual(rules.map((r) => [r.inputs.cidrIpv4, r.inputs.fromPort, r.inputs.toPort]), [["10.30.0.0/16", 443, 443]]);
    });

    it("takes zone names from the region unless config names them", async () => {
        assert.ok(prod.invokes.some((i) => i.token === "aws:index/getAvailabilityZones:getAvailabilityZones"));
        const named = await runProgram({ stack: "dev", set: { "network.availabilityZones": ["us-east-1d", "us-east-1f"] } });
        assert.deepEqual(subnets(named, "private").map((s) => s.inputs.availabilityZone), ["us-east-1d", "us-east-1f"]);
        // Named zones are still checked against the zones the region offers (once, before anything is declared); the network takes none from it.
        const zoneInvokes = (run: Run) => run.invokes.filter((i) => i.token === "aws:index/getAvailabilityZones:getAvailabilityZones").length;
        assert.equal(zoneInvokes(named), zoneInvokes(prod) - 1);
    });
});
