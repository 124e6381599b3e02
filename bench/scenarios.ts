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
    graphql: (i, f) => ({
      doc: ChangeOrderStatusDocument,
      variables: { ref: f.mutable[i % 200], status: Math.floor(i / 200) % 2 === 0 ? "HOLD" : "CREATED" },
      token: f.staffToken,
    }),
  },
  {
    name: "pay-dummy",
    read: false,
    graphql: (i, f) => ({
      doc: PayOrderDocument,
      variables: { ...f.payable[i % f.payable.length], paymentMethod: "dummy" },
    }),
  },
  {
    name: "refund-part",
    read: false,
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
];
