/**
 * The payment-gateway policy pack: the Production HA Checklist, the operations and PCI DSS rules
 * (enforced on prod stacks) and the security rules (enforced everywhere). The rules themselves are pure
 * functions in rules/.
 *
 *   pulumi preview --policy-pack policy
 */
import { PolicyPack, PolicyResource } from "@pulumi/policy";
import { RULES, Resource, evaluate } from "./rules";

function toResource(r: PolicyResource): Resource {
    return { type: r.type, name: r.name, urn: r.urn, props: r.props, protect: r.opts.protect, parentType: r.parent?.type };
}

new PolicyPack("payment-gateway", {
    enforcementLevel: "mandatory",
    policies: RULES.map((rule) => ({
        name: rule.id,
        description: `${{ checklist: "Production HA Checklist", operations: "Operations", security: "Security", pci: "PCI DSS" }[rule.kind]}: ${rule.title}`,
        validateStack: (args, reportViolation) => {
            const result = evaluate(args.resources.map(toResource)).find((r) => r.rule.id === rule.id)!;
            if (result.enforced) for (const v of result.finding.violations) reportViolation(v);
        },
    })),
});
