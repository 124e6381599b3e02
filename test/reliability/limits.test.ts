/** Abuse limits, introspection policy, GraphiQL switch and CORS, with their documented defaults. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeGlobalId } from "../../src/nodes/global-id.js";
import { startTestServer, type TestServer } from "../helpers/harness.js";
import { waitFor } from "../helpers/receiver.js";
import { connectSubscriber } from "../helpers/subscriber.js";

/** Documents and variables that graphql-js answers with a hint, one of each kind of name. */
const MISSPELT: { query: string; variables?: Record<string, unknown>; hint: RegExp }[] = [
  { query: "{ allOrder { totalCount } }", hint: /Did you mean "allOrders"/ }, // field
  { query: "{ orders(frist: 1) { totalCount } }", hint: /Did you mean "first"/ }, // argument
  { query: "{ allOrders(orderBy: DATE_CREATED) { totalCount } }", hint: /Did you mean the enum value/ }, // enum
  {
    query: "query($s: OrderSort) { allOrders(orderBy: $s) { totalCount } }",
    variables: { s: "DATE_CREATED" },
    hint: /Did you mean the enum value/,
  }, // enum, in a variable
  { query: "query($f: OrderFiltr) { allOrders(filter: $f) { totalCount } }", hint: /Did you mean "OrderFilter"/ }, // type
  {
    query: "query($f: OrderFilter) { allOrders(filter: $f) { totalCount } }",
    variables: { f: { statuss: ["PAID"] } },
    hint: /Did you mean "status/,
  }, // input field, in a variable
];

