import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { isValidSecurityGroupDescription, isValidSecurityGroupRuleDescription } from "../lib/limits";

export type PortRange = number | { from: number; to: number };

/**
 * A security group with intent-level verbs: `allowFrom(peer, port)` admits a port only from
 * another group, `allowFromCidrs` from named ranges. Egress is open (tasks reach Atlas, ECR and
 * the collector); every ingress rule names its source.
 */
export class Connections {
    readonly securityGroup: aws.ec2.SecurityGroup;

    constructor(
        private readonly name: string,
        args: { vpcId: pulumi.Input<string>; description: string },
        private readonly opts: pulumi.CustomResourceOptions,
    ) {
        if (!isValidSecurityGroupDescription(args.description)) throw new Error(`security group ${name}: EC2 rejects the description "${args.description}"`);
        this.securityGroup = new aws.ec2.SecurityGroup(name, { vpcId: args.vpcId, description: args.description, tags: { Name: name } }, opts);
        new aws.vpc.SecurityGroupEgressRule(`${name}-egress`, {
            securityGroupId: this.securityGroup.id,
            ipProtocol: "-1",
            cidrIpv4: "0.0.0.0/0",
            description: "all outbound",
        }, opts);
    }

    get id(): pulumi.Output<string> {
        return this.securityGroup.id;
    }

    /** Admit `port` from the members of `peer` only. */
    allowFrom(peer: Connections, port: PortRange, description: string): aws.vpc.SecurityGroupIngressRule {
        checkRuleDescription(description);
        const { from, to } = typeof port === "number" ? { from: port, to: port } : port;
        return new aws.vpc.SecurityGroupIngressRule(`${this.name}-from-${peer.name}-${from}`, {
            securityGroupId: this.securityGroup.id,
            referencedSecurityGroupId: peer.securityGroup.id,
            ipProtocol: "tcp",
            fromPort: from,
            toPort: to,
            description,
        }, this.opts);
    }

    /** Admit `port` from each of `cidrs`. */
    allowFromCidrs(cidrs: string[], port: number, description: string): aws.vpc.SecurityGroupIngressRule[] {
        checkRuleDescription(description);
        return cidrs.map((cidr, i) => new aws.vpc.SecurityGroupIngressRule(`${this.name}-${port}-cidr${i}`, {
            securityGroupId: this.securityGroup.id,
            cidrIpv4: cidr,
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
            description,
        }, this.opts));
    }
}

function checkRuleDescription(description: string): void {
    if (!isValidSecurityGroupRuleDescription(description)) throw new Error(`EC2 rejects the security-group rule description "${description}"`);
}
