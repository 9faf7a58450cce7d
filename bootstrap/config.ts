/**
 * The bootstrap's config, validated before anything is declared: every problem at once, each
 * naming the key as `pulumi config set` writes it.
 */
import { z } from "zod";

/** A GitHub owner (user or organization: letters, digits, single hyphens, ≤ 39) and repository name (letters, digits, `.`, `_`, `-`, ≤ 100). */
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\/[A-Za-z0-9._-]{1,100}$/;
/** The gateway's stack names as the roles and names carry them (`payment-gateway-<stack>`). */
const STACK = /^[a-z][a-z0-9-]{0,19}$/;

export const BootstrapSchema = z.object({
    repository: z.string().regex(REPOSITORY, { error: "must be owner/name of a GitHub repository" }),
    stacks: z
        .array(z.string().regex(STACK, { error: "must be a stack name: lower-case letters, digits and hyphens, starting with a letter, at most 20" }))
        .min(1, { error: "must name at least one stack" })
        .refine((s) => new Set(s).size === s.length, { error: "must not repeat a stack" })
        // The roles match the program's names by prefix (payment-gateway-<stack>-*, log groups
        // *payment-gateway-<stack>*): prod's role would reach the resources of prod-eu or production.
        .refine((s) => !s.some((a) => s.some((b) => b !== a && b.startsWith(a))), { error: "must not hold a stack whose name starts with another's (the roles match names by prefix)" })
        .default(["dev", "staging", "prod"]),
    /**
     * Per stack whose `aws:region` is not the bootstrap stack's own (a warm standby such as
     * standby-prod in us-east-2), that region: the stack's roles write and read there, and only
     * there, where the others are scoped to the bootstrap stack's `aws:region`. Default none.
     */
    regions: z
        .record(z.string().regex(STACK, { error: "must be a stack name" }), z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { error: "must be an AWS region such as us-east-2" }))
        .default({}),
    /**
     * Per stack with a warm standby (the gateway's `regionLoss`), the standby's AWS region: that
     * stack's deploy role also writes its multi-Region key's replica and alias there. Default none.
     */
    standbyRegions: z
        .record(z.string().regex(STACK, { error: "must be a stack name" }), z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { error: "must be an AWS region such as us-east-2" }))
        .default({}),
    /**
     * Per gateway stack whose replica set has tie-breaker regions (atlas.regions beyond its own and
     * regionLoss.standbyRegion, over PrivateLink), those AWS regions: that stack's deploy role also
     * writes the endpoint-only VPC there (its VPC, subnets, security group and interface endpoint). Default none.
     */
    tieBreakerRegions: z
        .record(z.string().regex(STACK, { error: "must be a stack name" }), z.array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { error: "must be an AWS region such as us-west-2" })))
        .default({}),
    oidcProviderArn: z
        .string()
        .regex(/^(arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com)?$/, { error: "must be the ARN of the account's token.actions.githubusercontent.com provider, or empty" })
        .default(""),
});
export type BootstrapConfig = z.infer<typeof BootstrapSchema>;

/** Validates raw config values (strings as the engine passes them, lists as JSON); throws one error listing every problem. */
export function parseBootstrapConfig(raw: Record<string, string | undefined>, ownRegion?: string): BootstrapConfig {
    const problems: string[] = [];
    const value: Record<string, unknown> = {};
    for (const [key, text] of Object.entries(raw)) {
        if (text === undefined) continue;
        if (key === "stacks" || key === "regions" || key === "standbyRegions" || key === "tieBreakerRegions") {
            try {
                value[key] = JSON.parse(text);
            } catch {
                problems.push(`payment-gateway-bootstrap:${key}: ${JSON.stringify(text)} must be ${key === "stacks" ? "a list of stack names" : key === "tieBreakerRegions" ? "a map of stack name to a list of AWS regions" : "a map of stack name to AWS region"}`);
            }
        } else value[key] = text;
    }
    const parsed = BootstrapSchema.safeParse(value);
    if (!parsed.success)
        for (const issue of parsed.error.issues) {
            const path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "");
            const got = issue.path.reduce<unknown>((v, p) => (v as any)?.[p as any], value);
            problems.push(`payment-gateway-bootstrap:${path}: ${got === undefined ? "is required" : JSON.stringify(got)} ${issue.message}`);
        }
    if (parsed.success) {
        for (const key of ["regions", "standbyRegions", "tieBreakerRegions"] as const)
            for (const stack of Object.keys(parsed.data[key]))
                if (!parsed.data.stacks.includes(stack)) problems.push(`payment-gateway-bootstrap:${key}.${stack}: names a stack not in stacks (${parsed.data.stacks.join(", ")})`);
        // A second region is another region than the stack's own (regions.<stack>, or the bootstrap's aws:region).
        for (const stack of parsed.data.stacks) {
            const own = parsed.data.regions[stack] ?? ownRegion;
            const standby = parsed.data.standbyRegions[stack];
            if (standby !== undefined && standby === own) problems.push(`payment-gateway-bootstrap:standbyRegions.${stack}: "${standby}" is the stack's own region; a standby region is another`);
            for (const [i, r] of (parsed.data.tieBreakerRegions[stack] ?? []).entries())
                if (r === own || r === standby) problems.push(`payment-gateway-bootstrap:tieBreakerRegions.${stack}[${i}]: "${r}" is the stack's ${r === own ? "own" : "standby"} region; a tie-breaker region is another`);
        }
    }
    if (problems.length) throw new Error(`invalid bootstrap configuration:\n  ${problems.join("\n  ")}`);
    return parsed.data!;
}
