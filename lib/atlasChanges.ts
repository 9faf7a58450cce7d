/**
 * Whether Atlas has applied a project's database-user changes to a cluster: pure pieces of the
 * wait in components/usersApplied.ts, tested directly. Declares nothing.
 *
 * Atlas applies a database user to a project's clusters some time after the Admin API accepted
 * it, and until then the user cannot log in: the Admin API's "Return Status of All Cluster
 * Operations" (GET /api/atlas/v2/groups/{groupId}/clusters/{clusterName}/status, ClusterStatus
 * `changeStatus`: "Atlas returns APPLIED if it completed adding a user to, or removing a user from,
 * your cluster. Atlas returns PENDING if it's still making the requested user changes. When status
 * is PENDING, new users can't log in."). The provider's create does not wait for it
 * (terraform-provider-mongodbatlas internal/service/databaseuser/resource_database_user.go,
 * Create: CreateDatabaseUser, then the state is set), and no resource or data source of the
 * provider exposes `changeStatus`.
 */
import * as crypto from "crypto";

/** The Admin API path of a cluster's change status. */
export function clusterStatusPath(projectId: string, clusterName: string): string {
    return `/api/atlas/v2/groups/${encodeURIComponent(projectId)}/clusters/${encodeURIComponent(clusterName)}/status`;
}

/** The versioned media type the Admin API v2 answers getClusterStatus with. */
export const ATLAS_ACCEPT = "application/vnd.atlas.2023-01-01+json";

/** Parameters of a `WWW-Authenticate: Digest …` challenge. */
export function parseDigestChallenge(header: string): Record<string, string> {
    const params: Record<string, string> = {};
    for (const m of header.replace(/^\s*Digest\s+/i, "").matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]*))/g)) params[m[1].toLowerCase()] = m[2] ?? m[3];
    return params;
}

/**
 * The `Authorization` header answering a Digest challenge (RFC 2617, qop "auth", MD5): how the Atlas
 * Admin API authenticates a programmatic API key (public key as user name, private key as password).
 */
export function digestAuthorization(challenge: Record<string, string>, username: string, password: string, method: string, uri: string, cnonce: string, nc = "00000001"): string {
    const md5 = (s: string) => crypto.createHash("md5").update(s).digest("hex");
    const ha1 = md5(`${username}:${challenge.realm}:${password}`);
    const ha2 = md5(`${method}:${uri}`);
    const qop = challenge.qop?.split(",").map((q) => q.trim()).includes("auth") ? "auth" : undefined;
    const response = qop ? md5(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : md5(`${ha1}:${challenge.nonce}:${ha2}`);
    const fields = [
        `username="${username}"`, `realm="${challenge.realm}"`, `nonce="${challenge.nonce}"`, `uri="${uri}"`,
        ...(qop ? [`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`] : []),
        `response="${response}"`,
        ...(challenge.opaque !== undefined ? [`opaque="${challenge.opaque}"`] : []),
        ...(challenge.algorithm ? [`algorithm=${challenge.algorithm}`] : []),
    ];
    return `Digest ${fields.join(", ")}`;
}

export interface WaitOptions {
    /** Between two reads, ms. */
    intervalMs: number;
    /** Give up after, ms. */
    timeoutMs: number;
    sleep: (ms: number) => Promise<void>;
    now: () => number;
}

/**
 * Reads the change status until it is APPLIED; fails naming the cluster and what to check when it
 * stays PENDING past the timeout. Returns how many reads it took.
 */
export async function waitUntilApplied(read: () => Promise<string>, what: string, o: WaitOptions): Promise<number> {
    const start = o.now();
    for (let reads = 1; ; reads++) {
        const status = await read();
        if (status === "APPLIED") return reads;
        if (status !== "PENDING") throw new Error(`${what}: Atlas answered changeStatus "${status}" (expected PENDING or APPLIED)`);
        if (o.now() - start + o.intervalMs > o.timeoutMs)
            throw new Error(`${what}: Atlas still reports its database-user changes PENDING after ${Math.round(o.timeoutMs / 60000)} minutes; a new user cannot log in until they are APPLIED (check the project's activity feed), then run \`pulumi up\` again`);
        await o.sleep(o.intervalMs);
    }
}

/** How the wait authenticates to the Admin API: as the provider does, from the same settings. */
export type AtlasCredentials = { baseUrl: string } & ({ publicKey: string; privateKey: string } | { accessToken: string });

/** The provider's settings the wait uses, as the stack config names them (`mongodbatlas:<key>`). */
export const ATLAS_SETTINGS = ["accessToken", "publicKey", "privateKey", "baseUrl", "clientId", "clientSecret"] as const;
export type AtlasSettings = Partial<Record<(typeof ATLAS_SETTINGS)[number], string>>;

/**
 * The Atlas credentials the provider itself uses, or why there are none: its settings from the
 * stack config when they hold any credential, otherwise the environment variables it reads, never
 * a mix of the two; within them an access token before an API key
 * (terraform-provider-mongodbatlas internal/config/credentials.go: GetCredentials,
 * CoalesceCredentials(providerVars, envVars), AuthMethod, NewEnvVars). A service account (client id
 * and secret) is not supported by the wait: it says so.
 */
export function atlasCredentials(env: Record<string, string | undefined>, settings: AtlasSettings = {}): AtlasCredentials | { missing: string } {
    const first = (...names: string[]) => names.map((n) => env[n]).find((v) => v);
    const fromEnv: AtlasSettings = {
        accessToken: first("MONGODB_ATLAS_ACCESS_TOKEN"),
        clientId: first("MONGODB_ATLAS_CLIENT_ID"),
        clientSecret: first("MONGODB_ATLAS_CLIENT_SECRET"),
        publicKey: first("MONGODB_ATLAS_PUBLIC_API_KEY", "MONGODB_ATLAS_PUBLIC_KEY", "MCLI_PUBLIC_API_KEY"),
        privateKey: first("MONGODB_ATLAS_PRIVATE_API_KEY", "MONGODB_ATLAS_PRIVATE_KEY", "MCLI_PRIVATE_API_KEY"),
        baseUrl: first("MONGODB_ATLAS_BASE_URL", "MCLI_OPS_MANAGER_URL"),
    };
    const present = (c: AtlasSettings) => Boolean(c.accessToken || c.clientId || c.clientSecret || c.publicKey || c.privateKey);
    const c = present(settings) ? settings : fromEnv;
    const baseUrl = (c.baseUrl || "https://cloud.mongodb.com").replace(/\/+$/, "");
    if (c.accessToken) return { baseUrl, accessToken: c.accessToken };
    if (c.clientId || c.clientSecret)
        return { missing: "a service account (client id and secret) is configured, which this wait does not support: give `pulumi up` an API key (MONGODB_ATLAS_PUBLIC_KEY and MONGODB_ATLAS_PRIVATE_KEY, or mongodbatlas:publicKey and mongodbatlas:privateKey) or MONGODB_ATLAS_ACCESS_TOKEN" };
    if (c.publicKey && c.privateKey) return { baseUrl, publicKey: c.publicKey, privateKey: c.privateKey };
    return { missing: "set MONGODB_ATLAS_PUBLIC_KEY and MONGODB_ATLAS_PRIVATE_KEY (or the stack config mongodbatlas:publicKey and mongodbatlas:privateKey: the Atlas API key `pulumi up` uses) to let it wait until Atlas has applied a new database user" };
}
