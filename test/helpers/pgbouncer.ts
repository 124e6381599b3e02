/**
 * A real PgBouncer (Debian's package) of the test's own, in transaction mode on a free port of
 * 127.0.0.1, in front of the PostgreSQL server the suite uses: what a shop puts between many servers
 * and one database. Missing pgbouncer fails the test when REQUIRE_POSTGRES=1 (CI installs it).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

/** Why no PgBouncer can be started here, or null when it can. */
export function pgbouncerMissing(): string | null {
  try {
    execFileSync("pgbouncer", ["--version"], { stdio: "pipe" });
    return null;
  } catch {
    return "no pgbouncer on PATH (Debian: apt-get install pgbouncer)";
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export interface PgBouncer {
  port: number;
  /** `url` (a postgresql:// URL of the server behind it) with the pooler's host and port instead. */
  through(url: string): string;
  /** Stops it (SIGINT: connections closed at once) and removes its folder. */
  stop(): Promise<void>;
}

/**
 * Starts PgBouncer in transaction mode in front of the server `adminUrl` names (any database on it,
 * as the same user). Ready when it answers a statement.
 */
export async function startPgBouncer(adminUrl: string, o: { poolSize?: number } = {}): Promise<PgBouncer> {
  const upstream = new URL(adminUrl);
  const user = decodeURIComponent(upstream.username || "postgres");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-pgbouncer-"));
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  fs.writeFileSync(path.join(dir, "users.txt"), `"${user}" ""\n`);
  fs.writeFileSync(
    path.join(dir, "pgbouncer.ini"),
    [
      "[databases]",
      `* = host=${upstream.hostname || "127.0.0.1"} port=${upstream.port || 5432}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = trust",
      `auth_file = ${path.join(dir, "users.txt")}`,
      "pool_mode = transaction",
      `default_pool_size = ${o.poolSize ?? 20}`,
      "max_client_conn = 1000",
      "ignore_startup_parameters = extra_float_digits,options",
      "server_reset_query =",
      `logfile = ${path.join(dir, "pgbouncer.log")}`,
      "",
    ].join("\n"),
  );
  for (const f of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, f), 0o644);
  // PgBouncer refuses to run as root: as root, it switches to the postgres user (-u), who writes its log here.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync("chown", ["-R", "postgres", dir]);
  const child: ChildProcess = spawn(
    "pgbouncer",
    [...(asRoot ? ["-u", "postgres"] : []), path.join(dir, "pgbouncer.ini")],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const through = (url: string) => {
    const u = new URL(url);
    u.hostname = "127.0.0.1";
    u.port = String(port);
    return u.toString();
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGINT");
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // Ready when a statement goes through (bounded: 300 tries).
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) {
      const log = fs.existsSync(path.join(dir, "pgbouncer.log"))
        ? fs.readFileSync(path.join(dir, "pgbouncer.log"), "utf8")
        : "";
      await stop();
      throw new Error(`pgbouncer exited with ${child.exitCode}: ${out}${log}`);
    }
    const c = new pg.Client({ connectionString: through(adminUrl), connectionTimeoutMillis: 2_000 });
    try {
      await c.connect();
      await c.query("SELECT 1");
      await c.end();
      break;
    } catch (e) {
      await c.end().catch(() => {});
      if (i >= 300) {
        await stop();
        throw new Error(`pgbouncer did not answer: ${(e as Error).message} ${out}`, { cause: e });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { port, through, stop };
}
