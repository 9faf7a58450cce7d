/**
 * payment-gateway: the gateway's high-availability topology on AWS and MongoDB Atlas.
 *
 *   Pulumi.<stack>.yaml ──validate──▶ config ──purpose──▶ gateway       (stacks/gateway.ts)
 *   last update's outputs ──step of restore, rotation──┘──▶ restore drill (stacks/restoreDrill.ts)
 *
 * Config is validated, and the MongoDB connection budget computed, before anything is declared.
 * The program reads back what its last deployment recorded (a reference to its own stack) to know
 * which step of a credential rotation or of a restore the next `pulumi up` takes, and, before a
 * rotation's second step, what ECS runs now (lib/running.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { RotationRecord } from "./lib/rotation";
import { RestoreRecord } from "./lib/restore";
import { loadConfig, loadStackZones, previousOutputs } from "./lib/stackConfig";
import { stepOfRestore, stepOfRotation } from "./stacks/lastUpdate";
import { gateway } from "./stacks/gateway";
import { restoreDrill } from "./stacks/restoreDrill";

export = async () => {
    // Which step of a credential rotation or a restore this update takes depends on the step the
    // last one took; a restore it already started is not judged against today's clock again, and an
    // atlas.tier edit is judged against the tier it deployed.
    const last = await previousOutputs(["rotation", "restore", "atlasCluster"]);
    const lastRestore = last.outputs.restore as RestoreRecord | undefined;
    const lastRotation = last.outputs.rotation as RotationRecord | undefined;
    const config = loadConfig({ restoreKey: lastRestore?.key, atlasTier: (last.outputs.atlasCluster as { tier?: string } | undefined)?.tier, databaseUsers: lastRotation?.database?.users });
    // The zones the region really offers: named zones and the drill zone are checked against them before anything is declared.
    const zones = config.purpose === "gateway" ? await loadStackZones(config) : undefined;
    const stack = pulumi.getStack();
    const restore = await stepOfRestore(config, lastRestore, last.deployed);
    const rotation = await stepOfRotation(config, lastRotation, last.deployed);

    switch (config.purpose) {
        case "restore-drill":
            return restoreDrill({ config, stack, restore });
        case "gateway":
            return gateway({ config, stack, zones: zones!, restore, rotation });
    }
};
