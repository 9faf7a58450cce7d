/** Per service: instances, task size, process and image, and what is not pinned. */
import { Run } from "../../../tests/harness";
import { Section, table } from "../section";

export interface CapacityOutput {
    instances: number;
    maxInstances: number;
    cpu: number;
    memory: number;
    architecture: string;
    image: string;
    entryPoint?: string[];
    command?: string[];
    healthCheck?: string[];
    secrets?: Record<string, string>;
    repositoryCredentials?: string;
    /** Stopped for a restore (desired count and autoscaling bounds 0). */
    stopped?: boolean;
}

/** A process as a shell would show it; the image's own when neither entry point nor command is set. */
const processOf = (s: CapacityOutput) => (s.entryPoint || s.command ? [...(s.entryPoint ?? []), ...(s.command ?? [])].map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(" ") : "(the image's own)");

export const capacity: Section = (run) => {
    const services = run.outputs.capacity as Record<string, CapacityOutput> | undefined;
    if (!services) return [];
    const unpinned = Object.entries(services).filter(([, s]) => !/@sha256:[0-9a-f]{64}$/.test(s.image));
    return [
        ...table([
            ["service", "instances", "max", "cpu", "memory MiB", "arch", "process", "image"],
            ...Object.entries(services).map(([name, s]) => [name, s.instances, s.maxInstances, s.cpu, s.memory, s.architecture, processOf(s), s.image]),
        ]),
        ...unpinned.map(([name, s]) => `! ${name}: ${s.image} is not pinned by digest; the tag can move under a running service (use image@sha256:…)`),
        ...collectorImages(run)
            .filter((image) => !/@sha256:[0-9a-f]{64}$/.test(image))
            .map((image) => `! collector sidecar: ${image} is not pinned by digest (observability.collectorImage: pin it as image@sha256:…; see the README, Releases)`),
        ...Object.entries(services).filter(([, s]) => s.healthCheck).map(([name, s]) => `${name} container health check: ${s.healthCheck!.join(" ")}`),
        ...Object.entries(services).filter(([, s]) => s.repositoryCredentials).map(([name, s]) => `${name} pulls its image with the registry credentials in ${s.repositoryCredentials} (ECS repositoryCredentials; its execution role may read that secret)`),
        ...(Object.values(services).some((s) => s.stopped) ? [`! ${Object.entries(services).filter(([, s]) => s.stopped).map(([n]) => n).join(", ")}: STOPPED for the restore (desired count and autoscaling bounds 0) until it has finished`] : []),
    ];
};

/** The OpenTelemetry collector sidecar images the task definitions run. */
function collectorImages(run: Run): string[] {
    const containers = run.ofType("aws:ecs/taskDefinition:TaskDefinition").flatMap((td) => {
        const defs = td.inputs.containerDefinitions;
        return (typeof defs === "string" ? JSON.parse(defs) : defs ?? []) as { name: string; image: string }[];
    });
    return [...new Set(containers.filter((c) => c.name === "otel-collector").map((c) => c.image))];
}
