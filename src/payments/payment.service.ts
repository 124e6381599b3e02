/**
 * Paying and refunding: what happens between an order and its payment methods. The order is locked
 * for the whole of a method call; each call is bounded by PAYMENT_TIMEOUT_MS; what a method records
 * is written in the same transaction, so a failed or timed-out payment leaves nothing behind.
 */
import { GraphQLError } from "graphql";
import { orderScope, type OrderScope, type Viewer } from "../auth/viewer.js";
import { inTransaction, type Tx } from "../db/transaction.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import {
  InvalidOrderInputError,
  OrderAlreadyPaidError,
  OrderAlreadyRefundedError,
  OrderNotPayableError,
  PaymentFailedError,
  PaymentMethodNotAvailableError,
} from "../orders/order.errors.js";
import { withLockedOrder } from "../orders/order.lock.js";
import type { OrderPaymentRecord, OrderRecord } from "../orders/order.model.js";
import * as orders from "../orders/order.repository.js";
import { checkPayment } from "../orders/order.validation.js";
import { paymentError, transitionError, type OrderRules, type OrderStatus } from "../orders/status.js";
import { isDatabaseUnavailable } from "../shared/db-errors.js";
import { PaymentError, type LockedOrder, type PayContext, type PaymentRequest } from "./payment-method.js";
import * as repo from "./payment.repository.js";
import type { PaymentRegistry } from "./registry.js";

export interface PaymentServiceDeps {
  prisma: PrismaClient;
  rules: OrderRules;
  registry: PaymentRegistry;
  /** Absolute URL of a path on this server. */
  url(path: string): string;
  /** How long a payment method may take to pay, or to refund one payment. */
  timeoutMs: number;
  /** Told when a payment method throws or times out (for the log). */
  onMethodError?: (identifier: string, error: unknown) => void;
  now?: () => Date;
}

/** A payment method call that did not answer in time. */
export class PaymentTimeoutError extends Error {
  constructor(ms: number) {
    super(`The payment method did not answer within ${ms} ms.`);
    this.name = "PaymentTimeoutError";
  }
}

/** Races `work` against a deadline; a late result or failure is ignored. */
export function withTimeout<T>(work: () => Promise<T> | T, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PaymentTimeoutError(ms)), ms);
  });
  const running = Promise.resolve().then(work);
  running.catch(() => {}); // a call that fails after its deadline must not become an unhandled rejection
  return Promise.race([running, deadline]).finally(() => clearTimeout(timer));
}

export type PayOutcome =
  | { kind: "redirect"; url: string; data: Record<string, unknown> | null; order: OrderRecord }
  | PaymentMethodNotAvailableError
  | OrderNotPayableError
  | OrderAlreadyPaidError
  | PaymentFailedError;

export type RefundOutcome =
  | { kind: "refunded"; refunded: OrderPaymentRecord[]; failed: OrderPaymentRecord[]; order: OrderRecord }
  | OrderAlreadyRefundedError;

const ALL: OrderScope = { kind: "all" };
/** Time a transaction gets beyond its payment method calls. */
const SLACK_MS = 5_000;

export class PaymentService {
  private readonly prisma: PrismaClient;
  private readonly now: () => Date;

  constructor(private readonly deps: PaymentServiceDeps) {
    this.prisma = deps.prisma;
    this.now = deps.now ?? (() => new Date());
  }

  /** GET /orders/{ref}/pay/: the enabled order-capable methods, each with the first reason it cannot pay. */
  choices(viewer: Viewer, order: OrderRecord): { identifier: string; label: string; error: string | null }[] {
    const request: PaymentRequest = { viewer };
    const common = this.refusal(order);
    return this.deps.registry.forOrders(request).map((m) => ({
      identifier: m.identifier,
      label: m.label,
      error: common ?? m.validateOrder?.(order, request) ?? null,
    }));
  }

  /** Null when the order may be paid now (not paid, payable status), else the reason. */
  refusal(order: OrderRecord): string | null {
    return paymentError(this.deps.rules, order)?.message ?? null;
  }

  /** Operations a payment method may perform on the locked order; payments are recorded as `paymentMethod`. */
  private lockedOrder(tx: Tx, initial: OrderRecord, paymentMethod: string): LockedOrder & { close(): void } {
    let order = initial;
    let closed = false;
    const open = () => {
      if (closed) throw new Error("The order is no longer locked for this call (it timed out).");
    };
    const rules = this.deps.rules;
    return {
      close: () => void (closed = true),
      get order() {
        return order;
      },
      paymentError: () => paymentError(rules, order)?.message ?? null,
      setStatus: async (status: OrderStatus) => {
        open();
        if (status === order.status || transitionError(rules, order, status)) return false;
        order = await orders.setStatus(tx, order.id, status, this.now());
        return true;
      },
      recordPayment: async (p) => {
        open();
        if (await repo.hasTransaction(tx, order.id, p.transactionId)) return false;
        order = await repo.insertPayment(tx, order, { ...p, paymentMethod, now: this.now() });
        return true;
      },
    };
  }

  /** For payment methods' own routes: the order by ref and order token, locked; null when there is none. */
  async withOrderByToken<T>(
    identifier: string,
    ref: string,
    token: string,
    fn: (locked: LockedOrder) => Promise<T>,
  ): Promise<{ result: T } | null> {
    return inTransaction(this.prisma, async (tx) => {
      const order = await orders.lockOrder(tx, ref, { kind: "token", token });
      return order ? { result: await fn(this.lockedOrder(tx, order, identifier)) } : null;
    });
  }

