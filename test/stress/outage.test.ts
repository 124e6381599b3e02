/**
 * The database goes away and comes back (a private PostgreSQL stopped and started under a running
 * server): requests fail cleanly while it is down, /healthz says so, and the server recovers by
 * itself.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateOrderDocument, MeDocument, AllOrdersCountDocument } from "../generated/graphql.js";
import { orderInput } from "../helpers/harness.js";
import { privatePostgresAvailable, startPrivatePostgres, type PrivatePostgres } from "../helpers/private-postgres.js";
import { loadConfig } from "../../src/config.js";
import { createServer, type RunningServer } from "../../src/server.js";
import { createLogger } from "../../src/shared/log.js";
import { createUser, issueApiToken } from "../../src/users/user.repository.js";
import { print } from "graphql";

const why = privatePostgresAvailable();
if (why) console.warn(`*** SKIPPING the database outage test: ${why}`);

describe.skipIf(why !== null)("database outage", () => {
  let pg: PrivatePostgres;
  let server: RunningServer;
  let token: string;
  const post = async (doc: Parameters<typeof print>[0], variables: object = {}) => {
    const res = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: print(doc), variables }),
    });
    return {
      status: res.status,
      body: (await res.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] },
    };
  };

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    server = await createServer(loadConfig({ DATABASE_URL: pg.url, PORT: "0", LOG_LEVEL: "silent" }), {
      logger: createLogger("silent"),
    });
    const u = await createUser(server.prisma, "staff@example.com", true);
    token = await issueApiToken(server.prisma, u.id);
  });
  afterAll(async () => {
    await server?.close().catch(() => {});
    pg?.destroy();
  });

  it("fails cleanly while down and recovers without a restart", async () => {
    expect((await post(CreateOrderDocument, { input: orderInput() })).body.data.createOrder.__typename).toBe("Order");
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    pg.stop();
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: "unavailable", database: "unreachable" });
    let failures = 0;
    for (const doc of [MeDocument, AllOrdersCountDocument, CreateOrderDocument]) {
      const r = await post(doc, doc === CreateOrderDocument ? { input: orderInput() } : {});
      expect(r.status, JSON.stringify(r.body)).toBeLessThan(600);
      expect(r.body.errors?.[0].extensions?.code, JSON.stringify(r.body)).toBe("SERVICE_UNAVAILABLE");
      expect(JSON.stringify(r.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/);
      failures++;
    }
    expect(failures).toBe(3);

    pg.start();
    const deadline = Date.now() + 20_000;
    while ((await fetch(`${server.url}/healthz`)).status !== 200) {
      if (Date.now() > deadline) throw new Error("the server did not recover");
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await post(CreateOrderDocument, { input: orderInput() })).body.data.createOrder.__typename).toBe("Order");
    expect((await post(AllOrdersCountDocument)).body.data.allOrders.totalCount).toBe(2);
  });
});
