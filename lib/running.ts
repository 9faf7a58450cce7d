/**
 * What ECS runs now, read through the provider's data source before anything is declared (it
 * declares nothing): the evidence a rotation's second step waits for (lib/rotation.ts,
 * `confirmRollout`). Read at preview too, so `pulumi preview` already says whether the step is held.
 */
import * as aws from "@pulumi/aws";
import { DeployedService, ServiceNow } from "./rotation";

/**
 * Each recorded service as ECS describes it now. `aws.ecs.getService` is DescribeServices
 * (terraform-provider-aws internal/service/ecs/service_data_source.go, dataSourceServiceRead). Its
 * result in @pulumi/aws 7.48 (ecs/getService.d.ts, GetServiceResult) has `taskDefinition` and
 * `deployments` (GetServiceDeployment: status PRIMARY/ACTIVE, taskDefinition, runningCount,
 * desiredCount); the provider versions whose source could be read set `task_definition` only, so
 * an SDK without `deployments` reads none, and the step holds ("still replacing tasks"), never
 * confirms. A service that cannot be read is reported as such (the step then holds).
 */
export async function readServices(recorded: Record<string, DeployedService>): Promise<Record<string, ServiceNow>> {
    const entries = await Promise.all(
        Object.entries(recorded).map(async ([name, r]): Promise<[string, ServiceNow]> => {
            try {
                const s = await aws.ecs.getService({ clusterArn: r.cluster, serviceName: r.service });
                return [name, {
                    taskDefinition: s.taskDefinition,
                    deployments: (s.deployments ?? []).map((d) => ({ status: d.status, taskDefinition: d.taskDefinition, runningCount: d.runningCount, desiredCount: d.desiredCount })),
                }];
            } catch (e) {
                return [name, { error: (e instanceof Error ? e.message : String(e)).split("\n")[0] }];
            }
        }),
    );
    return Object.fromEntries(entries);
}
