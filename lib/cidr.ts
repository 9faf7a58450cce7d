/** IPv4 CIDR arithmetic for carving subnets. Plain functions, no resources. */

export function parseCidr(cidr: string): { base: number; prefix: number } {
    const [ip, prefix] = cidr.split("/");
    const base = ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
    return { base, prefix: Number(prefix) };
}

export function formatCidr(base: number, prefix: number): string {
    const octets = [24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256);
    return `${octets.join(".")}/${prefix}`;
}

/** The `index`-th subnet of `cidr` that is `newBits` longer (Terraform's cidrsubnet). */
export function cidrSubnet(cidr: string, newBits: number, index: number): string {
    const { base, prefix } = parseCidr(cidr);
    const subPrefix = prefix + newBits;
    if (subPrefix > 32) throw new Error(`${cidr} cannot be split into /${subPrefix} subnets`);
    if (index < 0 || index >= 2 ** newBits) throw new Error(`${cidr} has no subnet ${index} of /${subPrefix}`);
    const networkBase = base - (base % 2 ** (32 - prefix));
    return formatCidr(networkBase + index * 2 ** (32 - subPrefix), subPrefix);
}

/**
 * Subnets for `azCount` zones: the VPC is cut into 16 equal blocks; private subnets (tasks, cache,
 * endpoints) take blocks 0–7 and public subnets (load balancer, NAT) blocks 8–13, one per zone,
 * so adding a zone later never renumbers an existing subnet. With the egress firewall
 * (lib/egress.ts), block 14 holds the load balancer's own subnets (`ingress`, a sixteenth of the
 * block each, but never under the /27 an ALB subnet needs: Elastic Load Balancing User Guide,
 * "Subnets for your load balancer") and block 15 the firewall's (`firewall`, a 256th each: /28 in a /16, /24 at most
 * in a /20); zones never exceed 6 (network.azCount), so 13 is the last public block.
 */
export function subnetLayout(vpcCidr: string, azCount: number): { private: string[]; public: string[]; ingress: string[]; firewall: string[] } {
    if (azCount < 1 || azCount > 6) throw new Error(`azCount must be 1–6; got ${azCount}`);
    const zones = Array.from({ length: azCount }, (_, i) => i);
    return {
        private: zones.map((i) => cidrSubnet(vpcCidr, 4, i)),
        public: zones.map((i) => cidrSubnet(vpcCidr, 4, 8 + i)),
        ingress: zones.map((i) => cidrSubnet(cidrSubnet(vpcCidr, 4, 14), Math.min(4, 27 - (parseCidr(vpcCidr).prefix + 4)), i)),
        firewall: zones.map((i) => cidrSubnet(cidrSubnet(vpcCidr, 4, 15), Math.min(8, 28 - (parseCidr(vpcCidr).prefix + 4)), i)),
    };
}

/** Whether two IPv4 blocks share an address (one contains the other's network address). */
export function cidrsOverlap(a: string, b: string): boolean {
    const x = parseCidr(a);
    const y = parseCidr(b);
    const prefix = Math.min(x.prefix, y.prefix);
    const block = 2 ** (32 - prefix);
    return Math.floor(x.base / block) === Math.floor(y.base / block);
}
