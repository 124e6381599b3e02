/** The database layer itself: a failed statement must not take the (embedded) connection down. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma, type Database } from "../../src/db/database.js";
import { migrateDeploy } from "../../src/db/schema-engine.js";
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
});
