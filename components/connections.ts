import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { isValidSecurityGroupDescription, isValidSecurityGroupRuleDescription } from "../lib/limits";

export type PortRange = number | { from: number; to: number };

/**
 * A security group with intent-level verbs: `allowFrom(peer, port)` admits a port only from
 * another group (and lets the peer send to it: egress is not open, PCI DSS v4 1.3.2),
 * `allowFromCidrs` from named ranges, `allowToCidrs` out to named ranges on one port. Every rule
 * names its source or destination and its port; a group with no egress rule sends nothing: the
 * provider revokes the allow-all egress rule AWS adds to a new group whether or not `egress` is
 * set (terraform-provider-aws internal/service/ec2/vpc_security_group.go, resourceSecurityGroupCreate),
 * and `egress` is Optional+Computed, so leaving it unset beside separate rules makes no diff.
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
    }

    get id(): pulumi.Output<string> {
        return this.securityGroup.id;
    }

    /** Admit `port` from the members of `peer` only, and let `peer` send to this group on it. Returns both rules. */
    allowFrom(peer: Connections, port: PortRange, description: string): [aws.vpc.SecurityGroupIngressRule, aws.vpc.SecurityGroupEgressRule] {
        checkRuleDescription(description);
        const { from, to } = range(port);
        const ingress = new aws.vpc.SecurityGroupIngressRule(`${this.name}-from-${peer.name}-${from}`, {
            securityGroupId: this.securityGroup.id,
            referencedSecurityGroupId: peer.securityGroup.id,
            ipProtocol: "tcp",
            fromPort: from,
            toPort: to,
            description,
        }, this.opts);
        const egress = new aws.vpc.SecurityGroupEgressRule(`${peer.name}-to-${this.name}-${from}`, {
            securityGroupId: peer.securityGroup.id,
            referencedSecurityGroupId: this.securityGroup.id,
            ipProtocol: "tcp",
            fromPort: from,
            toPort: to,
            description,
        }, peer.opts);
        return [ingress, egress];
    }

    /** Let the group's members send to `cidrs` on `port` (tcp) only; `tags` say why, where a policy needs to know. Default: no tags. */
    allowToCidrs(cidrs: string[], port: PortRange, description: string, tags?: Record<string, string>): aws.vpc.SecurityGroupEgressRule[] {
        checkRuleDescription(description);
        const { from, to } = range(port);
        return cidrs.map((cidr, i) => new aws.vpc.SecurityGroupEgressRule(`${this.name}-to-${from}-cidr${i}`, {
            securityGroupId: this.securityGroup.id,
            cidrIpv4: cidr,
            ipProtocol: "tcp",
            fromPort: from,
            toPort: to,
            description,
            ...(tags ? { tags } : {}),
        }, this.opts));
    }

    /** Admit `port` from each of `cidrs`. */
    allowFromCidrs(cidrs: string[], port: PortRange, description: string): aws.vpc.SecurityGroupIngressRule[] {
        checkRuleDescription(description);
        const { from, to } = range(port);
        return cidrs.map((cidr, i) => new aws.vpc.SecurityGroupIngressRule(`${this.name}-${from}-cidr${i}`, {
            securityGroupId: this.securityGroup.id,
            cidrIpv4: cidr,
            ipProtocol: "tcp",
            fromPort: from,
            toPort: to,
            description,
        }, this.opts));
    }
}

function range(port: PortRange): { from: number; to: number } {
    return typeof port === "number" ? { from: port, to: port } : port;
}

function checkRuleDescription(description: string): void {
    if (!isValidSecurityGroupRuleDescription(description)) throw new Error(`EC2 rejects the security-group rule description "${description}"`);
}
