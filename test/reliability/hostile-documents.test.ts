/**
 * Documents written to make checking them expensive: fragments that spread the next one twice,
 * level after level (2^levels paths in a few hundred bytes), chains and fans of fragments, many
 * directives, aliases, long selection sets and deep nesting, up to the token limit. Each is answered
 * or refused within a bound, never with a 5xx, while /healthz, asked at the same time, answers
 * promptly. Costs are weighed on the values execution will use, defaults included.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, startTestServer, type TestServer } from "../helpers/harness.js";
import { waitFor } from "../helpers/receiver.js";
import { connectSubscriber } from "../helpers/subscriber.js";

/**
 * How long a document may take to be answered, and /healthz beside it. Generous, for a loaded
 * machine: checking a document here takes well under a millisecond; expanding every path of the
 * 12-level fan-out document took 14–16 s, and each level more doubles that.
 */
const BOUND_MS = 8000;
const RUNS = Number(process.env.HOSTILE_RUNS ?? 40);

/** `{ ...F0 }`, each fragment spreading the next `width` times, on Query and then on Order. */
function fanOut(levels: number, width = 2): string {
  const spreads = (next: string) => Array.from({ length: width }, () => `...${next}`).join(" ");
  const out = ["{ ...F0 }"];
  for (let i = 0; i < levels; i++) out.push(`fragment F${i} on Query { ${spreads(`F${i + 1}`)} }`);
  out.push(`fragment F${levels} on Query { orders { nodes { ...G0 } } }`);
  for (let i = 0; i < levels; i++) out.push(`fragment G${i} on Order { ${spreads(`G${i + 1}`)} }`);
  out.push(`fragment G${levels} on Order { id }`);
  return out.join("\n");
}

/** A chain of fragments, each spreading the next once: as long as the token limit allows. */
function chain(length: number): string {
  const out = ["{ ...C0 }"];
  for (let i = 0; i < length; i++) out.push(`fragment C${i} on Query { ...C${i + 1} }`);
  out.push(`fragment C${length} on Query { __typename }`);
  return out.join("\n");
}

/** One fragment with many fields, spread under many aliases of a list. */
function wideFragment(fields: number, spreads: number): string {
  const body = Array.from({ length: fields }, (_, i) => (i % 2 ? "ref" : "total")).join(" ");
  const uses = Array.from({ length: spreads }, (_, i) => `o${i}: orders(first: 100) { nodes { ...W } }`).join(" ");
  return `{ ${uses} } fragment W on Order { ${body} }`;
}

/** A field nested `depth` times through refunds and payments, inside fragments that nest again. */
function deepFields(depth: number): string {
  let inner = "id";
  for (let i = 0; i < depth; i++) inner = i % 2 ? `refunds { ${inner} }` : `payment { ${inner} }`;
  return `{ order(ref: "x") { refunds { ${inner} } } }`;
}

const inlineNesting = (depth: number) => `{ ${"... on Query { ".repeat(depth)}__typename${" }".repeat(depth)} }`;
const directives = (n: number) =>
  `{ ${Array.from({ length: n }, (_, i) => `d${i}: __typename @include(if: true)`).join(" ")} }`;
