/** Region rules: the zones a region offers and where its services live. */
import { z } from "zod";
import { AWS_REGION_ZONES } from "../../limits";
import { Resolved } from "../resolve";
import { formatPath, Problem } from "../problems";

/** What the stack's region decides: its zones, and where a certificate must live. */
export function regionProblems(c: Resolved): Problem[] {
    const problems: Problem[] = [];
    const add = (path: string, message: string, value: unknown, ...reads: string[]) => problems.push({ path, message, value, reads: ["aws:region", ...reads] });
    const zones = AWS_REGION_ZONES[c.region];
    if (zones !== undefined && c.network.azCount > zones)
        add("network.azCount", `must be at most ${zones}: ${c.region} offers every account ${zones} availability zones`, c.network.azCount);
    const inRegion = (zone: string) => new RegExp(`^${c.region}[a-z]$`).test(zone);
    const drillZone = c.drills.zone;
    if (drillZone && !inRegion(drillZone)) add("drills.zone", `must be a zone of the stack's region ${c.region}`, drillZone);
    else if (drillZone && c.network.availabilityZones && !c.network.availabilityZones.includes(drillZone))
        add("drills.zone", `must be one of the stack's zones (network.availabilityZones: ${c.network.availabilityZones.join(", ")})`, drillZone, "network.availabilityZones");
    for (const [i, zone] of (c.network.availabilityZones ?? []).entries())
        if (!inRegion(zone)) add(formatPath(["network", "availabilityZones", i]), `must be a zone of the stack's region ${c.region} (${c.region}a, ${c.region}b, …)`, zone);
    const certRegion = c.loadBalancer.certificateArn?.split(":")[3];
    if (certRegion && certRegion !== c.region)
        add("loadBalancer.certificateArn", `must be a certificate in the load balancer's region ${c.region}, not ${certRegion} (an ALB uses certificates of its own region only)`, c.loadBalancer.certificateArn);
    return problems;
}

/**
 * What only the region itself can tell, checked at preview against the zones it really has for this
 * account (`aws.getAvailabilityZones`) before anything is declared: named zones that do not exist
 * there (subnet creation would fail half-way through `pulumi up`), more zones than it offers, and a
 * drill zone the stack does not use. A zone exists whatever its state: one that is impaired or
 * constrained right now (DescribeAvailabilityZones states available, information, impaired,
 * unavailable, constrained) is still the stack's, and refusing it would block every update during
 * the very event a rescale answers. Only the default choice reads the available ones, as the
 * network does. `stackZones` are the zones the stack spreads over: the named ones, or the first
 * `azCount` available.
 */
export function offeredZoneProblems(c: Resolved, existing: string[], available: string[] = existing): { problems: Problem[]; stackZones: string[] } {
    const problems: Problem[] = [];
    const add = (path: string, message: string, value: unknown, ...reads: string[]) => problems.push({ path, message, value, reads: ["aws:region", ...reads] });
    const listed = `${c.region} has for this account ${existing.join(", ") || "no zone"}`;
    const named = c.network.availabilityZones;
    for (const [i, zone] of (named ?? []).entries()) if (!existing.includes(zone)) add(formatPath(["network", "availabilityZones", i]), `is not a zone of the region: ${listed}`, zone);
    if (!named && c.network.azCount > available.length) add("network.azCount", `must be at most ${available.length}: ${c.region} has ${available.join(", ") || "no zone"} available for this account`, c.network.azCount);
    const stackZones = named ?? available.slice(0, c.network.azCount);
    const zone = c.drills.enabled ? c.drills.zone : undefined;
    if (zone && !existing.includes(zone)) add("drills.zone", `is not a zone of the region: ${listed}`, zone);
    else if (zone && !stackZones.includes(zone)) add("drills.zone", `must be one of the stack's zones (${stackZones.join(", ")})`, zone, "network.azCount", "network.availabilityZones");
    else if (zone && c.network.natGateways === "single" && zone === stackZones[0])
        add("drills.zone", `must not be ${zone}: it holds the stack's only NAT gateway (network.natGateways single), so its outage cuts every zone's egress; choose another of ${stackZones.join(", ")}`, zone, "network.natGateways");
    return { problems, stackZones };
}
