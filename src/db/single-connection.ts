/**
 * The embedded database's pool: its one connection, lent to one holder at a time, the webhook
 * dispatcher first.
 *
 * Everything the server does on the embedded database queues for one connection: under a write load
 * the queue holds many writes, and a webhook delivery takes several statements (claim the endpoint,
 * read its deliveries and their events, write the outcomes), each of which would wait for the whole
 * queue in turn. Work run inside `withConnectionPriority` (the dispatcher's) is lent the connection
 * as soon as its holder gives it back, before the queued writes: a delivery then waits for at most
 * one write per statement. Writes keep their order among themselves.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import pg from "pg";

const priority = new AsyncLocalStorage<true>();

/** Runs `fn` with its statements on the embedded database served before the queued ones. */
export function withConnectionPriority<T>(fn: () => Promise<T>): Promise<T> {
  return priority.run(true, fn);
}

type Callback = (err: Error | undefined, client?: pg.PoolClient, done?: (release?: unknown) => void) => void;

/**
 * A pool of one connection (max: 1) whose connect() hands it out by priority, then order of asking.
 * Like KeepConnectionPool (database.ts), its query() releases the connection after a statement error
 * instead of destroying it: PGlite's one connection is worth keeping.
 */
export class SingleConnectionPool extends pg.Pool {
  private busy = false;
  private readonly urgent: (() => void)[] = [];
  private readonly queued: (() => void)[] = [];

  constructor(config: pg.PoolConfig) {
    super({ ...config, max: 1 });
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  connect(callback?: any): any {
    if (typeof callback === "function") {
      this.connect().then(
        (c: pg.PoolClient) => (callback as Callback)(undefined, c, (r) => c.release(r as Error)),
        (e: Error) => (callback as Callback)(e),
      );
      return;
    }
    return (async () => {
      await this.turn();
      let client: pg.PoolClient;
      try {
        client = await super.connect();
      } catch (e) {
        this.next();
        throw e;
      }
      const release = client.release;
      client.release = (err?: Error | boolean) => {
        client.release = release;
        release.call(client, err);
        this.next();
      };
      return client;
    })();
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(config: any, values?: any, callback?: any): any {
    if (typeof values === "function" || typeof callback === "function") return super.query(config, values, callback);
    return (async () => {
      const client = await this.connect();
      try {
        return await client.query(config, values);
      } finally {
        client.release();
      }
    })();
  }

  /** Waits until the connection is this caller's to take. */
  private turn(): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => (priority.getStore() ? this.urgent : this.queued).push(resolve));
  }

  private next(): void {
    const waiter = this.urgent.shift() ?? this.queued.shift();
    if (waiter) waiter();
    else this.busy = false;
  }
}
