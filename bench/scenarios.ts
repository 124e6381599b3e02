/**
 * The bench's scenarios: what each sends to the project (GraphQL documents of
 * test/operations/bench.graphql and the mutations) and, for reads, to the floor. Peers (bench/peers/)
 * map the same scenario names to their own requests.
 */
import type { DocumentNode } from "graphql";
import {
  BenchAllOrdersDocument,
  BenchFullOrdersDocument,
  BenchHistoryPageDocument,
  BenchMyOrdersDocument,
  BenchOrderDetailDocument,
  BenchFulfillmentPageDocument,
  CreateShipmentDocument,
  RequestReturnDocument,
  ChangeOrderStatusDocument,
  OrderStatusDocument,
  PayOrderDocument,
  RecordOrderPaymentDocument,
  RefundOrderPaymentDocument,
} from "../test/generated/graphql.js";
// order edits
import { BenchCommitEditDocument, BenchPreviewEditDocument } from "../test/generated/graphql.js";
// the steps of shipments and returns
import {
  BenchApproveReturnDocument,
  BenchDeclineReturnDocument,
  BenchMarkDeliveredDocument,
  BenchReceiveReturnDocument,
  BenchRefundReturnDocument,
} from "../test/generated/graphql.js";
import { Money } from "../src/shared/money.js";

/** What the scenarios ask for: tokens, refs and payments of the seeded shop (bench.ts: prepare). */
export interface Fixtures {
  staffToken: string;
  customerToken: string;
  /** The user customerToken belongs to. */
  customerId: number;
  guests: { ref: string; token: string }[];
  statusRefs: string[];
  /** The oldest orders: what the mutation scenarios change, away from the pages the reads fetch. */
  mutable: string[];
  payable: { ref: string; token: string }[];
  /** Orders whose first line holds a million units, to ship one at a time. */
  shippable: { ref: string; token: string; itemId: string }[];
  /** The same, all shipped, to ask back one unit at a time (as the order's guest). */
  returnable: { ref: string; token: string; itemId: string }[];
  /** Card payments of the oldest orders, to refund a cent of at a time. */
  refundable: { ref: string; paymentId: string }[];
  /** Orders in statuses that may be edited, away from the others, with their first line as it was. */
  editable: { ref: string; itemId: string; unitPrice: string; quantity: number; total: string }[];
  /**
   * The steps of shipments and returns (bench.ts: stepPools), each a pool of things to act on once,
   * set up afresh by every run: shipments not delivered yet; returns REQUESTED (to approve, and
   * others to decline), APPROVED (to receive) and RECEIVED (to refund, a unit worth 1.00 of a
   * credit-card payment each).
   */
  deliverable: { ref: string; id: string }[];
  approvable: { ref: string; id: string; itemId: string }[];
  declinable: { ref: string; id: string; itemId: string }[];
  receivable: { ref: string; id: string; itemId: string }[];
  refundableReturns: { ref: string; id: string; itemId: string }[];
  page500?: string;
  page500Floor?: { date: string; id: number };
}

export interface Scenario {
  name: string;
  read: boolean;
  /** GraphQL request bodies, taken in turn. */
  graphql: (i: number, f: Fixtures) => { doc: DocumentNode; variables: Record<string, unknown>; token?: string };
  /** The floor's equivalent: path and body. */
  floor?: (i: number, f: Fixtures) => { path: string; body: unknown; token?: string };
  /** Whether the seeded shop has what the scenario needs (a smaller shop may not); by default yes. */
  available?: (f: Fixtures) => boolean;
  /**
   * Whether an answer is a refusal, counted as a failure like an answer with errors: every write
   * scenario's document asks for its result's __typename, and a refusal's ends in "Error".
   */
  refused?: (body: string) => boolean;
}

const REFUSAL = /"__typename":"\w*Error"/;
const refusal = (body: string) => REFUSAL.test(body);

/**
 * The next of a pool's things, each taken once for the whole bench process (every round and every
 * server process of the run goes on where the last left off: a return approved stays approved).
 * Past the pool's end, an id no order has, which is refused, and so counted as a failure.
 */
const taken = new Map<string, number>();
function take<T extends { ref: string; id: string }>(name: string, pool: T[]): T {
  const n = taken.get(name) ?? 0;
  taken.set(name, n + 1);
  return n < pool.length ? pool[n] : { ...pool[n % pool.length], id: "0" };
}

