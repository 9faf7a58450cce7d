/**
 * The local stack's load balancer: Caddy's configuration (a Caddyfile), as a plain module. It
 * declares no resources; stacks/local.ts uploads it into the Caddy container, and
 * tests/local/caddy.test.ts has Caddy itself (`caddy adapt`, `caddy validate`) check it.
 *
 * Caddyfile reverse_proxy (https://caddyserver.com/docs/caddyfile/directives/reverse_proxy):
 *   lb_policy round_robin | cookie [<name> [<secret>]]  (cookie: the client is pinned to the upstream the cookie names)
 *   health_uri, health_interval, health_timeout          active checks: an upstream that fails is taken out of rotation
 *   fail_duration, max_fails                             passive checks: a failed proxied request marks the upstream down
 *   lb_try_duration                                      how long a request retries other upstreams before failing
 * Only directives Caddy 2.6 (Debian bookworm's caddy, which the tests run) already has are used:
 * health_passes and health_fails came later, so the thresholds are not written.
 */

export interface Upstreams {
    /** The host the site answers (admin.<domain>, api.<domain>). */
    host: string;
    /** host:port of each instance, on the Docker network. */
    dial: string[];
    /** cookie: each client stays on one instance (the admin backend's WebAuthn sessions); round_robin otherwise. */
    policy: { type: "round_robin" } | { type: "cookie"; name: string };
}

export interface CaddyArgs {
    sites: Upstreams[];
    /** The path every instance is checked on. Default /health (loadBalancer.healthCheck.path). */
    healthPath: string;
    /** Seconds between active checks (loadBalancer.healthCheck.intervalSeconds). */
    intervalSeconds: number;
    /** Seconds before a check fails (loadBalancer.healthCheck.timeoutSeconds). */
    timeoutSeconds: number;
}

/** Caddy's default cookie name for `lb_policy cookie` is "lb"; ours says whose it is. */
export const STICKY_COOKIE = "pg_admin_lb";

/**
 * The Caddyfile: plain HTTP on port 80 inside the container (published on 127.0.0.1 only), one
 * site per host, each proxying to its instances with active health checks on /health.
 */
export function caddyfile(a: CaddyArgs): string {
    const site = (s: Upstreams) => [
        // http:// : the port is published on loopback only; no certificate to obtain or trust.
        `http://${s.host} {`,
        `\treverse_proxy ${s.dial.join(" ")} {`,
        `\t\tlb_policy ${s.policy.type === "cookie" ? `cookie ${s.policy.name}` : "round_robin"}`,
        // A request that meets a stopped instance tries another for up to 5 s instead of failing.
        `\t\tlb_try_duration 5s`,
        `\t\thealth_uri ${a.healthPath}`,
        `\t\thealth_interval ${a.intervalSeconds}s`,
        `\t\thealth_timeout ${a.timeoutSeconds}s`,
        `\t\tfail_duration 30s`,
        `\t}`,
        `}`,
    ];
    return [
        "{",
        // Sites are http:// only: no certificates, no redirect to HTTPS.
        "\tauto_https off",
        "}",
        ...a.sites.flatMap((s) => ["", ...site(s)]),
        "",
    ].join("\n");
}
