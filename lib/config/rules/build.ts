/** Build rules: each build context and Dockerfile exists where the Service component will look. */
import * as fs from "fs";
import * as path from "path";
import { SERVICE_NAMES } from "../constants";
import { Resolved, runsServices } from "../resolve";
import { Problem } from "../problems";

/**
 * A build context must be a directory holding the Dockerfile it names, resolved as the Service
 * component resolves them (components/service.ts): otherwise the image build fails mid-`pulumi up`.
 */
export function buildProblems(c: Resolved, root: string): Problem[] {
    if (!runsServices(c)) return [];
    const problems: Problem[] = [];
    for (const name of SERVICE_NAMES) {
        const build = c[name].build;
        if (!build) continue;
        const context = path.resolve(root, build.context);
        const dir = fs.statSync(context, { throwIfNoEntry: false });
        if (!dir?.isDirectory()) {
            problems.push({ path: `${name}.build.context`, message: dir ? `must be a directory; ${context} is a file` : `must be a directory relative to the project root; ${context} does not exist`, value: build.context });
            continue;
        }
        const dockerfile = path.join(context, build.dockerfile);
        const file = fs.statSync(dockerfile, { throwIfNoEntry: false });
        if (!file?.isFile())
            problems.push({ path: `${name}.build.dockerfile`, message: `must be a file in the build context; ${dockerfile} ${file ? "is a directory" : "does not exist"}`, value: build.dockerfile, reads: [`${name}.build.context`] });
    }
    return problems;
}
