import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { elbLogWriter } from "../lib/limits";

export interface AccessLogBucketArgs {
    /** AWS region of the load balancer: names the log-delivery principal the policy admits. */
    region: string;
    /** Key prefix the load balancer writes under (its `accessLogs.prefix`). */
    prefix: string;
    /** Days a log object is kept before S3 expires it. Default (config) 365. */
    retentionDays: number;
    /** Protect the bucket from deletion (prod). Default false. */
    protect?: boolean;
    /** Versioning and S3 Object Lock in compliance mode for `retentionDays` (no one can delete or overwrite a log sooner). Default false. */
    objectLock?: boolean;
}

/**
 * An S3 bucket for the load balancer's access logs: SSE-S3 (the only encryption ELB log delivery
 * supports), public access blocked, bucket-owner objects, TLS-only, writable by this region's log
 * delivery under `<prefix>/AWSLogs/<account>/` only, and expired after `retentionDays`.
 */
export class AccessLogBucket extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    readonly policy: aws.s3.BucketPolicy;
    private readonly child: pulumi.CustomResourceOptions;

    constructor(private readonly name: string, private readonly args: AccessLogBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("payment-gateway:loadBalancer:AccessLogBucket", name, {}, opts);
        this.child = { parent: this };

        this.bucket = new aws.s3.Bucket(name, { forceDestroy: false }, { ...this.child, protect: args.protect ?? false });
        this.blockPublicAccess();
        this.encrypt();
        if (args.objectLock) this.lock();
        this.expire();
        this.policy = this.allowLogDelivery();

        this.registerOutputs({ bucket: this.bucket.bucket });
    }

    get bucketName(): pulumi.Output<string> {
        return this.bucket.bucket;
    }

    /** What the load balancer must wait for: AWS checks it may write to the bucket when logging is turned on. */
    get ready(): pulumi.Resource[] {
        return [this.policy];
    }

    private blockPublicAccess(): void {
        new aws.s3.BucketPublicAccessBlock(this.name, {
            bucket: this.bucket.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }, this.child);
        new aws.s3.BucketOwnershipControls(this.name, { bucket: this.bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, this.child);
    }

    private encrypt(): void {
        new aws.s3.BucketServerSideEncryptionConfiguration(this.name, {
            bucket: this.bucket.id,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        }, this.child);
    }

    /**
     * Versioning, then Object Lock in COMPLIANCE mode with a default retention of `retentionDays`
     * (PCI DSS v4 10.3.2, 10.3.3: audit logs protected from modification). On the existing bucket,
     * not a new one: the bucket's `object_lock_enabled` is ForceNew, but
     * aws.s3.BucketObjectLockConfiguration "can be used [to] enable Object Lock for new and existing
     * buckets" once versioning is on (@pulumi/aws s3/bucketObjectLockConfiguration.d.ts). Compliance
     * mode cannot be shortened or removed by anyone, root included, until each version's date passes.
     */
    private lock(): void {
        const versioning = new aws.s3.BucketVersioning(this.name, { bucket: this.bucket.id, versioningConfiguration: { status: "Enabled" } }, this.child);
        new aws.s3.BucketObjectLockConfiguration(this.name, {
            bucket: this.bucket.id,
            objectLockEnabled: "Enabled",
            rule: { defaultRetention: { mode: "COMPLIANCE", days: this.args.retentionDays } },
        }, { ...this.child, dependsOn: [versioning] });
    }

    private expire(): void {
        new aws.s3.BucketLifecycleConfiguration(this.name, {
            bucket: this.bucket.id,
            rules: [{
                id: "expire-access-logs",
                status: "Enabled",
                filter: {},
                expiration: { days: this.args.retentionDays },
                // With versioning, an expired log becomes a noncurrent version: remove it a day later
                // (Object Lock keeps it until its retention date regardless).
                ...(this.args.objectLock ? { noncurrentVersionExpiration: { noncurrentDays: 1 } } : {}),
                abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
            }],
        }, this.child);
    }

    private allowLogDelivery(): aws.s3.BucketPolicy {
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const policy = pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "ElbLogDelivery",
                    Effect: "Allow",
                    Principal: elbLogWriter(this.args.region),
                    Action: "s3:PutObject",
                    Resource: pulumi.interpolate`${this.bucket.arn}/${this.args.prefix}/AWSLogs/${account}/*`,
                },
                {
                    Sid: "TlsOnly",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: [this.bucket.arn, pulumi.interpolate`${this.bucket.arn}/*`],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        });
        return new aws.s3.BucketPolicy(this.name, { bucket: this.bucket.id, policy }, this.child);
    }
}
