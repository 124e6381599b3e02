/**
 * What the bench reads of the processes it measures: CPU time and RSS from /proc, and the CPU time
 * of the PostgreSQL backends serving a database (the server's own share of the work it sends there).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import pg from "pg";

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time the process has used so far, in ms: in user space and in the kernel (system calls: sockets, epoll…). */
export function cpuOf(pid: number): { user: number; system: number } {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return { user: (Number(fields[11]) * 1000) / CLOCK_TICKS, system: (Number(fields[12]) * 1000) / CLOCK_TICKS };
  } catch {
    return { user: 0, system: 0 };
  }
}

/** CPU time (user + system) the process has used so far, in ms. */
export function cpuMsOf(pid: number): number {
  const { user, system } = cpuOf(pid);
  return user + system;
}

export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export const round2 = (x: number) => Math.round(x * 100) / 100;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * CPU time of the client backends connected to one database of a PostgreSQL server on this machine
 * (read from /proc by their pids): what the database did for the server under test. A backend that
 * starts during a measurement counts whole (its start-up included); one that ends is lost. The
 * pools the bench's servers keep are warm by then, so neither happens in practice.
 */
export class DatabaseCpu {
  private constructor(
    private readonly client: pg.Client,
    private readonly database: string,
  ) {}

  static async open(url: string): Promise<DatabaseCpu> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return new DatabaseCpu(client, new URL(url).pathname.slice(1));
  }

  /** CPU ms used so far by each backend of the database, by pid (this connection's own left out). */
  async sample(): Promise<Map<number, number>> {
    const { rows } = await this.client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      [this.database],
    );
    return new Map(rows.map((r) => [r.pid, cpuMsOf(r.pid)]));
  }

  static used(before: Map<number, number>, after: Map<number, number>): number {
    let ms = 0;
    for (const [pid, cpu] of after) ms += cpu - (before.get(pid) ?? 0);
    return ms;
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
