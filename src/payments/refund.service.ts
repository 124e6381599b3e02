/**
 * Refunds: giving money back through the payments' own methods. The order is locked for the whole
 * of a method call; each call is bounded by PAYMENT_TIMEOUT_MS; what a refund records (the refund,
 * the payment's and order's amounts, its event) is written in the same transaction, and a method
 * that fails leaves a private REFUND_FAILED event with its words and nothing else.
 */
import { actorOf, type OrderScope, type Viewer } from "../auth/viewer.js";
import type { Tx } from "../db/transaction.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { EventLog } from "../history/event-log.js";
import { refundCountedAgainstPaid, type RefundKind } from "../orders/order.balance.js";
import { InvalidOrderInputError } from "../orders/order.errors.js";
import { withLockedOrder } from "../orders/order.lock.js";
import type { OrderRecord } from "../orders/order.model.js";
import { isErrorResult } from "../shared/error-result.js";
import { Money, ZERO } from "../shared/money.js";
import { OrderAlreadyRefundedError, RefundAmountError, RefundFailedError } from "./payment.errors.js";
import type { OrderPaymentRecord, OrderRefundRecord } from "./payment.model.js";
import * as repo from "./payment.repository.js";
import { METHOD_CALL_SLACK_MS as SLACK_MS, moveOrder, PaymentTimeoutError, withTimeout } from "./payment.steps.js";
import { checkRefund } from "./payment.validation.js";
import type { PaymentRegistry } from "./registry.js";

export interface RefundServiceDeps {
  prisma: PrismaClient;
  registry: PaymentRegistry;
  events: EventLog;
  /** How long a payment method may take to refund one payment. */
  timeoutMs: number;
  /** Told when a payment method throws or times out (for the log). */
  onMethodError?: (identifier: string, error: unknown) => void;
  now?: () => Date;
}

/** What refundOrder answers: the payments refunded and those that failed, or a refusal. */
export type RefundOutcome =
  { refunded: OrderPaymentRecord[]; failed: OrderPaymentRecord[]; order: OrderRecord } | OrderAlreadyRefundedError;

/** A part of a payment given back: the refund, and the payment as it now is. */
export interface PaymentRefunded {
  refund: OrderRefundRecord;
  payment: OrderPaymentRecord;
}

export type RefundPaymentOutcome =
  PaymentRefunded | RefundAmountError | RefundFailedError | OrderAlreadyRefundedError | InvalidOrderInputError;

/** What a payment method answered when asked to give money back. */
type MethodRefund = { ok: true; transactionId: string | null } | { ok: false; why: string; whole?: true };

const ALL: OrderScope = { kind: "all" };
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class RefundService {
  private readonly prisma: PrismaClient;
  private readonly events: EventLog;
  private readonly now: () => Date;

  constructor(private readonly deps: RefundServiceDeps) {
    this.prisma = deps.prisma;
    this.events = deps.events;
    this.now = deps.now ?? (() => new Date());
  }

  /** Moves the order to `status` and records it. */
  private moveTo(tx: Tx, order: OrderRecord, status: "REFUNDED", actorId: number | null): Promise<OrderRecord> {
    return moveOrder(tx, this.events, order, status, { actorId, now: this.now() });
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
   * event, or a private REFUND_FAILED event with the method's words. The caller holds the order's
   * lock in `tx` and checked the amount (returns/ refunds a received return's share through here).
   * `by.kind` says why (default: a refund of a payment), which says how much of it counts against
   * what was paid (orders/order.balance.ts, refundCountedAgainstPaid).
   */
  async refundPart(
    tx: Tx,
    order: OrderRecord,
    payment: OrderPaymentRecord,
    amount: Money,
    by: { actorId: number | null; reason: string | null; kind?: RefundKind },
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
    const refund = repo.refundWrites(order, payment, {
      amount,
      fromPaid: refundCountedAgainstPaid(by.kind ?? "payment", amount, order),
      transactionId: answer.transactionId,
      actorId: by.actorId,
      reason: by.reason,
      now: this.now(),
    });
    // The refund, the payment's and order's amounts, and the event: one statement.
    const { written } = await this.events.recordWith<{ refundId: number }>(
      tx,
      order,
      {
        type: "PAYMENT_REFUNDED",
        public: true,
        actorId: by.actorId,
        amount,
        paymentMethod: payment.paymentMethod,
        transactionId: answer.transactionId,
        message: by.reason,
      },
      refund.writes,
    );
    const done = refund.written(written.refundId);
    return { ok: true, ...done };
  }

  /** When all that was paid is refunded, the order is REFUNDED (bypassing the transition rules, as the ancestor does). */
  private async refundedInFull(tx: Tx, order: OrderRecord, actorId: number | null): Promise<OrderRecord> {
    if (order.status === "REFUNDED" || order.amountRefunded.lt(order.amountPaid)) return order;
    return this.moveTo(tx, order, "REFUNDED", actorId);
  }

  // ---- order edits ----------------------------------------------------------------------------

  /**
   * For an edit's settlement inside another change's transaction (the order locked by the caller): gives
   * back `amount` through the payments' methods, newest payment first, each payment at most what it
   * has left. Stops at the first method that refuses or fails (its private REFUND_FAILED event is
   * recorded); what was given back before it stays recorded, never asked for twice. The caller's
   * transaction must allow one method call per payment with something left (`countUnrefunded`).
   */
  async refundNewestFirst(
    tx: Tx,
    initial: OrderRecord,
    amount: Money,
    by: { actorId: number | null; reason: string | null },
  ): Promise<{
    order: OrderRecord;
    refunds: OrderRefundRecord[];
    failed: { paymentMethod: string; why: string } | null;
  }> {
    let order = initial;
    let left = amount;
    const refunds: OrderRefundRecord[] = [];
    const payments = (await repo.paymentsOfOrder(tx, order.id)).reverse();
    for (const p of payments) {
      if (left.lte(ZERO)) break;
      const part = Money.min(left, p.amount.minus(p.amountRefunded));
      if (part.lte(ZERO)) continue;
      const r = await this.refundPart(tx, order, p, part, { ...by, kind: "settlement" });
      if (!r.ok) return { order, refunds, failed: { paymentMethod: p.paymentMethod, why: r.why } };
      refunds.push(r.refund);
      order = r.order;
      left = left.minus(part);
    }
    return { order, refunds, failed: null };
  }

  /** How many payments of the order have something left to refund: the method calls a settlement may make. */
  paymentsLeftToRefund(ref: string): Promise<number> {
    return repo.countUnrefunded(this.prisma, ref);
  }

  /** What the order's payments have left to refund, and how many of them have something left. */
  async refundableOf(tx: Tx, orderId: number): Promise<{ amount: Money; payments: number }> {
    const left = (await repo.paymentsOfOrder(tx, orderId))
      .map((p) => p.amount.minus(p.amountRefunded))
      .filter((x) => x.gt(ZERO));
    return { amount: left.reduce((sum, x) => sum.plus(x), ZERO), payments: left.length };
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

  /** Gives back part or all of one payment (for staff); answers the refund with its payment as it now is. */
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
        return { refund: r.refund, payment: r.payment };
      },
      { timeoutMs: this.deps.timeoutMs + SLACK_MS },
    );
  }
}
