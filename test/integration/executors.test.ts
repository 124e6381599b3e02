/**
 * graphql-js and graphql-jit answer alike. The server runs queries and mutations with graphql-jit
 * (http/jit-executor.ts) and subscriptions with graphql-js; here every query and mutation of
 * test/operations runs through both, on two identical shops (each seeded by the same script), as
 * each kind of caller, with realistic variables and wrong ones, mutations in the same order on
 * both. The answers, data and errors (as formatError makes them) must be the same, but for what
 * is random or a moment in time (order tokens, secrets, URLs holding them, timestamps, cursors
 * holding timestamps, request ids).
 */
import { ApolloServer } from "@apollo/server";
import { getOperationAST, print, type DocumentNode } from "graphql";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as operations from "../generated/graphql.js";
import {
  AddOrderNoteDocument,
  AllOrdersCountDocument,
  AllOrdersDocument,
  AllOrdersFullDocument,
  BenchAllOrdersDocument,
  BenchFullOrdersDocument,
  BenchHistoryPageDocument,
  BenchMyOrdersDocument,
  BenchOrderDetailDocument,
  ChangeOrderStatusDocument,
  CreateOrderDocument,
  CreateWebhookDocument,
  DeleteWebhookDocument,
  LastOrderDocument,
  MeDocument,
  MyOrdersDocument,
  NodeDocument,
  NodesDocument,
  OrderNodeIdsDocument,
  OrderDetailDocument,
  OrderHistoryDocument,
  OrderPaymentMethodsDocument,
  OrderRefundsDocument,
  OrderStatusDocument,
  OrderTransitionsDocument,
  PageHistoriesDocument,
  PaymentMethodsDocument,
  PayOrderDocument,
  RecordOrderPaymentDocument,
  RedeliverWebhookDeliveryDocument,
  RefundOrderDocument,
  RefundOrderPaymentDocument,
  UpdateWebhookDocument,
  WebhookDeliveriesDocument,
  WebhookNodeIdsDocument,
  WebhooksDocument,
  ApproveReturnDocument,
  BenchFulfillmentPageDocument,
  CreateShipmentDocument,
  DeclineReturnDocument,
  MarkShipmentDeliveredDocument,
  OrderFulfillmentDocument,
  OrderReturnsDocument,
  PageFulfillmentDocument,
  ReceiveReturnDocument,
  RefundReturnDocument,
  RequestReturnDocument,
} from "../generated/graphql.js";
// order edits
import {
  BenchApproveReturnDocument,
  BenchCommitEditDocument,
  BenchDeclineReturnDocument,
  BenchMarkDeliveredDocument,
  BenchPreviewEditDocument,
  BenchReceiveReturnDocument,
  BenchRefundReturnDocument,
  PageReturnsDocument,
  CommitOrderEditDocument,
  EditedOrderDocument,
  PreviewOrderEditDocument,
} from "../generated/graphql.js";
import { backends, orderInput, startTestServer, type TestServer } from "../helpers/harness.js";
import { ANONYMOUS, type Viewer } from "../../src/auth/viewer.js";
import { RequestContext, type Context } from "../../src/context.js";
import { formatError } from "../../src/http/format-error.js";
import { jitGateway } from "../../src/http/jit-executor.js";
import { decodeGlobalId, encodeGlobalId } from "../../src/nodes/global-id.js";
import { orderReadsPlugin } from "../../src/http/plugins.js";
import { createSchema } from "../../src/schema.js";

type Caller = "staff" | "alice" | "bob" | "anonymous";
type Executor = "graphql-js" | "graphql-jit";

/** One shop: a server, its callers, and what its seed made (refs and ids are alike in both; tokens are not). */
interface World {
  t: TestServer;
  viewers: Record<Caller, Viewer>;
  tokens: Record<string, string>;
  webhookId: string;
}

const schema = createSchema();
/** Apollo as the server runs it (formatError, the plugin that narrows order reads), with either executor. */
function apolloWith(executor: Executor): ApolloServer<Context> {
  return new ApolloServer<Context>({
    ...(executor === "graphql-jit" ? { gateway: jitGateway(schema) } : { schema }),
    formatError: (f, e) => formatError(f, e),
    plugins: [orderReadsPlugin()],
  });
}
let apollo: Record<Executor, ApolloServer<Context>>;

