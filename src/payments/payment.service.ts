/**
 * Paying and refunding: what happens between an order and its payment methods. The order is locked
 * for the whole of a method call; each call is bounded by PAYMENT_TIMEOUT_MS; what a method records
 * is written in the same transaction, with its events, so a failed or timed-out payment leaves
 * nothing behind.
 */
import { GraphQLError } from "graphql";
import { actorOf, orderScope, type OrderScope, type Viewer } from "../auth/viewer.js";
import { inTransaction, type Tx } from "../db/transaction.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { EventLog } from "../history/event-log.js";
import { InvalidOrderInputError } from "../orders/order.errors.js";
import { withLockedOrder } from "../orders/order.lock.js";
import type { OrderRecord } from "../orders/order.model.js";
import * as orders from "../orders/order.repository.js";
import { paymentError, transitionError, type OrderRules, type OrderStatus } from "../orders/status.js";
import { isDatabaseUnavailable } from "../shared/db-errors.js";
import { isErrorResult } from "../shared/error-result.js";
import { ZERO, type Money } from "../shared/money.js";
import {
  OrderAlreadyPaidError,
  OrderAlreadyRefundedError,
  OrderNotPayableError,
  PaymentFailedError,
  PaymentMethodNotAvailableError,
  RefundAmountError,
  RefundFailedError,
} from "./payment.errors.js";
import type { OrderPaymentRecord, OrderRefundRecord } from "./payment.model.js";
import { checkPayment, checkRefund } from "./payment.validation.js";
import { PaymentError, type LockedOrder, type PayContext, type PaymentRequest } from "./payment-method.js";
import * as repo from "./payment.repository.js";
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

/** What payOrder answers: where the method sends the customer, or a refusal. */
export type PayOrderOutcome =
  | { url: string; data: Record<string, unknown> | null; order: OrderRecord }
  | PaymentMethodNotAvailableError
  | OrderNotPayableError
  | OrderAlreadyPaidError
  | PaymentFailedError;

/** What refundOrder answers: the payments refunded and those that failed, or a refusal. */
export type RefundOutcome =
  { refunded: OrderPaymentRecord[]; failed: OrderPaymentRecord[]; order: OrderRecord } | OrderAlreadyRefundedError;

export type RefundPaymentOutcome =
  OrderRefundRecord | RefundAmountError | RefundFailedError | OrderAlreadyRefundedError | InvalidOrderInputError;

/** What a payment method answered when asked to give money back. */
type MethodRefund = { ok: true; transactionId: string | null } | { ok: false; why: string; whole?: true };

