import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as mongodbatlas from "@pulumi/mongodbatlas";
import * as random from "@pulumi/random";
import { ATLAS_PRIVATELINK_PORTS, DatabaseClient, admitPeer, reachPeer } from "./database";
import { Connections } from "./connections";
import { Network } from "./network";
import { UsersApplied } from "./usersApplied";
import { iamUri, passwordUri } from "../lib/atlasUri";

export interface ClusterAccessArgs {
    /** The Atlas project of the cluster (another stack's). */
    projectId: pulumi.Input<string>;
    /** The cluster this stack's clients connect to (another stack's: this component never declares it). */
    clusterName: pulumi.Input<string>;
    /** AWS region of this stack's VPC: the private endpoint's region. */
    awsRegion: string;
    /** The VPC: the interface endpoint sits in its private subnets (a stack's Network, or the tie-breaker's endpoint-only VPC). */
    network: Pick<Network, "vpcId" | "privateSubnetIds">;
    /** The application's database; the users may touch nothing else. */
    databaseName: string;
    /** Prefix of this stack's own database users (`<prefix>-<client>`), distinct from the cluster owner's. */
    userPrefix: string;
    /** "password": a user per client of this stack with a generated password; "iam": a user per client task role. Default (config) password. */
    authentication: "password" | "iam";
    /** The clients that log in (the services): with password authentication each gets a user, a password and a URI of its own (PCI DSS 7.2.5, 8.2.1). */
    clients: readonly string[];
    /**
     * Read the private connection string of this stack's endpoint (and declare the users the URI
     * names). False while the cluster has no nodes in this region: Atlas lists private connection
     * strings only with an endpoint in every region with nodes. Default true.
     */
    connect?: boolean;
    /** The private ranges of the peered VPC in the primary's region (lib/peering.ts): admitted here, and reached by the clients there. Default: none. */
    peerCidrs?: string[];
}

/**
 * A second region's private path into a cluster another stack owns: its own Atlas private
 * endpoint, interface endpoint and endpoint service (one private endpoint per region with nodes),
 * its own database users, and the private SRV host of its own endpoint.
 *
 * mongodbatlas provider internal/service/privatelinkendpoint/resource.go: project_id,
 * provider_name and region are ForceNew, and create waits only until WAITING_FOR_USER (AVAILABLE
 * comes once the endpoint service is connected). internal/service/privatelinkendpointservice:
 * create and delete wait for every cluster of the project to be IDLE (docs/resources/
 * privatelink_endpoint_service.md): never in the same `pulumi up` as a topology change.
 *
 * No regionalized private endpoints (mongodbatlas.PrivateEndpointRegionalMode): one endpoint per
 * region with nodes is what a multi-region replica set needs, and the regional mode requires every
 * cluster of the project to be sharded, forbids replica sets once enabled, and changes existing
 * connection strings (Atlas Admin API, "Toggle Regionalized Private Endpoint Status"). Without it,
 * a client reaches the nodes of another region only through that region's endpoint, e.g. over VPC
 * peering ("Learn About Private Endpoints").
 */
export class ClusterAccess extends pulumi.ComponentResource {
    readonly connections: Connections;
    readonly endpoint: mongodbatlas.PrivateLinkEndpoint;
    readonly endpointService: mongodbatlas.PrivateLinkEndpointService;
    readonly vpcEndpoint: aws.ec2.VpcEndpoint;
    /** What must exist before any client can connect: the endpoint service (`readyFor` adds the client's user). */
    readonly readyForClients: pulumi.Resource[] = [];
    /** The private SRV host of this stack's endpoint (with `connect`). */
    readonly host?: pulumi.Output<string>;
    /** The shared `mongodb+srv://` URI without credentials (IAM authentication, with `connect`): a Pulumi secret. */
    readonly uri?: pulumi.Output<string>;
    /** Each client's own user, applied wait and URI (password authentication, with `connect`). */
    private readonly users: Record<string, { user: mongodbatlas.DatabaseUser; applied: UsersApplied; uri: pulumi.Output<string> }> = {};
    private readonly child: pulumi.CustomResourceOptions;

