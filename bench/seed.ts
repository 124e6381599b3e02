/**
 * Seeds a benchmark shop with set-based SQL (generate_series), in batches: N orders, 3 items each,
 * a payment on every other order, 2 notes each (one public), spread over 500 customers and guests
 * (every fifth order), one order every 30 seconds up to now; and their history (created, status
 * changes, payments, notes) with a part refund of every fourth order.
 */
import type pg from "pg";

export const CUSTOMERS = 500;
const BATCH = 50_000;

export async function seededOrders(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "Order"`);
  return rows[0].n;
}

export async function seed(pool: pg.Pool, n: number, log: (msg: string) => void): Promise<void> {
  const year = new Date().getUTCFullYear();
  await pool.query(
    `INSERT INTO "User" (email, "isStaff") SELECT 'customer' || g || '@bench.example', false FROM generate_series(1, ${CUSTOMERS}) g ORDER BY g`,
  );
  await pool.query(`INSERT INTO "User" (email, "isStaff") VALUES ('staff@bench.example', true)`);
  const { rows } = await pool.query(`SELECT min(id) AS lo, max(id) AS hi FROM "User" WHERE email LIKE 'customer%'`);
  if (rows[0].lo !== 1 || rows[0].hi !== CUSTOMERS) throw new Error("seed needs an empty database");
  for (let lo = 1; lo <= n; lo += BATCH) {
    const hi = Math.min(n, lo + BATCH - 1);
    const started = Date.now();
    await pool.query("BEGIN");
    await pool.query(`
      INSERT INTO "Order" (id, ref, token, status, "userId", email, "billingAddress", "shippingAddress", currency,
                           subtotal, total, "amountPaid", "amountRefunded", "isPaid", extra, "extraRows", "dateCreated", "dateUpdated")
      SELECT i,
             '${year}-' || CASE WHEN i < 100000 THEN lpad(i::text, 5, '0') ELSE i::text END,
             substr(md5('t' || i || random()::text) || md5(random()::text), 1, 43),
             (ARRAY['CREATED','HOLD','PROCESSING','SHIPPED','COMPLETED','CANCELLED','FAILED','CREATED']::"OrderStatus"[])[1 + i % 8],
             CASE WHEN i % 5 = 0 THEN NULL ELSE 1 + i % ${CUSTOMERS} END,
             CASE WHEN i % 5 = 0 THEN 'guest' || i || '@bench.example' ELSE 'customer' || (1 + i % ${CUSTOMERS}) || '@bench.example' END,
             i || ' Bench Street', i || ' Bench Street', 'USD',
             t.total, t.total, CASE WHEN i % 2 = 0 THEN t.total ELSE 0 END, 0, i % 2 = 0, '{}', '[]',
             now() - make_interval(secs => (${n} - i) * 30), now() - make_interval(secs => (${n} - i) * 30)
      FROM generate_series(${lo}, ${hi}) i,
           LATERAL (SELECT sum(((i * 3 + k) % 50 + 0.99) * ((i + k) % 3 + 1)) AS total FROM generate_series(0, 2) k) t`);
    await pool.query(`
      INSERT INTO "OrderItem" ("orderId", "productType", "productId", product, "unitPrice", quantity, subtotal, total, "extraRows", extra)
      SELECT i, 'shop.Product', 'P' || ((i * 3 + k) % 50),
             jsonb_build_object('name', 'Product ' || ((i * 3 + k) % 50), 'code', 'P' || ((i * 3 + k) % 50)),
             (i * 3 + k) % 50 + 0.99, (i + k) % 3 + 1,
             ((i * 3 + k) % 50 + 0.99) * ((i + k) % 3 + 1), ((i * 3 + k) % 50 + 0.99) * ((i + k) % 3 + 1), '[]', '{}'
      FROM generate_series(${lo}, ${hi}) i, generate_series(0, 2) k
      ORDER BY i, k`);
    await pool.query(`
      INSERT INTO "OrderPayment" ("orderId", amount, "transactionId", "paymentMethod", "dateCreated")
      SELECT id, total, 'bench-' || id, 'credit-card', "dateCreated" FROM "Order" WHERE id BETWEEN ${lo} AND ${hi} AND id % 2 = 0 ORDER BY id`);
    await pool.query(`
      INSERT INTO "OrderNote" ("orderId", message, public, "dateCreated")
      SELECT i, CASE WHEN j = 0 THEN 'Left at the front door.' ELSE 'Customer called about delivery.' END, j = 0,
             now() - make_interval(secs => (${n} - i) * 30)
      FROM generate_series(${lo}, ${hi}) i, generate_series(0, 1) j
      ORDER BY i, j`);
    await pool.query("COMMIT");
    log(`  seeded orders ${lo}-${hi} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  await pool.query(`SELECT setval('"Order_id_seq"', ${n})`);
  await pool.query(
    `INSERT INTO "RefCounter" (year, value) VALUES (${year}, ${n}) ON CONFLICT (year) DO UPDATE SET value = GREATEST("RefCounter".value, ${n})`,
  );
  await pool.query("ANALYZE");
}

