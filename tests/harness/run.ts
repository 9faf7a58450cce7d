/** What a run of the program recorded, and the queries the tests ask of it. */
import type { Resource as PolicyView } from "../../policy/rules";
import { AssembledConfig } from "./config";

export interface RecordedResource {
    type: string;
    name: string;
    urn: string;
    /** URN of the parent (the stack for top-level resources). */
    parent: string;
    custom: boolean;
    /** Inputs with secrets unwrapped. */
    inputs: Record<string, any>;
    /** Dotted paths of the inputs that were secret (e.g. "secretString", "containerDefinitions"). */
    secretInputs: string[];
    /** Outputs the mock returned, secrets unwrapped. */
    outputs: Record<string, any>;
    id: string;
    protect: boolean;
    ignoreChanges: string[];
    replaceOnChanges: string[];
    deleteBeforeReplace: boolean;
    retainOnDelete: boolean;
    additionalSecretOutputs: string[];
    /** Aliases: URNs (or, as structured specs, names) this resource was known by before. */
    aliases: string[];
    /** URNs from the `dependsOn` option: dependencies that no input accounts for. */
    dependsOn: string[];
    /** Every dependency the engine sees: `dependsOn` and the resources inputs were computed from. */
    dependencies: string[];
    /** Input name → URNs of the resources that input was computed from. */
    propertyDependencies: Record<string, string[]>;
    /** The customTimeouts option, as set (e.g. { update: "51m" }); undefined without one. */
    customTimeouts?: { create?: string; update?: string; delete?: string };
    provider: string;
}

export interface Invocation {
    token: string;
    inputs: Record<string, any>;
    /** The provider reference the invoke was made with ("" for the default provider). */
    provider: string;
}

/** Whether the input at dotted `path` was secret (itself, or inside a secret object or list). */
export function isSecretInput(r: RecordedResource, path: string): boolean {
    return r.secretInputs.some((p) => p === "" || path === p || path.startsWith(`${p}.`));
}

/**
 * Outputs the mock engine invents that exist only once `pulumi up` has created the resource: a real
 * `pulumi preview` shows them as unknown (output<string>). By type, the output fields (mockOutputs
 * below makes them up: FIS template ids EXT…, the Atlas project id, Elastic IP addresses, …).
 */
export const APPLY_TIME_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
    "aws:fis/experimentTemplate:ExperimentTemplate": ["id"],
    "mongodbatlas:index/project:Project": ["id"],
    "aws:ec2/eip:Eip": ["id", "publicIp"],
    "aws:ec2/natGateway:NatGateway": ["id"],
    "aws:ec2/vpc:Vpc": ["id"],
    "aws:ec2/subnet:Subnet": ["id"],
    "aws:lb/loadBalancer:LoadBalancer": ["dnsName"],
    "aws:elasticache/replicationGroup:ReplicationGroup": ["primaryEndpointAddress", "readerEndpointAddress"],
    "mongodbatlas:index/advancedCluster:AdvancedCluster": ["clusterId", "connectionStrings"],
    "docker:index/image:Image": ["repoDigest"],
    "docker:index/remoteImage:RemoteImage": ["id", "imageId"],
    "docker:index/container:Container": ["id"],
};

/** The string leaves of a value (and the host of each URL among them). */
function stringLeaves(value: unknown): string[] {
    if (typeof value === "string") {
        const host = /^[a-z+]+:\/\/([^/:?]+)/.exec(value)?.[1];
        return host ? [value, host] : [value];
    }
    if (Array.isArray(value)) return value.flatMap(stringLeaves);
    if (value && typeof value === "object") return Object.values(value).flatMap(stringLeaves);
    return [];
}

export class Run {
    constructor(
        readonly stack: string,
        readonly config: AssembledConfig,
        readonly resources: RecordedResource[],
        readonly invokes: Invocation[],
        /** Stack outputs, secrets unwrapped. */
        readonly outputs: Record<string, any>,
        /** Names of the stack outputs that are secret. */
        readonly secretOutputs: string[],
        /** The last deployment's outputs the run was given (RunOptions.previous). */
        readonly previous: Record<string, unknown> = {},
        /** The options the run was made with (what `later` repeats). */
        readonly options: RunOptions = { stack },
    ) {}

