import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { subnetLayout } from "../lib/cidr";
import { INTERFACE_ENDPOINT_SERVICES } from "../lib/config";
import { ECR_ENDPOINT_SERVICES } from "../lib/images";
import { Connections } from "./connections";
import { allow } from "./iam";
import { KmsKey } from "./kmsKey";

export interface NetworkArgs {
    /** VPC IPv4 range, a private block /16–/20. Default (config) 10.0.0.0/16. */
    cidr: string;
    /** Availability zones to span, one public and one private subnet in each. Default (config) 3. */
    azCount: number;
    /** Zone names; default: the first `azCount` zones `aws.getAvailabilityZones` reports. */
    availabilityZones?: string[];
    /** "perAz": a NAT gateway in every zone (no cross-zone dependency); "single": one, cheap. Default (config) perAz. */
    natGateways: "perAz" | "single";
    /** ECR, CloudWatch Logs and Secrets Manager interface endpoints. Default (config) on in prod. */
    interfaceEndpoints: boolean;
    /**
     * With interfaceEndpoints, also the ecr.api and ecr.dkr endpoints: only worth their hours when a
     * task pulls an image from ECR in this region (lib/config/resolve.ts pullsFromEcrInRegion). Default false.
     */
    ecrEndpoints?: boolean;
    /** AWS region, for endpoint service names. */
    region: string;
    /** Flow logs of all the VPC's traffic into a log group encrypted with `key`, kept `retentionDays`. Default: none. */
    flowLogs?: { key: KmsKey; retentionDays: number; name: string };
}


/**
 * A VPC over `azCount` zones: public subnets (load balancer, NAT gateways) and private subnets
 * (tasks, cache, PrivateLink endpoint) in each, NAT per zone or single, an S3 gateway endpoint and
 * optional interface endpoints.
 */
export class Network extends pulumi.ComponentResource {
    readonly vpc: aws.ec2.Vpc;
    /** Attached to the VPC on creation; whatever faces the internet waits for it (`internetReady`). */
    readonly internetGateway: aws.ec2.InternetGateway;
    readonly publicSubnets: aws.ec2.Subnet[] = [];
    readonly privateSubnets: aws.ec2.Subnet[] = [];
    readonly natGateways: aws.ec2.NatGateway[] = [];
    readonly natIps: aws.ec2.Eip[] = [];
    readonly privateRouteTables: aws.ec2.RouteTable[] = [];
    readonly zones: pulumi.Output<string>[];
    private readonly child: pulumi.CustomResourceOptions;
    private readonly layout: { private: string[]; public: string[] };

    constructor(name: string, private readonly args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("payment-gateway:network:Network", name, {}, opts);
        this.child = { parent: this };
        this.layout = subnetLayout(args.cidr, args.azCount);

        this.zones = this.selectZones();
        this.vpc = this.createVpc(name);
        this.internetGateway = this.createInternetGateway(name);
        this.createPublicSubnets(name);
        this.createNatGateways(name);
        this.createPrivateSubnets(name);
        this.createGatewayEndpoints(name);
        if (args.interfaceEndpoints) this.createInterfaceEndpoints(name);
        if (args.flowLogs) this.createFlowLogs(name, args.flowLogs);

        this.registerOutputs({ vpcId: this.vpc.id });
    }

    get vpcId(): pulumi.Output<string> {
        return this.vpc.id;
    }
    get publicSubnetIds(): pulumi.Output<string>[] {
        return this.publicSubnets.map((s) => s.id);
    }
    get privateSubnetIds(): pulumi.Output<string>[] {
        return this.privateSubnets.map((s) => s.id);
    }
    /**
     * What an internet-facing resource (a NAT gateway, its address, the load balancer) must wait
     * for: nothing references the gateway, and without it AWS refuses them (Gateway.NotAttached,
     * "VPC has no internet gateway").
     */
    get internetReady(): pulumi.Resource[] {
        return [this.internetGateway];
    }

