/**
 * The `mongodb+srv://` URIs the gateway's tasks read as MPG_DATABASE_URI, from the SRV host of a
 * cluster's (private) connection string: TLS, majority writes, retried across an election.
 * One definition for the cluster's owner (components/database.ts) and a second region's access
 * to it (components/clusterAccess.ts), so both stacks' tasks connect alike.
 */
const OPTIONS = "retryWrites=true&w=majority&tls=true";

/** A password user's URI (authSource admin, where Atlas keeps SCRAM users). */
export function passwordUri(host: string, database: string, username: string, password: string): string {
    return `mongodb+srv://${encodeURIComponent(username)}:${encodeURIComponent(password)}@${host}/${database}?${OPTIONS}&authSource=admin`;
}

/** The URI of IAM authentication: no credentials, each task logs in as its role (MONGODB-AWS, $external). */
export function iamUri(host: string, database: string): string {
    return `mongodb+srv://${host}/${database}?authSource=%24external&authMechanism=MONGODB-AWS&${OPTIONS}`;
}

/** The URI without credentials (password authentication: each client has its own, passwordUri). */
export function plainUri(host: string, database: string): string {
    return `mongodb+srv://${host}/${database}?${OPTIONS}`;
}
