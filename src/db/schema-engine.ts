/**
 * Prisma Migrate without the native schema-engine binary: the official WebAssembly build of the
 * same engine (@prisma/schema-engine-wasm, same commit as prisma 7.10.0), driven through the pg
 * driver adapter. `_prisma_migrations` rows, checksums and the advisory lock are the ones
 * `prisma migrate deploy` writes.
 */
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";
import { KeepConnectionPool, type Database } from "./database.js";

type Glue = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");

// @types/node has no WebAssembly typings (they live in lib.dom); declare what is used.
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

/**
 * The versions the fixes below were written for and checked against (the adapter's three defects,
 * the engine's WebAssembly glue, the engine of this Prisma). test/unit/prisma-versions.test.ts
 * fails when an installed one moves: check each fix again then (STACK.md lists them).
 */
export const PATCHED_FOR = {
  prisma: "7.10.0",
  "@prisma/client": "7.10.0",
  "@prisma/adapter-pg": "7.10.0",
  "@prisma/driver-adapter-utils": "7.10.0",
  "@prisma/schema-engine-wasm": "7.10.0-4.0edf323efd1d98336f3f0a68684b56f689b900d3",
} as const;

export const SCHEMA_PATH = path.resolve(__dirname, "../../prisma/schema.prisma");
export const MIGRATIONS_DIR = path.resolve(__dirname, "../../prisma/migrations");

let gluePromise: Promise<Glue> | undefined;

/** Instantiates the WASM module once per process (Node 20 cannot `import` a .wasm file). */
function loadSchemaEngineWasm(): Promise<Glue> {
  gluePromise ??= (async () => {
    // Without a registry, an engine panic surfaces only as "reading 'set_message'".
    (globalThis as Record<string, unknown>).PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message: (m: string) => console.error(`[schema-engine panic] ${m}`),
    };
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const glue: Glue = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = fs.readFileSync(path.join(path.dirname(gluePath), "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": glue });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  return gluePromise;
}

/** The fixes PrismaPg 7.10 needs before the schema engine can use it. */
function forMigrations(adapter: SqlDriverAdapter, run: (sql: string) => Promise<unknown>): SqlDriverAdapter {
  // PrismaPg#executeScript splits on every ";" (breaks strings, comments and $$ bodies) and runs the
  // pieces outside a transaction: send the whole migration as one simple-protocol query.
  adapter.executeScript = async (script: string) => {
    try {
      await run(script);
    } catch (e) {
      (adapter as unknown as { onError(e: unknown): never }).onError(e);
    }
  };
  const io = adapter as unknown as { performIO(q: unknown): Promise<pg.QueryResult> };
  const performIO = io.performIO.bind(adapter);
  io.performIO = async (q) => {
    const res = await performIO(q);
    // Catalog queries return "char" columns (OID 18), which PrismaPg cannot map: they are text.
    for (const f of res.fields) if (f.dataTypeID === 18) f.dataTypeID = 25;
    // PostgreSQL 18 (PGlite) stores NOT NULL as pg_constraint rows (contype 'n'); the 7.10 describer
    // panics on them. Nullability comes from pg_attribute, so drop those rows.
    const ct = res.fields.findIndex((f) => f.name === "constraint_type");
    if (ct >= 0) res.rows = res.rows.filter((r) => (r as unknown[])[ct] !== "n");
    return res;
  };
  return adapter;
}

export interface EngineHandle {
  engine: SchemaEngine;
  close(): Promise<void>;
}

/** How the engine is driven: `debug` prints its messages to stderr (SCHEMA_ENGINE_DEBUG). */
export interface EngineOptions {
  schemaPath?: string;
  debug?: boolean;
}

export async function openSchemaEngine(
  db: Database,
  { schemaPath = SCHEMA_PATH, debug = false }: EngineOptions = {},
): Promise<EngineHandle> {
  const glue = await loadSchemaEngineWasm();
  // The engine takes a session-level advisory lock around its work: it runs on one connection that
  // keeps its session (DATABASE_DIRECT_URL), never through a transaction pooler.
  const session = await db.session();
  const base = new PrismaPg(session.pool);
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => forMigrations(await base.connect(), session.query),
    connectToShadowDb: async () => {
      const shadow = await db.shadow();
      const shadowPool = new KeepConnectionPool({ connectionString: shadow.url, max: 1, idleTimeoutMillis: 0 });
      shadowPool.on("error", () => {});
      const adapter = forMigrations(await new PrismaPg(shadowPool).connect(), (sql) => shadowPool.query(sql));
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        await shadowPool.end();
        await shadow.close();
      };
      return adapter;
    },
  };
  let engine: SchemaEngine;
  try {
    engine = await glue.SchemaEngine.new(
      { datamodels: [[schemaPath, fs.readFileSync(schemaPath, "utf8")]] },
      (msg: unknown) => {
        if (debug) console.error("[schema-engine]", msg);
      },
      bindMigrationAwareSqlAdapterFactory(factory),
    );
  } catch (e) {
    await session.close();
    throw e;
  }
  return {
    engine,
    async close() {
      engine.free();
      await session.close();
    },
  };
}

