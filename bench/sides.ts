/**
 * The sides of a bench run: the servers the same scenarios are driven through, one at a time, in
 * alternation. The project (on the Node it is given), the floor (bench/floor.ts) and peers
 * (bench/peers/). Each is a process of its own started on the bench's database; the bench reads its
 * CPU time and RSS from /proc and, where it has one, its statement count from GET /metrics.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { print, type DocumentNode } from "graphql";
import type { Fixtures, Scenario } from "./scenarios.js";

export const root = path.resolve(__dirname, "..");

/** One HTTP request of a scenario, as autocannon sends it. */
export interface HttpRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface Side {
  /** Its name in the tables: "project", "project (Node 22)", "floor", "postgraphile". */
  name: string;
  kind: "project" | "floor" | "peer";
  /** The Node binary the process runs on, and its version. */
  node: NodeBinary;
  /** Whether it has an answer to this scenario (peers and the floor answer reads only, some of them). */
  serves(s: Scenario, f: Fixtures): boolean;
  /** The i-th request of the scenario. */
  request(s: Scenario, i: number, f: Fixtures): HttpRequest;
  /** Whether an answer with HTTP status 200 is still a failure. */
  failed(body: string): boolean;
  /**
   * Whether it answers GET /metrics with graphql_server_operation_sql_statements (requests and
   * statements as the histogram's _count and _sum).
   */
  hasStats: boolean;
  /** What to run on the database at `databaseUrl`: node arguments (after any profiling flags) and extra environment. */
  command(databaseUrl: string): { argv: string[]; env: Record<string, string> };
}

export interface NodeBinary {
  bin: string;
  version: string;
  /** "20", "22": the major version. */
  major: string;
}

export function nodeBinary(bin: string): NodeBinary {
  const version = execFileSync(bin, ["--version"], { encoding: "utf8" }).trim();
  return { bin, version, major: version.replace(/^v/, "").split(".")[0] };
}

const printed = new WeakMap<DocumentNode, string>();
/** A document's text, printed once (the load generator shares the 2 cores with the server). */
function text(doc: DocumentNode): string {
  let t = printed.get(doc);
  if (t === undefined) printed.set(doc, (t = print(doc)));
  return t;
}

const json = (token?: string): Record<string, string> => ({
  "content-type": "application/json",
  ...(token ? { authorization: `Bearer ${token}` } : {}),
});

/** A GraphQL request (any side that speaks GraphQL over HTTP POST at /graphql). */
export function graphqlRequest(query: string, variables: Record<string, unknown>, token?: string): HttpRequest {
  return { path: "/graphql", headers: json(token), body: JSON.stringify({ query, variables }) };
}

/**
 * What `npm start` runs on this database (scripts/start.sh): its node flags, and the environment it
 * sets (MALLOC_ARENA_MAX). Read by running the script with a stand-in `node` first on PATH that
 * prints what it was given, so that the bench runs what the script would, whatever its rules.
 */
export function startCommand(databaseUrl: string): { flags: string[]; env: Record<string, string> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "start-"));
  try {
    fs.writeFileSync(path.join(dir, "node"), '#!/bin/sh\nprintf "%s\\n" "$MALLOC_ARENA_MAX" "$@"\n', { mode: 0o755 });
    const out = execFileSync("sh", [path.join(root, "scripts", "start.sh")], {
      cwd: root,
      env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, DATABASE_URL: databaseUrl },
      encoding: "utf8",
    });
    const [arenas, ...argv] = out.trimEnd().split("\n");
    const main = argv.indexOf("dist/main.js");
    if (main < 0) throw new Error(`scripts/start.sh ran no dist/main.js: ${out}`);
    return { flags: argv.slice(0, main), env: arenas ? { MALLOC_ARENA_MAX: arenas } : {} };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The project's telemetry settings a side runs with (--telemetry): the environment each adds. */
