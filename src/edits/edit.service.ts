/**
 * Order edits (for staff): preview what changes would do, then commit them. A commit loads the
 * order under its row lock, asks the pure rules (edit.rules.ts), settles the money (a refund goes
 * through the payments' methods, payments/refund.service.ts), writes the lines, amounts and the
 * ORDER_EDITED event, all in one transaction.
 */
import { actorOf, type OrderScope, type Viewer } from "../auth/viewer.js";
import { inTransaction, TRANSACTION_TIMEOUT_MS } from "../db/transaction.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { EventLog } from "../history/event-log.js";
import { paidInFull } from "../orders/order.balance.js";
import { InvalidOrderInputError } from "../orders/order.errors.js";
import { withLockedOrder } from "../orders/order.lock.js";
import type { OrderRecord } from "../orders/order.model.js";
import { findOrderByRef } from "../orders/order.repository.js";
import { checkMoney, validated } from "../orders/order.validation.js";
import type { OrderRules } from "../orders/status.js";
import { RefundFailedError } from "../payments/payment.errors.js";
import type { OrderRefundRecord } from "../payments/payment.model.js";
import { METHOD_CALL_SLACK_MS } from "../payments/payment.steps.js";
import type { RefundService } from "../payments/refund.service.js";
import { isErrorResult } from "../shared/error-result.js";
import { notFound } from "../shared/errors.js";
import { sumMoney } from "../shared/money.js";
import { detailsJson } from "./edit.details.js";
import { OrderChangedError, OrderNotEditableError } from "./edit.errors.js";
import type { EditChanges, EditDetails, EditSnapshot, OverpaymentChoice, Settlement } from "./edit.model.js";
import { linesOf, shippedOf, writeEdit } from "./edit.repository.js";
import { editRefusal, planEdit, settle } from "./edit.rules.js";

export interface EditServiceDeps {
  prisma: PrismaClient;
  rules: OrderRules;
  events: EventLog;
  refunds: RefundService;
  /** How long a payment method may take to refund one payment. */
  timeoutMs: number;
  now?: () => Date;
}

export interface EditPreview {
  order: OrderRecord;
  editVersion: number;
  before: EditSnapshot;
  after: EditSnapshot;
  settlement: Settlement;
}

export type PreviewOutcome = EditPreview | OrderNotEditableError | InvalidOrderInputError;

export type CommitOutcome =
  | { order: OrderRecord; edit: EditDetails; refunds: OrderRefundRecord[] }
  | OrderNotEditableError
  | OrderChangedError
  | InvalidOrderInputError
  | RefundFailedError;

export interface CommitInput {
  changes: EditChanges;
  expectedTotal: unknown;
  expectedVersion?: number | null;
  overpayment: OverpaymentChoice;
}

const ALL: OrderScope = { kind: "all" };

export class EditService {
  private readonly prisma: PrismaClient;
  private readonly now: () => Date;

  constructor(private readonly deps: EditServiceDeps) {
    this.prisma = deps.prisma;
    this.now = deps.now ?? (() => new Date());
  }

  /** What `changes` would do to the order now, and how the money would be settled; writes nothing. */
  preview(ref: string, changes: EditChanges): Promise<PreviewOutcome> {
    return inTransaction(this.prisma, async (tx) => {
      const order = await findOrderByRef(tx, ref, ALL);
      if (!order) throw notFound();
      const lines = await linesOf(tx, order.id);
      const shipped = await shippedOf(tx, order.id);
      const refusal = editRefusal(this.deps.rules, order, lines, shipped);
      if (refusal) return new OrderNotEditableError(order.status, refusal);
      const p = validated(() => planEdit(order, lines, changes, shipped));
      if (isErrorResult(p)) return p;
      const refundable = (await this.deps.refunds.refundableOf(tx, order.id)).amount;
      const refund = settle(order, p.after.total, "REFUND", refundable);
      const keep = settle(order, p.after.total, "KEEP", refundable);
      return {
        order,
        editVersion: order.editVersion,
        before: p.before,
        after: p.after,
        settlement: { ...refund, amountOverpaid: keep.amountOverpaid },
      };
    });
  }

