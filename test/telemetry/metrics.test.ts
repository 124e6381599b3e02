/**
 * Prometheus metrics (METRICS=on): off by default; per-operation durations and SQL statement counts
 * that match the statements the database saw; errors by code; webhook queue and attempts;
 * subscriptions and connections; Node's own metrics. Then a real Prometheus scrapes a running
 * server's separate metrics port and answers a PromQL query.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AddOrderNoteDocument,
  CreateWebhookDocument,
  MeDocument,
  NodeDocument,
  OrderDetailDocument,
} from "../generated/graphql.js";
import { backends, startTestServer, type TestServer } from "../helpers/harness.js";
import { PROMETHEUS, startPrometheus, type Prometheus } from "../helpers/prometheus.js";
import { startReceiver, waitFor, type Receiver } from "../helpers/receiver.js";
import { connectSubscriber } from "../helpers/subscriber.js";

/** The value of each series of a scrape, by its name with labels as printed (`name{a="1",b="2"}`). */
async function scrape(url: string): Promise<Map<string, number>> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const series = new Map<string, number>();
  for (const line of (await res.text()).split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    series.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return series;
}

const op = (name: string, type: string) => `graphql_operation_name="${name}",graphql_operation_type="${type}"`;

it("serves no /metrics unless METRICS=on", async () => {
  const t = await startTestServer("embedded");
  try {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(404);
    expect(t.server.metricsUrl).toBeUndefined();
  } finally {
    await t.close();
  }
});

describe.each(backends())("metrics (%s)", (backend) => {
  let t: TestServer;
  let receiver: Receiver;
  let staff: { token: string };
  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startTestServer(backend, {
      env: { METRICS: "on", WEBHOOK_ALLOW_PRIVATE: "on", WEBHOOK_RETRY_DELAYS: "3600", WEBHOOK_TIMEOUT_MS: "2000" },
    });
    staff = await t.user("metrics-staff@example.com", { staff: true });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it("times each operation by name and outcome, with the SQL statements it sent", async () => {
    const o = await t.order({}, { token: staff.token });
    const before = await scrape(t.server.metricsUrl!);
    t.statements.length = 0;
    await t.ok(OrderDetailDocument, { ref: o.ref }, { token: staff.token });
    const sent = t.statements.length;
    expect(sent).toBeGreaterThan(0);
    const after = await scrape(t.server.metricsUrl!);
    const detail = op("OrderDetail", "query");
    const delta = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
    expect(delta(`graphql_server_operation_duration_seconds_count{${detail},outcome="success"}`)).toBe(1);
    expect(delta(`graphql_server_operation_sql_statements_count{${detail}}`)).toBe(1);
    // Exactly the statements the database was sent for it, counted to it even with other work under way.
    expect(delta(`graphql_server_operation_sql_statements_sum{${detail}}`)).toBe(sent);
    expect(after.get(`graphql_server_operation_duration_seconds_bucket{le="+Inf",${detail},outcome="success"}`)).toBe(
      after.get(`graphql_server_operation_duration_seconds_count{${detail},outcome="success"}`),
    );
    expect(
      after.get(`graphql_server_operation_duration_seconds_count{${op("CreateOrder", "mutation")},outcome="success"}`),
    ).toBeGreaterThanOrEqual(1);
  });

  it("counts errors by code, and operations that failed as errors", async () => {
    await t.gql(MeDocument, {}, { token: "oat_not-a-token-of-this-server-0000000000" });
    await t.gql(NodeDocument, { id: "not-a-global-id" }, { token: staff.token });
    const m = await scrape(t.server.metricsUrl!);
    expect(m.get(`graphql_server_errors_total{error_code="UNAUTHENTICATED"}`)).toBeGreaterThanOrEqual(1);
    expect(m.get(`graphql_server_errors_total{error_code="BAD_USER_INPUT"}`)).toBeGreaterThanOrEqual(1);
    // The refused token stops the request before the document is read: its operation is not known.
    expect(
      m.get(`graphql_server_operation_duration_seconds_count{${op("(unknown)", "unknown")},outcome="error"}`),
    ).toBe(1);
    expect(m.get(`graphql_server_operation_duration_seconds_count{${op("Node", "query")},outcome="error"}`)).toBe(1);
  });

  it("reports the webhook queue and the attempts' outcomes", async () => {
    receiver.answer("/failing", () => 500);
    const r = await t.ok(CreateWebhookDocument, { input: { url: `${receiver.url}/failing` } }, { token: staff.token });
    if (r.createWebhook.__typename !== "WebhookCreated") throw new Error(JSON.stringify(r.createWebhook));
    const o = await t.order({}, { token: staff.token });
    await t.ok(AddOrderNoteDocument, { ref: o.ref, message: "one more event" }, { token: staff.token });
    // Both events' deliveries failed once and wait an hour for their retry: pending, not due (once
    // the attempts' outcomes are written).
    let m = new Map<string, number>();
    await waitFor(async () => {
      m = await scrape(t.server.metricsUrl!);
      return (
        m.get(`webhook_delivery_attempts_total{outcome="failure"}`) === 2 &&
        m.get("webhook_deliveries_pending") === 2 &&
        m.get("webhook_deliveries_due") === 0
      );
    }, "two failed attempts and two deliveries waiting for their retry");
    expect(m.get("webhook_oldest_due_delivery_age_seconds")).toBe(0);
    expect(m.get(`webhook_delivery_attempt_duration_seconds_count{outcome="failure"}`)).toBe(2);
    // Made due now (as an outage's backlog would be), they show as due, the oldest with its age.
    await t.server.prisma.webhookDelivery.updateMany({
      where: { status: "PENDING" },
      data: { nextAttemptAt: new Date(Date.now() - 60_000) },
    });
    await t.server.prisma.webhook.updateMany({ data: { enabled: false } }); // (so that nobody sends them meanwhile)
    m = await scrape(t.server.metricsUrl!);
    expect(m.get("webhook_deliveries_pending")).toBe(2);
    expect(m.get("webhook_deliveries_due")).toBe(2);
    expect(m.get("webhook_oldest_due_delivery_age_seconds")).toBeGreaterThanOrEqual(59);
    expect(m.get("webhook_oldest_due_delivery_age_seconds")).toBeLessThan(600);
  });

  it("counts subscriptions and connections, and carries Node's own metrics", async () => {
    const subscriber = await connectSubscriber(t.url, staff.token);
    try {
      subscriber.subscribe(`subscription { orderEvents { type } }`);
      let m = new Map<string, number>();
      await waitFor(async () => {
        m = await scrape(t.server.metricsUrl!);
        return m.get("graphql_subscriptions_active") === 1;
      }, "the subscription to be counted");
      expect(m.get("graphql_websocket_connections_active")).toBe(1);
      for (const name of [
        "nodejs_eventloop_lag_seconds",
        "process_cpu_user_seconds_total",
        "process_resident_memory_bytes",
      ])
        expect(m.get(name)).toBeGreaterThanOrEqual(0);
    } finally {
      await subscriber.dispose();
    }
    await waitFor(
      async () => (await scrape(t.server.metricsUrl!)).get("graphql_websocket_connections_active") === 0,
      "the connection to close",
    );
  });
});

