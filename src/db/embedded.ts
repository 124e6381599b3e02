/**
 * Embedded PostgreSQL: PGlite (PostgreSQL compiled to WebAssembly) inside this process, on a thread
 * of its own (embedded-worker.ts), served to `pg` on a private Unix socket so that Prisma and the
 * migration engine use the same driver adapter as on a PostgreSQL server.
 *
 * PGlite has one backend: one socket connection is served at a time (another waits until it
 * closes), and the process keeps a single pool connection for its whole life. PGlite does not lock
 * its data directory either, so we do: a second process would silently lose its commits.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import type { WorkerCommand, WorkerInput, WorkerMessage } from "./embedded-worker.js";

export interface EmbeddedPostgres {
  /** A pg connection string to the private socket. */
  url: string;
  close(): Promise<void>;
}

/** Thrown when another live process holds the data directory. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by process ${pid}. ` +
        `An embedded database belongs to one process: stop that process first, or use a PostgreSQL server (DATABASE_URL=postgresql://…).`,
    );
    this.name = "DataDirInUseError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The live process that holds the embedded database in `dataDir` (its lock file), or null. */
export function dataDirHolder(dataDir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, "server.pid"), "utf8").trim());
    return pid && isAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

/** Takes <dataDir>/server.pid exclusively; a file left by a dead process is replaced. */
function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lock = path.join(dataDir, "server.pid");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(lock, "utf8") === String(process.pid)) fs.unlinkSync(lock);
        } catch {
          /* already gone */
        }
      };
      process.once("exit", release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const owner = Number(fs.readFileSync(lock, "utf8").trim());
      if (owner && owner !== process.pid && isAlive(owner)) throw new DataDirInUseError(dataDir, owner);
      if (owner === process.pid) throw new DataDirInUseError(dataDir, owner);
      fs.rmSync(lock, { force: true });
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}

function pgliteVersion(): string {
  const pkg = path.join(path.dirname(require.resolve("@electric-sql/pglite")), "..", "package.json");
  return JSON.parse(fs.readFileSync(pkg, "utf8")).version;
}

/**
 * A freshly initialised cluster as a gzip tarball, cached per PGlite version: loading it takes
 * ~1.5 s where initdb takes 4-7 s and keeps twice the memory. Returns its file.
 */
async function pristineTemplate(cacheDir = os.tmpdir()): Promise<string> {
  const file = path.join(cacheDir, `orders-pglite-${pgliteVersion()}-pristine.tar.gz`);
  if (!fs.existsSync(file)) {
    const { pgliteWasm, initdbWasm } = await compiledWasm();
    const db = await PGlite.create({
      dataDir: "memory://",
      pgliteWasmModule: pgliteWasm,
      initdbWasmModule: initdbWasm,
    });
    const blob = await db.dumpDataDir("gzip");
    await db.close();
    const tmp = `${file}.${process.pid}.${Date.now()}`;
    fs.writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
    fs.renameSync(tmp, file);
  }
  return file;
}

let wasmModules: Promise<{ pgliteWasm: WebAssembly.Module; initdbWasm: WebAssembly.Module }> | undefined;

/**
 * PGlite's WebAssembly, compiled once per process and shared with every embedded database's thread
 * (the server's, the migration engine's shadow, a test's): compiling it costs more than starting one.
 */
function compiledWasm() {
  wasmModules ??= (async () => {
    const dir = path.dirname(require.resolve("@electric-sql/pglite"));
    const compile = (file: string) =>
      (
        globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<WebAssembly.Module> } }
      ).WebAssembly.compile(fs.readFileSync(path.join(dir, file)));
    const [pgliteWasm, initdbWasm] = await Promise.all([compile("pglite.wasm"), compile("initdb.wasm")]);
    return { pgliteWasm, initdbWasm };
  })();
  wasmModules.catch(() => (wasmModules = undefined));
  return wasmModules;
}