const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(" ")} }`;
const longSelection = (n: number) => `{ me { ${Array.from({ length: n }, () => "id").join(" ")} } }`;
const fieldNesting = (depth: number) => `{ ${"me { ".repeat(depth)}id${" }".repeat(depth)} }`;

const hostile = fc.oneof(
  {
    // The shape that stalled the server: drawn three times as often as each other one.
    weight: 3,
    arbitrary: fc
      .record({ levels: fc.integer({ min: 1, max: 300 }), width: fc.integer({ min: 2, max: 4 }) })
      .map((o) => fanOut(o.levels, o.width)),
  },
  fc.integer({ min: 1, max: 2400 }).map(chain),
  fc
    .record({ fields: fc.integer({ min: 1, max: 2000 }), spreads: fc.integer({ min: 1, max: 40 }) })
    .map((o) => wideFragment(o.fields, o.spreads)),
  fc.integer({ min: 1, max: 1500 }).map(deepFields),
  fc.integer({ min: 1, max: 2400 }).map(inlineNesting),
  fc.integer({ min: 1, max: 1600 }).map(directives),
  fc.integer({ min: 1, max: 3000 }).map(aliases),
  fc.integer({ min: 1, max: 9000 }).map(longSelection),
  fc.integer({ min: 1, max: 3000 }).map(fieldNesting),
);

describe.each(backends())("hostile documents on %s", (backend) => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer(backend);
  });
  afterAll(() => t?.close());

  /** Posts a document; the answer's status, body and how long it took (the request aborted past the bound). */
  async function send(query: string, variables?: Record<string, unknown>) {
    const started = performance.now();
    const res = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(BOUND_MS * 2),
    });
    const body = (await res.json()) as {
      data?: unknown;
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    return { status: res.status, body, ms: performance.now() - started };
  }

  /** /healthz, asked while a document is being answered: how long it took. */
  async function health() {
    const started = performance.now();
    const res = await fetch(`${t.url}/healthz`, { signal: AbortSignal.timeout(BOUND_MS * 2) });
    expect(res.status).toBe(200);
    await res.text();
    return performance.now() - started;
  }

  it("refuses the 12-level fan-out document at once, and at 40 levels with a 400, not a 500", async () => {
    for (const levels of [12, 40]) {
      const [r, healthMs] = await Promise.all([send(fanOut(levels)), health()]);
      expect(r.status).toBe(400);
      expect(r.body.errors?.[0]).toMatchObject({ extensions: { code: "QUERY_TOO_COMPLEX" } });
      expect(r.ms).toBeLessThan(BOUND_MS);
      expect(healthMs).toBeLessThan(BOUND_MS);
    }
  });

  it("refuses the fan-out shape over WebSocket as promptly", async () => {
    // 2^26 paths to one aliased field: as many aliases, counted without walking them
    const levels = 26;
    const doc = [
      "subscription { orderEvents { ...E0 } }",
      ...Array.from({ length: levels }, (_, i) => `fragment E${i} on OrderEvent { ...E${i + 1} ...E${i + 1} }`),
      `fragment E${levels} on OrderEvent { a: id }`,
    ].join("\n");
    const s = await connectSubscriber(t.url);
    try {
      const started = performance.now();
      const sub = s.subscribe(doc);
      const [healthMs] = await Promise.all([
        health(),
        waitFor(() => sub.errors.length > 0, "the refusal", BOUND_MS * 2),
      ]);
      expect(performance.now() - started).toBeLessThan(BOUND_MS);
      expect(healthMs).toBeLessThan(BOUND_MS);
      expect(sub.errors).toMatchObject([
        { message: "Query has 67108864 aliases; the limit is 30.", extensions: { code: "QUERY_TOO_COMPLEX" } },
      ]);
    } finally {
      await s.dispose();
    }
  });

  it("weighs a list by its variable's default when the variable is not sent", async () => {
    const q = (n: number) =>
      `query($n: Int = ${n}) { orders(first: $n) { nodes { history(first: $n) { nodes { id } } } } }`;
    // 1 + 100 × (1 + 1 + 100 × 1) = 10,201 as executed with the default of 100
    const refused = await send(q(100));
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]).toMatchObject({
      message: "Query costs 10201; the limit is 5000 (lists count once per `first`, `nodes` once per id).",
      extensions: { code: "QUERY_TOO_COMPLEX" },
    });
    // the variable's value, when sent, wins over its default
    expect((await send(q(100), { n: 10 })).status).toBe(200);
    expect((await send(q(10))).status).toBe(200);
    // an argument left out counts at the schema's default (orders 20, history 50): 1 + 20 × (1 + 1 + 50 × 1) each
    const defaults = await send(
      `{ a: orders { nodes { history { nodes { id } } } } b: orders { nodes { history { nodes { id } } } } }`,
    );
    expect(defaults.status).toBe(200);
  });

  it("answers or refuses every generated hostile document within the bound, /healthz beside it", async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (query) => {
        const [r, healthMs] = await Promise.all([send(query), health()]);
        expect(r.status, query.slice(0, 200)).toBeLessThan(500);
        expect(r.body.data !== undefined || (r.body.errors?.length ?? 0) > 0).toBe(true);
        for (const e of r.body.errors ?? []) expect(e.extensions?.code).not.toBe("INTERNAL_SERVER_ERROR");
        expect(r.ms, query.slice(0, 200)).toBeLessThan(BOUND_MS);
        expect(healthMs).toBeLessThan(BOUND_MS);
      }),
      {
        numRuns: RUNS,
        // Always tried first, whatever is drawn: the fan-out that overflowed the stack (HTTP 500),
        // the reported one (2^24 paths, 14–16 s), and wider fans at once.
        examples: [[fanOut(40)], [fanOut(12)], [fanOut(8, 4)], [fanOut(13, 3)]],
      },
    );
  });
});
