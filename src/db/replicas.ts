/**
 * Read replicas (DATABASE_REPLICA_URLS): PostgreSQL streaming replicas of the primary, read from
 * for what tolerates lag, never for what must see the latest write.
 *
 * How far behind a replica is, is measured, not trusted to clocks: every check, the primary's WAL
 * position is sampled with the primary's own time (`pg_current_wal_lsn()`, `clock_timestamp()`),
 * and each replica's replayed position (`pg_last_wal_replay_lsn()`) is compared with the samples. A
 * replica that has replayed the sample taken at T holds everything committed before T: it is
 * "caught up to" T, and T is how old its data may be. A replica is read from only while it is caught
 * up to a time less than REPLICA_MAX_LAG_MS ago, and, for a caller who wrote, to a time after their
 * last write (`lastWriteAt`, the primary's time). A replica that stops answering is marked down at
 * once (a statement that failed on it is run again on the primary) and used again when a check
 * finds it caught up.
 *
 * Not Prisma's @prisma/extension-read-replicas: it sends every read outside a transaction to a
 * random replica unless told `$primary()`, with no lag or health check, so a stopped replica's
 * error reaches the client and a caller's read after their own write may miss it. Here the primary
 * is the default and a replica is chosen for a read only when it is known to be fresh enough.
 */
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.js";
import { isDatabaseUnavailable } from "../shared/db-errors.js";
import type { Logger } from "../shared/log.js";
import type { Database } from "./database.js";

/** What /healthz says of a replica (no credentials). */
export interface ReplicaState {
  replica: string;
  status: "ok" | "lagging" | "down";
  /** How old its data may be, at the last check (ms); null when unknown. */
  lagMs: number | null;
}

interface Sample {
  lsn: bigint;
  /** The primary's time of the sample. */
  at: Date;
  /** This process's monotonic time of the sample. */
  local: number;
}

