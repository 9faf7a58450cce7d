/** Durations as the Docker provider reads them back (components/docker.ts). A plain module. */

/**
 * Whole seconds as Go's time.Duration.String() writes them ("0s", "45s", "1m0s", "1h2m3s"): the form
 * the provider reads a health check's durations back in (resourceDockerContainerRead), so state and program agree.
 */
export function goDuration(seconds: number): string {
    if (!Number.isInteger(seconds) || seconds < 0) throw new Error(`goDuration: ${seconds} is not a whole number of seconds`);
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    if (h) return `${h}h${m}m${s}s`;
    if (m) return `${m}m${s}s`;
    return `${s}s`;
}
