import { describe, expect, it } from "vitest";
import { NAMED_STATEMENTS_MAX, statementNames } from "../../src/db/database.js";

describe("prepared statements", () => {
  it("names each distinct text once, the same name every time, whoever asks", () => {
    const name = statementNames();
    const a = name({ sql: "SELECT 1" });
    const b = name({ sql: "SELECT 2" });
    expect(a).toMatch(/^prisma_/);
    expect(b).not.toBe(a);
    expect(name({ sql: "SELECT 1" })).toBe(a);
    expect(statementNames()({ sql: "SELECT 1" })).toBe(a);
  });

  it("names none while switched off (through a pooler), and names again when switched back on", () => {
    let on = false;
    const name = statementNames(() => on);
    expect(name({ sql: "SELECT 1" })).toBeUndefined();
    on = true;
    expect(name({ sql: "SELECT 1" })).toMatch(/^prisma_/);
  });

  it("keeps at most NAMED_STATEMENTS_MAX names: later texts go unnamed, earlier ones keep theirs", () => {
    const name = statementNames();
    const first = name({ sql: "SELECT 0" });
    for (let i = 1; i < NAMED_STATEMENTS_MAX; i++) expect(name({ sql: `SELECT ${i}` })).toMatch(/^prisma_/);
    expect(name({ sql: "SELECT 'one more'" })).toBeUndefined();
    expect(name({ sql: "SELECT 0" })).toBe(first);
  });
});
