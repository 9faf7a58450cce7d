import { strict as assert } from "assert";
import { atlasCredentials, clusterStatusPath, digestAuthorization, parseDigestChallenge, waitUntilApplied } from "../../lib/atlasChanges";

describe("Atlas database-user changes", () => {
    it("answers a Digest challenge as RFC 2617 §3.5 does", () => {
        const challenge = parseDigestChallenge('Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"');
        assert.deepEqual(challenge, { realm: "testrealm@host.com", qop: "auth,auth-int", nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque: "5ccc069c403ebaf9f0171e9517f40e41" });
        const header = digestAuthorization(challenge, "Mufasa", "Circle Of Life", "GET", "/dir/index.html", "0a4f113b");
        assert.match(header, /^Digest username="Mufasa", realm="testrealm@host\.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="\/dir\/index\.html", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"$/);
    });

    it("reads the cluster's change status at the Admin API path", () => {
        assert.equal(clusterStatusPath("5f00000000000000000000aa", "pg-prod"), "/api/atlas/v2/groups/5f00000000000000000000aa/clusters/pg-prod/status");
    });

    it("takes the credentials from the variables the provider reads", () => {
        assert.deepEqual(atlasCredentials({ MONGODB_ATLAS_PUBLIC_KEY: "pub", MONGODB_ATLAS_PRIVATE_KEY: "priv" }), { baseUrl: "https://cloud.mongodb.com", publicKey: "pub", privateKey: "priv" });
        assert.deepEqual(atlasCredentials({ MONGODB_ATLAS_PUBLIC_API_KEY: "a", MONGODB_ATLAS_PUBLIC_KEY: "b", MCLI_PRIVATE_API_KEY: "c", MONGODB_ATLAS_BASE_URL: "https://atlas.example.com/" }), { baseUrl: "https://atlas.example.com", publicKey: "a", privateKey: "c" });
        assert.deepEqual(atlasCredentials({ MONGODB_ATLAS_ACCESS_TOKEN: "t" }), { baseUrl: "https://cloud.mongodb.com", accessToken: "t" });
        assert.match((atlasCredentials({ MONGODB_ATLAS_PUBLIC_KEY: "only" }) as { missing: string }).missing, /set MONGODB_ATLAS_PUBLIC_KEY and MONGODB_ATLAS_PRIVATE_KEY/);
    });

    it("prefers, as the provider does, its stack config to the environment, and an access token to an API key", () => {
        const env = { MONGODB_ATLAS_PUBLIC_KEY: "env-pub", MONGODB_ATLAS_PRIVATE_KEY: "env-priv", MONGODB_ATLAS_BASE_URL: "https://env.example.com" };
        assert.deepEqual(atlasCredentials(env, { publicKey: "cfg-pub", privateKey: "cfg-priv" }), { baseUrl: "https://cloud.mongodb.com", publicKey: "cfg-pub", privateKey: "cfg-priv" }, "the config's set, never mixed with the environment's");
        assert.deepEqual(atlasCredentials({}, { publicKey: "cfg-pub", privateKey: "cfg-priv", baseUrl: "https://cfg.example.com/" }), { baseUrl: "https://cfg.example.com", publicKey: "cfg-pub", privateKey: "cfg-priv" });
        assert.deepEqual(atlasCredentials(env, { baseUrl: "https://cfg.example.com" }), { baseUrl: "https://env.example.com", publicKey: "env-pub", privateKey: "env-priv" }, "no credential in the config: the environment's set");
        assert.deepEqual(atlasCredentials({ ...env, MONGODB_ATLAS_ACCESS_TOKEN: "t" }), { baseUrl: "https://env.example.com", accessToken: "t" });
        assert.match((atlasCredentials(env, { clientId: "id", clientSecret: "secret" }) as { missing: string }).missing, /^a service account \(client id and secret\) is configured, which this wait does not support/);
    });

    it("waits while Atlas reports PENDING, and gives up past the timeout saying what to do", async () => {
        let clock = 0;
        const o = { intervalMs: 10_000, timeoutMs: 60_000, sleep: async (ms: number) => void (clock += ms), now: () => clock };
        const answers = ["PENDING", "PENDING", "APPLIED"];
        assert.equal(await waitUntilApplied(async () => answers.shift()!, "Atlas cluster pg-dev", o), 3);
        assert.equal(clock, 20_000);
        clock = 0;
        let reads = 0;
        await assert.rejects(waitUntilApplied(async () => (reads++, "PENDING"), "Atlas cluster pg-dev", o), /^Error: Atlas cluster pg-dev: Atlas still reports its database-user changes PENDING after 1 minutes; a new user cannot log in until they are APPLIED/);
        assert.equal(reads, 7, "one read every 10 s from 0 to 60 s");
        await assert.rejects(waitUntilApplied(async () => "undefined", "Atlas cluster pg-dev", o), /changeStatus "undefined" \(expected PENDING or APPLIED\)/);
    });
});
