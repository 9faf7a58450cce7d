import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { KeyUse, keyPolicy } from "../lib/keyPolicy";
import { Statement } from "./iam";

export interface KmsKeyArgs {
    /** What the key protects. */
    description: string;
    /** Alias without the `alias/` prefix, stable across config edits. */
    alias: string;
    /** Protect the key from deletion (prod). Default false. */
    protect?: boolean;
    /** Days before a deleted key is destroyed, 7–30. Default 30. */
    deletionWindowInDays?: number;
    /**
     * A multi-Region primary key, whose replicas in other regions share its key material: what one
     * region encrypts another decrypts. Immutable: the provider replaces a key to change it
     * (hashicorp/terraform-provider-aws internal/service/kms/key.go, multi_region ForceNew), and AWS
     * cannot convert a key either way (https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-create.html).
     * Default false.
     */
    multiRegion?: boolean;
}

/** Who may use a key (lib/keyPolicy.ts), with role ARNs that may be known only after apply. */
export interface KeyUseArgs extends Omit<KeyUse, "roles"> {
    roles?: { sid: string; arns: pulumi.Input<string>[]; actions: string[]; encryptionContextKeys?: string[] }[];
}

/**
 * The explicit key policy (lib/keyPolicy.ts) as JSON, once the account and the roles' ARNs are
 * known: for a key of this stack (KmsKey.restrict) or one it does not own, such as a multi-Region
 * key's replica whose policy another stack's key leaves to it.
 */
export function keyPolicyDocument(use: KeyUseArgs, multiRegion: boolean | undefined, region: string, opts?: pulumi.InvokeOptions): pulumi.Output<string> {
    const account = aws.getCallerIdentityOutput({}, opts).accountId;
    const roleArns = pulumi.all((use.roles ?? []).map((r) => pulumi.all(r.arns)));
    return pulumi.all([account, roleArns]).apply(([acct, arns]) =>
        JSON.stringify(keyPolicy({ ...use, multiRegion, roles: (use.roles ?? []).map((r, i) => ({ ...r, arns: arns[i] })) }, { account: acct, region })),
    );
}

/** A customer-managed, yearly-rotated KMS key with grant verbs for roles. */
export class KmsKey extends pulumi.ComponentResource {
    readonly key: aws.kms.Key;
    /** The explicit key policy, once `restrict` declared it. */
    policy?: aws.kms.KeyPolicy;

    constructor(private readonly name: string, args: KmsKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("payment-gateway:kms:KmsKey", name, {}, opts);
        this.key = new aws.kms.Key(name, {
            description: args.description,
            enableKeyRotation: true,
            deletionWindowInDays: args.deletionWindowInDays ?? 30,
            ...(args.multiRegion ? { multiRegion: true } : {}),
        }, { parent: this, protect: args.protect ?? false });
        new aws.kms.Alias(name, { name: `alias/${args.alias}`, targetKeyId: this.key.keyId }, { parent: this });
        this.args = args;
        this.registerOutputs({ arn: this.key.arn });
    }

    private readonly args: KmsKeyArgs;

    /**
     * A replica of this multi-Region key in the region of `provider`, under the same alias there.
     * The provider calls ReplicateKey in the primary key's region, for the provider's region, and
     * waits until the replica is enabled; `primaryKeyArn` forces a new replica; the replica's
     * rotation is the primary's (key_rotation_enabled is computed)
     * (hashicorp/terraform-provider-aws internal/service/kms/replica_key.go). Its policy is set at
     * creation to administration without use (lib/keyPolicy.ts): who in that region may use it is
     * the business of the stack that runs there, which declares the replica's policy itself
     * (aws.kms.KeyPolicy on the `regionLoss.appKeyReplicaArn` output), so this stack ignores later
     * changes of it. Protected like the primary.
     */
    replicate(provider: aws.Provider, region: string): aws.kms.ReplicaKey {
        if (!this.args.multiRegion) throw new Error(`KMS key ${this.name}: only a multi-Region key has replicas`);
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const replica = new aws.kms.ReplicaKey(`${this.name}-replica`, {
            primaryKeyArn: this.key.arn,
            description: `${this.args.description} (replica in ${region})`,
            deletionWindowInDays: this.args.deletionWindowInDays ?? 30,
            policy: account.apply((acct) => JSON.stringify(keyPolicy({ multiRegion: true }, { account: acct, region }))),
            bypassPolicyLockoutSafetyCheck: false,
        }, { parent: this, provider, protect: this.args.protect ?? false, ignoreChanges: ["policy"] });
        new aws.kms.Alias(`${this.name}-replica`, { name: `alias/${this.args.alias}`, targetKeyId: replica.keyId }, { parent: this, provider });
        return replica;
    }

    get arn(): pulumi.Output<string> {
        return this.key.arn;
    }

    /**
     * Replaces the default key policy (account-wide use through IAM) by an explicit one: the account
     * administers the key but cannot use it; `use` names who can. A separate aws.kms.KeyPolicy (not
     * the key's own `policy`) so that it can name roles created after the key; the provider warns
     * that setting both makes a perpetual diff, and that destroying it restores the default policy
     * (@pulumi/aws kms/keyPolicy.d.ts). Never bypasses the lockout safety check. Call once.
     */
    restrict(use: KeyUseArgs, region: string): aws.kms.KeyPolicy {
        if (this.policy) throw new Error(`KMS key ${this.name}: its policy is already declared`);
        const document = keyPolicyDocument(use, this.args.multiRegion, region, { parent: this });
        this.policy = new aws.kms.KeyPolicy(this.name, { keyId: this.key.keyId, policy: document, bypassPolicyLockoutSafetyCheck: false }, { parent: this });
        return this.policy;
    }

    /** Envelope encryption: generate data keys and decrypt them, with this key only. */
    encryptDecryptStatements(): Statement[] {
        return [{ Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: this.key.arn }];
    }
}
