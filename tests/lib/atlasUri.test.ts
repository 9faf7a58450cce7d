import { strict as assert } from "assert";
import { iamUri, passwordUri, plainUri } from "../../lib/atlasUri";

describe("Atlas connection strings (lib/atlasUri.ts)", () => {
    const host = "pg-prod-pl-0.ab1cd.mongodb.net";

    it("puts a password user's credentials in the URI, percent-encoded, with authSource admin", () => {
        assert.equal(passwordUri(host, "payment_gateway", "pg-prod-main", "a/b:c@d"), "mongodb+srv://pg-prod-main:a%2Fb%3Ac%40d@pg-prod-pl-0.ab1cd.mongodb.net/payment_gateway?retryWrites=true&w=majority&tls=true&authSource=admin");
    });

    it("logs IAM users in with MONGODB-AWS against $external, and carries no credentials", () => {
        assert.equal(iamUri(host, "payment_gateway"), "mongodb+srv://pg-prod-pl-0.ab1cd.mongodb.net/payment_gateway?authSource=%24external&authMechanism=MONGODB-AWS&retryWrites=true&w=majority&tls=true");
        assert.equal(plainUri(host, "payment_gateway"), "mongodb+srv://pg-prod-pl-0.ab1cd.mongodb.net/payment_gateway?retryWrites=true&w=majority&tls=true");
    });
});
