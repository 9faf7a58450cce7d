/** Name rules: what the stack name and the domain become, against each service's limits. */
import { ACM_DOMAIN_NAME_MAX, DNS_NAME_MAX, isValidAtlasClusterName, isValidReplicationGroupId } from "../../limits";
import { ENVIRONMENTS } from "../constants";
import { STACK_NAME } from "../fields";
import { Resolved } from "../resolve";
import { Problem } from "../problems";

/**
 * The physical names the program derives from the stack name and the domain, against the limits
 * of the services that hold them.
 */
export function nameProblems(c: Resolved, stack?: string): Problem[] {
    const problems: Problem[] = [];
    if (stack !== undefined && STACK_NAME.test(stack)) {
        const cache = `pg-${stack}-cache`;
        if (!isValidReplicationGroupId(cache))
            problems.push({ path: "", message: `needs a stack name without a trailing or doubled hyphen: the cache's id ${cache} must be 1–40 characters with no "--" and no hyphen at the end`, value: stack });
        else if (!isValidAtlasClusterName(`pg-${stack}`))
            problems.push({ path: "", message: `needs a stack name that makes a valid Atlas cluster name (pg-${stack})`, value: stack });
        const environment = ENVIRONMENTS.find((e) => e === stack);
        if (environment && c.environment !== environment)
            problems.push({
                path: "environment",
                message: `must be ${environment} in the stack named ${environment}: the environment decides the protections (protect, termination protection, secret recovery, WAF, PrivateLink, the HA checklist)`,
                value: c.environment,
                reads: ["stack"],
            });
    }
    // admin.<domain> is the longer of the two hosts (and the certificate's first name).
    const host = `admin.${c.domain}`;
    if (host.length > DNS_NAME_MAX) problems.push({ path: "domain", message: `makes admin.<domain> ${host.length} characters long; a DNS name is at most ${DNS_NAME_MAX}`, value: c.domain });
    else if (!c.loadBalancer.certificateArn && host.length > ACM_DOMAIN_NAME_MAX)
        problems.push({
            path: "domain",
            message: `makes ${host} ${host.length} characters long; ACM issues a certificate for a first name of at most ${ACM_DOMAIN_NAME_MAX}: shorten the domain or set loadBalancer.certificateArn`,
            value: c.domain,
            reads: ["loadBalancer.certificateArn"],
        });
    return problems;
}
