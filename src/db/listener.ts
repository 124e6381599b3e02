/**
 * LISTEN on a PostgreSQL channel, for as long as the server runs. On a PostgreSQL server: a
 * connection of its own (outside the pool, on DATABASE_DIRECT_URL when there is one), reconnected with a growing pause when it is lost, and
 * `onReconnect` told so that work announced while it was down is looked for. On the embedded
 * database, which has one connection: that connection, set up again whenever the pool replaces it.
 */
import pg from "pg";
import type { Database } from "./database.js";

export interface Listening {
  stop(): Promise<void>;
}

export async function listen(
  db: Database,
  channel: string,
  onNotify: (payload: string) => void,
  opts: { onReconnect?: () => void; onError?: (e: unknown) => void } = {},
): Promise<Listening> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
  const handler = (n: pg.Notification) => {
    if (n.channel === channel) onNotify(n.payload ?? "");
  };
  if (db.kind === "embedded") {
    const setUp = async (client: pg.PoolClient | pg.Client) => {
      if (!client.listeners("notification").includes(handler)) client.on("notification", handler);
      await client.query(`LISTEN ${channel}`);
    };
    const onConnect = (client: pg.PoolClient) => void setUp(client).catch((e) => opts.onError?.(e));
    db.pool.on("connect", onConnect);
    const client = await db.pool.connect();
    try {
      await setUp(client);
    } finally {
      client.release();
    }
    return {
      async stop() {
        db.pool.off("connect", onConnect);
      },
    };
  }

  let stopped = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | undefined;
  let pause = 100;
  const connect = async (first: boolean): Promise<void> => {
    // The direct URL: a transaction pooler hands a LISTEN's server connection to others between
    // statements, and notifications for it go nowhere.
    const c = new pg.Client({ connectionString: db.directUrl, connectionTimeoutMillis: 10_000 });
    c.on("notification", handler);
    c.on("error", (e) => {
      opts.onError?.(e);
      lost(c);
    });
    c.on("end", () => lost(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
    } catch (e) {
      c.removeAllListeners("end");
      await c.end().catch(() => {});
      if (first) throw e;
      opts.onError?.(e);
      return schedule();
    }
    if (stopped) return void (await c.end().catch(() => {}));
    client = c;
    pause = 100;
    if (!first) opts.onReconnect?.();
  };
  const schedule = () => {
    if (stopped) return;
    retry = setTimeout(() => void connect(false), pause);
    pause = Math.min(pause * 2, 5_000);
  };
  const lost = (c: pg.Client) => {
    if (client !== c) return;
    client = null;
    schedule();
  };
  await connect(true);
  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
