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
  start(): void;
  stop(): void;
  destroy(): void;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bins = fs.readdirSync("/usr/lib/postgresql").sort((a, b) => Number(a) - Number(b));
  const bin = path.join("/usr/lib/postgresql", bins[bins.length - 1], "bin");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-pg-"));
  fs.chmodSync(dir, 0o755);
  execFileSync("chown", ["postgres:postgres", dir]);
  const data = path.join(dir, "data");
  const asPostgres = (cmd: string, args: string[]) =>
    execFileSync("runuser", ["-u", "postgres", "--", path.join(bin, cmd), ...args], { stdio: "pipe" });
  asPostgres("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const port = await freePort();
  const opts = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off`;
  const pg: PrivatePostgres = {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
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