/** What is random or a moment in time: the same placeholder in both answers. */
const VOLATILE = new Set([
  "token",
  "url",
  "secret",
  "requestId",
  "dateCreated",
  "dateUpdated",
  "refundedAt",
  "nextAttemptAt",
  "dateDelivered",
  "cursor",
  "startCursor",
  "endCursor",
]);
/** Webhook-ids are random (msg_ and 32 hex digits): the two shops' deliveries differ in them alone. */
const WEBHOOK_ID = /^msg_[0-9a-f]{32}$/;
/** A delivery's global id holds its webhook-id. */
const isDeliveryNodeId = (s: string) => {
  const decoded = decodeGlobalId(s);
  return decoded?.typeName === "WebhookDelivery" && WEBHOOK_ID.test(decoded.key);
};
function normalized(value: unknown): unknown {
  if (typeof value === "string" && WEBHOOK_ID.test(value)) return "<webhook-id>";
  if (typeof value === "string" && isDeliveryNodeId(value)) return "<delivery-node-id>";
  if (Array.isArray(value)) return value.map(normalized);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, VOLATILE.has(k) && v != null ? `<${k}>` : normalized(v)]),
    );
  }
  return value;
}

/** What a client gets: the status, the data and the errors (formatted as the server formats them). */
async function run(
  w: World,
  executor: Executor,
  doc: DocumentNode,
  variables: Record<string, unknown>,
  caller: Caller,
): Promise<unknown> {
  const r = await apollo[executor].executeOperation(
    { query: print(doc), variables },
    { contextValue: new RequestContext(w.t.server, w.viewers[caller]) },
  );
  if (r.body.kind !== "single") throw new Error("expected a single result");
  const { data, errors } = r.body.singleResult;
  return normalized({ status: r.http.status ?? 200, data, errors });
}

/** Seeds a shop; run on both, it makes the same rows in the same order. */
async function seed(t: TestServer): Promise<World> {
  await t.server.dispatcher.stop(); // deliveries stay pending: no attempt races the comparison
  const staff = await t.user("staff@example.com", { staff: true });
  const alice = await t.user("alice@example.com");
  const bob = await t.user("bob@example.com");
  const tokens: Record<string, string> = {};
  const create = async (over: Parameters<typeof orderInput>[0]) => {
    const r = await t.ok(CreateOrderDocument, { input: orderInput(over) }, { token: staff.token });
    if (r.createOrder.__typename !== "Order") throw new Error("refused");
    tokens[r.createOrder.ref] = r.createOrder.token;
    return r.createOrder.ref;
  };
  const hook = await t.ok(
    CreateWebhookDocument,
    { input: { url: "http://127.0.0.1:9/hook", description: "warehouse" } },
    { token: staff.token },
  );
  if (hook.createWebhook.__typename !== "WebhookCreated") throw new Error("refused");
  const refs = [
    await create({
      userId: alice.id,
      items: [
        { productType: "p", product: { name: "A", code: "A" }, unitPrice: "10.50", quantity: 2 },
        {
          productType: "p",
          product: { name: "B", code: "B" },
          unitPrice: "3.33",
          quantity: 1,
          extraRows: [{ label: "Gift", amount: "1.00" }],
        },
      ],
      extraRows: [{ label: "Discount", amount: "-2.00", modifier: "discount" }],
    }),
    await create({ email: "guest@example.com" }),
    await create({ userId: alice.id, status: "PROCESSING" }),
    await create({ userId: bob.id, status: "HOLD" }),
  ];
  for (const [ref, id] of [
    [refs[2], "p-1"],
    [refs[2], "p-2"],
  ]) {
    await t.ok(
      RecordOrderPaymentDocument,
      { ref, input: { amount: "10.00", transactionId: id, paymentMethod: "pay-in-advance" } },
      { token: staff.token },
    );
  }
  const paymentId = (await t.ok(OrderRefundsDocument, { ref: refs[2] }, { token: staff.token })).order!.payments[0].id;
  await t.ok(
    RefundOrderPaymentDocument,
    { ref: refs[2], input: { paymentId, amount: "2.50", reason: "damaged" } },
    { token: staff.token },
  );
  await t.ok(AddOrderNoteDocument, { ref: refs[0], message: "public", public: true }, { token: staff.token });
  await t.ok(AddOrderNoteDocument, { ref: refs[0], message: "private" }, { token: staff.token });
  const user = (u: { id: string; email: string }, isStaff: boolean): Viewer => ({
    kind: "user",
    user: { id: Number(u.id), email: u.email, isStaff },
  });
  return {
    t,
    viewers: { staff: user(staff, true), alice: user(alice, false), bob: user(bob, false), anonymous: ANONYMOUS },
    tokens,
    webhookId: hook.createWebhook.webhook.id,
  };
}