async function post(t: TestServer, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${t.url}/graphql`, {
    method: "POST",
    // Request errors come with their 4xx status when the client accepts application/graphql-response+json.
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: (() => {
      try {
        return JSON.parse(text);
      } catch {
        return null;
      }
    })(),
  };
}

describe("limits (defaults)", () => {
  let t: TestServer;
  let staff: { token: string };
  beforeAll(async () => {
    t = await startTestServer("embedded");
    staff = await t.user("staff@example.com", { staff: true });
  });
  afterAll(() => t?.close());
  const auth = () => ({ authorization: `Bearer ${staff.token}` });

  it("refuses a query nested deeper than 12 levels", async () => {
    // a refund's payment has refunds, which have a payment…: as deep as asked.
    let inner = "id";
    for (let i = 0; i < 6; i++) inner = `refunds { payment { ${inner} } }`;
    const r = await post(t, { query: `{ order(ref: "x") { ${inner} } }` });
    expect(r.status).toBe(400);
    expect(r.json.errors[0]).toMatchObject({ extensions: { code: "QUERY_TOO_COMPLEX" } });
    expect(r.json.errors[0].message).toMatch(/levels deep; the limit is 12/);
  });

  it("holds introspection to its own depth, and ordinary fields beside it to the usual one", async () => {
    let inner = "name";
    for (let i = 0; i < 14; i++) inner = `ofType { ${inner} }`;
    expect((await post(t, { query: `{ __type(name: "Order") { ${inner} } }` })).status).toBe(200);
    for (let i = 0; i < 20; i++) inner = `ofType { ${inner} }`;
    const deep = await post(t, { query: `{ __type(name: "Order") { ${inner} } }` });
    expect(deep.json.errors[0].message).toBe("Introspection is 36 levels deep; the limit is 30.");
    let ordinary = "id";
    for (let i = 0; i < 6; i++) ordinary = `refunds { payment { ${ordinary} } }`;
    const mixed = await post(t, { query: `{ __schema { queryType { name } } order(ref: "x") { ${ordinary} } }` });
    expect(mixed.json.errors[0].message).toMatch(/levels deep; the limit is 12/);
  });

  it("weighs lists by first: 100 orders with relations pass, many such pages do not", async () => {
    const page = `allOrders(first: 100) { nodes { ref items { name } payments { amount } notes { message } user { email } } }`;
    expect((await post(t, { query: `{ ${page} }` }, auth())).status).toBe(200);
    const many = Array.from({ length: 10 }, (_, i) => `p${i}: ${page}`).join("\n");
    const r = await post(t, { query: `{ ${many} }` }, auth());
    expect(r.status).toBe(400);
    expect(r.json.errors[0].message).toMatch(/costs \d+; the limit is 5000/);
    const viaVariable = await post(
      t,
      { query: `query($n: Int) { allOrders(first: $n) { nodes { items { name } } } }`, variables: { n: 100_000 } },
      auth(),
    );
    // a list counts at most its largest page: the list itself refuses a larger `first`, more clearly
    expect(viaVariable.json.errors[0]).toMatchObject({
      message: "first must be at most 100.",
      extensions: { code: "BAD_USER_INPUT" },
    });
  });

  it("weighs nodes by the number of its ids, as many times as they are, at most 100", async () => {
    // each id costs 105: items, payments, notes and user 1 each, history 1 + 50 × (nodes 1 + actor 1)
    const selection = `... on Order { items { name } payments { amount } notes { message } user { email } history { nodes { type actor { email } } } }`;
    const ids = (n: number) => Array.from({ length: n }, (_, i) => encodeGlobalId("Order", String(i + 1)));
    const viaVariable = (n: number) =>
      post(
        t,
        { query: `query($ids: [ID!]!) { nodes(ids: $ids) { ${selection} } }`, variables: { ids: ids(n) } },
        auth(),
      );
    expect((await viaVariable(47)).status).toBe(200); // 1 + 47 × 105 = 4936
    const over = await viaVariable(48); // 5041
    expect(over.status).toBe(400);
    expect(over.json.errors[0]).toMatchObject({
      message: "Query costs 5041; the limit is 5000 (lists count once per `first`, `nodes` once per id).",
      extensions: { code: "QUERY_TOO_COMPLEX" },
    });
    // the same document measured again on each request's own variables
    expect((await viaVariable(47)).status).toBe(200);
    const literal = await post(t, { query: `{ nodes(ids: ${JSON.stringify(ids(48))}) { ${selection} } }` }, auth());
    expect(literal.json.errors[0].message).toMatch(/^Query costs 5041;/);
    // counted at most 100 times: a longer list is refused by nodes itself, more clearly
    const long = await post(
      t,
      { query: `query($ids: [ID!]!) { nodes(ids: $ids) { __typename } }`, variables: { ids: ids(10_000) } },
      auth(),
    );
    expect(long.json.errors[0]).toMatchObject({
      message: "ids may hold at most 100 ids.",
      extensions: { code: "BAD_USER_INPUT" },
    });
  });

  it("refuses more than 30 aliases and more than 10 root fields", async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: __typename`).join(" ");
    expect((await post(t, { query: `{ me { ${aliases} } }` })).json.errors[0].message).toMatch(
      /31 aliases; the limit is 30/,
    );
    const roots = Array.from({ length: 11 }, () => `paymentMethods { identifier }`).join(" ");
    expect((await post(t, { query: `{ ${roots} }` })).json.errors[0].message).toMatch(
      /11 root fields; the limit is 10/,
    );
  });

  it("refuses more than 50 directives, counting a fragment's as often as it is spread", async () => {
    const fields = (n: number) => Array.from({ length: n }, () => "__typename @include(if: true)").join(" ");
    expect((await post(t, { query: `{ me { ${fields(50)} } }` })).status).toBe(200);
    expect((await post(t, { query: `{ me { ${fields(51)} } }` })).status).toBe(400);
    const spread = await post(t, { query: `{ me { ...D ...D ...D } } fragment D on User { ${fields(17)} }` });
    expect(spread.json.errors[0]).toMatchObject({
      message: "Query has 51 directives; the limit is 50.",
      extensions: { code: "QUERY_TOO_COMPLEX" },
    });
  });

  it("refuses documents of more than 10000 tokens, bodies over 1 MiB and batches over 10", async () => {
    const huge = `{ ${Array.from({ length: 12_000 }, () => "__typename").join(" ")} }`;
    const tokens = await post(t, { query: huge });
    expect(tokens.status).toBe(400);
    expect(tokens.text).toMatch(/contains more th\w+ 10000 tokens/i); // graphql-js spells it "more that"
    const body = await post(t, { query: "{ me { id } }", padding: "x".repeat(1_100_000) });
    expect(body.status).toBe(413);
    const batch = await post(
      t,
      Array.from({ length: 11 }, () => ({ query: "{ me { id } }" })),
    );
    expect(batch.status).toBe(400);
    expect(batch.json.errors[0].message).toMatch(/at most 10 operations/);
    const okBatch = await post(
      t,
      Array.from({ length: 3 }, () => ({ query: "{ paymentMethods { identifier } }" })),
    );
    expect(okBatch.status).toBe(200);
    expect(okBatch.json).toHaveLength(3);
  });

  it("gives schema hints to every caller where everyone may introspect (the default)", async () => {
    for (const m of MISSPELT) {
      const r = await post(t, { query: m.query, variables: m.variables });
      expect(r.json.errors[0].message, m.query).toMatch(m.hint);
    }
  });

  it("introspection and GraphiQL are on by default; CORS is closed", async () => {
    expect((await post(t, { query: "{ __schema { queryType { name } } }" })).json.data.__schema.queryType.name).toBe(
      "Query",
    );
    expect((await fetch(`${t.url}/graphiql`)).status).toBe(200);
    const r = await post(t, { query: "{ me { id } }" }, { origin: "https://evil.example" });
    expect(r.headers.get("access-control-allow-origin")).toBeNull();
    const pre = await fetch(`${t.url}/graphql`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("limits (configured)", () => {
  let t: TestServer;
  let staff: { token: string };
  let customer: { token: string };
  beforeAll(async () => {
    t = await startTestServer("embedded", {
      env: {
        INTROSPECTION: "staff",
        GRAPHIQL: "off",
        CORS_ORIGINS: "https://shop.example",
        MAX_QUERY_DEPTH: "3",
        MAX_BATCH_SIZE: "1",
      },
    });
    staff = await t.user("staff@example.com", { staff: true });
    customer = await t.user("c@example.com");
  });
  afterAll(() => t?.close());

  it("introspection for staff only, GraphiQL off, CORS for the listed origin without credentials", async () => {
    const q = { query: "{ __schema { queryType { name } } }" };
    expect((await post(t, q)).json.errors[0].extensions.code).toBe("FORBIDDEN");
    expect((await post(t, q, { authorization: `Bearer ${customer.token}` })).json.errors[0].extensions.code).toBe(
      "FORBIDDEN",
    );
    expect((await post(t, q, { authorization: `Bearer ${staff.token}` })).json.data.__schema.queryType.name).toBe(
      "Query",
    );
    expect((await fetch(`${t.url}/graphiql`)).status).toBe(404);
    const r = await post(t, { query: "{ me { id } }" }, { origin: "https://shop.example" });
    expect(r.headers.get("access-control-allow-origin")).toBe("https://shop.example");
    expect(r.headers.get("access-control-allow-credentials")).toBeNull();
    const other = await post(t, { query: "{ me { id } }" }, { origin: "https://evil.example" });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const pre = await fetch(`${t.url}/graphql`, {
      method: "OPTIONS",
      headers: { origin: "https://shop.example", "access-control-request-method": "POST" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-headers")).toMatch(/authorization/);
    expect(pre.headers.get("access-control-allow-headers")).toMatch(/order-token/); // a guest's, for node and nodes
  });

  it("keeps schema hints out of errors for callers who may not introspect, and gives them to staff", async () => {
    for (const m of MISSPELT) {
      const body = { query: m.query, variables: m.variables };
      const anonymous = await post(t, body);
      expect(anonymous.json.errors.length, m.query).toBeGreaterThan(0);
      expect(anonymous.text, m.query).not.toMatch(/Did you mean/);
      const asCustomer = await post(t, body, { authorization: `Bearer ${customer.token}` });
      expect(asCustomer.text, m.query).not.toMatch(/Did you mean/);
      const asStaff = await post(t, body, { authorization: `Bearer ${staff.token}` });
      expect(asStaff.json.errors[0].message, m.query).toMatch(m.hint);
      // the rest of the message is the same
      expect(anonymous.json.errors[0].message).toBe(
        asStaff.json.errors[0].message.replace(/ ?Did you mean [^?]*\?/, ""),
      );
    }
    // over WebSocket too
    const s = await connectSubscriber(t.url);
    try {
      const sub = s.subscribe("subscription { orderEvent { id } }");
      await waitFor(() => sub.errors.length > 0, "the refusal");
      expect(JSON.stringify(sub.errors)).toMatch(/Cannot query field/);
      expect(JSON.stringify(sub.errors)).not.toMatch(/Did you mean/);
    } finally {
      await s.dispose();
    }
    const st = await connectSubscriber(t.url, staff.token);
    try {
      const sub = st.subscribe("subscription { orderEvent { id } }");
      await waitFor(() => sub.errors.length > 0, "the refusal");
      expect(JSON.stringify(sub.errors)).toMatch(/Did you mean/);
    } finally {
      await st.dispose();
    }
  });

  it("takes its numbers from the environment", async () => {
    const deep = await post(t, { query: "{ orders { nodes { items { name } } } }" });
    expect(deep.json.errors[0].message).toMatch(/limit is 3/);
    const batch = await post(t, [{ query: "{ me { id } }" }, { query: "{ me { id } }" }]);
    expect(batch.status).toBe(400);
  });
});
