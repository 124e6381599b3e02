/** The wire: credentials, error shapes, health, GraphiQL, and the SQL a page costs. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AllOrdersFullDocument,
  CreateOrderDocument,
  MeDocument,
  OrderDetailDocument,
  RecordOrderPaymentDocument,
  AddOrderNoteDocument,
} from "../generated/graphql.js";
import { backends, orderInput, startTestServer, type TestServer } from "../helpers/harness.js";
import { waitFor } from "../helpers/receiver.js";
import { revokeApiToken } from "../../src/users/user.repository.js";

describe.each(backends())("http on %s", (backend) => {
  let t: TestServer;
  let staff: { token: string };
  beforeAll(async () => {
    t = await startTestServer(backend);
    staff = await t.user("staff@example.com", { staff: true });
  });
  afterAll(() => t?.close());

  /** A POST that accepts application/graphql-response+json: request errors come with their 4xx status. */
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
      body,
    });

  describe("credentials", () => {
    it("a token that matches no user is UNAUTHENTICATED (401), never silently anonymous", async () => {
      const r = await t.gql(MeDocument, {}, { token: "oat_not-a-real-token" });
      expect(r.status).toBe(401);
      expect(r.errors?.[0]).toMatchObject({
        message: "Invalid or revoked API token.",
        extensions: { code: "UNAUTHENTICATED" },
      });
      const malformed = await t.gql(MeDocument, {}, { headers: { authorization: "Basic abc" } });
      expect(malformed.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    });

    it("a revoked token stops working", async () => {
      const u = await t.user("revoked@example.com");
      expect((await t.ok(MeDocument, {}, { token: u.token })).me?.email).toBe("revoked@example.com");
      expect(await revokeApiToken(t.server.prisma, u.token)).toBe(true);
      // A known token is cached: refused once the revoke's announcement is heard (at its commit).
      const refused = async () =>
        (await t.gql(MeDocument, {}, { token: u.token })).errors?.[0].extensions?.code === "UNAUTHENTICATED";
      await waitFor(refused, "the revoke to take effect", 5_000);
    });
  });

  describe("bad requests", () => {
    it("answer clear errors with no stack trace", async () => {
      const cases = [
        await post("{not json"),
        await post(JSON.stringify({ query: "{ nope }" })),
        await post(JSON.stringify({ query: "query { order(ref: 1) { ref } }" })),
        await post(JSON.stringify({ query: '{ order(ref: "x") { ref' })),
        await post(
          JSON.stringify({
            query:
              'mutation($a: Decimal!) { recordOrderPayment(ref: "x", input: {amount: $a, transactionId: "t", paymentMethod: "m"}) { __typename } }',
            variables: { a: true },
          }),
          { authorization: `Bearer ${staff.token}` },
        ),
        await post(JSON.stringify({ query: "{ me { id } }" }).padEnd(2_000_000, " ")),
      ];
      for (const res of cases) {
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        const text = await res.text();
        expect(text).not.toMatch(/stacktrace|at .*\.(js|ts):\d+|SELECT |prisma/i);
        expect(JSON.parse(text).errors[0].message).toBeTruthy();
      }
    });

    it("answers request errors 200 with application/json, 400 with application/graphql-response+json", async () => {
      for (const query of ["{ nope }", "{ order(ref: ", "query($r: String!) { order(ref: $r) { ref } }"]) {
        const body = JSON.stringify({ query });
        const json = await post(body, { accept: "application/json" });
        expect(json.status, query).toBe(200);
        expect(json.headers.get("content-type")).toMatch(/^application\/json/);
        const strict = await post(body);
        expect(strict.status, query).toBe(400);
        expect(strict.headers.get("content-type")).toMatch(/^application\/graphql-response\+json/);
        const message = async (r: Response) =>
          ((await r.json()) as { errors: { message: string }[] }).errors[0].message;
        expect(await message(json)).toBe(await message(strict));
      }
    });

    it("answers every body in JSON: well-formed requests and batches 200, anything else 400 with a message", async () => {
      const cases: [string, number][] = [
        [JSON.stringify({ query: "{ me { email } }" }), 200],
        [JSON.stringify([{ query: "{ me { email } }" }, { query: "{ paymentMethods { identifier } }" }]), 200],
        ["\ufeff" + JSON.stringify({ query: "{ me { email } }" }), 200],
        [JSON.stringify(Array.from({ length: 11 }, () => ({ query: "{ me { email } }" }))), 400],
        ["{not json", 400],
        ["  \n 42", 400],
        ['"a string"', 400],
        [JSON.stringify({ query: "{ nope }" }), 400],
        [JSON.stringify({ query: "{ me { email } }", variables: "x" }), 400],
        [JSON.stringify({}), 400],
      ];
      for (const [body, status] of cases) {
        const res = await post(body, { authorization: `Bearer ${staff.token}` });
        expect(res.status, body).toBe(status);
        expect(res.headers.get("content-type"), body).toMatch(/^application\/(graphql-response\+)?json/);
        const answer = await res.json();
        if (status === 400) expect((answer as { errors: { message: string }[] }).errors[0].message, body).toBeTruthy();
      }
    });

    it("answers a body alike whichever way it is read: plain JSON requests skip Express's router, others do not", async () => {
      const deep = `{ ${"me { ".repeat(200)}id${" }".repeat(200)} }`;
      const bodies = [
        JSON.stringify({ query: "{ me { email } }" }),
        "\ufeff" + JSON.stringify({ query: "{ me { email } }" }),
        "{not json",
        "  \n 42",
        JSON.stringify({ query: deep }),
        JSON.stringify(Array.from({ length: 11 }, () => ({ query: "{ me { email } }" }))),
        JSON.stringify([{ query: "{ me { email } }" }]),
      ];
      const answer = async (body: string, headers: Record<string, string>) => {
        const res = await post(body, { authorization: `Bearer ${staff.token}`, ...headers });
        return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
      };
      for (const body of bodies) {
        const plain = await answer(body, {});
        // Express's router and express.json read these: another spelling of the type, a query string
        expect(await answer(body, { "content-type": "application/json;charset=utf-8" }), body).toEqual(plain);
        const viaQuery = await fetch(`${t.url}/graphql?x=1`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/graphql-response+json",
            authorization: `Bearer ${staff.token}`,
          },
          body,
        });
        expect(
          { status: viaQuery.status, type: viaQuery.headers.get("content-type"), body: await viaQuery.text() },
          body,
        ).toEqual(plain);
      }
    });

    it("unknown paths answer 404 JSON", async () => {
      const r = await fetch(`${t.url}/nope`);
      expect(r.status).toBe(404);
      expect(((await r.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe(
        "NOT_FOUND",
      );
    });
  });

  describe("status codes, as README's table says", () => {
    const JSON_ACCEPT = "application/json";
    const STRICT = "application/graphql-response+json";
    /** The status a request gets with each Accept header, and the codes of its errors. */
    const statuses = async (body: unknown, headers: Record<string, string> = {}) => {
      const out: { json?: number; strict?: number; codes: string[] } = { codes: [] };
      for (const [key, accept] of [
        ["json", JSON_ACCEPT],
        ["strict", STRICT],
      ] as const) {
        const res = await fetch(`${t.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", accept, ...headers },
          body: typeof body === "string" ? body : JSON.stringify(body),
        });
        out[key] = res.status;
        const answer = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
        out.codes = (answer.errors ?? []).map((e) => e.extensions?.code ?? "");
      }
      return out;
    };
    const asStaff = () => ({ authorization: `Bearer ${staff.token}` });

    it("an answer with field errors or typed refusals: 200", async () => {
      const customer = await t.user("status-customer@example.com");
      const o = (
        await t.ok(CreateOrderDocument, { input: orderInput({ userId: customer.id }) }, { token: staff.token })
      ).createOrder as { ref: string };
      const cases: [unknown, Record<string, string>, string][] = [
        [
          { query: `{ order(ref: "${o.ref}") { ref statusTransitions { value } } }` },
          { authorization: `Bearer ${customer.token}` },
          "FORBIDDEN",
        ],
        [
          { query: `mutation { changeOrderStatus(ref: "1999-00000", status: HOLD) { __typename } }` },
          asStaff(),
          "NOT_FOUND",
        ],
        [{ query: "{ allOrders(first: 101) { totalCount } }" }, asStaff(), "BAD_USER_INPUT"],
      ];
      for (const [body, headers, code] of cases) {
        expect(await statuses(body, headers), JSON.stringify(body)).toEqual({ json: 200, strict: 200, codes: [code] });
      }
      const refused = await statuses(
        { query: `mutation { changeOrderStatus(ref: "${o.ref}", status: SHIPPED) { __typename } }` },
        asStaff(),
      );
      expect(refused).toEqual({ json: 200, strict: 200, codes: [] });
    });

    it("a document or variables that do not fit, no such operation, a limit: 200 with application/json, 400 with graphql-response+json", async () => {
      const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: me { id }`).join(" ");
      const cases: [unknown, string][] = [
        [{ query: "{ me { id" }, "GRAPHQL_PARSE_FAILED"],
        [{ query: "{ nope }" }, "GRAPHQL_VALIDATION_FAILED"],
        [
          { query: "query($n: Int) { allOrders(first: $n) { totalCount } }", variables: { n: "many" } },
          "BAD_USER_INPUT",
        ],
        [{ query: "query A { me { id } }", operationName: "B" }, "OPERATION_RESOLUTION_FAILURE"],
        [{ query: `{ ${aliases} }` }, "QUERY_TOO_COMPLEX"],
      ];
      for (const [body, code] of cases) {
        expect(await statuses(body, asStaff()), JSON.stringify(body)).toEqual({
          json: 200,
          strict: 400,
          codes: [code],
        });
      }
    });

    it("no or a bad API token where one was sent: 401", async () => {
      expect(await statuses({ query: "{ me { id } }" }, { authorization: "Bearer oat_nobody" })).toEqual({
        json: 401,
        strict: 401,
        codes: ["UNAUTHENTICATED"],
      });
    });

    it("a malformed request, a malformed Idempotency-Key included: 400", async () => {
      const cases: [unknown, Record<string, string>][] = [
        ["{not json", {}],
        [{}, {}],
        [Array.from({ length: 11 }, () => ({ query: "{ me { id } }" })), {}],
        [{ query: "subscription { orderEvents { type } }" }, asStaff()],
        [
          { query: `mutation { addOrderNote(ref: "1999-00000", message: "hi") { ref } }` },
          { ...asStaff(), "idempotency-key": "with spaces is not a key" },
        ],
      ];
      for (const [body, headers] of cases) {
        const got = await statuses(body, headers);
        expect([got.json, got.strict], JSON.stringify(body)).toEqual([400, 400]);
        expect(
          got.codes.every((c) => c === "BAD_REQUEST"),
          JSON.stringify(got),
        ).toBe(true);
      }
    });

    it("a body over MAX_BODY_BYTES: 413", async () => {
      const got = await statuses(JSON.stringify({ query: "{ me { id } }" }).padEnd(1_100_000, " "));
      expect([got.json, got.strict]).toEqual([413, 413]);
    });

    it("an Idempotency-Key used for another request: 422", async () => {
      const key = { ...asStaff(), "idempotency-key": "status-codes-1" };
      const o = (await t.ok(CreateOrderDocument, { input: orderInput() }, { token: staff.token })).createOrder as {
        ref: string;
      };
      const note = (message: string) => ({
        query: `mutation($m: String!) { addOrderNote(ref: "${o.ref}", message: $m) { ref } }`,
        variables: { m: message },
      });
      await statuses(note("first"), key);
      expect(await statuses(note("second"), key)).toMatchObject({
        json: 422,
        strict: 422,
        codes: ["IDEMPOTENCY_KEY_REUSED"],
      });
    });
  });

  describe("service routes", () => {
    it("GET /healthz answers 200 while the database answers, with the event path's last check", async () => {
      const r = await fetch(`${t.url}/healthz`);
      expect(r.status).toBe(200);
      const body = await r.json();
      expect(body).toEqual({
        status: "ok",
        database: "ok",
        events: { status: "ok", checkedAt: expect.any(String), roundTripMs: expect.any(Number) },
      });
      expect(Date.parse(body.events.checkedAt)).not.toBeNaN();
    });

    it("serves GraphiQL and its assets itself (no CDN)", async () => {
      const page = await fetch(`${t.url}/graphiql`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).not.toMatch(/https?:\/\/(unpkg|cdn|esm\.sh)/);
      const assets = [...html.matchAll(/(?:src|href)="(\/graphiql\/assets\/[^"]+)"/g)].map((m) => m[1]);
      expect(assets).toHaveLength(4);
      for (const a of assets) {
        const r = await fetch(`${t.url}${a}`);
        expect(r.status, a).toBe(200);
        expect((await r.arrayBuffer()).byteLength).toBeGreaterThan(1000);
      }
    });
  });

  describe("SQL per request", () => {
    it("a page of orders with items, payments, notes and refunds costs the same statements for 10 as for 50 orders", async () => {
      for (let i = 0; i < 50; i++) {
        const r = await t.ok(
          CreateOrderDocument,
          {
            input: orderInput({
              email: "bulk@example.com",
              items: [0, 1, 2].map((k) => ({
                productType: "p",
                product: { name: `N${k}`, code: `C${k}` },
                unitPrice: "2.00",
                quantity: k + 1,
              })),
            }),
          },
          { token: staff.token },
        );
        const ref = (r.createOrder as { ref: string }).ref;
        if (i % 2 === 0)
          await t.ok(
            RecordOrderPaymentDocument,
            { ref, input: { amount: "1.00", transactionId: `b${i}`, paymentMethod: "cash" } },
            { token: staff.token },
          );
        await t.ok(AddOrderNoteDocument, { ref, message: "note", public: true }, { token: staff.token });
      }
      const cost = async (first: number) => {
        t.statements.length = 0;
        const r = await t.ok(
          AllOrdersFullDocument,
          { first, filter: { search: "bulk@example.com" } },
          { token: staff.token },
        );
        expect(r.allOrders.nodes).toHaveLength(first);
        expect(r.allOrders.nodes.every((o) => o.items.length === 3 && o.notes.length === 1)).toBe(true);
        if (process.env.SHOW_SQL) console.log(t.statements.join("\n---\n"));
        expect(t.statements.filter((s) => /"OrderRefund"/.test(s))).toEqual([]);
        return t.statements.length;
      };
      const ten = await cost(10);
      const fifty = await cost(50);
      // the page's ids and versions, then for the orders the order cache does not hold yet their
      // rows and their items, payments, notes and refunds (the OrderRelations view): one statement
      // each; the caller's token is known (the token cache), so not looked up
      expect(fifty).toBe(ten);
      expect(fifty).toBeLessThanOrEqual(3);
      // held, the page is its ids and versions alone
      expect(await cost(50)).toBe(1);
    });

    it("an order's detail costs a handful of statements", async () => {
      const r = await t.ok(CreateOrderDocument, { input: orderInput() }, { token: staff.token });
      const o = r.createOrder as { ref: string; token: string };
      t.statements.length = 0;
      await t.ok(OrderDetailDocument, { ref: o.ref, token: o.token });
      if (process.env.SHOW_SQL) console.log(t.statements.join("\n---\n"));
      // the order with its lines, payments, notes, refunds and owner: one statement (the order's row
      // alone when the order cache holds it)
      expect(t.statements).toHaveLength(1);
    });
  });
});