export const TELEMETRY: Record<string, { label: string; env: Record<string, string> }> = {
  off: { label: "telemetry off", env: {} },
  metrics: { label: "metrics on", env: { METRICS: "on" } },
  traces: { label: "traces 100%", env: { OTEL_TRACES_SAMPLER: "parentbased_always_on" } },
  "traces-10": {
    label: "traces 10%",
    env: { OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.1" },
  },
};

/**
 * The project's server (dist/main.js, or main.js of another compiled tree for A/B runs of builds side
 * by side) with `npm start`'s node flags, on the given Node. `dist` may carry node flags of its own
 * after the folder ("dist --max-semi-space-size=32": the same build with and without a flag, in turns). By default with METRICS=on (the bench
 * reads the statement counts there); `env` replaces that (the telemetry variants).
 */
export function projectSide(
  node: NodeBinary,
  name = "project",
  dist = "dist",
  env: Record<string, string> = { METRICS: "on" },
): Side {
  return {
    name,
    kind: "project",
    node,
    serves: () => true,
    request(s, i, f) {
      const r = s.graphql(i, f);
      return graphqlRequest(text(r.doc), r.variables, r.token);
    },
    failed: (body) => body.includes('"errors":'),
    hasStats: env.METRICS === "on",
    command: (databaseUrl) => ({
      // BENCH_SERVER_FLAGS for experiments (GC settings, tracing), and a build's own after its folder.
      argv: [
        ...startCommand(databaseUrl).flags,
        ...(process.env.BENCH_SERVER_FLAGS ?? "").split(" ").filter(Boolean),
        ...dist.split(/\s+/).slice(1),
        path.resolve(root, dist.split(/\s+/)[0], "main.js"),
      ],
      env: {
        ...startCommand(databaseUrl).env,
        LOG_LEVEL: "info", // as shipped: the start-up line carries the URL, and each request gets a line
        LOG_FORMAT: "json",
        PAYMENT_METHODS: "credit-card,pay-in-advance,dummy",
        ...env,
        ORDER_RULES: path.join(root, "bench", "rules.js"),
        WEBHOOK_ALLOW_PRIVATE: "on",
        MAX_QUERY_COST: "100000",
      },
    }),
  };
}

/** The floor: the read scenarios by hand-written SQL and JSON.stringify (bench/floor.ts). */
export function floorSide(): Side {
  return {
    name: "floor",
    kind: "floor",
    node: nodeBinary(process.execPath),
    serves: (s) => s.read && s.floor !== undefined,
    request(s, i, f) {
      const r = s.floor!(i, f);
      return { path: r.path, headers: json(r.token), body: JSON.stringify(r.body) };
    },
    failed: (body) => body.startsWith('{"error'),
    hasStats: false,
    command: () => ({ argv: ["--import", "tsx", path.join(root, "bench", "floor.ts")], env: {} }),
  };
}

export interface Running {
  side: Side;
  child: ChildProcess;
  pid: number;
  /** http://127.0.0.1:PORT */
  base: string;
}

/**
 * Starts a side on the database and waits for it to print its URL. `profileDir`: a V8 CPU profile
 * of the process is written there when it ends; `perfMap`: V8 writes /tmp/perf-PID.map, so that
 * `perf` can name the JavaScript functions it samples.
 */
export async function startSide(
  side: Side,
  url: string,
  opts: { profileDir?: string; perfMap?: boolean } = {},
): Promise<Running> {
  const { argv, env } = side.command(url);
  const profile = [
    ...(opts.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${opts.profileDir}`] : []),
    ...(opts.perfMap ? ["--perf-basic-prof"] : []),
  ];
  const child = spawn(side.node.bin, [...profile, ...argv], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: url, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const tag = `[${side.name}] `;
  let out = "";
  const base = await new Promise<string>((resolve, reject) => {
    const on = (d: Buffer) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout!.on("data", on);
    child.stderr!.on("data", on);
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`${side.name} exited with ${code}: ${out}`)));
  });
  child.stdout!.removeAllListeners("data");
  child.stderr!.removeAllListeners("data");
  // Everything but the request lines (one per request at info) goes on to the bench's stderr.
  const forward = (d: Buffer) => {
    const kept = String(d)
      .split("\n")
      .filter((l) => l && !l.includes('"msg":"request"'));
    if (kept.length) process.stderr.write(kept.map((l) => tag + l + "\n").join(""));
  };
  child.stdout!.on("data", forward);
  child.stderr!.on("data", forward);
  return { side, child, pid: child.pid!, base };
}

export async function stopSide(r: Running): Promise<void> {
  const { child } = r;
  if (child.exitCode !== null) return;
  const done = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 20_000))]);
  if (child.exitCode === null) child.kill("SIGKILL");
}
