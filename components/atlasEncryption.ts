import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as mongodbatlas from "@pulumi/mongodbatlas";
import { allow } from "./iam";
import { KmsKey } from "./kmsKey";

export interface AtlasEncryptionArgs {
    /** The Atlas project whose clusters the key encrypts. */
    projectId: pulumi.Input<string>;
    /** This stack's KMS key; its policy is declared here (the Atlas role is its only user). */
    key: KmsKey;
    /** Atlas region of the key (US_EAST_1). */
    atlasRegion: string;
    /** AWS region of the key (us-east-1). */
    awsRegion: string;
}

/** What Atlas's role may do with the key (https://www.mongodb.com/docs/atlas/security-aws-kms/: Encrypt, Decrypt, DescribeKey). */
export const ATLAS_KEY_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"];

/**
 * Atlas encryption at rest with customer key management (PCI DSS v4 3.5.1): Atlas assumes an IAM
 * role of this account (cloud provider access: setup, then authorization of the role) and wraps
 * the project's MongoDB master keys with `key`.
 *
 * mongodbatlas provider: internal/service/cloudprovideraccess/ (setup project_id ForceNew;
 * authorization project_id and role_id ForceNew), internal/service/encryptionatrest/resource.go
 * (project_id RequiresReplace; aws_kms_config updates in place), docs/resources/encryption_at_rest.md:
 * "needs to be completed before a cluster is created in the project" (the cluster waits for
 * `ready`); the cluster's encryption_at_rest_provider (internal/service/advancedcluster/schema.go)
 * has no RequiresReplace: turning it on for an existing cluster updates it in place.
 */
export class AtlasEncryption extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly encryptionAtRest: mongodbatlas.EncryptionAtRest;

    constructor(name: string, args: AtlasEncryptionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("payment-gateway:database:AtlasEncryption", name, {}, opts);
        const child = { parent: this };
        const setup = new mongodbatlas.CloudProviderAccessSetup(name, { projectId: args.projectId, providerName: "AWS" }, child);
        // Atlas's AWS account, and only with the external id Atlas issued for this project (confused deputy).
        const atlas = setup.awsConfigs.apply((c) => c[0]);
        this.role = new aws.iam.Role(name, {
            description: "Assumed by MongoDB Atlas to wrap the project's encryption-at-rest keys with this stack's KMS key",
            assumeRolePolicy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [{
                    Effect: "Allow",
                    Principal: { AWS: atlas.atlasAwsAccountArn },
                    Action: "sts:AssumeRole",
                    Condition: { StringEquals: { "sts:ExternalId": atlas.atlasAssumedRoleExternalId } },
                }],
            }),
        }, child);
        const permissions = allow(this.role, name, [{ Action: ATLAS_KEY_ACTIONS, Resource: args.key.arn }], child);
        const keyPolicy = args.key.restrict({ roles: [{ sid: "AtlasEncryptsAtRest", arns: [this.role.arn], actions: ATLAS_KEY_ACTIONS }] }, args.awsRegion);
        // Atlas checks at authorization that it can assume the role: a new role may not have
        // propagated yet, and the provider retries CANNOT_ASSUME_ROLE three times, 10 s apart
        // (internal/service/cloudprovideraccess/resource_cloud_provider_access_authorization.go, authorizeRole).
        const authorization = new mongodbatlas.CloudProviderAccessAuthorization(name, {
            projectId: args.projectId,
            roleId: setup.roleId,
            aws: { iamAssumedRoleArn: this.role.arn },
        }, { ...child, dependsOn: [permissions] });
        // Atlas checks the key works (encrypt and decrypt) when the configuration is saved; the provider
        // retries CANNOT_ASSUME_ROLE, INVALID_AWS_CREDENTIALS and CLOUD_PROVIDER_ACCESS_ROLE_NOT_AUTHORIZED
        // for up to 3 minutes (internal/service/encryptionatrest/resource.go, the create refresh func).
        this.encryptionAtRest = new mongodbatlas.EncryptionAtRest(name, {
            projectId: args.projectId,
            awsKmsConfig: { enabled: true, customerMasterKeyId: args.key.key.keyId, region: args.atlasRegion, roleId: authorization.roleId },
        }, { ...child, dependsOn: [keyPolicy] });
        this.registerOutputs({});
    }
}