    constructor(private readonly name: string, private readonly args: ClusterAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("payment-gateway:database:ClusterAccess", name, {}, opts);
        this.child = { parent: this };
        this.endpoint = new mongodbatlas.PrivateLinkEndpoint(name, { projectId: args.projectId, providerName: "AWS", region: args.awsRegion }, this.child);
        // With no clients (the tie-breaker's endpoint) nothing reaches it: its group admits nothing,
        // and says so. Keyed on clients, not `connect`, which the standby turns on later: a group's
        // description is ForceNew, and the standby's group keeps its text.
        const description = args.clients.length === 0 ? "Atlas PrivateLink endpoint: no client connects here, nothing admitted" : "Atlas PrivateLink endpoint: MongoDB from the gateway services only";
        this.connections = new Connections(`${name}-atlas`, { vpcId: args.network.vpcId, description }, this.child);
        this.vpcEndpoint = new aws.ec2.VpcEndpoint(`${name}-atlas`, {
            vpcId: args.network.vpcId,
            serviceName: this.endpoint.endpointServiceName,
            vpcEndpointType: "Interface",
            subnetIds: args.network.privateSubnetIds,
            securityGroupIds: [this.connections.id],
            tags: { Name: `${name}-atlas` },
        }, this.child);
        this.endpointService = new mongodbatlas.PrivateLinkEndpointService(name, {
            projectId: args.projectId,
            privateLinkId: this.endpoint.privateLinkId,
            endpointServiceId: this.vpcEndpoint.id,
            providerName: "AWS",
        }, this.child);
        this.readyForClients.push(this.endpointService);
        if (args.peerCidrs?.length) admitPeer(this.connections, args.peerCidrs);
        if (args.connect === false) {
            this.registerOutputs({});
            return;
        }
        this.host = this.srvHost();
        if (args.authentication === "password") for (const client of args.clients) this.users[client] = this.createClientUser(client);
        else this.uri = pulumi.secret(this.host.apply((host) => iamUri(host, args.databaseName)));
        this.registerOutputs({ host: this.host });
    }

    /** Lets `client` reach the cluster through this region's endpoint and, with IAM authentication, log in as its task role. */
    allowFrom(client: DatabaseClient, name: string): pulumi.Resource[] {
        const ready: pulumi.Resource[] = [...this.connections.allowFrom(client.connections, ATLAS_PRIVATELINK_PORTS, `MongoDB via PrivateLink from ${name}`), ...reachPeer(client, this.args.peerCidrs ?? [], name)];
        if (this.args.authentication === "iam" && this.args.connect !== false) {
            const user = this.createUser(`${this.name}-${name}`, { username: client.taskRole.arn, awsIamType: "ROLE", authDatabaseName: "$external" });
            ready.push(user, new UsersApplied(`${this.name}-${name}-applied`, { projectId: this.args.projectId, clusterName: this.args.clusterName, username: user.username }, { ...this.child, dependsOn: [user] }));
        }
        return ready;
    }

    /** What must exist before `client` connects: the network path and, with passwords, its own user as Atlas applied it. */
    readyFor(client: string): pulumi.Resource[] {
        const own = this.users[client];
        return own ? [...this.readyForClients, own.user, own.applied] : [...this.readyForClients];
    }

    /** `client`'s own URI (password authentication), else the shared one: a Pulumi secret. */
    uriFor(client: string): pulumi.Output<string> {
        const own = this.users[client];
        if (own) return own.uri;
        if (!this.uri) throw new Error(`ClusterAccess ${this.name}: no URI for ${client} (connect is false, or ${client} is not one of its clients)`);
        return this.uri;
    }

    /** A client's own user (`<userPrefix>-<client>`), its password, the wait until Atlas applied it, and its URI. */
    private createClientUser(client: string) {
        const username = `${this.args.userPrefix}-${client}`;
        const password = new random.RandomPassword(`${this.name}-${client}`, { length: 32, special: false }, this.child);
        const user = this.createUser(`${this.name}-${client}`, { username, password: password.result, authDatabaseName: "admin" });
        const applied = new UsersApplied(`${this.name}-${client}-applied`, { projectId: this.args.projectId, clusterName: this.args.clusterName, username: user.username }, { ...this.child, dependsOn: [user] });
        // Declared after Atlas applied the user: a task that reads it can log in.
        const uri = pulumi.all([this.host!, password.result, applied.id]).apply(([host, secret]) => passwordUri(host, this.args.databaseName, username, secret));
        return { user, applied, uri: pulumi.secret(uri) };
    }

    /** The private SRV host of the entry that lists this stack's interface endpoint (read after the endpoint service exists). */
    private srvHost(): pulumi.Output<string> {
        const cluster = mongodbatlas.getAdvancedClusterOutput({ projectId: this.args.projectId, name: this.args.clusterName }, { parent: this, dependsOn: this.readyForClients });
        return pulumi.all([cluster.connectionStrings, this.vpcEndpoint.id, this.args.clusterName]).apply(([strings, endpointId, clusterName]) => {
            const found = (strings?.privateEndpoints ?? []).find((pe) => pe.endpoints.some((e) => e.endpointId === endpointId));
            // Atlas lists private strings only once every region with nodes has an endpoint (@pulumi/mongodbatlas advancedCluster connectionStrings.privateEndpoints).
            if (!found) throw new Error(`Atlas cluster ${clusterName} has no private connection string for endpoint ${endpointId} yet: every region with nodes needs an AVAILABLE private endpoint`);
            return found.srvConnectionString.replace(/^mongodb(\+srv)?:\/\//, "");
        });
    }

    private createUser(name: string, identity: Pick<mongodbatlas.DatabaseUserArgs, "username" | "password" | "awsIamType" | "authDatabaseName">): mongodbatlas.DatabaseUser {
        return new mongodbatlas.DatabaseUser(name, {
            projectId: this.args.projectId,
            ...identity,
            roles: [{ roleName: "readWrite", databaseName: this.args.databaseName }],
            scopes: [{ name: this.args.clusterName, type: "CLUSTER" }],
        }, this.child);
    }
}