export const noFilters = { externalTables: [] as string[], externalEnums: [] as string[] };

/** Reads a migrations folder the way the Prisma CLI does (directory names in sorted order). */
export function listMigrations(dir = MIGRATIONS_DIR): MigrationList {
  const lockPath = path.join(dir, "migration_lock.toml");
  const entries = fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : [];
  return {
    baseDir: dir,
    lockfile: {
      path: "migration_lock.toml",
      content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, "utf8") : null,
    },
    shadowDbInitScript: "",
    migrationDirectories: entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort((a, b) => a.localeCompare(b))
      .map((name) => {
        const file = path.join(dir, name, "migration.sql");
        return {
          path: name,
          migrationFile: {
            path: "migration.sql",
            content: fs.existsSync(file)
              ? { tag: "ok" as const, value: fs.readFileSync(file, "utf8") }
              : { tag: "error" as const, value: `missing ${file}` },
          },
        };
      }),
  };
}

export function schemaFiles(schemaPath = SCHEMA_PATH) {
  return { files: [{ path: schemaPath, content: fs.readFileSync(schemaPath, "utf8") }] };
}

/**
 * Whether every migration in the folder is recorded as applied in `_prisma_migrations`. null when
 * that cannot be told cheaply (no table yet, a failed migration on record): ask the engine then.
 */
async function allApplied(db: Database, migrationsDir: string): Promise<boolean | null> {
  let rows: { migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }[];
  try {
    rows = (await db.query(`SELECT migration_name, finished_at, rolled_back_at FROM "_prisma_migrations"`)).rows;
  } catch {
    return null;
  }
  if (rows.some((r) => r.finished_at === null && r.rolled_back_at === null)) return null;
  const applied = new Set(
    rows.filter((r) => r.finished_at !== null && r.rolled_back_at === null).map((r) => r.migration_name),
  );
  return listMigrations(migrationsDir).migrationDirectories.every((m) => applied.has(m.path));
}

/**
 * = `prisma migrate deploy`: applies pending migrations and returns their names. When the history
 * already holds every migration, the engine (a 5 MB WebAssembly module, ~50 MB of memory) is not
 * loaded at all.
 */
export async function migrateDeploy(
  db: Database,
  migrationsDir = MIGRATIONS_DIR,
  o: Pick<EngineOptions, "debug"> = {},
): Promise<string[]> {
  if ((await allApplied(db, migrationsDir)) === true) return [];
  const h = await openSchemaEngine(db, o);
  try {
    const out = await h.engine.applyMigrations({ migrationsList: listMigrations(migrationsDir), filters: noFilters });
    return out.appliedMigrationNames;
  } finally {
    await h.close();
  }
}
