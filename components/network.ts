import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { subnetLayout } from "../lib/cidr";
import { INTERFACE_ENDPOINT_SERVICES } from "../lib/config";
import { ECR_ENDPOINT_SERVICES } from "../lib/images";
import { Connections } from "./connections";
import { allow } from "./iam";
import { KmsKey } from "./kmsKey";
import { EgressFirewall } from "./egressFirewall";

export interface NetworkArgs {
    /** VPC IPv4 range, a private block /16–/20. Default (config) 10.0.0.0/16. */
    cidr: string;
    /** Availability zones to span, one public and one private subnet in each. Default (config) 3. */
    azCount: number;
    /** Zone names; default: the first `azCount` zones `aws.getAvailabilityZones` reports. */
    availabilityZones?: string[];
    /** "perAz": a NAT gateway in every zone (no cross-zone dependency); "single": one, cheap. Default (config) perAz. */
    natGateways: "perAz" | "single";
    /** KMS, CloudWatch Logs and Secrets Manager interface endpoints (and ECR's with ecrEndpoints), each with a policy of what the tasks call. Default (config) on in prod. */
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
    /**
     * The tasks' internet egress through an AWS Network Firewall that passes only `domains`
     * (lib/egress.ts; its logs under `key`, kept `retentionDays`); the load balancer then moves to
     * subnets of its own. Default: none, the private subnets route straight to the NAT gateways.
     */
    egressFirewall?: { name: string; domains: pulumi.Input<string[]>; key: KmsKey; retentionDays: number; deleteProtection: boolean };
    /**
     * VPC peering with the other stack of a region-loss pair (lib/peering.ts): `request` (the warm
     * standby: a connection to the primary's VPC in its region, in account `ownerId`) or `accept`
     * (the primary: the standby's connection id); either way a route from every private subnet to
     * each of the peer's private ranges `cidrs` through the connection. Default: none.
     */
    peer?: PeerArgs;
}

