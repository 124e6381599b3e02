/**
 * The embedded database's thread: it owns the PGlite instance and serves the PostgreSQL wire
 * protocol on a private Unix socket, through PGlite's public `execProtocolRawStream`.
 *
 * On a thread of its own, PostgreSQL's work runs beside the server's JavaScript instead of between
 * its requests. Every complete message that has arrived is executed in one call (a statement's
 * Parse, Bind, Describe, Execute and Sync; a whole pipeline), and the answer is written back in one
 * write: PGlite's cost is per call, not per message.
 *
 * PGlite has one backend, so one connection is served at a time; a connection that arrives while
 * one is open waits for it to close (a pool that replaces its connection is served at once). When a
 * connection closes, its open transaction is rolled back and its session reset (DISCARD ALL:
 * prepared statements, LISTENs, settings), so the next one starts clean.
 *
 * Started by embedded.ts; workerData: WorkerInput.
 */
import fs from "node:fs";
import net from "node:net";
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";

export interface WorkerInput {
  dataDir: string;
  /** Where to serve; null to fill a new data directory from `template`, close it and end. */
  socketPath: string | null;
  /** A gzip tarball of a fresh cluster to start from (a new data directory), or null. */
  template: string | null;
  /** PGlite's WebAssembly modules, compiled once per process. */
  pgliteWasm: WebAssembly.Module;
  initdbWasm: WebAssembly.Module;
}

/** From the thread to embedded.ts. */
export type WorkerMessage = { type: "ready" } | { type: "failed"; message: string } | { type: "closed" };

/** To the thread: close the socket and the database. */
export type WorkerCommand = { type: "close" };

// @types/node has no WebAssembly typings (they live in lib.dom).
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace WebAssembly {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Module {}
  }
}

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const GSSENC_REQUEST = 80877104;
const TERMINATE = 0x58; // 'X'

/** A simple-protocol query message ('Q'). */
function queryMessage(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`);
  const m = Buffer.alloc(5 + text.length);
  m[0] = 0x51;
  m.writeInt32BE(4 + text.length, 1);
  text.copy(m, 5);
  return m;
}

/** An ErrorResponse ('E') a client shows as a connection error. */
function errorMessage(code: string, message: string): Buffer {
  const body = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`);
  const m = Buffer.alloc(5 + body.length);
  m[0] = 0x45;
  m.writeInt32BE(4 + body.length, 1);
  body.copy(m, 5);
  return m;
}

class Connection {
  private buf: Buffer = Buffer.alloc(0);
  private started = false;
  closed = false;

  constructor(
    readonly socket: net.Socket,
    private readonly db: PGlite,
    private readonly onClose: (c: Connection) => void,
  ) {
    socket.setNoDelay(true);
    socket.on("error", () => socket.destroy());
    socket.on("close", () => this.close());
  }

  /** Starts serving: what arrived while it waited is read now. */
  serve(): void {
    this.socket.on("data", (chunk: Buffer) => {
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      this.pump();
    });
  }

  private running = false;

  /** Executes every complete message in the buffer, one batch at a time. */
  private pump(): void {
    if (this.running || this.closed) return;
    this.running = true;
    void (async () => {
      try {
        for (;;) {
          if (this.closed) return;
          if (!this.started) {
            if (!(await this.startup())) return;
            continue;
          }
          const { end, terminate } = completeMessages(this.buf);
          if (end > 0) {
            const batch = this.buf.subarray(0, end);
            this.buf = this.buf.subarray(end);
            await this.execute(batch);
          }
          if (terminate) {
            this.socket.end();
            return;
          }
          if (end === 0) return;
        }
      } catch {
        this.socket.destroy();
      } finally {
        this.running = false;
      }
    })();
  }

