import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { EGRESS_RULE_GROUP_CAPACITY, EGRESS_TARGET_TYPES } from "../lib/egress";
import { KmsKey } from "./kmsKey";

export interface EgressFirewallArgs {
    /** Name of the firewall, its policy and rule group (ForceNew on each: keep it stable), e.g. payment-gateway-prod-egress. */
    name: string;
    vpcId: pulumi.Input<string>;
    /** The VPC's range: HOME_NET, the sources whose traffic the domain list judges. */
    vpcCidr: string;
    /** One firewall subnet per zone (a firewall endpoint in each), in zone order. */
    subnets: aws.ec2.Subnet[];
    /** The domains HTTPS (TLS server name) and HTTP (Host) may reach (lib/egress.ts); everything else is dropped. */
    domains: pulumi.Input<string[]>;
    /** The alert and flow logs: log groups under `key`, kept `retentionDays`. */
    logs: { key: KmsKey; retentionDays: number };
    /** Delete protection on the firewall. Default false; on in prod. */
    deleteProtection?: boolean;
}

/**
 * An AWS Network Firewall for the tasks' egress (lib/egress.ts): a stateful domain-list rule group
 * (ALLOWLIST over TLS_SNI and HTTP_HOST) in a strict-order policy that drops whatever no rule
 * passes, an endpoint in each zone's firewall subnet, and its alert and flow logs in CloudWatch Logs.
 *
 * Provider facts (terraform-provider-aws internal/service/networkfirewall): `name` and `vpc_id` of
 * the firewall, `name` and `capacity` of a rule group, `name` of a policy force replacement, and so
 * does a change of rule order away from the default (forceNewIfNotRuleOrderDefault); subnets are
 * associated and disassociated in place (resourceFirewallUpdate: AssociateSubnets,
 * DisassociateSubnets, each waited for), the policy and the domain list update in place
 * (UpdateFirewallPolicy, UpdateRuleGroup). Create waits for the firewall to go from PROVISIONING
 * to READY (waitFirewallCreated), so its endpoints exist once it is created; the logging
 * configuration (`firewall_arn` ForceNew, logging_configuration.go) is not waited for: logs start
 * when CloudWatch Logs has set the delivery up.
 */
export class EgressFirewall extends pulumi.ComponentResource {
    readonly firewall: aws.networkfirewall.Firewall;
    readonly ruleGroup: aws.networkfirewall.RuleGroup;
    readonly policy: aws.networkfirewall.FirewallPolicy;
    readonly logGroups: { alert: aws.cloudwatch.LogGroup; flow: aws.cloudwatch.LogGroup };
    /** Per firewall subnet (zone order), the id of the firewall endpoint in it: what the route tables send through. */
    readonly endpointIds: pulumi.Output<string>[];
    private readonly child: pulumi.CustomResourceOptions;

