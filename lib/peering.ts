/**
 * VPC peering between the primary's VPC and the warm standby's: a plain module, no resources.
 *
 *   standby (requester, its region) ──CreateVpcPeeringConnection(PeerRegion)──▶ pcx ◀──AcceptVpcPeeringConnection── primary (accepter, its region)
 *   standby private subnets ──route: primary's private ranges → pcx──▶ primary's Atlas interface endpoint (and back)
 *
 * Why: without regionalized private endpoints (sharded clusters only: lib/regionLoss.ts), a client
 * reaches a replica-set member only through the interface endpoint in that member's region: "ensure
 * that [applications] can reach endpoints in the other regions … for example … peer the VPCs that
 * contain the endpoints" (MongoDB Atlas, "Learn About Private Endpoints"; MongoDB's multi-region
 * reference design routes "first over the VPC peering, and then over the private endpoint"). So
 * the standby's warm tasks reach a primary node still in the primary's region, and the primary's
 * tasks reach a primary node elected in the standby's region (an Atlas-only outage, the region
 * drill), only over this peering.
 *
 * Each side declares only what lives in its own region, so neither stack calls the other region's
 * APIs: the standby requests (its region), the primary accepts (its region); the connection id
 * crosses over in the standby's `peering` output, which the primary reads from the Pulumi backend.
 * Cross-region peering cannot be auto-accepted by the requester (terraform-provider-aws
 * internal/service/ec2/vpc_peering_connection.go, resourceVPCPeeringConnectionCreate: "`peer_region`
 * cannot be set whilst `auto_accept` is `true`"); the requester's create returns at
 * pending-acceptance (WaitVPCPeeringConnectionActive targets active or pending-acceptance).
 *
 * Routes and security-group rules name the peer's private subnets only, not its whole VPC (CIS AWS
 * Foundations, "routing tables for VPC peering are least access"): tasks and interface endpoints
 * live there. Security groups cannot reference a group across regions ("Update your security
 * groups to reference peer security groups": same Region only), hence ranges.
 */
import { cidrsOverlap } from "./cidr";
import { Problem } from "./config/problems";

/** One side of the peering as its stack records it (the standby's `peering` output; the primary's `regionLoss.network`). */
export interface PeerNetwork {
    vpcId: string;
    /** AWS region of the VPC. */
    region: string;
    /** The VPC's range (network.cidr). */
    cidr: string;
    /** Its private subnets' ranges: where tasks and the Atlas interface endpoint live. */
    privateSubnetCidrs: string[];
}

/** The standby's `peering` output: its side, and the connection it requested. */
export interface StandbyPeering extends PeerNetwork {
    connectionId: string;
    /** When the standby requested this connection (ISO 8601); absent from outputs written before it was recorded. */
    requestedAt?: string;
    /**
     * Set by the primary's read: the connection's status as EC2 reports it in the primary's region
     * ("not found" when EC2 lists none); the primary accepts it only when `acceptable`.
     */
    status?: string;
}

/**
 * "By default, requests expire after 7 days" (Amazon VPC Peering Guide, "Accept or reject a VPC
 * peering connection"): an expired request cannot be accepted, and the provider reads it as gone
 * (terraform-provider-aws internal/service/ec2 findVPCPeeringConnectionByID), so the accepter's
 * create fails. Only a refresh of the standby (resourceVPCPeeringConnectionRead drops it from the
 * state) lets its next update request a new one.
 */
export const PEERING_REQUEST_EXPIRY_DAYS = 7;

/** Whether a request made at `requestedAt` (ISO 8601) and not accepted has expired by `at` (ms). Unknown times never count as expired. */
export function requestExpired(requestedAt: string | undefined, at: number): boolean {
    const t = requestedAt ? Date.parse(requestedAt) : NaN;
    return Number.isFinite(t) && at - t >= PEERING_REQUEST_EXPIRY_DAYS * 86_400_000;
}

/**
 * The statuses of a connection an accepter can hold: one waiting for acceptance (the accepter's
 * create accepts it), one being provisioned or active (already accepted). The others (EC2 API
 * Reference, VpcPeeringConnectionStateReason: initiating-request, expired, rejected, failed,
 * deleted, deleting) cannot be accepted. The provider reads expired, rejected, failed and deleted
 * as gone (terraform-provider-aws internal/service/ec2 findVPCPeeringConnectionByID), so the
 * accepter's create fails and the standby's refresh forgets the request; initiating-request and
 * deleting it does not, they pass by themselves.
 */
export const ACCEPTABLE_STATUSES = ["pending-acceptance", "provisioning", "active"] as const;

export function acceptable(status: string | undefined): boolean {
    return (ACCEPTABLE_STATUSES as readonly string[]).includes(status ?? "");
}

