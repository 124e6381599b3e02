/** The database layer itself: a failed statement must not take the (embedded) connection down. */
import { AsyncLocalStorage } from "node:async_hooks";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CallerContextPool, createPrisma, type Database } from "../../src/db/database.js";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  listMigrations,
  migrateDeploy,
  MIGRATIONS_DIR,
  noFilters,
  openSchemaEngine,
  schemaFiles,
} from "../../src/db/schema-engine.js";
import { backends, openTestDatabase } from "../helpers/harness.js";

describe.each(backends())("database on %s", (backend) => {
  let t: Awaited<ReturnType<typeof openTestDatabase>>;
  let db: Database;
  beforeAll(async () => {
    t = await openTestDatabase(backend);
    db = t.db;
    await migrateDeploy(db);
  });
  afterAll(() => t?.drop());

  it("keeps serving after statement errors, hand-written or through Prisma", async () => {
    for (const sql of ["SELECT 1/0", `SELECT 1 FROM "nope"`]) await expect(db.query(sql)).rejects.toThrow();
    await expect(db.query("SELECT $1::int / 0", [1])).rejects.toThrow(/division by zero/);
    expect((await db.query("SELECT 2 AS x")).rows).toEqual([{ x: 2 }]);
    const prisma = createPrisma(db);
    await prisma.user.create({ data: { email: "dup@example.com" } });
    await expect(prisma.user.create({ data: { email: "dup@example.com" } })).rejects.toThrow();
    await expect(prisma.$transaction(async (tx) => tx.$executeRawUnsafe("SELECT 1/0"))).rejects.toThrow();
    expect(await prisma.user.count()).toBe(1);
    expect((await db.query("SELECT 3 AS x")).rows).toEqual([{ x: 3 }]);
    await prisma.$disconnect();
  });

  it("a second migration run finds nothing to do and does not load the engine", async () => {
    expect(await migrateDeploy(db)).toEqual([]);
  });

  it("the migrations produce schema.prisma exactly (no change without its migration)", async () => {
    const h = await openSchemaEngine(db);
    try {
      const diff = await h.engine.diff({
        from: { tag: "migrations", ...listMigrations() },
        to: { tag: "schemaDatamodel", ...schemaFiles() },
        script: true,
        exitCode: true,
        filters: noFilters,
      });
      expect(diff.stdout?.trim()).toMatch(/^(-- This is an empty migration\.)?$/);
    } finally {
      await h.close();
    }
  });
});

describe.each(backends())("the history migration on %s", (backend) => {
  it("gives orders created before it their ORDER_CREATED event, and refunded payments their refund", async () => {
    const t = await openTestDatabase(backend);
    const before = fs.mkdtempSync(path.join(os.tmpdir(), "orders-migrations-"));
    try {
      for (const name of fs.readdirSync(MIGRATIONS_DIR)) {
        if (!/^\d/.test(name) || name < "20261202")
          fs.cpSync(path.join(MIGRATIONS_DIR, name), path.join(before, name), { recursive: true });
      }
      await migrateDeploy(t.db, before);
      await t.db
        .query(`INSERT INTO "Order" ("ref", "token", "currency", "status", "total", "amountPaid", "amountRefunded", "dateCreated")
                        VALUES ('2025-00001', 'tok', 'USD', 'REFUNDED', 12.30, 12.30, 12.30, '2025-05-01T10:00:00Z')`);
      await t.db
        .query(`INSERT INTO "OrderPayment" ("orderId", "amount", "transactionId", "paymentMethod", "dateCreated", "refundedAt")
                        SELECT "id", 12.30, 'old-1', 'credit-card', '2025-05-01T10:05:00Z', '2025-05-02T09:00:00Z' FROM "Order"`);
      expect(await migrateDeploy(t.db)).toHaveLength(
        fs.readdirSync(MIGRATIONS_DIR).filter((n) => /^\d/.test(n) && n >= "20261202").length,
      );
      const events = (await t.db.query(`SELECT "type", "toStatus", "public", "dateCreated" FROM "OrderEvent"`)).rows;
      expect(events).toEqual([
        { type: "ORDER_CREATED", toStatus: null, public: true, dateCreated: new Date("2025-05-01T10:00:00Z") },
      ]);
      const refunds = (await t.db.query(`SELECT "amount"::text AS amount, "dateCreated" FROM "OrderRefund"`)).rows;
      expect(refunds).toEqual([{ amount: "12.30", dateCreated: new Date("2025-05-02T09:00:00Z") }]);
      const payment = (await t.db.query(`SELECT "amountRefunded"::text AS refunded FROM "OrderPayment"`)).rows[0];
      expect(payment.refunded).toBe("12.30");
    } finally {
      fs.rmSync(before, { recursive: true, force: true });
      await t.drop();
    }
  });
});