export type PeerArgs =
    | { request: { vpcId: string; region: string; ownerId: string }; cidrs: string[] }
    | { accept: string; cidrs: string[] };


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
    /** With the egress firewall: its subnets (one endpoint each), and the load balancer's own subnets. */
    readonly firewallSubnets: aws.ec2.Subnet[] = [];
    readonly ingressSubnets: aws.ec2.Subnet[] = [];
    readonly firewall?: EgressFirewall;
    readonly zones: pulumi.Output<string>[];
    private readonly ingressAssociations: aws.ec2.RouteTableAssociation[] = [];
    private readonly privateAssociations: aws.ec2.RouteTableAssociation[] = [];
    private readonly interfaceEndpoints: aws.ec2.VpcEndpoint[] = [];
    private s3Endpoint?: aws.ec2.VpcEndpoint;
    /** The peering connection (requested or accepted), with `peer`. */
    readonly peering?: aws.ec2.VpcPeeringConnection | aws.ec2.VpcPeeringConnectionAccepter;
    private readonly child: pulumi.CustomResourceOptions;
    private readonly layout: ReturnType<typeof subnetLayout>;

    constructor(private readonly name: string, private readonly args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("payment-gateway:network:Network", name, {}, opts);
        this.child = { parent: this };
        this.layout = subnetLayout(args.cidr, args.azCount);

        this.zones = this.selectZones();
        this.vpc = this.createVpc(name);
        if (args.peer) this.peering = this.createPeering(name, args.peer);
        this.internetGateway = this.createInternetGateway(name);
        this.createPublicSubnets();
        this.createNatGateways(name);
        if (args.egressFirewall) {
            this.createIngressSubnets(name);
            this.firewall = this.createFirewall(name, args.egressFirewall);
        } else {
            this.routePublicSubnets([]);
        }
        this.createPrivateSubnets(name);
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

    /**
     * The subnets the load balancer spans: the public subnets, or with the egress firewall subnets
     * of its own (the public subnets' route table then sends the private ranges through the
     * firewall, which would see the load balancer's traffic to its targets one way only).
     */
    get loadBalancerSubnetIds(): pulumi.Output<string>[] {
        return (this.args.egressFirewall ? this.ingressSubnets : this.publicSubnets).map((s) => s.id);
    }
    /** What the load balancer waits for besides the internet gateway: its subnets' route to it. */
    get loadBalancerReady(): pulumi.Resource[] {
        return [...this.internetReady, ...this.ingressAssociations];
    }
    /**
     * What a task waits for to leave the VPC: with the egress firewall, the private route tables
     * (declared after the load balancer), the S3 gateway endpoint on them (ECR's layers in the
     * region), the interface endpoints and the domain list. The list leaves out what the endpoints
     * serve (lib/egress.ts), so a task that starts before an endpoint is available (its private DNS
     * name still answers with the service's public addresses) has its secret reads, log writes or
     * ECR pulls dropped by the firewall; and an image or domain added in the same update must be
     * on the list before a task pulls or calls it. The provider waits for an endpoint to be
     * available (vpc_endpoint.go, waitVPCEndpointAvailable); it does not wait for an edited rule
     * group to reach the firewall's endpoints (rule_group.go: UpdateRuleGroup only), so a task
     * started within that window may still be dropped once and retried by ECS. Without the
     * firewall, nothing: the private route tables come with the subnets, and whatever an endpoint
     * does not serve yet goes through the NAT gateway.
     */
    get egressReady(): pulumi.Resource[] {
        if (!this.args.egressFirewall || !this.firewall) return [];
        if (!this.s3Endpoint) throw new Error("the network's private routes are declared by routeReturnThroughFirewall, after the load balancer: call it before declaring a service");
        return [...this.privateAssociations, this.s3Endpoint, ...this.interfaceEndpoints, this.firewall.ruleGroup];
    }
    /** Every subnet of the VPC (what the zone-outage drill may cut). */
    get allSubnets(): aws.ec2.Subnet[] {
        return [...this.publicSubnets, ...this.privateSubnets, ...this.ingressSubnets, ...this.firewallSubnets];
    }

    /**
     * With the egress firewall, the NAT gateways' (public) route table: the internet through the
     * gateway, and each zone's private range back through that zone's firewall endpoint, so that a
     * reply crosses the firewall as its request did (Network Firewall Developer Guide, "Architecture
     * with an internet gateway and a NAT gateway":
     * https://docs.aws.amazon.com/network-firewall/latest/developerguide/arch-igw-ngw.html, whose
     * route tables are recalled here, not confirmed against a copy of the page; routes more specific
     * than the VPC's local route are allowed for this, Amazon VPC User Guide, "Middlebox routing"). Declared after `after` (the load balancer, moved off these subnets):
     * until it has moved, a private range routed through the firewall from here would send the
     * load balancer's traffic to its targets through it one way only, and the firewall drops a flow
     * it sees one way. Without the firewall, declared in the constructor.
     */
    routeReturnThroughFirewall(after: pulumi.Resource[]): aws.ec2.RouteTable {
        if (!this.firewall) throw new Error("routeReturnThroughFirewall: the network has no egress firewall");
        const endpoints = this.firewall.endpointIds;
        const table = this.routePublicSubnets(this.layout.private.map((cidrBlock, i) => ({ cidrBlock, vpcEndpointId: endpoints[i] })), after);
        this.routePrivateSubnets(this.name, table);
        return table;
    }

    /** The peering connection's id (with `peer`): the requester's, or the one accepted. */
    get peeringConnectionId(): pulumi.Output<string> | undefined {
        return this.peering?.id;
    }
    /** The peer's private ranges this network routes to (with `peer`). Default none. */
    get peerCidrs(): string[] {
        return this.args.peer?.cidrs ?? [];
    }
    /** The private subnets' ranges: where tasks and interface endpoints live (what a peer routes to). */
    get privateSubnetCidrs(): pulumi.Output<string>[] {
        return this.privateSubnets.map((s) => s.cidrBlock);
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

    /**
     * The standby requests, the primary accepts (lib/peering.ts), each in its own region.
     * terraform-provider-aws internal/service/ec2: aws_vpc_peering_connection's vpc_id, peer_vpc_id,
     * peer_region and peer_owner_id are ForceNew, and its create returns once the connection is
     * pending-acceptance (WaitVPCPeeringConnectionActive); auto_accept is refused with peer_region,
     * and no DNS options are set (Atlas's private SRV names are public DNS answering private
     * addresses, so neither side needs the other's resolver). aws_vpc_peering_connection_accepter's
     * vpc_peering_connection_id is ForceNew; its create accepts a pending connection and waits
     * until active; its delete only forgets it (resourceVPCPeeringAccepterDelete): the connection
     * goes with the requester.
     */
    private createPeering(name: string, peer: PeerArgs): aws.ec2.VpcPeeringConnection | aws.ec2.VpcPeeringConnectionAccepter {
        if ("request" in peer)
            return new aws.ec2.VpcPeeringConnection(`${name}-peer`, {
                vpcId: this.vpc.id,
                peerVpcId: peer.request.vpcId,
                peerRegion: peer.request.region,
                peerOwnerId: peer.request.ownerId,
                tags: { Name: `${name}-to-${peer.request.region}` },
            }, this.child);
        return new aws.ec2.VpcPeeringConnectionAccepter(`${name}-peer`, {
            vpcPeeringConnectionId: peer.accept,
            autoAccept: true,
            tags: { Name: `${name}-peer` },
        }, this.child);
    }

    private createInternetGateway(name: string): aws.ec2.InternetGateway {
        return new aws.ec2.InternetGateway(name, { vpcId: this.vpc.id, tags: { Name: name } }, this.child);
    }

    /** Zone `i`'s subnet of `tier`, named and tagged `<network>-<tier>-<i>`; `options` as given (public, ingress and firewall subnets never map public addresses). */
    private createSubnet(tier: string, i: number, cidrBlock: string, options: { mapPublicIpOnLaunch?: false } = {}): aws.ec2.Subnet {
        const name = `${this.name}-${tier}-${i}`;
        return new aws.ec2.Subnet(name, { vpcId: this.vpc.id, cidrBlock, availabilityZone: this.zones[i], ...options, tags: { Name: name, tier } }, this.child);
    }

    private createPublicSubnets(): void {
        this.layout.public.forEach((cidrBlock, i) => {
            const subnet = this.createSubnet("public", i, cidrBlock, { mapPublicIpOnLaunch: false });
            this.publicSubnets.push(subnet);
        });
    }

    /** The public subnets' one route table (the internet through the gateway, plus `extra`) and their associations. */
    private routePublicSubnets(extra: aws.types.input.ec2.RouteTableRoute[], after: pulumi.Resource[] = []): aws.ec2.RouteTable {
        const name = this.name;
        const routes = new aws.ec2.RouteTable(`${name}-public`, {
            vpcId: this.vpc.id,
            routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: this.internetGateway.id }, ...extra],
            tags: { Name: `${name}-public` },
        }, { ...this.child, dependsOn: after });
        this.publicSubnets.forEach((subnet, i) => new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: subnet.id, routeTableId: routes.id }, this.child));
        return routes;
    }

    /** With the egress firewall: the load balancer's subnets, one per zone, routed to the internet gateway. */
    private createIngressSubnets(name: string): void {
        const routes = new aws.ec2.RouteTable(`${name}-ingress`, {
            vpcId: this.vpc.id,
            routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: this.internetGateway.id }],
            tags: { Name: `${name}-ingress` },
        }, this.child);
        this.layout.ingress.forEach((cidrBlock, i) => {
            const subnet = this.createSubnet("ingress", i, cidrBlock, { mapPublicIpOnLaunch: false });
            this.ingressAssociations.push(new aws.ec2.RouteTableAssociation(`${name}-ingress-${i}`, { subnetId: subnet.id, routeTableId: routes.id }, this.child));
            this.ingressSubnets.push(subnet);
        });
    }

    /**
     * The firewall: a subnet per zone holding its endpoint, whose route table sends the internet to
     * the zone's NAT gateway (or the single one), then the firewall itself (components/egressFirewall.ts).
     */
    private createFirewall(name: string, egress: NonNullable<NetworkArgs["egressFirewall"]>): EgressFirewall {
        this.layout.firewall.forEach((cidrBlock, i) => {
            const subnet = this.createSubnet("firewall", i, cidrBlock, { mapPublicIpOnLaunch: false });
            const routes = new aws.ec2.RouteTable(`${name}-firewall-${i}`, {
                vpcId: this.vpc.id,
                routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: this.natFor(i).id }],
                tags: { Name: `${name}-firewall-${i}` },
            }, this.child);
            new aws.ec2.RouteTableAssociation(`${name}-firewall-${i}`, { subnetId: subnet.id, routeTableId: routes.id }, this.child);
            this.firewallSubnets.push(subnet);
        });
        return new EgressFirewall(`${name}-egress`, {
            name: egress.name,
            vpcId: this.vpc.id,
            vpcCidr: this.args.cidr,
            subnets: this.firewallSubnets,
            domains: egress.domains,
            logs: { key: egress.key, retentionDays: egress.retentionDays },
            deleteProtection: egress.deleteProtection,
        }, { parent: this });
    }

    /** The NAT gateway zone `i` egresses through: its own when there is one per zone. */
    private natFor(i: number): aws.ec2.NatGateway {
        return this.natGateways[Math.min(i, this.natGateways.length - 1)];
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
            const subnet = this.createSubnet("private", i, cidrBlock);
            this.privateSubnets.push(subnet);
        });
        if (!this.args.egressFirewall) this.routePrivateSubnets(name);
    }

    /**
     * A route table per private subnet: the internet through the zone's NAT gateway, or with the
     * egress firewall through the zone's firewall endpoint (whose subnet routes on to the NAT
     * gateway), declared after the public table's return routes (`after`) so the two directions
     * switch one after the other. An existing stack's switch is one ReplaceRoute per table: the
     * provider replaces an inline route whose destination stays and whose target changes
     * (internal/service/ec2/vpc_route_table.go, resourceRouteTableUpdate → routeTableUpdateRoute),
     * so a zone is never without a default route; connections open across the switch are cut.
     */
    private routePrivateSubnets(name: string, after?: aws.ec2.RouteTable): void {
        this.privateSubnets.forEach((subnet, i) => {
            const route = this.firewall ? { cidrBlock: "0.0.0.0/0", vpcEndpointId: this.firewall.endpointIds[i] } : { cidrBlock: "0.0.0.0/0", natGatewayId: this.natFor(i).id };
            // The peer's private ranges through the peering: more specific than the default
            // route, so this traffic never reaches the NAT gateway or the egress firewall. Inline,
            // as every route of these tables: the provider forbids mixing inline routes with
            // aws_route resources on one table (docs/r/route_table.html.markdown, "NOTE on Route
            // Tables and Routes"). A route may point at a connection still pending acceptance; it
            // is a blackhole until the connection is active (Amazon VPC Peering Guide, "Update
            // your route tables for a VPC peering connection").
            const peering = this.peering && this.args.peer ? this.args.peer.cidrs.map((cidrBlock) => ({ cidrBlock, vpcPeeringConnectionId: this.peering!.id })) : [];
            const routes = new aws.ec2.RouteTable(`${name}-private-${i}`, {
                vpcId: this.vpc.id,
                routes: [route, ...peering],
                tags: { Name: `${name}-private-${i}` },
            }, { ...this.child, dependsOn: after ? [after] : [] });
            this.privateAssociations.push(new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: subnet.id, routeTableId: routes.id }, this.child));
            this.privateRouteTables.push(routes);
        });
        this.createGatewayEndpoints(name);
    }

    private createGatewayEndpoints(name: string): void {
        // ECR stores image layers in S3: the gateway endpoint keeps pulls off the NAT, at no cost.
        this.s3Endpoint = new aws.ec2.VpcEndpoint(`${name}-s3`, {
            vpcId: this.vpc.id,
            serviceName: `com.amazonaws.${this.args.region}.s3`,
            vpcEndpointType: "Gateway",
            routeTableIds: this.privateRouteTables.map((t) => t.id),
            policy: JSON.stringify(s3EndpointPolicy(this.args.region)),
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
        // Without the egress firewall nothing waits for these: every private route table has a NAT
        // route (natGateways is perAz or single, never none), so a task that pulls from ECR while the
        // ECR pair is being added (a switch to build mode) or after it is removed goes through the NAT
        // gateway instead. With it, the services wait for them (egressReady): the firewall's list
        // leaves out what they serve.
        const services = INTERFACE_ENDPOINT_SERVICES.filter((s) => this.args.ecrEndpoints || !(ECR_ENDPOINT_SERVICES as readonly string[]).includes(s));
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        for (const service of services) {
            const endpoint = new aws.ec2.VpcEndpoint(`${name}-${service.replace(".", "-")}`, {
                vpcId: this.vpc.id,
                serviceName: `com.amazonaws.${this.args.region}.${service}`,
                vpcEndpointType: "Interface",
                privateDnsEnabled: true,
                policy: account.apply((a) => JSON.stringify(interfaceEndpointPolicy(service, a))),
                subnetIds: this.privateSubnetIds,
                securityGroupIds: [endpoints.id],
                tags: { Name: `${name}-${service}` },
            }, this.child);
            this.interfaceEndpoints.push(endpoint);
        }
    }
}

/**
 * What the tasks may do in S3 through the gateway endpoint: read ECR's image layers, nothing else.
 * "Amazon ECR uses Amazon S3 to store your image layers … the minimum bucket permissions":
 * s3:GetObject on arn:aws:s3:::prod-<region>-starport-layer-bucket/* (Amazon ECR User Guide,
 * "Amazon ECR interface VPC endpoints (AWS PrivateLink)", Create the Amazon S3 gateway endpoint,
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html). The tasks use no other
 * bucket (the access-log bucket is written by Elastic Load Balancing, not from the VPC), and a
 * bucket outside the policy is refused at the endpoint, not routed elsewhere: the endpoint's
 * prefix-list route takes all of the region's S3.
 */
export function s3EndpointPolicy(region: string) {
    const partition = region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
    return {
        Version: "2012-10-17",
        Statement: [{ Sid: "EcrImageLayersOnly", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:${partition}:s3:::prod-${region}-starport-layer-bucket/*` }],
    };
}

/**
 * What the tasks call through each interface endpoint: exactly what the program grants them
 * (components/service.ts: the execution role's log writes, secret reads and ECR pulls; the task
 * roles' envelope encryption under the application key, lib/keyPolicy.ts), so the endpoint policy
 * takes nothing IAM allows away; and only as principals of this account (aws:PrincipalAccount), so
 * credentials of another account cannot use the endpoint to move data out (Amazon VPC
 * PrivateLink guide, "Control access to VPC endpoints using endpoint policies":
 * https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html; the policy does not
 * replace IAM, it narrows what passes the endpoint).
 */
export const INTERFACE_ENDPOINT_ACTIONS: Record<string, string[]> = {
    "ecr.api": ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
    "ecr.dkr": ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
    kms: ["kms:GenerateDataKey", "kms:Decrypt"],
    logs: ["logs:CreateLogStream", "logs:PutLogEvents"],
    secretsmanager: ["secretsmanager:GetSecretValue"],
};

export function interfaceEndpointPolicy(service: string, account: string) {
    const actions = INTERFACE_ENDPOINT_ACTIONS[service];
    if (!actions) throw new Error(`no endpoint policy for ${service}: list what the tasks call through it in INTERFACE_ENDPOINT_ACTIONS`);
    return {
        Version: "2012-10-17",
        Statement: [{ Sid: "ThisAccountsTasks", Effect: "Allow", Principal: "*", Action: actions, Resource: "*", Condition: { StringEquals: { "aws:PrincipalAccount": account } } }],
    };
}