    /** The run of the stack file as it is, when this run applied --set edits (the plan's cost difference). */
    baseline?: Run;

    /**
     * The values in this run that only `pulumi up` will know (APPLY_TIME_OUTPUTS), longest first:
     * whatever prints them must say so instead of passing the mock's stand-ins off as real.
     */
    knownAfterUp(): string[] {
        const values = this.resources.flatMap((r) => (APPLY_TIME_OUTPUTS[r.type] ?? []).flatMap((field) => stringLeaves(field === "id" ? r.id : r.outputs[field])));
        return [...new Set(values.filter((v) => v.length >= 6))].sort((a, b) => b.length - a.length || a.localeCompare(b));
    }

    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** The single resource of `type` (named `name` when given); throws when there is not exactly one. */
    one(type: string, name?: string): RecordedResource {
        const found = this.ofType(type).filter((r) => name === undefined || r.name === name);
        if (found.length !== 1)
            throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${this.ofType(type).map((r) => r.name).join(", ")}`);
        return found[0];
    }

    byUrn(urn: string): RecordedResource {
        const found = this.resources.find((r) => r.urn === urn);
        if (!found) throw new Error(`no resource ${urn}`);
        return found;
    }

    /** Resources whose parent chain includes `ancestor`. */
    descendants(ancestor: RecordedResource): RecordedResource[] {
        const within = (r: RecordedResource): boolean => {
            const parent = this.resources.find((p) => p.urn === r.parent);
            return !!parent && (parent.urn === ancestor.urn || within(parent));
        };
        return this.resources.filter(within);
    }

    /** The resources as the policy rules see them (inputs as props, as in a preview). */
    policyResources(): PolicyView[] {
        return this.resources.map((r) => ({
            type: r.type,
            name: r.name,
            urn: r.urn,
            props: r.inputs,
            protect: r.protect,
            parentType: this.resources.find((p) => p.urn === r.parent)?.type,
        }));
    }

    /** All URNs that `r` depends on: explicit dependsOn and property dependencies. */
    dependenciesOf(r: RecordedResource): Set<string> {
        return new Set(r.dependencies);
    }
}

export interface RunOptions {
    stack: string;
    /** Config overrides by key path, e.g. { "main.instances": 3 }; undefined removes a key. */
    set?: Record<string, unknown>;
    /** Run as `pulumi preview` (apply callbacks on unknowns do not run). Default false. */
    preview?: boolean;
    /** Program to run instead of index.ts (the harness's own tests use a fixture). */
    program?: string;
    /**
     * Directory of another Pulumi project in the repository (its Pulumi.yaml, stack files and
     * index.ts), e.g. `bootstrap/`. Default: the gateway at the repository root.
     */
    project?: string;
    /**
     * The stack's outputs from its last deployment, as `pulumi stack output --json` prints them
     * (what the program reads back through a reference to its own stack). Default: never deployed.
     */
    previous?: Record<string, unknown>;
    /**
     * The outputs of other stacks of the project, by stack name, as a stack reference reads them
     * from the backend (a standby's primary). Default: none (a reference to another stack reads nothing).
     */
    references?: Record<string, Record<string, unknown>>;
    /** Zones the region reports in a state other than available (impaired, unavailable, constrained). Default none. */
    unavailableZones?: string[];
    /**
     * The program's clock for this run (ms since the epoch; lib/clock.ts). Default: the real clock.
     * A later `pulumi up` rehearsed days after the last one moves it forward (see `later`).
     */
    now?: number;
    /**
     * What the cloud answers to a data-source invoke at this moment, by token (e.g. an ECS service's
     * current task definition, an Atlas restore job's state): overrides the harness's default answer.
     * By resource type (docker:index/container:Container), what it answers for a created resource's
     * outputs, merged over the harness's (e.g. the exit code a one-shot container ended with).
     */
    answers?: Record<string, (inputs: Record<string, any>) => Record<string, any>>;
}
/** Thrown when the program fails; carries what was registered before the failure. */
export class ProgramError extends Error {
    constructor(readonly cause: unknown, readonly resources: RecordedResource[]) {
        super(cause instanceof Error ? cause.message : String(cause));
    }
}
