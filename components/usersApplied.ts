import * as pulumi from "@pulumi/pulumi";
import { ATLAS_ACCEPT, ATLAS_SETTINGS, AtlasSettings, atlasCredentials, clusterStatusPath, digestAuthorization, parseDigestChallenge, waitUntilApplied } from "../lib/atlasChanges";

export interface UsersAppliedArgs {
    /** The Atlas project of the user. */
    projectId: pulumi.Input<string>;
    /** The cluster the user is scoped to. */
    clusterName: pulumi.Input<string>;
    /** The user waited for: a new user name (a new user) is a new wait; nothing else is. */
    username: pulumi.Input<string>;
}

/** What makes a new wait: a new user on a cluster. */
const KEYS = ["projectId", "clusterName", "username"];

/** How often and how long the wait reads Atlas's change status. */
export const POLL = { intervalMs: 10_000, timeoutMs: 30 * 60_000 };

/** The Atlas provider's settings in the stack config, as `configure` found them (one object, shared by the methods). */
const settings: AtlasSettings = {};

/**
 * Reads the cluster's change status every 10 s, up to 30 minutes, through the Admin API with the
 * credentials the Atlas provider uses: its settings in the stack config (`mongodbatlas:*`, handed
 * to a dynamic provider's `configure`), else the environment (lib/atlasChanges.ts). Runs at create
 * only: in `pulumi up`, once per new user; never at preview, never again for a user already waited for.
 */
export const usersAppliedProvider: pulumi.dynamic.ResourceProvider = {
    async configure(req: pulumi.dynamic.ConfigureRequest) {
        for (const key of ATLAS_SETTINGS) settings[key] = req.config.get(`mongodbatlas:${key}`);
    },
    async diff(_id: pulumi.ID, olds: Record<string, unknown>, news: Record<string, unknown>) {
        const replaces = KEYS.filter((k) => olds[k] !== news[k]);
        return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
    },
    async create(inputs: Record<string, string>) {
        const credentials = atlasCredentials(process.env, settings);
        if ("missing" in credentials) throw new Error(`waiting for Atlas database user ${inputs.username}: ${credentials.missing}`);
        const path = clusterStatusPath(inputs.projectId, inputs.clusterName);
        const url = `${credentials.baseUrl}${path}`;
        const read = async (): Promise<string> => {
            const headers: Record<string, string> = { Accept: ATLAS_ACCEPT };
            if ("accessToken" in credentials) headers.Authorization = `Bearer ${credentials.accessToken}`;
            let res = await fetch(url, { headers });
            if (res.status === 401 && "publicKey" in credentials) {
                const challenge = parseDigestChallenge(res.headers.get("www-authenticate") ?? "");
                const cnonce = require("crypto").randomBytes(8).toString("hex");
                res = await fetch(url, { headers: { ...headers, Authorization: digestAuthorization(challenge, credentials.publicKey, credentials.privateKey, "GET", path, cnonce) } });
            }
            if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
            return String(((await res.json()) as { changeStatus?: string }).changeStatus);
        };
        await waitUntilApplied(read, `Atlas cluster ${inputs.clusterName} (user ${inputs.username})`, {
            ...POLL,
            sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
            now: () => Date.now(),
        });
        return { id: `${inputs.projectId}/${inputs.clusterName}/${inputs.username}`, outs: { ...inputs, changeStatus: "APPLIED" } };
    },
    async delete() {
        // Nothing to remove: the wait leaves nothing behind.
    },
};

/**
 * Exists once Atlas reports the project's database-user changes APPLIED to the cluster, after a
 * new user was created: until then the new user cannot log in (lib/atlasChanges.ts), so a task
 * started at once would fail to authenticate. Clients of the database depend on it, not on the user.
 */
export class UsersApplied extends pulumi.dynamic.Resource {
    constructor(name: string, args: UsersAppliedArgs, opts?: pulumi.CustomResourceOptions) {
        super(usersAppliedProvider, name, { ...args, changeStatus: undefined }, opts, "payment-gateway", "UsersApplied");
    }
}
