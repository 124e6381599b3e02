import { describe, expect, it } from "vitest";
import { inScope, orderScope, type Viewer } from "../../src/auth/viewer.js";
import { decodeOrderCursor } from "../../src/orders/order.pagination.js";
import { encodeCursor } from "../../src/shared/pagination.js";
import { ConfigError, loadConfig, parseDatabaseUrl, tracingOn } from "../../src/config.js";

const staff: Viewer = { kind: "user", user: { id: 1, email: "s@x.com", isStaff: true } };
const customer: Viewer = { kind: "user", user: { id: 2, email: "c@x.com", isStaff: false } };
const anon: Viewer = { kind: "anonymous" };

describe("visibility rule", () => {
  const own = { userId: 2, token: "t-own" };
  const guest = { userId: null, token: "t-guest" };
  it("staff see every order, except their own list", () => {
    expect(orderScope(staff)).toEqual({ kind: "all" });
    expect(orderScope(staff, { ownOnly: true })).toEqual({ kind: "user", userId: 1 });
  });
  it("a signed-in user sees their own orders and a token is ignored", () => {
    const scope = orderScope(customer, { token: "t-guest" });
    expect(inScope(scope, own)).toBe(true);
    expect(inScope(scope, guest)).toBe(false);
  });
  it("an anonymous caller sees only the order whose token matches", () => {
    expect(inScope(orderScope(anon, { token: "t-guest" }), guest)).toBe(true);
    expect(inScope(orderScope(anon, { token: "wrong" }), guest)).toBe(false);
    expect(inScope(orderScope(anon, { token: "" }), guest)).toBe(false);
    expect(orderScope(anon)).toEqual({ kind: "none" });
  });
});

describe("cursors", () => {
  it("round-trip and refuse garbage or another sort", () => {
    const c = { sort: "TOTAL_DESC" as const, value: "12.30", id: 7 };
    expect(decodeOrderCursor(encodeCursor([c.sort, c.value, c.id]), "TOTAL_DESC")).toEqual(c);
    expect(() => decodeOrderCursor(encodeCursor([c.sort, c.value, c.id]), "DATE_CREATED_DESC")).toThrow(
      /Invalid cursor/,
    );
    expect(() => decodeOrderCursor("not-a-cursor", "TOTAL_DESC")).toThrow(/Invalid cursor/);
  });
});

describe("configuration", () => {
  it("has the documented defaults", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      host: "127.0.0.1",
      port: 4000,
      currency: "USD",
      paymentMethods: ["credit-card", "pay-in-advance"],
      logLevel: "info",
      logFormat: "json",
      metrics: false,
      metricsPort: undefined,
      tracing: false,
    });
    expect(c.database).toEqual({ kind: "embedded", dataDir: "./data/db" });
    expect(loadConfig({}, { terminal: true }).logFormat).toBe("pretty");
    expect(loadConfig({ LOG_FORMAT: "json" }, { terminal: true }).logFormat).toBe("json");
  });
  it("turns tracing on with an OTLP endpoint, unless the standard variables turn it off", () => {
    expect(tracingOn({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" })).toBe(true);
    expect(tracingOn({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:4318/v1/traces" })).toBe(true);
    expect(tracingOn({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_SDK_DISABLED: "true" })).toBe(false);
    expect(tracingOn({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_TRACES_EXPORTER: "none" })).toBe(
      false,
    );
    expect(tracingOn({ OTEL_SERVICE_NAME: "orders" })).toBe(false);
  });
  it("reads DATABASE_URL as embedded or server", () => {
    expect(parseDatabaseUrl("file:./x")).toEqual({ kind: "embedded", dataDir: "./x" });
    expect(parseDatabaseUrl("postgresql://u@h:5432/d")).toEqual({ kind: "postgres", url: "postgresql://u@h:5432/d" });
  });
  it.each([
    [{ PORT: "abc" }, /PORT/],
    [{ PORT: "70000" }, /PORT/],
    [{ CURRENCY: "usd" }, /CURRENCY/],
    [{ LOG_LEVEL: "loud" }, /LOG_LEVEL/],
    [{ DATABASE_URL: "mysql://x" }, /DATABASE_URL/],
    [{ PUBLIC_URL: "not a url" }, /PUBLIC_URL/],
    [{ PAYMENT_METHODS: "dummy,dummy" }, /PAYMENT_METHODS/],
    [{ METRICS: "yes" }, /METRICS/],
    [{ METRICS_PORT: "x" }, /METRICS_PORT/],
    [{ LOG_FORMAT: "xml" }, /LOG_FORMAT/],
  ])("refuses %j with a message naming the variable", (env, re) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(re);
  });
});
