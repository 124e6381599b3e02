/** The GraphQL-over-HTTP audit of graphql-http (its serverAudits): every MUST and every SHOULD passes. */
import { serverAudits } from "graphql-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/harness.js";

describe("GraphQL over HTTP (graphql-http audit)", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer("embedded");
  });
  afterAll(() => t?.close());

  it("passes every audit", async () => {
    const audits = serverAudits({ url: `${t.url}/graphql`, fetchFn: fetch });
    const results = [];
    for (const audit of audits) results.push({ audit: audit.name, ...(await audit.fn()) });
    const notOk = results
      .filter((r) => r.status !== "ok")
      .map((r) => ({ audit: r.audit, status: r.status, reason: r.reason }));
    console.log(
      `graphql-http audit: ${results.length} audits, ${results.length - notOk.length} ok, ${notOk.length} not`,
    );
    expect(notOk).toEqual([]);
  });
});
