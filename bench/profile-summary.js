#!/usr/bin/env node
/**
 * node bench/profile-summary.js FILE.cpuprofile [TOP]
 * Where a CPU profile's busy time went: self time by package (or node: internals, GC, native) and the
 * top functions. Profiles come from `npm run bench -- --profile`.
 */
const fs = require("node:fs");

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bench/profile-summary.js FILE.cpuprofile [TOP]");
  process.exit(2);
}
const prof = JSON.parse(fs.readFileSync(file, "utf8"));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
const dts = prof.timeDeltas;
for (let i = 0; i < prof.samples.length; i++)
  self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (dts[i] ?? 0));

function group(cf) {
  const url = cf.url || "";
  if (!url) return cf.functionName.startsWith("(") ? cf.functionName : "(native)";
  if (url.startsWith("node:")) return "node:" + url.slice(5).split("/")[0];
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  const s = /\/(src|dist|bench)\/(.*)$/.exec(url);
  return s ? `${s[1]}/${s[2]}` : url;
}

const groups = new Map();
const funcs = new Map();
let busy = 0;
for (const [id, t] of self) {
  const n = byId.get(id);
  const cf = n.callFrame;
  if (cf.functionName === "(idle)" || cf.functionName === "(program)") continue;
  busy += t;
  const g = group(cf);
  groups.set(g, (groups.get(g) ?? 0) + t);
  const f = `${cf.functionName || "(anonymous)"} ${g}:${cf.lineNumber + 1}`;
  funcs.set(f, (funcs.get(f) ?? 0) + t);
}
const total = prof.endTime - prof.startTime;
const pct = (t) => ((100 * t) / busy).toFixed(1).padStart(5) + "%";
console.log(`busy ${(busy / 1e6).toFixed(2)} s of ${(total / 1e6).toFixed(2)} s`);
console.log("\nby package:");
for (const [g, t] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(pct(t), g);
console.log("\ntop functions (self):");
for (const [f, t] of [...funcs].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 40))) console.log(pct(t), f);