describe.each(backends())("the webhook message-id migration on %s", (backend) => {
  it("keeps the webhook-id a delivery was already sent with (its row id), and no two deliveries share one", async () => {
    const t = await openTestDatabase(backend);
    const before = fs.mkdtempSync(path.join(os.tmpdir(), "orders-migrations-"));
    try {
      for (const name of fs.readdirSync(MIGRATIONS_DIR)) {
        if (!/^\d/.test(name) || name < "20261207")
          fs.cpSync(path.join(MIGRATIONS_DIR, name), path.join(before, name), { recursive: true });
      }
      await migrateDeploy(t.db, before);
      await t.db.query(`INSERT INTO "Order" ("ref", "token", "currency") VALUES ('2026-00001', 'tok', 'USD')`);
      await t.db.query(
        `INSERT INTO "OrderEvent" ("orderId", "type", "public") SELECT "id", 'ORDER_CREATED', true FROM "Order"`,
      );
      await t.db.query(
        `INSERT INTO "Webhook" ("url", "events", "secret") VALUES ('https://example.com/', '{}', 'whsec_x')`,
      );
      await t.db.query(
        `INSERT INTO "WebhookDelivery" ("webhookId", "eventId", "nextAttemptAt")
         SELECT w."id", e."id", now() FROM "Webhook" w, "OrderEvent" e, generate_series(1, 2)`,
      );
      expect(await migrateDeploy(t.db)).toEqual(
        fs.readdirSync(MIGRATIONS_DIR).filter((n) => /^\d/.test(n) && n >= "20261207"),
      );
      const rows = (await t.db.query(`SELECT "id", "messageId" FROM "WebhookDelivery" ORDER BY "id"`)).rows;
      expect(rows).toEqual([
        { id: 1, messageId: "1" },
        { id: 2, messageId: "2" },
      ]);
      await expect(
        t.db.query(`INSERT INTO "WebhookDelivery" ("webhookId", "eventId", "messageId") VALUES (1, 1, '1')`),
      ).rejects.toThrow(/unique/);
    } finally {
      fs.rmSync(before, { recursive: true, force: true });
      await t.drop();
    }
  });
});

describe.each(backends())("the refunds-from-paid migration on %s", (backend) => {
  it("fills amountRefundedFromPaid so that every order keeps isPaid and amountOverpaid", async () => {
    const t = await openTestDatabase(backend);
    const before = fs.mkdtempSync(path.join(os.tmpdir(), "orders-migrations-"));
    const first = "20261207104910_refunds_from_paid";
    try {
      for (const name of fs.readdirSync(MIGRATIONS_DIR)) {
        if (!/^\d/.test(name) || name < first)
          fs.cpSync(path.join(MIGRATIONS_DIR, name), path.join(before, name), { recursive: true });
      }
      await migrateDeploy(t.db, before);
      // total, paid, refunded, editVersion: refunded in full, an overpayment refunded in part and in
      // full (and beyond), an edited order (every refund counted before), nothing paid
      await t.db.query(
        `INSERT INTO "Order" ("ref", "token", "currency", "total", "amountPaid", "amountRefunded", "isPaid", "editVersion")
         VALUES ('a', 'ta', 'USD', 25, 25, 25, true, 0), ('b', 'tb', 'USD', 25, 30, 2, true, 0),
                ('c', 'tc', 'USD', 25, 30, 10, true, 0), ('d', 'td', 'USD', 35, 25, 4, false, 1),
                ('e', 'te', 'USD', 25, 0, 0, false, 0)`,
      );
      expect(await migrateDeploy(t.db)).toEqual(
        fs.readdirSync(MIGRATIONS_DIR).filter((n) => /^\d/.test(n) && n >= first),
      );
      const rows = (
        await t.db.query(`SELECT "ref", "amountRefundedFromPaid"::text AS "fromPaid" FROM "Order" ORDER BY "ref"`)
      ).rows;
      expect(rows).toEqual([
        { ref: "a", fromPaid: "0.00" },
        { ref: "b", fromPaid: "2.00" },
        { ref: "c", fromPaid: "5.00" },
        { ref: "d", fromPaid: "4.00" },
        { ref: "e", fromPaid: "0.00" },
      ]);
    } finally {
      fs.rmSync(before, { recursive: true, force: true });
      await t.drop();
    }
  });
});

describe.skipIf(!inject("pgAdminUrl"))("the PostgreSQL pool and request contexts", () => {
  it("runs a statement that waited for a connection in the context of the caller that sent it", async () => {
    const requests = new AsyncLocalStorage<string>();
    const seen: (string | undefined)[] = [];
    class Recording extends pg.Client {
      query(config: any, values?: any, callback?: any): any {
        seen.push(requests.getStore());
        return super.query(config, values, callback);
      }
    }
    const pool = new CallerContextPool({ connectionString: inject("pgAdminUrl")!, max: 1, Client: Recording });
    try {
      const held = await requests.run("a", () => pool.connect());
      // b asks while a holds the pool's one connection; a gives it back from its own context.
      const b = requests.run("b", () => pool.query("SELECT 1"));
      await requests.run("a", async () => {
        await held.query("SELECT 1");
        held.release();
      });
      await b;
      expect(seen).toEqual(["a", "b"]);
    } finally {
      await pool.end();
    }
  });
});
