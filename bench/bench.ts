/**
 * npm run bench [-- --db embedded|postgres] [--orders N] [--duration S] [--warmup S] [--connections C]
 *                  [--scenarios a,b] [--out FILE] [--skip-floor] [--profile] [--server-dist DIR]
 *
 * Seeds a benchmark shop (once per database and size), starts the real server (NODE_ENV=production)
 * in its own process, drives it over loopback with autocannon, then does the same for the floor (a
 * minimal SQL + JSON.stringify handler). Prints a table and writes JSON (bench/results/).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import pg from "pg";
import { print, type DocumentNode } from "graphql";
import { openDatabase, createPrisma, type Database } from "../src/db/database.js";
import { migrateDeploy } from "../src/db/schema-engine.js";
import { encodeCursor } from "../src/shared/pagination.js";
import { issueApiToken } from "../src/users/user.repository.js";
import {
  BenchAllOrdersDocument,
  BenchFullOrdersDocument,
  BenchHistoryPageDocument,
  BenchMyOrdersDocument,
  BenchOrderDetailDocument,
  ChangeOrderStatusDocument,
  OrderStatusDocument,
  PayOrderDocument,
  RecordOrderPaymentDocument,
  RefundOrderPaymentDocument,
} from "../test/generated/graphql.js";
import { runEventBench, type EventResults } from "./events.js";
import { seed, seededHistory, seededOrders, seedHistory } from "./seed.js";

const root = path.resolve(__dirname, "..");
const { values: args } = parseArgs({
  options: {
    db: { type: "string", default: "embedded" },
    orders: { type: "string", default: "10000" },
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: "16" },
    scenarios: { type: "string" },
    out: { type: "string" },
    "skip-floor": { type: "boolean", default: false },
    /** Writes a V8 CPU profile of each server process to bench/profiles/ (open in Chrome DevTools). */
    profile: { type: "boolean", default: false },
    /** Skips the events-out measurements (webhooks and subscribers). */
    "skip-events": { type: "boolean", default: false },
    /** Instead of the scenarios: N write transactions, the server's RSS sampled as they go. */
    soak: { type: "string" },
    /** The compiled server to run (default dist): A/B runs of builds side by side. */
    "server-dist": { type: "string", default: "dist" },
  },
});
const N = Number(args.orders);
const DURATION = Number(args.duration);
const WARMUP = Number(args.warmup);
const CONNECTIONS = Number(args.connections);
const log = (m: string) => process.stderr.write(m + "\n");

