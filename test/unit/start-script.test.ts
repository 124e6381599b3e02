/**
 * What `npm start` and `npm run demo` run (scripts/start.sh): the server with its node flags, the
 * larger young generation only on a PostgreSQL server, and the arguments passed through. Run with a
 * stand-in `node` first on PATH that prints what it was given.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..");
const stub = fs.mkdtempSync(path.join(os.tmpdir(), "start-script-"));
fs.writeFileSync(path.join(stub, "node"), '#!/bin/sh\nprintf "%s\\n" "MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX" "$@"\n', {
  mode: 0o755,
});
afterAll(() => fs.rmSync(stub, { recursive: true, force: true }));

/** What the script runs: the environment it sets, then node's arguments. */
function started(databaseUrl: string | undefined, args: string[] = []): string[] {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${stub}:${process.env.PATH}` };
  if (databaseUrl === undefined) delete env.DATABASE_URL;
  else env.DATABASE_URL = databaseUrl;
  return execFileSync("sh", [path.join(root, "scripts", "start.sh"), ...args], { cwd: root, env, encoding: "utf8" })
    .trimEnd()
    .split("\n");
}

const EVERY = ["MALLOC_ARENA_MAX=2", "--liftoff-only", "--heap-growing-percent=100"];

describe("scripts/start.sh", () => {
  it("runs the embedded database's server without the young generation flag, which would override its thread's", () => {
    expect(started(undefined)).toEqual([...EVERY, "dist/main.js"]);
    expect(started("file:./data/db", ["--demo"])).toEqual([...EVERY, "dist/main.js", "--demo"]);
  });

  it("gives a PostgreSQL server's main thread 32 MB semi-spaces", () => {
    for (const url of ["postgresql://shop@db.example:5432/shop", "postgres://127.0.0.1/shop"])
      expect(started(url)).toEqual([...EVERY, "--max-semi-space-size=32", "dist/main.js"]);
  });

  it("is what npm start and npm run demo run", () => {
    const scripts = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts;
    expect(scripts.start).toBe("exec sh scripts/start.sh");
    expect(scripts.demo).toBe("exec sh scripts/start.sh --demo");
  });
});