/** The primary's advice for a connection it cannot accept (`status` as EC2 reports it there). */
export function unacceptableAdvice(p: StandbyPeering, status: string, standbyStack: string, primaryStack: string): string {
    // A request on its way to this region: it turns pending-acceptance (or failed) by itself
    // ("VPC peering connection lifecycle", Amazon VPC Peering Guide), and a refresh of the standby
    // would not forget it (findVPCPeeringConnectionByID keeps it): only running this stack again helps.
    if (status === "initiating-request")
        return `the VPC peering request ${p.connectionId} is initiating-request in this region (still being set up; it turns pending-acceptance or failed by itself): pulumi up --stack ${primaryStack} again in a few minutes`;
    const when = p.requestedAt ? ` (requested ${p.requestedAt.slice(0, 10)}; a request expires unaccepted after ${PEERING_REQUEST_EXPIRY_DAYS} days)` : "";
    // Deleting turns deleted by itself; until then the standby's refresh keeps it.
    const first = status === "deleting" ? "once it is deleted, " : "";
    return `the VPC peering request ${p.connectionId} is ${status} in this region${when} and cannot be accepted: ${first}pulumi up --refresh --stack ${standbyStack} (the refresh forgets it, the update requests a new one), then pulumi up --stack ${primaryStack} within ${PEERING_REQUEST_EXPIRY_DAYS} days`;
}

/** What the standby does about an expired request, in a sentence. */
export function expiredAdvice(connectionId: string, requestedAt: string, standbyStack: string, primaryStack: string): string {
    return `the VPC peering request ${connectionId} of ${requestedAt.slice(0, 10)} expired unaccepted (requests expire after ${PEERING_REQUEST_EXPIRY_DAYS} days): pulumi up --refresh --stack ${standbyStack} (the refresh forgets it, the update requests a new one), then pulumi up --stack ${primaryStack} within ${PEERING_REQUEST_EXPIRY_DAYS} days`;
}

/** The primary's record of the connection it accepted (`regionLoss.peering`). */
export interface AcceptedPeering {
    connectionId: string;
    /** The connection's status as the accepter read it back (active once accepted). */
    status: string;
}

const PCX = /^pcx-[0-9a-f]{8,17}$/;
const VPC = /^vpc-[0-9a-f]{8,17}$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

function isCidr(v: unknown): v is string {
    const m = typeof v === "string" ? CIDR.exec(v) : null;
    return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

/** Whether a recorded network side has the shape this program writes. */
export function isPeerNetwork(v: unknown): v is PeerNetwork {
    const n = v as Partial<PeerNetwork> | undefined;
    return !!n && typeof n === "object" && typeof n.vpcId === "string" && VPC.test(n.vpcId) && typeof n.region === "string" && isCidr(n.cidr)
        && Array.isArray(n.privateSubnetCidrs) && n.privateSubnetCidrs.length > 0 && n.privateSubnetCidrs.every(isCidr);
}

/**
 * The standby's `peering` output as the primary reads it, checked against the primary's own
 * config; undefined (and no problem) when the standby has not requested a connection yet (a
 * standby deployed by an earlier version). Every problem names the primary's key to fix.
 */
export function readStandbyPeering(value: unknown, want: { standbyStack: string; standbyRegion: string; cidr: string; tieBreakerCidrs: string[] }): { peering?: StandbyPeering; problems: Problem[] } {
    if (value === undefined || value === null) return { problems: [] };
    const p = value as Partial<StandbyPeering>;
    const id = p.connectionId;
    if (typeof id !== "string" || !PCX.test(id) || !isPeerNetwork(p))
        return { problems: [{ path: "regionLoss.standbyStack", message: `names a stack whose peering output is not one this program writes (connectionId, vpcId, region, cidr, privateSubnetCidrs): pulumi up ${want.standbyStack} with this program's version first`, value: want.standbyStack }] };
    const problems: Problem[] = [];
    if (p.region !== want.standbyRegion)
        problems.push({ path: "regionLoss.standbyRegion", message: `must be the standby's region: ${want.standbyStack} runs in ${p.region}`, value: want.standbyRegion });
    // AWS refuses a peering of overlapping ranges ("Amazon VPC peering: limitations": the CIDR blocks may not overlap), and routes could not tell them apart.
    for (const [path, own] of [["network.cidr", want.cidr], ...want.tieBreakerCidrs.map((c) => ["atlas.tieBreakerCidrs", c])] as const)
        if (cidrsOverlap(own, p.cidr)) problems.push({ path, message: `must not overlap the standby's network.cidr ${p.cidr} (${want.standbyStack}): AWS refuses to peer overlapping ranges`, value: own });
    return problems.length ? { problems } : { peering: p as StandbyPeering, problems };
}

/**
 * Whether the primary has accepted the connection this standby requested: the primary records the
 * connection it accepted and its status; this standby's own is the one its last update recorded.
 */
export function peeringAccepted(primary: AcceptedPeering | undefined, own: string | undefined): boolean {
    return !!primary && !!own && primary.connectionId === own && primary.status === "active";
}