  /**
   * Commits `changes` when they still give `expectedTotal` (and, when given, no edit came between
   * the preview and now), settling the difference: what the order owes stays outstanding; what was
   * overpaid is refunded newest payment first or kept, as `overpayment` says.
   */
  async commit(viewer: Viewer, ref: string, input: CommitInput): Promise<CommitOutcome> {
    const expected = validated(() => checkMoney(input.expectedTotal, "expectedTotal"));
    if (isErrorResult(expected)) return expected;
    const actorId = actorOf(viewer);
    // The transaction is bounded by the refunds it may ask for: one per payment with something left,
    // counted first. A payment recorded between the count and the lock sends us round again.
    for (;;) {
      const budget = await this.deps.refunds.paymentsLeftToRefund(ref);
      const outcome = await withLockedOrder(
        this.prisma,
        ref,
        ALL,
        async (tx, order): Promise<CommitOutcome | null> => {
          const lines = await linesOf(tx, order.id);
          const shipped = await shippedOf(tx, order.id);
          const refusal = editRefusal(this.deps.rules, order, lines, shipped);
          if (refusal) return new OrderNotEditableError(order.status, refusal);
          const plan = validated(() => planEdit(order, lines, input.changes, shipped));
          const moved = input.expectedVersion != null && input.expectedVersion !== order.editVersion;
          if (moved)
            return new OrderChangedError(
              expected,
              isErrorResult(plan) ? order.total : plan.after.total,
              order.editVersion,
            );
          if (isErrorResult(plan)) return plan;
          if (!plan.after.total.eq(expected))
            return new OrderChangedError(expected, plan.after.total, order.editVersion);
          const refundable = await this.deps.refunds.refundableOf(tx, order.id);
          if (refundable.payments > budget) return null;
          const planned = settle(order, plan.after.total, input.overpayment, refundable.amount);
          let current = order;
          let refunds: OrderRefundRecord[] = [];
          const version = order.editVersion + 1;
          if (planned.amountRefunded.gt(0)) {
            const r = await this.deps.refunds.refundNewestFirst(tx, order, planned.amountRefunded, {
              actorId,
              reason: `Order edit ${version}`,
            });
            // Nothing given back: the edit is not made (the failure's own event is kept).
            if (r.failed && r.refunds.length === 0)
              return new RefundFailedError(
                r.failed.paymentMethod,
                `The payment method could not refund ${planned.amountRefunded.toFixed(2)}; the order was not changed. Commit with overpayment: KEEP, or try again.`,
              );
            current = r.order;
            refunds = r.refunds;
          }
          const refunded = sumMoney(refunds.map((x) => x.amount));
          const settlement: Settlement = {
            ...planned,
            amountRefunded: refunded,
            amountOverpaid: planned.amountOverpaid.plus(planned.amountRefunded.minus(refunded)),
          };
          const after = { ...current, total: plan.after.total, editVersion: version };
          const written = await writeEdit(tx, current, plan, {
            editVersion: version,
            isPaid: paidInFull(after),
            now: this.now(),
          });
          const addedIds = [...written.addedIds];
          const details: EditDetails = {
            version,
            overpayment: input.overpayment,
            before: plan.before,
            after: {
              ...plan.after,
              items: plan.after.items.map((l) => (l.itemId === null ? { ...l, itemId: addedIds.shift()! } : l)),
            },
            settlement,
          };
          await this.deps.events.record(tx, order, {
            type: "ORDER_EDITED",
            public: true,
            actorId,
            amount: settlement.difference,
            edit: detailsJson(details),
          });
          return { order: written.order, edit: details, refunds };
        },
        // Lines are written as well as refunds asked for: the usual bound, and the refunds' on top.
        { timeoutMs: TRANSACTION_TIMEOUT_MS + budget * (this.deps.timeoutMs + METHOD_CALL_SLACK_MS) },
      );
      if (outcome) return outcome;
    }
  }
}
