/** The policy rules of one kind (checklist, operations, security, PCI DSS), each passed or failed with its evidence. */
import { Result, evaluate } from "../../../policy/rules";
import { Section } from "../section";

export function findings(kind: "checklist" | "operations" | "security" | "pci"): Section {
    return (run) => {
        const results = evaluate(run.policyResources()).filter((r) => r.rule.kind === kind);
        const line = (r: Result) => {
            const ok = r.finding.violations.length === 0;
            const note = ok ? r.finding.evidence : `${r.finding.violations.join("; ")}${r.enforced ? "" : " (enforced in prod only)"}`;
            return `${ok ? "✓" : "✗"} ${r.rule.title}: ${note}`;
        };
        return results.map(line);
    };
}
