/** The alarms, what notifies whom, and the Atlas alerts. */
import { UNDECRYPTED } from "../../../lib/config";
import { RecordedResource, Run } from "../../../tests/harness";
import { Section, table } from "../section";

export const alarms: Section = (run) => {
    const list = [...run.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")].sort((a, b) => a.inputs.name.localeCompare(b.inputs.name));
    if (!list.length) return [];
    const ops: Record<string, string> = { GreaterThanThreshold: ">", LessThanThreshold: "<", GreaterThanOrEqualToThreshold: "≥", LessThanOrEqualToThreshold: "≤" };
    const metric = (a: RecordedResource) =>
        a.inputs.metricName
            ? `${a.inputs.metricName} ${a.inputs.extendedStatistic ?? a.inputs.statistic}`
            : a.inputs.metricQueries?.find((q: any) => q.returnData)?.label ?? "expression";
    return [
        ...table([
            ["alarm", "when", "for", "missing data"],
            ...list.map((a) => [
                a.inputs.name,
                `${metric(a)} ${ops[a.inputs.comparisonOperator] ?? a.inputs.comparisonOperator} ${a.inputs.threshold}`,
                `${a.inputs.datapointsToAlarm ?? a.inputs.evaluationPeriods} of ${a.inputs.evaluationPeriods} × ${a.inputs.period ?? 60}s`,
                a.inputs.treatMissingData ?? "missing (default)",
            ]),
        ]),
        `→ SNS topic ${run.ofType("aws:sns/topic:Topic")[0]?.inputs.name}; Atlas alerts: ${run.ofType("mongodbatlas:index/alertConfiguration:AlertConfiguration").map((a) => `${a.inputs.metricThresholdConfig?.metricName} > ${a.inputs.metricThresholdConfig?.threshold} on ${a.inputs.matchers?.length ? a.inputs.matchers.map((m: any) => m.value).join(",") : "every node"}`).join("; ")}`,
        subscriptions(run),
    ];
};

function safeJson(text: string | undefined): any {
    try {
        return text === undefined ? undefined : JSON.parse(text);
    } catch {
        return undefined;
    }
}

function subscriptions(run: Run): string {
    const emails = run.ofType("aws:sns/topicSubscription:TopicSubscription").map((s) => s.inputs.endpoint);
    // A secure alarmEmails stands aside offline (its default, none, stands in): unknown, not empty.
    if (!emails.length && JSON.stringify(safeJson(run.config.values["payment-gateway:observability"])?.alarmEmails ?? null).includes(UNDECRYPTED))
        return "e-mail: observability.alarmEmails holds a secure value the offline plan cannot decrypt; `pulumi preview` shows the subscriptions, and each address must confirm the e-mail AWS sends it";
    return emails.length
        ? `e-mail: ${emails.join(", ")}; each address receives nothing until it confirms the subscription from the e-mail AWS sends it (check with aws sns list-subscriptions-by-topic)`
        : "! no alarmEmails: the alarms notify nobody (observability.alarmEmails; required in prod)";
}
