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
import { LoadBalancer } from "./components/loadBalancer";

const config = loadConfig();

const network = new Network("pg", {
    cidr: config.network.cidr,
    azCount: config.network.azCount,
    availabilityZones: config.network.availabilityZones,
    natGateways: config.network.natGateways,
    interfaceEndpoints: config.network.interfaceEndpoints,
    region: config.region,
});

const adminHost = `admin.${config.domain}`;
const apiHost = `api.${config.domain}`;
const lb = new LoadBalancer("pg", {
    network,
    hosts: [adminHost, apiHost],
    certificateArn: config.loadBalancer.certificateArn,
    hostedZoneId: config.loadBalancer.hostedZoneId,
    healthCheck: config.loadBalancer.healthCheck,
    deregistrationDelaySeconds: config.loadBalancer.deregistrationDelaySeconds,
    idleTimeoutSeconds: config.loadBalancer.idleTimeoutSeconds,
    deletionProtection: config.loadBalancer.deletionProtection,
    accessLogsBucket: config.loadBalancer.accessLogsBucket,
    waf: config.loadBalancer.waf,
});
// Admin sessions (WebAuthn login) are cookie sessions: a client stays on one instance.
const adminRoute = lb.route("admin", {
    host: adminHost,
    port: config.admin.containerPort,
    priority: 100,
    stickiness: config.admin.stickiness.type === "app_cookie"
        ? { type: "app_cookie", cookieName: config.admin.stickiness.cookieName!, durationSeconds: config.admin.stickiness.durationSeconds }
        : { type: "lb_cookie", durationSeconds: config.admin.stickiness.durationSeconds },
    allowedCidrs: config.admin.allowedCidrs,
});
// API-key auth is stateless: any instance serves any request.
const apiRoute = lb.route("main", { host: apiHost, port: config.main.containerPort, priority: 200 });

export const environment = config.environment;
export const vpcId = network.vpcId;
export const albDnsName = lb.dnsName;
export const adminUrl = adminRoute.url;
export const apiUrl = apiRoute.url;
export const region = config.region;
export const domain = config.domain;
/** Per service: desired and maximum instances, task size, image. */
export const services = Object.fromEntries(
    (["admin", "main", "worker"] as const).map((name) => {
        const s = config[name];
        return [name, { instances: s.instances, maxInstances: s.maxInstances, cpu: s.cpu, memory: s.memory, image: s.image ?? `build:${s.build!.context}` }];
    }),
);
