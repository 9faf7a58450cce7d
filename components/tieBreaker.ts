import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { cidrSubnet } from "../lib/cidr";
import { ClusterAccess } from "./clusterAccess";

export interface TieBreakerArgs {
    /** AWS region of the tie-breaker (us-west-2): a region of atlas.regions where no application stack runs. */
    awsRegion: string;
    /** The endpoint-only VPC's IPv4 range (atlas.tieBreakerCidrs.<REGION>, validated: /16–/27, apart from network.cidr). */
    cidr: string;
    /** The Atlas project of the cluster (this stack's own). */
    projectId: pulumi.Input<string>;
    /** The cluster whose nodes in the region the endpoint serves (this stack's own). */
    clusterName: pulumi.Input<string>;
    /** Name tag prefix (payment-gateway-<stack>). */
    prefix: string;
}

/**
 * A region of the replica set where no application runs (a tie-breaker, e.g. the one node in
 * us-west-2 of 2 + 2 + 1): Atlas refuses a multi-region cluster unless PrivateLink is active in
 * every region with nodes (lib/regionLoss.ts), and no other stack has a VPC there. So the primary
 * declares, through an aws provider for that region, the least that holds an endpoint: a VPC
 * without internet gateway or NAT, a private subnet in each of two zones, and the Atlas private
 * endpoint, interface endpoint and endpoint service (ClusterAccess with `connect: false`: nothing
 * here connects, no users, no connection string). Its subnets have the VPC's local route only.
 *
 * Replace-on-change (terraform-provider-aws internal/service/ec2): aws_vpc `cidr_block` is
 * ForceNew (resourceVPC, validated /16–/28 by vpcCIDRMinIPv4Netmask/vpcCIDRMaxIPv4Netmask),
 * aws_subnet `cidr_block`, `availability_zone` and `vpc_id` are ForceNew (resourceSubnet). So the
 * zones are chosen once and stably: the first two by name (availability_zones_data_source.go
 * sorts the answer by zone name) of the region's zones that need no opt-in, whatever their state (a
 * state filter would drop an impaired zone during an outage and move a subnet, which replaces it
 * under its interface endpoint). DescribeAvailabilityZones is called through the region's
 * provider at preview too (this is the primary, which deploys there; the warm standby calls no
 * other region).
 */
export class TieBreaker extends pulumi.ComponentResource {
    readonly provider: aws.Provider;
    readonly vpc: aws.ec2.Vpc;
    readonly subnets: aws.ec2.Subnet[];
    readonly access: ClusterAccess;

    constructor(name: string, args: TieBreakerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("payment-gateway:database:TieBreaker", name, {}, opts);
        this.provider = new aws.Provider(`${name}-region`, { region: args.awsRegion as aws.Region }, { parent: this });
        const child = { parent: this, provider: this.provider };
        this.vpc = new aws.ec2.Vpc(name, {
            cidrBlock: args.cidr,
            // Not needed by the Atlas endpoint: its interface endpoint has private DNS off (the
            // provider sends PrivateDnsEnabled false when unset, resourceVPCEndpointCreate; Atlas's
            // private SRV records are public DNS), and nothing here resolves names. Set as
            // components/network.ts sets them, so the VPC behaves like the program's others.
            enableDnsSupport: true,
            enableDnsHostnames: true,
            tags: { Name: `${args.prefix}-${args.awsRegion}-endpoint` },
        }, child);
        const zones = aws.getAvailabilityZonesOutput({ filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, { parent: this, provider: this.provider });
        this.subnets = [0, 1].map((i) => new aws.ec2.Subnet(`${name}-private-${i}`, {
            vpcId: this.vpc.id,
            // Two halves of the range, one per zone.
            cidrBlock: cidrSubnet(args.cidr, 1, i),
            availabilityZone: zones.names.apply((names) => {
                if (names.length < 2) throw new Error(`${args.awsRegion} lists ${names.length} availability zone(s); the tie-breaker's endpoint needs two`);
                return names[i];
            }),
            tags: { Name: `${args.prefix}-${args.awsRegion}-endpoint-${i}` },
        }, child));
        this.access = new ClusterAccess(name, {
            projectId: args.projectId,
            clusterName: args.clusterName,
            awsRegion: args.awsRegion,
            network: { vpcId: this.vpc.id, privateSubnetIds: this.subnets.map((s) => s.id) },
            // Nothing connects here: no users, no client.
            databaseName: "",
            userPrefix: "",
            authentication: "password",
            clients: [],
            connect: false,
        }, { parent: this, providers: [this.provider] });
        this.registerOutputs({ vpcId: this.vpc.id });
    }
}
