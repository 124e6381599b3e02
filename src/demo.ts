/**
 * Demo data: a staff user, two customers and a few dozen orders in varied statuses with items,
 * payments and notes, shipments (some in part) and returns (some refunded), and two edited orders,
 * created once through the same services the API uses.
 */
import { randomUUID } from "node:crypto";
import type { Viewer } from "./auth/viewer.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import type { OrderService } from "./orders/order.service.js";
import type { PaymentService } from "./payments/payment.service.js";
import type { RefundService } from "./payments/refund.service.js";
import type { ReturnService } from "./returns/return.service.js";
import type { ShipmentService } from "./shipments/shipment.service.js";
import type { OrderStatus } from "./orders/status.js";
import { createUser, findUserByEmail, issueApiToken } from "./users/user.repository.js";
// order edits
import type { EditService } from "./edits/edit.service.js";
import type { EditChanges, OverpaymentChoice } from "./edits/edit.model.js";

export const DEMO_STAFF = "staff@demo.example";
export const DEMO_CUSTOMERS = ["alice@demo.example", "bob@demo.example"];

const PRODUCTS = [
  { name: "Espresso beans 1 kg", code: "BEAN-1K", price: "24.90" },
  { name: "Pour-over kettle", code: "KETTLE", price: "59.00" },
  { name: "Paper filters (100)", code: "FILTER-100", price: "4.95" },
  { name: "Ceramic mug", code: "MUG", price: "12.50" },
  { name: "Hand grinder", code: "GRIND-H", price: "89.99" },
  { name: "Tasting notes booklet", code: "BOOK", price: "7.35" },
];

/** Paths through the default transition table, each ending in the status the demo order shows. */
const PATHS: OrderStatus[][] = [
  [],
  ["HOLD"],
  ["PROCESSING"],
  ["PROCESSING", "SHIPPED"],
  ["PROCESSING", "SHIPPED", "COMPLETED"],
  ["CANCELLED"],
  ["FAILED"],
  ["PROCESSING", "COMPLETED"],
];

export interface DemoTokens {
  staff: string;
  customers: Record<string, string>;
}

/** Creates the demo data unless it exists, and issues fresh tokens for the demo users. */
export async function ensureDemoData(
  prisma: PrismaClient,
  {
    orders,
    payments,
    refunds,
    shipments,
    returns,
    edits,
  }: {
    orders: OrderService;
    payments: PaymentService;
    refunds: RefundService;
    shipments: ShipmentService;
    returns: ReturnService;
    edits: EditService;
  },
): Promise<{ created: boolean; tokens: DemoTokens }> {
  let staff = await findUserByEmail(prisma, DEMO_STAFF);
  const created = !staff;
  if (!staff) {
    staff = await createUser(prisma, DEMO_STAFF, true);
    const customers = await Promise.all(DEMO_CUSTOMERS.map((e) => createUser(prisma, e, false)));
    const viewer: Viewer = { kind: "user", user: staff };
    for (let i = 0; i < 36; i++) {
      const owner = i % 3 === 2 ? null : customers[i % 2];
      const items = Array.from({ length: 1 + (i % 3) }, (_, k) => {
        const p = PRODUCTS[(i + k * 2) % PRODUCTS.length];
        return {
          productType: "shop.Product",
          productId: p.code,
          product: { name: p.name, code: p.code },
          unitPrice: p.price,
          quantity: 1 + ((i + k) % 3),
          extraRows: k === 0 && i % 4 === 0 ? [{ label: "Gift wrap", amount: "2.50", modifier: "gift-wrap" }] : [],
        };
      });
      const order = await orders.create(viewer, {
        email: owner?.email ?? `guest${i}@demo.example`,
        billingAddress: `${10 + i} Roast Street\nBean Town`,
        shippingAddress: `${10 + i} Roast Street\nBean Town`,
        userId: owner ? String(owner.id) : null,
        items,
        extraRows: i % 5 === 0 ? [{ label: "Discount 10%", amount: "-3.00", modifier: "discount" }] : [],
        extra: i % 7 === 0 ? { giftMessage: "Happy birthday!" } : {},
      });
      if (!("ref" in order)) throw new Error(`demo order refused: ${order.message}`);
      const path = PATHS[i % PATHS.length];
      if (path[0] === "PROCESSING") {
        await payments.recordPayment(viewer, order.ref, {
          amount: order.total.toFixed(2),
          transactionId: `demo-${randomUUID()}`,
          paymentMethod: "credit-card",
        });
      }
      for (const status of path) {
        if (status !== "SHIPPED") await orders.changeStatus(viewer, order.ref, status);
        else await shipEverything(prisma, shipments, viewer, order, i);
      }
      if (path.length === 1 && path[0] === "PROCESSING" && i % 3 !== 0) {
        // shipped in part: the first unit of the first line
        const first = await prisma.orderItem.findFirstOrThrow({ where: { orderId: order.id }, orderBy: { id: "asc" } });
        await shipments.create(viewer, order.ref, {
          lines: [{ itemId: String(first.id), quantity: 1 }],
          carrier: "DHL",
          trackingNumber: `JD01460000${i}`,
          trackingUrl: `https://track.example/JD01460000${i}`,
        });
      }
      if (path.includes("SHIPPED")) await returnSome(prisma, returns, viewer, order, i);
      if (i % 4 === 1) await orders.addNote(viewer, order.ref, "Customer asked for delivery after 5 pm.", true);
      if (i % 6 === 3) await orders.addNote(viewer, order.ref, "Checked stock by hand.", false);
      // order edits: one order owes for a line added after it was paid, another was refunded a line it no longer has
      if (i === 2 || i === 10) {
        const lines = await prisma.orderItem.findMany({ where: { orderId: order.id }, orderBy: { id: "asc" } });
        const filters = PRODUCTS[2];
        const [changes, overpayment]: [EditChanges, OverpaymentChoice] =
          i === 2
            ? [
                {
                  addItems: [
                    {
                      productType: "shop.Product",
                      productId: filters.code,
                      product: { name: filters.name, code: filters.code },
                      unitPrice: filters.price,
                      quantity: 1,
                    },
                  ],
                },
                "KEEP",
              ]
            : [{ changeItems: [{ itemId: String(lines.at(-1)!.id), quantity: 1 }] }, "REFUND"];
        const preview = await edits.preview(order.ref, changes);
        if (!("after" in preview)) throw new Error(`demo edit refused: ${preview.message}`);
        const done = await edits.commit(viewer, order.ref, {
          changes,
          expectedTotal: preview.after.total.toFixed(2),
          expectedVersion: preview.editVersion,
          overpayment,
        });
        if (!("edit" in done)) throw new Error(`demo edit refused: ${done.message}`);
      }
      if (path.at(-1) === "COMPLETED" && i % 3 === 0) {
        // a part of the payment given back for a damaged item
        const payment = await prisma.orderPayment.findFirstOrThrow({
          where: { orderId: order.id },
          select: { id: true },
        });
        await refunds.refundPayment(viewer, order.ref, {
          paymentId: String(payment.id),
          amount: "5.00",
          reason: "Mug arrived chipped.",
        });
      }
    }
  }
  const tokens: DemoTokens = { staff: await issueApiToken(prisma, staff.id), customers: {} };
  for (const email of DEMO_CUSTOMERS) {
    const c = await findUserByEmail(prisma, email);
    if (c) tokens.customers[email] = await issueApiToken(prisma, c.id);
  }
  return { created, tokens };
}

