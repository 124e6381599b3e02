/**
 * The API token cache: a known token costs no statement, and whatever changes its lookup's answer
 * (a revoke, staff rights removed, a user deleted) takes effect on this server and on another one
 * sharing the database as soon as they hear the triggers' announcement; no such token is never kept.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runAdminCommand } from "../../src/admin/admin-socket.js";
import { ApiTokenCache, type TokenUser } from "../../src/auth/token-cache.js";
import { loadConfig } from "../../src/config.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { createServer, type RunningServer } from "../../src/server.js";
import { createLogger } from "../../src/shared/log.js";
import { createUser, issueApiToken, revokeApiToken } from "../../src/users/user.repository.js";
import { AllOrdersFullDocument, MeDocument, OrderStatusDocument } from "../generated/graphql.js";
import { backends, openTestDatabase, startTestServer, type TestServer } from "../helpers/harness.js";
import { gql } from "../helpers/processes.js";
import { waitFor } from "../helpers/receiver.js";

const lookups = (statements: string[]) => statements.filter((s) => /"ApiToken"/.test(s));

describe.each(backends())("the API token cache on %s", (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend);
  });
  afterAll(() => t?.close());

  const code = async (token: string) =>
    (await t.gql(AllOrdersFullDocument, { first: 1 }, { token })).errors?.[0]?.extensions?.code ?? "OK";

  it("a staff status read costs one statement once the token is known", async () => {
    const staff = await t.user("status@example.com", { staff: true });
    const o = await t.order({}, { token: staff.token });
    await t.ok(OrderStatusDocument, { ref: o.ref }, { token: staff.token });
    t.statements.length = 0;
    const r = await t.ok(OrderStatusDocument, { ref: o.ref }, { token: staff.token });
    expect(r.orderStatus?.status).toBe("CREATED");
    expect(t.statements).toHaveLength(1); // the order; the token's lookup came from the cache
    expect(lookups(t.statements)).toEqual([]);
  });

  it("a token that matches nothing is UNAUTHENTICATED every time and is never kept", async () => {
    const before = t.server.apiTokens!.size;
    for (let i = 0; i < 3; i++) {
      t.statements.length = 0;
      const r = await t.gql(MeDocument, {}, { token: "oat_no-such-token" });
      expect(r.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
      expect(lookups(t.statements)).toHaveLength(1); // looked up again each time
    }
    expect(t.server.apiTokens!.size).toBe(before);
  });

  it("a token revoked through this server is refused by it as soon as the revoke returns", async () => {
    const u = await t.user("revoked-here@example.com", { staff: true });
    expect(await code(u.token)).toBe("OK");
    expect(
      await runAdminCommand(t.server.prisma, { command: "revoke-token", token: u.token }, t.server.apiTokens),
    ).toEqual({ ok: true, result: { revoked: true } });
    expect(await code(u.token)).toBe("UNAUTHENTICATED");
  });

  it("a token revoked by any other path is refused once the announcement is heard", async () => {
    const u = await t.user("revoked-elsewhere@example.com", { staff: true });
    expect(await code(u.token)).toBe("OK");
    expect(await revokeApiToken(t.server.prisma, u.token)).toBe(true);
    await waitFor(async () => (await code(u.token)) === "UNAUTHENTICATED", "the revoke's announcement", 5_000);
  });

  it("staff rights removed, and a user deleted, take effect once announced", async () => {
    const u = await t.user("demoted@example.com", { staff: true });
    expect(await code(u.token)).toBe("OK");
    await t.server.prisma.user.update({ where: { id: Number(u.id) }, data: { isStaff: false } });
    await waitFor(async () => (await code(u.token)) === "FORBIDDEN", "staff rights gone", 5_000);
    expect((await t.ok(MeDocument, {}, { token: u.token })).me).toMatchObject({ isStaff: false });
    await t.server.prisma.user.delete({ where: { id: Number(u.id) } });
    await waitFor(async () => (await code(u.token)) === "UNAUTHENTICATED", "the user gone", 5_000);
  });

  it("a rolled-back change announces nothing and drops nothing", async () => {
    const u = await t.user("rollback@example.com", { staff: true });
    expect(await code(u.token)).toBe("OK");
    await expect(
      t.server.prisma.$transaction(async (tx) => {
        await tx.user.update({ where: { id: Number(u.id) }, data: { isStaff: false } });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    t.statements.length = 0;
    expect(await code(u.token)).toBe("OK");
    expect(lookups(t.statements)).toEqual([]);
  });
});

describe("the cache's conditions", () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ kind: "embedded", dataDir: "memory://" });
  });
  afterAll(() => db?.close());

  it("is used only while the event path is proven, and emptied when it is not", async () => {
    let pathOk = true;
    const cache = new ApiTokenCache({ db, ttlSeconds: 30, eventPathOk: () => pathOk });
    await cache.start();
    try {
      let loads = 0;
      const user: TokenUser = { id: 1, email: "a@example.com", isStaff: true, lastWriteAt: null };
      const load = async () => (loads++, user);
      const hash = "a".repeat(64);
      await cache.lookup(hash, load);
      await cache.lookup(hash, load);
      expect(loads).toBe(1);
      pathOk = false;
      await cache.lookup(hash, load);
      await cache.lookup(hash, load);
      expect([loads, cache.size]).toEqual([3, 0]);
      pathOk = true;
      await cache.lookup(hash, load);
      expect(loads).toBe(4); // nothing kept from before
      await cache.stop();
      await cache.lookup(hash, load);
      expect(loads).toBe(5); // stopped: no longer listening
    } finally {
      await cache.stop();
    }
  });
});

describe("API_TOKEN_CACHE_SECONDS=0", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer("embedded", { env: { API_TOKEN_CACHE_SECONDS: "0" } });
  });
  afterAll(() => t?.close());

  it("looks the token up on every request", async () => {
    expect(t.server.apiTokens).toBeUndefined();
    const u = await t.user("uncached@example.com");
    for (let i = 0; i < 2; i++) {
      t.statements.length = 0;
      await t.ok(MeDocument, {}, { token: u.token });
      expect(lookups(t.statements)).toHaveLength(1);
    }
  });
});

describe.skipIf(!inject("pgAdminUrl"))("the API token cache on two servers", () => {
  let testDb: Awaited<ReturnType<typeof openTestDatabase>>;
  let second: Database;
  let a: RunningServer;
  let b: RunningServer;

  beforeAll(async () => {
    testDb = await openTestDatabase("postgres");
    second = await openDatabase({ kind: "postgres", url: testDb.url! });
    const config = loadConfig({ PORT: "0", LOG_LEVEL: "silent" });
    a = await createServer(config, { db: testDb.db, logger: createLogger("silent") });
    b = await createServer(config, { db: second, logger: createLogger("silent") });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await second?.close();
    await testDb?.drop();
  });

  const ALL = `{ allOrders(first: 1) { totalCount } }`;
  const code = async (s: RunningServer, token: string) => {
    const r = await gql(s.url, ALL, token);
    return (r.errors?.[0]?.extensions?.code as string | undefined) ?? "OK";
  };
  const staffToken = async (email: string) => {
    const u = await createUser(a.prisma, email, true);
    return { id: u.id, token: await issueApiToken(a.prisma, u.id) };
  };

  it("a token revoked through A is refused by A at once and by B once B has heard it", async () => {
    const u = await staffToken("two-revoked@example.com");
    expect([await code(a, u.token), await code(b, u.token)]).toEqual(["OK", "OK"]);
    expect(await runAdminCommand(a.prisma, { command: "revoke-token", token: u.token }, a.apiTokens)).toMatchObject({
      ok: true,
    });
    expect(await code(a, u.token)).toBe("UNAUTHENTICATED");
    await waitFor(async () => (await code(b, u.token)) === "UNAUTHENTICATED", "B refusing the token", 5_000);
  });

  it("is emptied when its listening connection is lost, and used again once it is back", async () => {
    const u = await staffToken("two-listener@example.com");
    expect(await code(a, u.token)).toBe("OK");
    expect(a.apiTokens!.size).toBeGreaterThan(0);
    const killed = await testDb.db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND query = 'LISTEN api_token_changes'`,
    );
    expect(killed.rows.length).toBe(2); // A's and B's
    await waitFor(() => a.apiTokens!.size === 0, "A's cache emptied", 5_000);
    await waitFor(
      async () => (await code(a, u.token)) === "OK" && a.apiTokens!.size > 0,
      "A caching again once its listener is back",
      10_000,
    );
    await b.prisma.user.update({ where: { id: u.id }, data: { isStaff: false } });
    await waitFor(async () => (await code(a, u.token)) === "FORBIDDEN", "A hearing changes again", 5_000);
  });

  it("staff rights removed on B's side take effect on A", async () => {
    const u = await staffToken("two-demoted@example.com");
    expect([await code(a, u.token), await code(b, u.token)]).toEqual(["OK", "OK"]);
    await b.prisma.user.update({ where: { id: u.id }, data: { isStaff: false } });
    await waitFor(async () => (await code(a, u.token)) === "FORBIDDEN", "A refusing staff rights", 5_000);
    await waitFor(async () => (await code(b, u.token)) === "FORBIDDEN", "B refusing staff rights", 5_000);
  });
});
