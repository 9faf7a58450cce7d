/**
 * payment-gateway: the gateway's high-availability topology on AWS and MongoDB Atlas.
 *
 *   internet ──HTTPS──▶ ALB ──admin.<domain> (sticky)──▶ admin ┐
 *                          └──api.<domain>────────────▶ main  ├─▶ Atlas replica set (PrivateLink)
 *                                            worker (queue) ◀─┘─▶ ElastiCache (Multi-AZ failover)
 *
 * Config is validated before anything is declared (lib/config.ts).
 */
import { loadConfig } from "./lib/stackConfig";
import { Network } from "./components/network";

const config = loadConfig();

const network = new Network("pg", {
    cidr: config.network.cidr,
    azCount: config.network.azCount,
    availabilityZones: config.network.availabilityZones,
    natGateways: config.network.natGateways,
    interfaceEndpoints: config.network.interfaceEndpoints,
    region: config.region,
});

export const environment = config.environment;
export const vpcId = network.vpcId;
export const region = config.region;
export const domain = config.domain;
/** Per service: desired and maximum instances, task size, image. */
export const services = Object.fromEntries(
    (["admin", "main", "worker"] as const).map((name) => {
        const s = config[name];
        return [name, { instances: s.instances, maxInstances: s.maxInstances, cpu: s.cpu, memory: s.memory, image: s.image ?? `build:${s.build!.context}` }];
    }),
);
