/**
 * The floor: the benchmark's read scenarios answered by a minimal handler in the same kind of
 * process, on the same database and driver (pg, and PGlite through the same socket when embedded),
 * with hand-written SQL and JSON.stringify. No GraphQL, no Prisma. What the project costs above this
 * is its GraphQL tax.
 */
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseDatabaseUrl } from "../src/config.js";
import { openDatabase } from "../src/db/database.js";
import { DEFAULT_RULES, statusLabel, statusTransitions } from "../src/orders/status.js";

const ORDER_COLS = `o.id, o.ref, o.status, o.email, o.total, o."amountPaid", o."isPaid", o."dateCreated"`;

async function main() {
  const db = await openDatabase(parseDatabaseUrl(process.env.DATABASE_URL), {
    poolMax: Number(process.env.DB_POOL_MAX ?? 10),
  });
  const q = async <T = any>(sql: string, params: unknown[] = []): Promise<T[]> =>
    (await db.pool.query(sql, params)).rows;

  async function viewer(req: http.IncomingMessage): Promise<{ id: number; isStaff: boolean } | null> {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "");
    if (!m) return null;
    const hash = createHash("sha256").update(m[1]).digest("hex");
    const [u] = await q(
      `SELECT u.id, u."isStaff" FROM "User" u JOIN "ApiToken" t ON t."userId" = u.id WHERE t."tokenHash" = $1 AND t."revokedAt" IS NULL`,
      [hash],
    );
    return u ?? null;
  }

  async function withRelations(orders: any[], rel: { items?: boolean; payments?: boolean; notes?: boolean }) {
    const ids = orders.map((o) => o.id);
    const [items, payments, notes] = await Promise.all([
      rel.items
        ? q(
            `SELECT "orderId", "productType", product->>'name' AS name, product->>'code' AS code, "unitPrice", quantity, total FROM "OrderItem" WHERE "orderId" = ANY($1) ORDER BY "orderId", id`,
            [ids],
          )
        : [],
      rel.payments
        ? q(
            `SELECT "orderId", amount, "transactionId", "paymentMethod", "dateCreated" FROM "OrderPayment" WHERE "orderId" = ANY($1) ORDER BY "orderId", id`,
            [ids],
          )
        : [],
      rel.notes
        ? q(
            `SELECT "orderId", message, public, "dateCreated" FROM "OrderNote" WHERE "orderId" = ANY($1) ORDER BY "orderId", id`,
            [ids],
          )
        : [],
    ]);
    const by = (rows: any[]) => {
      const m = new Map<number, any[]>();
      for (const r of rows) (m.get(r.orderId) ?? m.set(r.orderId, []).get(r.orderId)!).push(r);
      return m;
    };
    const [bi, bp, bn] = [by(items), by(payments), by(notes)];
    return orders.map((o) => ({
      ...o,
      items: bi.get(o.id) ?? [],
      payments: bp.get(o.id) ?? [],
      notes: bn.get(o.id) ?? [],
    }));
  }

  const routes: Record<string, (body: any, req: http.IncomingMessage) => Promise<unknown>> = {
    // 1. guest order detail by ref + token, with items, payments and public notes
    async detail(body) {
      const [o] = await q(`SELECT o.*, o.status::text FROM "Order" o WHERE o.ref = $1 AND o.token = $2`, [
        body.ref,
        body.token,
      ]);
      if (!o) return { order: null };
      const [full] = await withRelations([o], { items: true, payments: true, notes: true });
      full.notes = full.notes.filter((n: any) => n.public);
      return { order: full };
    },
    // 2. a customer's 20 newest orders with items
    async mine(_body, req) {
      const v = await viewer(req);
      if (!v) return { orders: [] };
      const rows = await q(
        `SELECT ${ORDER_COLS} FROM "Order" o WHERE o."userId" = $1 ORDER BY o."dateCreated" DESC, o.id DESC LIMIT 21`,
        [v.id],
      );
      return { orders: await withRelations(rows.slice(0, 20), { items: true }), hasNextPage: rows.length > 20 };
    },
    // 3-4. staff page of orders (optionally filtered / after a cursor) with items, payments and notes
    async all(body, req) {
      const v = await viewer(req);
      if (!v?.isStaff) return { error: "forbidden" };
      const where: string[] = [];
      const params: unknown[] = [];
      if (body.status) where.push(`o.status::text = ANY($${params.push(body.status)})`);
      if (body.isPaid !== undefined) where.push(`o."isPaid" = $${params.push(body.isPaid)}`);
      if (body.after)
        where.push(
          `(o."dateCreated", o.id) < ($${params.push(new Date(body.after.date))}, $${params.push(body.after.id)})`,
        );
      const rows = await q(
        `SELECT ${ORDER_COLS} FROM "Order" o ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY o."dateCreated" DESC, o.id DESC LIMIT ${Number(body.first) + 1}`,
        params,
      );
      return {
        orders: await withRelations(rows.slice(0, body.first), { items: true, payments: true, notes: true }),
        hasNextPage: rows.length > body.first,
      };
    },
    // 6. every column of a staff page of 100 orders, items, payments and notes
    async full(body, req) {
      const v = await viewer(req);
      if (!v?.isStaff) return { error: "forbidden" };
      const rows = await q(
        `SELECT o.*, o.status::text FROM "Order" o ORDER BY o."dateCreated" DESC, o.id DESC LIMIT ${Number(body.first) + 1}`,
      );
      const ids = rows.slice(0, body.first).map((o) => o.id);
      const [items, payments, notes] = await Promise.all([
        q(`SELECT * FROM "OrderItem" WHERE "orderId" = ANY($1) ORDER BY "orderId", id`, [ids]),
        q(`SELECT * FROM "OrderPayment" WHERE "orderId" = ANY($1) ORDER BY "orderId", id`, [ids]),
        q(`SELECT * FROM "OrderNote" WHERE "orderId" = ANY($1) ORDER BY "orderId", id`, [ids]),
      ]);
      const by = (list: any[]) => {
        const m = new Map<number, any[]>();
        for (const r of list) (m.get(r.orderId) ?? m.set(r.orderId, []).get(r.orderId)!).push(r);
        return m;
      };
      const [bi, bp, bn] = [by(items), by(payments), by(notes)];
      const orders = rows
        .slice(0, body.first)
        .map((o) => ({ ...o, items: bi.get(o.id) ?? [], payments: bp.get(o.id) ?? [], notes: bn.get(o.id) ?? [] }));
      return { orders, hasNextPage: rows.length > body.first };
    },
    // 7. a staff page of 100 orders with each one's first 10 events, their count, and its refunds
    async history(body, req) {
      const v = await viewer(req);
      if (!v?.isStaff) return { error: "forbidden" };
      const rows = await q(
        `SELECT o.id, o.ref, o.status, o.total, o."amountRefunded" FROM "Order" o ORDER BY o."dateCreated" DESC, o.id DESC LIMIT ${Number(body.first) + 1}`,
      );
      const ids = rows.slice(0, body.first).map((o) => o.id);
      const [events, counts, refunds] = await Promise.all([
        q(
          `SELECT e."orderId", e.type, e."dateCreated", e."fromStatus", e."toStatus", e.amount, e."paymentMethod", e."transactionId", e.message
           FROM unnest($1::int[]) AS o(id) CROSS JOIN LATERAL (SELECT * FROM "OrderEvent" x WHERE x."orderId" = o.id ORDER BY x.id LIMIT 10) e`,
          [ids],
        ),
        q(`SELECT "orderId", count(*)::int AS n FROM "OrderEvent" WHERE "orderId" = ANY($1) GROUP BY "orderId"`, [ids]),
        q(
          `SELECT "orderId", amount, reason, "dateCreated" FROM "OrderRefund" WHERE "orderId" = ANY($1) ORDER BY "orderId", id`,
          [ids],
        ),
      ]);
      const by = (list: any[]) => {
        const m = new Map<number, any[]>();
        for (const r of list) (m.get(r.orderId) ?? m.set(r.orderId, []).get(r.orderId)!).push(r);
        return m;
      };
      const [be, br] = [by(events), by(refunds)];
      const bc = new Map(counts.map((c) => [c.orderId, c.n]));
      const orders = rows.slice(0, body.first).map((o) => ({
        ...o,
        refunds: br.get(o.id) ?? [],
        history: { totalCount: bc.get(o.id) ?? 0, nodes: be.get(o.id) ?? [] },
      }));
      return { orders };
    },
    // 5. staff status with every transition
    async status(body, req) {
      const v = await viewer(req);
      if (!v?.isStaff) return { error: "forbidden" };
      const [o] = await q(`SELECT status::text AS status, total, "amountPaid", "isPaid" FROM "Order" WHERE ref = $1`, [
        body.ref,
      ]);
      if (!o) return { status: null };
      return {
        status: o.status,
        statusDisplay: statusLabel(o.status),
        statusTransitions: statusTransitions(DEFAULT_RULES, o),
      };
    },
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      try {
        if (req.url === "/healthz") return void res.end("ok");
        const route = routes[(req.url ?? "").slice(1)];
        if (!route) return void res.writeHead(404).end();
        const out = JSON.stringify(await route(JSON.parse(Buffer.concat(chunks).toString() || "{}"), req));
        res.writeHead(200, { "content-type": "application/json" }).end(out);
      } catch (e) {
        res.writeHead(500).end(JSON.stringify({ errors: [{ message: (e as Error).message }] }));
      }
    });
  });
  server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
    console.log(`floor listening on http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`);
  });
  process.on("SIGTERM", () => server.close(() => db.close().then(() => process.exit(0))));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