interface Fixtures {
  staffToken: string;
  customerToken: string;
  guests: { ref: string; token: string }[];
  statusRefs: string[];
  /** The oldest orders: what the mutation scenarios change, away from the pages the reads fetch. */
  mutable: string[];
  payable: { ref: string; token: string }[];
  /** Card payments of the oldest orders, to refund a cent of at a time. */
  refundable: { ref: string; paymentId: string }[];
  page500?: string;
  page500Floor?: { date: string; id: number };
}

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
    await resetMutations(db);
    const prisma = createPrisma(db);
    const staff = (await db.pool.query(`SELECT id FROM "User" WHERE email = 'staff@bench.example'`)).rows[0].id;
    const fixtures: Fixtures = {
      staffToken: await issueApiToken(prisma, staff),
      customerToken: await issueApiToken(prisma, 7),
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

interface Scenario {
  name: string;
  read: boolean;
  /** GraphQL request bodies, taken in turn. */
  graphql: (i: number, f: Fixtures) => { doc: DocumentNode; variables: Record<string, unknown>; token?: string };
  /** The floor's equivalent: path and body. */
  floor?: (i: number, f: Fixtures) => { path: string; body: unknown; token?: string };
}

let txn = 0;
const SCENARIOS: Scenario[] = [
  {
    name: "guest-detail",
    read: true,
    graphql: (i, f) => ({ doc: BenchOrderDetailDocument, variables: f.guests[i % f.guests.length] }),
    floor: (i, f) => ({ path: "/detail", body: f.guests[i % f.guests.length] }),
  },
  {
    name: "my-orders-20",
    read: true,
    graphql: (_i, f) => ({ doc: BenchMyOrdersDocument, variables: { first: 20 }, token: f.customerToken }),
    floor: (_i, f) => ({ path: "/mine", body: {}, token: f.customerToken }),
  },
  {
    name: "staff-page-100",
    read: true,
    graphql: (_i, f) => ({ doc: BenchAllOrdersDocument, variables: { first: 100 }, token: f.staffToken }),
    floor: (_i, f) => ({ path: "/all", body: { first: 100 }, token: f.staffToken }),
  },
  {
    name: "staff-filtered-100",
    read: true,
    graphql: (_i, f) => ({
      doc: BenchAllOrdersDocument,
      variables: { first: 100, filter: { isPaid: false, status: ["CREATED", "HOLD"] } },
      token: f.staffToken,
    }),
    floor: (_i, f) => ({
      path: "/all",
      body: { first: 100, isPaid: false, status: ["CREATED", "HOLD"] },
      token: f.staffToken,
    }),
  },
  {
    name: "staff-page-500",
    read: true,
    graphql: (_i, f) => ({
      doc: BenchAllOrdersDocument,
      variables: { first: 100, after: f.page500 },
      token: f.staffToken,
    }),
    floor: (_i, f) => ({ path: "/all", body: { first: 100, after: f.page500Floor }, token: f.staffToken }),
  },
  {
    // Every field of the REST ancestor's order serializer, with items, payments and notes: the page
    // django-salesman serves at 12.8/s and 121 ms of CPU on this kind of machine.
    name: "staff-full-100",
    read: true,
    graphql: (_i, f) => ({ doc: BenchFullOrdersDocument, variables: { first: 100 }, token: f.staffToken }),
    floor: (_i, f) => ({ path: "/full", body: { first: 100 }, token: f.staffToken }),
  },
  {
    name: "staff-history-100",
    read: true,
    graphql: (_i, f) => ({ doc: BenchHistoryPageDocument, variables: { first: 100 }, token: f.staffToken }),
    floor: (_i, f) => ({ path: "/history", body: { first: 100 }, token: f.staffToken }),
  },
  {
    name: "staff-status",
    read: true,
    graphql: (i, f) => ({
      doc: OrderStatusDocument,
      variables: { ref: f.statusRefs[i % f.statusRefs.length] },
      token: f.staffToken,
    }),
    floor: (i, f) => ({ path: "/status", body: { ref: f.statusRefs[i % f.statusRefs.length] }, token: f.staffToken }),
  },
  {
    name: "change-status",
    read: false,
    graphql: (i, f) => ({
      doc: ChangeOrderStatusDocument,
      variables: { ref: f.mutable[i % 200], status: Math.floor(i / 200) % 2 === 0 ? "HOLD" : "CREATED" },
      token: f.staffToken,
    }),
  },
  {
    name: "pay-dummy",
    read: false,
    graphql: (i, f) => ({
      doc: PayOrderDocument,
      variables: { ...f.payable[i % f.payable.length], paymentMethod: "dummy" },
    }),
  },
  {
    name: "refund-part",
    read: false,
    graphql: (i, f) => {
      const p = f.refundable[i % f.refundable.length];
      return {
        doc: RefundOrderPaymentDocument,
        variables: { ref: p.ref, input: { paymentId: p.paymentId, amount: "0.01" } },
        token: f.staffToken,
      };
    },
  },
  {
    name: "record-payment",
    read: false,
    graphql: (i, f) => ({
      doc: RecordOrderPaymentDocument,
      variables: {
        ref: f.mutable[200 + (i % 300)],
        input: { amount: "0.01", transactionId: `run-${process.pid}-${++txn}`, paymentMethod: "cash" },
      },
      token: f.staffToken,
    }),
  },
];

/** CPU time (user + system) the process has used so far, in ms. */
function cpuMsOf(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The node flags of package.json's `start` script (`exec node <flags> dist/main.js`). */
function startFlags(): string[] {
  const start = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts.start as string;
  return (/node (.*?)\s*dist\/main\.js/.exec(start)?.[1] ?? "").split(/\s+/).filter(Boolean);
}

async function startProcess(kind: "project" | "floor", url: string): Promise<{ child: ChildProcess; base: string }> {
  const env = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: url,
    PORT: "0",
    LOG_LEVEL: "info", // the start-up line carries the URL; requests are logged only at debug
    PAYMENT_METHODS: "credit-card,pay-in-advance,dummy",
    EXPOSE_STATS: "on",
    ORDER_RULES: path.join(root, "bench", "rules.js"),
    WEBHOOK_ALLOW_PRIVATE: "on",
    MAX_QUERY_COST: "100000",
  };
  const profile = args.profile
    ? ["--cpu-prof", `--cpu-prof-dir=${path.join(root, "bench", "profiles", `${kind}-${Date.now()}`)}`]
    : [];
  // The project's server runs with the node flags `npm start` gives it (package.json), and
  // BENCH_SERVER_FLAGS for experiments (GC settings, tracing).
  const flags =
    kind === "project" ? [...startFlags(), ...(process.env.BENCH_SERVER_FLAGS ?? "").split(" ").filter(Boolean)] : [];
  const argv = [
    ...profile,
    ...flags,
    ...(kind === "project"
      ? [path.resolve(root, args["server-dist"]!, "main.js")]
      : ["--import", "tsx", path.join(root, "bench", "floor.ts")]),
  ];
  const child = spawn(process.execPath, argv, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const base = await new Promise<string>((resolve, reject) => {
    const on = (d: Buffer) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout!.on("data", on);
    child.stderr!.on("data", on);
    child.on("exit", (code) => reject(new Error(`${kind} exited with ${code}: ${out}`)));
  });
  child.stdout!.removeAllListeners("data");
  child.stdout!.on("data", (d) => process.stderr.write(`[${kind}] ${d}`));
  child.stderr!.on("data", (d) => process.stderr.write(`[${kind}] ${d}`));
  return { child, base };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  const done = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([done, new Promise((r) => setTimeout(r, 20_000))]);
  if (child.exitCode === null) child.kill("SIGKILL");
}

interface Result {
  scenario: string;
  target: "project" | "floor";
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
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function drive(
  base: string,
  pid: number,
  target: "project" | "floor",
  s: Scenario,
  f: Fixtures,
): Promise<Result> {
  let i = 0;
  let errors = 0;
  const latencies: number[] = [];
  let measuring = false;
  const run = (seconds: number) =>
    new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url: base,
          connections: CONNECTIONS,
          duration: seconds,
          requests: [
            {
              method: "POST",
              setupRequest: (req: any) => {
                const n = i++;
                if (target === "floor") {
                  const r = s.floor!(n, f);
                  return {
                    ...req,
                    path: r.path,
                    headers: {
                      "content-type": "application/json",
                      ...(r.token ? { authorization: `Bearer ${r.token}` } : {}),
                    },
                    body: JSON.stringify(r.body),
                  };
                }
                const r = s.graphql(n, f);
                return {
                  ...req,
                  path: "/graphql",
                  headers: {
                    "content-type": "application/json",
                    ...(r.token ? { authorization: `Bearer ${r.token}` } : {}),
                  },
                  body: JSON.stringify({ query: print(r.doc), variables: r.variables }),
                };
              },
              onResponse: (status: number, body: string) => {
                const failed = target === "floor" ? body.startsWith('{"error') : body.includes('"errors":');
                if (measuring && (status !== 200 || failed)) errors++;
              },
            },
          ],
        } as any,
        (err: unknown, res: autocannon.Result) => (err ? reject(err) : resolve(res)),
      );
      instance.on("response", (_c: unknown, _status: number, _bytes: number, ms: number) => {
        if (measuring) latencies.push(ms);
      });
    });
  if (WARMUP > 0) await run(WARMUP);
  type Stats = { statements: number; requests: number };
  const statsBefore = target === "project" ? ((await (await fetch(`${base}/stats`)).json()) as Stats) : null;
  let rssMax = 0;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssOf(pid))), 250);
  const cpuBefore = cpuMsOf(pid);
  measuring = true;
  const res = await run(DURATION);
  measuring = false;
  const cpuUsed = cpuMsOf(pid) - cpuBefore;
  clearInterval(sampler);
  const statsAfter = target === "project" ? ((await (await fetch(`${base}/stats`)).json()) as Stats) : null;
  latencies.sort((a, b) => a - b);
  const rssEnd = rssOf(pid);
  return {
    scenario: s.name,
    target,
    requests: res.requests.total,
    rps: Math.round(res.requests.total / DURATION),
    p50: round2(percentile(latencies, 50)),
    p95: round2(percentile(latencies, 95)),
    p99: round2(percentile(latencies, 99)),
    errors: errors + res.errors + res.non2xx,
    statementsPerRequest:
      statsBefore && statsAfter
        ? Math.round(
            ((statsAfter.statements - statsBefore.statements) /
              Math.max(1, statsAfter.requests - statsBefore.requests)) *
              100,
          ) / 100
        : undefined,
    rssEndMB: Math.round(rssEnd / 1048576),
    rssMaxMB: Math.round(Math.max(rssMax, rssEnd) / 1048576),
    cpuMsPerRequest: round2(cpuUsed / Math.max(1, res.requests.total)),
  };
}

