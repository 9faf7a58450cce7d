import { strict as assert } from "assert";
import { ecrRepositoryOf } from "../../lib/images";

describe("image references", () => {
    it("find the private ECR repository an image is pulled from", () => {
        assert.deepEqual(ecrRepositoryOf("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1.2.3"), {
            account: "123456789012",
            region: "eu-west-1",
            name: "team/app",
            arn: "arn:aws:ecr:eu-west-1:123456789012:repository/team/app",
        });
        assert.equal(ecrRepositoryOf(`123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:${"0".repeat(64)}`)?.name, "app");
        assert.equal(ecrRepositoryOf("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app:1")?.arn, "arn:aws-cn:ecr:cn-north-1:123456789012:repository/app");
        assert.equal(ecrRepositoryOf("123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/app:1")?.arn, "arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/app");
    });

    it("find none for public ECR or any other registry", () => {
        for (const image of ["public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0", "registry.example.com/payment-gateway/main:1.0.0", "nginx:1.27", "12345678901.dkr.ecr.us-east-1.amazonaws.com/app:1"])
            assert.equal(ecrRepositoryOf(image), undefined, image);
    });
});
