/**
 * Embedded PostgreSQL: PGlite (PostgreSQL compiled to WebAssembly) inside this process, served to
 * `pg` on a private Unix socket so that Prisma and the migration engine use the same driver adapter
 * as on a PostgreSQL server.
 *
 * PGlite has one backend: exactly one socket connection is allowed, and the process keeps a single
 * pool connection for its whole life (a reconnect right after a close is refused). PGlite does not
 * lock its data directory either, so we do: a second process would silently lose its commits.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

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
 * ~1.5 s where initdb takes 4-7 s and keeps twice the memory.
 */
export async function pristineTemplate(cacheDir = os.tmpdir()): Promise<Blob> {
  const file = path.join(cacheDir, `orders-pglite-${pgliteVersion()}-pristine.tar.gz`);
  if (!fs.existsSync(file)) {
    const db = await PGlite.create({ dataDir: "memory://" });
    const blob = await db.dumpDataDir("gzip");
    await db.close();
    const tmp = `${file}.${process.pid}.${Date.now()}`;
    fs.writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
    fs.renameSync(tmp, file);
  }
  return new Blob([fs.readFileSync(file)]);
}

/** Starts PGlite on `dataDir` ("memory://" for a throwaway database) behind a private Unix socket. */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const inMemory = dataDir.startsWith("memory://");
  const unlock = inMemory ? () => {} : lockDataDir(dataDir);
  let db: PGlite | undefined;
  let sockDir: string | undefined;
  try {
    const fresh = inMemory || !fs.existsSync(path.join(dataDir, "PG_VERSION"));
    db = await PGlite.create({ dataDir, loadDataDir: fresh ? await pristineTemplate() : undefined });
    sockDir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-pg-")); // mode 0700: the socket has no authentication
    const server = new PGLiteSocketServer({ db, path: path.join(sockDir, ".s.PGSQL.5432"), maxConnections: 1 });
    await server.start();
    const url = `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(sockDir)}&sslmode=disable`;
    const dir = sockDir;
    const pglite = db;
    return {
      url,
      async close() {
        await server.stop();
        await pglite.close();
        fs.rmSync(dir, { recursive: true, force: true });
        unlock();
      },
    };
  } catch (e) {
    await db?.close().catch(() => {});
    if (sockDir) fs.rmSync(sockDir, { recursive: true, force: true });
    unlock();
    throw e;
  }
}