async function checkConsistency(url: string): Promise<{ ordersChecked: number; inconsistent: number }> {
  const location = url.startsWith("file:")
    ? { kind: "embedded" as const, dataDir: url.slice(5) }
    : { kind: "postgres" as const, url };
  const db = await openDatabase(location, { poolMax: 2 });
  try {
    const { rows } = await db.pool.query(`
      SELECT count(*)::int AS checked,
             count(*) FILTER (WHERE o."amountPaid" <> COALESCE(p.sum, 0) OR o."isPaid" <> (o."amountPaid" >= o.total)
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
    `UPDATE "Order" o SET "amountPaid" = COALESCE(p.paid, 0), "isPaid" = COALESCE(p.paid, 0) >= o.total, "amountRefunded" = COALESCE(p.refunded, 0)
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
async function soak(url: string, f: Fixtures, total: number): Promise<void> {
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
  const { child, base } = await startProcess("project", url);
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
                setupRequest: (req: any) => {
                  const r = s.graphql(i++, f);
                  return {
                    ...req,
                    path: "/graphql",
                    headers: { "content-type": "application/json", authorization: `Bearer ${r.token}` },
                    body: JSON.stringify({ query: print(r.doc), variables: r.variables }),
                  };
                },
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
    await stopProcess(child);
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

async function main() {
  execFileSync(process.execPath, [path.join(root, "scripts", "build-if-stale.js")], { stdio: ["ignore", 2, 2] });
  const { url, describe } = await databaseUrl();
  const fixtures = await prepare(url);
  if (args.soak) return soak(url, fixtures, Number(args.soak));
  const wanted = args.scenarios?.split(",");
  const scenarios = SCENARIOS.filter((s) => (wanted ? wanted.includes(s.name) : true)).filter(
    (s) => s.name !== "staff-page-500" || fixtures.page500,
  );
  const results: Result[] = [];
  let eventResults: EventResults | undefined;
  let eventRss = 0;
  for (const target of ["project", "floor"] as const) {
    if (target === "floor" && args["skip-floor"]) continue;
    const todo = scenarios.filter((s) => target === "project" || (s.read && s.floor));
    const events = target === "project" && !args["skip-events"] && (!wanted || wanted.includes("events"));
    if (todo.length === 0 && !events) continue;
    const { child, base } = await startProcess(target, url);
    try {
      for (const s of todo) {
        log(`${target}: ${s.name}…`);
        const r = await drive(base, child.pid!, target, s, fixtures);
        results.push(r);
        log(
          `  ${r.rps} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors}${r.statementsPerRequest !== undefined ? `, ${r.statementsPerRequest} SQL/req` : ""}, RSS ${r.rssEndMB} MB`,
        );
      }
      if (events) {
        eventResults = await runEventBench({
          base,
          token: fixtures.staffToken,
          dbUrl: url,
          refs: fixtures.mutable.slice(0, 100),
          log,
        });
        eventRss = Math.round(rssOf(child.pid!) / 1048576);
      }
    } finally {
      await stopProcess(child);
    }
  }
  const consistency = await checkConsistency(url);

  const rows = scenarios.map((s) => {
    const p = results.find((r) => r.scenario === s.name && r.target === "project");
    const fl = results.find((r) => r.scenario === s.name && r.target === "floor");
    return { s, p, fl, ratio: p && fl ? p.rps / fl.rps : undefined };
  });
  const header = `| scenario | req/s | p50 ms | p95 ms | p99 ms | errors | SQL/req | RSS MB (max) | CPU ms/req | floor req/s | floor p50 ms | floor CPU ms/req | project/floor |`;
  const lines = [
    `Orders benchmark — ${N} orders on ${describe}, ${CONNECTIONS} connections, ${DURATION} s after ${WARMUP} s warm-up`,
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    "",
    header,
    header
      .replace(/[^|]/g, "-")
      .replace(/\|-/g, "| ")
      .replace(/-\|/g, " |")
      .replace(/ -+ /g, (m) => ` ${"-".repeat(m.length - 2)} `),
    ...rows.map(
      ({ s, p, fl, ratio }) =>
        `| ${s.name} | ${p?.rps ?? "-"} | ${p?.p50 ?? "-"} | ${p?.p95 ?? "-"} | ${p?.p99 ?? "-"} | ${p?.errors ?? "-"} | ${p?.statementsPerRequest ?? "-"} | ${p ? `${p.rssEndMB} (${p.rssMaxMB})` : "-"} | ${p?.cpuMsPerRequest ?? "-"} | ${fl?.rps ?? "-"} | ${fl?.p50 ?? "-"} | ${fl?.cpuMsPerRequest ?? "-"} | ${ratio !== undefined ? ratio.toFixed(2) : "-"} |`,
    ),
    "",
    `Consistency after the mutations: ${consistency.inconsistent} of ${consistency.ordersChecked} orders where amountPaid ≠ Σ payments, isPaid is wrong, amountRefunded ≠ Σ refunds or a refund lacks its event.`,
    ...(eventResults
      ? [
          "",
          `Events out (server RSS after them: ${eventRss} MB):`,
          `- webhook latency, event → delivered: p50 ${eventResults.webhookLatency.p50} ms, p99 ${eventResults.webhookLatency.p99} ms, max ${eventResults.webhookLatency.max} ms (${eventResults.webhookLatency.events} events at 100/s)`,
          eventResults.webhookThroughput
            ? `- webhook throughput: ${eventResults.webhookThroughput.perSecond} deliveries/s (${eventResults.webhookThroughput.deliveries} deliveries to ${eventResults.webhookThroughput.endpoints} endpoints in ${eventResults.webhookThroughput.seconds} s)`
            : "- webhook throughput: measured with --db postgres only",
          `- subscriber latency, event → received, ${eventResults.subscriberLatency.subscribers} subscribers: p50 ${eventResults.subscriberLatency.p50} ms, p99 ${eventResults.subscriberLatency.p99} ms, max ${eventResults.subscriberLatency.max} ms (${eventResults.subscriberLatency.events} events at 20/s, ${eventResults.subscriberLatency.messages} messages)`,
        ]
      : []),
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
        events: eventResults,
        database: describe,
        connections: CONNECTIONS,
        duration: DURATION,
        warmup: WARMUP,
        results,
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

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