/** Ships every unit of the order, in one shipment (or two, for every other order). */
async function shipEverything(
  prisma: PrismaClient,
  shipments: ShipmentService,
  viewer: Viewer,
  order: { id: number; ref: string },
  i: number,
): Promise<void> {
  const ref = order.ref;
  const items = await prisma.orderItem.findMany({ where: { orderId: order.id }, orderBy: { id: "asc" } });
  const halves = i % 2 === 0 ? [items] : [items.slice(0, 1), items.slice(1)].filter((h) => h.length);
  for (const [k, half] of halves.entries()) {
    const r = await shipments.create(viewer, ref, {
      lines: half.map((it) => ({ itemId: String(it.id), quantity: it.quantity })),
      carrier: k === 0 ? "DHL" : "UPS",
      trackingNumber: `DEMO${i}${k}`,
      trackingUrl: `https://track.example/DEMO${i}${k}`,
    });
    if (!("id" in r)) throw new Error(`demo shipment refused: ${r.message}`);
    if (i % 3 === 0) await shipments.markDelivered(viewer, ref, String(r.id));
  }
}

/**
 * Some shipped orders have a return: asked for by staff for the customer, then approved, received and
 * refunded (one in two), declined (one in four), or left waiting for an answer.
 */
async function returnSome(
  prisma: PrismaClient,
  returns: ReturnService,
  viewer: Viewer,
  order: { id: number; ref: string },
  i: number,
): Promise<void> {
  if (i % 3 === 2) return;
  const first = await prisma.orderItem.findFirstOrThrow({ where: { orderId: order.id }, orderBy: { id: "asc" } });
  const r = await returns.request(viewer, order.ref, null, {
    lines: [{ itemId: String(first.id), quantity: 1 }],
    reason: i % 2 ? "Arrived damaged." : "Ordered one too many.",
  });
  if (!("status" in r)) throw new Error(`demo return refused: ${r.message}`);
  if (i % 4 === 3) {
    await returns.decline(viewer, order.ref, String(r.id), "Opened items cannot be returned.");
    return;
  }
  if (i % 4 === 1) return;
  await returns.approve(viewer, order.ref, String(r.id), null);
  await returns.receive(viewer, order.ref, String(r.id), {
    lines: [{ itemId: String(first.id), restock: i % 2 === 0 }],
  });
  await returns.refund(viewer, order.ref, String(r.id));
}
