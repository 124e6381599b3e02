/**
 * npm run bench [-- --db embedded|postgres] [--orders N] [--duration S] [--warmup S] [--connections C]
 *                  [--scenarios a,b] [--rounds R] [--node current,22|PATH] [--peer postgraphile]
 *                  [--out FILE] [--skip-floor] [--skip-events] [--profile] [--perf] [--soak N]
 *                  [--server-dist DIR[ FLAGS],…] [--attack CLIENTS] [--telemetry off,metrics,traces,traces-10]
 *
 * Seeds a benchmark shop (once per database and size), then drives each side of the run over
 * loopback with autocannon, one side at a time, each in its own process on the same database: the
 * real server (NODE_ENV=production, `npm start`'s node flags) on each Node given (--node), the floor
 * (a minimal SQL + JSON.stringify handler, bench/floor.ts) and any peer (--peer postgraphile:
 * PostGraphile 5, bench/peers/postgraphile/). With --rounds R the sides take turns R times, the
 * order reversed every other round, and the tables give each figure's range over the rounds. Each
 * process runs every one of its scenarios for the warm-up time before it measures the first.
 * Before timing a peer, the bench checks that it answers each scenario with the same orders as the
 * project. With --telemetry, the project's sides are its telemetry settings instead (bench/sides.ts,
 * TELEMETRY: off, metrics on, traces sampled 100% or 10%, exported over OTLP/HTTP to a receiver in
 * the bench process that reads and drops them). Prints the tables and writes JSON (bench/results/).
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import pg from "pg";
import { openDatabase, createPrisma, type Database } from "../src/db/database.js";
import { migrateDeploy } from "../src/db/schema-engine.js";
import { encodeCursor } from "../src/shared/pagination.js";
import { issueApiToken } from "../src/users/user.repository.js";
import { startAttack } from "./attack.js";
import { runEventBench, type EventResults } from "./events.js";
import { replicaClusters, replicaTable, runReplicaBench } from "./replicas.js";
import { DatabaseCpu, cpuOf, percentile, round2, rssOf } from "./measure.js";
import { node22, postgraphileSide } from "./peers/postgraphile/peer.js";
import { SCENARIOS, type Fixtures, type Scenario } from "./scenarios.js";
import { seed, seededFulfillment, seededHistory, seededOrders, seedFulfillment, seedHistory } from "./seed.js";
import {
  TELEMETRY,
  floorSide,
  nodeBinary,
  projectSide,
  root,
  startSide,
  stopSide,
  type NodeBinary,
  type Running,
  type Side,
} from "./sides.js";
import { differences, substance } from "./substance.js";

const { values: args } = parseArgs({
  options: {
    db: { type: "string", default: "embedded" },
    orders: { type: "string", default: "10000" },
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: "16" },
    /** Scenario names; `events` for all of events out, `webhooks` for the webhook part only. */
    scenarios: { type: "string" },
    /** How many times the sides take turns (in alternation, the order reversed every other round). */
    rounds: { type: "string", default: "1" },
    /**
     * The Node binaries to run the project's server on, comma-separated: `current` (the one running
     * the bench), `22` (the Node 22 installed beside the PostGraphile peer) or a path.
     */
    node: { type: "string", default: "current" },
    /** Peers to drive the same scenarios through: `postgraphile` (needs --db postgres). */
    peer: { type: "string" },
    out: { type: "string" },
    "skip-floor": { type: "boolean", default: false },
    /** Writes a V8 CPU profile of each server process to bench/profiles/ (open in Chrome DevTools). */
    profile: { type: "boolean", default: false },
    /**
     * Records each side's CPU time with Linux perf while each scenario is measured, in
     * bench/profiles/<side>-<scenario>-<round>.perf.data (node bench/perf-summary.js FILE).
     */
    perf: { type: "boolean", default: false },
    /** Skips the events-out measurements (webhooks and subscribers). */
    "skip-events": { type: "boolean", default: false },
    /** Instead of the scenarios: N write transactions, the server's RSS sampled as they go. */
    soak: { type: "string" },
    /**
     * Instead of the sides' comparison: the project's scenarios measured alone and while CLIENTS
     * attackers (bench/attack.ts) send the worst documents the limits allow and refuse, in alternation.
     */
    attack: { type: "string" },
    /**
     * With --attack: also a server with this environment (`NAME=VALUE`, comma-separated), the two
     * taking turns each round (the order reversed every other round): before and after a change.
     */
    "attack-compare": { type: "string" },
    /** The compiled server to run (default dist); several, comma-separated, are sides of the run (A/B of builds). */
    "server-dist": { type: "string", default: "dist" },
    /**
     * Instead of the scenarios: staff-page-100 on two servers with one primary, against the same with
     * a streaming replica (private clusters; needs root). bench/replicas.ts.
     */
    replica: { type: "boolean", default: false },
    /** The project's telemetry settings to compare, comma-separated (bench/sides.ts, TELEMETRY); implies --skip-events. */
    telemetry: { type: "string" },
  },
});
const N = Number(args.orders);
const DURATION = Number(args.duration);
const WARMUP = Number(args.warmup);
const CONNECTIONS = Number(args.connections);
const ROUNDS = Math.max(1, Number(args.rounds));
const log = (m: string) => process.stderr.write(m + "\n");

