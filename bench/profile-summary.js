#!/usr/bin/env node
/**
 * node bench/profile-summary.js FILE.cpuprofile [TOP] [--last S]
 * Where a CPU profile's busy time went: self time by kind of work (the data layer, the driver,
 * GraphQL execution, the HTTP request pipeline, JSON, socket writes, garbage collection…), by
 * package (or node: internals, GC, native) and the top functions. Profiles come from
 * `npm run bench -- --profile` (one process per side: run one scenario to profile one).
 * --last S keeps the last S seconds of the profile only: the measured part of a run, after the
 * process's start-up and the warm-up.
 */
const fs = require("node:fs");

const argv = process.argv.slice(2);
const lastAt = argv.indexOf("--last");
const lastSeconds = lastAt >= 0 ? Number(argv.splice(lastAt, 2)[1]) : undefined;
const [file, topArg] = argv;
if (!file) {
  console.error("usage: node bench/profile-summary.js FILE.cpuprofile [TOP] [--last S]");
  process.exit(2);
}
const prof = JSON.parse(fs.readFileSync(file, "utf8"));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parentOf = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
const from = lastSeconds === undefined ? -Infinity : prof.endTime - lastSeconds * 1e6;
const self = new Map();
const dts = prof.timeDeltas;
let t = prof.startTime;
for (let i = 0; i < prof.samples.length; i++) {
  t += dts[i] ?? 0;
  if (t >= from) self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (dts[i] ?? 0));
}

function group(cf) {
  const url = cf.url || "";
  if (!url) return cf.functionName.startsWith("(") ? cf.functionName : "(native)";
  if (url.startsWith("node:")) return "node:" + url.slice(5).split("/")[0];
  if (url.startsWith("wasm://")) return "(wasm)";
  const m = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  const s = /.*\/(src|dist|bench)\/(.*)$/.exec(url);
  return s ? `${s[1]}/${s[2]}` : url;
}

/** Whether a frame above this node (its callers) is in a file whose URL contains `part`. */
function calledFrom(id, part) {
  for (let p = parentOf.get(id); p !== undefined; p = parentOf.get(p))
    if ((byId.get(p).callFrame.url || "").includes(part)) return true;
  return false;
}

const PACKAGES = {
  "data layer (Prisma: client, query compiler, adapter; PostGraphile: @dataplan/pg, pg-sql2)": [
    /^@prisma\//,
    /^prisma$/,
    /^\(wasm\)$/,
    /^(src|dist)\/generated\/prisma/,
    /^@dataplan\/pg$/,
    /^pg-sql2$/,
    /^@graphile\/lru$/,
    /^tamedevil$/,
  ],
  "pg driver (pg, pg-protocol, pg-pool, pg-types)": [/^pg(-protocol|-pool|-types|-cursor)?$/, /^postgres-/],
  "GraphQL execution (graphql-js, graphql-jit, type-graphql, dataloader; grafast)": [
    /^graphql(-jit|-scalars)?$/,
    /^type-graphql$/,
    /^dataloader$/,
    /^grafast$/,
    /^@dataplan\/json$/,
    /^graphile-/,
    /^reflect-metadata$/,
  ],
  "request pipeline (Apollo Server, Express and its middleware; grafserv)": [
    /^@apollo\//,
    /^express$/,
    /^router$/,
    /^body-parser$/,
    /^raw-body$/,
    /^negotiator$/,
    /^(type-is|content-type|media-typer|mime-types|on-finished|finalhandler|accepts|vary|depd|qs|iconv-lite)$/,
    /^grafserv$/,
  ],
  "decimal.js": [/^decimal\.js$/],
  "the project's own code": [/^(src|dist)\//],
};
/** Functions whose self time is JSON.stringify / JSON.parse (V8 books a builtin to its caller). */
const JSON_FUNCTIONS = new Set([
  "prettyJSONStringify @apollo/server",
  "stringifyPayload grafast",
  "stringifyPayload grafserv",
  "jsonParse @dataplan/pg",
  "parse body-parser",
]);

function kind(id) {
  const cf = byId.get(id).callFrame;
  const g = group(cf);
  const fn = cf.functionName;
  if (fn === "(garbage collector)") return "garbage collection";
  if (fn === "writev" || fn === "writeUtf8String" || fn === "writeBuffer" || fn === "writeLatin1String")
    return calledFrom(id, "/pg/lib/") ? "socket writes: statements to PostgreSQL" : "socket writes: HTTP answers";
  if (JSON_FUNCTIONS.has(`${fn} ${g}`)) return "JSON (stringify the answer, parse the request; rows' JSON)";
  if (fn === "wrapSafe" || fn === "compileFunction") return "start-up (module compilation)";
  for (const [k, patterns] of Object.entries(PACKAGES)) if (patterns.some((p) => p.test(g))) return k;
  return g.startsWith("node:") || g === "(native)" ? "node internals (http, net, streams, events, microtasks)" : g;
}

const groups = new Map();
const kinds = new Map();
const funcs = new Map();
let busy = 0;
for (const [id, ms] of self) {
  const cf = byId.get(id).callFrame;
  if (cf.functionName === "(idle)" || cf.functionName === "(program)") continue;
  busy += ms;
  const g = group(cf);
  groups.set(g, (groups.get(g) ?? 0) + ms);
  const k = kind(id);
  kinds.set(k, (kinds.get(k) ?? 0) + ms);
  const f = `${cf.functionName || "(anonymous)"} ${g}:${cf.lineNumber + 1}`;
  funcs.set(f, (funcs.get(f) ?? 0) + ms);
}
const total = lastSeconds === undefined ? prof.endTime - prof.startTime : lastSeconds * 1e6;
const pct = (x) => ((100 * x) / busy).toFixed(1).padStart(5) + "%";
console.log(
  `busy ${(busy / 1e6).toFixed(2)} s of ${(total / 1e6).toFixed(2)} s${lastSeconds ? ` (the last ${lastSeconds} s)` : ""}`,
);
console.log("\nby kind of work:");
for (const [k, x] of [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(pct(x), k);
console.log("\nby package:");
for (const [g, x] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(pct(x), g);
console.log("\ntop functions (self):");
for (const [f, x] of [...funcs].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 40))) console.log(pct(x), f);
