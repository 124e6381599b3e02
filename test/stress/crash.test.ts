/**
 * kill -9 of the server in the middle of a mutation load (orders, payments, part and whole refunds),
 * then a restart: every mutation that was answered with success is in the database, and the
 * invariants hold (amount paid = Σ payments, refunded amounts = Σ refunds for the order and each
 * payment, every refund has its PAYMENT_REFUNDED event, isPaid = paid ≥ total, refs unique).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { openTestDatabase } from "../helpers/harness.js";
import { cli, gql, startServer } from "../helpers/processes.js";
import { startReceiver, waitFor } from "../helpers/receiver.js";

const CREATE = `mutation($input: CreateOrderInput!) { createOrder(input: $input) { __typename ... on Order { ref } } }`;
const RECORD = `mutation($ref: String!, $input: RecordPaymentInput!) { recordOrderPayment(ref: $ref, input: $input) { __typename ... on Order { payments { id transactionId } } } }`;
const REFUND_PART = `mutation($ref: String!, $input: RefundPaymentInput!) { refundOrderPayment(ref: $ref, input: $input) { __typename ... on OrderRefund { id } } }`;
const REFUND = `mutation($ref: String!) { refundOrder(ref: $ref) { __typename ... on RefundResult { refunded { transactionId } failed { transactionId } } } }`;
const PAGE = `query($after: String) { allOrders(first: 20, after: $after) { nodes { ref status total amountPaid amountRefunded isPaid
  payments { amount amountRefunded transactionId refundedAt refunds { amount } } refunds { id amount }
  history(first: 100) { totalCount nodes { id type amount } } } pageInfo { hasNextPage endCursor } } }`;
const HOOK = `mutation($url: String!) { createWebhook(input: { url: $url }) { __typename } }`;

const item = { productType: "p", product: { name: "N", code: "C" }, unitPrice: "7.25", quantity: 2 };

describe.each([["embedded"], ...(inject("pgAdminUrl") ? [["postgres"]] : [])])(
  "kill -9 under load on %s",
  (backend) => {
    it("loses nothing that was answered", async () => {
      let env: Record<string, string>;
      let cleanup: () => Promise<void>;
      if (backend === "embedded") {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-crash-"));
        env = { DATABASE_URL: `file:${dir}/db` };
        cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
      } else {
        const db = await openTestDatabase("postgres");
        env = { DATABASE_URL: db.url! };
        cleanup = () => db.drop();
      }
      env.PAYMENT_METHODS = "credit-card,pay-in-advance,dummy";
      env.WEBHOOK_ALLOW_PRIVATE = "on";
      const receiver = await startReceiver();
      try {
        const created = await cli(["create-user", "--email", "staff@example.com", "--staff"], env);
        expect(created.code, created.stderr).toBe(0);
        const token = JSON.parse(created.stdout).token as string;
        const server = await startServer([], env);
        expect(
          (await gql(server.url, HOOK, token, { url: `${receiver.url}/hook` })).data.createWebhook.__typename,
        ).toBe("WebhookCreated");

        const acked = {
          refs: [] as string[],
          payments: [] as { ref: string; txn: string; id: string }[],
          refunded: [] as { ref: string; txn: string }[],
          parts: [] as { ref: string; id: string }[],
        };
        let running = true;
        let sent = 0;
        const worker = async (w: number) => {
          for (let i = 0; running; i++) {
            sent++;
            try {
              const roll = (w * 7 + i) % 10;
              if (roll < 4 || acked.refs.length < 3) {
                const r = await gql(server.url, CREATE, token, {
                  input: { email: `w${w}@example.com`, items: [item] },
                });
                if (r.data?.createOrder?.__typename === "Order") acked.refs.push(r.data.createOrder.ref);
              } else if (roll < 7) {
                const ref = acked.refs[(i * 31 + w) % acked.refs.length];
                const txn = `${w === 0 ? "fail-" : ""}t-${w}-${i}`;
                const r = await gql(server.url, RECORD, token, {
                  ref,
                  input: { amount: "5.00", transactionId: txn, paymentMethod: "dummy" },
                });
                if (r.data?.recordOrderPayment?.__typename === "Order") {
                  const id = r.data.recordOrderPayment.payments.find((p: any) => p.transactionId === txn).id;
                  acked.payments.push({ ref, txn, id });
                }
              } else if (roll < 9 && acked.payments.length > 0) {
                const p = acked.payments[(i * 13 + w) % acked.payments.length];
                const r = await gql(server.url, REFUND_PART, token, {
                  ref: p.ref,
                  input: { paymentId: p.id, amount: "1.25" },
                });
                if (r.data?.refundOrderPayment?.__typename === "OrderRefund")
                  acked.parts.push({ ref: p.ref, id: r.data.refundOrderPayment.id });
              } else {
                const ref = acked.refs[(i * 17 + w) % acked.refs.length];
                const r = await gql(server.url, REFUND, token, { ref });
                if (r.data?.refundOrder?.__typename === "RefundResult")
                  for (const p of r.data.refundOrder.refunded) acked.refunded.push({ ref, txn: p.transactionId });
              }
            } catch {
              // the connection died with the server: not answered, so nothing is promised
            }
          }
        };
        const workers = Array.from({ length: 8 }, (_, w) => worker(w));
        // Kill it in the middle of the load, once it has answered enough of each kind.
        for (let waited = 0; waited < 60_000; waited += 100) {
          if (acked.refs.length >= 20 && acked.payments.length >= 20 && acked.parts.length >= 10) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        server.child.kill("SIGKILL");
        await server.exited;
        running = false;
        await Promise.all(workers);
        expect(acked.refs.length).toBeGreaterThan(10);

        const again = await startServer([], env);
        try {
          const orders: any[] = [];
          let after: string | null = null;
          do {
            const r: any = await gql(again.url, PAGE, token, { after });
            expect(r.errors).toBeUndefined();
            orders.push(...r.data.allOrders.nodes);
            after = r.data.allOrders.pageInfo.hasNextPage ? r.data.allOrders.pageInfo.endCursor : null;
          } while (after);
          const byRef = new Map(orders.map((o) => [o.ref, o]));
          expect(byRef.size).toBe(orders.length); // refs unique
          for (const ref of acked.refs) expect(byRef.has(ref), ref).toBe(true);
          for (const p of acked.payments)
            expect(
              byRef.get(p.ref).payments.map((x: any) => x.transactionId),
              p.txn,
            ).toContain(p.txn);
          for (const p of acked.refunded)
            expect(
              byRef.get(p.ref).payments.find((x: any) => x.transactionId === p.txn)?.refundedAt,
              p.txn,
            ).toBeTruthy();
          for (const r of acked.parts)
            expect(
              byRef.get(r.ref).refunds.map((x: any) => x.id),
              r.id,
            ).toContain(r.id);
          const cents = (s: string) => Math.round(Number(s) * 100);
          const sum = (xs: { amount: string }[]) => xs.reduce((s, x) => s + cents(x.amount), 0);
          let refunds = 0;
          for (const o of orders) {
            const paid = sum(o.payments);
            expect(cents(o.amountPaid), o.ref).toBe(paid);
            expect(cents(o.amountRefunded), o.ref).toBe(sum(o.refunds));
            for (const p of o.payments) {
              expect(cents(p.amountRefunded), p.transactionId).toBe(sum(p.refunds));
              expect(Boolean(p.refundedAt), p.transactionId).toBe(cents(p.amountRefunded) === cents(p.amount));
            }
            const refundEvents = o.history.nodes.filter((e: any) => e.type === "PAYMENT_REFUNDED");
            expect(o.history.totalCount, o.ref).toBeLessThanOrEqual(100);
            expect(refundEvents.length, o.ref).toBe(o.refunds.length);
            expect(sum(refundEvents), o.ref).toBe(sum(o.refunds));
            expect(o.history.nodes.filter((e: any) => e.type === "PAYMENT_RECORDED").length, o.ref).toBe(
              o.payments.length,
            );
            expect(o.isPaid, o.ref).toBe(paid >= cents(o.total));
            refunds += o.refunds.length;
          }
          // Every event of a committed change reaches the webhook, across the crash (at least once).
          const events = orders.flatMap((o) => o.history.nodes.map((e: any) => e.id as string));
          const delivered = () => new Set(receiver.received.map((r) => JSON.parse(r.body).data.id as string));
          await waitFor(() => events.every((id) => delivered().has(id)), "every event delivered", 120_000);
          const ids = receiver.received.map((r) => r.headers["webhook-id"]);
          console.log(
            `kill -9 on ${backend}: ${sent} requests sent, ${acked.refs.length} orders, ${acked.payments.length} payments, ${acked.parts.length} part refunds and ${acked.refunded.length} whole refunds answered; all found after restart (${orders.length} orders, ${refunds} refunds checked, each with its event); all ${events.length} events delivered to the webhook (${ids.length - new Set(ids).size} sent twice across the crash)`,
          );
          expect(await again.stop()).toBe(0);
        } finally {
          again.child.kill("SIGKILL");
        }
      } finally {
        await receiver.close();
        await cleanup();
      }
    });
  },
);
