/**
 * Documents nested thousands of levels deep (within the token limit) are refused from their text,
 * before anything parses, validates or caches them: Apollo's document cache measured each one by
 * serialising it and logged "Could not store validated document. Maximum call stack size exceeded"
 * for every such request. A document the limits allow is never refused by this.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { backends, startTestServer, type TestServer } from "../helpers/harness.js";

/** A refund's payment has refunds, which have a payment…: valid however deep. */
function deepSelection(levels: number): string {
  let inner = "id";
  for (let i = 0; i < levels; i++) inner = `refunds { payment { ${inner} } }`;
  return `{ order(ref: "x") { ${inner} } }`;
}
/** An order's `extra` written as a literal nested `levels` deep. */
function deepLiteral(levels: number): string {
  return `mutation { createOrder(input: { email: "c@example.com", items: [], extra: ${"{a:".repeat(levels)}1${"}".repeat(levels)} }) { __typename } }`;
}

describe.each(backends())("documents nested deep, on %s", (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend);
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(() => t?.close());

  async function send(body: unknown, accept = "application/graphql-response+json") {
    const res = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      type: res.headers.get("content-type"),
      json: (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] },
    };
  }

  it("refuses selections 1,400 and 3,000 levels deep from their text: QUERY_TOO_COMPLEX, nothing logged, no stack overflow", async () => {
    const warn = vi.spyOn(console, "warn");
    const error = vi.spyOn(console, "error");
    for (const query of [deepSelection(700), deepSelection(1500)]) {
      const r = await send({ query });
      expect(r.status).toBe(400);
      expect(r.type).toMatch(/^application\/graphql-response\+json/);
      expect(r.json.errors).toEqual([
        {
          message: "The document's brackets nest deeper than 128 levels: no document within the limits needs that.",
          extensions: { code: "QUERY_TOO_COMPLEX" },
        },
      ]);
    }
    const query = deepSelection(700);
    // 200 with the error in the body for a client that accepts application/json, as for any limit.
    const plain = await send({ query }, "application/json");
    expect(plain.status).toBe(200);
    expect(plain.json.errors?.[0].extensions?.code).toBe("QUERY_TOO_COMPLEX");
    // A batch holding one is refused whole, before any of its operations runs; GET alike.
    expect((await send([{ query: "{ me { id } }" }, { query }])).status).toBe(400);
    // (A shorter one: a URL is held to 16 KiB.)
    const get = await fetch(`${t.url}/graphql?query=${encodeURIComponent(deepSelection(100))}`, {
      headers: { accept: "application/graphql-response+json" },
    });
    expect(get.status).toBe(400);
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
  });

  it("refuses a literal value nested past the limit the same way, and takes what the limits allow", async () => {
    const r = await send({ query: deepLiteral(2000) });
    expect(r.status).toBe(400);
    expect(r.json.errors?.[0].extensions?.code).toBe("QUERY_TOO_COMPLEX");
    // Brackets in strings, block strings and comments are text, not nesting.
    const quoted = `{ order(ref: ${JSON.stringify("{".repeat(500))}) { id } } # ${"{".repeat(500)}\n`;
    const inString = await send({ query: quoted });
    expect(inString.json.errors?.[0].extensions?.code).not.toBe("QUERY_TOO_COMPLEX");
    // The deepest selection the default depth allows is answered as before: by the depth limit's message past it.
    expect((await send({ query: deepSelection(5) })).status).toBe(200);
    const tooDeep = await send({ query: deepSelection(6) });
    expect(tooDeep.json.errors?.[0].message).toMatch(/levels deep; the limit is 12/);
  });
});
