/**
 * Returns: the owner, a guest with the order's token, or staff ask for shipped units back with a
 * reason; staff approve or decline, receive the goods (saying per line whether they go back to
 * stock), and refund the return's share of what was paid through the payments' own methods. Each
 * step loads, checks, writes and records its event in one transaction with the order's row locked.
 */
import { actorOf, orderScope, type OrderScope, type Viewer } from "../auth/viewer.js";
import type { Tx } from "../db/transaction.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { EventLog } from "../history/event-log.js";
import { InvalidOrderInputError } from "../orders/order.errors.js";
import { withLockedOrder } from "../orders/order.lock.js";
import type { OrderRecord } from "../orders/order.model.js";
import { OrderAlreadyRefundedError, RefundFailedError } from "../payments/payment.errors.js";
import { countUnrefunded, paymentsOfOrder } from "../payments/payment.repository.js";
import { METHOD_CALL_SLACK_MS, moveOrder } from "../payments/payment.steps.js";
import type { RefundService } from "../payments/refund.service.js";
import { isErrorResult } from "../shared/error-result.js";
import { InputError } from "../orders/order.validation.js";
import { formatMoney, Money, ZERO } from "../shared/money.js";
import { shippedByItem } from "../shipments/fulfillment.js";
import { QuantityNotAvailableError } from "../shipments/shipment.errors.js";
import { shipmentsOf } from "../shipments/shipment.repository.js";
import { InvalidReturnTransitionError, ReturnWindowClosedError } from "./return.errors.js";
import type { ReturnRecord, ReturnStatus } from "./return.model.js";
import * as repo from "./return.repository.js";
import { leftToReturn, returnRefundDue, returnTransitionError } from "./return.rules.js";
import { checkMessage, checkReceipt, checkReturnId, checkReturnRequest } from "./return.validation.js";

export interface ReturnServiceDeps {
  prisma: PrismaClient;
  events: EventLog;
  refunds: RefundService;
  /** RETURN_WINDOW_DAYS: days after a line's latest shipment during which it may be returned. */
  windowDays: number;
  /** PAYMENT_TIMEOUT_MS: a refund's transaction is bounded by its method calls. */
  paymentTimeoutMs: number;
  now?: () => Date;
}

export type RequestReturnOutcome =
  | ReturnRecord
  | QuantityNotAvailableError
  | ReturnWindowClosedError
  | OrderAlreadyRefundedError
  | InvalidOrderInputError;
export type ReturnStepOutcome = ReturnRecord | InvalidReturnTransitionError | InvalidOrderInputError;
export type RefundReturnOutcome = ReturnStepOutcome | RefundFailedError | OrderAlreadyRefundedError;

const ALL: OrderScope = { kind: "all" };
const DAY_MS = 86_400_000;
const NO_SUCH_RETURN = "This order has no return with this id.";

/** A return id argument, or the refusal naming it. */
function returnIdOf(value: unknown): number | InvalidOrderInputError {
  try {
    return checkReturnId(value);
  } catch (e) {
    if (e instanceof InputError) return new InvalidOrderInputError("returnId", NO_SUCH_RETURN);
    throw e;
  }
}

export class ReturnService {
  private readonly prisma: PrismaClient;
  private readonly now: () => Date;