  /** The start-up packets (no type byte): SSL and GSS requests refused, then the startup message. */
  private async startup(): Promise<boolean> {
    if (this.buf.length < 8) return false;
    const len = this.buf.readInt32BE(0);
    if (this.buf.length < len) return false;
    const packet = this.buf.subarray(0, len);
    this.buf = this.buf.subarray(len);
    const code = packet.readInt32BE(4);
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      this.socket.write("N");
      return true;
    }
    if (code === CANCEL_REQUEST) {
      this.socket.end(); // not supported: a statement runs to its end
      return false;
    }
    await this.execute(packet);
    this.started = true;
    return true;
  }

  private async execute(messages: Uint8Array): Promise<void> {
    const out: Buffer[] = [];
    await this.db.execProtocolRawStream(messages, { onRawData: (d) => void out.push(Buffer.from(d)) });
    if (out.length && !this.socket.destroyed) this.socket.write(out.length === 1 ? out[0] : Buffer.concat(out));
  }

  /** Rolls back what the connection left open and resets the session for the next one. */
  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
  }

  async reset(): Promise<void> {
    if (!this.started) return;
    const discard = async (sql: string) => {
      await this.db.execProtocolRawStream(queryMessage(sql), { onRawData: () => {} });
    };
    if (this.db.isInTransaction()) await discard("ROLLBACK");
    await discard("DISCARD ALL");
  }

  refuse(code: string, message: string): void {
    this.socket.end(errorMessage(code, message));
  }
}

/** Where the complete messages in `buf` end, and whether a Terminate is among them. */
function completeMessages(buf: Buffer): { end: number; terminate: boolean } {
  let pos = 0;
  while (pos + 5 <= buf.length) {
    if (buf[pos] === TERMINATE) return { end: pos, terminate: true };
    const next = pos + 1 + buf.readInt32BE(pos + 1);
    if (next > buf.length) break;
    pos = next;
  }
  return { end: pos, terminate: false };
}

/**
 * PostgreSQL's memory inside the WebAssembly, which never gives a page back once touched. Its
 * default shared_buffers (128MB, which PostgreSQL touches whole when it starts) was 120 MB of the
 * process's RSS; 8MB against 16MB saved 12 MB more over a write load, with no CPU difference
 * measurable on writes. The pages that do not fit are read from the data folder's files, which the
 * operating system caches outside the process. wal_buffers follows shared_buffers (1/32).
 */
export const MEMORY_SETTINGS = ["-c", "shared_buffers=8MB"];

async function main(input: WorkerInput): Promise<void> {
  const port = parentPort!;
  const db = await PGlite.create({
    dataDir: input.dataDir,
    loadDataDir: input.template ? new Blob([fs.readFileSync(input.template)]) : undefined,
    pgliteWasmModule: input.pgliteWasm,
    initdbWasmModule: input.initdbWasm,
    startParams: [...PGlite.defaultStartParams, ...MEMORY_SETTINGS],
  });
  if (input.socketPath === null) {
    await db.close();
    port.postMessage({ type: "closed" } satisfies WorkerMessage);
    return;
  }
  const socketPath = input.socketPath;
  let active: Connection | null = null;
  const waiting: Connection[] = [];
  let closing = false;
  // The next connection is served once the last one's transaction is rolled back and its session reset.
  let turn: Promise<void> = Promise.resolve();
  const next = () => {
    if (active || closing) return;
    const c = waiting.shift();
    if (!c) return;
    active = c;
    c.serve();
  };
  const server = net.createServer((socket) => {
    const c = new Connection(socket, db, (gone) => {
      const i = waiting.indexOf(gone);
      if (i >= 0) return void waiting.splice(i, 1);
      if (active !== gone) return;
      turn = turn
        .then(() => gone.reset())
        .catch(() => {})
        .finally(() => {
          active = null;
          next();
        });
    });
    if (closing) return c.refuse("57P01", "the embedded database is shutting down");
    waiting.push(c);
    next();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve());
  });
  port.on("message", (m: WorkerCommand) => {
    if (m.type !== "close") return;
    closing = true;
    void (async () => {
      await new Promise<void>((r) => {
        server.close(() => r());
        for (const c of waiting.splice(0)) c.socket.destroy();
        active?.socket.destroy();
      });
      await turn;
      await db.close();
      port.postMessage({ type: "closed" } satisfies WorkerMessage);
    })();
  });
  port.postMessage({ type: "ready" } satisfies WorkerMessage);
}

if (parentPort) {
  main(workerData as WorkerInput).catch((e: unknown) => {
    parentPort!.postMessage({
      type: "failed",
      message: e instanceof Error ? e.message : String(e),
    } satisfies WorkerMessage);
  });
}
