/** The metrics registry on its own: a scrape still answers when the database does not. */
import { describe, expect, it } from "vitest";
import { Metrics } from "../../src/telemetry/metrics.js";

describe("metrics", () => {
  // prom-client writes NaN as "Nan", which Prometheus reads (case-insensitively) as NaN.
  it("reports the webhook queue as NaN, and everything else, when the database does not answer", async () => {
    const m = new Metrics({
      subscriptions: () => 3,
      connections: () => 2,
      webhookQueue: () => Promise.reject(new Error("connection refused")),
    });
    m.request({ operation: "Me", type: "query", status: 200, seconds: 0.01, statements: 2, errorCodes: [] });
    const { body } = await m.scrape();
    expect(body).toMatch(/^webhook_deliveries_pending nan$/im);
    expect(body).toMatch(/^webhook_oldest_due_delivery_age_seconds nan$/im);
    expect(body).toMatch(/^graphql_subscriptions_active 3$/m);
    expect(body).toMatch(
      /^graphql_server_operation_sql_statements_sum\{graphql_operation_name="Me",graphql_operation_type="query"\} 2$/m,
    );
  });

  it("keeps at most 200 operation names as label values; the rest are (other)", async () => {
    const m = new Metrics({
      subscriptions: () => 0,
      connections: () => 0,
      webhookQueue: async () => ({ pending: 0, due: 0, oldestDueSeconds: 0 }),
    });
    for (let i = 0; i < 250; i++)
      m.request({ operation: `Op${i}`, type: "query", status: 200, seconds: 0.001, statements: 1, errorCodes: [] });
    const { body } = await m.scrape();
    const names = new Set([...body.matchAll(/graphql_operation_name="([^"]+)"/g)].map((x) => x[1]));
    expect(names.size).toBe(201);
    expect(names.has("(other)")).toBe(true);
    expect(body).toMatch(
      /^graphql_server_operation_duration_seconds_count\{graphql_operation_name="\(other\)",graphql_operation_type="query",outcome="success"\} 50$/m,
    );
  });
});