interface Case {
  doc: TypedDocumentNode<unknown, never>;
  /** Variables from the world (order tokens differ between the two). */
  variables: (w: World, refs: string[]) => Record<string, unknown>;
  callers: Caller[];
}
const c = <R, V>(
  doc: TypedDocumentNode<R, V>,
  variables: (w: World, refs: string[]) => Record<string, unknown>,
  callers: Caller[],
): Case => ({ doc: doc as TypedDocumentNode<unknown, never>, variables, callers });
const ALL: Caller[] = ["staff", "alice", "bob", "anonymous"];
const none = () => ({});
/** A global id of the seed's rows (alike in both shops). */
const gid = (type: string, id: number) => encodeGlobalId(type, String(id));

/** Queries, each as each caller given, with right and wrong variables. */
const QUERIES: Case[] = [
  c(OrderFulfillmentDocument, (_w, r) => ({ ref: r[0] }), ALL),
  c(OrderReturnsDocument, (_w, r) => ({ ref: r[0] }), ALL),
  c(PageFulfillmentDocument, () => ({ first: 3 }), ["staff", "alice"]),
  c(BenchFulfillmentPageDocument, () => ({ first: 3 }), ["staff"]),
  c(PageReturnsDocument, () => ({ first: 3 }), ["staff", "alice"]),
  c(MeDocument, none, ALL),
  c(OrderDetailDocument, (_w, r) => ({ ref: r[0] }), ALL),
  c(OrderDetailDocument, (w, r) => ({ ref: r[1], token: w.tokens[r[1]] }), ["anonymous", "alice"]),
  c(OrderDetailDocument, (_w, r) => ({ ref: r[1], token: "wrong" }), ["anonymous"]),
  c(OrderDetailDocument, () => ({ ref: null }), ["staff"]), // a variable that does not fit
  c(OrderTransitionsDocument, (_w, r) => ({ ref: r[0] }), ["staff", "alice"]),
  c(MyOrdersDocument, () => ({ first: 2 }), ["alice", "bob", "staff"]),
  c(MyOrdersDocument, (w, r) => ({ token: w.tokens[r[1]] }), ["anonymous"]),
  c(MyOrdersDocument, () => ({ first: "many" }), ["alice"]),
  c(LastOrderDocument, none, ALL),
  c(AllOrdersDocument, () => ({ first: 3, orderBy: "TOTAL_DESC" }), ["staff", "alice", "anonymous"]),
  c(AllOrdersDocument, () => ({ first: 2, filter: { status: ["HOLD", "PROCESSING"], isPaid: false } }), ["staff"]),
  c(AllOrdersDocument, () => ({ first: 101 }), ["staff"]),
  c(AllOrdersDocument, () => ({ after: "garbage" }), ["staff"]),
  c(AllOrdersCountDocument, () => ({ filter: { search: "guest@example.com" } }), ["staff"]),
  c(AllOrdersFullDocument, () => ({ first: 10 }), ["staff"]),
  c(OrderStatusDocument, (_w, r) => ({ ref: r[3] }), ["staff", "bob", "anonymous"]),
  c(OrderPaymentMethodsDocument, (w, r) => ({ ref: r[1], token: w.tokens[r[1]] }), ["anonymous"]),
  c(OrderPaymentMethodsDocument, (_w, r) => ({ ref: r[2] }), ["alice", "bob"]),
  c(PaymentMethodsDocument, none, ["anonymous"]),
  c(OrderHistoryDocument, (_w, r) => ({ ref: r[2], first: 3 }), ["staff", "alice", "bob"]),
  c(OrderHistoryDocument, (_w, r) => ({ ref: r[2], first: -1 }), ["staff"]),
  c(OrderRefundsDocument, (_w, r) => ({ ref: r[2] }), ["staff", "alice"]),
  c(PageHistoriesDocument, () => ({ first: 10, historyFirst: 3 }), ["staff", "alice"]),
  c(WebhooksDocument, none, ["staff", "alice", "anonymous"]),
  c(WebhookDeliveriesDocument, (w) => ({ id: w.webhookId, first: 5 }), ["staff"]),
  c(WebhookDeliveriesDocument, (w) => ({ id: w.webhookId, first: 2, status: "PENDING" }), ["staff"]),
  c(BenchOrderDetailDocument, (w, r) => ({ ref: r[1], token: w.tokens[r[1]] }), ["anonymous"]),
  c(BenchMyOrdersDocument, () => ({ first: 20 }), ["alice"]),
  c(BenchAllOrdersDocument, () => ({ first: 100 }), ["staff"]),
  c(BenchFullOrdersDocument, () => ({ first: 100 }), ["staff"]),
  c(BenchHistoryPageDocument, () => ({ first: 100 }), ["staff"]),
  c(NodeDocument, () => ({ id: gid("Order", 1) }), ALL),
  c(NodeDocument, () => ({ id: gid("OrderItem", 2) }), ["staff", "alice", "bob"]),
  c(NodeDocument, () => ({ id: gid("OrderPayment", 1) }), ["staff", "alice"]),
  c(NodeDocument, () => ({ id: gid("OrderRefund", 1) }), ["staff", "alice"]),
  c(NodeDocument, () => ({ id: gid("Webhook", 1) }), ["staff", "alice"]),
  c(NodeDocument, () => ({ id: "17" }), ["staff"]),
  c(
    NodesDocument,
    () => ({
      ids: [
        ...["Order", "OrderItem", "OrderPayment", "OrderRefund", "Webhook"].map((type) => gid(type, 1)),
        ...Array.from({ length: 12 }, (_, i) => gid("OrderEvent", i + 1)),
        gid("Order", 999),
      ],
    }),
    ALL,
  ),
  c(NodesDocument, () => ({ ids: [gid("Order", 1), "garbage"] }), ["staff"]),
  c(NodesDocument, () => ({ ids: Array.from({ length: 101 }, () => gid("Order", 1)) }), ["staff"]),
  c(OrderNodeIdsDocument, (_w, r) => ({ ref: r[2] }), ["staff", "alice"]),
  c(WebhookNodeIdsDocument, (w) => ({ id: w.webhookId }), ["staff"]),
  // order edits (the seed's items: 1 and 2 on refs[0], then 3, 4, 5 on refs[1], refs[2], refs[3])
  c(
    PreviewOrderEditDocument,
    (_w, r) => ({
      ref: r[3],
      changes: { changeItems: [{ itemId: "5", quantity: 3 }], extraRows: [{ label: "Shipping", amount: "4.90" }] },
    }),
    ["staff", "alice", "anonymous"],
  ),
  c(PreviewOrderEditDocument, (_w, r) => ({ ref: r[2], changes: { removeItems: ["4"] } }), ["staff"]),
  c(
    PreviewOrderEditDocument,
    (_w, r) => ({ ref: r[2], changes: { changeItems: [{ itemId: "4", unitPrice: "1.00" }] } }),
    ["staff"],
  ),
  c(BenchPreviewEditDocument, (_w, r) => ({ ref: r[3], changes: { changeItems: [{ itemId: "5", quantity: 2 }] } }), [
    "staff",
  ]),
  c(EditedOrderDocument, (_w, r) => ({ ref: r[2] }), ["staff", "alice", "bob"]),
];