async function databaseUrl(): Promise<{ url: string; describe: string }> {
  if (args.db === "embedded") {
    const dir = path.join(root, "bench", "data", `embedded-${N}`);
    return { url: `file:${dir}`, describe: `embedded PGlite (${dir})` };
  }
  const admin = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const name = `orders_bench_${N}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  const exists = (await c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name])).rowCount;
  if (!exists) await c.query(`CREATE DATABASE "${name}"`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return { url: u.toString(), describe: `PostgreSQL ${u.host}/${name}` };
}

async function prepare(url: string): Promise<Fixtures> {
  const location = url.startsWith("file:")
    ? { kind: "embedded" as const, dataDir: url.slice(5) }
    : { kind: "postgres" as const, url };
  const db: Database = await openDatabase(location, { poolMax: 4 });
  try {
    await migrateDeploy(db);
    const have = await seededOrders(db.pool);
    if (have === 0) {
      const t = Date.now();
      log(`Seeding ${N} orders…`);
      await seed(db.pool, N, log);
      log(`Seeded ${N} orders in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    } else log(`Using the ${have} orders already seeded`);
    if (!(await seededHistory(db.pool))) await seedHistory(db.pool, log);
    if (!(await seededFulfillment(db.pool))) await seedFulfillment(db.pool, log);
    await resetMutations(db);
    // Every run from the same state: the previous runs' writes (and resetMutations) leave dead rows
    // behind that slow both sides' index scans, and nothing vacuums them where autovacuum is off.
    await db.pool.query("VACUUM ANALYZE");
    const prisma = createPrisma(db);
    const staff = (await db.pool.query(`SELECT id FROM "User" WHERE email = 'staff@bench.example'`)).rows[0].id;
    const fixtures: Fixtures = {
      staffToken: await issueApiToken(prisma, staff),
      customerToken: await issueApiToken(prisma, 7),
      customerId: 7,
      // Guest orders (no owner): what a guest opens from the link in their confirmation email.
      guests: (await db.pool.query(`SELECT ref, token FROM "Order" WHERE "userId" IS NULL ORDER BY id DESC LIMIT 2000`))
        .rows,
      statusRefs: (await db.pool.query(`SELECT ref FROM "Order" ORDER BY id DESC LIMIT 500`)).rows.map((r) => r.ref),
      mutable: (await db.pool.query(`SELECT ref FROM "Order" ORDER BY id ASC LIMIT 500`)).rows.map((r) => r.ref),
      refundable: (
        await db.pool.query(
          `SELECT o.ref, p.id::text AS "paymentId" FROM "OrderPayment" p JOIN "Order" o ON o.id = p."orderId"
           WHERE p."paymentMethod" = 'credit-card' ORDER BY o.id ASC LIMIT 300`,
        )
      ).rows,
      // order edits: 200 orders that may be edited, after the 700 the other mutation scenarios change
      editable: (
        await db.pool.query(
          `SELECT o.ref, i.id::text AS "itemId", i."unitPrice"::text AS "unitPrice", i.quantity, o.total::text AS total
           FROM (SELECT id, ref, total FROM "Order" WHERE status IN ('CREATED','HOLD','FAILED','PROCESSING')
                 AND id > (SELECT max(id) FROM (SELECT id FROM "Order" ORDER BY id ASC LIMIT 700) m)
                 ORDER BY id ASC LIMIT 200) o
           JOIN LATERAL (SELECT * FROM "OrderItem" WHERE "orderId" = o.id ORDER BY id LIMIT 1) i ON true
           ORDER BY o.id`,
        )
      ).rows,
      shippable: await bulkOrders(db, 500, 600),
      returnable: await bulkOrders(db, 600, 700, { shipped: true }),
      ...(await stepPools(db)),
      payable: (
        await db.pool.query(
          `SELECT ref, token FROM "Order" WHERE NOT "isPaid" AND status IN ('CREATED','HOLD') ORDER BY id DESC LIMIT 500`,
        )
      ).rows,
    };
    // The status scenario's orders start CREATED and move between CREATED and HOLD.
    await db.pool.query(
      `UPDATE "Order" SET status = 'CREATED' WHERE id IN (SELECT id FROM "Order" ORDER BY id ASC LIMIT 200)`,
    );
    if (N >= 50_000) {
      const [row] = (
        await db.pool.query(
          `SELECT id, "dateCreated" FROM "Order" ORDER BY "dateCreated" DESC, id DESC OFFSET 49899 LIMIT 1`,
        )
      ).rows;
      fixtures.page500 = encodeCursor(["DATE_CREATED_DESC", new Date(row.dateCreated).toISOString(), row.id]);
      fixtures.page500Floor = { date: new Date(row.dateCreated).toISOString(), id: row.id };
    }
    await prisma.$disconnect();
    return fixtures;
  } finally {
    await db.close();
  }
}

interface Result {
  scenario: string;
  /** The side's name (project, project (Node 22), floor, postgraphile). */
  target: string;
  round: number;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  statementsPerRequest?: number;
  rssEndMB: number;
  rssMaxMB: number;
  /** The server process's CPU time per answered request: its own cost, whatever else the machine does. */
  cpuMsPerRequest: number;
  /** The share of that CPU time spent in the kernel (system calls: socket writes and reads, epoll). */
  kernelShare: number;
  /** CPU time of the PostgreSQL backends serving it, per answered request (PostgreSQL server only). */
  dbCpuMsPerRequest?: number;
}

type Stats = { statements: number; requests: number };
/** Requests and statements so far: the SQL-statements histogram's _count and _sum, over all its series. */
const statsOf = async (r: Running): Promise<Stats | null> => {
  if (!r.side.hasStats) return null;
  const text = await (await fetch(`${r.base}/metrics`)).text();
  const total = (name: string) =>
    text
      .split("\n")
      .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
  return {
    requests: total("graphql_server_operation_sql_statements_count"),
    statements: total("graphql_server_operation_sql_statements_sum"),
  };
};

/** A side's name in a file name: "project (Node 22)" → "project-node-22". */
const slug = (name: string) => name.toLowerCase().replace(/\W+/g, "-").replace(/^-|-$/g, "");

/** `perf record` of the process's CPU time (all its threads, kernel included) for `seconds`. */
function perfRecord(pid: number, seconds: number, out: string): Promise<void> {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const perf = spawn(
    "perf",
    ["record", "-e", "cpu-clock", "-F", "999", "-g", "-p", String(pid), "-o", out, "--", "sleep", String(seconds)],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let err = "";
  perf.stderr.on("data", (d) => (err += d));
  return new Promise((resolve, reject) => {
    perf.on("error", (e) => reject(new Error(`--perf needs Linux perf (Debian package linux-perf): ${e.message}`)));
    perf.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`perf record failed: ${err}`))));
  });
}

/**
 * Sends a scenario's requests to a side for `seconds` over CONNECTIONS connections. `next` numbers
 * the requests: one counter per scenario and process, so that a scenario goes on where its warm-up
 * left off (the status scenario moves orders back and forth).
 */
function load(
  server: Running,
  s: Scenario,
  f: Fixtures,
  seconds: number,
  next: { i: number },
  on: { answer?: (failed: boolean) => void; latency?: (ms: number) => void } = {},
): Promise<autocannon.Result> {
  const { side, base } = server;
  return new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections: CONNECTIONS,
        duration: seconds,
        requests: [
          {
            method: "POST",
            setupRequest: (req: any) => ({ ...req, ...side.request(s, next.i++, f) }),
            onResponse: (status: number, body: string) =>
              on.answer?.(status !== 200 || side.failed(body) || (side.kind === "project" && !!s.refused?.(body))),
          },
        ],
      } as any,
      (err: unknown, res: autocannon.Result) => (err ? reject(err) : resolve(res)),
    );
    if (on.latency) instance.on("response", (_c: unknown, _s: number, _b: number, ms: number) => on.latency!(ms));
  });
}

