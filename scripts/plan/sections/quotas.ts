import { EIP_DEFAULT_QUOTA_PER_REGION } from "../../../lib/limits";
import { assembleConfig, gatewayStacks } from "../../../tests/harness";
import { Section } from "../section";

/**
 * Quotas a first `pulumi up` can run into. Elastic IPs: one per NAT gateway, and an account has
 * EIP_DEFAULT_QUOTA_PER_REGION per region unless raised; the example stacks of one region may share an account.
 */
export const quotas: Section = (run) => {
    const eips = run.ofType("aws:ec2/eip:Eip").length;
    if (!run.outputs.region || run.outputs.purpose === "restore-drill") return [];
    const region = run.outputs.region;
    const others = gatewayStacks().filter((s) => s !== run.stack).flatMap((stack) => {
        try {
            const values = assembleConfig(stack).values;
            if (values["aws:region"] !== region) return [];
            const network = JSON.parse(values["payment-gateway:network"] ?? "{}");
            const count = network.natGateways === "single" ? 1 : Number(network.azCount ?? 3);
            return [{ stack, count }];
        } catch {
            return [];
        }
    });
    const together = eips + others.reduce((n, o) => n + o.count, 0);
    return [
        `Elastic IPs: ${eips} (one per NAT gateway) of the default quota of ${EIP_DEFAULT_QUOTA_PER_REGION} per region per account` +
            (others.length ? `; with ${others.map((o) => `${o.stack} (${o.count})`).join(", ")}, also in ${region}: ${together} if they share an account (the plan cannot tell)` : ""),
        ...(eips > EIP_DEFAULT_QUOTA_PER_REGION
            ? [`! ${eips} exceed the default quota of ${EIP_DEFAULT_QUOTA_PER_REGION}: NAT gateway creation fails with AddressLimitExceeded unless the quota is raised first (Service Quotas: Amazon EC2, "EC2-VPC Elastic IPs")`]
            : together > EIP_DEFAULT_QUOTA_PER_REGION
              ? [`! ${together} together exceed the default quota of ${EIP_DEFAULT_QUOTA_PER_REGION} if these stacks share an account: NAT gateway creation then fails with AddressLimitExceeded unless the quota is raised first (Service Quotas: Amazon EC2, "EC2-VPC Elastic IPs") or the stacks use separate accounts or regions`]
              : []),
    ];
};
