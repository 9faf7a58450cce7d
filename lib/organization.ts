/**
 * What the program assumes the organization runs, judged from what the provider can read at
 * preview (README "Security and PCI DSS"). A plain module: it judges the invokes' results.
 *
 * Readable: GuardDuty (aws.guardduty.getDetector: fails when the account has no detector in the
 * region) and Security Hub (aws.securityhub.getEnabledStandards: fails when Security Hub is not
 * enabled). Not readable: CloudTrail trails (the provider offers no trail lookup; only
 * aws.cloudtrail.getServiceAccount).
 */
export interface OrganizationFacts {
    guardDutyStatus: string;
    securityHubStandards: { standardsArn: string; standardsStatus: string }[];
}

/** Problems that stop the deployment, and notes for the operator. */
export function organizationProblems(facts: OrganizationFacts): { problems: string[]; notes: string[] } {
    const problems: string[] = [];
    const notes: string[] = [];
    if (facts.guardDutyStatus !== "ENABLED") problems.push(`GuardDuty's detector in this region is ${facts.guardDutyStatus}, not ENABLED (PCI DSS 11.5.1: intrusion detection)`);
    const ready = facts.securityHubStandards.filter((s) => s.standardsStatus === "READY");
    if (!ready.length) problems.push("Security Hub has no enabled standard in this region (PCI DSS 10.4.1: security events reviewed)");
    // Standard ARNs look like arn:aws:securityhub:<region>::standards/pci-dss/v/4.0.1 (not confirmed for every version).
    if (!ready.some((s) => /\/pci-dss\//.test(s.standardsArn))) notes.push("Security Hub's PCI DSS standard is not enabled in this region");
    return { problems, notes };
}

/**
 * The error a failed lookup becomes: the provider fails the invoke itself when the account has no
 * GuardDuty detector in the region ("reading this account's single GuardDuty Detector",
 * terraform-provider-aws internal/service/guardduty/detector_data_source.go) or is not subscribed
 * to Security Hub, or when the deploying role may not read them. Said in the program's terms.
 */
export function organizationLookupError(what: "GuardDuty" | "Security Hub", region: string, cause: unknown): Error {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return new Error(
        `security.organizationChecks: could not read ${what} in ${region} (${detail}). PCI DSS ${what === "GuardDuty" ? "11.5.1" : "10.4.1"} assumes it is on in every region the stack uses: ` +
            `enable it (or give the deploying and preview roles ${what === "GuardDuty" ? "guardduty:ListDetectors and guardduty:GetDetector" : "securityhub:GetEnabledStandards"}), ` +
            "or set security.organizationChecks to false where the organization runs it elsewhere",
    );
}
