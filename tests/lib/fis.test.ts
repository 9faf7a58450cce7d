import { strict as assert } from "assert";
import { FIS_MAX_RESOURCE_ARNS, fisActionProblems, fisTargetProblems, percentSelected, percentSelectsOne } from "../../lib/fis";

const subnetArn = (i: number) => `arn:aws:ec2:us-east-1:123456789012:subnet/subnet-${i}`;
const cut = { actionId: "aws:network:disrupt-connectivity", parameters: [{ key: "duration", value: "PT10M" }, { key: "scope", value: "all" }], target: { key: "Subnets", value: "subnets" } };

describe("FIS targets and actions (lib/fis.ts)", () => {
    it("refuses resource ARNs beside a filter, as FIS does", () => {
        const target = { name: "subnets", resourceType: "aws:ec2:subnet", resourceArns: [subnetArn(1), subnetArn(2)], filters: [{ path: "AvailabilityZone" }], selectionMode: "ALL" };
        assert.ok(fisTargetProblems(target).some((p) => /lists resource ARNs and filters: FIS refuses a resource ID and a resource filter/.test(p)));
        assert.ok(fisActionProblems(cut, [target]).length > 0);
    });

    it("refuses more resource ARNs than a target takes, and ARNs beside tags", () => {
        const many = { name: "subnets", resourceType: "aws:ec2:subnet", resourceArns: Array.from({ length: FIS_MAX_RESOURCE_ARNS + 1 }, (_, i) => subnetArn(i)), selectionMode: "ALL" };
        assert.deepEqual(fisTargetProblems(many), [`target subnets lists 6 resource ARNs; a target takes at most 5`]);
        assert.deepEqual(fisTargetProblems({ ...many, resourceArns: many.resourceArns.slice(0, 5) }), []);
        const both = { name: "t", resourceType: "aws:ecs:task", resourceArns: ["arn:aws:ecs:us-east-1:1:task/c/1"], resourceTags: [{ key: "k", value: "v" }], selectionMode: "ALL" };
        assert.ok(fisTargetProblems(both).some((p) => /resource ARNs and tags: only one/.test(p)));
    });

    it("accepts only the documented ways to select subnets, tasks and replication groups", () => {
        const ok = [
            { name: "s", resourceType: "aws:ec2:subnet", parameters: { availabilityZoneIdentifier: "us-east-1a", vpc: "vpc-1" }, selectionMode: "ALL" },
            { name: "s", resourceType: "aws:ec2:subnet", resourceTags: [{ key: "k", value: "v" }], filters: [{ path: "AvailabilityZone" }], selectionMode: "ALL" },
            { name: "t", resourceType: "aws:ecs:task", parameters: { cluster: "c", service: "s" }, selectionMode: "PERCENT(50)" },
            { name: "t", resourceType: "aws:ecs:task", resourceTags: [{ key: "k", value: "v" }], filters: [{ path: "AvailabilityZone" }], selectionMode: "ALL" },
            { name: "c", resourceType: "aws:elasticache:replicationgroup", resourceTags: [{ key: "k", value: "v" }], parameters: { availabilityZoneIdentifier: "us-east-1a" }, selectionMode: "ALL" },
        ];
        for (const t of ok) assert.deepEqual(fisTargetProblems(t), [], JSON.stringify(t));
        const undocumented: [object, RegExp][] = [
            // Tags together with cluster and service: not a form the user guide shows.
            [{ name: "t", resourceType: "aws:ecs:task", resourceTags: [{ key: "k", value: "v" }], parameters: { cluster: "c", service: "s" }, selectionMode: "ALL" }, /selects aws:ecs:task by tags with parameters cluster, service, which FIS does not document/],
            // The zone without the VPC would cut every VPC's subnets in the zone.
            [{ name: "s", resourceType: "aws:ec2:subnet", parameters: { availabilityZoneIdentifier: "us-east-1a" }, selectionMode: "ALL" }, /by parameters with parameters availabilityZoneIdentifier, which FIS does not document/],
            [{ name: "c", resourceType: "aws:elasticache:replicationgroup", resourceArns: ["arn:aws:elasticache:us-east-1:1:replicationgroup:x"], selectionMode: "ALL" }, /aws:elasticache:replicationgroup by arns/],
            [{ name: "t", resourceType: "aws:ecs:task", selectionMode: "ALL" }, /names no resource ARNs, tags or parameters/],
            [{ name: "t", resourceType: "aws:ecs:task", parameters: { cluster: "c", service: "s" }, selectionMode: "PERCENT(0)" }, /selection mode PERCENT\(0\)/],
        ];
        for (const [t, message] of undocumented) assert.ok(fisTargetProblems(t as never).some((p) => message.test(p)), `${JSON.stringify(t)}: ${fisTargetProblems(t as never)}`);
    });

    it("checks an action's parameters, scope, target key and resource type", () => {
        const subnets = { name: "subnets", resourceType: "aws:ec2:subnet", parameters: { availabilityZoneIdentifier: "us-east-1a", vpc: "vpc-1" }, selectionMode: "ALL" };
        assert.deepEqual(fisActionProblems(cut, [subnets]), []);
        assert.deepEqual(fisActionProblems({ ...cut, parameters: [{ key: "scope", value: "everything" }] }, [subnets]), ["aws:network:disrupt-connectivity scope everything is not one of all, availability-zone, dynamodb, prefix-list, s3, s3express, vpc"]);
        // Every scope and parameter the actions reference documents is accepted.
        for (const scope of ["vpc", "s3express"]) assert.deepEqual(fisActionProblems({ ...cut, parameters: [{ key: "scope", value: scope }] }, [subnets]), [], scope);
        const prefixList = [{ key: "scope", value: "prefix-list" }, { key: "prefixListIdentifier", value: "pl-0123456789abcdef0" }];
        assert.deepEqual(fisActionProblems({ ...cut, parameters: prefixList }, [subnets]), []);
        assert.deepEqual(fisActionProblems({ ...cut, target: { key: "Tasks", value: "subnets" } }, [subnets]), ["aws:network:disrupt-connectivity takes its target as Subnets"]);
        assert.deepEqual(fisActionProblems(cut, [{ ...subnets, resourceType: "aws:ecs:task" }]).slice(0, 1), ["aws:network:disrupt-connectivity acts on aws:ec2:subnet, not aws:ecs:task"]);
    });

    it("knows when a percentage selects less than one resource", () => {
        assert.equal(percentSelectsOne(50, 1), false);
        assert.equal(percentSelectsOne(25, 2), false);
        assert.equal(percentSelectsOne(50, 2), true);
        assert.equal(percentSelectsOne(25, 4), true);
        // FIS rounds down: 50% of 5 is 2, 99% of 3 is 2, only 100% is all.
        assert.deepEqual([percentSelected(50, 5), percentSelected(99, 3), percentSelected(100, 3)], [2, 2, 3]);
    });
});
