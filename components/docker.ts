/**
 * The local stack's parts on one Docker engine (@pulumi/docker, bridged from
 * kreuzwerker/terraform-provider-docker; facts below from internal/provider/resource_docker_container.go
 * and resource_docker_container_funcs.go at 83c00e0, read 2026-11-30):
 *
 * - Every container input that defines the container (name, image, command, entrypoint, env, labels,
 *   networks_advanced, ports, upload, volumes, user, read_only, …) is ForceNew: an edit replaces the
 *   container. Only restart, max_retry_count, memory and a few resource limits update in place
 *   (resourceDockerContainerUpdate's attribute list). Containers have fixed names, so a replacement
 *   must delete the old one first (deleteBeforeReplace), else the new name is taken.
 * - `healthcheck` is not ForceNew, and the update does not apply it: an edit to a health check alone
 *   would change nothing in the running container. Declared with replaceOnChanges so it does.
 *   Its durations are read back from Docker as Go's time.Duration.String() (resourceDockerContainerRead:
 *   `Healthcheck.StartPeriod.String()`), which create's own read writes into the state: 60 s reads
 *   back as "1m0s". Written as "60s", every later `pulumi up` would see a health-check change and,
 *   with replaceOnChanges, replace the container again; so they are written in Go's form (goDuration).
 * - `wait` makes create poll until Docker reports the container healthy (it needs a healthcheck),
 *   for at most `wait_timeout` seconds (default 60), else create fails.
 * - `attach` makes create wait until the container stops, but does not check how it ended: the exit
 *   code is only read back into `exit_code` (resourceDockerContainerRead). The replica-set init's exit
 *   code is therefore checked here, and every gateway container reads it.
 * - docker_network and docker_volume: name and driver ForceNew; network `internal` ForceNew.
 * - docker_image (RemoteImage): name ForceNew; the container takes its image id.
 */
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { goDuration } from "../lib/local/duration";

/** How a container is attached to a network, and the names it answers to there. */
export interface Attachment {
    network: docker.Network;
    aliases: string[];
}

/** What every container of the stack shares. */
export interface ContainerArgs {
    /** The container's name (pg-<stack>-<part>). */
    name: string;
    image: docker.RemoteImage;
    networks: Attachment[];
    command?: string[];
    entrypoints?: string[];
    envs?: pulumi.Input<pulumi.Input<string>[]>;
    /** Files written into the container before it starts (a configuration file). */
    files?: { path: string; content: pulumi.Input<string> }[];
    volumes?: { volume: docker.Volume; path: string; readOnly?: boolean }[];
    /** Docker's health check; none: the image's. */
    healthcheck?: { test: string[]; intervalSeconds: number; timeoutSeconds: number; retries: number; startPeriodSeconds: number };
    /** Wait, at most this many seconds, until Docker reports the container healthy. Default: do not wait. */
    waitHealthySeconds?: number;
    /** Run once to completion (the replica-set init): no restart, create waits for its end. Default false. */
    oneShot?: boolean;
    /** Ports published on the host: 127.0.0.1 only. Default none. */
    publish?: { internal: number; external: number }[];
    labels?: Record<string, pulumi.Input<string>>;
    /** Memory limit, MiB. Default none. */
    memoryMib?: number;
    user?: string;
    readOnly?: boolean;
}

/** Every host port the stack publishes is bound to loopback: nothing is reachable from another machine. */
export const PUBLISH_ADDRESS = "127.0.0.1";

/** A container of the stack: restarted unless an operator stopped it, replaced by deleting it first. */
export function container(resource: string, a: ContainerArgs, opts: pulumi.CustomResourceOptions): docker.Container {
    return new docker.Container(
        resource,
        {
            name: a.name,
            image: a.image.imageId,
            command: a.command,
            entrypoints: a.entrypoints,
            envs: a.envs,
            networksAdvanced: a.networks.map((n) => ({ name: n.network.name, aliases: n.aliases })),
            uploads: a.files?.map((f) => ({ file: f.path, content: f.content })),
            volumes: a.volumes?.map((v) => ({ volumeName: v.volume.name, containerPath: v.path, readOnly: v.readOnly })),
            healthcheck: a.healthcheck && {
                tests: a.healthcheck.test,
                interval: goDuration(a.healthcheck.intervalSeconds),
                timeout: goDuration(a.healthcheck.timeoutSeconds),
                retries: a.healthcheck.retries,
                startPeriod: goDuration(a.healthcheck.startPeriodSeconds),
            },
            wait: a.waitHealthySeconds !== undefined,
            waitTimeout: a.waitHealthySeconds,
            // unless-stopped: a crashed or rebooted container comes back; one an operator (or a drill) stopped stays stopped.
            restart: a.oneShot ? "no" : "unless-stopped",
            mustRun: !a.oneShot,
            attach: a.oneShot || undefined,
            logs: a.oneShot || undefined,
            ports: a.publish?.map((p) => ({ internal: p.internal, external: p.external, ip: PUBLISH_ADDRESS })),
            labels: Object.entries({ "payment-gateway.stack": pulumi.getStack(), ...a.labels }).map(([label, value]) => ({ label, value })),
            memory: a.memoryMib,
            user: a.user,
            readOnly: a.readOnly,
            tmpfs: a.readOnly ? { "/tmp": "rw,noexec,nosuid,size=64m" } : undefined,
            destroyGraceSeconds: a.oneShot ? undefined : 30,
        },
        { deleteBeforeReplace: true, replaceOnChanges: ["healthcheck"], ...opts },
    );
}

/**
 * The exit code of a one-shot container, checked: `pulumi up` fails here (and declares nothing that
 * reads it) when the container did not exit 0. In a preview the code is unknown and nothing fails.
 */
export function succeeded(oneShot: docker.Container, what: string): pulumi.Output<string> {
    return pulumi.all([oneShot.exitCode, oneShot.name]).apply(([code, name]) => {
        if (code !== 0) throw new Error(`${what} exited ${code}: \`docker logs ${name}\` says why; \`docker rm ${name}\` then \`pulumi up --refresh\` runs it again`);
        return "done";
    });
}
