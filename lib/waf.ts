/**
 * The rules of the load balancer's web ACL, as data: AWS's managed rule groups, a per-IP rate
 * limit, and a tighter one on the admin console's login paths. A plain module: it declares nothing
 * (components/loadBalancer.ts declares the web ACL with them).
 */

/** CloudWatch metrics and sampled requests for a rule or the ACL, under `metricName`. */
export const wafVisibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });

/** An AWS managed rule group, its own actions kept. */
const managed = (name: string, priority: number) => ({
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: "AWS", name } },
    visibilityConfig: wafVisibility(name),
});

/** The ACL's rules in priority order: `rateLimit` requests per client IP per 5 minutes, and `login`'s on the admin login paths when given. */
export function wafRules(rateLimit: number, login: { host: string; paths: string[]; rateLimit: number } | undefined) {
    return [
        // Addresses Amazon threat intelligence lists as bots and sources of attacks (25 WCU):
        // https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-ip-rep.html
        managed("AWSManagedRulesAmazonIpReputationList", 0),
        managed("AWSManagedRulesCommonRuleSet", 1),
        managed("AWSManagedRulesKnownBadInputsRuleSet", 2),
        {
            name: "rate-limit-per-ip",
            priority: 3,
            action: { block: {} },
            statement: { rateBasedStatement: { limit: rateLimit, aggregateKeyType: "IP" } },
            visibilityConfig: wafVisibility("rate-limit-per-ip"),
        },
        ...(login
            ? [{
                  // Credential stuffing against the admin console: a tighter per-IP limit on its login
                  // paths only (a rate-based rule's scope-down statement). Limits 10–2,000,000,000 per
                  // evaluation window of 60, 120, 300 (default) or 600 s (@pulumi/aws
                  // WebAclRuleStatementRateBasedStatement; AWS WAF RateBasedStatement API reference).
                  name: "admin-login-rate-limit-per-ip",
                  priority: 4,
                  action: { block: {} },
                  statement: { rateBasedStatement: { limit: login.rateLimit, aggregateKeyType: "IP", evaluationWindowSec: 300, scopeDownStatement: adminLoginScope(login.host, login.paths) } },
                  visibilityConfig: wafVisibility("admin-login-rate-limit-per-ip"),
              }]
            : []),
    ];
}

/** Requests to `host` whose path starts with one of `paths`, compared in lower case. */
export function adminLoginScope(host: string, paths: string[]) {
    const lower = [{ priority: 0, type: "LOWERCASE" }];
    const hostMatch = { byteMatchStatement: { searchString: host.toLowerCase(), positionalConstraint: "EXACTLY", fieldToMatch: { singleHeader: { name: "host" } }, textTransformations: lower } };
    const pathMatches = paths.map((p) => ({ byteMatchStatement: { searchString: p.toLowerCase(), positionalConstraint: "STARTS_WITH", fieldToMatch: { uriPath: {} }, textTransformations: lower } }));
    // An OR statement takes at least two statements (AWS WAF OrStatement): one path stands alone.
    const pathMatch = pathMatches.length === 1 ? pathMatches[0] : { orStatement: { statements: pathMatches } };
    return { andStatement: { statements: [hostMatch, pathMatch] } };
}