async function drive(
  server: Running,
  s: Scenario,
  f: Fixtures,
  round: number,
  next: { i: number },
  dbCpu?: DatabaseCpu,
): Promise<Result> {
  const { side, pid } = server;
  let errors = 0;
  const latencies: number[] = [];
  let measuring = false;
  const run = (seconds: number) =>
    load(server, s, f, seconds, next, {
      answer: (failed) => {
        if (measuring && failed) errors++;
      },
      latency: (ms) => {
        if (measuring) latencies.push(ms);
      },
    });
  if (WARMUP > 0) await run(WARMUP);
  const statsBefore = await statsOf(server);
  let rssMax = 0;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssOf(pid))), 250);
  const dbBefore = await dbCpu?.sample();
  const cpuBefore = cpuOf(pid);
  measuring = true;
  const perf = args.perf
    ? perfRecord(pid, DURATION, path.join(root, "bench", "profiles", `${slug(side.name)}-${s.name}-${round}.perf.data`))
    : undefined;
  const res = await run(DURATION);
  measuring = false;
  const cpuAfter = cpuOf(pid);
  const cpuKernel = cpuAfter.system - cpuBefore.system;
  const cpuUsed = cpuAfter.user - cpuBefore.user + cpuKernel;
  const dbAfter = await dbCpu?.sample();
  clearInterval(sampler);
  const statsAfter = await statsOf(server);
  await perf;
  latencies.sort((a, b) => a - b);
  const rssEnd = rssOf(pid);
  const answered = Math.max(1, res.requests.total);
  return {
    scenario: s.name,
    target: side.name,
    round,
    requests: res.requests.total,
    rps: Math.round(res.requests.total / DURATION),
    p50: round2(percentile(latencies, 50)),
    p95: round2(percentile(latencies, 95)),
    p99: round2(percentile(latencies, 99)),
    errors: errors + res.errors + res.non2xx,
    statementsPerRequest:
      statsBefore && statsAfter
        ? round2(
            (statsAfter.statements - statsBefore.statements) / Math.max(1, statsAfter.requests - statsBefore.requests),
          )
        : undefined,
    rssEndMB: Math.round(rssEnd / 1048576),
    rssMaxMB: Math.round(Math.max(rssMax, rssEnd) / 1048576),
    cpuMsPerRequest: round2(cpuUsed / answered),
    kernelShare: round2(cpuKernel / Math.max(1, cpuUsed)),
    dbCpuMsPerRequest: dbBefore && dbAfter ? round2(DatabaseCpu.used(dbBefore, dbAfter) / answered) : undefined,
  };
}

/** One answer's data (an answer with errors, or without data, fails the check). */
async function ask(server: Running, s: Scenario, i: number, f: Fixtures): Promise<any> {
  const r = server.side.request(s, i, f);
  const res = await fetch(server.base + r.path, { method: "POST", headers: r.headers, body: r.body });
  const body = (await res.json()) as { data?: unknown; errors?: unknown };
  if (res.status !== 200 || body.errors || !body.data)
    throw new Error(`${server.side.name} answered ${s.name} with ${res.status}: ${JSON.stringify(body).slice(0, 500)}`);
  return body.data;
}

/**
 * Before a peer is timed: for each read scenario it answers, the first three requests of the
 * scenario, asked of the project and of the peer, must give the same orders (same refs, amounts,
 * items, payments, notes, history: bench/substance.ts). Throws at the first difference.
 */
async function checkAnswers(url: string, project: Side, peers: Side[], scenarios: Scenario[], f: Fixtures) {
  const p = await startSide(project, url);
  try {
    for (const peer of peers) {
      const q = await startSide(peer, url);
      try {
        log(`Checking that ${peer.name} and ${project.name} give the same answers…`);
        for (const s of scenarios.filter((x) => x.read && peer.serves(x, f))) {
          const oneSided = new Set<string>();
          let orders = 0;
          for (let i = 0; i < 3; i++) {
            const [a, b] = await Promise.all([ask(p, s, i, f), ask(q, s, i, f)]);
            const [ca, cb] = [substance(a), substance(b)];
            const diffs = differences(ca, cb, "", oneSided);
            if (ca.length === 0) throw new Error(`${s.name}: ${project.name} found no order to compare`);
            if (diffs.length)
              throw new Error(
                `${s.name}, request ${i}: ${peer.name} does not answer as ${project.name}:\n  ${diffs.slice(0, 10).join("\n  ")}`,
              );
            orders += ca.length;
          }
          log(
            `  ${s.name}: the same ${orders} orders in 3 answers` +
              (oneSided.size ? ` (asked of one side only: ${[...oneSided].join(", ")})` : ""),
          );
        }
      } finally {
        await stopSide(q);
      }
    }
  } finally {
    await stopSide(p);
  }
}

/**
 * An OTLP/HTTP receiver for the traced sides: it reads each export whole and answers 200 (an empty
 * ExportTraceServiceResponse), keeping only the count of bytes.
 */
