/**
 * payment-gateway: the gateway's high-availability topology on AWS and MongoDB Atlas.
 *
 *   Pulumi.<stack>.yaml ──validate──▶ config ──purpose──▶ gateway       (stacks/gateway.ts)
 *   last update's outputs ──step of restore, rotation──┘──▶ restore drill (stacks/restoreDrill.ts)
 *                                                      ├──▶ local         (stacks/local.ts: the same topology on Docker)
 *   the primary stack's regionLoss output ─────────────┤──▶ warm standby  (stacks/standby.ts)
 *   Atlas's private endpoints ──step of topology───────┘──▶ region drill  (stacks/regionDrill.ts)
 *
 * Config is validated, and the MongoDB connection budget computed, before anything is declared.
 * The program reads back what its last deployment recorded (a reference to its own stack) to know
 * which step of a credential rotation or of a restore the next `pulumi up` takes, and, before a
 * rotation's second step, what ECS runs now (lib/running.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { RotationRecord } from "./lib/rotation";
import { deployedCache, deployedDatastore } from "./lib/failover";
import { RestoreRecord } from "./lib/restore";
import { releaseStrategies } from "./lib/release";
import { loadConfig, loadStackZones, previousOutputs, readPrimaryStack, readStandbyStack } from "./lib/stackConfig";
import { atlasName } from "./lib/regionLoss";
import { ClusterRecord, stepOfRestore, stepOfRotation, stepOfTopology } from "./stacks/lastUpdate";
import { gateway } from "./stacks/gateway";
import { restoreDrill } from "./stacks/restoreDrill";
import { local } from "./stacks/local";
import { standby } from "./stacks/standby";
import { regionDrill } from "./stacks/regionDrill";

export = async () => {
    // Which step of a credential rotation or a restore this update takes depends on the step the
    // last one took; a restore it already started is not judged against today's clock again, and an
    // atlas.tier edit is judged against the tier it deployed.
    const last = await previousOutputs(["rotation", "restore", "atlasCluster", "dnsRecords", "releases", "regionLoss", "peering"]);
    const lastRestore = last.outputs.restore as RestoreRecord | undefined;
    const lastCluster = last.outputs.atlasCluster as ClusterRecord | undefined;
    const lastReleases = releaseStrategies(last.outputs.releases);
    const lastRotation = last.outputs.rotation as RotationRecord | undefined;
    // A stack deployed before the dnsRecords output existed answered admin and api with its own
    // alias records (with a hosted zone): handing them over is a DNS cutover there too.
    const dnsRecords = (last.outputs.dnsRecords as string | undefined) ?? (last.deployed ? "alias" : undefined);
    const config = loadConfig({
        restoreKey: lastRestore?.key,
        atlasTier: lastCluster?.tier,
        dnsRecords,
        releaseStrategies: lastReleases,
        databaseUsers: lastRotation?.database?.users,
        cacheDatastore: deployedDatastore(last.outputs.regionLoss as Parameters<typeof deployedDatastore>[0]),
    });
    // The zones the region really offers: named zones and the drill zone are checked against them before anything is declared.
    const zones = config.purpose === "gateway" || config.purpose === "standby" ? await loadStackZones(config) : undefined;
    // A standby reads the primary from the Pulumi backend only (never the primary region's APIs), before anything is declared.
    // Its own last update's cache mode too: moving a deployed cache between cold and global replaces it.
    const primary = config.purpose === "standby" ? await readPrimaryStack(config, deployedCache(last.outputs.regionLoss as { step?: string; cache?: string } | undefined)) : undefined;
    const stack = pulumi.getStack();
    const restore = await stepOfRestore(config, lastRestore, last.deployed);
    const rotation = await stepOfRotation(config, lastRotation, last.deployed);
    // Whether the replica set may grow into atlas.regions yet (PrivateLink active in each of them).
    const topology = config.purpose === "gateway" ? await stepOfTopology(config, lastCluster) : undefined;
    // A primary reads its standby's VPC peering request (the Pulumi backend) once the replica set has,
    // or this update gives it, nodes in the standby's region: the standby stack exists by then.
    const standbyPeering = config.purpose === "gateway" && config.regionLoss && topology!.deploy.some((r) => r.region === atlasName(config.regionLoss!.standbyRegion))
        ? await readStandbyStack(config)
        : undefined;

    switch (config.purpose) {
        case "restore-drill":
            return restoreDrill({ config, stack, restore });
        case "region-drill":
            return regionDrill({ config, stack });
        case "gateway":
            return gateway({ config, stack, zones: zones!, restore, rotation, topology: topology!, lastReleases, standbyPeering });
        case "local":
            return local({ config, stack });
        case "standby":
            return standby({ config, stack, zones: zones!, primary: primary!, rotation, lastReleases, last: { step: (last.outputs.regionLoss as { step?: string } | undefined)?.step, peering: last.outputs.peering as { connectionId?: string; requestedAt?: string } | undefined } });
    }
};
