/**
 * A throwaway PostgreSQL cluster of the test's own (Debian's server binaries, 127.0.0.1 on a free
 * port, trust auth, a private socket folder), which the test may stop, start and kill without
 * touching the machine's shared server. Needs root (initdb runs as the postgres user).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export function privatePostgresAvailable(): string | null {
  if (process.getuid?.() !== 0) return "not running as root (initdb must run as the postgres user)";
  if (!fs.existsSync("/usr/lib/postgresql")) return "no PostgreSQL server binaries in /usr/lib/postgresql";
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export interface PrivatePostgres {
  url: string;
  port: number;
  start(): void;
  stop(): void;
  destroy(): void;
}

function binDir(): string {
  const bins = fs.readdirSync("/usr/lib/postgresql").sort((a, b) => Number(a) - Number(b));
  return path.join("/usr/lib/postgresql", bins[bins.length - 1], "bin");
}

function privateDir(): { dir: string; data: string; asPostgres(cmd: string, args: string[]): Buffer } {
  const bin = binDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-pg-"));
  fs.chmodSync(dir, 0o755);
  execFileSync("chown", ["postgres:postgres", dir]);
  const asPostgres = (cmd: string, args: string[]) =>
    execFileSync("runuser", ["-u", "postgres", "--", path.join(bin, cmd), ...args], { stdio: "pipe" });
  return { dir, data: path.join(dir, "data"), asPostgres };
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const { dir, data, asPostgres } = privateDir();
  asPostgres("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  return run(dir, data, asPostgres);
}

/**
 * A streaming replica of `primary` (pg_basebackup -R: a hot standby that follows its WAL), a cluster
 * of its own on a free port.
 */
export async function startPrivateReplica(primary: PrivatePostgres): Promise<PrivatePostgres> {
  const { dir, data, asPostgres } = privateDir();
  asPostgres("pg_basebackup", [
    "-h",
    "127.0.0.1",
    "-p",
    String(primary.port),
    "-U",
    "postgres",
    "-D",
    data,
    "-R",
    "-X",
    "stream",
    // A checkpoint at once: the default spreads it over checkpoint_timeout (minutes, when there is data).
    "-c",
    "fast",
  ]);
  return run(dir, data, asPostgres);
}

async function run(
  dir: string,
  data: string,
  asPostgres: (cmd: string, args: string[]) => Buffer,
): Promise<PrivatePostgres> {
  const port = await freePort();
  const opts = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off`;
  const pg: PrivatePostgres = {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    start: () => void asPostgres("pg_ctl", ["-D", data, "-l", path.join(dir, "log"), "-w", "-o", opts, "start"]),
    stop: () => void asPostgres("pg_ctl", ["-D", data, "-w", "-m", "fast", "stop"]),
    destroy() {
      try {
        pg.stop();
      } catch {
        /* already stopped */
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  pg.start();
  return pg;
}