async function otlpSink(): Promise<{ url: string; bytes(): number; close(): Promise<void> }> {
  let bytes = 0;
  const server = http.createServer((req, res) => {
    req.on("data", (d: Buffer) => (bytes += d.length));
    req.on("end", () => res.writeHead(200, { "content-type": "application/x-protobuf" }).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bytes: () => bytes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The project's sides, one per Node binary of --node (or one per --telemetry setting). */
function projectSides(sink?: { url: string }): Side[] {
  if (args.telemetry) {
    return args.telemetry.split(",").map((t) => {
      const setting = TELEMETRY[t.trim()];
      if (!setting) throw new Error(`unknown --telemetry ${t} (known: ${Object.keys(TELEMETRY).join(", ")})`);
      const traced = "OTEL_TRACES_SAMPLER" in setting.env;
      return projectSide(nodeBinary(process.execPath), setting.label, args["server-dist"], {
        ...setting.env,
        ...(traced ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink!.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf" } : {}),
      });
    });
  }
  const nodes: NodeBinary[] = args
    .node!.split(",")
    .map((n) => n.trim())
    .filter(Boolean)
    .map((n) => (n === "current" ? nodeBinary(process.execPath) : n === "22" ? node22(log) : nodeBinary(n)));
  const dists = args["server-dist"]!.split(",")
    .map((d) => d.trim())
    .filter(Boolean);
  if (dists.length > 1) {
    // Builds side by side (A/B): one side per build, on each Node given.
    return nodes.flatMap((n) =>
      dists.map((d) => projectSide(n, nodes.length > 1 ? `project ${d} (Node ${n.major})` : `project ${d}`, d)),
    );
  }
  if (nodes.length === 1 && nodes[0].bin === process.execPath) return [projectSide(nodes[0], "project", dists[0])];
  return nodes.map((n) => projectSide(n, `project (Node ${n.major})`, dists[0]));
}

function peerSides(): Side[] {
  const names = args.peer?.split(",").filter(Boolean) ?? [];
  return names.map((name) => {
    if (name !== "postgraphile") throw new Error(`unknown peer ${name} (known: postgraphile)`);
    if (args.db !== "postgres")
      throw new Error("--peer postgraphile needs --db postgres: it connects to a PostgreSQL server");
    return postgraphileSide(log);
  });
}

const range = (xs: (number | undefined)[], digits = 2): string => {
  const v = xs.filter((x): x is number => x !== undefined && Number.isFinite(x));
  if (v.length === 0) return "-";
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  const fmt = (x: number) => (digits === 0 ? String(Math.round(x)) : String(round2(x)));
  return fmt(lo) === fmt(hi) ? fmt(lo) : `${fmt(lo)}–${fmt(hi)}`;
};

function markdownTable(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(" | ")} |`,
    `| ${header.map((h) => "-".repeat(Math.max(3, h.length))).join(" | ")} |`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ];
}

/** The tables: each side's figures (ranges over the rounds), then the project's ratios to the others. */
function report(scenarios: Scenario[], sides: Side[], results: Result[]): string[] {
  const of = (s: Scenario, side: Side) => results.filter((r) => r.scenario === s.name && r.target === side.name);
  const rows: string[][] = [];
  for (const s of scenarios)
    for (const side of sides) {
      const rs = of(s, side);
      if (rs.length === 0) continue;
      rows.push([
        s.name,
        side.name,
        range(
          rs.map((r) => r.rps),
          0,
        ),
        range(rs.map((r) => r.p50)),
        range(rs.map((r) => r.p99)),
        range(rs.map((r) => r.cpuMsPerRequest)),
        range(
          rs.map((r) => r.kernelShare * 100),
          0,
        ) + "%",
        range(rs.map((r) => r.dbCpuMsPerRequest)),
        range(rs.map((r) => r.statementsPerRequest)),
        `${range(
          rs.map((r) => r.rssEndMB),
          0,
        )} (${Math.max(...rs.map((r) => r.rssMaxMB))})`,
        String(rs.reduce((n, r) => n + r.errors, 0)),
      ]);
    }
  const lines = markdownTable(
    [
      "scenario",
      "side",
      "req/s",
      "p50 ms",
      "p99 ms",
      "CPU ms/req",
      "of it in the kernel",
      "DB CPU ms/req",
      "SQL/req",
      "RSS MB (max)",
      "errors",
    ],
    rows,
  );
  // Ratios, round by round: a project side's req/s over another side's, and its CPU per request over theirs.
  const projects = sides.filter((x) => x.kind === "project");
  const others = sides.filter((x) => x.kind !== "project");
  const pairs = [
    ...projects.flatMap((p) => others.map((o) => [p, o] as const)),
    ...projects.slice(1).map((p) => [p, projects[0]] as const),
  ];
  const ratioRows: string[][] = [];
  for (const s of scenarios) {
    const cells: string[] = [];
    let any = false;
    for (const [p, o] of pairs) {
      const rps: number[] = [];
      const cpu: number[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        const a = of(s, p).find((r) => r.round === round);
        const b = of(s, o).find((r) => r.round === round);
        if (!a || !b) continue;
        rps.push(a.rps / Math.max(1, b.rps));
        cpu.push(a.cpuMsPerRequest / Math.max(0.001, b.cpuMsPerRequest));
      }
      any ||= rps.length > 0;
      cells.push(range(rps), range(cpu));
    }
    if (any) ratioRows.push([s.name, ...cells]);
  }
  if (ratioRows.length === 0) return lines;
  return [
    ...lines,
    "",
    `Ratios, round by round (req/s: the first side's over the second's; CPU: the first side's CPU ms per request over the second's):`,
    "",
    ...markdownTable(
      ["scenario", ...pairs.flatMap(([p, o]) => [`${p.name}/${o.name} req/s`, `${p.name}/${o.name} CPU`])],
      ratioRows,
    ),
  ];
}

async function checkConsistency(url: string): Promise<{ ordersChecked: number; inconsistent: number }> {
  const location = url.startsWith("file:")
    ? { kind: "embedded" as const, dataDir: url.slice(5) }
    : { kind: "postgres" as const, url };
  const db = await openDatabase(location, { poolMax: 2 });
  try {
    const { rows } = await db.pool.query(`
      SELECT count(*)::int AS checked,
             count(*) FILTER (WHERE o."amountPaid" <> COALESCE(p.sum, 0) OR o."isPaid" <> (o."amountPaid" - o."amountRefundedFromPaid" >= o.total)
                                 OR o."amountRefunded" <> COALESCE(r.sum, 0) OR COALESCE(r.sum, 0) <> COALESCE(e.sum, 0))::int AS bad
      FROM "Order" o
      LEFT JOIN (SELECT "orderId", sum(amount) AS sum FROM "OrderPayment" GROUP BY "orderId") p ON p."orderId" = o.id
      LEFT JOIN (SELECT "orderId", sum(amount) AS sum FROM "OrderRefund" GROUP BY "orderId") r ON r."orderId" = o.id
      LEFT JOIN (SELECT "orderId", sum(amount) AS sum FROM "OrderEvent" WHERE type = 'PAYMENT_REFUNDED' GROUP BY "orderId") e ON e."orderId" = o.id`);
    return { ordersChecked: rows[0].checked, inconsistent: rows[0].bad };
  } finally {
    await db.close();
  }
}

/** Undoes what earlier runs' mutation scenarios wrote, so that every run reads the same shop. */
/**
 * Orders of the oldest 1,000 (away from the pages the reads fetch) whose first line holds a million
 * units, so that the shipment and return scenarios ship or ask back one unit a run at a time without
 * running out; `shipped`: all of them shipped once, before the run. Each with its first item's id.
 */
async function bulkOrders(
  db: Database,
  from: number,
  to: number,
  o: { shipped?: boolean } = {},
): Promise<{ ref: string; token: string; itemId: string }[]> {
  const { rows } = await db.pool.query(
    `SELECT o.ref, o.token, min(i.id)::text AS "itemId" FROM "Order" o JOIN "OrderItem" i ON i."orderId" = o.id
     WHERE o.id IN (SELECT id FROM "Order" ORDER BY id ASC OFFSET ${from} LIMIT ${to - from}) GROUP BY o.id ORDER BY o.id`,
  );
  const items = rows.map((r) => Number(r.itemId));
  await db.pool.query(`UPDATE "Order" SET status = 'PROCESSING' WHERE ref = ANY($1)`, [rows.map((r) => r.ref)]);
  await db.pool.query(`UPDATE "OrderItem" SET quantity = 1000000 WHERE id = ANY($1)`, [items]);
  await db.pool.query(
    `DELETE FROM "OrderShipment" WHERE "orderId" IN (SELECT "orderId" FROM "OrderItem" WHERE id = ANY($1))`,
    [items],
  );
  await db.pool.query(
    `DELETE FROM "OrderReturn" WHERE "orderId" IN (SELECT "orderId" FROM "OrderItem" WHERE id = ANY($1))`,
    [items],
  );
  if (o.shipped) {
    await db.pool.query(
      `WITH s AS (INSERT INTO "OrderShipment" ("orderId", carrier, "trackingNumber")
                  SELECT "orderId", 'DHL', 'BULK' || id FROM "OrderItem" WHERE id = ANY($1) ORDER BY id RETURNING id, "orderId")
       INSERT INTO "ShipmentLine" ("shipmentId", "itemId", quantity)
       SELECT s.id, i.id, 1000000 FROM s JOIN "OrderItem" i ON i."orderId" = s."orderId" AND i.id = ANY($1)`,
      [items],
    );
  }
  return rows;
}

/** How many things each pool of the shipment and return steps holds per order (100 orders a pool). */
const PER_ORDER = 40;

/**
 * The pools of the shipment and return steps (scenarios.ts, Fixtures), set up afresh by every run
 * (after resetMutations, which takes back the refunds earlier runs made), each of 100 orders after
 * the ones the other write scenarios change, in PROCESSING, their first line holding a million
 * units: PER_ORDER shipments of one unit not delivered yet (orders 1,100–1,199); PER_ORDER returns
 * of one unit REQUESTED (1,200–1,299, to approve; 1,300–1,399, to decline), APPROVED (1,400–1,499)
 * and RECEIVED (orders of 1,500–1,899 with a credit-card payment and no refund, to refund), all of
 * a line shipped in full. The refunded orders' first line is a million units at 1.00, their total
 * and payment made to match, so that each return is worth 1.00 and each refund calls the method.
 * Each pool is listed a thing of every order in turn, so that consecutive requests touch different
 * orders. A shop too small for a pool gets none, and its scenario is left out.
 */
async function stepPools(
  db: Database,
): Promise<Pick<Fixtures, "deliverable" | "approvable" | "declinable" | "receivable" | "refundableReturns">> {
  const q = (sql: string, params: unknown[] = []) => db.pool.query(sql, params);
  const range = async (from: number, to: number, where = "true") =>
    (
      await q(
        `SELECT o.id, o.ref, min(i.id) AS "itemId" FROM "Order" o JOIN "OrderItem" i ON i."orderId" = o.id
         WHERE o.id IN (SELECT id FROM "Order" ORDER BY id ASC OFFSET ${from} LIMIT ${to - from}) AND ${where}
         GROUP BY o.id ORDER BY o.id LIMIT 100`,
      )
    ).rows as { id: number; ref: string; itemId: number }[];
  const deliver = await range(1100, 1200);
  const approve = await range(1200, 1300);
  const decline = await range(1300, 1400);
  const receive = await range(1400, 1500);
  // Orders with their seeded credit-card payment ('bench-<id>') and no seeded refund (every fourth order has one).
  const refund = await range(1500, 1900, `o.id % 4 = 2`);
  const all = [...deliver, ...approve, ...decline, ...receive, ...refund];
  if (all.length === 0)
    return { deliverable: [], approvable: [], declinable: [], receivable: [], refundableReturns: [] };
  const ids = (xs: { id: number }[]) => xs.map((x) => x.id);
  const items = (xs: { itemId: number }[]) => xs.map((x) => x.itemId);
  await q(`DELETE FROM "OrderShipment" WHERE "orderId" = ANY($1)`, [ids(all)]);
  await q(`DELETE FROM "OrderReturn" WHERE "orderId" = ANY($1)`, [ids(all)]);
  await q(`UPDATE "Order" SET status = 'PROCESSING' WHERE id = ANY($1)`, [ids(all)]);
  await q(`UPDATE "OrderItem" SET quantity = 1000000 WHERE id = ANY($1)`, [items(all)]);
  if (refund.length) {
    await q(`UPDATE "OrderItem" SET "unitPrice" = 1.00, subtotal = 1000000.00, total = 1000000.00 WHERE id = ANY($1)`, [
      items(refund),
    ]);
    await q(
      `UPDATE "Order" o SET subtotal = t.sum, total = t.sum, "amountPaid" = t.sum, "amountRefunded" = 0, "amountRefundedFromPaid" = 0, "isPaid" = true
       FROM (SELECT "orderId", sum(total) AS sum FROM "OrderItem" WHERE "orderId" = ANY($1) GROUP BY "orderId") t
       WHERE o.id = t."orderId"`,
      [ids(refund)],
    );
    await q(
      `UPDATE "OrderPayment" p SET amount = o.total, "amountRefunded" = 0, "refundedAt" = NULL
       FROM "Order" o WHERE o.id = p."orderId" AND o.id = ANY($1)`,
      [ids(refund)],
    );
  }
  // One unit per shipment, PER_ORDER of them, not delivered.
  await q(
    `WITH s AS (INSERT INTO "OrderShipment" ("orderId", carrier, "trackingNumber")
                SELECT i."orderId", 'DHL', 'POOL' || i.id || '-' || k FROM "OrderItem" i, generate_series(1, ${PER_ORDER}) k
                WHERE i.id = ANY($1) ORDER BY k, i.id RETURNING id, "orderId")
     INSERT INTO "ShipmentLine" ("shipmentId", "itemId", quantity)
     SELECT s.id, i.id, 1 FROM s JOIN "OrderItem" i ON i."orderId" = s."orderId" AND i.id = ANY($1)`,
    [items(deliver)],
  );
  // The return pools' lines shipped in full, in one shipment each.
  const returned = [...approve, ...decline, ...receive, ...refund];
  await q(
    `WITH s AS (INSERT INTO "OrderShipment" ("orderId", carrier, "trackingNumber")
                SELECT "orderId", 'DHL', 'POOL' || id FROM "OrderItem" WHERE id = ANY($1) ORDER BY id RETURNING id, "orderId")
     INSERT INTO "ShipmentLine" ("shipmentId", "itemId", quantity)
     SELECT s.id, i.id, 1000000 FROM s JOIN "OrderItem" i ON i."orderId" = s."orderId" AND i.id = ANY($1)`,
    [items(returned)],
  );
  const returns = async (pool: { itemId: number }[], status: string) => {
    if (pool.length === 0) return [];
    const { rows } = await q(
      `WITH r AS (INSERT INTO "OrderReturn" ("orderId", status, reason)
                  SELECT i."orderId", '${status}', 'Bench' FROM "OrderItem" i, generate_series(1, ${PER_ORDER}) k
                  WHERE i.id = ANY($1) ORDER BY k, i.id RETURNING id, "orderId"),
            l AS (INSERT INTO "ReturnLine" ("returnId", "itemId", quantity, restock)
                  SELECT r.id, i.id, 1, ${status === "RECEIVED" ? "true" : "NULL"}
                  FROM r JOIN "OrderItem" i ON i."orderId" = r."orderId" AND i.id = ANY($1))
       SELECT o.ref, r.id::text AS id, i.id::text AS "itemId"
       FROM r JOIN "Order" o ON o.id = r."orderId" JOIN "OrderItem" i ON i."orderId" = r."orderId" AND i.id = ANY($1)
       ORDER BY r.id`,
      [items(pool)],
    );
    return rows as { ref: string; id: string; itemId: string }[];
  };
  const deliverable = (
    await q(
      `SELECT o.ref, s.id::text AS id FROM "OrderShipment" s JOIN "Order" o ON o.id = s."orderId"
       WHERE s."orderId" = ANY($1) ORDER BY s.id`,
      [ids(deliver)],
    )
  ).rows;
  return {
    deliverable,
    approvable: await returns(approve, "REQUESTED"),
    declinable: await returns(decline, "REQUESTED"),
    receivable: await returns(receive, "APPROVED"),
    refundableReturns: await returns(refund, "RECEIVED"),
  };
}

async function resetMutations(db: Database): Promise<void> {
  // What runs wrote is dated after the newest seeded order (the seed writes nothing later).
  const events = await db.pool.query(
    `DELETE FROM "OrderEvent" WHERE "dateCreated" > (SELECT max("dateCreated") FROM "Order")`,
  );
  await db.pool.query(`DELETE FROM "OrderNote" WHERE "dateCreated" > (SELECT max("dateCreated") FROM "Order")`);
  await db.pool.query(`DELETE FROM "Webhook"`);
  const refunds = await db.pool.query(
    `DELETE FROM "OrderRefund" WHERE "transactionId" IS NULL OR "transactionId" !~ '^bench-r-[0-9]+$' RETURNING "orderId"`,
  );
  const payments = await db.pool.query(
    `DELETE FROM "OrderPayment" WHERE "transactionId" !~ '^bench-[0-9]+$' RETURNING "orderId"`,
  );
  const ids = [...new Set([...refunds.rows, ...payments.rows].map((r) => r.orderId as number))];
  if (ids.length === 0) return;
  await db.pool.query(
    `UPDATE "OrderPayment" p SET "amountRefunded" = COALESCE(r.sum, 0), "refundedAt" = NULL
     FROM (SELECT "paymentId", sum(amount) AS sum FROM "OrderRefund" WHERE "orderId" = ANY($1) GROUP BY "paymentId") r
     WHERE p."orderId" = ANY($1) AND r."paymentId" = p.id`,
    [ids],
  );
  await db.pool.query(
    `UPDATE "OrderPayment" SET "amountRefunded" = 0, "refundedAt" = NULL WHERE "orderId" = ANY($1) AND "id" NOT IN (SELECT "paymentId" FROM "OrderRefund" WHERE "orderId" = ANY($1))`,
    [ids],
  );
  await db.pool.query(
    `UPDATE "Order" o SET "amountPaid" = COALESCE(p.paid, 0), "isPaid" = COALESCE(p.paid, 0) >= o.total, "amountRefunded" = COALESCE(p.refunded, 0),
            "amountRefundedFromPaid" = LEAST(COALESCE(p.refunded, 0), GREATEST(0, COALESCE(p.paid, 0) - o.total))
     FROM (SELECT x.id, (SELECT sum(amount) FROM "OrderPayment" WHERE "orderId" = x.id) AS paid,
                        (SELECT sum(amount) FROM "OrderRefund" WHERE "orderId" = x.id) AS refunded
           FROM unnest($1::int[]) AS x(id)) p
     WHERE o.id = p.id`,
    [ids],
  );
  log(
    `Removed ${payments.rowCount} payments, ${refunds.rowCount} refunds and ${events.rowCount} events left by earlier runs`,
  );
}

/**
 * --soak N: N change-status transactions (each writes the order, its event and, with a webhook
 * subscribed, a delivery the dispatcher sends to a receiver here), in four equal rounds; the server's
 * RSS after each round shows whether memory grows with the work done.
 */
async function soak(url: string, f: Fixtures, total: number, side: Side): Promise<void> {
  const rounds = 4;
  const http = await import("node:http");
  let received = 0;
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      received++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const hook = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
  const server = await startSide(side, url, {
    profileDir: args.profile
      ? path.join(root, "bench", "profiles", `${slug(side.name)}-soak-${Date.now()}`)
      : undefined,
  });
  const { child, base } = server;
  const series: { done: number; rssMB: number; rps: number; errors: number; delivered: number }[] = [];
  try {
    const created = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${f.staffToken}` },
      body: JSON.stringify({
        query: `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { ... on WebhookCreated { webhook { id } } ... on InvalidInputError { message } } }`,
        variables: { input: { url: hook, events: ["STATUS_CHANGED"] } },
      }),
    }).then((r) => r.json() as Promise<{ errors?: unknown }>);
    if (created.errors || !JSON.stringify(created).includes('"webhook"'))
      throw new Error(`could not subscribe the soak's webhook: ${JSON.stringify(created)}`);
    series.push({ done: 0, rssMB: Math.round(rssOf(child.pid!) / 1048576), rps: 0, errors: 0, delivered: 0 });
    const s = SCENARIOS.find((x) => x.name === "change-status")!;
    let i = 0;
    for (let round = 1; round <= rounds; round++) {
      const amount = Math.round(total / rounds);
      let errors = 0;
      const t = Date.now();
      const res = await new Promise<autocannon.Result>((resolve, reject) =>
        autocannon(
          {
            url: base,
            connections: CONNECTIONS,
            amount,
            requests: [
              {
                method: "POST",
                setupRequest: (req: any) => ({ ...req, ...side.request(s, i++, f) }),
                onResponse: (status: number, body: string) => {
                  if (status !== 200 || body.includes('"errors":')) errors++;
                },
              },
            ],
          } as any,
          (err: unknown, r: autocannon.Result) => (err ? reject(err) : resolve(r)),
        ),
      );
      const seconds = (Date.now() - t) / 1000;
      series.push({
        done: series[series.length - 1].done + res.requests.total,
        rssMB: Math.round(rssOf(child.pid!) / 1048576),
        rps: Math.round(res.requests.total / seconds),
        errors: errors + res.errors + res.non2xx,
        delivered: received,
      });
      const last = series[series.length - 1];
      log(
        `  ${last.done} writes: RSS ${last.rssMB} MB, ${last.rps} req/s, ${last.errors} errors, ${last.delivered} webhooks received`,
      );
    }
    // The dispatcher catches up (bounded wait), then the last sample.
    const deadline = Date.now() + 120_000;
    while (received < series[series.length - 1].done && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 250));
  } finally {
    await stopSide(server);
    receiver.close();
  }
  const last = series[series.length - 1];
  console.log(
    [
      `Soak — ${last.done} change-status transactions on ${N} orders, ${CONNECTIONS} connections, one webhook subscribed`,
      "",
      "| writes done | server RSS MB | req/s in the round | errors | webhooks received |",
      "| ----------- | ------------- | ------------------ | ------ | ----------------- |",
      ...series.map((x) => `| ${x.done} | ${x.rssMB} | ${x.rps || "-"} | ${x.errors} | ${x.delivered} |`),
      "",
      `Webhooks received in the end: ${received} of ${last.done}.`,
    ].join("\n"),
  );
  const bad = series.some((x) => x.errors > 0) || received < last.done;
  process.exit(bad ? 1 : 0);
}

