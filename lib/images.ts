/**
 * Image references, parsed. A plain module: it declares no resources.
 */

/** `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag][@digest]` (the private ECR registry host form). */
const ECR_IMAGE = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com(\.cn)?\/([a-z0-9]+(?:[._\-/][a-z0-9]+)*)(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** The interface endpoints that carry nothing but pulls from the private ECR registry of their region. */
export const ECR_ENDPOINT_SERVICES = ["ecr.api", "ecr.dkr"] as const;

export interface EcrRepository {
    account: string;
    region: string;
    name: string;
    /** The repository's ARN: what a pull permission names. */
    arn: string;
}

/** The private ECR repository an image is pulled from, or undefined for any other registry. */
export function ecrRepositoryOf(image: string): EcrRepository | undefined {
    const m = ECR_IMAGE.exec(image);
    if (!m) return undefined;
    const [, account, region, china, name] = m;
    const partition = china ? "aws-cn" : region.includes("-gov-") ? "aws-us-gov" : "aws";
    return { account, region, name, arn: `arn:${partition}:ecr:${region}:${account}:repository/${name}` };
}