/** "16/B374D848" → a number that orders like the position. */
function lsnValue(text: string): bigint {
  const [hi, lo] = text.split("/");
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

/**
 * A pool for one replica whose statements, when the replica does not answer, are marked as its
 * failure and run on the primary instead: a replica read is a lone SELECT, safe to send again.
 */
class ReplicaPool extends pg.Pool {
  constructor(
    config: pg.PoolConfig,
    private readonly primary: pg.Pool,
    private readonly down: (e: unknown) => void,
    private readonly isDown: () => boolean,
  ) {
    super(config);
  }
  /** A statement on the replica itself, never sent on to the primary (the lag check). */
  own(text: string): Promise<pg.QueryResult> {
    return super.query(text) as unknown as Promise<pg.QueryResult>;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(config: any, values?: any, callback?: any): any {
    if (typeof values === "function" || typeof callback === "function") return super.query(config, values, callback);
    if (this.isDown()) return this.primary.query(config, values);
    return (super.query(config, values) as Promise<pg.QueryResult>).catch((e: unknown) => {
      if (!isDatabaseUnavailable(e)) throw e;
      this.down(e);
      return this.primary.query(config, values);
    });
  }
}

class Replica {
  readonly pool: ReplicaPool;
  readonly prisma: PrismaClient;
  status: ReplicaState["status"] = "down";
  /** The newest primary sample it has replayed (null: none yet). */
  caughtUp: Sample | null = null;
  private downSince: number | null = null;

  constructor(
    readonly index: number,
    readonly url: string,
    readonly description: string,
    db: Database,
    private readonly log: Logger,
  ) {
    this.pool = new ReplicaPool(
      {
        connectionString: url,
        max: db.pool.options.max,
        connectionTimeoutMillis: 2_000,
        Client: db.observedClient(`replica:${index}`),
      },
      db.pool,
      (e) => this.markDown(e),
      () => this.status === "down",
    );
    this.pool.on("error", () => {}); // an idle client lost with the replica: checks find it down
    this.prisma = new PrismaClient({ adapter: new PrismaPg(this.pool) });
  }

  markDown(e: unknown): void {
    if (this.status !== "down" || this.downSince === null) {
      this.log.warn("read replica not answering: its reads go to the primary", {
        replica: this.description,
        error: e instanceof Error ? e.message : String(e),
      });
    }
    this.status = "down";
    this.downSince ??= performance.now();
  }

  markUp(): void {
    if (this.downSince !== null) this.log.info("read replica answers again", { replica: this.description });
    this.downSince = null;
  }
}

export class Replicas {
  private readonly replicas: Replica[];
  private samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private next = 0;
  private checking: Promise<void> | null = null;

  constructor(
    private readonly db: Database,
    private readonly o: { maxLagMs: number; log: Logger; describe(url: string): string },
  ) {
    this.replicas = db.replicaUrls.map((url, i) => new Replica(i, url, o.describe(url), db, o.log));
  }

  get count(): number {
    return this.replicas.length;
  }

  /** How often the lag is checked: often enough to tell a replica REPLICA_MAX_LAG_MS behind. */
  private get checkEveryMs(): number {
    return Math.max(50, Math.min(1_000, Math.floor(this.o.maxLagMs / 4)));
  }

  async start(): Promise<void> {
    if (!this.replicas.length) return;
    await this.check();
    const tick = () => {
      this.timer = setTimeout(() => void this.check().finally(() => !this.stopped && tick()), this.checkEveryMs);
      this.timer.unref();
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.checking;
    for (const r of this.replicas) {
      await r.prisma.$disconnect().catch(() => {});
      await r.pool.end().catch(() => {});
    }
  }

  /**
   * A client for a read that tolerates lag, by a caller whose last write was at `lastWriteAt` (the
   * primary's time; null: none known), or null when no replica is fresh enough (read the primary).
   */
  reader(lastWriteAt: Date | null): PrismaClient | null {
    const now = performance.now();
    for (let i = 0; i < this.replicas.length; i++) {
      const r = this.replicas[(this.next + i) % this.replicas.length];
      const c = r.caughtUp;
      if (r.status !== "ok" || !c) continue;
      if (now - c.local > this.o.maxLagMs) continue;
      if (lastWriteAt && c.at.getTime() <= lastWriteAt.getTime()) continue;
      this.next = (this.next + i + 1) % this.replicas.length;
      return r.prisma;
    }
    return null;
  }

  states(): ReplicaState[] {
    const now = performance.now();
    return this.replicas.map((r) => ({
      replica: r.description,
      status: r.status,
      lagMs: r.caughtUp && r.status !== "down" ? Math.round(now - r.caughtUp.local) : null,
    }));
  }

  /** Samples the primary's WAL position, then reads each replica's replayed position. */
  check(): Promise<void> {
    return (this.checking ??= this.runCheck().finally(() => (this.checking = null)));
  }

  private async runCheck(): Promise<void> {
    try {
      const local = performance.now();
      // Raw SQL: WAL positions and the server's clock have no Prisma API.
      const { rows } = await this.db.query(
        `SELECT pg_current_wal_lsn()::text AS lsn, clock_timestamp() AS at, 1 AS replica_lag_check`,
      );
      this.samples.push({ lsn: lsnValue(rows[0].lsn), at: rows[0].at, local });
      // Keep what can still matter: samples younger than twice the allowed lag (and the newest).
      const keepAfter = performance.now() - 2 * this.o.maxLagMs - this.checkEveryMs;
      while (this.samples.length > 1 && this.samples[0].local < keepAfter) this.samples.shift();
    } catch {
      // The primary does not answer: nothing to compare with; replicas keep their last state and
      // age out by REPLICA_MAX_LAG_MS.
      return;
    }
    await Promise.all(this.replicas.map((r) => this.checkReplica(r)));
  }

  private async checkReplica(r: Replica): Promise<void> {
    let replayed: string | null;
    try {
      const { rows } = await r.pool.own(`SELECT pg_last_wal_replay_lsn()::text AS lsn, 1 AS replica_lag_check`);
      replayed = rows[0].lsn;
    } catch (e) {
      r.markDown(e);
      return;
    }
    if (replayed === null) {
      // Not in recovery: a primary, not a replica of one. Never read from it as a replica.
      if (r.status !== "down")
        this.o.log.error("DATABASE_REPLICA_URLS names a server that is not a replica", {
          replica: r.description,
        });
      r.status = "down";
      return;
    }
    const at = lsnValue(replayed);
    let caught: Sample | null = r.caughtUp;
    for (const s of this.samples) if (s.lsn <= at && (!caught || s.local > caught.local)) caught = s;
    r.caughtUp = caught;
    const fresh = caught !== null && performance.now() - caught.local <= this.o.maxLagMs;
    r.status = fresh ? "ok" : "lagging";
    if (fresh) r.markUp();
  }
}