/**
 * The attacker's account: a customer of the seed other than the legitimate traffic's (its own
 * orders are what its pages of 100 read), as an attacker would sign up for one.
 */
async function attackerToken(url: string, legitimate: number): Promise<string> {
  const location = url.startsWith("file:")
    ? { kind: "embedded" as const, dataDir: url.slice(5) }
    : { kind: "postgres" as const, url };
  const db: Database = await openDatabase(location, { poolMax: 1 });
  try {
    const { rows } = await db.pool.query(
      `SELECT "userId" AS id FROM "Order" WHERE "userId" IS NOT NULL AND "userId" <> $1
       GROUP BY "userId" ORDER BY count(*) DESC, "userId" LIMIT 1`,
      [legitimate],
    );
    return await issueApiToken(createPrisma(db), rows[0].id);
  } finally {
    await db.close();
  }
}

/**
 * --attack CLIENTS: each scenario measured alone and under attack, the two in alternation (the order
 * reversed every other round), on one server process per side and round. The attackers sign in as
 * a customer of their own. With --attack-compare, a second server (the same with that environment)
 * takes turns with the first, round by round.
 */
async function attack(url: string, f: Fixtures, side: Side, scenarios: Scenario[], clients: number) {
  const compare = args["attack-compare"];
  const sides = [side];
  if (compare) {
    const env = Object.fromEntries(compare.split(",").map((kv) => kv.trim().split("=") as [string, string]));
    const variant = projectSide(side.node, compare, args["server-dist"], { METRICS: "on", ...env });
    sides.push(variant);
  }
  const token = await attackerToken(url, f.customerId);
  const rows: {
    side: string;
    scenario: string;
    attacked: boolean;
    r: Result;
    attackRps: number;
    unexpected: number;
    throttled: number;
  }[] = [];
  const counters = new Map(scenarios.map((s) => [s.name, { i: 0 }]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const sd of round % 2 === 1 ? sides : [...sides].reverse()) {
      const server = await startSide(sd, url);
      try {
        for (const s of scenarios) {
          for (const attacked of round % 2 === 1 ? [false, true] : [true, false]) {
            log(`round ${round}, ${sd.name}, ${s.name}${attacked ? `, ${clients} attackers` : ", alone"}…`);
            const a = attacked ? startAttack(server.base, token, clients) : undefined;
            const started = Date.now();
            const r = await drive(server, s, f, round, counters.get(s.name)!);
            await a?.stop();
            const attackRps = a ? Math.round(a.sent / ((Date.now() - started) / 1000)) : 0;
            rows.push({
              side: sd.name,
              scenario: s.name,
              attacked,
              r,
              attackRps,
              unexpected: a?.unexpected ?? 0,
              throttled: a?.throttled ?? 0,
            });
            log(
              `  ${r.rps} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors}` +
                (a
                  ? `; attacker ${attackRps} req/s, ${a.throttled} answered 429, ${a.unexpected} unexpected answers`
                  : ""),
            );
          }
        }
      } finally {
        await stopSide(server);
      }
    }
  }
  const range = (xs: number[]) => {
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    return lo === hi ? String(lo) : `${lo}–${hi}`;
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const lines = [
    `Attack — ${N} orders, ${CONNECTIONS} legitimate connections, ${clients} attacker clients, ${ROUNDS} rounds of ${DURATION} s, alone and attacked in alternation`,
    "",
    "| server | scenario | p50 ms alone | p50 ms attacked | p99 ms alone | p99 ms attacked | p50 / p99 attacked ÷ alone (medians) | req/s alone / attacked | attacker req/s | attacker answered 429 | errors | unexpected attacker answers |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const sd of sides) {
    for (const s of scenarios) {
      const alone = rows.filter((x) => x.side === sd.name && x.scenario === s.name && !x.attacked);
      const hit = rows.filter((x) => x.side === sd.name && x.scenario === s.name && x.attacked);
      const ratio = (k: "p50" | "p99") =>
        round2(median(hit.map((x) => x.r[k])) / Math.max(0.01, median(alone.map((x) => x.r[k]))));
      lines.push(
        `| ${sd.name} | ${s.name} | ${range(alone.map((x) => x.r.p50))} | ${range(hit.map((x) => x.r.p50))} | ${range(alone.map((x) => x.r.p99))} | ${range(hit.map((x) => x.r.p99))} | ${ratio("p50")} / ${ratio("p99")} | ${range(alone.map((x) => x.r.rps))} / ${range(hit.map((x) => x.r.rps))} | ${range(hit.map((x) => x.attackRps))} | ${hit.reduce((n, x) => n + x.throttled, 0)} | ${[...alone, ...hit].reduce((n, x) => n + x.r.errors, 0)} | ${hit.reduce((n, x) => n + x.unexpected, 0)} |`,
      );
    }
  }
  console.log(lines.join("\n"));
}

async function main() {
  execFileSync(process.execPath, [path.join(root, "scripts", "build-if-stale.js")], { stdio: ["ignore", 2, 2] });
  if (args.replica) return replicaMain();
  const { url, describe } = await databaseUrl();
  const sink = args.telemetry ? await otlpSink() : undefined;
  const projects = projectSides(sink);
  const peers = peerSides();
  const fixtures = await prepare(url);
  if (args.soak) return soak(url, fixtures, Number(args.soak), projects[0]);
  const wanted = args.scenarios?.split(",");
  const scenarios = SCENARIOS.filter((s) => (wanted ? wanted.includes(s.name) : true))
    .filter((s) => s.name !== "staff-page-500" || fixtures.page500)
    .filter((s) => s.available?.(fixtures) ?? true);
  if (args.attack) return attack(url, fixtures, projects[0], scenarios, Number(args.attack));
  const eventParts =
    args["skip-events"] || args.telemetry || (wanted && !wanted.includes("events") && !wanted.includes("webhooks"))
      ? undefined
      : { subscribers: !wanted || wanted.includes("events") };
  const sides = [...projects, ...(args["skip-floor"] ? [] : [floorSide()]), ...peers];
  if (peers.length) await checkAnswers(url, projects[0], peers, scenarios, fixtures);
  const dbCpu = url.startsWith("postgres") ? await DatabaseCpu.open(url) : undefined;
  const results: Result[] = [];
  const events: { target: string; round: number; rssMB: number; results: EventResults }[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 === 1 ? sides : [...sides].reverse();
    for (const side of order) {
      const todo = scenarios.filter((s) => side.serves(s, fixtures));
      const withEvents = side.kind === "project" && eventParts !== undefined;
      if (todo.length === 0 && !withEvents) continue;
      const profileDir = args.profile
        ? path.join(root, "bench", "profiles", `${slug(side.name)}-${round}-${Date.now()}`)
        : undefined;
      const server = await startSide(side, url, { profileDir, perfMap: args.perf });
      try {
        // Every scenario once before any is measured: the first one measured after start-up
        // would otherwise pay for the JIT's warm-up of the code they share (longer on Node 22).
        const counters = new Map(todo.map((s) => [s.name, { i: 0 }]));
        if (WARMUP > 0 && todo.length > 1) {
          log(`${side.name}: warming up on every scenario (${WARMUP} s each)…`);
          for (const s of todo) await load(server, s, fixtures, WARMUP, counters.get(s.name)!);
        }
        for (const s of todo) {
          log(`${ROUNDS > 1 ? `round ${round}, ` : ""}${side.name}: ${s.name}…`);
          const r = await drive(server, s, fixtures, round, counters.get(s.name)!, dbCpu);
          results.push(r);
          log(
            `  ${r.rps} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors}, CPU ${r.cpuMsPerRequest} ms/req (${Math.round(r.kernelShare * 100)}% in the kernel)` +
              `${r.dbCpuMsPerRequest !== undefined ? ` (+ ${r.dbCpuMsPerRequest} in PostgreSQL)` : ""}` +
              `${r.statementsPerRequest !== undefined ? `, ${r.statementsPerRequest} SQL/req` : ""}, RSS ${r.rssEndMB} MB`,
          );
        }
        if (withEvents) {
          const e = await runEventBench({
            base: server.base,
            token: fixtures.staffToken,
            dbUrl: url,
            refs: fixtures.mutable.slice(0, 100),
            subscribers: eventParts.subscribers,
            pid: server.pid,
            log,
          });
          events.push({ target: side.name, round, rssMB: Math.round(rssOf(server.pid) / 1048576), results: e });
        }
      } finally {
        await stopSide(server);
      }
    }
  }
  await dbCpu?.close();
  if (sink) log(`OTLP receiver: ${Math.round(sink.bytes() / 1024)} KiB of traces received`);
  await sink?.close();
  const consistency = await checkConsistency(url);

  const lines = [
    `Orders benchmark — ${N} orders on ${describe}, ${CONNECTIONS} connections, ${DURATION} s after ${WARMUP} s warm-up` +
      (ROUNDS > 1 ? `, ${ROUNDS} rounds in alternation (ranges over the rounds)` : ""),
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; bench on Node ${process.version}`,
    `Sides: ${sides.map((s) => `${s.name} on Node ${s.node.version}`).join("; ")}`,
    "",
    ...report(scenarios, sides, results),
    "",
    `Consistency after the mutations: ${consistency.inconsistent} of ${consistency.ordersChecked} orders where amountPaid ≠ Σ payments, isPaid is wrong, amountRefunded ≠ Σ refunds or a refund lacks its event.`,
    ...events.flatMap(({ target, round, rssMB, results: e }) => [
      "",
      `Events out, ${target}${ROUNDS > 1 ? `, round ${round}` : ""} (server RSS after them: ${rssMB} MB):`,
      `- webhook latency, event → delivered: p50 ${e.webhookLatency.p50} ms, p99 ${e.webhookLatency.p99} ms, max ${e.webhookLatency.max} ms (${e.webhookLatency.events} events at 100/s; writes acknowledged at ${e.webhookLatency.writesPerSecond}/s, write p50 ${e.webhookLatency.writeP50} ms, p99 ${e.webhookLatency.writeP99} ms, ${e.webhookLatency.refused} refused${e.webhookLatency.refusedWith ? ` (the first: ${e.webhookLatency.refusedWith})` : ""}${e.webhookLatency.cpuMsPerWrite === undefined ? "" : `; server CPU ${e.webhookLatency.cpuMsPerWrite} ms per write, its delivery included`})`,
      e.webhookThroughput
        ? `- webhook throughput: ${e.webhookThroughput.perSecond} deliveries/s (${e.webhookThroughput.deliveries} deliveries to ${e.webhookThroughput.endpoints} endpoints in ${e.webhookThroughput.seconds} s)`
        : "- webhook throughput: measured with --db postgres only",
      e.subscriberLatency
        ? `- subscriber latency, event → received, ${e.subscriberLatency.subscribers} subscribers: p50 ${e.subscriberLatency.p50} ms, p99 ${e.subscriberLatency.p99} ms, max ${e.subscriberLatency.max} ms (${e.subscriberLatency.events} events at 20/s, ${e.subscriberLatency.messages} messages)`
        : "- subscribers: not measured (--scenarios webhooks)",
    ]),
  ];
  console.log(lines.join("\n"));
  const out = args.out ?? path.join(root, "bench", "results", `${args.db}-${N}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        orders: N,
        database: describe,
        connections: CONNECTIONS,
        duration: DURATION,
        warmup: WARMUP,
        rounds: ROUNDS,
        sides: sides.map((s) => ({ name: s.name, kind: s.kind, node: s.node.version })),
        results,
        events,
        consistency,
      },
      null,
      2,
    ),
  );
  log(`wrote ${path.relative(process.cwd(), out)}`);
  const bad = results.some((r) => r.errors > 0) || consistency.inconsistent > 0;
  process.exit(bad ? 1 : 0);
}

/** --replica: the primary alone against the primary with a replica (bench/replicas.ts). */
async function replicaMain(): Promise<void> {
  const clusters = await replicaClusters();
  try {
    log(`Private primary on ${clusters.primary.url}`);
    const fixtures = await prepare(clusters.primary.url);
    const results = await runReplicaBench({
      primary: clusters.primary,
      fixtures,
      node: nodeBinary(process.execPath),
      rounds: ROUNDS,
      seconds: DURATION,
      warmup: WARMUP,
      connections: CONNECTIONS,
      log,
    });
    console.log(
      [
        `Read replica benchmark — ${N} orders on a private primary, two servers, ${CONNECTIONS} connections in all, ${DURATION} s after ${WARMUP} s warm-up` +
          (ROUNDS > 1 ? `, ${ROUNDS} rounds in alternation (ranges over the rounds)` : ""),
        `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; Node ${process.version}`,
        "",
        ...replicaTable(results),
      ].join("\n"),
    );
    const out = args.out ?? path.join(root, "bench", "results", `replica-${N}.json`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), orders: N, results }, null, 2));
    process.exitCode = results.some((r) => r.errors > 0) ? 1 : 0;
  } finally {
    clusters.close();
  }
  process.exit();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
