/**
 * Finds the PostgreSQL server the PostgreSQL half of the suite runs on (TEST_DATABASE_URL, default
 * postgresql://postgres@127.0.0.1:5432/postgres; a role that may CREATE DATABASE). When none
 * answers, that half is skipped and this says so loudly; REQUIRE_POSTGRES=1 makes it an error.
 */
import pg from "pg";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string | null;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const url = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  let reachable = false;
  try {
    await client.connect();
    await client.query("SELECT 1");
    reachable = true;
  } catch (e) {
    const msg = `PostgreSQL at ${url.replace(/\/\/[^@]*@/, "//")} is not reachable (${(e as Error).message}).`;
    if (process.env.REQUIRE_POSTGRES === "1") throw new Error(`${msg} REQUIRE_POSTGRES=1 is set.`, { cause: e });
    process.stderr.write(
      `\n*** ${msg}\n*** SKIPPING the PostgreSQL half of the suite: only the embedded database is tested.\n\n`,
    );
  } finally {
    await client.end().catch(() => {});
  }
  project.provide("pgAdminUrl", reachable ? url : null);
}
