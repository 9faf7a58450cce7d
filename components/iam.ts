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

/** A role ECS tasks (or their agent) assume. */
export function ecsTaskRole(name: string, description: string, opts: pulumi.CustomResourceOptions): aws.iam.Role {
    return new aws.iam.Role(name, {
        description,
        assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
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