    /** The NAT gateways' public addresses: what the outside world (an IP access list) sees of the tasks. */
    get natPublicIps(): pulumi.Output<string>[] {
        return this.natIps.map((ip) => ip.publicIp);
    }

    private selectZones(): pulumi.Output<string>[] {
        const { azCount, availabilityZones } = this.args;
        if (availabilityZones) return availabilityZones.map((z) => pulumi.output(z));
        const available = aws.getAvailabilityZonesOutput({ state: "available" }, { parent: this });
        return Array.from({ length: azCount }, (_, i) =>
            available.names.apply((names) => {
                if (names.length < azCount) throw new Error(`network.azCount is ${azCount} but the region has only ${names.length} available zones`);
                return names[i];
            }),
        );
    }

    private createVpc(name: string): aws.ec2.Vpc {
        return new aws.ec2.Vpc(name, {
            cidrBlock: this.args.cidr,
            enableDnsHostnames: true, // PrivateLink and interface endpoints need private DNS
            enableDnsSupport: true,
            tags: { Name: name },
        }, this.child);
    }

    private createInternetGateway(name: string): aws.ec2.InternetGateway {
        return new aws.ec2.InternetGateway(name, { vpcId: this.vpc.id, tags: { Name: name } }, this.child);
    }

    private createPublicSubnets(name: string): void {
        const routes = new aws.ec2.RouteTable(`${name}-public`, {
            vpcId: this.vpc.id,
            routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: this.internetGateway.id }],
            tags: { Name: `${name}-public` },
        }, this.child);
        this.layout.public.forEach((cidrBlock, i) => {
            const subnet = new aws.ec2.Subnet(`${name}-public-${i}`, {
                vpcId: this.vpc.id,
                cidrBlock,
                availabilityZone: this.zones[i],
                mapPublicIpOnLaunch: false,
                tags: { Name: `${name}-public-${i}`, tier: "public" },
            }, this.child);
            new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: subnet.id, routeTableId: routes.id }, this.child);
            this.publicSubnets.push(subnet);
        });
    }

    private createNatGateways(name: string): void {
        const count = this.args.natGateways === "perAz" ? this.args.azCount : 1;
        for (let i = 0; i < count; i++) {
            const afterGateway = { ...this.child, dependsOn: this.internetReady };
            const ip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: { Name: `${name}-nat-${i}` } }, afterGateway);
            this.natIps.push(ip);
            this.natGateways.push(new aws.ec2.NatGateway(`${name}-nat-${i}`, {
                allocationId: ip.id,
                subnetId: this.publicSubnets[i].id,
                tags: { Name: `${name}-nat-${i}` },
            }, afterGateway));
        }
    }

    private createPrivateSubnets(name: string): void {
        this.layout.private.forEach((cidrBlock, i) => {
            const subnet = new aws.ec2.Subnet(`${name}-private-${i}`, {
                vpcId: this.vpc.id,
                cidrBlock,
                availabilityZone: this.zones[i],
                tags: { Name: `${name}-private-${i}`, tier: "private" },
            }, this.child);
            // Each zone egresses through its own NAT gateway when there is one per zone.
            const nat = this.natGateways[Math.min(i, this.natGateways.length - 1)];
            const routes = new aws.ec2.RouteTable(`${name}-private-${i}`, {
                vpcId: this.vpc.id,
                routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
                tags: { Name: `${name}-private-${i}` },
            }, this.child);
            new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: subnet.id, routeTableId: routes.id }, this.child);
            this.privateSubnets.push(subnet);
            this.privateRouteTables.push(routes);
        });
    }

    private createGatewayEndpoints(name: string): void {
        // ECR stores image layers in S3: the gateway endpoint keeps pulls off the NAT, at no cost.
        new aws.ec2.VpcEndpoint(`${name}-s3`, {
            vpcId: this.vpc.id,
            serviceName: `com.amazonaws.${this.args.region}.s3`,
            vpcEndpointType: "Gateway",
            routeTableIds: this.privateRouteTables.map((t) => t.id),
            tags: { Name: `${name}-s3` },
        }, this.child);
    }

    /**
     * VPC flow logs (PCI DSS v4 10.2, 1.2.5): every accepted and rejected flow into a CloudWatch log
     * group under `key`. The delivery role trusts vpc-flow-logs.amazonaws.com for this account's flow
     * logs only (aws:SourceAccount, aws:SourceArn; the confused-deputy conditions AWS documents at
     * https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html) and may write to this
     * group only.
     */
    private createFlowLogs(name: string, flowLogs: NonNullable<NetworkArgs["flowLogs"]>): aws.ec2.FlowLog {
        const group = new aws.cloudwatch.LogGroup(`${name}-flow-logs`, {
            name: `/aws/vpc/flow-logs/${flowLogs.name}`,
            retentionInDays: flowLogs.retentionDays,
            kmsKeyId: flowLogs.key.arn,
        }, { ...this.child, dependsOn: flowLogs.key.policy ? [flowLogs.key.policy] : [] });
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const role = new aws.iam.Role(`${name}-flow-logs`, {
            description: `VPC flow log delivery of ${flowLogs.name}`,
            assumeRolePolicy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [{
                    Effect: "Allow",
                    Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: {
                        StringEquals: { "aws:SourceAccount": account },
                        ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:aws:ec2:${this.args.region}:${account}:vpc-flow-log/*` },
                    },
                }],
            }),
        }, this.child);
        // "The IAM policy that's attached to your IAM role must include at least" CreateLogGroup,
        // CreateLogStream, PutLogEvents, DescribeLogGroups and DescribeLogStreams
        // (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html): all but
        // DescribeLogGroups scoped to this group; DescribeLogGroups takes only "*" (AWS's service
        // reference lists no resource type for it).
        const permissions = allow(role, `${name}-flow-logs`, [
            { Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: [group.arn, pulumi.interpolate`${group.arn}:*`] },
            { Action: "logs:DescribeLogGroups", Resource: "*" },
        ], this.child);
        return new aws.ec2.FlowLog(name, {
            vpcId: this.vpc.id,
            trafficType: "ALL",
            logDestinationType: "cloud-watch-logs",
            logDestination: group.arn,
            iamRoleArn: role.arn,
            maxAggregationInterval: 60,
            tags: { Name: name },
        }, { ...this.child, dependsOn: [permissions] });
    }

    private createInterfaceEndpoints(name: string): void {
        const endpoints = new Connections(`${name}-endpoints`, {
            vpcId: this.vpc.id,
            description: "AWS interface endpoints: HTTPS from inside the VPC",
        }, this.child);
        // Sources: the VPC's own range (tasks in the private subnets); nothing from outside.
        endpoints.allowFromCidrs([this.args.cidr], 443, "HTTPS from the VPC");
        // Nothing waits for these: every private route table has a NAT route (natGateways is perAz or
        // single, never none), so a task that pulls from ECR while the ECR pair is being added (a switch
        // to build mode) or after it is removed goes through the NAT gateway instead.
        const services = INTERFACE_ENDPOINT_SERVICES.filter((s) => this.args.ecrEndpoints || !(ECR_ENDPOINT_SERVICES as readonly string[]).includes(s));
        for (const service of services) {
            new aws.ec2.VpcEndpoint(`${name}-${service.replace(".", "-")}`, {
                vpcId: this.vpc.id,
                serviceName: `com.amazonaws.${this.args.region}.${service}`,
                vpcEndpointType: "Interface",
                privateDnsEnabled: true,
                subnetIds: this.privateSubnetIds,
                securityGroupIds: [endpoints.id],
                tags: { Name: `${name}-${service}` },
            }, this.child);
        }
    }
}