/** Mutations, run once each, in this order, on both shops. */
const MUTATIONS: Case[] = [
  c(
    CreateShipmentDocument,
    (_w, r) => ({
      ref: r[3],
      input: { lines: [{ itemId: "999999", quantity: 1 }], carrier: "DHL", trackingNumber: "1" },
    }),
    ["staff", "alice"],
  ),
  c(MarkShipmentDeliveredDocument, (_w, r) => ({ ref: r[0], shipmentId: "999999" }), ["staff"]),
  c(BenchMarkDeliveredDocument, (_w, r) => ({ ref: r[0], shipmentId: "999999" }), ["staff", "alice"]),
  c(BenchApproveReturnDocument, (_w, r) => ({ ref: r[0], returnId: "999999", note: "ok" }), ["staff"]),
  c(BenchDeclineReturnDocument, (_w, r) => ({ ref: r[0], returnId: "999999", reason: "no" }), ["staff", "bob"]),
  c(
    BenchReceiveReturnDocument,
    (_w, r) => ({ ref: r[0], returnId: "999999", input: { lines: [{ itemId: "1", restock: true }] } }),
    ["staff"],
  ),
  c(BenchRefundReturnDocument, (_w, r) => ({ ref: r[0], returnId: "999999" }), ["staff", "anonymous"]),
  c(
    RequestReturnDocument,
    (_w, r) => ({ ref: r[0], input: { lines: [{ itemId: "999999", quantity: 1 }], reason: "x" } }),
    ["staff", "anonymous"],
  ),
  c(ApproveReturnDocument, (_w, r) => ({ ref: r[0], returnId: "999999" }), ["staff"]),
  c(DeclineReturnDocument, (_w, r) => ({ ref: r[0], returnId: "999999", reason: "no" }), ["staff"]),
  c(
    ReceiveReturnDocument,
    (_w, r) => ({ ref: r[0], returnId: "999999", input: { lines: [{ itemId: "1", restock: true }] } }),
    ["staff"],
  ),
  c(RefundReturnDocument, (_w, r) => ({ ref: r[0], returnId: "x" }), ["staff"]),
  c(CreateOrderDocument, () => ({ input: orderInput({ email: "new@example.com" }) }), ["staff"]),
  c(CreateOrderDocument, () => ({ input: orderInput({ items: [] }) }), ["staff"]),
  c(CreateOrderDocument, () => ({ input: orderInput() }), ["alice"]),
  c(ChangeOrderStatusDocument, (_w, r) => ({ ref: r[3], status: "PROCESSING" }), ["staff"]),
  c(ChangeOrderStatusDocument, (_w, r) => ({ ref: r[0], status: "SHIPPED" }), ["staff"]),
  c(ChangeOrderStatusDocument, () => ({ ref: "1999-00000", status: "HOLD" }), ["staff"]),
  c(ChangeOrderStatusDocument, () => ({ ref: "1999-00000", status: "NOPE" }), ["staff"]),
  c(PayOrderDocument, (w, r) => ({ ref: r[1], token: w.tokens[r[1]], paymentMethod: "pay-in-advance" }), ["anonymous"]),
  c(PayOrderDocument, (_w, r) => ({ ref: r[0], paymentMethod: "bitcoin" }), ["alice"]),
  c(PayOrderDocument, (_w, r) => ({ ref: r[0], paymentMethod: "dummy" }), ["bob"]),
  c(
    RecordOrderPaymentDocument,
    (_w, r) => ({ ref: r[0], input: { amount: "5.00", transactionId: "x-1", paymentMethod: "cash" } }),
    ["staff"],
  ),
  c(
    RecordOrderPaymentDocument,
    (_w, r) => ({ ref: r[0], input: { amount: "5.00", transactionId: "x-1", paymentMethod: "cash" } }),
    ["staff"],
  ),
  c(
    RecordOrderPaymentDocument,
    (_w, r) => ({ ref: r[0], input: { amount: "ten", transactionId: "x-2", paymentMethod: "cash" } }),
    ["staff"],
  ),
  c(AddOrderNoteDocument, (_w, r) => ({ ref: r[1], message: "Left at the door", public: true }), ["staff"]),
  c(AddOrderNoteDocument, (_w, r) => ({ ref: r[1], message: "  " }), ["staff"]),
  c(RefundOrderPaymentDocument, (_w, r) => ({ ref: r[2], input: { paymentId: "999999", amount: "1.00" } }), ["staff"]),
  c(RefundOrderPaymentDocument, (_w, r) => ({ ref: r[2], input: { paymentId: "3", amount: "100.00" } }), ["staff"]),
  c(RefundOrderDocument, (_w, r) => ({ ref: r[2] }), ["staff"]),
  c(RefundOrderDocument, (_w, r) => ({ ref: r[2] }), ["staff", "alice"]),
  c(UpdateWebhookDocument, (w) => ({ id: w.webhookId, input: { description: "shipping", events: ["NOTE_ADDED"] } }), [
    "staff",
  ]),
  c(UpdateWebhookDocument, (w) => ({ id: w.webhookId, input: { url: "ftp://x" } }), ["staff"]),
  c(RedeliverWebhookDeliveryDocument, () => ({ id: "1" }), ["staff"]),
  c(CreateWebhookDocument, () => ({ input: { url: "not a url" } }), ["staff"]),
  c(DeleteWebhookDocument, (w) => ({ id: w.webhookId }), ["staff", "bob"]),
  // order edits: a commit, the same again (the order changed), a status past editing, a bad total
  ...[0, 1].map(() =>
    c(
      CommitOrderEditDocument,
      (_w, r) => ({
        ref: r[3],
        input: {
          changes: { changeItems: [{ itemId: "5", quantity: 2 }] },
          expectedTotal: "66.00",
          expectedVersion: 0,
          overpayment: "KEEP",
        },
      }),
      ["staff", "bob"],
    ),
  ),
  c(
    CommitOrderEditDocument,
    (_w, r) => ({
      ref: r[0],
      input: { changes: { removeItems: ["2"] }, expectedTotal: "1.00", overpayment: "REFUND" },
    }),
    ["staff"],
  ),
  c(
    CommitOrderEditDocument,
    (_w, r) => ({ ref: r[1], input: { changes: { removeItems: ["3"] }, expectedTotal: "x", overpayment: "KEEP" } }),
    ["staff"],
  ),
  c(
    BenchCommitEditDocument,
    (_w, r) => ({
      ref: r[1],
      input: {
        changes: {
          addItems: [{ productType: "p", product: { name: "C", code: "C" }, unitPrice: "1.00", quantity: 1 }],
        },
        expectedTotal: "34.00",
        overpayment: "KEEP",
      },
    }),
    ["staff"],
  ),
];

