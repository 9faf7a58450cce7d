/** What an edit changes: the run with the edit against the run of the stack file as it is. */
import { RecordedResource, Run, isSecretInput } from "../../tests/harness";

/**
 * Inputs whose change replaces the resource (delete and create, or a new revision), by type, as
 * the providers declare them; "*" means every input but those listed after it.
 * - aws:ecs/taskDefinition: every argument but tags and skip_destroy is ForceNew (a task definition
 *   revision is immutable): hashicorp/terraform-provider-aws internal/service/ecs/task_definition.go,
 *   ResourceTaskDefinition schema (`track_latest`, added later, is not ForceNew either).
 * - mongodbatlas advancedCluster: `project_id` and `name` use RequiresReplace:
 *   mongodb/terraform-provider-mongodbatlas internal/service/advancedcluster/schema.go.
 * - mongodbatlas alertConfiguration: `project_id` RequiresReplace: internal/service/alertconfiguration/resource.go.
 * - aws:elasticache/replicationGroup: `replication_group_id`, `port`, `at_rest_encryption_enabled`,
 *   `kms_key_id`, `subnet_group_name`, `snapshot_arns`, `snapshot_name`, `data_tiering_enabled`
 *   are ForceNew: terraform-provider-aws internal/service/elasticache/replication_group.go
 *   (ResourceReplicationGroup schema, read at commit 16a38e6). That version also forced a new group
 *   on `engine` and `transit_encryption_enabled`, which later versions update in place (redis →
 *   valkey, TLS modes), so those two are not listed here: unverified for the version in use.
 * - aws:ec2/vpc:Vpc `cidr_block` and aws:ec2/subnet:Subnet `cidr_block`, `availability_zone`,
 *   `availability_zone_id`, `vpc_id` are ForceNew: terraform-provider-aws internal/service/ec2/vpc_.go
 *   (ResourceVPC) and vpc_subnet.go (resourceSubnet). `network.cidr` and `network.availabilityZones`
 *   reach them, and a new VPC takes every subnet, security group, NAT gateway and endpoint with it.
 * Any other change is shown as an update: the provider may still replace (`pulumi preview` says so),
 * and a replaced resource's new id changes what refers to it, which this diff does not follow
 * (the mock engine keeps ids stable); the plan prints both caveats with the diff.
 */
export const REPLACED_BY: Readonly<Record<string, readonly string[]>> = {
    "aws:ecs/taskDefinition:TaskDefinition": ["*", "tags", "tagsAll", "skipDestroy", "trackLatest"],
    "mongodbatlas:index/advancedCluster:AdvancedCluster": ["name", "projectId"],
    "mongodbatlas:index/alertConfiguration:AlertConfiguration": ["projectId"],
    "aws:elasticache/replicationGroup:ReplicationGroup": ["replicationGroupId", "port", "atRestEncryptionEnabled", "kmsKeyId", "subnetGroupName", "snapshotArns", "snapshotName", "dataTieringEnabled"],
    "aws:ec2/vpc:Vpc": ["cidrBlock"],
    "aws:ec2/subnet:Subnet": ["cidrBlock", "availabilityZone", "availabilityZoneId", "vpcId"],
    // terraform-provider-docker internal/provider/resource_docker_container.go: every input is ForceNew
    // but these (healthcheck: replaceOnChanges in components/docker.ts, since the update ignores it).
    "docker:index/container:Container": [
        "*", "rm", "start", "wait", "waitTimeout", "attach", "logs", "mustRun", "restart", "maxRetryCount", "removeVolumes", "tmpfs",
        "deviceReadBps", "deviceReadIops", "deviceWriteBps", "deviceWriteIops", "destroyGraceSeconds", "memory", "memoryReservation",
        "memorySwap", "cpuShares", "cpuSet", "healthcheck", "containerReadRefreshTimeoutMilliseconds", "init", "cpuPeriod", "cpuQuota",
    ],
    // resource_docker_network.go, resource_docker_volume.go, resource_docker_image.go: name, driver, internal, pull_triggers ForceNew.
    "docker:index/network:Network": ["name", "driver", "internal", "ipamConfigs", "options", "attachable", "ingress", "ipamDriver", "ipamOptions", "labels", "ipv6"],
    "docker:index/volume:Volume": ["name", "driver", "driverOpts", "labels"],
    "docker:index/remoteImage:RemoteImage": ["name", "pullTriggers", "triggers", "platform"],
};

/** The resource types whose replacing inputs the plan knows, as a reader would name them. */
export const KNOWN_REPLACEMENTS = "task definitions, the cache, the Atlas cluster and alerts, the VPC and subnets";
/** The same, for a local stack (purpose local). */
export const KNOWN_LOCAL_REPLACEMENTS = "Docker containers (nearly every input), networks, volumes and images";

export interface Change {
    kind: "add" | "remove" | "replace" | "update";
    type: string;
    name: string;
    /** Changed input paths, each "path: before → after" (a secret input: "path: [secret] changed"). */
    fields: string[];
}