  constructor(private readonly deps: ReturnServiceDeps) {
    this.prisma = deps.prisma;
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Asks for shipped units back (the owner, a guest with the order's token, or staff). Each quantity
   * is at most what was shipped of the line less what is returned or asked back already (declined
   * returns give theirs back), within RETURN_WINDOW_DAYS of the line's latest shipment.
   */
  async request(
    viewer: Viewer,
    ref: string,
    token: string | null,
    input: { lines: unknown; reason: unknown },
  ): Promise<RequestReturnOutcome> {
    const checked = checkReturnRequest(input);
    if (isErrorResult(checked)) return checked;
    const actorId = actorOf(viewer);
    return withLockedOrder(this.prisma, ref, orderScope(viewer, { token }), async (tx, order) => {
      if (order.status === "REFUNDED") return new OrderAlreadyRefundedError();
      const now = this.now();
      const items = new Set((await repo.itemTotals(tx, order.id)).map((i) => i.id));
      const shipments = await shipmentsOf(tx, [order.id]);
      const left = leftToReturn(shippedByItem(shipments), await repo.returnsOf(tx, [order.id]));
      for (const [i, line] of checked.lines.entries()) {
        if (!items.has(line.itemId))
          return new InvalidOrderInputError(`lines.${i}.itemId`, "This order has no item with this id.");
        const lastShipped = Math.max(
          0,
          ...shipments.filter((s) => s.lines.some((l) => l.itemId === line.itemId)).map((s) => s.dateCreated.getTime()),
        );
        const available = left.get(line.itemId) ?? 0;
        if (lastShipped > 0 && now.getTime() > lastShipped + this.deps.windowDays * DAY_MS)
          return new ReturnWindowClosedError(
            `lines.${i}.itemId`,
            line.itemId,
            this.deps.windowDays,
            new Date(lastShipped + this.deps.windowDays * DAY_MS),
          );
        if (line.quantity > available)
          return new QuantityNotAvailableError(`lines.${i}.quantity`, line.itemId, available, "returned");
      }
      const created = await repo.insertReturn(tx, order.id, { ...checked, requestedById: actorId, now });
      await this.deps.events.record(tx, order, {
        type: "RETURN_REQUESTED",
        public: true,
        actorId,
        returnId: created.id,
        lines: checked.lines,
        message: checked.reason,
      });
      return created;
    });
  }

  /** Runs a staff step on one return of the order, with the order locked; refuses a step its status does not allow. */
  private step<T>(
    ref: string,
    returnId: unknown,
    to: ReturnStatus,
    fn: (tx: Tx, order: OrderRecord, found: ReturnRecord, all: ReturnRecord[]) => Promise<T>,
    opts: { timeoutMs?: number } = {},
  ): Promise<T | InvalidReturnTransitionError | InvalidOrderInputError> | InvalidOrderInputError {
    const id = returnIdOf(returnId);
    if (isErrorResult(id)) return id;
    return withLockedOrder(
      this.prisma,
      ref,
      ALL,
      async (tx, order) => {
        const all = await repo.returnsOf(tx, [order.id]);
        const found = all.find((r) => r.id === id);
        if (!found) return new InvalidOrderInputError("returnId", NO_SUCH_RETURN);
        if (returnTransitionError(found.status, to)) return new InvalidReturnTransitionError(id, found.status, to);
        return fn(tx, order, found, all);
      },
      opts,
    );
  }

  /** Approves a requested return (for staff), with an optional note that only staff see. */
  async approve(viewer: Viewer, ref: string, returnId: unknown, note: unknown): Promise<ReturnStepOutcome> {
    let staffNote: string | null;
    try {
      staffNote = checkMessage(note, "note");
    } catch (e) {
      if (e instanceof InputError) return new InvalidOrderInputError(e.field, e.message);
      throw e;
    }
    return this.step(ref, returnId, "APPROVED", async (tx, order, found) => {
      const approved = await repo.updateReturn(tx, found.id, { status: "APPROVED", now: this.now(), staffNote });
      await this.deps.events.record(tx, order, {
        type: "RETURN_APPROVED",
        public: true,
        actorId: actorOf(viewer),
        returnId: found.id,
        message: staffNote,
      });
      return approved;
    });
  }

  /** Declines a requested or approved return (for staff), with a reason the customer sees. */
  async decline(viewer: Viewer, ref: string, returnId: unknown, reason: unknown): Promise<ReturnStepOutcome> {
    let declineReason: string;
    try {
      declineReason = checkMessage(reason, "reason", true)!;
    } catch (e) {
      if (e instanceof InputError) return new InvalidOrderInputError(e.field, e.message);
      throw e;
    }
    return this.step(ref, returnId, "DECLINED", async (tx, order, found) => {
      const declined = await repo.updateReturn(tx, found.id, { status: "DECLINED", now: this.now(), declineReason });
      await this.deps.events.record(tx, order, {
        type: "RETURN_DECLINED",
        public: true,
        actorId: actorOf(viewer),
        returnId: found.id,
        message: declineReason,
      });
      return declined;
    });
  }

  /**
   * The goods of an approved return came back (for staff): every line of the return says whether its
   * units go back to stock. RETURN_RECEIVED carries those lines, for the shop's inventory.
   */
  async receive(
    viewer: Viewer,
    ref: string,
    returnId: unknown,
    input: { lines: unknown; note?: unknown },
  ): Promise<ReturnStepOutcome> {
    const checked = checkReceipt(input);
    if (isErrorResult(checked)) return checked;
    return this.step(ref, returnId, "RECEIVED", async (tx, order, found) => {
      const stray = [...checked.restock.keys()].findIndex((itemId) => !found.lines.some((l) => l.itemId === itemId));
      if (stray >= 0)
        return new InvalidOrderInputError(`lines.${stray}.itemId`, "This return has no line of this item.");
      if (found.lines.some((l) => !checked.restock.has(l.itemId)))
        return new InvalidOrderInputError("lines", "Say for every line of the return whether it goes back to stock.");
      await repo.setRestock(tx, found.id, checked.restock);
      const received = await repo.updateReturn(tx, found.id, {
        status: "RECEIVED",
        now: this.now(),
        ...(checked.note !== null ? { staffNote: checked.note } : {}),
      });
      await this.deps.events.record(tx, order, {
        type: "RETURN_RECEIVED",
        public: true,
        actorId: actorOf(viewer),
        returnId: found.id,
        lines: received.lines.map((l) => ({ itemId: l.itemId, quantity: l.quantity, restock: l.restock })),
        message: checked.note,
      });
      return received;
    });
  }

  /**
   * Gives a received return's share of what was paid back (for staff), through the payments' own
   * methods, newest payment first (return.rules.ts, returnRefundDue, says how much). A method that
   * fails stops it: what was refunded stays recorded on the return, which stays RECEIVED, and asking
   * again refunds what is left of its share, never more. Nothing due (all was refunded otherwise)
   * makes it REFUNDED with nothing given back.
   */
  async refund(viewer: Viewer, ref: string, returnId: unknown): Promise<RefundReturnOutcome> {
    const actorId = actorOf(viewer);
    // The transaction is bounded by the method calls it may make: one per payment with something
    // left to refund, counted first; a payment recorded meanwhile sends us round again.
    for (;;) {
      const budget = await countUnrefunded(this.prisma, ref);
      let recount = false;
      const outcome = await this.step(
        ref,
        returnId,
        "REFUNDED",
        async (tx, order, found, all) => {
          if (order.status === "REFUNDED") return new OrderAlreadyRefundedError();
          const payments = (await paymentsOfOrder(tx, order.id)).filter((p) => !p.refundedAt);
          if (payments.length > budget) {
            recount = true;
            return new OrderAlreadyRefundedError(); // not answered: we go round again
          }
          const items = await repo.itemTotals(tx, order.id);
          let due = returnRefundDue({ order, items, returns: all }, found.id);
          let current = order;
          let given = ZERO;
          for (const payment of payments.reverse()) {
            if (due.lte(ZERO)) break;
            const amount = Money.min(due, payment.amount.minus(payment.amountRefunded));
            if (amount.lte(ZERO)) continue;
            const r = await this.deps.refunds.refundPart(tx, current, payment, amount, {
              actorId,
              reason: `Return ${found.id}`,
              kind: "return",
            });
            if (!r.ok) {
              if (given.isZero()) return new RefundFailedError(payment.paymentMethod);
              // Part-way: what the newer payments gave back stays recorded (this transaction commits),
              // the return stays RECEIVED, and its amountToRefund is the rest.
              await repo.updateReturn(tx, found.id, {
                status: "RECEIVED",
                now: this.now(),
                amountRefunded: found.amountRefunded.plus(given),
              });
              return new RefundFailedError(
                payment.paymentMethod,
                `The payment method could not refund this payment. ${formatMoney(given)} of this return's refund was given back through newer payments and stays recorded; ${formatMoney(due)} is still owed (amountToRefund): refundReturn again refunds only that.`,
              );
            }
            current = r.order;
            given = given.plus(amount);
            due = due.minus(amount);
          }
          const refunded = await repo.updateReturn(tx, found.id, {
            status: "REFUNDED",
            now: this.now(),
            amountRefunded: found.amountRefunded.plus(given),
          });
          if (
            current.status !== "REFUNDED" &&
            current.amountPaid.gt(ZERO) &&
            current.amountRefunded.gte(current.amountPaid)
          )
            await moveOrder(tx, this.deps.events, current, "REFUNDED", { actorId, now: this.now() });
          return refunded;
        },
        { timeoutMs: budget * this.deps.paymentTimeoutMs + METHOD_CALL_SLACK_MS },
      );
      if (!recount) return outcome;
    }
  }
}