/** Whether the shop has its history (a database seeded before history existed has only the backfill). */
export async function seededHistory(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query(
    `SELECT EXISTS (SELECT 1 FROM "OrderEvent" WHERE "type" <> 'ORDER_CREATED') AS yes`,
  );
  return rows[0].yes;
}

/** Each order's history, and a refund of 1.00 of every fourth order's payment, dated as the order. */
export async function seedHistory(pool: pg.Pool, log: (msg: string) => void): Promise<void> {
  const started = Date.now();
  await pool.query("BEGIN");
  await pool.query(`DELETE FROM "OrderEvent"`);
  await pool.query(`
    INSERT INTO "OrderEvent" ("orderId", "type", "public", "toStatus", "dateCreated")
    SELECT id, 'ORDER_CREATED', true, 'CREATED', "dateCreated" FROM "Order" ORDER BY id`);
  await pool.query(`
    INSERT INTO "OrderEvent" ("orderId", "type", "public", "amount", "paymentMethod", "transactionId", "dateCreated")
    SELECT "orderId", 'PAYMENT_RECORDED', true, amount, "paymentMethod", "transactionId", "dateCreated" FROM "OrderPayment" ORDER BY id`);
  await pool.query(`
    INSERT INTO "OrderEvent" ("orderId", "type", "public", "fromStatus", "toStatus", "dateCreated")
    SELECT id, 'STATUS_CHANGED', true, 'CREATED', status, "dateCreated" FROM "Order" WHERE status <> 'CREATED' ORDER BY id`);
  await pool.query(`
    INSERT INTO "OrderEvent" ("orderId", "type", "public", "message", "dateCreated")
    SELECT "orderId", 'NOTE_ADDED', public, message, "dateCreated" FROM "OrderNote" ORDER BY id`);
  await pool.query(`
    INSERT INTO "OrderRefund" ("orderId", "paymentId", amount, "transactionId", reason, "dateCreated")
    SELECT "orderId", id, 1.00, 'bench-r-' || id, 'Damaged item', "dateCreated" FROM "OrderPayment" WHERE "orderId" % 4 = 0 ORDER BY id`);
  await pool.query(`
    INSERT INTO "OrderEvent" ("orderId", "type", "public", "amount", "paymentMethod", "transactionId", "message", "dateCreated")
    SELECT r."orderId", 'PAYMENT_REFUNDED', true, r.amount, p."paymentMethod", r."transactionId", r.reason, r."dateCreated"
    FROM "OrderRefund" r JOIN "OrderPayment" p ON p.id = r."paymentId" ORDER BY r.id`);
  await pool.query(`UPDATE "OrderPayment" SET "amountRefunded" = 1.00 WHERE "orderId" % 4 = 0`);
  await pool.query(`UPDATE "Order" SET "amountRefunded" = 1.00 WHERE id % 4 = 0 AND "amountPaid" > 0`);
  await pool.query("COMMIT");
  await pool.query("ANALYZE");
  log(`Seeded the orders' history in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Whether the shop has its shipments and returns (a database seeded before they existed has none). */
export async function seededFulfillment(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query(`SELECT EXISTS (SELECT 1 FROM "OrderShipment") AS yes`);
  return rows[0].yes;
}

/**
 * Shipments and returns: every SHIPPED and COMPLETED order shipped in full (in one shipment, dated as
 * the order), and every fourth of them with a received return of one unit of its first line.
 */
export async function seedFulfillment(pool: pg.Pool, log: (msg: string) => void): Promise<void> {
  const started = Date.now();
  await pool.query("BEGIN");
  await pool.query(`
    INSERT INTO "OrderShipment" ("orderId", carrier, "trackingNumber", "trackingUrl", "dateCreated")
    SELECT id, 'DHL', 'BENCH' || id, 'https://track.example/BENCH' || id, "dateCreated"
    FROM "Order" WHERE status IN ('SHIPPED', 'COMPLETED') ORDER BY id`);
  await pool.query(`
    INSERT INTO "ShipmentLine" ("shipmentId", "itemId", quantity)
    SELECT s.id, i.id, i.quantity FROM "OrderShipment" s JOIN "OrderItem" i ON i."orderId" = s."orderId" ORDER BY s.id, i.id`);
  await pool.query(`
    INSERT INTO "OrderReturn" ("orderId", status, reason, "dateCreated", "dateUpdated")
    SELECT "orderId", 'RECEIVED', 'Too many', "dateCreated", "dateCreated" FROM "OrderShipment" WHERE "orderId" % 4 = 3 ORDER BY id`);
  await pool.query(`
    INSERT INTO "ReturnLine" ("returnId", "itemId", quantity, restock)
    SELECT r.id, (SELECT min(id) FROM "OrderItem" WHERE "orderId" = r."orderId"), 1, true FROM "OrderReturn" r ORDER BY r.id`);
  await pool.query("COMMIT");
  await pool.query("ANALYZE");
  log(`Seeded shipments and returns in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
