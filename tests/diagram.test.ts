import { strict as assert } from "assert";
import * as fs from "fs";
import { renderDiagram } from "../scripts/diagram";
import { COSTS, DIAGRAM, README, costSection, diagramSection } from "../scripts/readme";
import { Run, baselines, longLivedStacks, gatewayStacks, runProgram, stackRun } from "./harness";

/**
 * A strict parser of the Mermaid subset the diagram emits: `flowchart LR`, subgraphs with quoted
 * titles, nodes of five shapes with quoted labels, solid or dotted edges with optional quoted
 * labels between declared nodes. Anything else is an error naming the line.
 */
function parseMermaid(source: string): { nodes: Map<string, string>; edges: { from: string; to: string; label?: string; dotted: boolean }[] } {
    const lines = source.split("\n");
    assert.equal(lines[0], "flowchart LR", "first line");
    const ID = "[A-Za-z][A-Za-z0-9_]*";
    const LABEL = '"([^"]*)"';
    const node = new RegExp(`^(${ID})(?:\\[${LABEL}\\]|\\(${LABEL}\\)|\\(\\(${LABEL}\\)\\)|\\[\\(${LABEL}\\)\\]|\\{\\{${LABEL}\\}\\})$`);
    const edge = new RegExp(`^(${ID}) (-->|-\\.->)(?:\\|${LABEL}\\|)? (${ID})$`);
    const subgraph = new RegExp(`^subgraph (${ID})\\[${LABEL}\\]$`);
    const nodes = new Map<string, string>();
    const edges: { from: string; to: string; label?: string; dotted: boolean }[] = [];
    let depth = 0;
    for (const [i, raw] of lines.slice(1).entries()) {
        const line = raw.trim();
        let m: RegExpExecArray | null;
        if ((m = subgraph.exec(line))) depth++;
        else if (line === "end") assert.ok(depth-- > 0, `line ${i + 2}: end without subgraph`);
        else if ((m = node.exec(line))) {
            assert.ok(!nodes.has(m[1]), `line ${i + 2}: node ${m[1]} declared twice`);
            nodes.set(m[1], m.slice(2).find((x) => x !== undefined)!);
        } else if ((m = edge.exec(line))) edges.push({ from: m[1], dotted: m[2] === "-.->", label: m[3], to: m[4] });
        else assert.fail(`line ${i + 2} is not in the Mermaid subset: ${raw}`);
    }
    assert.equal(depth, 0, "unclosed subgraph");
    for (const e of edges) assert.ok(nodes.has(e.from) && nodes.has(e.to), `edge ${e.from} → ${e.to} names an undeclared node`);
    return { nodes, edges };
}

describe("the diagram", () => {
    let prod: Run, dev: Run;
    before(async () => ({ prod, dev } = await baselines()));
    const parse = (run: Run) => parseMermaid(renderDiagram(run));

    it("is valid Mermaid of the subset it emits", () => {
        for (const run of [prod, dev]) parse(run);
        assert.throws(() => parseMermaid('flowchart LR\n    a["x"]\n    a --> b'), /undeclared node/);
        assert.throws(() => parseMermaid('flowchart LR\n    a["say "hi""]'), /not in the Mermaid subset/);
    });

    it("shows what prod declares: three zones with a NAT gateway each, PrivateLink, the cache, secrets per service", () => {
        const { nodes, edges } = parse(prod);
        const zones = renderDiagram(prod).split("\n").filter((l) => l.trim().startsWith("subgraph zone_"));
        assert.equal(zones.length, 3);
        assert.equal([...nodes.keys()].filter((k) => k.startsWith("nat_")).length, 3);
        assert.ok(edges.some((e) => e.from === "privatelink" && e.to === "atlas" && e.label === "PrivateLink"));
        for (const svc of ["svc_admin", "svc_main", "svc_worker"]) {
            // Each service's own URI, and no other service's.
            const uris = edges.filter((e) => e.to === svc && e.label === "MPG_DATABASE_URI").map((e) => e.from);
            assert.deepEqual(uris, [`secret_pg_${svc.slice(4)}_database_uri`], svc);
            assert.ok(edges.some((e) => e.from === svc && e.to === "cache" && e.label === "tcp 6379"), svc);
            assert.ok(edges.some((e) => e.from === svc && e.to === "privatelink"), svc);
        }
        assert.match(nodes.get("tg_pg_admin")!, /sticky lb_cookie/);
        assert.match(nodes.get("tg_pg_main")!, /not sticky/);
        assert.match(nodes.get("svc_main")!, /^main · 3–8 tasks · 1024 CPU \/ 2048 MiB/);
        assert.match(nodes.get("atlas")!, /3 × M30/);
    });

    it("shows what dev declares: one NAT gateway for both zones, Atlas reached through its address", () => {
        const { nodes, edges } = parse(dev);
        const nats = [...nodes.keys()].filter((k) => k.startsWith("nat_"));
        assert.deepEqual(nats, ["nat_pg_nat_0"]);
        assert.deepEqual(edges.filter((e) => e.to === "nat_pg_nat_0" && e.from.startsWith("subnet_")).map((e) => e.from).sort(), ["subnet_pg_private_0", "subnet_pg_private_1"]);
        assert.ok(edges.some((e) => e.from === "nat_pg_nat_0" && e.to === "atlas" && /^IP access list /.test(e.label!)));
        assert.ok(!nodes.has("privatelink"));
    });

    it("draws only the wiring there is", () => {
        for (const run of [prod, dev]) {
            const { edges } = parse(run);
            // Only the load balancer accepts traffic from the internet; only the services reach the cache.
            assert.deepEqual([...new Set(edges.filter((e) => e.from === "internet").map((e) => e.to))], ["alb"]);
            assert.deepEqual([...new Set(edges.filter((e) => e.to === "cache").map((e) => e.from))].sort(), ["svc_admin", "svc_main", "svc_worker"]);
            // The worker serves no route.
            assert.ok(!edges.some((e) => e.to === "svc_worker" && (e.from.startsWith("tg_") || e.from === "alb")));
        }
    });

    it("shows an admin allow-list, and changes only what an edit changes", async () => {
        const restricted = await runProgram({ stack: "prod", set: { "admin.allowedCidrs": ["198.51.100.0/24"], "main.maxInstances": 12 } });
        const before = renderDiagram(prod).split("\n");
        const after = renderDiagram(restricted).split("\n");
        assert.equal(renderDiagram(prod), renderDiagram(prod), "deterministic");
        const changed = after.filter((l) => !before.includes(l));
        assert.deepEqual(changed.map((l) => l.trim()).sort(), [
            'rule_pg_admin["admin.pay.example.com · priority 100 · from 198.51.100.0/24"]',
            'svc_main("main · 3–12 tasks · 1024 CPU / 2048 MiB · X86_64")',
        ]);
    });

    it("is the README's picture of what gets deployed, beside the example stacks' costs", async () => {
        const readme = fs.readFileSync(README, "utf8");
        const section = (m: { start: string; end: string }) => readme.slice(readme.indexOf(m.start) + m.start.length, readme.indexOf(m.end)).trim();
        assert.equal(section(DIAGRAM), diagramSection(prod), "README.md's diagram is stale: run `npm run readme`");
        const runs = [];
        for (const stack of longLivedStacks()) runs.push(await stackRun(stack));
        assert.ok(runs.some((r) => r.stack === "standby-prod"), "the warm standby's column");
        assert.equal(section(COSTS), costSection(runs), "README.md's cost table is stale: run `npm run readme`");
    });
});
