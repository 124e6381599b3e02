/**
 * DATABASE_URL=postgresql://… npx tsx bench/prisma-cost.ts [--calls N] [--concurrency C] [--rounds R]
 *
 * What one statement costs the server's process when it goes through Prisma Client, against the same
 * statement sent with node-postgres on the same pool: the order read a staff status request makes
 * (order.repository.ts `findOrderByRef` with the status's columns), N calls C at a time, CPU time of
 * this process per call (process.cpuUsage). The SQL pg sends is the very text Prisma sent (read off
 * the pool's observer), named as the server names it (prepared once per connection), with the same
 * values. Run on the bench's database (`npm run bench -- --db postgres` seeds it). Each round runs
 * both sides, the order reversed every other round.
 */
import { parseArgs } from "node:util";
import { parseDatabaseUrl } from "../src/config.js";
import { createPrisma, openDatabase, statementNames } from "../src/db/database.js";
import { CORE_SELECT } from "../src/orders/order.select.js";
import { findOrderByRef } from "../src/orders/order.repository.js";

const { values: args } = parseArgs({
  options: {
    calls: { type: "string", default: "20000" },
    concurrency: { type: "string", default: "16" },
    rounds: { type: "string", default: "3" },
  },
});
const calls = Number(args.calls);
const concurrency = Number(args.concurrency);

async function main(): Promise<void> {
  const location = parseDatabaseUrl(process.env.DATABASE_URL);
  if (location.kind !== "postgres") throw new Error("set DATABASE_URL to the bench's PostgreSQL database");
  const db = await openDatabase(location, { poolMax: 10 });
  const prisma = createPrisma(db, { preparedStatements: () => true });
  try {
    const refs = (await db.query<{ ref: string }>(`SELECT "ref" FROM "Order" ORDER BY "id" LIMIT 500`)).rows.map(
      (r) => r.ref,
    );
    if (refs.length === 0) throw new Error("no orders: seed the bench's database first");

    // The statement Prisma sends for the read, and its values, as the pool sees them.
    let sent: { sql: string; values: unknown[] } | undefined;
    const pool = db.pool as unknown as { query: (...a: unknown[]) => Promise<unknown> };
    const query = pool.query.bind(db.pool);
    pool.query = (config: unknown, ...rest: unknown[]) => {
      const c = config as { text?: string; values?: unknown[] };
      if (sent === undefined && typeof c === "object" && c.text?.includes('FROM "public"."Order"')) {
        sent = { sql: c.text, values: c.values ?? [] };
      }
      return query(config, ...rest);
    };
    await findOrderByRef(prisma, refs[0], { kind: "all" }, CORE_SELECT);
    pool.query = query;
    if (!sent) throw new Error("did not see the order read's statement");
    const { sql } = sent;
    const refAt = sent.values.indexOf(refs[0]);
    if (refAt < 0) throw new Error("the order read's values do not hold its ref");
    const name = statementNames()({ sql });

    const sides: Record<string, (ref: string) => Promise<unknown>> = {
      prisma: (ref) => findOrderByRef(prisma, ref, { kind: "all" }, CORE_SELECT),
      // The same read as findUnique (Prisma batches these per tick) and as $queryRawUnsafe (its
      // raw path: the statement as text, no query plan, rows mapped by column type).
      findUnique: (ref) => prisma.order.findUnique({ where: { ref }, select: CORE_SELECT.order }),
      queryRaw: (ref) => {
        const values = [...sent!.values];
        values[refAt] = ref;
        return prisma.$queryRawUnsafe(sql, ...values);
      },
      pg: (ref) => {
        const values = [...sent!.values];
        values[refAt] = ref;
        return db.pool.query({ text: sql, values, name });
      },
    };

    async function run(fn: (ref: string) => Promise<unknown>, n: number): Promise<number> {
      let next = 0;
      const started = process.cpuUsage();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < n) await fn(refs[next++ % refs.length]);
        }),
      );
      const used = process.cpuUsage(started);
      return (used.user + used.system) / 1000 / n;
    }

    console.log(`statement: ${sql.replace(/\s+/g, " ").slice(0, 200)}…`);
    console.log(`${calls} calls, ${concurrency} at a time, CPU of this process per call (ms):`);
    const names = Object.keys(sides);
    const results: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    for (const side of names) await run(sides[side], Math.min(calls, 5000)); // warm-up
    for (let round = 0; round < Number(args.rounds); round++) {
      const order = round % 2 === 0 ? names : [...names].reverse();
      for (const side of order) results[side].push(await run(sides[side], calls));
    }
    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(", ");
    console.log(`| side | CPU ms per call, round by round |`);
    console.log(`| ---- | ------------------------------- |`);
    for (const side of names) console.log(`| ${side} | ${fmt(results[side])} |`);
    const extra = results.prisma.map((p, i) => p - results.pg[i]);
    console.log(`Prisma Client's own CPU per statement: ${fmt(extra)} ms`);
  } finally {
    await prisma.$disconnect();
    await db.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
