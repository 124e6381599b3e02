/**
 * Traces, through the wire: the built server (dist/main.js) with OTEL_EXPORTER_OTLP_ENDPOINT set
 * exports over OTLP/HTTP (JSON) to a receiver on 127.0.0.1, which decodes the spans. A request is
 * one trace: HTTP → the GraphQL operation (graphql-jit's, named and described) → Prisma's operations
 * → each SQL statement. A webhook delivery and an event's hand-out to subscribers are spans of their
 * own, linked to the trace of the change. Without an endpoint, nothing of OpenTelemetry is loaded.
 */
import { execFileSync } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gql, root, startServer, type ServerProcess } from "../helpers/processes.js";
import { startReceiver, waitFor, type Receiver } from "../helpers/receiver.js";
import { connectSubscriber } from "../helpers/subscriber.js";

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
}

/** An OTLP/HTTP receiver (JSON encoding) that decodes every span it is sent. */
async function startCollector(): Promise<{ url: string; spans: Span[]; paths: Set<string>; close(): Promise<void> }> {
  const spans: Span[] = [];
  const paths = new Set<string>();
  type Value = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
  const value = (v: Value) =>
    v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue));
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      paths.add(req.url ?? "");
      if (req.url === "/v1/traces") {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        for (const rs of body.resourceSpans ?? [])
          for (const ss of rs.scopeSpans ?? [])
            for (const s of ss.spans ?? [])
              spans.push({
                traceId: s.traceId,
                spanId: s.spanId,
                parentSpanId: s.parentSpanId || undefined,
                name: s.name,
                kind: s.kind,
                attributes: Object.fromEntries(
                  (s.attributes ?? []).map((a: { key: string; value: Value }) => [a.key, value(a.value)]),
                ),
                links: (s.links ?? []).map((l: { traceId: string; spanId: string }) => ({
                  traceId: l.traceId,
                  spanId: l.spanId,
                })),
              });
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    paths,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("traces over OTLP", { timeout: 180_000 }, () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let receiver: Receiver;
  let server: ServerProcess;
  let staff: string;
  beforeAll(async () => {
    collector = await startCollector();
    receiver = await startReceiver();
    server = await startServer(["--demo"], {
      DATABASE_URL: "file:memory://",
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_BSP_SCHEDULE_DELAY: "100",
      OTEL_SERVICE_NAME: "orders-api-under-test",
      LOG_FORMAT: "json",
      WEBHOOK_ALLOW_PRIVATE: "on",
    });
    staff = /staff +\S+ +(oat_\S+)/.exec(server.output())![1];
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
    await collector?.close();
  });

  const byId = (id: string | undefined) => collector.spans.find((s) => s.spanId === id);
  /** The span and its parents, up to the trace's root. */
  const ancestry = (s: Span | undefined): Span[] => (s ? [s, ...ancestry(byId(s.parentSpanId))] : []);
  const spanNamed = (name: string) => collector.spans.find((s) => s.name === name);

  it("shows a request as one trace: HTTP, the operation, Prisma's operations, each SQL statement", async () => {
    const query = "query TracedOrders { allOrders(first: 3) { nodes { ref items { productId } } } }";
    const answer = await gql(server.url, query, staff);
    expect(answer.errors).toBeUndefined();
    await waitFor(() => spanNamed("query TracedOrders") !== undefined, "the operation's span", 30_000);
    const operation = spanNamed("query TracedOrders")!;
    expect(operation.attributes).toMatchObject({
      "graphql.operation.name": "TracedOrders",
      "graphql.operation.type": "query",
      "graphql.source": query,
    });
    await waitFor(() => ancestry(operation).some((s) => s.kind === 2), "the HTTP server span", 30_000);
    const httpSpan = ancestry(operation).find((s) => s.kind === 2)!; // SERVER
    expect(httpSpan.attributes["http.method"] ?? httpSpan.attributes["http.request.method"]).toBe("POST");
    expect(httpSpan.parentSpanId).toBeUndefined(); // the trace's root
    const trace = collector.spans.filter((s) => s.traceId === operation.traceId);
    const under = (s: Span) => ancestry(s).includes(operation);
    // The page, then its lines, payments and notes (the OrderRelations view): Prisma operations under
    // the operation, each SQL statement under one of them.
    const prismaOps = trace.filter((s) => s.name === "prisma:client:operation" && under(s));
    expect(prismaOps.map((s) => s.attributes.model)).toEqual(expect.arrayContaining(["Order", "OrderRelations"]));
    const sql = trace.filter((s) => s.name === "prisma:client:db_query" && under(s));
    expect(sql.length).toBeGreaterThanOrEqual(2);
    for (const s of sql) {
      expect(String(s.attributes["db.query.text"])).toMatch(/^SELECT /);
      expect(byId(s.parentSpanId)!.name).not.toBe("query TracedOrders"); // under Prisma's operation
    }
    // The request's log line names the trace.
    await waitFor(() => server.output().includes(operation.traceId), "the log line with the trace id");
    const line = server
      .output()
      .split("\n")
      .find((l) => l.includes(operation.traceId) && l.includes('"msg":"request"'))!;
    expect(JSON.parse(line)).toMatchObject({
      operation: "TracedOrders",
      type: "query",
      status: 200,
      traceId: operation.traceId,
    });
  });

  it("traces webhook deliveries and the hand-out to subscribers as spans linked to the change's trace", async () => {
    const made = await gql(
      server.url,
      `mutation { createWebhook(input: { url: "${receiver.url}/traced", events: [NOTE_ADDED] }) { __typename } }`,
      staff,
    );
    expect(made.data.createWebhook.__typename).toBe("WebhookCreated");
    const subscriber = await connectSubscriber(server.url, staff);
    try {
      const events = subscriber.subscribe<{ orderEvents: { type: string } }>(
        `subscription { orderEvents(types: [NOTE_ADDED]) { type } }`,
      );
      await waitFor(async () => (await fetch(server.url + "/healthz")).ok, "the server");
      const ref = (await gql(server.url, "{ allOrders(first: 1) { nodes { ref } } }", staff)).data.allOrders.nodes[0]
        .ref;
      const note = await gql(
        server.url,
        `mutation TracedNote($ref: String!) { addOrderNote(ref: $ref, message: "traced") { ref } }`,
        staff,
        { ref },
      );
      expect(note.errors).toBeUndefined();
      await waitFor(() => receiver.received.some((r) => r.path === "/traced"), "the delivery", 30_000);
      await waitFor(
        () => spanNamed("mutation TracedNote") !== undefined && spanNamed("webhook delivery") !== undefined,
        "the spans",
        30_000,
      );
      const change = spanNamed("mutation TracedNote")!;
      const delivery = spanNamed("webhook delivery")!;
      expect(delivery.parentSpanId).toBeUndefined(); // a trace of its own…
      expect(delivery.traceId).not.toBe(change.traceId);
      expect(delivery.links).toHaveLength(1); // …linked to the change's
      expect(delivery.links[0].traceId).toBe(change.traceId);
      expect(delivery.attributes).toMatchObject({ "order_event.type": "NOTE_ADDED", "webhook.attempt": 1 });
      // The POST to the endpoint is the delivery's child, and carries its trace to the receiver.
      await waitFor(
        () => collector.spans.some((s) => s.kind === 3 && s.parentSpanId === delivery.spanId),
        "the client span",
        30_000,
      );
      const traceparent = String(receiver.received.find((r) => r.path === "/traced")!.headers.traceparent);
      expect(traceparent.split("-")[1]).toBe(delivery.traceId);

      await waitFor(() => events.items.length > 0, "the event to reach the subscriber", 30_000);
      const fanOuts = () =>
        collector.spans.filter((s) => s.name === "orderEvents fan-out" && s.links[0]?.traceId === change.traceId);
      await waitFor(() => fanOuts().length === 1, "the fan-out span", 30_000);
      expect(fanOuts()[0].parentSpanId).toBeUndefined();
      expect(fanOuts()[0].attributes).toMatchObject({ "order_event.type": "NOTE_ADDED", subscriptions: 1 });
    } finally {
      await subscriber.dispose();
    }
  });
});

it("loads nothing of OpenTelemetry (nor prom-client) when no OTLP endpoint is set and METRICS is off", () => {
  const script = `
    require(${JSON.stringify(path.join(root, "dist/telemetry/boot.js"))});
    require(${JSON.stringify(path.join(root, "dist/server.js"))});
    const loaded = Object.keys(require.cache).filter((k) =>
      ["@opentelemetry", "@prisma/instrumentation", "prom-client"].some((m) => k.includes(m)),
    );
    process.stdout.write(JSON.stringify(loaded));`;
  const env = { ...process.env };
  delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
  delete env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  expect(JSON.parse(execFileSync(process.execPath, ["-e", script], { env, encoding: "utf8" }))).toEqual([]);
});
