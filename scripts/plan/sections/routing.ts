/** Listeners, host rules, stickiness, health checks, access logs and the WAF. */
import { Section, table } from "../section";

export const routing: Section = (run) => {
    const groups = run.ofType("aws:lb/targetGroup:TargetGroup");
    const rules = run.ofType("aws:lb/listenerRule:ListenerRule");
    if (!groups.length) return [];
    const lines: string[] = [];
    const https = run.ofType("aws:lb/listener:Listener").find((l) => l.inputs.protocol === "HTTPS");
    const http = run.ofType("aws:lb/listener:Listener").find((l) => l.inputs.protocol === "HTTP");
    if (https) lines.push(`listener 443 HTTPS (${https.inputs.sslPolicy}); anything else → ${https.inputs.defaultActions[0].fixedResponse?.statusCode ?? https.inputs.defaultActions[0].type}`);
    if (http) lines.push(`listener 80 HTTP → ${http.inputs.defaultActions[0].redirect?.statusCode ?? http.inputs.defaultActions[0].type} to HTTPS`);
    const rows: (string | number)[][] = [["host", "target group", "sticky", "allowed from", "health check"]];
    for (const rule of [...rules].sort((a, b) => a.inputs.priority - b.inputs.priority)) {
        // A plain forward, or a release's weighted forward: the group at weight 100 when created (ECS moves the weights).
        const action = rule.inputs.actions[0];
        const weighted: { arn: string; weight: number }[] = action.forward?.targetGroups ?? [];
        const group = groups.find((g) => g.outputs.arn === (action.targetGroupArn ?? weighted.find((w) => w.weight === 100)?.arn));
        if (!group) continue;
        const alternate = groups.find((g) => g !== group && weighted.some((w) => w.arn === g.outputs.arn));
        const host = rule.inputs.conditions.find((c: any) => c.hostHeader)?.hostHeader.values.join(",");
        const from = rule.inputs.conditions.find((c: any) => c.sourceIp)?.sourceIp.values.join(",") ?? "anywhere";
        const st = group.inputs.stickiness;
        const sticky = st?.enabled ? `${st.type}${st.cookieName ? ` ${st.cookieName}` : ""} ${st.cookieDuration}s` : "no";
        const hc = group.inputs.healthCheck;
        const tgSticky = action.forward?.stickiness?.enabled ? ` + target group ${action.forward.stickiness.duration}s` : "";
        rows.push([host, alternate ? `${group.name} ⇄ ${alternate.name}` : group.name, sticky + tgSticky, from, `${hc.path} every ${hc.interval}s, timeout ${hc.timeout}s, ${hc.healthyThreshold}↑/${hc.unhealthyThreshold}↓`]);
    }
    lines.push(...table(rows));
    const waf = run.ofType("aws:wafv2/webAcl:WebAcl")[0];
    const alb = run.ofType("aws:lb/loadBalancer:LoadBalancer")[0];
    const logs = alb?.inputs.accessLogs;
    const created = run.ofType("aws:s3/bucket:Bucket").find((b) => b.outputs.bucket === logs?.bucket);
    const expiry = created && run.ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").find((l) => l.inputs.bucket === created.id)?.inputs.rules[0].expiration.days;
    lines.push(
        !logs?.enabled
            ? "access logs: off"
            : created
              ? `access logs: → s3://${logs.bucket}/${logs.prefix}/ (created here: SSE-S3, TLS-only, kept ${expiry} days${created.protect ? ", protected" : ""})`
              : `access logs: → s3://${logs.bucket}/${logs.prefix}/ (an existing bucket; its policy is its owner's)`,
    );
    lines.push(waf ? `WAF: ${waf.inputs.rules.map((r: any) => r.statement.rateBasedStatement ? `${r.name} (${r.statement.rateBasedStatement.limit}/5 min)` : r.name).join(", ")}` : "WAF: off");
    return lines;
};
