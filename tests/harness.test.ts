import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { UNDECRYPTED } from "../lib/config";
import { ROOT, assembleConfig, later, parseKeyPath, readProject, runProgram, settle } from "./harness";
import { now } from "../lib/clock";
import * as pulumi from "@pulumi/pulumi";

describe("harness", () => {
    describe("config assembly (as the Pulumi CLI does it)", () => {
        it("namespaces stack keys and passes objects as JSON", () => {
            const { values } = assembleConfig("prod");
            assert.equal(values["payment-gateway:environment"], "prod");
            assert.equal(values["aws:region"], "us-east-1");
            assert.equal(JSON.parse(values["payment-gateway:main"]).instances, 3);
        });

        it("applies a --path override without losing the object's other fields", () => {
            const { values } = assembleConfig("prod", { "main.instances": 5, "aws:region": "eu-west-1" });
            const main = JSON.parse(values["payment-gateway:main"]);
            assert.equal(main.instances, 5);
            assert.equal(main.cpu, 1024);
            assert.equal(values["aws:region"], "eu-west-1");
        });

        it("removes a key whose override is undefined", () => {
            const { values } = assembleConfig("prod", { domain: undefined, "atlas.orgId": undefined });
            assert.equal(values["payment-gateway:domain"], undefined);
            assert.equal(JSON.parse(values["payment-gateway:atlas"]).orgId, undefined);
        });

        it("applies a Pulumi.yaml default or value only to a top-level key the stack does not set", () => {
            const project = {
                ...readProject(),
                config: {
                    environment: { type: "string", default: "dev" }, // the stack sets it: the stack wins
                    tier: { type: "string", default: "M10" },
                    replicas: 3,
                    cache: { value: { nodes: 1, engine: "redis" } }, // the stack sets cache: no merge
                    labels: { value: { team: "payments" } },
                },
            };
            const { values } = assembleConfig("prod", { cache: { nodes: 3 } }, project);
            assert.equal(values["payment-gateway:environment"], "prod");
            assert.equal(values["payment-gateway:tier"], "M10");
            assert.equal(values["payment-gateway:replicas"], "3");
            assert.deepEqual(JSON.parse(values["payment-gateway:cache"]), { nodes: 3 });
            assert.deepEqual(JSON.parse(values["payment-gateway:labels"]), { team: "payments" });
        });

        it("refuses an unknown stack", () => {
            assert.throws(() => assembleConfig("nope"), /no stack file Pulumi\.nope\.yaml/);
        });

        it("takes paths as `pulumi config set --path` does: indexes, quoted keys, appends", () => {
            assert.deepEqual(parseKeyPath("admin.allowedCidrs[0]"), ["admin", "allowedCidrs", 0]);
            assert.deepEqual(parseKeyPath('main.extraEnvironment["my.var"]'), ["main", "extraEnvironment", "my.var"]);
            assert.deepEqual(parseKeyPath("aws:region"), ["aws:region"]);
            const { values } = assembleConfig("prod", { "admin.allowedCidrs[0]": "203.0.113.0/24", "admin.allowedCidrs[1]": "198.51.100.0/24" });
            assert.deepEqual(JSON.parse(values["payment-gateway:admin"]).allowedCidrs, ["203.0.113.0/24", "198.51.100.0/24"]);
            assert.throws(() => assembleConfig("prod", { "admin.allowedCidrs[2]": "203.0.113.0/24" }), /list index 2 is out of range \(the list has 1 items/);
            for (const bad of ["main..instances", "main[x]", ".main", "main.instances["]) assert.throws(() => parseKeyPath(bad), /not a config path|starts with a key/, bad);
        });

        it("refuses a path through an object's prototype, and changes nothing", () => {
            for (const key of ["__proto__.polluted", "main.__proto__.polluted", "constructor.prototype.polluted", 'main["__proto__"]'])
                assert.throws(() => assembleConfig("prod", { [key]: "yes" }), /refuses the path segment/, key);
            assert.equal(({} as Record<string, unknown>).polluted, undefined);
        });

        it("hands nested secure values over as the engine would, marking the key secret", () => {
            const { values, secretKeys } = assembleConfig("prod", { "observability.alarmEmails": [{ secure: "v1:abc" }] });
            assert.deepEqual(JSON.parse(values["payment-gateway:observability"]).alarmEmails, [UNDECRYPTED]);
            assert.deepEqual(secretKeys, ["payment-gateway:observability"]);
        });

        it("names a stack file that is not valid YAML", () => {
            const file = path.join(ROOT, "Pulumi.broken-fixture.yaml");
            fs.writeFileSync(file, "config:\n  aws:region: us-east-1\n   payment-gateway:domain: [\n");
            try {
                assert.throws(() => assembleConfig("broken-fixture"), /^Error: Pulumi\.broken-fixture\.yaml is not valid YAML: /);
            } finally {
                fs.unlinkSync(file);
            }
        });

        it("hands over every digit of an integer in a stack file or a --set, as the engine's JSON does", () => {
            const file = path.join(ROOT, "Pulumi.digits-fixture.yaml");
            fs.writeFileSync(file, "config:\n  payment-gateway:rotation:\n    database: 9007199254740993\n    cache: 12\n  payment-gateway:drills:\n    durationMinutes: 15\n");
            try {
                const { values } = assembleConfig("digits-fixture", { "main.extraEnvironment.ID": 12345678901234567n });
                assert.equal(values["payment-gateway:rotation"], '{"database":9007199254740993,"cache":12}');
                assert.equal(values["payment-gateway:drills"], '{"durationMinutes":15}');
                assert.equal(values["payment-gateway:main"], '{"extraEnvironment":{"ID":12345678901234567}}');
            } finally {
                fs.unlinkSync(file);
            }
        });
    });

    describe("recording", () => {
        const fixture = path.join(__dirname, "fixtures", "options.ts");

        it("records type, name, parent, options and secret inputs", async () => {
            const run = await runProgram({ stack: "dev", program: fixture });
            const key = run.one("aws:kms/key:Key", "key");
            assert.equal(key.protect, true);
            assert.match(key.outputs.arn, /^arn:aws:kms:us-east-1:123456789012:key\//);
            const secret = run.one("aws:secretsmanager/secret:Secret", "secret");
            assert.deepEqual(secret.ignoreChanges, ["description"]);
            assert.equal(secret.protect, false);
            assert.deepEqual(secret.propertyDependencies.kmsKeyId, [key.urn]);
            const version = run.one("aws:secretsmanager/secretVersion:SecretVersion", "version");
            assert.deepEqual(version.secretInputs, ["secretString"]);
            assert.ok(version.dependsOn.includes(key.urn));
            assert.ok(run.dependenciesOf(version).has(secret.urn));
            assert.match(version.parent, /pulumi:pulumi:Stack/);
        });

        it("returns realistic generated values and keeps them secret", async () => {
            const run = await runProgram({ stack: "dev", program: fixture });
            const password = run.one("random:index/randomPassword:RandomPassword", "password");
            assert.deepEqual(password.additionalSecretOutputs.sort(), ["bcryptHash", "result"]);
            assert.match(run.outputs.passwordResult, /^[A-Za-z0-9]{24}$/);
            assert.ok(run.secretOutputs.includes("passwordResult"));
            assert.ok(!run.secretOutputs.includes("plain"));
            assert.equal(run.outputs.plain, "visible");
        });

        it("answers and records invokes", async () => {
            const run = await runProgram({ stack: "dev", program: fixture });
            assert.equal(run.outputs.firstZone, "us-east-1a");
            assert.ok(run.invokes.some((i) => i.token === "aws:index/getAvailabilityZones:getAvailabilityZones" && i.inputs.state === "available"));
        });

        it("rehearses a later `pulumi up`: the last outputs read back, the clock moved, edits kept, the cloud's answers", async () => {
            const dayTwo = path.join(__dirname, "fixtures", "dayTwo.ts");
            const start = Date.parse("2026-01-01T00:00:00Z");
            const first = await runProgram({ stack: "dev", program: dayTwo, now: start, set: { domain: "one.example.com" } });
            assert.deepEqual([first.outputs.runs, first.outputs.clock, first.outputs.domain, first.outputs.firstZone], [1, start, "one.example.com", "us-east-1a"]);
            const second = await later(first, { days: 30 });
            assert.deepEqual([second.outputs.runs, second.outputs.clock, second.outputs.domain], [2, start + 30 * 86_400_000, "one.example.com"]);
            assert.deepEqual(second.previous, first.outputs);
            const third = await later(second, { days: 1, set: { domain: "two.example.com" }, answers: { "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({ names: ["us-east-1z"], zoneIds: ["use1-az9"], id: "x" }) } });
            assert.deepEqual([third.outputs.runs, third.outputs.clock, third.outputs.domain, third.outputs.firstZone], [3, start + 31 * 86_400_000, "two.example.com", "us-east-1z"]);
            assert.ok(Math.abs(now() - Date.now()) < 1000, "the real clock is back after the run");
        });

        it("settle awaits an output and tells whether it is secret", async () => {
            const v = await settle(pulumi.secret(42));
            assert.deepEqual(v, { value: 42, secret: true });
        });
    });
});
