#!/usr/bin/env node
// Runs `npm run build` when dist/ or the generated Prisma client is missing, or older than the
// sources, so that `npm start`, `npm run demo` and `npm run cli` run the code in the working tree.
const fs = require("node:fs");
const path = require("node:path");
const { execSync } = require("node:child_process");

const root = path.resolve(__dirname, "..");
const at = (...p) => path.join(root, ...p);

/** Newest modification time of the files under `p` (skipping `skip`), or 0. */
function newest(p, skip = "") {
  if (!fs.existsSync(p) || p === skip) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...fs.readdirSync(p).map((f) => newest(path.join(p, f), skip)));
}

const ready = fs.existsSync(at("dist", "main.js")) && fs.existsSync(at("src", "generated", "prisma", "client.ts"));
const built = ready ? Math.min(newest(at("dist")), newest(at("src", "generated"))) : 0;
const sources = Math.max(newest(at("src"), at("src", "generated")), newest(at("prisma", "schema.prisma")));
if (!ready || sources > built) {
  process.stderr.write("Building (dist/ is missing or older than the sources)…\n");
  // Build output goes to stderr: stdout belongs to the command (the CLI prints JSON there).
  execSync("npm run build --silent", { cwd: root, stdio: ["ignore", process.stderr, process.stderr] });
}
