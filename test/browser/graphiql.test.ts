/// <reference lib="dom" />
/**
 * GraphiQL in a real browser (Debian's chromium, driven by playwright-core), on the demo's data, as
 * a staff user would use it: the first page's text and token are not cut at the editors' width, the
 * docs list the queries, autocomplete knows the schema, a typed query shows orders, a refused status
 * change shows its union member, a subscription streams events over WebSocket with the page's token;
 * the console stays clean and no request leaves the server. Without a browser the test says so loudly; REQUIRE_BROWSER=1 (CI)
 * makes that a failure.
 */
import fs from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDemoData } from "../../src/demo.js";
import { startTestServer, type TestServer } from "../helpers/harness.js";

const CHROMIUM =
  process.env.CHROMIUM_PATH ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p));
if (!CHROMIUM) {
  const msg = "No chromium found (apt-get install chromium, or set CHROMIUM_PATH).";
  if (process.env.REQUIRE_BROWSER === "1") throw new Error(`${msg} REQUIRE_BROWSER=1 is set.`);
  process.stderr.write(`\n*** ${msg}\n*** SKIPPING the GraphiQL browser test.\n\n`);
}

/** Sets the query editor's text (GraphiQL 3 edits with CodeMirror 5) and places the cursor. */
async function setQuery(page: Page, text: string, cursor?: { line: number; ch: number }) {
  await page.evaluate(
    ({ text, cursor }) => {
      const cm = (document.querySelector(".graphiql-query-editor .CodeMirror") as unknown as { CodeMirror: any })
        .CodeMirror;
      cm.setValue(text);
      cm.focus();
      if (cursor) cm.setCursor(cursor);
    },
    { text, cursor },
  );
}

/**
 * Runs the editor's operation and waits for an answer that `done` accepts. GraphiQL learns the
 * edited document's operation name a moment after an edit; a click before that sends the previous
 * name, which the server refuses (OPERATION_RESOLUTION_FAILURE): then it is clicked again.
 */
async function execute(page: Page, done: (answer: string) => boolean): Promise<string> {
  for (let attempt = 0; attempt < 10; attempt++) {
    await page.getByRole("button", { name: /Execute query/i }).click();
    let answer = "";
    await expect
      .poll(async () => (answer = await responseText(page)), { timeout: 15_000 })
      .toMatch(/"data"|OPERATION_RESOLUTION_FAILURE/);
    if (done(answer)) return answer;
    await page.evaluate(() => {
      const cm = (document.querySelector(".graphiql-response .CodeMirror") as unknown as { CodeMirror: any })
        .CodeMirror;
      cm.setValue("");
    });
  }
  throw new Error(`GraphiQL never ran the operation: ${await responseText(page)}`);
}

async function responseText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const cm = (document.querySelector(".graphiql-response .CodeMirror") as unknown as { CodeMirror: any } | null)
      ?.CodeMirror;
    return cm ? (cm.getValue() as string) : "";
  });
}