  findByToken(ref: string, token: string): Promise<OrderRecord | null> {
    return orders.findOrderByRef(this.prisma, ref, { kind: "token", token });
  }

  /** POST /orders/{ref}/pay/. Records nothing itself: the method does, when the money moves. */
  async pay(viewer: Viewer, ref: string, identifier: string, token?: string | null): Promise<PayOutcome> {
    const request: PaymentRequest = { viewer };
    const timeoutMs = this.deps.timeoutMs;
    try {
      return await withLockedOrder(
        this.prisma,
        ref,
        orderScope(viewer, { token }),
        async (tx, order) => {
          const method = this.deps.registry.forOrders(request).find((m) => m.identifier === identifier);
          if (!method) return new PaymentMethodNotAvailableError(identifier);
          const refusal = paymentError(this.deps.rules, order);
          if (refusal?.kind === "paid") return new OrderAlreadyPaidError(refusal.message);
          if (refusal) return new OrderNotPayableError(order.status, refusal.message);
          const extra = method.validateOrder?.(order, request);
          if (extra) return new OrderNotPayableError(order.status, extra);
          const locked = this.lockedOrder(tx, order, identifier);
          const ctx: PayContext = Object.assign(locked, { request, url: this.deps.url });
          let outcome;
          try {
            outcome = await withTimeout(() => method.pay(ctx), timeoutMs);
          } finally {
            locked.close();
          }
          if (!outcome || typeof outcome.url !== "string" || !outcome.url)
            throw new PaymentError("The payment method gave no URL to continue with.");
          return { kind: "redirect" as const, url: outcome.url, data: outcome.data ?? null, order: locked.order };
        },
        { timeoutMs: timeoutMs + SLACK_MS },
      );
    } catch (e) {
      // The transaction rolled back: whatever the method changed is undone.
      if (e instanceof PaymentError) return new PaymentFailedError(identifier, e.message);
      if (e instanceof PaymentTimeoutError) {
        return new PaymentFailedError(
          identifier,
          "The payment method did not answer in time; nothing was charged. Try again.",
        );
      }
      if (e instanceof GraphQLError || isDatabaseUnavailable(e)) throw e;
      this.deps.onMethodError?.(identifier, e);
      return new PaymentFailedError(identifier, "The payment method failed; nothing was charged. Try again.");
    }
  }

  /** POST /orders/{ref}/refund/ (for staff). Each payment is refunded at most once, ever. */
  async refund(viewer: Viewer, ref: string): Promise<RefundOutcome> {
    // The transaction is bounded by the method calls it will make: one per payment not yet refunded,
    // counted first. A payment recorded between the count and the lock sends us round again.
    for (;;) {
      const budget = await repo.countUnrefunded(this.prisma, ref);
      const outcome = await withLockedOrder(
        this.prisma,
        ref,
        ALL,
        async (tx, order) => {
          if (order.status === "REFUNDED") return new OrderAlreadyRefundedError();
          const payments = await repo.paymentsOfOrder(tx, order.id);
          if (payments.filter((p) => !p.refundedAt).length > budget) return null;
          return this.refundAll(tx, order, payments);
        },
        { timeoutMs: budget * this.deps.timeoutMs + SLACK_MS },
      );
      if (outcome) return outcome;
    }
  }

  private async refundAll(tx: Tx, order: OrderRecord, payments: OrderPaymentRecord[]): Promise<RefundOutcome> {
    const refunded: OrderPaymentRecord[] = [];
    const failed: OrderPaymentRecord[] = [];
    for (const p of payments) {
      if (p.refundedAt) {
        refunded.push(p);
        continue;
      }
      const method = this.deps.registry.get(p.paymentMethod);
      let ok = false;
      try {
        ok = method ? (await withTimeout(() => method.refund(p, order), this.deps.timeoutMs)) === true : false;
      } catch (e) {
        // a method that throws or hangs failed to refund this payment; the others go on
        this.deps.onMethodError?.(p.paymentMethod, e);
      }
      if (ok) refunded.push(await repo.markPaymentRefunded(tx, p, this.now()));
      else failed.push(p);
    }
    const after =
      failed.length === 0
        ? await orders.setStatus(tx, order.id, "REFUNDED", this.now())
        : await orders.findOrderById(tx, order.id);
    return { kind: "refunded", refunded, failed, order: after };
  }

  /** Records a payment taken outside the API (for staff). The status does not change. */
  async recordPayment(
    viewer: Viewer,
    ref: string,
    input: { amount: unknown; transactionId: unknown; paymentMethod: unknown },
  ): Promise<OrderRecord | InvalidOrderInputError> {
    const payment = checkPayment(input);
    if (payment instanceof InvalidOrderInputError) return payment;
    return withLockedOrder(this.prisma, ref, ALL, async (tx, order) => {
      if (await repo.hasTransaction(tx, order.id, payment.transactionId)) {
        return new InvalidOrderInputError(
          "transactionId",
          "This order already has a payment with this transaction id.",
        );
      }
      return repo.insertPayment(tx, order, { ...payment, now: this.now() });
    });
  }
}
