/**
 * Paying: what happens between an order and its payment methods when money comes in (refunds are
 * refund.service.ts). The order is locked for the whole of a method call; each call is bounded by
 * PAYMENT_TIMEOUT_MS; what a method records is written in the same transaction, with its events, so
 * a failed or timed-out payment leaves nothing behind.
 */
import { GraphQLError } from "graphql";
import { actorOf, orderScope, type OrderScope, type Viewer } from "../auth/viewer.js";
import { inTransaction, type Tx } from "../db/transaction.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { EventLog } from "../history/event-log.js";
import { InvalidOrderInputError } from "../orders/order.errors.js";
import { withLockedOrder } from "../orders/order.lock.js";
import { amountOutstanding, orderPaymentError } from "../orders/order.balance.js";
import type { OrderRecord } from "../orders/order.model.js";
import * as orders from "../orders/order.repository.js";
import { transitionError, type OrderRules, type OrderStatus } from "../orders/status.js";
import { isDatabaseUnavailable } from "../shared/db-errors.js";
import { isErrorResult } from "../shared/error-result.js";
import type { Money } from "../shared/money.js";
import {
  OrderAlreadyPaidError,
  OrderNotPayableError,
  PaymentFailedError,
  PaymentMethodNotAvailableError,
} from "./payment.errors.js";
import { checkPayment } from "./payment.validation.js";
import { PaymentError, type LockedOrder, type PayContext, type PaymentRequest } from "./payment-method.js";
import * as repo from "./payment.repository.js";
import { METHOD_CALL_SLACK_MS, moveOrder, PaymentTimeoutError, withTimeout } from "./payment.steps.js";
import type { PaymentRegistry } from "./registry.js";

export interface PaymentServiceDeps {
  prisma: PrismaClient;
  rules: OrderRules;
  registry: PaymentRegistry;
  events: EventLog;
  /** Absolute URL of a path on this server. */
  url(path: string): string;
  /** How long a payment method may take to pay, or to refund one payment. */
  timeoutMs: number;
  /** Told when a payment method throws or times out (for the log). */
  onMethodError?: (identifier: string, error: unknown) => void;
  now?: () => Date;
}

/** What payOrder answers: where the method sends the customer, or a refusal. */
export type PayOrderOutcome =
  | { url: string; data: Record<string, unknown> | null; order: OrderRecord }
  | PaymentMethodNotAvailableError
  | OrderNotPayableError
  | OrderAlreadyPaidError
  | PaymentFailedError;

const ALL: OrderScope = { kind: "all" };
export class PaymentService {
  private readonly prisma: PrismaClient;
  private readonly events: EventLog;
  private readonly now: () => Date;

  constructor(private readonly deps: PaymentServiceDeps) {
    this.prisma = deps.prisma;
    this.events = deps.events;
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
    return orderPaymentError(this.deps.rules, order)?.message ?? null;
  }

  /**
   * Operations a payment method may perform on the locked order, recorded as `paymentMethod` and
   * attributed to `actorId` (the signed-in payer; null on a payment page or callback).
   */
  private lockedOrder(
    tx: Tx,
    initial: OrderRecord,
    paymentMethod: string,
    actorId: number | null,
  ): LockedOrder & { close(): void } {
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
      paymentError: () => orderPaymentError(rules, order)?.message ?? null,
      setStatus: async (status: OrderStatus) => {
        open();
        if (status === order.status || transitionError(rules, order, status)) return false;
        order = await moveOrder(tx, this.events, order, status, { actorId, now: this.now() });
        return true;
      },
      recordPayment: async (p) => {
        open();
        if (await repo.hasTransaction(tx, order.id, p.transactionId)) return false;
        order = await this.insertPayment(tx, order, { ...p, paymentMethod }, actorId);
        return true;
      },
    };
  }

  private async insertPayment(
    tx: Tx,
    order: OrderRecord,
    p: { amount: Money; transactionId: string; paymentMethod: string },
    actorId: number | null,
  ): Promise<OrderRecord> {
    const paid = await repo.insertPayment(tx, order, { ...p, now: this.now() });
    await this.events.record(tx, order, {
      type: "PAYMENT_RECORDED",
      public: true,
      actorId,
      amount: p.amount,
      paymentMethod: p.paymentMethod,
      transactionId: p.transactionId,
    });
    return paid;
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
      return order ? { result: await fn(this.lockedOrder(tx, order, identifier, null)) } : null;
    });
  }

  findByToken(ref: string, token: string): Promise<OrderRecord | null> {
    return orders.findOrderByRef(this.prisma, ref, { kind: "token", token });
  }

  /** POST /orders/{ref}/pay/. Records nothing itself: the method does, when the money moves. */
  async pay(viewer: Viewer, ref: string, identifier: string, token?: string | null): Promise<PayOrderOutcome> {
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
          const refusal = orderPaymentError(this.deps.rules, order);
          if (refusal?.kind === "paid") return new OrderAlreadyPaidError(refusal.message);
          if (refusal) return new OrderNotPayableError(order.status, refusal.message);
          const extra = method.validateOrder?.(order, request);
          if (extra) return new OrderNotPayableError(order.status, extra);
          // Recorded first, so that it comes before what the method records; rolled back with it.
          await this.events.record(tx, order, {
            type: "PAYMENT_STARTED",
            public: true,
            actorId: actorOf(viewer),
            amount: amountOutstanding(order),
            paymentMethod: identifier,
          });
          const locked = this.lockedOrder(tx, order, identifier, actorOf(viewer));
          const ctx: PayContext = Object.assign(locked, { request, url: this.deps.url });
          let outcome;
          try {
            outcome = await withTimeout(() => method.pay(ctx), timeoutMs);
          } finally {
            locked.close();
          }
          if (!outcome || typeof outcome.url !== "string" || !outcome.url) {
            throw new PaymentError("The payment method gave no URL to continue with.");
          }
          return { url: outcome.url, data: outcome.data ?? null, order: locked.order };
        },
        { timeoutMs: timeoutMs + METHOD_CALL_SLACK_MS },
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

  /** Records a payment taken outside the API (for staff). The status does not change. */
  async recordPayment(
    viewer: Viewer,
    ref: string,
    input: { amount: unknown; transactionId: unknown; paymentMethod: unknown },
  ): Promise<OrderRecord | InvalidOrderInputError> {
    const payment = checkPayment(input);
    if (isErrorResult(payment)) return payment;
    return withLockedOrder(this.prisma, ref, ALL, async (tx, order) => {
      if (await repo.hasTransaction(tx, order.id, payment.transactionId)) {
        return new InvalidOrderInputError(
          "transactionId",
          "This order already has a payment with this transaction id.",
        );
      }
      return this.insertPayment(tx, order, payment, actorOf(viewer));
    });
  }
}
