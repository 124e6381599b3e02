/**
 * Relay, as a storefront team uses it with the client kit: client/relay.config.json and schema.graphql
 * copied beside a storefront's documents (test/relay/), the real relay-compiler compiles them (a
 * paginated @connection of my orders, a @refetchable fragment on Order, that fragment spread through
 * `node`) and tsc types code against its artifacts; then the real relay-runtime, in Node, with the
 * kit's getDataID and a fetch function over HTTP, loads a page of orders with their items and
 * payments into its store without a normalizer warning and with every record of one type only,
 * pages on with the connection's cursor, and refetches one order after a payment to see it paid,
 * exactly as usePaginationFragment and useRefetchableFragment would.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildSchema, isObjectType, type GraphQLSchema } from "graphql";
import {
  createOperationDescriptor,
  Environment,
  fetchQuery,
  getPaginationMetadata,
  getPaginationVariables,
  getRefetchMetadata,
  getSelector,
  Network,
  RecordSource,
  Store,
  type ConcreteRequest,
  type EnvironmentConfig,
  type ReaderFragment,
  type Variables,
} from "relay-runtime";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDataID } from "../../client/relay-get-data-id.js";
import { RecordOrderPaymentDocument } from "../generated/graphql.js";
import { backends, startTestServer, type TestServer } from "../helpers/harness.js";
import { root, runCommand } from "../helpers/processes.js";

const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const schema: GraphQLSchema = buildSchema(fs.readFileSync(path.join(root, "schema.graphql"), "utf8"));
const tmp: string[] = [];

/** A storefront project: the kit's config and the schema copied beside test/relay's documents. */
function storefrontProject(config: object = readKitConfig()): string {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "orders-relay-"));
  tmp.push(project);
  fs.symlinkSync(path.join(root, "node_modules"), path.join(project, "node_modules"), "dir");
  fs.writeFileSync(path.join(project, "relay.config.json"), JSON.stringify(config, null, 2));
  fs.copyFileSync(path.join(root, "schema.graphql"), path.join(project, "schema.graphql"));
  fs.mkdirSync(path.join(project, "src"));
  for (const f of fs.readdirSync(path.join(root, "test", "relay")).filter((f) => f.endsWith(".ts")))
    fs.copyFileSync(path.join(root, "test", "relay", f), path.join(project, "src", f));
  return project;
}
function readKitConfig(): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(root, "client", "relay.config.json"), "utf8"));
}
const relayCompiler = (cwd: string) =>
  runCommand(bin("relay-compiler"), ["--noWatchman", "--output", "quiet"], { cwd });

interface Artifacts {
  MyOrders: ConcreteRequest;
  MyOrdersList: ReaderFragment;
  OrderCard: ReaderFragment;
  OrderByNode: ConcreteRequest;
}

let project: string;
let artifacts: Artifacts;

beforeAll(async () => {
  project = storefrontProject();
  const compiled = await relayCompiler(project);
  expect(compiled.code, compiled.stdout + compiled.stderr).toBe(0);
  const load = async (name: string) =>
    ((await import(path.join(project, "src", "__generated__", `${name}.graphql.ts`))) as { default: never }).default;
  artifacts = {
    MyOrders: await load("StorefrontMyOrdersQuery"),
    MyOrdersList: await load("StorefrontMyOrders_query"),
    OrderCard: await load("StorefrontOrder_order"),
    OrderByNode: await load("StorefrontOrderByNodeQuery"),
  };
}, 180_000);
afterAll(() => {
  for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
});

describe("relay-compiler with the client kit's config", { timeout: 180_000 }, () => {
  it("compiles the storefront, and tsc types code against its artifacts with the kit's scalars", async () => {
    fs.writeFileSync(
      path.join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "ESNext",
          moduleResolution: "Bundler",
          strict: true,
          skipLibCheck: true,
          noEmit: true,
          types: [],
        },
        include: ["src"],
      }),
    );
    const typed = await runCommand(bin("tsc"), ["-p", "tsconfig.json"], { cwd: project });
    expect(typed.code, typed.stdout + typed.stderr).toBe(0);
    // The refetch query asks `node` by the global id, in the variable Relay's hooks fill in.
    const { identifierInfo, refetchableRequest } = getRefetchMetadata(artifacts.OrderCard, "test");
    expect(identifierInfo).toEqual({ identifierField: "nodeId", identifierQueryVariableName: "nodeId" });
    expect(refetchableRequest.params.text).toMatch(
      /query StorefrontOrderRefetchQuery\(\s*\$nodeId: ID!\s*\)\s*\{\s*node\(id: \$nodeId\)/,
    );
  });

  it("refuses @refetchable on Order without the kit's schemaConfig (Relay's default id field is `id`)", async () => {
    const { schemaConfig: _dropped, ...withoutIt } = readKitConfig();
    const bare = storefrontProject(withoutIt);
    const compiled = await relayCompiler(bare);
    expect(compiled.code).not.toBe(0);
    expect(compiled.stdout + compiled.stderr).toMatch(/Expected `Node` to contain a field named `id`/);
  });
});

