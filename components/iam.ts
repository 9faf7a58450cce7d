import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/** An IAM policy statement; Effect defaults to Allow. */
export interface Statement {
    Sid?: string;
    /** Default Allow. */
    Effect?: "Allow" | "Deny";
    /** Named actions; never a wildcard. */
    Action: string | string[];
    /** The resources the actions apply to; "*" only for actions AWS cannot scope. */
    Resource: pulumi.Input<string> | pulumi.Input<string>[];
    /** Default none. */
    Condition?: Record<string, Record<string, pulumi.Input<string> | pulumi.Input<string>[]>>;
}

/**
 * A role ECS tasks (or their agent) assume. With `source`, only tasks of this account and region
 * may assume it (aws:SourceAccount, aws:SourceArn arn:aws:ecs:<region>:<account>:*): the
 * confused-deputy conditions AWS documents for task roles
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html). Default: none.
 */
export function ecsTaskRole(name: string, description: string, opts: pulumi.CustomResourceOptions, source?: { region: string }): aws.iam.Role {
    const account = source ? aws.getCallerIdentityOutput({}, { parent: opts.parent }).accountId : undefined;
    return new aws.iam.Role(name, {
        description,
        assumeRolePolicy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [{
                Effect: "Allow",
                Principal: { Service: "ecs-tasks.amazonaws.com" },
                Action: "sts:AssumeRole",
                ...(source && account
                    ? { Condition: { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:aws:ecs:${source.region}:${account}:*` } } }
                    : {}),
            }],
        }),
    }, opts);
}

/** Grants `statements` to `role` as an inline policy named `name`. */
export function allow(role: aws.iam.Role, name: string, statements: Statement[], opts: pulumi.CustomResourceOptions): aws.iam.RolePolicy {
    return new aws.iam.RolePolicy(name, {
        role: role.name,
        policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements.map((s) => ({ Effect: "Allow", ...s })) }),
    }, opts);
}
