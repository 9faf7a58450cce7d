/**
 * Explicit KMS key policies (PCI DSS v4 3.6.1: keys protected, access restricted to the fewest
 * custodians; 3.6.1.2/3.6.1.3). A plain module: it takes resolved ARNs and returns the document.
 *
 * Every key keeps a statement for the account (its root principal), as AWS's key-policy guide asks,
 * so the key can never become unmanageable
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam):
 * the account, and the IAM principals it allows, may administer the key, including PutKeyPolicy,
 * but that statement carries no cryptographic action, so an IAM `kms:*` grants no decrypt. Who
 * may encrypt and decrypt is named here: roles, AWS services acting for the account
 * (kms:ViaService), or service principals.
 */

/** Key administration without use: AWS's "key administrators" actions written out, minus kms:CreateGrant (a grant could hand out decrypt). */
export const KEY_ADMIN_ACTIONS = [
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:PutKeyPolicy",
    "kms:ListKeyPolicies",
    "kms:GetKeyRotationStatus",
    "kms:EnableKeyRotation",
    "kms:DisableKeyRotation",
    "kms:RotateKeyOnDemand",
    "kms:ListKeyRotations",
    "kms:EnableKey",
    "kms:DisableKey",
    "kms:UpdateKeyDescription",
    "kms:ListResourceTags",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:CreateAlias",
    "kms:UpdateAlias",
    "kms:DeleteAlias",
    "kms:ListAliases",
    "kms:ListGrants",
    "kms:RevokeGrant",
    "kms:RetireGrant",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
];
/**
 * What administering a multi-Region key adds: replicating it (ReplicateKey "on the primary key (in
 * the primary key's Region). Include this permission in the primary key's key policy") and making
 * a replica the primary, which a region loss may call for (UpdatePrimaryRegion, on the primary and
 * the replica) (AWS KMS API Reference, ReplicateKey and UpdatePrimaryRegion, "Required permissions").
 * Neither encrypts nor decrypts.
 */
export const MULTI_REGION_ADMIN_ACTIONS = ["kms:ReplicateKey", "kms:UpdatePrimaryRegion"];
/** Every action that encrypts or decrypts: never in the administrators' statement. */
export const KEY_CRYPTO_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext", "kms:GenerateDataKeyWithoutPlaintext", "kms:CreateGrant"];

export interface KeyUse {
    /** A multi-Region key (primary or replica): the account may also replicate it and move its primary region (MULTI_REGION_ADMIN_ACTIONS). Default false. */
    multiRegion?: boolean;
    /** Named IAM roles that use the key, with the actions they need. Default none. */
    roles?: { sid: string; arns: string[]; actions: string[]; encryptionContextKeys?: string[] }[];
    /**
     * AWS services (e.g. secretsmanager, elasticache) through which the account's principals (with
     * IAM permission of their own) may use the key: kms:ViaService and kms:CallerAccount, as AWS
     * managed keys do. Default none.
     */
    viaServices?: string[];
    /** CloudWatch Logs may encrypt the region's log groups of this account with the key. Default false. */
    logs?: boolean;
    /** CloudWatch alarms may publish to an SNS topic encrypted with the key. Default false. */
    cloudwatchAlarms?: boolean;
}

export interface KeyPolicyContext {
    account: string;
    region: string;
    partition?: string;
}

export function keyPolicy(use: KeyUse, { account, region, partition = "aws" }: KeyPolicyContext): { Version: string; Statement: Record<string, unknown>[] } {
    const root = `arn:${partition}:iam::${account}:root`;
    const statements: Record<string, unknown>[] = [
        { Sid: "AccountAdministersWithoutUse", Effect: "Allow", Principal: { AWS: root }, Action: use.multiRegion ? [...KEY_ADMIN_ACTIONS, ...MULTI_REGION_ADMIN_ACTIONS] : KEY_ADMIN_ACTIONS, Resource: "*" },
    ];
    for (const r of use.roles ?? []) {
        if (!r.arns.length) continue;
        const context = r.encryptionContextKeys ?? [];
        statements.push({
            Sid: r.sid,
            Effect: "Allow",
            Principal: { AWS: r.arns.length === 1 ? r.arns[0] : r.arns },
            Action: r.actions,
            Resource: "*",
            // An encryption context key that must be present on every request (the caller's data binding).
            ...(context.length ? { Condition: { Null: Object.fromEntries(context.map((k) => [`kms:EncryptionContext:${k}`, "false"])) } } : {}),
        });
    }
    if (use.viaServices?.length) {
        statements.push({
            Sid: "AccountUsesThroughServices",
            Effect: "Allow",
            Principal: { AWS: root },
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey", "kms:CreateGrant"],
            Resource: "*",
            Condition: {
                StringEquals: { "kms:CallerAccount": account, "kms:ViaService": use.viaServices.map((s) => `${s}.${region}.amazonaws.com`) },
            },
        });
    }
    if (use.logs) {
        // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html: the regional
        // logs principal, bound by the encryption context CloudWatch Logs sends (the log group's ARN).
        statements.push({
            Sid: "CloudWatchLogsEncryptsThisAccountsGroups",
            Effect: "Allow",
            Principal: { Service: `logs.${region}.amazonaws.com` },
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"],
            Resource: "*",
            Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${account}:log-group:*` } },
        });
        // The same guide: "CloudWatch Logs now supports kms:ViaService which allows logs to make AWS
        // KMS calls on your behalf. You should add this to your roles which call CloudWatch Logs in
        // either your Key Policy or in IAM." Which calls CloudWatch Logs makes with the caller's
        // credentials is not documented; the account's principals (with IAM permission of their own,
        // such as the deploying role creating a group under this key) may use it through CloudWatch
        // Logs only, for this account's groups only.
        statements.push({
            Sid: "AccountUsesThroughCloudWatchLogs",
            Effect: "Allow",
            Principal: { AWS: root },
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext"],
            Resource: "*",
            Condition: {
                StringEquals: { "kms:CallerAccount": account, "kms:ViaService": `logs.${region}.amazonaws.com` },
                ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${account}:log-group:*` },
            },
        });
    }
    if (use.cloudwatchAlarms) {
        // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
        statements.push({
            Sid: "CloudWatchAlarmsPublishToEncryptedTopic",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: "*",
        });
    }
    return { Version: "2012-10-17", Statement: statements };
}
