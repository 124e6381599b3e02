/**
 * Order edits: previewOrderEdit and commitOrderEdit (staff only), and the fields edits add to
 * orders and their events. Thin: access is declared here, the rest is decided in edit.service.ts.
 */
import "reflect-metadata";
import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import { Role } from "../auth/auth-checker.js";
import { OrderEvent } from "../history/event.type.js";
import { amountOverpaid } from "../orders/order.balance.js";
import type { OrderRecord } from "../orders/order.model.js";
import { toOrderNode } from "../orders/order.nodes.js";
import { Order } from "../orders/order.type.js";
import { OrderRefund } from "../payments/refund.type.js";
import { isErrorResult } from "../shared/error-result.js";
import type { Money } from "../shared/money.js";
import { DecimalScalar } from "../shared/scalars.js";
import type { EditContext } from "./edit.context.js";
import { detailsOf } from "./edit.details.js";
import type { EditChanges, EditDetails, EditSnapshot } from "./edit.model.js";
import { CommitOrderEditResult, PreviewOrderEditResult } from "./edit.results.js";
import {
  CommitOrderEditInput,
  CommittedOrderEdit,
  OrderEdit,
  OrderEditInput,
  OrderEditPreview,
  OrderEditSnapshot,
} from "./edit.type.js";

const snapshot = (s: EditSnapshot): OrderEditSnapshot => Object.assign(new OrderEditSnapshot(), s);
const edit = (d: EditDetails): OrderEdit =>
  Object.assign(new OrderEdit(), { ...d, before: snapshot(d.before), after: snapshot(d.after) });
const changesOf = (c: OrderEditInput): EditChanges => c;

@Resolver()
export class EditResolver {
  @Authorized(Role.STAFF)
  @Query(() => PreviewOrderEditResult, {
    description:
      "What an edit would do to the order now: the new lines, totals and settlement. Writes nothing. Staff only; NOT_FOUND when there is no such order.",
  })
  async previewOrderEdit(
    @Ctx() ctx: EditContext,
    @Arg("ref", () => String, { description: "The order's ref." }) ref: string,
    @Arg("changes", () => OrderEditInput, { description: "What the edit would change." }) changes: OrderEditInput,
  ): Promise<typeof PreviewOrderEditResult> {
    const r = await ctx.edits.preview(ref, changesOf(changes));
    if (isErrorResult(r)) return r;
    return Object.assign(new OrderEditPreview(), {
      ...r,
      order: toOrderNode(r.order),
      before: snapshot(r.before),
      after: snapshot(r.after),
    });
  }

  @Authorized(Role.STAFF)
  @Mutation(() => CommitOrderEditResult, {
    description:
      "Make an edit that was previewed, settling the difference in money (see OrderEditSettlement), in one transaction. Refused with OrderChangedError when the order changed after the preview. Staff only; honours Idempotency-Key.",
  })
  async commitOrderEdit(
    @Ctx() ctx: EditContext,
    @Arg("ref", () => String, { description: "The order's ref." }) ref: string,
    @Arg("input", () => CommitOrderEditInput, {
      description: "The previewed changes, the total the preview showed, and what to do with an overpayment.",
    })
    input: CommitOrderEditInput,
  ): Promise<typeof CommitOrderEditResult> {
    const r = await ctx.edits.commit(ctx.viewer, ref, { ...input, changes: changesOf(input.changes) });
    if (isErrorResult(r)) return r;
    return Object.assign(new CommittedOrderEdit(), {
      order: toOrderNode(r.order),
      edit: edit(r.edit),
      refunds: r.refunds.map((x) => Object.assign(new OrderRefund(), x)),
    });
  }
}

@Resolver(() => Order)
export class OrderEditFieldsResolver {
  @FieldResolver(() => DecimalScalar, {
    description:
      "What was paid beyond the total and not given back yet: what counts as paid (amountPaid less the refunds of an overpayment and of edits' settlements) − total, never below zero. An edit that lowers the total below what was paid leaves it here when the commit chose KEEP; refundOrderPayment gives it back.",
  })
  amountOverpaid(@Root() order: OrderRecord): Money {
    return amountOverpaid(order);
  }
}

@Resolver(() => OrderEvent)
export class EventEditFieldsResolver {
  @FieldResolver(() => OrderEdit, {
    nullable: true,
    description:
      "ORDER_EDITED: the order before and after the edit, and how the money was settled; null for other events.",
  })
  edit(@Root() e: Pick<OrderEvent, "type"> & { edit?: Record<string, unknown> | null }): OrderEdit | null {
    const json = e.edit;
    return e.type === "ORDER_EDITED" && json ? edit(detailsOf(json)) : null;
  }
}
