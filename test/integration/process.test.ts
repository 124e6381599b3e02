/**
 * The commands a user runs, as processes: the CLI, `npm start` (src/main.ts), the demo, and a
 * clean stop on SIGTERM. On the embedded database and, for start/stop, on PostgreSQL.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { openTestDatabase } from "../helpers/harness.js";
import { cli, gql as gqlRaw, run, startServer } from "../helpers/processes.js";

const gql = async (url: string, query: string, token?: string) => gqlRaw(url, query, token);

const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "orders-proc-"));
  tmpDirs.push(d);
  return d;
}

describe("CLI on a fresh embedded database", () => {
  it("creates users and tokens, issues and revokes them, and refuses while a server holds the database", async () => {
    const env = { DATABASE_URL: `file:${tmpDir()}/db` };
    const created = await cli(["create-user", "--email", "Staff@Example.com", "--staff"], env);
    expect(created.code, created.stderr).toBe(0);
    const lines = created.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const user = JSON.parse(lines[0]);
    expect(user).toEqual({
      id: expect.any(String),
      email: "staff@example.com",
      isStaff: true,
      token: expect.stringMatching(/^oat_[A-Za-z0-9_-]{43}$/),
    });

    const dup = await cli(["create-user", "--email", "staff@example.com"], env);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);
    expect((await cli(["create-user"], env)).code).toBe(64);
    expect((await cli(["create-user", "--email", "nope"], env)).code).toBe(1);

    const second = await cli(["issue-token", "--email", "staff@example.com"], env);
    expect(second.code).toBe(0);
    const token2 = JSON.parse(second.stdout).token;
    expect(token2).not.toBe(user.token);

    const server = await startServer([], env);
    try {
      expect((await gql(server.url, "{ me { email isStaff } }", user.token)).data.me).toEqual({
        email: "staff@example.com",
        isStaff: true,
      });
      const busy = await cli(["create-user", "--email", "other@example.com"], env);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toMatch(/in use by process \d+/);
      expect((await gql(server.url, "{ me { email } }", user.token)).data.me.email).toBe("staff@example.com");
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
    } finally {
      server.child.kill("SIGKILL");
    }
    expect(fs.existsSync(path.join(env.DATABASE_URL.slice(5), "server.pid"))).toBe(false);

    const revoked = await cli(["revoke-token", "--token", token2], env);
    expect(revoked.code).toBe(0);
    expect((await cli(["revoke-token", "--token", token2], env)).code).toBe(1);
    expect((await cli(["create-user", "--email", "other@example.com"], env)).code).toBe(0);
  });
});

describe("npm run demo", () => {
  it("creates demo data once, prints working tokens and opens GraphiQL signed in as staff", async () => {
    const env = { DATABASE_URL: `file:${tmpDir()}/demo` };
    const demo = await startServer(["--demo"], env);
    try {
      const out = demo.output();
      expect(out).toContain("demo data created");
      const staffToken = /staff\s+\S+\s+(oat_\S+)/.exec(out)![1];
      const aliceToken = /customer\s+alice@\S+\s+(oat_\S+)/.exec(out)![1];
      const all = await gql(
        demo.url,
        "{ allOrders(first: 100) { totalCount nodes { status items { name } payments { amount } } } }",
        staffToken,
      );
      expect(all.data.allOrders.totalCount).toBeGreaterThanOrEqual(30);
      const statuses = new Set(all.data.allOrders.nodes.map((o: { status: string }) => o.status));
      expect(statuses.size).toBeGreaterThanOrEqual(5);
      expect(all.data.allOrders.nodes.some((o: { payments: unknown[] }) => o.payments.length > 0)).toBe(true);
      const mine = await gql(demo.url, "{ orders(first: 100) { totalCount } }", aliceToken);
      expect(mine.data.orders.totalCount).toBeGreaterThan(5);
      const page = await (await fetch(`${demo.url}/graphiql`)).text();
      expect(page).toContain(staffToken);
      demo.child.kill("SIGTERM");
      expect(await demo.exited).toBe(0);
    } finally {
      demo.child.kill("SIGKILL");
    }
    const again = await startServer(["--demo"], env);
    try {
      expect(again.output()).toContain("demo data already there");
      again.child.kill("SIGTERM");
      expect(await again.exited).toBe(0);
    } finally {
      again.child.kill("SIGKILL");
    }
  });
});

describe("npm start configuration", () => {
  it("refuses a bad value with a message naming the variable", async () => {
    const r = await run("src/main.ts", [], { PORT: "eighty", DATABASE_URL: `file:${tmpDir()}/x` });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/PORT must be a port number/);
    const m = await run("src/main.ts", [], {
      PAYMENT_METHODS: "credit-card,bitcoin",
      DATABASE_URL: `file:${tmpDir()}/x`,
    });
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(/unknown payment method "bitcoin"/);
  });
});

describe.skipIf(!inject("pgAdminUrl"))("npm start on PostgreSQL", () => {
  it("applies migrations, serves, and stops cleanly on SIGTERM", async () => {
    const db = await openTestDatabase("postgres");
    try {
      const user = await cli(["create-user", "--email", "pg@example.com", "--staff"], { DATABASE_URL: db.url! });
      expect(user.code, user.stderr).toBe(0);
      const server = await startServer([], { DATABASE_URL: db.url! });
      try {
        expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
        const token = JSON.parse(user.stdout).token;
        expect((await gql(server.url, "{ me { email } }", token)).data.me.email).toBe("pg@example.com");
        server.child.kill("SIGTERM");
        expect(await server.exited).toBe(0);
      } finally {
        server.child.kill("SIGKILL");
      }
    } finally {
      await db.drop();
    }
  });
});
