/**
 * The Atlas database audit filter (PCI DSS v4 10.2.1: audit logs capture all individual access to
 * cardholder data, 10.2.1.2 administrative actions, 10.2.1.4 invalid logical access attempts,
 * 10.2.1.5 changes to identification and authentication credentials). A plain module.
 *
 * Event actions (atype) as MongoDB names them:
 * https://www.mongodb.com/docs/manual/reference/audit-message/mongo/ ("Audit Event Actions, Details,
 * and Results"). Atlas applies the filter per project (mongodbatlas.Auditing, M10+;
 * https://www.mongodb.com/docs/atlas/database-auditing/).
 *
 * authCheck records only authorization FAILURES while auditAuthorizationSuccess is false (Atlas:
 * "authChecksReadFailures … with the auditAuthorizationSuccess parameter set to false"); success
 * auditing "degrades cluster performance" and stays off.
 */
export const AUDITED_ACTIONS = {
    /** Logins (successful and failed) and logouts. */
    authentication: ["authenticate", "logout"],
    /** Authorization failures (with auditAuthorizationSuccess false). */
    authorization: ["authCheck"],
    /** Changes to database users. */
    users: ["createUser", "dropUser", "dropAllUsersFromDatabase", "updateUser", "grantRolesToUser", "revokeRolesFromUser"],
    /** Changes to roles and their privileges. */
    roles: ["createRole", "updateRole", "dropRole", "dropAllRolesFromDatabase", "grantRolesToRole", "revokeRolesFromRole", "grantPrivilegesToRole", "revokePrivilegesFromRole"],
    /** Schema (DDL) changes. */
    ddl: ["createCollection", "createDatabase", "createIndex", "renameCollection", "dropCollection", "dropDatabase", "dropIndex"],
} as const;

/** The audit filter as Atlas takes it (a JSON document matched against each audit event). */
export function auditFilter(): string {
    return JSON.stringify({ atype: { $in: Object.values(AUDITED_ACTIONS).flat() } });
}

/** Days Atlas keeps audit and log messages before they are gone (https://www.mongodb.com/docs/atlas/architecture/current/auditing-logging/). */
export const ATLAS_AUDIT_LOG_RETENTION_DAYS = 30;
