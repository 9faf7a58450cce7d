/** The warm standby's rules, and the DNS cutover a primary takes to hand its names to the standby's failover pair. */
import { cidrsOverlap } from "../../cidr";
import { SERVICE_NAMES } from "../constants";
import { Resolved } from "../resolve";
import { Problem } from "../problems";
import { LastDeployment } from "../validate";

export function standbyProblems(c: Resolved, last: LastDeployment = {}): Problem[] {
    const problems: Problem[] = [];
    const add = (path: string, message: string, value: unknown, ...reads: string[]) => problems.push({ path, message, value, reads });
    const s = c.standby;
    if (c.purpose !== "standby") {
        if (s) add("standby", "applies only to purpose standby (a warm standby stack of its own)", undefined, "purpose");
    } else if (!s) {
        add("standby", "is required when purpose is standby: at least primaryStack, primaryRegion and primaryCidr", undefined, "purpose");
    } else {
        // Survives the loss of the primary's region only from another region.
        if (s.primaryRegion === c.region)
            add("standby.primaryRegion", `must differ from the standby's own aws:region (${c.region}): a standby in the primary's region does not survive its loss`, s.primaryRegion, "aws:region");
        // The cross-region path to the replica set is a peering of the two VPCs (MongoDB Atlas
        // "Learn About Private Endpoints": reach the other regions' endpoints, e.g. by peering the
        // VPCs), and AWS refuses to peer overlapping ranges (VPC peering "Limitations").
        if (cidrsOverlap(c.network.cidr, s.primaryCidr))
            add("network.cidr", `must not overlap the primary's VPC (standby.primaryCidr ${s.primaryCidr}): the two VPCs must be able to peer, and AWS refuses to peer overlapping ranges`, c.network.cidr, "standby.primaryCidr");
        for (const name of SERVICE_NAMES)
            if (s.warmInstances[name] > c[name].maxInstances)
                add(`standby.warmInstances.${name}`, `must not exceed ${name}.maxInstances (${c[name].maxInstances}), the ceiling the standby shares with the primary`, s.warmInstances[name], `${name}.maxInstances`);
        if (s.failoverRecords && !c.loadBalancer.hostedZoneId)
            add("standby.failoverRecords", "needs loadBalancer.hostedZoneId: the failover pair lives in the domain's hosted zone", s.failoverRecords, "loadBalancer.hostedZoneId");
        // The standby works on the primary's cluster (read through the stack reference): it declares none.
        if (c.atlas.orgId || c.atlas.projectId)
            add("atlas", "must name no orgId or projectId on a standby: it joins the primary's Atlas project, which it reads from the primary stack", c.atlas.orgId ?? c.atlas.projectId, "atlas.orgId", "atlas.projectId");
        if (c.atlas.restore) add("atlas.restore", "does not apply to a standby: it has no cluster of its own (restore into the primary's)", c.atlas.restore, "purpose");
        if (!c.atlas.privateLink)
            add("atlas.privateLink", "must be true on a standby: it reaches the primary's cluster through a private endpoint in its own region (one per region with nodes)", c.atlas.privateLink, "purpose");
        if (c.rotation.database !== undefined)
            add("rotation.database", "is not available on a standby yet: rotate its database user by replacing it (README \"Region loss\")", c.rotation.database);
        if (c.loadBalancer.dnsRecords !== "alias")
            add("loadBalancer.dnsRecords", "does not apply to a standby: its names are the failover pair (standby.failoverRecords)", c.loadBalancer.dnsRecords, "purpose");
    }
    // Handing admin.<domain> and api.<domain> to the standby's failover pair deletes this stack's
    // simple records first: Route 53 refuses a failover record next to a non-failover record of the
    // same name and type (Route 53 API Reference, ResourceRecordSet "Failover"), so the names do not
    // resolve until the standby's next `pulumi up` creates the pair. A DNS cutover: only when asked.
    const cutover = c.loadBalancer.dnsRecords === "standby" && last.dnsRecords === "alias";
    if (cutover && !c.loadBalancer.dnsCutoverAcknowledged)
        add("loadBalancer.dnsRecords", "is a DNS cutover on this deployed stack: the next pulumi up deletes the simple records admin.<domain> and api.<domain>, which do not resolve until the standby's pulumi up creates the failover pair. Plan the window (README \"DNS cutover\") and set loadBalancer.dnsCutoverAcknowledged true in the same change", c.loadBalancer.dnsRecords, "loadBalancer.dnsCutoverAcknowledged");
    return problems;
}
