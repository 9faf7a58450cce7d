import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { KmsKey } from "./kmsKey";

export interface SecretArgs {
    /** Physical name, e.g. payment-gateway/prod/database-uri; stable across config edits. */
    name: string;
    description: string;
    /** The value; always stored and handled as a Pulumi secret. */
    value: pulumi.Input<string>;
    /** Key that encrypts the secret at rest. */
    key: KmsKey;
    /** Protect the secret from deletion (prod). Default false. */
    protect?: boolean;
    /**
     * Days a deleted secret can be restored: 0 or 7–30. Default 30 when protected, else 0: a name
     * pending deletion cannot be reused, which would block re-creating a torn-down dev stack.
     */
    recoveryWindowInDays?: number;
}

/** A Secrets Manager secret with its current value, readable by the roles it is granted to. */
export class StoredSecret extends pulumi.ComponentResource {
    readonly secret: aws.secretsmanager.Secret;
    /** The version holding the value: whatever reads the secret must wait for it. */
    readonly version: aws.secretsmanager.SecretVersion;

    constructor(name: string, private readonly args: SecretArgs, opts?: pulumi.ComponentResourceOptions) {
        super("payment-gateway:secrets:StoredSecret", name, {}, opts);
        this.secret = new aws.secretsmanager.Secret(name, {
            name: args.name,
            description: args.description,
            kmsKeyId: args.key.arn,
            recoveryWindowInDays: args.recoveryWindowInDays ?? (args.protect ? 30 : 0),
        }, { parent: this, protect: args.protect ?? false });
        this.version = new aws.secretsmanager.SecretVersion(name, {
            secretId: this.secret.id,
            secretString: pulumi.secret(args.value),
        }, { parent: this });
        this.registerOutputs({ arn: this.secret.arn });
    }

    get arn(): pulumi.Output<string> {
        return this.secret.arn;
    }

    /** The id of the version holding the current value: it changes whenever the value does. */
    get versionId(): pulumi.Output<string> {
        return this.version.versionId;
    }

    /** Statements that let a task's execution role read this secret (and decrypt it, via Secrets Manager only). */
    readStatements(region: string) {
        return [
            { Action: "secretsmanager:GetSecretValue", Resource: this.secret.arn },
            { Action: "kms:Decrypt", Resource: this.args.key.arn, Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } } },
        ];
    }
}