    constructor(name: string, private readonly args: EgressFirewallArgs, opts?: pulumi.ComponentResourceOptions) {
        super("payment-gateway:network:EgressFirewall", name, {}, opts);
        this.child = { parent: this };

        this.ruleGroup = new aws.networkfirewall.RuleGroup(`${name}-domains`, {
            name: `${args.name}-domains`,
            description: "Domains the gateway's tasks may reach over HTTPS (TLS SNI) and HTTP (Host)",
            type: "STATEFUL",
            // Fixed (ForceNew): editing the list never replaces the group (lib/egress.ts).
            capacity: EGRESS_RULE_GROUP_CAPACITY,
            ruleGroup: {
                // HOME_NET: the sources the generated rules judge; by default the firewall's VPC,
                // named here so the rules read the same wherever they are seen ("Stateful domain list
                // rule groups", HOME_NET rule group variable).
                ruleVariables: { ipSets: [{ key: "HOME_NET", ipSet: { definitions: [args.vpcCidr] } }] },
                rulesSource: { rulesSourceList: { generatedRulesType: "ALLOWLIST", targetTypes: [...EGRESS_TARGET_TYPES], targets: args.domains } },
                // A strict-order policy takes only strict-order rule groups.
                statefulRuleOptions: { ruleOrder: "STRICT_ORDER" },
            },
        }, this.child);

        this.policy = new aws.networkfirewall.FirewallPolicy(`${name}-policy`, {
            name: `${args.name}-policy`,
            description: "Egress: the domain list, then drop",
            firewallPolicy: {
                // Every packet goes to the stateful engine: no stateless rule decides anything.
                statelessDefaultActions: ["aws:forward_to_sfe"],
                statelessFragmentDefaultActions: ["aws:forward_to_sfe"],
                statefulEngineOptions: { ruleOrder: "STRICT_ORDER" },
                // Drop established drops only packets of established connections and lets the layer 3/4
                // connection set-up through, so that application-layer pass rules work in a default-deny
                // policy (Network Firewall Developer Guide, "Stateful default actions"; as recalled, not
                // confirmed against a copy of the page here): the TCP handshake passes so that the TLS
                // ClientHello (its server name) or the HTTP request (its Host) reaches the domain list; a
                // connection no rule passes is then dropped, and logged (alert_established). drop_strict
                // would drop the handshake before any name is seen, and with it every allowed domain.
                statefulDefaultActions: ["aws:drop_established", "aws:alert_established"],
                statefulRuleGroupReferences: [{ resourceArn: this.ruleGroup.arn, priority: 1 }],
            },
        }, this.child);

        this.firewall = new aws.networkfirewall.Firewall(`${name}`, {
            name: args.name,
            description: "Egress of the gateway's tasks: private subnets → here → NAT gateway",
            vpcId: args.vpcId,
            firewallPolicyArn: this.policy.arn,
            subnetMappings: args.subnets.map((s) => ({ subnetId: s.id })),
            deleteProtection: args.deleteProtection ?? false,
            tags: { Name: args.name },
        }, this.child);

        this.endpointIds = args.subnets.map((subnet, i) =>
            pulumi.all([this.firewall.firewallStatuses, subnet.id]).apply(([statuses, subnetId]) => endpointIn(statuses, subnetId, `${args.name} zone ${i}`)),
        );

        this.logGroups = {
            alert: this.logGroup(name, "alert"),
            flow: this.logGroup(name, "flow"),
        };
        new aws.networkfirewall.LoggingConfiguration(name, {
            firewallArn: this.firewall.arn,
            loggingConfiguration: {
                logDestinationConfigs: [
                    // ALERT: what the default action dropped (alert_established) and why; FLOW: every flow through the firewall.
                    { logType: "ALERT", logDestinationType: "CloudWatchLogs", logDestination: { logGroup: this.logGroups.alert.name } },
                    { logType: "FLOW", logDestinationType: "CloudWatchLogs", logDestination: { logGroup: this.logGroups.flow.name } },
                ],
            },
        }, this.child);

        this.registerOutputs({ firewallArn: this.firewall.arn });
    }

    private logGroup(name: string, kind: "alert" | "flow"): aws.cloudwatch.LogGroup {
        const { key, retentionDays } = this.args.logs;
        return new aws.cloudwatch.LogGroup(`${name}-${kind}`, {
            name: `/aws/network-firewall/${kind}/${this.args.name}`,
            retentionInDays: retentionDays,
            kmsKeyId: key.arn,
        }, { ...this.child, dependsOn: key.policy ? [key.policy] : [] });
    }
}

/**
 * The endpoint the firewall created in `subnetId`: firewallStatuses[].syncStates[].attachments[]
 * (a set: found by subnet, not by position; provider schema `firewall_status.sync_states.attachment`).
 */
export function endpointIn(statuses: aws.types.output.networkfirewall.FirewallFirewallStatus[] | undefined, subnetId: string, what: string): string {
    for (const status of statuses ?? [])
        for (const state of status.syncStates ?? [])
            for (const attachment of state.attachments ?? []) if (attachment.subnetId === subnetId && attachment.endpointId) return attachment.endpointId;
    throw new Error(`the Network Firewall ${what} reports no endpoint in subnet ${subnetId} (firewallStatuses[].syncStates[].attachments[])`);
}
