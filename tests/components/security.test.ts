/**
 * What a PCI DSS v4 assessor checks of the deployment: audit trails, encryption under keys with
 * explicit policies, exposure, least privilege. Runs shared with the other tests (baselines,
 * stackRun); a full program run only where config differs.
 */
import { strict as assert } from "assert";
import { AUDITED_ACTIONS, auditFilter } from "../../lib/audit";
import { ConfigError, validateConfig } from "../../lib/config";
import { rawConfigFrom } from "../../lib/stackConfig";
import { Run, assembleConfig, baselines, stackRun } from "../harness";

const AUDITING = "mongodbatlas:index/auditing:Auditing";

/** The problems validation reports for a stack file with `set` applied (none: []). */
export function configProblems(stack: string, set: Record<string, unknown>): string[] {
    const { values } = assembleConfig(stack, set);
    try {
        validateConfig(rawConfigFrom(values), values["aws:region"]);
        return [];
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return (e as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
    }
}

describe("security and PCI DSS", () => {
    let prod: Run, dev: Run;
    before(async () => ({ prod, dev } = await baselines()));

    describe("database audit log (PCI 10.2.1)", () => {
        it("audits logins, authorization failures, user and role changes and DDL in prod", () => {
            const audit = prod.one(AUDITING);
            assert.equal(audit.inputs.enabled, true);
            assert.equal(audit.inputs.auditAuthorizationSuccess, false);
            const filter = JSON.parse(audit.inputs.auditFilter);
            const audited: string[] = filter.atype.$in;
            for (const action of ["authenticate", "authCheck", "createUser", "dropUser", "updateUser", "grantRolesToUser", "createRole", "grantPrivilegesToRole", "dropCollection", "dropDatabase", "createIndex", "renameCollection"])
                assert.ok(audited.includes(action), action);
            assert.equal(audit.inputs.projectId, prod.one("mongodbatlas:index/project:Project").id);
            assert.ok(audit.dependsOn.includes(prod.one("mongodbatlas:index/advancedCluster:AdvancedCluster").urn));
        });

        it("is a filter of exact action names, each listed once", () => {
            const all = Object.values(AUDITED_ACTIONS).flat();
            assert.equal(new Set(all).size, all.length);
            assert.deepEqual(JSON.parse(auditFilter()), { atype: { $in: all } });
        });

        it("is off in dev by default, on in the restore drill (a copy of prod's data)", async () => {
            assert.equal(dev.ofType(AUDITING).length, 0);
            const drill = await stackRun("restore-drill");
            assert.equal(drill.one(AUDITING).inputs.enabled, true);
        });

        it("cannot be turned off in prod", () => {
            assert.deepEqual(configProblems("prod", { "atlas.auditing": false }), ["atlas.auditing: must be true in prod (PCI DSS 10.2.1: audit logs of access to cardholder data)"]);
        });
    });
});