/** Leaf paths of a value; JSON text is read as JSON, and a list of named objects is keyed by name (environment, secrets). */
function leaves(value: unknown, at: string, out: Map<string, unknown>): Map<string, unknown> {
    if (typeof value === "string" && /^\s*[[{]/.test(value)) {
        try {
            return leaves(JSON.parse(value), at, out);
        } catch {
            /* plain text */
        }
    }
    if (Array.isArray(value) && value.length && value.every((v) => v && typeof v === "object" && typeof v.name === "string")) {
        for (const v of value) leaves(v.value !== undefined && Object.keys(v).length === 2 ? v.value : v, `${at}[${v.name}]`, out);
        return out;
    }
    if (Array.isArray(value)) {
        if (value.every((v) => v === null || typeof v !== "object")) out.set(at, JSON.stringify(value));
        else value.forEach((v, i) => leaves(v, `${at}[${i}]`, out));
        return out;
    }
    if (value && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) leaves(v, at ? `${at}.${k}` : k, out);
        return out;
    }
    out.set(at, value);
    return out;
}

/** What the plan prints in place of a value only `pulumi up` will know (`pulumi preview` shows such a value as unknown). */
export const KNOWN_AFTER_UP = "(known after pulumi up)";

const brief = (v: unknown) => {
    const text = v === undefined ? "(none)" : typeof v === "string" ? v : JSON.stringify(v);
    return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

/**
 * What `after` changes against `before`: resources added, removed, replaced or updated, and their
 * changed inputs. An input computed from a resource the edit replaces (a service's task definition
 * ARN) gets a value only `pulumi up` knows: the mock engine's stand-in is not printed for it.
 */
export function diffRuns(before: Run, after: Run): Change[] {
    const key = (r: RecordedResource) => r.urn;
    const old = new Map(before.resources.filter((r) => r.custom).map((r) => [key(r), r]));
    const now = new Map(after.resources.filter((r) => r.custom).map((r) => [key(r), r]));
    // First what each kept resource changes, and whether that replaces it; then the fields, which
    // depend on what the others replace.
    const compared = [...now].flatMap(([urn, r]) => {
        const was = old.get(urn);
        if (!was) return [];
        const [a, b] = [leaves(was.inputs, "", new Map()), leaves(r.inputs, "", new Map())];
        const paths = [...new Set([...a.keys(), ...b.keys()])].filter((p) => JSON.stringify(a.get(p)) !== JSON.stringify(b.get(p))).sort();
        if (!paths.length) return [];
        const rule = REPLACED_BY[r.type] ?? [];
        const replaces = (field: string) => (rule[0] === "*" ? !rule.slice(1).includes(field) : rule.includes(field)) || r.replaceOnChanges.includes(field) || r.replaceOnChanges.includes("*");
        return [{ r, was, a, b, paths, replaced: paths.some((p) => replaces(topField(p))) }];
    });
    const replacedUrns = new Set(compared.filter((c) => c.replaced).map((c) => c.r.urn));
    const changes: Change[] = [...now].filter(([urn]) => !old.has(urn)).map(([, r]) => ({ kind: "add" as const, type: r.type, name: r.name, fields: [] }));
    for (const { r, was, a, b, paths, replaced } of compared) {
        const secret = (p: string) => isSecretInput(r, topField(p)) || isSecretInput(was, topField(p));
        const unknown = (p: string) => (r.propertyDependencies?.[topField(p)] ?? []).some((urn) => replacedUrns.has(urn));
        changes.push({
            kind: replaced ? "replace" : "update",
            type: r.type,
            name: r.name,
            fields: paths.map((p) => (secret(p) ? `${p}: [secret] changed` : `${p}: ${brief(a.get(p))} → ${unknown(p) ? KNOWN_AFTER_UP : brief(b.get(p))}`)),
        });
    }
    for (const [urn, r] of old) if (!now.has(urn)) changes.push({ kind: "remove", type: r.type, name: r.name, fields: [] });
    const order = { remove: 0, replace: 1, add: 2, update: 3 };
    return changes.sort((x, y) => order[x.kind] - order[y.kind] || x.type.localeCompare(y.type) || x.name.localeCompare(y.name));
}

/** The input a leaf path belongs to (`containerDefinitions[admin].image` → `containerDefinitions`). */
const topField = (path: string) => path.split(/[.[]/)[0];

/**
 * ECS service inputs whose update starts a new deployment: ECS API UpdateService ("For services
 * using the rolling update (ECS) you can update … network configuration, load balancers, service
 * registries, … and task definition. When you update any of these parameters, Amazon ECS starts new
 * tasks with the new configuration"; forceNewDeployment and a new platform version likewise). The
 * desired count scales without replacing running tasks, and the deployment configuration changes
 * only how the next deployment runs.
 */
export const ROLLING_SERVICE_INPUTS: readonly string[] = ["taskDefinition", "networkConfiguration", "loadBalancers", "serviceRegistries", "platformVersion", "forceNewDeployment", "volumeConfiguration", "capacityProviderStrategies"];

/** The services the edit rolls (ECS starts new tasks, then stops the old): a replaced task definition, or a service input that starts a deployment. */
export function rollingServices(changes: Change[]): string[] {
    const rolls = changes.filter(
        (c) =>
            (c.kind === "replace" && c.type === "aws:ecs/taskDefinition:TaskDefinition") ||
            (c.kind === "update" && c.type === "aws:ecs/service:Service" && c.fields.some((f) => ROLLING_SERVICE_INPUTS.includes(f.split(/[.[:]/)[0]))),
    );
    return [...new Set(rolls.map((c) => c.name.replace(/^pg-/, "")))].sort();
}
