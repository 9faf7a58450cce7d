/**
 * The Production HA Checklist and this project's operations, security and PCI DSS rules, as pure
 * functions over a stack's resources, a file per kind (checklist, operations, security, pci; what
 * they share in common.ts). The policy pack (policy/index.ts) runs them under
 * `pulumi preview --policy-pack`; the offline plan and the tests run them over the resources the
 * mocked program registers.
 *
 * A value that is unknown until apply (undefined here) is never a violation: the rule judges what
 * it can see.
 */
import { Result, Resource, Rule, environmentOf } from "./common";
import { CHECKLIST } from "./checklist";
import { OPERATIONS } from "./operations";
import { PCI } from "./pci";
import { SECURITY } from "./security";

export type { Finding, Resource, Result, Rule } from "./common";
export { environmentOf } from "./common";
export { CHECKLIST, OPERATIONS, PCI, SECURITY };

export const RULES: Rule[] = [...CHECKLIST, ...OPERATIONS, ...SECURITY, ...PCI];

/** Runs every rule. Checklist and operations items are enforced when the stack is prod (or `enforceChecklist`), PCI DSS rules in prod, security rules everywhere. */
export function evaluate(resources: Resource[], options: { enforceChecklist?: boolean } = {}): Result[] {
    const prod = environmentOf(resources) === "prod";
    const checklist = options.enforceChecklist ?? prod;
    return RULES.map((rule) => ({ rule, finding: rule.check(resources), enforced: rule.kind === "security" || (rule.kind === "pci" ? prod : checklist) }));
}