let txn = 0;
export const SCENARIOS: Scenario[] = [
  {
    name: "guest-detail",
    read: true,
    graphql: (i, f) => ({ doc: BenchOrderDetailDocument, variables: f.guests[i % f.guests.length] }),
    floor: (i, f) => ({ path: "/detail", body: f.guests[i % f.guests.length] }),
  },
  {
    name: "my-orders-20",
    read: true,
    graphql: (_i, f) => ({ doc: BenchMyOrdersDocument, variables: { first: 20 }, token: f.customerToken }),
    floor: (_i, f) => ({ path: "/mine", body: {}, token: f.customerToken }),
  },
  {
    name: "staff-page-100",
    read: true,
    graphql: (_i, f) => ({ doc: BenchAllOrdersDocument, variables: { first: 100 }, token: f.staffToken }),
    floor: (_i, f) => ({ path: "/all", body: { first: 100 }, token: f.staffToken }),
  },
  {
    name: "staff-filtered-100",
    read: true,
    graphql: (_i, f) => ({
      doc: BenchAllOrdersDocument,
      variables: { first: 100, filter: { isPaid: false, status: ["CREATED", "HOLD"] } },
      token: f.staffToken,
    }),
    floor: (_i, f) => ({
      path: "/all",
      body: { first: 100, isPaid: false, status: ["CREATED", "HOLD"] },
      token: f.staffToken,
    }),
  },
  {
    name: "staff-page-500",
    read: true,
    graphql: (_i, f) => ({
      doc: BenchAllOrdersDocument,
      variables: { first: 100, after: f.page500 },
      token: f.staffToken,
    }),
    floor: (_i, f) => ({ path: "/all", body: { first: 100, after: f.page500Floor }, token: f.staffToken }),
  },
  {
    // Every field of the REST ancestor's order serializer, with items, payments and notes: the page
    // django-salesman serves at 12.8/s and 121 ms of CPU on this kind of machine.
    name: "staff-full-100",
    read: true,
    graphql: (_i, f) => ({ doc: BenchFullOrdersDocument, variables: { first: 100 }, token: f.staffToken }),
    floor: (_i, f) => ({ path: "/full", body: { first: 100 }, token: f.staffToken }),
  },
  {
    name: "staff-history-100",
    read: true,
    graphql: (_i, f) => ({ doc: BenchHistoryPageDocument, variables: { first: 100 }, token: f.staffToken }),
    floor: (_i, f) => ({ path: "/history", body: { first: 100 }, token: f.staffToken }),
  },
  {
    name: "staff-fulfillment-100",
    read: true,
    graphql: (_i, f) => ({ doc: BenchFulfillmentPageDocument, variables: { first: 100 }, token: f.staffToken }),
  },
  {
    name: "staff-status",
    read: true,
    graphql: (i, f) => ({
      doc: OrderStatusDocument,
      variables: { ref: f.statusRefs[i % f.statusRefs.length] },
      token: f.staffToken,
    }),
    floor: (i, f) => ({ path: "/status", body: { ref: f.statusRefs[i % f.statusRefs.length] }, token: f.staffToken }),
  },
  {
    name: "change-status",
    read: false,
    refused: refusal,
    graphql: (i, f) => ({
      doc: ChangeOrderStatusDocument,
      variables: { ref: f.mutable[i % 200], status: Math.floor(i / 200) % 2 === 0 ? "HOLD" : "CREATED" },
      token: f.staffToken,
    }),
  },
  {
    name: "pay-dummy",
    read: false,
    refused: refusal,
    graphql: (i, f) => ({
      doc: PayOrderDocument,
      variables: { ...f.payable[i % f.payable.length], paymentMethod: "dummy" },
    }),
  },
  {
    name: "refund-part",
    read: false,
    refused: refusal,
    graphql: (i, f) => {
      const p = f.refundable[i % f.refundable.length];
      return {
        doc: RefundOrderPaymentDocument,
        variables: { ref: p.ref, input: { paymentId: p.paymentId, amount: "0.01" } },
        token: f.staffToken,
      };
    },
  },
  {
    // order edits: a preview of one more of a line, and commits that raise a line's price by a cent
    // and put it back, round after round (each order's total known from the round).
    name: "preview-edit",
    read: false,
    refused: refusal,
    graphql: (i, f) => {
      const e = f.editable[i % f.editable.length];
      return {
        doc: BenchPreviewEditDocument,
        variables: { ref: e.ref, changes: { changeItems: [{ itemId: e.itemId, quantity: e.quantity + 1 }] } },
        token: f.staffToken,
      };
    },
  },
  {
    name: "commit-edit",
    read: false,
    refused: refusal,
    graphql: (i, f) => {
      const e = f.editable[i % f.editable.length];
      const up = Math.floor(i / f.editable.length) % 2 === 0;
      const cent = new Money("0.01");
      return {
        doc: BenchCommitEditDocument,
        variables: {
          ref: e.ref,
          input: {
            changes: {
              changeItems: [
                { itemId: e.itemId, unitPrice: (up ? cent.plus(e.unitPrice) : new Money(e.unitPrice)).toFixed(2) },
              ],
            },
            expectedTotal: (up ? cent.times(e.quantity).plus(e.total) : new Money(e.total)).toFixed(2),
            overpayment: "KEEP",
          },
        },
        token: f.staffToken,
      };
    },
  },
  {
    name: "record-payment",
    read: false,
    refused: refusal,
    graphql: (i, f) => ({
      doc: RecordOrderPaymentDocument,
      variables: {
        ref: f.mutable[200 + (i % 300)],
        input: { amount: "0.01", transactionId: `run-${process.pid}-${++txn}`, paymentMethod: "cash" },
      },
      token: f.staffToken,
    }),
  },
  {
    name: "ship-unit",
    read: false,
    refused: refusal,
    graphql: (i, f) => {
      const o = f.shippable[i % f.shippable.length];
      return {
        doc: CreateShipmentDocument,
        variables: {
          ref: o.ref,
          input: { lines: [{ itemId: o.itemId, quantity: 1 }], carrier: "DHL", trackingNumber: `run-${i}` },
        },
        token: f.staffToken,
      };
    },
  },
  {
    name: "request-return",
    read: false,
    refused: refusal,
    graphql: (i, f) => {
      const o = f.returnable[i % f.returnable.length];
      return {
        doc: RequestReturnDocument,
        variables: {
          ref: o.ref,
          token: o.token,
          input: { lines: [{ itemId: o.itemId, quantity: 1 }], reason: "Bench" },
        },
      };
    },
  },
  // The steps of shipments and returns: each request acts on a thing of its own pool (bench.ts: stepPools).
  {
    name: "deliver-shipment",
    read: false,
    refused: refusal,
    available: (f) => f.deliverable.length > 0,
    graphql: (_i, f) => {
      const s = take("deliver-shipment", f.deliverable);
      return { doc: BenchMarkDeliveredDocument, variables: { ref: s.ref, shipmentId: s.id }, token: f.staffToken };
    },
  },
  {
    name: "approve-return",
    read: false,
    refused: refusal,
    available: (f) => f.approvable.length > 0,
    graphql: (_i, f) => {
      const r = take("approve-return", f.approvable);
      return {
        doc: BenchApproveReturnDocument,
        variables: { ref: r.ref, returnId: r.id, note: "Bench" },
        token: f.staffToken,
      };
    },
  },
  {
    name: "decline-return",
    read: false,
    refused: refusal,
    available: (f) => f.declinable.length > 0,
    graphql: (_i, f) => {
      const r = take("decline-return", f.declinable);
      return {
        doc: BenchDeclineReturnDocument,
        variables: { ref: r.ref, returnId: r.id, reason: "Opened packs" },
        token: f.staffToken,
      };
    },
  },
  {
    name: "receive-return",
    read: false,
    refused: refusal,
    available: (f) => f.receivable.length > 0,
    graphql: (_i, f) => {
      const r = take("receive-return", f.receivable);
      return {
        doc: BenchReceiveReturnDocument,
        variables: { ref: r.ref, returnId: r.id, input: { lines: [{ itemId: r.itemId, restock: true }] } },
        token: f.staffToken,
      };
    },
  },
  {
    name: "refund-return",
    read: false,
    refused: refusal,
    available: (f) => f.refundableReturns.length > 0,
    graphql: (_i, f) => {
      const r = take("refund-return", f.refundableReturns);
      return { doc: BenchRefundReturnDocument, variables: { ref: r.ref, returnId: r.id }, token: f.staffToken };
    },
  },
];
