/**
 * Reads the stack's `payment-gateway:*` config as the Pulumi CLI hands it to the program and
 * validates it (lib/config.ts) before anything is declared. Declares no resources.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Config, ConfigError, PROJECT, offeredZoneProblems, validateConfig } from "./config";

/** The raw values of every `payment-gateway:*` key, objects and arrays parsed from their JSON form. */
export function readRawConfig(): Record<string, unknown> {
    return rawConfigFrom(pulumi.runtime.allConfig());
}

/** `payment-gateway:*` entries of a namespaced key → string map (as the CLI passes config), parsed. */
export function rawConfigFrom(all: Record<string, string>): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(all)) {
        if (!key.startsWith(`${PROJECT}:`)) continue;
        raw[key.slice(PROJECT.length + 1)] = parseValue(value);
    }
    return raw;
}

function parseValue(value: string): unknown {
    // Structured values reach the program as JSON; plain values as strings.
    if (/^\s*[[{]/.test(value)) {
        try {
            return JSON.parse(value);
        } catch {
            return value;
        }
    }
    return value;
}

/**
 * The validated config. A bad config stops the program here with every problem listed; as a
 * RunError it prints without a stack trace under the Pulumi CLI.
 */
export function loadConfig(): Config {
    try {
        return validateConfig(readRawConfig(), new pulumi.Config("aws").get("region"), pulumi.getStack(), Date.now());
    } catch (e) {
        if (e instanceof ConfigError) throw new StackConfigError(e);
        throw e;
    }
}

/**
 * The zones the stack spreads over, checked against the zones the region really has for this
 * account (invokes, no resource): a named zone, the zone count or the drill zone the region or the
 * stack does not have stops the program here, each problem naming its key, before anything is
 * declared. Also each zone's id (use1-az1), which ARC zonal shift takes.
 */
export async function loadStackZones(config: Config): Promise<{ stackZones: string[]; zoneIds: Record<string, string> }> {
    // Every zone, whatever its state (existence), and the available ones (the default choice, as components/network.ts makes it).
    const [existing, available] = await Promise.all([aws.getAvailabilityZones({}), aws.getAvailabilityZones({ state: "available" })]);
    const { problems, stackZones } = offeredZoneProblems(config, existing.names, available.names);
    if (problems.length) throw new StackConfigError(new ConfigError(problems));
    return { stackZones, zoneIds: Object.fromEntries(existing.names.map((name, i) => [name, existing.zoneIds[i]])) };
}

export class StackConfigError extends pulumi.RunError {
    readonly problems: ConfigError["problems"];
    constructor(cause: ConfigError) {
        super(cause.message);
        this.problems = cause.problems;
    }
}

/**
 * What the stack's last deployment recorded in its outputs, read back through a reference to the
 * stack itself (nothing before the first deployment). `deployed` tells a stack that has run before.
 */
export async function previousOutputs(names: string[]): Promise<{ deployed: boolean; outputs: Record<string, unknown> }> {
    const self = new pulumi.StackReference(`${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`);
    const read = async (name: string) => (await self.getOutputDetails(name)).value;
    const values = await Promise.all(names.map(async (name) => [name, await read(name)] as const));
    return { deployed: (await read("environment")) !== undefined, outputs: Object.fromEntries(values.filter(([, v]) => v !== undefined)) };
}
