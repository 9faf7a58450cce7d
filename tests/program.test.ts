import { strict as assert } from "assert";
import { isValidSecurityGroupDescription, isValidSecurityGroupRuleDescription } from "../lib/limits";
import { ProgramError, gatewayStacks, listStacks, runProgram, stackRun } from "./harness";

describe("program", () => {
    for (const stack of gatewayStacks()) {
        it(`runs the ${stack} stack and exports its shape`, async () => {
            const run = await stackRun(stack);
            assert.equal(run.outputs.environment, stack);
            assert.ok(run.resources.filter((r) => r.custom).length > 10);
            for (const name of ["admin", "main", "worker"]) assert.ok(run.outputs.capacity[name].instances >= 1, name);
        });
    }

    it("runs every other stack file as what its purpose says", async () => {
        const others = listStacks().filter((s) => !gatewayStacks().includes(s));
        assert.deepEqual(others, ["local", "prod-multiregion", "region-drill", "restore-drill", "standby-prod"]);
        assert.equal((await stackRun("restore-drill")).outputs.purpose, "restore-drill");
        assert.equal((await stackRun("local")).outputs.purpose, "local");
        assert.equal((await stackRun("standby-prod")).outputs.purpose, "standby");
        assert.equal((await stackRun("region-drill")).outputs.purpose, "region-drill");
        assert.equal((await stackRun("prod-multiregion")).outputs.environment, "prod");
    });

    it("describes every security group and rule in characters EC2 accepts", async () => {
        for (const stack of gatewayStacks()) {
            const run = await stackRun(stack);
            for (const sg of run.ofType("aws:ec2/securityGroup:SecurityGroup")) assert.ok(isValidSecurityGroupDescription(sg.inputs.description), sg.inputs.description);
            const rules = [...run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"), ...run.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")];
            assert.ok(rules.length > 0);
            for (const r of rules) assert.ok(isValidSecurityGroupRuleDescription(r.inputs.description), r.inputs.description);
        }
    });

    const mistakes: [string, Record<string, unknown>, string[]][] = [
        ["a prod rescale below the checklist and a typo", { "main.instances": 1, "admin.instnaces": 3 }, ["main.instances must be at least 2 in prod", 'admin has unknown key "instnaces"']],
        ["a word for a number and a bad tier", { "worker.concurrency": "eight", "atlas.tier": "m30" }, ["worker.concurrency must be a number", "atlas.tier must be one of"]],
        ["an impossible task size and a missing region", { "main.memory": 1000, "aws:region": undefined }, ["needs aws:region"]],
        ["a domain with a scheme", { domain: "https://pay.example.com" }, ["domain must be a lower-case domain name"]],
        ["more zones than the region offers", { "aws:region": "us-west-1", "atlas.region": "US_WEST_1" }, ["network.azCount must be at most 2: us-west-1 offers every account 2 availability zones; got 3"]],
    ];
    for (const [what, set, expected] of mistakes) {
        it(`declares nothing for ${what}`, async () => {
            const error = await runProgram({ stack: "prod", set }).then(
                () => assert.fail("expected the program to refuse the config"),
                (e: unknown) => e as ProgramError,
            );
            assert.ok(error instanceof ProgramError, String(error));
            assert.deepEqual(error.resources.map((r) => r.urn), []);
            for (const text of expected) assert.ok(error.message.includes(`payment-gateway${text.startsWith("needs") ? " " : ":"}${text}`), `missing "${text}" in:\n${error.message}`);
            assert.match(error.message, /nothing was declared/);
        });
    }
});
