/**
 * npx tsx bench/check-cost.ts [--levels 12,16,20,40] [--runs N] [--armor DIR]
 *
 * What checking a document costs before anything runs (plugins.ts `checkOperation`: introspection
 * policy, then depth, cost, aliases, root fields and directives), on documents whose fragments spread
 * the next one twice, level after level: `{ ...F0 } fragment F0 on Query { ...F1 ...F1 } …
 * fragment F12 on Query { orders { nodes { ...G0 } } } fragment G0 on Order { ...G1 ...G1 } …
 * fragment G12 on Order { id }` (12 levels: 2^24 paths through the fragments in under 1 KB). Prints
 * the median and the largest time of N checks per document, and what the check answered.
 *
 * With --armor DIR (a folder whose node_modules holds `@escape.tech/graphql-armor-*`, installed
 * apart: the project does not depend on it), times graphql-armor's cost, depth, alias and directive
 * rules on the same documents through graphql-js's `validate`, for comparison.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildSchema, getOperationAST, parse, validate, type ValidationRule } from "graphql";
import { loadConfig } from "../src/config.js";
import { checkOperation } from "../src/http/plugins.js";

const { values: args } = parseArgs({
  options: {
    levels: { type: "string", default: "12,16,20,40" },
    runs: { type: "string", default: "20" },
    armor: { type: "string" },
  },
});

/** The fan-out document of `levels` levels (12: the one reported, 2^24 paths). */
export function fanOut(levels: number): string {
  const out = ["{ ...F0 }"];
  for (let i = 0; i < levels; i++) out.push(`fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
  out.push(`fragment F${levels} on Query { orders { nodes { ...G0 } } }`);
  for (let i = 0; i < levels; i++) out.push(`fragment G${i} on Order { ...G${i + 1} ...G${i + 1} }`);
  out.push(`fragment G${levels} on Order { id }`);
  return out.join("\n");
}

const root = path.resolve(__dirname, "..");
const schema = buildSchema(fs.readFileSync(path.join(root, "schema.graphql"), "utf8"));
const config = loadConfig({});
const runs = Number(args.runs);

/** Wall time of each run (median and largest), and the process's CPU time per run (the machine may be shared). */
function time(fn: () => string): { median: number; max: number; cpu: number; answer: string } {
  const ms: number[] = [];
  let answer = "";
  const cpu = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    answer = fn();
    ms.push(performance.now() - t);
  }
  const used = process.cpuUsage(cpu);
  ms.sort((a, b) => a - b);
  const r = (n: number) => Math.round(n * 1000) / 1000;
  return {
    median: r(ms[Math.floor(ms.length / 2)]),
    max: r(ms[ms.length - 1]),
    cpu: r((used.user + used.system) / 1000 / runs),
    answer,
  };
}

const armorRules: [string, ValidationRule][] = [];
if (args.armor) {
  const req = createRequire(path.join(path.resolve(args.armor), "package.json"));
  const quiet = { propagateOnRejection: false, onReject: [() => {}] };
  armorRules.push(
    ["armor cost", req("@escape.tech/graphql-armor-cost-limit").costLimitRule({ maxCost: 5000, ...quiet })],
    ["armor depth", req("@escape.tech/graphql-armor-max-depth").maxDepthRule({ n: 12, ...quiet })],
    ["armor aliases", req("@escape.tech/graphql-armor-max-aliases").maxAliasesRule({ n: 30, ...quiet })],
    ["armor directives", req("@escape.tech/graphql-armor-max-directives").maxDirectivesRule({ n: 50, ...quiet })],
  );
}

const rows: string[] = [
  "| levels | bytes | check | median ms | max ms | CPU ms per check | answer |",
  "|---|---|---|---|---|---|---|",
];
for (const levels of args.levels.split(",").map(Number)) {
  const text = fanOut(levels);
  const document = parse(text, { maxTokens: config.limits.tokens });
  const operation = getOperationAST(document)!;
  const ours = time(() => {
    try {
      checkOperation(config, {
        schema,
        query: text,
        document,
        operation,
        variables: {},
        viewer: { kind: "anonymous" },
      });
      return "accepted";
    } catch (e) {
      return (e as Error).message;
    }
  });
  rows.push(
    `| ${levels} | ${text.length} | checkOperation | ${ours.median} | ${ours.max} | ${ours.cpu} | ${ours.answer} |`,
  );
  for (const [name, rule] of armorRules) {
    const t = time(() => (validate(schema, document, [rule]).length ? "refused" : "accepted"));
    rows.push(`| ${levels} | ${text.length} | ${name} | ${t.median} | ${t.max} | ${t.cpu} | |`);
  }
}
console.log(rows.join("\n"));
