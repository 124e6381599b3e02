import { describe, expect, it } from "vitest";
import { MAX_PREPARED, preparedStatements } from "../../src/db/database.js";

describe("prepared statements", () => {
  const direct = { kind: "postgres" as const, url: "postgresql://a@db/x", directUrl: "postgresql://a@db/x" };

  it("names each distinct text once, the same name every time, on a server reached directly", () => {
    const name = preparedStatements(direct)!;
    const a = name({ sql: "SELECT 1" });
    const b = name({ sql: "SELECT 2" });
    expect(a).not.toBe("");
    expect(b).not.toBe(a);
    expect(name({ sql: "SELECT 1" })).toBe(a);
  });

  it("names none through a pooler (another direct URL) or on the embedded database", () => {
    expect(preparedStatements({ ...direct, url: "postgresql://a@pooler:6432/x" })).toBeUndefined();
    expect(preparedStatements({ ...direct, kind: "embedded" })).toBeUndefined();
  });

  it("keeps at most MAX_PREPARED names: later texts go unnamed", () => {
    const name = preparedStatements(direct)!;
    for (let i = 0; i < MAX_PREPARED; i++) expect(name({ sql: `SELECT ${i}` })).not.toBe("");
    expect(name({ sql: "SELECT 'one more'" })).toBe("");
    expect(name({ sql: "SELECT 0" })).not.toBe("");
  });
});