/**
 * The thread's young generation: 1 MB semi-spaces, where V8's default on a 64-bit machine is 16 MB
 * (the main thread's, which a full page's objects need). The thread's own JavaScript makes little
 * garbage (a batch's buffers, PGlite's glue): over a 10,000-write soak the server's RSS was 295 MB
 * against 320 with its default, CPU per read and per write within the machine's spread
 * (BENCHMARKS.md). A `--max-semi-space-size` flag would override this (V8's flags are per process):
 * `npm start` sets one on a PostgreSQL server only (scripts/start.sh).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 3 };

/** The thread's code: compiled JavaScript beside this file, or TypeScript (tests, tsx) loaded through tsx. */
function startWorker(input: WorkerInput): Worker {
  if (__filename.endsWith(".ts")) {
    const file = path.join(__dirname, "embedded-worker.ts");
    return new Worker(`require("tsx/cjs/api").register(); require(${JSON.stringify(file)});`, {
      eval: true,
      workerData: input,
      resourceLimits: WORKER_LIMITS,
    });
  }
  return new Worker(path.join(__dirname, "embedded-worker.js"), { workerData: input, resourceLimits: WORKER_LIMITS });
}

/** The worker's next message. */
function nextMessage(worker: Worker): Promise<WorkerMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: WorkerMessage) => {
      worker.off("error", onError);
      worker.off("exit", onExit);
      resolve(m);
    };
    const onError = (e: Error) => {
      worker.off("message", onMessage);
      worker.off("exit", onExit);
      reject(e);
    };
    const onExit = (code: number) => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      reject(new Error(`the embedded database's thread exited (${code})`));
    };
    worker.once("message", onMessage);
    worker.once("error", onError);
    worker.once("exit", onExit);
  });
}

/**
 * Fills a new data directory from the pristine template on a thread of its own that then ends: the
 * thread that unpacks it keeps 40–120 MB more for its whole life (its WebAssembly memory, touched
 * once, never shrinks; measured at start-up, the server's RSS idle after its first start).
 */
async function fillDataDir(dataDir: string): Promise<void> {
  const worker = startWorker({
    dataDir,
    socketPath: null,
    template: await pristineTemplate(),
    ...(await compiledWasm()),
  });
  try {
    const done = await nextMessage(worker);
    if (done.type === "failed") throw new Error(done.message);
  } finally {
    await worker.terminate();
  }
}

/**
 * Starts PGlite on `dataDir` ("memory://" for a throwaway database) on a thread of its own
 * (embedded-worker.ts), behind a private Unix socket.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const inMemory = dataDir.startsWith("memory://");
  const unlock = inMemory ? () => {} : lockDataDir(dataDir);
  let worker: Worker | undefined;
  let sockDir: string | undefined;
  try {
    const fresh = inMemory || !fs.existsSync(path.join(dataDir, "PG_VERSION"));
    if (fresh && !inMemory) await fillDataDir(dataDir);
    sockDir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-pg-")); // mode 0700: the socket has no authentication
    const socketPath = path.join(sockDir, ".s.PGSQL.5432");
    worker = startWorker({
      dataDir,
      socketPath,
      template: inMemory ? await pristineTemplate() : null,
      ...(await compiledWasm()),
    });
    const started = await nextMessage(worker);
    if (started.type === "failed") throw new Error(started.message);
    const url = `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(sockDir)}&sslmode=disable`;
    const dir = sockDir;
    const thread = worker;
    let closing: Promise<void> | undefined;
    return {
      url,
      close() {
        closing ??= (async () => {
          try {
            const closed = nextMessage(thread);
            thread.postMessage({ type: "close" } satisfies WorkerCommand);
            await closed;
          } catch {
            /* the thread had ended */
          }
          await thread.terminate();
          fs.rmSync(dir, { recursive: true, force: true });
          unlock();
        })();
        return closing;
      },
    };
  } catch (e) {
    await worker?.terminate();
    if (sockDir) fs.rmSync(sockDir, { recursive: true, force: true });
    unlock();
    throw e;
  }
}