describe.skipIf(!PROMETHEUS)("scraped by Prometheus", () => {
  let t: TestServer;
  let prometheus: Prometheus | undefined;
  beforeAll(async () => {
    t = await startTestServer("embedded", { env: { METRICS: "on", METRICS_PORT: "0" } });
  });
  afterAll(async () => {
    await prometheus?.stop();
    await t?.close();
  });

  it("on a port of its own, and answers PromQL about the operations", async () => {
    const metricsUrl = t.server.metricsUrl!;
    expect(new URL(metricsUrl).port).not.toBe(new URL(t.url).port);
    expect((await fetch(`${t.url}/metrics`)).status).toBe(404); // not on the API's port
    expect((await fetch(metricsUrl.replace(/\/metrics$/, "/graphql"))).status).toBe(404); // nothing else on this one
    const staff = await t.user("prometheus-staff@example.com", { staff: true });
    for (let i = 0; i < 3; i++) await t.ok(MeDocument, {}, { token: staff.token });

    prometheus = await startPrometheus([metricsUrl]);
    await waitFor(
      async () => (await prometheus!.targets()).some((x) => x.health === "up"),
      "the target to be up",
      60_000,
    );
    let answer: { metric: Record<string, string>; value: number }[] = [];
    await waitFor(
      async () => {
        answer = await prometheus!.query(
          `sum by (graphql_operation_name) (graphql_server_operation_duration_seconds_count{graphql_operation_name="Me",outcome="success"})`,
        );
        return answer.length === 1 && answer[0].value >= 3;
      },
      "Prometheus to have scraped the three Me queries",
      60_000,
    );
    expect(answer[0]).toEqual({ metric: { graphql_operation_name: "Me" }, value: 3 });
    const lag = await prometheus.query(`nodejs_eventloop_lag_seconds`);
    expect(lag).toHaveLength(1);
  });
});