const ALL: OrderScope = { kind: "all" };
/** Time a transaction gets beyond its payment method calls. */
const SLACK_MS = 5_000;
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

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
    return paymentError(this.deps.rules, order)?.message ?? null;
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
      paymentError: () => paymentError(rules, order)?.message ?? null,
      setStatus: async (status: OrderStatus) => {
        open();
        if (status === order.status || transitionError(rules, order, status)) return false;
        order = await this.moveTo(tx, order, status, actorId);
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

  /** Moves the order to `status` (the caller checked the rules) and records it. */
  private async moveTo(tx: Tx, order: OrderRecord, status: OrderStatus, actorId: number | null): Promise<OrderRecord> {
    const moved = await orders.setStatus(tx, order.id, status, this.now());
    await this.events.record(tx, order, {
      type: "STATUS_CHANGED",
      public: true,
      actorId,
      fromStatus: order.status,
      toStatus: status,
    });
    return moved;
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
          const refusal = paymentError(this.deps.rules, order);
          if (refusal?.kind === "paid") return new OrderAlreadyPaidError(refusal.message);
          if (refusal) return new OrderNotPayableError(order.status, refusal.message);
          const extra = method.validateOrder?.(order, request);
          if (extra) return new OrderNotPayableError(order.status, extra);
          // Recorded first, so that it comes before what the method records; rolled back with it.
          await this.events.record(tx, order, {
            type: "PAYMENT_STARTED",
            public: true,
            actorId: actorOf(viewer),
            amount: order.total.minus(order.amountPaid),
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

  /** Asks the payment's method to give `amount` back; never throws. */
  private async askRefund(payment: OrderPaymentRecord, amount: Money, order: OrderRecord): Promise<MethodRefund> {
    const method = this.deps.registry.get(payment.paymentMethod);
    if (!method)
      return { ok: false, why: `No payment method "${payment.paymentMethod}" is configured on this server.` };
    const whole = amount.eq(payment.amount) && payment.amountRefunded.isZero();
    if (method.refundsWholePaymentsOnly && !whole) {
      return { ok: false, why: `${method.label} refunds whole payments only.`, whole: true };
    }
    try {
      const answer = await withTimeout(() => method.refund(payment, amount, order), this.deps.timeoutMs);
      if (answer === true) return { ok: true, transactionId: null };
      if (answer && typeof answer === "object") return { ok: true, transactionId: answer.transactionId ?? null };
      return { ok: false, why: "The payment method refused the refund." };
    } catch (e) {
      this.deps.onMethodError?.(payment.paymentMethod, e);
      return {
        ok: false,
        why: e instanceof PaymentTimeoutError ? "The payment method did not answer in time." : errorText(e),
      };
    }
  }

  /**
   * Gives `amount` of `payment` back through its method and records the outcome: the refund and its
   * event, or a private REFUND_FAILED event with the method's words.
   */
  private async refundPart(
    tx: Tx,
    order: OrderRecord,
    payment: OrderPaymentRecord,
    amount: Money,
    by: { actorId: number | null; reason: string | null },
  ): Promise<
    | { ok: true; refund: OrderRefundRecord; payment: OrderPaymentRecord; order: OrderRecord }
    | { ok: false; why: string; whole?: true }
  > {
    const answer = await this.askRefund(payment, amount, order);
    if (!answer.ok) {
      await this.events.record(tx, order, {
        type: "REFUND_FAILED",
        public: false,
        actorId: by.actorId,
        amount,
        paymentMethod: payment.paymentMethod,
        transactionId: payment.transactionId,
        message: answer.why,
      });
      return answer;
    }
    const done = await repo.insertRefund(tx, order, payment, {
      amount,
      transactionId: answer.transactionId,
      ...by,
      now: this.now(),
    });
    await this.events.record(tx, order, {
      type: "PAYMENT_REFUNDED",
      public: true,
      actorId: by.actorId,
      amount,
      paymentMethod: payment.paymentMethod,
      transactionId: answer.transactionId,
      message: by.reason,
    });
    return { ok: true, ...done };
  }

  /** When all that was paid is refunded, the order is REFUNDED (bypassing the transition rules, as the ancestor does). */
  private async refundedInFull(tx: Tx, order: OrderRecord, actorId: number | null): Promise<OrderRecord> {
    if (order.status === "REFUNDED" || order.amountRefunded.lt(order.amountPaid)) return order;
    return this.moveTo(tx, order, "REFUNDED", actorId);
  }

  /** POST /orders/{ref}/refund/ (for staff): gives back what is left of every payment. */
  async refund(viewer: Viewer, ref: string): Promise<RefundOutcome> {
    // The transaction is bounded by the method calls it will make: one per payment with something
    // left to refund, counted first. A payment recorded between the count and the lock sends us round again.
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
          return this.refundAll(tx, order, payments, actorOf(viewer));
        },
        { timeoutMs: budget * this.deps.timeoutMs + SLACK_MS },
      );
      if (outcome) return outcome;
    }
  }

  private async refundAll(
    tx: Tx,
    initial: OrderRecord,
    payments: OrderPaymentRecord[],
    actorId: number | null,
  ): Promise<RefundOutcome> {
    let order = initial;
    const refunded: OrderPaymentRecord[] = [];
    const failed: OrderPaymentRecord[] = [];
    for (const p of payments) {
      const left = p.amount.minus(p.amountRefunded);
      if (left.lte(ZERO)) {
        refunded.push(p);
        continue;
      }
      const r = await this.refundPart(tx, order, p, left, { actorId, reason: null });
      if (r.ok) {
        refunded.push(r.payment);
        order = r.order;
      } else {
        failed.push(p);
      }
    }
    if (failed.length === 0 && order.status !== "REFUNDED") order = await this.moveTo(tx, order, "REFUNDED", actorId);
    return { refunded, failed, order };
  }

  /** Gives back part or all of one payment (for staff). */
  async refundPayment(
    viewer: Viewer,
    ref: string,
    input: { paymentId: unknown; amount?: unknown; reason?: unknown },
  ): Promise<RefundPaymentOutcome> {
    const checked = checkRefund(input);
    if (isErrorResult(checked)) return checked;
    const actorId = actorOf(viewer);
    return withLockedOrder(
      this.prisma,
      ref,
      ALL,
      async (tx, order) => {
        if (order.status === "REFUNDED") return new OrderAlreadyRefundedError();
        const payment = (await repo.paymentsOfOrder(tx, order.id)).find((p) => p.id === checked.paymentId);
        if (!payment) return new InvalidOrderInputError("paymentId", "This order has no payment with this id.");
        const refundable = payment.amount.minus(payment.amountRefunded);
        const amount = checked.amount ?? refundable;
        if (amount.lte(ZERO) || amount.gt(refundable))
          return new RefundAmountError(refundable.gt(ZERO) ? refundable : ZERO);
        const r = await this.refundPart(tx, order, payment, amount, { actorId, reason: checked.reason });
        if (!r.ok) {
          return new RefundFailedError(
            payment.paymentMethod,
            r.whole ? `${r.why} Refund the whole payment instead; nothing was refunded.` : undefined,
          );
        }
        await this.refundedInFull(tx, r.order, actorId);
        return r.refund;
      },
      { timeoutMs: this.deps.timeoutMs + SLACK_MS },
    );
  }
}
