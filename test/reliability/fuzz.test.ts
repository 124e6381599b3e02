/**
 * Fuzzing the wire: thousands of random and malformed documents, variables, decimals, refs, tokens
 * and headers. Never a 5xx, never an unmasked error, no stack trace or SQL in any answer, the server
 * keeps serving, and a refused request leaves the database as it was.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateOrderDocument } from "../generated/graphql.js";
import { backends, orderInput, startTestServer, type TestServer } from "../helpers/harness.js";

// What an answer must never contain (GraphQL may echo the caller's own values back, which is fine).
const LEAK =
  /"stacktrace"|\n\s+at |\bat [\w.<>]+ \(\/|\.(ts|js):\d+:\d+|SELECT .* FROM|INSERT INTO|UPDATE "|PrismaClient|node_modules|DriverAdapterError|pg_catalog|syntax error at or near/i;
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);

const VALID_DOCS = [
  "query($ref: String!, $token: String) { order(ref: $ref, token: $token) { ref total items { name } payments { amount } } }",
  "query($first: Int, $after: String, $filter: OrderFilter, $orderBy: OrderSort) { allOrders(first: $first, after: $after, filter: $filter, orderBy: $orderBy) { totalCount nodes { ref } pageInfo { endCursor } } }",
  "mutation($input: CreateOrderInput!) { createOrder(input: $input) { __typename ... on ErrorResult { message } ... on InvalidOrderInputError { field } } }",
  "mutation($ref: String!, $input: RecordPaymentInput!) { recordOrderPayment(ref: $ref, input: $input) { __typename ... on ErrorResult { message } } }",
  "mutation($ref: String!, $m: String!, $token: String) { payOrder(ref: $ref, paymentMethod: $m, token: $token) { __typename ... on ErrorResult { message } } }",
  "mutation($ref: String!, $s: OrderStatus!) { changeOrderStatus(ref: $ref, status: $s) { __typename ... on ErrorResult { message } } }",
  "mutation($ref: String!) { refundOrder(ref: $ref) { __typename } }",
  "mutation($ref: String!, $message: String!, $public: Boolean) { addOrderNote(ref: $ref, message: $message, public: $public) { ref } }",
];

describe.each(backends())("fuzz on %s", (backend) => {
  let t: TestServer;
  let staffToken: string;
  let customerToken: string;
  const refs: { ref: string; token: string }[] = [];
  let sent = 0;

  async function snapshot(): Promise<string> {
    const p = t.server.prisma;
    const [orders, payments, notes, statuses] = await Promise.all([
      p.order.count(),
      p.orderPayment.count(),
      p.orderNote.count(),
      p.order.findMany({
        select: { ref: true, status: true, amountPaid: true, amountRefunded: true, dateUpdated: true },
        orderBy: { id: "asc" },
      }),
    ]);
    return JSON.stringify({ orders, payments, notes, statuses });
  }

  async function send(body: string, headers: Record<string, string>) {
    sent++;
    const res = await fetch(`${t.url}/graphql`, { method: "POST", headers, body });
    const text = await res.text();
    return { status: res.status, text };
  }

  /** Sends, checks the answer, and checks that a refusal changed nothing. */
  async function probe(body: string, headers: Record<string, string>) {
    const before = await snapshot();
    const { status, text } = await send(body, headers);
    expect(status, text).toBeLessThan(500);
    expect(text).not.toMatch(LEAK);
    let json: {
      data?: Record<string, { __typename?: string } | null> | null;
      errors?: { extensions?: { code?: string } }[];
    };
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`not JSON (${status}): ${text.slice(0, 200)}`);
    }
    for (const e of json.errors ?? []) expect(e.extensions?.code, text).not.toBe("INTERNAL_SERVER_ERROR");
    const refused =
      status >= 400 ||
      (json.errors?.length ?? 0) > 0 ||
      Object.values(json.data ?? {}).some((v) => v?.__typename?.endsWith("Error"));
    if (refused) expect(await snapshot()).toBe(before);
  }

  beforeAll(async () => {
    t = await startTestServer(backend);
    staffToken = (await t.user("staff@example.com", { staff: true })).token;
    customerToken = (await t.user("c@example.com")).token;
    for (let i = 0; i < 3; i++) {
      const r = await t.ok(CreateOrderDocument, { input: orderInput() }, { token: staffToken });
      refs.push(r.createOrder as { ref: string; token: string });
    }
  });
  afterAll(async () => {
    console.log(`fuzz on ${backend}: ${sent} requests`);
    await t?.close();
  });

  const auth = () =>
    fc.oneof(
      fc.constant({}),
      fc.constant({ authorization: `Bearer ${staffToken}` }),
      fc.constant({ authorization: `Bearer ${customerToken}` }),
      fc.string({ maxLength: 80 }).map((s) => ({ authorization: s.replace(/[^\x20-\x7e]/g, "") })),
      fc.string({ maxLength: 60 }).map((s) => ({ authorization: `Bearer ${s.replace(/[^\x21-\x7e]/g, "")}` })),
    );
  const decimal = fc.oneof(
    fc.constantFrom(
      "0",
      "-0",
      "1e400",
      "NaN",
      "Infinity",
      "1,5",
      "",
      " ",
      "0x10",
      "1e-7",
      "99999999999999999.99",
      "-1",
      ".",
      "1.",
      "--1",
      "1e3",
    ),
    fc.double().map(String),
    fc.string({ maxLength: 12 }),
    fc.integer().map(String),
  );
  const ref = fc.oneof(
    fc.constantFrom(...refs.map((r) => r.ref), "", "1999-00000", '\'; DROP TABLE "Order"; --', "%", "_", "\u0000"),
    fc.string({ maxLength: 40 }),
  );
  const token = fc.oneof(fc.constant(null), fc.string({ maxLength: 50 }), fc.constant("x".repeat(43)));

  it("random and broken documents", async () => {
    const mutate = fc
      .tuple(fc.constantFrom(...VALID_DOCS), fc.nat(), fc.string({ maxLength: 5 }), fc.nat({ max: 10 }))
      .map(([doc, at, insert, cut]) => {
        const i = at % (doc.length + 1);
        return doc.slice(0, i) + insert + doc.slice(i + cut);
      });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 200 }), mutate, fc.constant("{".repeat(5000))),
        auth(),
        async (query, headers) => {
          await probe(JSON.stringify({ query }), { "content-type": "application/json", ...headers });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("valid documents with random variables, decimals, refs and tokens", async () => {
    const variables = fc.record(
      {
        ref,
        token,
        first: fc.oneof(fc.integer({ min: -5, max: 500 }), fc.string({ maxLength: 3 }), fc.constant(null)),
        after: fc.oneof(fc.constant(null), fc.string({ maxLength: 30 }), fc.base64String({ maxLength: 40 })),
        m: fc.constantFrom("credit-card", "pay-in-advance", "dummy", "", "x", "CREDIT-CARD"),
        s: fc.constantFrom("NEW", "CREATED", "HOLD", "SHIPPED", "REFUNDED", "nope", "", 3),
        message: fc.string({ maxLength: 30 }),
        public: fc.oneof(fc.boolean(), fc.string({ maxLength: 3 })),
        filter: fc.oneof(
          fc.constant(null),
          fc.record(
            {
              status: fc.array(fc.constantFrom("HOLD", "X"), { maxLength: 2 }),
              isPaid: fc.boolean(),
              search: fc.string({ maxLength: 20 }),
              createdAfter: fc.string({ maxLength: 25 }),
            },
            { requiredKeys: [] },
          ),
        ),
        orderBy: fc.constantFrom("TOTAL_ASC", "DATE_CREATED_DESC", "bogus"),
        input: fc.oneof(
          fc.jsonValue({ maxDepth: 3 }),
          fc.record(
            {
              amount: decimal,
              transactionId: fc.string({ maxLength: 10 }),
              paymentMethod: fc.string({ maxLength: 10 }),
            },
            { requiredKeys: [] },
          ),
          fc.record(
            {
              email: fc.oneof(fc.emailAddress(), fc.string({ maxLength: 20 })),
              items: fc.array(
                fc.record(
                  {
                    productType: fc.string({ maxLength: 5 }),
                    product: fc.jsonValue({ maxDepth: 2 }),
                    unitPrice: decimal,
                    quantity: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double()),
                  },
                  { requiredKeys: [] },
                ),
                { maxLength: 3 },
              ),
              extraRows: fc.array(fc.record({ label: fc.string({ maxLength: 5 }), amount: decimal }), { maxLength: 2 }),
              userId: fc.oneof(fc.constant(null), fc.string({ maxLength: 12 })),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...VALID_DOCS),
        variables,
        auth(),
        fc.option(fc.string({ minLength: 1, maxLength: 20 })),
        async (query, vars, headers, key) => {
          await probe(JSON.stringify({ query, variables: vars }), {
            "content-type": "application/json",
            ...headers,
            ...(key ? { "idempotency-key": key.replace(/[^\x21-\x7e]/g, "") || "k" } : {}),
          });
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it("every field of the request varied: operationName, extensions, variables, documents with several operations", async () => {
    const docs = [
      ...VALID_DOCS,
      "query A { me { email } } query B { paymentMethods { identifier } }",
      "query A { me { email } } mutation B($ref: String!) { refundOrder(ref: $ref) { __typename } }",
      "subscription S { orderEvents { type } }",
    ];
    const name = fc.oneof(
      fc.constantFrom("A", "B", "S", "", "Nope", "a b", "__schema"),
      fc.string({ maxLength: 12 }),
      fc.integer(),
      fc.constant(null),
      fc.constant(undefined),
      fc.jsonValue({ maxDepth: 1 }),
    );
    const request = fc.record(
      {
        query: fc.oneof(fc.constantFrom(...docs), fc.jsonValue({ maxDepth: 1 })),
        operationName: name,
        variables: fc.oneof(
          fc.constant(undefined),
          fc.constant(null),
          fc.jsonValue({ maxDepth: 2 }),
          fc.record({ ref: fc.constantFrom(...refs.map((r) => r.ref)) }),
        ),
        extensions: fc.oneof(
          fc.constant(undefined),
          fc.jsonValue({ maxDepth: 2 }),
          fc.constant({ persistedQuery: { version: 1, sha256Hash: "abc" } }),
        ),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        request,
        auth(),
        fc.constantFrom("application/json", "application/graphql-response+json", "*/*"),
        async (body, headers, accept) => {
          await probe(JSON.stringify(body), { "content-type": "application/json", accept, ...headers });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("malformed bodies and headers", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.constant("[]"),
          fc.constant("null"),
          fc.constant('{"query": 1}'),
          fc.constant('{"query": "{ me { id } }", "variables": "x"}'),
        ),
        fc.constantFrom(
          "application/json",
          "text/plain",
          "application/x-www-form-urlencoded",
          "application/graphql",
          "multipart/form-data",
        ),
        async (body, contentType) => {
          const { status, text } = await send(body, { "content-type": contentType });
          expect(status, text).toBeLessThan(500);
          expect(text).not.toMatch(LEAK);
        },
      ),
      { numRuns: RUNS },
    );
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });
});
