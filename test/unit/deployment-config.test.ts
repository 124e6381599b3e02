/**
 * DATABASE_DIRECT_URL, DATABASE_REPLICA_URLS, DATABASE_PREPARED_STATEMENTS, REPLICA_MAX_LAG_MS and
 * EVENT_CHECK_MS as config.ts reads them.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

const PG = "postgresql://app@pooler:6432/orders";

describe("deployment settings", () => {
  it("a direct URL and replicas beside a PostgreSQL DATABASE_URL", () => {
    const c = loadConfig({
      DATABASE_URL: PG,
      DATABASE_DIRECT_URL: " postgresql://app@db:5432/orders ",
      DATABASE_REPLICA_URLS: "postgresql://app@r1:5432/orders, postgresql://app@r2:5432/orders,",
      REPLICA_MAX_LAG_MS: "2500",
      EVENT_CHECK_MS: "1000",
    });
    expect(c.database).toEqual({
      kind: "postgres",
      url: PG,
      directUrl: "postgresql://app@db:5432/orders",
      replicaUrls: ["postgresql://app@r1:5432/orders", "postgresql://app@r2:5432/orders"],
    });
    expect(c.replicaMaxLagMs).toBe(2500);
    expect(c.eventCheckMs).toBe(1000);
  });

  it("defaults: no direct URL (DATABASE_URL serves), no replicas, 5 s of lag, a check every 30 s", () => {
    const c = loadConfig({ DATABASE_URL: PG });
    expect(c.database).toEqual({ kind: "postgres", url: PG, directUrl: undefined, replicaUrls: undefined });
    expect(c.replicaMaxLagMs).toBe(5000);
    expect(c.eventCheckMs).toBe(30_000);
    expect(c.preparedStatements).toBe("auto");
    expect(loadConfig({ DATABASE_URL: PG, DATABASE_PREPARED_STATEMENTS: " OFF " }).preparedStatements).toBe("off");
  });

  it("refuses what cannot work, naming the variable", () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ DATABASE_DIRECT_URL: PG }, /DATABASE_DIRECT_URL needs DATABASE_URL/],
      [{ DATABASE_REPLICA_URLS: PG }, /DATABASE_REPLICA_URLS needs DATABASE_URL/],
      [{ DATABASE_URL: PG, DATABASE_DIRECT_URL: "file:./x" }, /DATABASE_DIRECT_URL must be/],
      [{ DATABASE_URL: PG, DATABASE_REPLICA_URLS: `${PG},mysql://x` }, /DATABASE_REPLICA_URLS must be/],
      [{ DATABASE_URL: PG, REPLICA_MAX_LAG_MS: "50" }, /REPLICA_MAX_LAG_MS must be an integer/],
      [{ EVENT_CHECK_MS: "soon" }, /EVENT_CHECK_MS must be an integer/],
      [{ DATABASE_PREPARED_STATEMENTS: "yes" }, /DATABASE_PREPARED_STATEMENTS must be auto, on or off/],
    ];
    for (const [env, message] of bad) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(message);
    }
  });
});
