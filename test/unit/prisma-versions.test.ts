/**
 * src/db/schema-engine.ts drives Prisma's WebAssembly schema engine and patches its PostgreSQL
 * driver adapter as they are in the versions it names (PATCHED_FOR). When an installed one moves
 * (an upgrade, a lockfile change), this fails: check each fix against the new version, then move
 * PATCHED_FOR.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PATCHED_FOR } from "../../src/db/schema-engine.js";

const installed = (pkg: string): string =>
  JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../node_modules", pkg, "package.json"), "utf8")).version;

describe("the Prisma packages the schema engine's fixes were written for", () => {
  it.each(Object.entries(PATCHED_FOR))("%s is %s", (pkg, version) => {
    expect(installed(pkg)).toBe(version);
  });

  it("the WebAssembly schema engine is the engine of the installed Prisma", () => {
    expect(installed("@prisma/schema-engine-wasm")).toBe(installed("@prisma/engines-version"));
  });
});
