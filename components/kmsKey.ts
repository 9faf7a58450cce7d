import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
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
}

/** A customer-managed, yearly-rotated KMS key with grant verbs for roles. */
export class KmsKey extends pulumi.ComponentResource {
    readonly key: aws.kms.Key;

    constructor(private readonly name: string, args: KmsKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("payment-gateway:kms:KmsKey", name, {}, opts);
        this.key = new aws.kms.Key(name, {
            description: args.description,
            enableKeyRotation: true,
            deletionWindowInDays: args.deletionWindowInDays ?? 30,
        }, { parent: this, protect: args.protect ?? false });
        new aws.kms.Alias(name, { name: `alias/${args.alias}`, targetKeyId: this.key.keyId }, { parent: this });
        this.registerOutputs({ arn: this.key.arn });
    }

    get arn(): pulumi.Output<string> {
        return this.key.arn;
    }

    /** Envelope encryption: generate data keys and decrypt them, with this key only. */
    encryptDecryptStatements(): Statement[] {
        return [{ Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: this.key.arn }];
    }
}
