/**
 * A region drill: Atlas's simulated outage of regions of a multi-region cluster, and nothing else.
 * A short-lived stack of its own, never the gateway's: creating the simulation starts the outage,
 * destroying it ends it, so a forgotten `pulumi up` of the gateway can never leave it running.
 *
 *   drill stack ──ClusterOutageSimulation(US_EAST_1)──▶ the gateway's replica set elects a primary elsewhere
 *
 * The app tier's half of the drill (the failover gate, the standby's scale-out, payments checked,
 * the failback) is the README's runbook.
 */
import * as pulumi from "@pulumi/pulumi";
import * as mongodbatlas from "@pulumi/mongodbatlas";
import { Config, ConfigError } from "../lib/config";
import { outageProblems } from "../lib/regionLoss";
import { StackConfigError } from "../lib/stackConfig";

export interface RegionDrillInputs {
    config: Config;
    stack: string;
}

/**
 * Reads the cluster from Atlas (getAdvancedCluster: an Atlas call, at preview too) and refuses,
 * before anything is declared, a drill Atlas cannot run or that would stop writes.
 */
export async function checkOutage(config: Config): Promise<{ regionName: string; electableNodes: number }[]> {
    const drill = config.regionDrill!;
    const cluster = await mongodbatlas.getAdvancedCluster({ projectId: config.atlas.projectId!, name: drill.clusterName }).catch((e) => {
        const message = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, " ").trim().slice(0, 300);
        throw new StackConfigError(new ConfigError([{ path: "regionDrill.clusterName", message: `cannot be read from Atlas in project ${config.atlas.projectId} (${message}); check it exists and that this stack's Atlas credentials can read it`, value: drill.clusterName }]));
    });
    const regions = (cluster.replicationSpecs ?? []).flatMap((s) => s.regionConfigs ?? []).map((r) => ({ regionName: r.regionName, electableNodes: r.electableSpecs?.nodeCount ?? 0 }));
    const problems = outageProblems(regions, drill.outageRegions);
    if (problems.length) throw new StackConfigError(new ConfigError([{ path: "regionDrill.outageRegions", message: problems.join("; "), value: drill.outageRegions }]));
    return regions;
}

export async function regionDrill({ config, stack }: RegionDrillInputs) {
    const drill = config.regionDrill!;
    const regions = await checkOutage(config);
    // Create starts the simulation and waits until Atlas reports SIMULATING (25 minutes by default;
    // on a timeout it ends the simulation again, delete_on_create_timeout); delete ends it and waits
    // until Atlas no longer has it; an update is refused ("updating a Cluster Outage Simulation is not
    // supported") and no input forces a replacement by itself
    // (terraform-provider-mongodbatlas internal/service/clusteroutagesimulation/resource.go). So any
    // change of the drill ends the running simulation first, then starts the new one: Atlas holds one
    // simulation per cluster (it reads it back by cluster name). Atlas ends a simulation by itself
    // after its expiration period (1, 3 or 7 days; the provider sets none: Atlas's default,
    // https://www.mongodb.com/docs/atlas/tutorial/test-resilience/simulate-regional-outage/);
    // the provider's read then gets a 404 and drops it from the state, so a later `pulumi up` of a
    // drill stack left behind would start a new outage: destroy the stack when the drill is over.
    const simulation = new mongodbatlas.ClusterOutageSimulation("pg-region-outage", {
        projectId: config.atlas.projectId!,
        clusterName: drill.clusterName,
        outageFilters: drill.outageRegions.map((regionName) => ({ cloudProvider: "AWS", regionName })),
        deleteOnCreateTimeout: true,
    }, { replaceOnChanges: ["projectId", "clusterName", "outageFilters"], deleteBeforeReplace: true });
    const lost = regions.filter((r) => drill.outageRegions.includes(r.regionName)).reduce((n, r) => n + r.electableNodes, 0);
    const total = regions.reduce((n, r) => n + r.electableNodes, 0);
    return {
        environment: config.environment,
        region: config.region,
        purpose: config.purpose,
        costAssumptions: config.cost.assumptions,
        /** The outage Atlas simulates, and how to watch and end it. */
        regionOutage: {
            cluster: drill.clusterName,
            projectId: config.atlas.projectId!,
            regions: drill.outageRegions,
            electableNodesLost: `${lost} of ${total}`,
            state: simulation.state,
            startRequested: simulation.startRequestDate,
            watch: pulumi.interpolate`atlas clusters describe ${drill.clusterName} --projectId ${config.atlas.projectId!} --output json`,
            // Atlas recommends five minutes between simulations of the same cluster.
            end: `pulumi destroy --stack ${stack} --yes`,
            tearDown: `pulumi destroy --stack ${stack} --yes && pulumi stack rm ${stack} --yes`,
        },
    };
}