describe.each(backends())("relay-runtime against the server on %s", (backend) => {
  let t: TestServer;
  let staff: { token: string };
  let customer: { id: string; token: string };
  const ORDERS = 25;

  beforeAll(async () => {
    t = await startTestServer(backend);
    staff = await t.user("staff@example.com", { staff: true });
    customer = await t.user("alice@example.com");
    const other = await t.user("bob@example.com");
    // Orders, items and payments numbered alike: order n, item n and payment n exist side by side
    // (the `id`s Relay would key its records by, left to its default). One order in five is Bob's;
    // two in five are not paid.
    for (let i = 0; i < ORDERS; i++) {
      const mine = i % 5 !== 4;
      const o = await t.order(
        {
          userId: mine ? customer.id : other.id,
          email: mine ? "alice@example.com" : "bob@example.com",
          items: [
            {
              productType: "p",
              productId: "tea",
              product: { name: "Tea", code: "T" },
              unitPrice: "10.00",
              quantity: 2,
            },
          ],
        },
        { token: staff.token },
      );
      if (i % 5 !== 1 && i % 5 !== 3) await pay(o.ref, `early-${i}`);
    }
  }, 180_000);
  afterAll(() => t?.close());

  async function pay(ref: string, transactionId: string) {
    const r = await t.ok(
      RecordOrderPaymentDocument,
      { ref, input: { amount: "20.00", transactionId, paymentMethod: "pay-in-advance" } },
      { token: staff.token },
    );
    expect(r.recordOrderPayment).toMatchObject({ isPaid: true });
  }

  /** A Relay environment for the customer, over HTTP, with the kit's getDataID (or Relay's default). */
  function environment(o: { kit: boolean }): Environment {
    const network = Network.create(async (params, variables) => {
      const res = await fetch(`${t.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${customer.token}` },
        body: JSON.stringify({ query: params.text, variables }),
      });
      return res.json();
    });
    const config: EnvironmentConfig = { network, store: new Store(new RecordSource()) };
    return new Environment(o.kit ? { ...config, getDataID } : config);
  }

  /** What relay-runtime and its normalizer print while `f` runs (fbjs' warning() writes to console.error). */
  async function warningsOf<T>(f: () => Promise<T>): Promise<{ value: T; warnings: string[] }> {
    const warnings: string[] = [];
    const capture = (...args: unknown[]) => void warnings.push(args.map(String).join(" "));
    const error = vi.spyOn(console, "error").mockImplementation(capture);
    const warn = vi.spyOn(console, "warn").mockImplementation(capture);
    try {
      return { value: await f(), warnings };
    } finally {
      error.mockRestore();
      warn.mockRestore();
    }
  }

  /**
   * Every record of the store that is one of the schema's objects holds fields of its own type only,
   * and a Node's record is keyed by its global id: what a store that mixed two objects under one key
   * would break.
   */
  function mixedRecords(env: Environment): string[] {
    const source = env.getStore().getSource();
    const problems: string[] = [];
    for (const dataID of source.getRecordIDs()) {
      const record = source.get(dataID) as Record<string, unknown> | null | undefined;
      if (!record || dataID === "client:root") continue;
      const typeName = String(record.__typename);
      const type = schema.getType(typeName);
      if (!isObjectType(type)) {
        problems.push(`${dataID}: ${typeName} is not an object type`);
        continue;
      }
      const fields = type.getFields();
      for (const key of Object.keys(record)) {
        if (key.startsWith("__")) continue; // __id, __typename, Relay's handles (a connection's)
        if (!fields[key.split("(")[0]]) problems.push(`${dataID} (${typeName}) holds ${key}`);
      }
      if (fields.nodeId && record.nodeId !== dataID)
        problems.push(`${dataID} (${typeName}) is not keyed by its nodeId`);
    }
    return problems;
  }

  const read = <T>(env: Environment, fragment: ReaderFragment, ref: unknown): T => {
    const selector = getSelector(fragment, ref);
    if (!selector || selector.kind !== "SingularReaderSelector") throw new Error("no selector");
    return env.lookup(selector).data as T;
  };
  type Card = {
    nodeId: string;
    id: string;
    ref: string;
    isPaid: boolean;
    amountPaid: string;
    amountOutstanding: string;
    items: { id: string; name: string }[];
    payments: { id: string; amount: string }[];
  };
  type Page = {
    orders: {
      edges: { node: { id: string; ref: string } & Record<string, unknown> }[];
      pageInfo: { endCursor: string | null; hasNextPage: boolean };
    };
  };
  const cardsOf = (env: Environment, page: Page) =>
    page.orders.edges.map((e) => read<Card>(env, artifacts.OrderCard, e.node));

  /** My orders as a component with usePaginationFragment shows them: the query's fragment, read from the store. */
  function shown(env: Environment, variables: Variables): Page {
    return read<Page>(
      env,
      artifacts.MyOrdersList,
      env.lookup(createOperationDescriptor(artifacts.MyOrders, variables).fragment).data,
    );
  }
  async function firstPage(env: Environment, variables: Variables): Promise<Page> {
    await fetchQuery(env, artifacts.MyOrders, variables).toPromise();
    return shown(env, variables);
  }

  it("loads a page of my orders with items and payments: no warning, every record of one type, keyed by nodeId", async () => {
    const env = environment({ kit: true });
    const { value: page, warnings } = await warningsOf(() => firstPage(env, { count: 10 }));
    expect(warnings).toEqual([]);
    expect(mixedRecords(env)).toEqual([]);
    const cards = cardsOf(env, page);
    expect(cards).toHaveLength(10);
    expect(cards.every((c) => c.items.length === 1)).toBe(true);
    expect(cards.some((c) => c.payments.length === 1) && cards.some((c) => c.payments.length === 0)).toBe(true);
    // The collisions the store survives: an order, an item and a payment with the same `id`.
    const ids = (type: "order" | "item" | "payment") =>
      new Set(
        cards.flatMap((c) => (type === "order" ? [c.id] : (type === "item" ? c.items : c.payments).map((x) => x.id))),
      );
    const collide = [...ids("order")].filter((id) => ids("item").has(id) && ids("payment").has(id));
    expect(collide.length).toBeGreaterThan(0);
  });

  it("without the kit's getDataID, Relay's default (`id`) mixes orders, items and payments in one record", async () => {
    const env = environment({ kit: false });
    const { warnings } = await warningsOf(() => firstPage(env, { count: 10 }));
    expect(warnings.join("\n")).toMatch(/Expected __typename to be consistent/);
    expect(mixedRecords(env).length).toBeGreaterThan(0);
  });

  it("pages on with the connection's cursor, the pages joined in the connection as usePaginationFragment does", async () => {
    const env = environment({ kit: true });
    const first = await firstPage(env, { count: 10 });
    expect(first.orders.pageInfo.hasNextPage).toBe(true);
    const { paginationRequest, paginationMetadata } = getPaginationMetadata(artifacts.MyOrdersList, "test");
    const variables = getPaginationVariables(
      "forward",
      10,
      first.orders.pageInfo.endCursor,
      {},
      {},
      paginationMetadata,
    );
    const { warnings } = await warningsOf(() => fetchQuery(env, paginationRequest, variables).toPromise());
    expect(warnings).toEqual([]);
    const joined = shown(env, { count: 10 });
    const refs = joined.orders.edges.map((e) => e.node.ref);
    expect(refs).toHaveLength(20);
    expect(new Set(refs).size).toBe(20);
    expect(refs.slice(0, 10)).toEqual(first.orders.edges.map((e) => e.node.ref));
    // newest first, as `orders` answers
    const direct = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${customer.token}` },
      body: JSON.stringify({ query: "{ orders(first: 20) { nodes { ref } } }" }),
    }).then((r) => r.json());
    expect(refs).toEqual(direct.data.orders.nodes.map((n: { ref: string }) => n.ref));
    expect(mixedRecords(env)).toEqual([]);
  });

  it("refetches one order through node after a payment and sees it paid, in the card and in the list", async () => {
    const env = environment({ kit: true });
    const page = await firstPage(env, { count: 10 });
    const unpaid = cardsOf(env, page).find((c) => !c.isPaid)!;
    expect(unpaid).toBeDefined();
    await pay(unpaid.ref, `late-${unpaid.ref}`);

    // What useRefetchableFragment does: the refetch query, the global id in the variable it names.
    const { refetchableRequest, identifierInfo } = getRefetchMetadata(artifacts.OrderCard, "test");
    const variables = {
      [identifierInfo!.identifierQueryVariableName]: unpaid[identifierInfo!.identifierField as "nodeId"],
    };
    const { warnings } = await warningsOf(() => fetchQuery(env, refetchableRequest, variables).toPromise());
    expect(warnings).toEqual([]);
    const card = read<Card>(env, artifacts.OrderCard, page.orders.edges.find((e) => e.node.ref === unpaid.ref)!.node);
    expect(card).toMatchObject({ ref: unpaid.ref, isPaid: true, amountPaid: "20.00", amountOutstanding: "0.00" });
    expect(card.payments).toHaveLength(1);
    const list = cardsOf(env, shown(env, { count: 10 }));
    expect(list.find((c) => c.ref === unpaid.ref)).toMatchObject({ isPaid: true });
    expect(mixedRecords(env)).toEqual([]);
  });

  it("reads the order card spread through node, by its global id", async () => {
    const env = environment({ kit: true });
    const page = await firstPage(env, { count: 1 });
    const [card] = cardsOf(env, page);
    await fetchQuery(env, artifacts.OrderByNode, { nodeId: card.nodeId }).toPromise();
    const data = env.lookup(createOperationDescriptor(artifacts.OrderByNode, { nodeId: card.nodeId }).fragment)
      .data as {
      node: { __typename: string; StorefrontOrder_order: unknown };
    };
    expect(data.node.__typename).toBe("Order");
    expect(read<Card>(env, artifacts.OrderCard, data.node.StorefrontOrder_order)).toEqual(card);
    expect(mixedRecords(env)).toEqual([]);
  });
});