describe.each(backends())("graphql-js and graphql-jit answer alike on %s", (backend) => {
  let a: World;
  let b: World;
  let refs: string[];
  const env = { WEBHOOK_ALLOW_PRIVATE: "on" };

  beforeAll(async () => {
    apollo = { "graphql-js": apolloWith("graphql-js"), "graphql-jit": apolloWith("graphql-jit") };
    await apollo["graphql-js"].start();
    await apollo["graphql-jit"].start();
    a = await seed(await startTestServer(backend, { env }));
    b = await seed(await startTestServer(backend, { env }));
    refs = Object.keys(a.tokens);
    expect(Object.keys(b.tokens)).toEqual(refs);
  });
  afterAll(async () => {
    await a?.t.close();
    await b?.t.close();
    await apollo["graphql-js"].stop();
    await apollo["graphql-jit"].stop();
  });

  it("every query and mutation of test/operations is compared here", () => {
    const compared = new Set([...QUERIES, ...MUTATIONS].map((x) => getOperationAST(x.doc)?.name?.value));
    const all = Object.values(operations)
      .map((d) => (d && typeof d === "object" && "kind" in d ? getOperationAST(d as DocumentNode) : null))
      .filter((op) => op && op.operation !== "subscription")
      .map((op) => op!.name!.value);
    expect(all.filter((name) => !compared.has(name))).toEqual([]);
  });

  it("queries: the same answers, errors included, for every caller", async () => {
    for (const q of QUERIES) {
      for (const caller of q.callers) {
        const name = `${getOperationAST(q.doc)?.name?.value} as ${caller} ${JSON.stringify(q.variables(a, refs))}`;
        const js = await run(a, "graphql-js", q.doc, q.variables(a, refs), caller);
        const compiled = await run(b, "graphql-jit", q.doc, q.variables(b, refs), caller);
        expect(compiled, name).toEqual(js);
      }
    }
  });

  it("mutations: the same answers and the same shop afterwards", async () => {
    for (const m of MUTATIONS) {
      for (const caller of m.callers) {
        const name = `${getOperationAST(m.doc)?.name?.value} as ${caller} ${JSON.stringify(m.variables(a, refs))}`;
        const js = await run(a, "graphql-js", m.doc, m.variables(a, refs), caller);
        const compiled = await run(b, "graphql-jit", m.doc, m.variables(b, refs), caller);
        expect(compiled, name).toEqual(js);
      }
    }
    const shop = (w: World, executor: Executor) => run(w, executor, AllOrdersFullDocument, { first: 100 }, "staff");
    expect(await shop(b, "graphql-jit")).toEqual(await shop(a, "graphql-js"));
  });
});