describe.skipIf(!CHROMIUM)("GraphiQL in chromium", () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const leftTheServer: string[] = [];
  let staffToken = "";

  /** The reference of an order in `status` (the demo has some in every status). */
  async function staffOrderRef(status: string): Promise<string> {
    const r = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${staffToken}` },
      body: JSON.stringify({ query: `{ allOrders(first: 1, filter: { status: [${status}] }) { nodes { ref } } }` }),
    });
    return ((await r.json()) as { data: { allOrders: { nodes: { ref: string }[] } } }).data.allOrders.nodes[0].ref;
  }

  async function changeStatus(ref: string, status: string): Promise<void> {
    const r = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${staffToken}` },
      body: JSON.stringify({
        query: `mutation($ref: String!) { changeOrderStatus(ref: $ref, status: ${status}) { __typename } }`,
        variables: { ref },
      }),
    });
    expect(await r.json()).toEqual({ data: { changeOrderStatus: { __typename: "Order" } } });
  }

  beforeAll(async () => {
    let made: Awaited<ReturnType<typeof ensureDemoData>> | undefined;
    t = await startTestServer("embedded", {
      prepare: async (s) => void (made = await ensureDemoData(s.prisma, s)),
      graphiqlHeaders: () => made && { Authorization: `Bearer ${made.tokens.staff}` },
    });
    staffToken = made!.tokens.staff;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(e.message));
    const origin = new URL(t.url).origin;
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(origin) || url.startsWith("data:")) return route.continue();
      leftTheServer.push(url);
      return route.abort();
    });
    await page.goto(`${t.url}/graphiql`);
    await page.waitForSelector(".graphiql-query-editor .CodeMirror");
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("starts signed in as the demo's staff user", async () => {
    const headers = await page.evaluate(() => localStorage.getItem("graphiql:headers") ?? "");
    const page$ = await (await fetch(`${t.url}/graphiql`)).text();
    expect(page$).toContain(staffToken);
    expect(headers).not.toContain(staffToken); // not persisted in the browser
  });

  it("cuts no line of the first page, its help text or the token in the Headers tab, at 1024 × 768", async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    try {
      const text = await page.evaluate(() =>
        [...document.querySelectorAll(".graphiql-container .CodeMirror")].map((el) =>
          (el as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue(),
        ),
      );
      expect(text.join("\n")).toContain("# A token for a new staff user,");
      expect(text.join("\n")).toContain(staffToken);
      // Every editor is as wide as its content: nothing runs past its right edge.
      await expect
        .poll(
          () =>
            page.evaluate(() =>
              [...document.querySelectorAll(".graphiql-container .CodeMirror-scroll")].map((el) => [
                el.scrollWidth,
                el.clientWidth,
              ]),
            ),
          { timeout: 15_000 },
        )
        .toSatisfy((sizes: number[][]) => sizes.length >= 2 && sizes.every(([scroll, client]) => scroll <= client));
      // And the help text itself is short enough not to need wrapping at this width.
      const longest = Math.max(...text[0].split("\n").map((l) => l.length));
      expect(longest).toBeLessThanOrEqual(36);
    } finally {
      await page.setViewportSize({ width: 1280, height: 720 });
    }
  });

  it("the docs explorer lists the Query fields", async () => {
    await page.getByRole("button", { name: /Show Documentation Explorer/i }).click();
    await page.locator(".graphiql-doc-explorer").getByText("Query", { exact: true }).first().click();
    const fields = page.locator(".graphiql-doc-explorer-field-name");
    await expect
      .poll(async () => fields.allTextContents(), { timeout: 15_000 })
      .toEqual(expect.arrayContaining(["allOrders", "order", "orders", "lastOrder", "orderStatus", "webhooks"]));
  });

  it("autocomplete offers pageInfo inside allOrders { }", async () => {
    await setQuery(page, "{\n  allOrders {\n    \n  }\n}", { line: 2, ch: 4 });
    await page.keyboard.type("p");
    const hints = page.locator(".CodeMirror-hints .CodeMirror-hint");
    await expect.poll(async () => hints.allTextContents(), { timeout: 15_000 }).toContain("pageInfo");
    await page.keyboard.press("Escape");
  });

  it("runs a typed query and shows orders", async () => {
    await setQuery(page, "query Latest {\n  allOrders(first: 3) {\n    nodes { ref status total }\n  }\n}");
    const answer = JSON.parse(await execute(page, (a) => /"ref": "\d{4}-\d{5}"/.test(a)));
    expect(answer.data.allOrders.nodes).toHaveLength(3);
  });

  it("a refused status change shows its union member, with the message", async () => {
    const r = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${staffToken}` },
      body: JSON.stringify({ query: `{ allOrders(first: 100, filter: { status: [CANCELLED] }) { nodes { ref } } }` }),
    });
    const ref = ((await r.json()) as { data: { allOrders: { nodes: { ref: string }[] } } }).data.allOrders.nodes[0].ref;
    await setQuery(
      page,
      `mutation Ship {\n  changeOrderStatus(ref: "${ref}", status: SHIPPED) {\n    __typename\n    ... on ErrorResult { errorCode message }\n    ... on InvalidStatusTransitionError { fromStatus toStatus }\n  }\n}`,
    );
    const answer = await execute(page, (a) => a.includes("changeOrderStatus"));
    expect(JSON.parse(answer).data.changeOrderStatus).toEqual({
      __typename: "InvalidStatusTransitionError",
      errorCode: "INVALID_STATUS_TRANSITION_ERROR",
      message: "Can't change order with status 'Cancelled' to 'Shipped'.",
      fromStatus: "CANCELLED",
      toStatus: "SHIPPED",
    });
  });

  it("streams a subscription's events in the result pane, over WebSocket with the page's token", async () => {
    const ref = await staffOrderRef("CREATED");
    // Every order's events: staff only, so an event shown proves the WebSocket carried the token.
    await setQuery(page, "subscription Watch {\n  orderEvents { type orderRef fromStatus toStatus }\n}");
    for (let attempt = 0; t.server.events.subscriberCount === 0; attempt++) {
      if (attempt === 10) throw new Error(`GraphiQL never subscribed: ${await responseText(page)}`);
      await page.getByRole("button", { name: /Execute query/i }).click();
      // Subscribed, or refused because GraphiQL sent the previous operation's name (see execute()).
      await expect
        .poll(
          async () =>
            t.server.events.subscriberCount > 0 || /OPERATION_RESOLUTION_FAILURE/.test(await responseText(page)),
          {
            timeout: 15_000,
          },
        )
        .toBe(true);
    }
    await page.getByRole("button", { name: /Stop query/i }).waitFor({ state: "visible", timeout: 15_000 });
    // A change made elsewhere (over HTTP, as another staff member would) appears in the result pane.
    await changeStatus(ref, "HOLD");
    await expect.poll(() => responseText(page), { timeout: 15_000 }).toContain(`"orderRef": "${ref}"`);
    expect(JSON.parse(await responseText(page))).toEqual({
      data: { orderEvents: { type: "STATUS_CHANGED", orderRef: ref, fromStatus: "CREATED", toStatus: "HOLD" } },
    });
    await changeStatus(ref, "CANCELLED");
    await expect.poll(() => responseText(page), { timeout: 15_000 }).toContain('"toStatus": "CANCELLED"');
    // Stopping it ends the subscription on the server.
    await page.getByRole("button", { name: /Stop query/i }).click();
    await expect.poll(() => t.server.events.subscriberCount, { timeout: 15_000 }).toBe(0);
  });

  it("a stale operation name gets a clear error, not an internal one", async () => {
    const r = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${staffToken}` },
      body: JSON.stringify({ query: "query Renamed { me { email } }", operationName: "Latest" }),
    });
    expect(await r.json()).toEqual({
      errors: [
        {
          message: 'The document has no operation named "Latest".',
          extensions: { code: "OPERATION_RESOLUTION_FAILURE" },
        },
      ],
    });
  });

  it("kept the console clean and every request on the server", () => {
    expect(consoleErrors).toEqual([]);
    expect(leftTheServer).toEqual([]);
  });
});
