/**
 * The commands a user runs, as processes: the CLI (also while a server holds the database),
 * `npm start` and `npm run demo` (src/main.ts), and a clean stop on SIGTERM and Ctrl-C, also
 * through npm. On the embedded database and, for start/stop, on PostgreSQL.
 */
import fs from "node:fs";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { openTestDatabase } from "../helpers/harness.js";
import { waitFor } from "../helpers/receiver.js";
import { cli, gql, run, startServer } from "../helpers/processes.js";

const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "orders-proc-"));
  tmpDirs.push(d);
  return d;
}

/** The command for a token that GraphiQL's first page suggests (a comment, continued with backslashes). */
function suggestedCommand(page: string): string {
  const text: string = JSON.parse(/defaultQuery: ("(?:[^"\\]|\\.)*")/.exec(page)![1]);
  const lines = text.replace(/ \\\n#\s+/g, " ").split("\n");
  return lines[lines.indexOf("# while this server runs:") + 1].replace(/^#\s+/, "");
}

/** Whether anything still answers at `url`. */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

describe("CLI on a fresh embedded database", { timeout: 120_000 }, () => {
  it("creates users and tokens, issues and revokes them, saying which database it used", async () => {
    const dir = `${tmpDir()}/db`;
    const env = { DATABASE_URL: `file:${dir}` };
    const created = await cli(["create-user", "--email", "Staff@Example.com", "--staff"], env);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toBe(`database: embedded PostgreSQL (PGlite) in ${dir} (new: made by this command)\n`);
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
    const issued = await cli(["issue-token", "--email", "staff@example.com"], env);
    expect(issued.code, issued.stderr).toBe(0);
    expect(issued.stderr).toBe(`database: embedded PostgreSQL (PGlite) in ${dir}\n`);
    const token2 = JSON.parse(issued.stdout).token;
    expect(token2).not.toBe(user.token);
    expect((await cli(["revoke-token", "--token", token2], env)).code).toBe(0);
    expect((await cli(["revoke-token", "--token", token2], env)).code).toBe(1);
  });

  it("while a server holds the database, the server runs the command, and its token works at once", async () => {
    const env = { DATABASE_URL: `file:${tmpDir()}/db` };
    const server = await startServer([], env);
    try {
      const made = await cli(["create-user", "--email", "late@example.com", "--staff"], env);
      expect(made.code, made.stderr).toBe(0);
      expect(made.stderr).toBe(
        `database: embedded PostgreSQL (PGlite) in ${env.DATABASE_URL.slice(5)} (run by the server holding it, pid ${server.child.pid})\n`,
      );
      const { token } = JSON.parse(made.stdout);
      expect((await gql(server.url, "{ me { email isStaff } }", token)).data.me).toEqual({
        email: "late@example.com",
        isStaff: true,
      });
      const issued = await cli(["issue-token", "--email", "late@example.com"], env);
      expect(issued.code).toBe(0);
      const revoked = await cli(["revoke-token", "--token", token], env);
      expect(revoked.code).toBe(0);
      // at once, though the token was in the server's cache: it drops what it revokes before answering
      expect((await gql(server.url, "{ me { email } }", token)).errors?.[0].extensions.code).toBe("UNAUTHENTICATED");
      expect((await cli(["create-user", "--email", "late@example.com"], env)).stderr).toMatch(/already exists/);
      expect(await server.stop()).toBe(0);
    } finally {
      server.child.kill("SIGKILL");
    }
    const dir = env.DATABASE_URL.slice(5);
    expect(fs.existsSync(path.join(dir, "server.pid"))).toBe(false);
    expect(fs.existsSync(path.join(dir, "admin.sock"))).toBe(false);
    // and without the server, the CLI opens the database itself
    expect((await cli(["issue-token", "--email", "late@example.com"], env)).code).toBe(0);
  });
});

describe("CLI help", () => {
  it.each(["--help", "-h", "help", "create-user --help"])(
    "%s lists the commands and options on stdout",
    async (args) => {
      const r = await cli(args.split(" "));
      expect(r.code, r.stderr).toBe(0);
      for (const word of ["create-user --email E [--staff]", "issue-token --email E", "revoke-token --token T"])
        expect(r.stdout).toContain(word);
      for (const option of ["--demo", "--email E", "--staff", "--token T", "-h, --help", "DATABASE_URL"])
        expect(r.stdout).toContain(option);
      expect(r.stderr).toBe("");
    },
  );

  it("without arguments prints the same on stderr and does nothing (exit 64)", async () => {
    const cwd = tmpDir();
    const r = await cli([], {}, cwd);
    expect(r.code).toBe(64);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("create-user --email E [--staff]");
    expect(r.stderr).toContain("-h, --help");
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it("a mistake in the command line says what, and where the help is", async () => {
    const r = await cli(["create-users", "--email", "a@example.com"]);
    expect(r.code).toBe(64);
    expect(r.stderr).toBe(
      'unknown command "create-users"\n(npm run -s cli -- --help lists the commands and options)\n',
    );
  });
});

describe("npm run demo", { timeout: 120_000 }, () => {
  it("creates demo data before it answers, prints working tokens, and GraphiQL starts signed in as staff", async () => {
    const env = { DATABASE_URL: `file:${tmpDir()}/demo` };
    const demo = await startServer(["--demo"], env);
    try {
      const out = demo.output();
      expect(out).toContain("demo data created");
      const staffToken = /staff\s+\S+\s+(oat_\S+)/.exec(out)![1];
      const aliceToken = /customer\s+alice@\S+\s+(oat_\S+)/.exec(out)![1];
      const all = await gql(
        demo.url,
        "{ allOrders(first: 100) { totalCount nodes { status items { name } payments { amount } refunds { amount } history { totalCount } editVersion amountOutstanding } } }",
        staffToken,
      );
      expect(all.data.allOrders.totalCount).toBeGreaterThanOrEqual(30);
      const nodes = all.data.allOrders.nodes as {
        status: string;
        payments: unknown[];
        refunds: unknown[];
        history: { totalCount: number };
        editVersion: number;
        amountOutstanding: string;
      }[];
      expect(new Set(nodes.map((o) => o.status)).size).toBeGreaterThanOrEqual(5);
      expect(nodes.some((o) => o.payments.length > 0)).toBe(true);
      expect(nodes.some((o) => o.refunds.length > 0)).toBe(true);
      expect(nodes.every((o) => o.history.totalCount >= 1)).toBe(true);
      // two edited orders: one owes for a line added after it was paid, one was refunded the difference
      const edited = nodes.filter((o) => o.editVersion > 0);
      expect(edited.map((o) => [o.status, o.amountOutstanding, o.refunds.length])).toEqual(
        expect.arrayContaining([
          ["PROCESSING", "4.95", 0],
          ["PROCESSING", "0.00", 1],
        ]),
      );
      expect(edited).toHaveLength(2);
      const mine = await gql(demo.url, "{ orders(first: 100) { totalCount } }", aliceToken);
      expect(mine.data.orders.totalCount).toBeGreaterThan(5);
      const page = await (await fetch(`${demo.url}/graphiql`)).text();
      expect(page).toContain(staffToken);
      // the command that works for this demo's folder (not the default one)
      expect(suggestedCommand(page)).toBe(
        `DATABASE_URL=${env.DATABASE_URL} npm run -s cli -- create-user --email you@example.com --staff`,
      );
      expect(await demo.stop()).toBe(0);
    } finally {
      demo.child.kill("SIGKILL");
    }
    const again = await startServer(["--demo"], env);
    try {
      expect(again.output()).toContain("demo data already there");
      expect(await again.stop()).toBe(0);
    } finally {
      again.child.kill("SIGKILL");
    }
  });

  it("in its own folder, the CLI's token works on the running demo (with --demo, or with no database named), and stderr says which database", async () => {
    const cwd = tmpDir();
    const demo = await startServer(["--demo"], {}, { cwd });
    try {
      const page = await (await fetch(`${demo.url}/graphiql`)).text();
      expect(suggestedCommand(page)).toBe("npm run -s cli -- --demo create-user --email you@example.com --staff");
      const made = await cli(["--demo", "create-user", "--email", "me@example.com", "--staff"], {}, cwd);
      expect(made.code, made.stderr).toBe(0);
      const { token } = JSON.parse(made.stdout);
      expect((await gql(demo.url, "{ me { email isStaff } }", token)).data.me).toEqual({
        email: "me@example.com",
        isStaff: true,
      });
      const demoDb = `embedded PostgreSQL (PGlite) in ${fs.realpathSync(cwd)}/data/demo`;
      expect(made.stderr).toBe(`database: ${demoDb} (run by the server holding it, pid ${demo.child.pid})\n`);

      // Without --demo, while the demo runs and ./data/db was never made: the demo's database,
      // said so, and no new ./data/db (whose token the demo would refuse).
      const unnamed = await cli(["create-user", "--email", "you@example.com"], { DATABASE_URL: "" }, cwd);
      expect(unnamed.code, unnamed.stderr).toBe(0);
      expect(unnamed.stderr).toBe(
        `note: no database named and the demo is running (pid ${demo.child.pid}): using the demo's database, as --demo would; set DATABASE_URL=file:./data/db for the default one.\n` +
          `database: ${demoDb} (run by the server holding it, pid ${demo.child.pid})\n`,
      );
      const you = JSON.parse(unnamed.stdout).token;
      expect((await gql(demo.url, "{ me { email } }", you)).data.me).toEqual({ email: "you@example.com" });
      expect(fs.existsSync(path.join(cwd, "data", "db"))).toBe(false);

      // Once ./data/db exists, an unnamed command uses it (the default), with a warning naming both.
      const own = await cli(["create-user", "--email", "own@example.com"], { DATABASE_URL: "file:./data/db" }, cwd);
      expect(own.code, own.stderr).toBe(0);
      const other = await cli(["issue-token", "--email", "own@example.com"], { DATABASE_URL: "" }, cwd);
      expect(other.code, other.stderr).toBe(0);
      expect(other.stderr).toBe(
        `warning: this command used the default database ./data/db, not the running demo's (./data/demo, pid ${demo.child.pid}), which will not know this user or token. For the demo, add --demo.\n` +
          `database: embedded PostgreSQL (PGlite) in ${fs.realpathSync(cwd)}/data/db\n`,
      );
      const refused = await gql(demo.url, "{ me { email } }", JSON.parse(other.stdout).token);
      expect(refused.errors?.[0].extensions.code).toBe("UNAUTHENTICATED");
      expect(await demo.stop()).toBe(0);
    } finally {
      demo.child.kill("SIGKILL");
    }
  });

  it.each([
    ["SIGTERM to npm", "SIGTERM", false],
    ["Ctrl-C (SIGINT to the terminal's process group)", "SIGINT", true],
  ] as const)("%s stops the server cleanly", async (_what, signal, group) => {
    const env = { DATABASE_URL: `file:${tmpDir()}/demo`, npm_config_loglevel: "warn" };
    const npm = await startServer(["run", "demo"], env, { command: ["npm"], detached: true });
    try {
      expect(await answers(npm.url)).toBe(true);
      if (group) process.kill(-npm.child.pid!, signal);
      else npm.child.kill(signal);
      await npm.exited;
      await waitFor(async () => !(await answers(npm.url)), "the server to stop", 20_000);
      expect(npm.output()).toMatch(new RegExp(`${signal}: draining requests and closing the database`));
      expect(npm.output()).toMatch(
        /stopped: requests drained, WebSocket connections closed, webhook attempts finished, database closed \(embedded PostgreSQL \(PGlite\) in .*demo\)\n/,
      );
    } finally {
      try {
        process.kill(-npm.child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });

  it("a server that is not the demo puts no token in GraphiQL", async () => {
    const env = { DATABASE_URL: `file:${tmpDir()}/db` };
    const server = await startServer([], env);
    try {
      const page = await (await fetch(`${server.url}/graphiql`)).text();
      expect(page).not.toMatch(/oat_/);
      expect(page).toContain('defaultHeaders: ""');
      expect(suggestedCommand(page)).toBe(
        `DATABASE_URL=${env.DATABASE_URL} npm run -s cli -- create-user --email you@example.com --staff`,
      );
      expect(await server.stop()).toBe(0);
    } finally {
      server.child.kill("SIGKILL");
    }
  });
});

describe("npm start configuration", () => {
  it("refuses a bad value with a message naming the variable", async () => {
    const r = await run("main.js", [], { PORT: "eighty", DATABASE_URL: `file:${tmpDir()}/x` });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/PORT must be a port number/);
    const m = await run("main.js", [], { PAYMENT_METHODS: "credit-card,bitcoin", DATABASE_URL: `file:${tmpDir()}/x` });
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(/unknown payment method "bitcoin"/);
  });
});

/** A port on 127.0.0.1 that nothing listens on (taken, then given back). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** What a failed start printed: exactly one line, with no stack trace. */
function oneLine(r: { code: number | null; stderr: string }): string {
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr.trim().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return lines[0];
}

describe("a start that cannot work says why in one line, without a stack trace", { timeout: 120_000 }, () => {
  it("a busy port", async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const { port } = busy.address() as AddressInfo;
    try {
      const r = await run("main.js", [], {
        PORT: String(port),
        LOG_LEVEL: "warn",
        DATABASE_URL: `file:${tmpDir()}/db`,
      });
      expect(oneLine(r)).toBe(
        `Port ${port} on 127.0.0.1 is already in use (another program, or this server started earlier). Stop it, or choose another port: PORT=${port + 1} npm start (PORT=0 picks a free one).`,
      );
    } finally {
      busy.close();
    }
  });

  it("a PostgreSQL server that refuses the connection", async () => {
    const port = await closedPort();
    const url = `postgresql://orders@127.0.0.1:${port}/orders`;
    const r = await run("main.js", [], { PORT: "0", DATABASE_URL: url });
    expect(oneLine(r)).toBe(
      `Cannot connect to PostgreSQL 127.0.0.1:${port}/orders: connection refused. Is PostgreSQL running on 127.0.0.1:${port}? (DATABASE_URL)`,
    );
    // the CLI says the same
    const c = await cli(["create-user", "--email", "a@example.com"], { DATABASE_URL: url });
    expect(oneLine(c)).toMatch(/^Cannot connect to PostgreSQL 127\.0\.0\.1:\d+\/orders: connection refused\./);
  });

  it.skipIf(!inject("pgAdminUrl"))("a PostgreSQL database that does not exist", async () => {
    const u = new URL(inject("pgAdminUrl")!);
    u.pathname = "/orders_missing_database";
    const r = await run("main.js", [], { PORT: "0", DATABASE_URL: u.toString() });
    expect(oneLine(r)).toBe(
      `The database "orders_missing_database" does not exist on PostgreSQL ${u.hostname}:${u.port || 5432}. Create it first (createdb orders_missing_database), or set DATABASE_URL to one that exists.`,
    );
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
        expect((await cli(["issue-token", "--email", "pg@example.com"], { DATABASE_URL: db.url! })).code).toBe(0);
        expect(await server.stop()).toBe(0);
      } finally {
        server.child.kill("SIGKILL");
      }
    } finally {
      await db.drop();
    }
  });
});
