/**
 * The embedded database's one connection (PGlite on its own thread, src/db/embedded-worker.ts, and
 * its pool, src/db/single-connection.ts): the webhook dispatcher's statements go before queued
 * writes, a connection replaced by the pool is served at once, with its predecessor's transaction
 * rolled back and its session reset.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createPrisma, openDatabase, type Database } from "../../src/db/database.js";
import { migrateDeploy } from "../../src/db/schema-engine.js";
import { withConnectionPriority } from "../../src/db/single-connection.js";

describe("the embedded database's connection", () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ kind: "embedded", dataDir: "memory://" });
    await migrateDeploy(db);
  });
  afterAll(() => db?.close());

  it("lends the connection to the dispatcher's work (withConnectionPriority) before queued work, through Prisma too", async () => {
    const prisma = createPrisma(db);
    try {
      await prisma.user.count(); // connected and compiled before the race
      const held = await db.pool.connect();
      const order: string[] = [];
      const queued = [1, 2, 3].map((i) => prisma.user.count().then(() => order.push(`write ${i}`)));
      const urgent = withConnectionPriority(async () => {
        await prisma.webhook.count();
        order.push("dispatcher");
        await prisma.$transaction(async (tx) => tx.webhook.count());
        order.push("dispatcher's transaction");
      });
      // Wait until every one of them is waiting for the connection, then give it back.
      const waiting = () => db.pool as unknown as { urgent: unknown[]; queued: unknown[] };
      for (let i = 0; i < 500 && (waiting().urgent.length < 1 || waiting().queued.length < 3); i++)
        await new Promise((r) => setImmediate(r));
      expect(waiting().urgent.length).toBe(1);
      expect(waiting().queued.length).toBe(3);
      held.release();
      await Promise.all([...queued, urgent]);
      // The dispatcher's second statement waited for one write at most, not for all three.
      expect(order.indexOf("dispatcher")).toBe(0);
      expect(order.indexOf("dispatcher's transaction")).toBeLessThanOrEqual(2);
      expect(order.filter((o) => o.startsWith("write"))).toEqual(["write 1", "write 2", "write 3"]);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("serves a new connection as soon as the last one is gone, rolled back and with a fresh session", async () => {
    const first = new pg.Client({ connectionString: db.url });
    // The pool's connection is open: a second one waits for it.
    const connected = first.connect();
    let served = false;
    void connected.then(() => (served = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(served).toBe(false);
    // The pool gives its connection up (destroyed after an error, say): the waiting one is served.
    const c = await db.pool.connect();
    await c.query("CREATE TABLE IF NOT EXISTS left_open (x int)");
    await c.query("BEGIN");
    await c.query("INSERT INTO left_open VALUES (1)");
    await c.query("PREPARE left_behind AS SELECT 1");
    await c.query("LISTEN left_behind");
    c.release(true);
    await connected;
    try {
      expect((await first.query("SELECT count(*)::int AS n FROM left_open")).rows).toEqual([{ n: 0 }]);
      expect((await first.query("SELECT count(*)::int AS n FROM pg_prepared_statements")).rows).toEqual([{ n: 0 }]);
      expect((await first.query("SELECT count(*)::int AS n FROM pg_listening_channels()")).rows).toEqual([{ n: 0 }]);
    } finally {
      await first.end();
    }
    // And the pool connects again, at once, and works.
    expect((await db.query("SELECT 1 AS x")).rows).toEqual([{ x: 1 }]);
  });

  it("answers long results, and keeps serving after an error in the middle of a script", async () => {
    const c = await db.pool.connect();
    try {
      await expect(c.query("SELECT 1; SELECT 1/0; SELECT 2")).rejects.toThrow(/division by zero/);
      const big = await c.query({
        text: "SELECT n, repeat('x', 100) AS pad FROM generate_series(1, $1::int) AS n",
        values: [20000],
      });
      expect(big.rows).toHaveLength(20000);
      expect(big.rows[19999]).toEqual({ n: 20000, pad: "x".repeat(100) });
      expect((await c.query("SELECT $1::text AS y", ["b"])).rows).toEqual([{ y: "b" }]);
    } finally {
      c.release();
    }
  });
});

/**
 * PGlite has no autovacuum: the embedded database vacuums itself every EMBEDDED_VACUUM_MS (here
 * every 50 ms), out of the statements' observers' sight. VACUUM records a table's row count in
 * pg_class.reltuples, which a table never vacuumed nor analyzed has at -1.
 */
describe("the embedded database's upkeep", () => {
  it("vacuums it, and no observer of statements is told", async () => {
    const db = await openDatabase({ kind: "embedded", dataDir: "memory://" }, { vacuumEveryMs: 50 });
    try {
      const seen: string[] = [];
      db.observe((sql) => seen.push(sql));
      await db.pool.query(`CREATE TABLE counted (id int PRIMARY KEY)`);
      await db.pool.query(`INSERT INTO counted SELECT i FROM generate_series(1, 200) i`);
      const reltuples = async () =>
        Number((await db.pool.query(`SELECT reltuples FROM pg_class WHERE relname = 'counted'`)).rows[0].reltuples);
      const deadline = Date.now() + 30_000;
      while ((await reltuples()) !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await reltuples()).toBe(200);
      expect(seen.some((s) => /VACUUM/i.test(s))).toBe(false);
    } finally {
      await db.close();
    }
  });
});
