/** Order edits as the schema shows them: the changes a client sends, the preview, the committed edit. */
import "reflect-metadata";
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { ExtraRowInput, OrderItemInput } from "../orders/order.input.js";
import type { JsonObject } from "../orders/order.model.js";
import { ExtraRow, Order } from "../orders/order.type.js";
import { OrderRefund } from "../payments/refund.type.js";
import type { Money } from "../shared/money.js";
import { DecimalScalar, JSONObjectScalar } from "../shared/scalars.js";
import type { OverpaymentChoice as Choice } from "./edit.model.js";

export const OverpaymentChoiceEnum = { REFUND: "REFUND", KEEP: "KEEP" } as const satisfies { [K in Choice]: K };
registerEnumType(OverpaymentChoiceEnum, {
  name: "OverpaymentChoice",
  description:
    "What commitOrderEdit does when the new total is below what was paid net of refunds. Ignored when it is not.",
  valuesConfig: {
    REFUND: {
      description:
        "Give the difference back through the payments' own methods, newest payment first, in the same transaction as the edit.",
    },
    KEEP: {
      description: "Keep the difference as Order.amountOverpaid, for staff to refund later (refundOrderPayment).",
    },
  },
});

@InputType({ description: "A new quantity and/or unit price for one line of the order." })
export class OrderLineChangeInput {
  @Field(() => ID, { description: "The line: OrderItem.id." }) itemId!: string;
  @Field(() => Int, { nullable: true, description: "At least 1 (to drop a line, name it in removeItems)." })
  quantity?: number | null;
  @Field(() => DecimalScalar, { nullable: true, description: "At least 0.00." }) unitPrice?: string | null;
}

@InputType({
  description:
    "What an edit changes. Every part may be left out, but not all of them; a line may be named once. Amounts are recomputed by the rules of createOrder.",
})
export class OrderEditInput {
  @Field(() => [OrderItemInput], { nullable: true, description: "New lines, as createOrder takes them." })
  addItems?: OrderItemInput[] | null;
  @Field(() => [OrderLineChangeInput], { nullable: true, description: "Lines whose quantity or unit price changes." })
  changeItems?: OrderLineChangeInput[] | null;
  @Field(() => [ID], { nullable: true, description: "Lines to remove (OrderItem.id); at least one line must stay." })
  removeItems?: string[] | null;
  @Field(() => [ExtraRowInput], {
    nullable: true,
    description:
      "When given, replaces the order's extra rows (shipping, discounts…); [] removes them all. Left out, they stay as they are.",
  })
  extraRows?: ExtraRowInput[] | null;
}

@InputType({ description: "An edit to commit: the changes that were previewed, and what the preview showed." })
export class CommitOrderEditInput {
  @Field(() => OrderEditInput, { description: "The changes, as they were previewed." }) changes!: OrderEditInput;
  @Field(() => DecimalScalar, {
    description:
      "The new total the preview showed (OrderEditPreview.after.total). The commit is refused with OrderChangedError when the same changes now give another.",
  })
  expectedTotal!: string;
  @Field(() => Int, {
    nullable: true,
    description:
      "The order's editVersion the preview saw (OrderEditPreview.editVersion). When given, the commit is also refused with OrderChangedError if another edit was committed since.",
  })
  expectedVersion?: number | null;
  @Field(() => OverpaymentChoiceEnum, {
    description: "What to do when the new total is below what was paid net of refunds: REFUND it or KEEP it.",
  })
  overpayment!: Choice;
}

@ObjectType({ simpleResolvers: true, description: "One line of an order before or after an edit." })
export class OrderEditLine {
  @Field(() => ID, {
    nullable: true,
    description: "The line's OrderItem.id; null in a preview for a line the edit would add.",
  })
  itemId!: number | null;
  @Field(() => String, { description: "The product's type in the shop's catalogue, as createOrder took it." })
  productType!: string;
  @Field(() => String, { nullable: true, description: "The product's id in the shop's catalogue, if any." })
  productId!: string | null;
  @Field(() => JSONObjectScalar, { description: "The product snapshot; always has name and code." })
  product!: JsonObject;
  @Field(() => String, { description: 'product.name, or "(no name)".' }) name!: string;
  @Field(() => String, { description: 'product.code, or "(no code)".' }) code!: string;
  @Field(() => DecimalScalar, { description: "The price of one, two places." }) unitPrice!: Money;
  @Field(() => Int, { description: "How many, at least 1." }) quantity!: number;
  @Field(() => DecimalScalar, { description: "unitPrice × quantity, rounded half-even to two places." })
  subtotal!: Money;
  @Field(() => [ExtraRow], { description: "The line's own extra rows (gift wrap…), kept by an edit." })
  extraRows!: ExtraRow[];
  @Field(() => DecimalScalar, { description: "subtotal + the line's extra rows." }) total!: Money;
  @Field(() => JSONObjectScalar, { description: "The line's free-form data, as createOrder took it." })
  extra!: JsonObject;
}

@ObjectType({
  simpleResolvers: true,
  description: "An order's lines, extra rows and amounts, before or after an edit.",
})
export class OrderEditSnapshot {
  @Field(() => [OrderEditLine], { description: "The lines, oldest first; lines an edit adds come last." })
  items!: OrderEditLine[];
  @Field(() => [ExtraRow], { description: "The order's extra rows (shipping, discounts…)." })
  extraRows!: ExtraRow[];
  @Field(() => DecimalScalar, { description: "Σ line totals." }) subtotal!: Money;
  @Field(() => DecimalScalar, { description: "subtotal + the order's extra rows." }) total!: Money;
}

@ObjectType({
  simpleResolvers: true,
  description:
    "How an edit settles the money: the new total against what counts as paid (netPaid). Above it, the order owes the difference (payOrder charges exactly that); below it, the difference is refunded or kept as an overpayment, as the commit chose.",
})
export class OrderEditSettlement {
  @Field(() => DecimalScalar, {
    description:
      "What counted as paid toward the total before the edit: amountPaid less the refunds that gave back what was paid beyond the total (earlier edits' settlements, refunds of amountOverpaid). A return's refund and staff's other refunds are not taken off: a refund never makes an order owe.",
  })
  netPaid!: Money;
  @Field(() => DecimalScalar, {
    description: "The new total − netPaid: positive when the order owes, negative when it was overpaid.",
  })
  difference!: Money;
  @Field(() => DecimalScalar, {
    description:
      "What the order owes after the edit, never below zero: Order.amountOutstanding, payable through payOrder.",
  })
  amountOutstanding!: Money;
  @Field(() => DecimalScalar, {
    description:
      "What is given back through the payments' methods, newest payment first. In a preview: what overpayment: REFUND would give back.",
  })
  amountRefunded!: Money;
  @Field(() => DecimalScalar, {
    description:
      "What was paid beyond the new total and is not given back by the edit: Order.amountOverpaid. In a preview: what overpayment: KEEP would leave.",
  })
  amountOverpaid!: Money;
}

@ObjectType({
  simpleResolvers: true,
  description: "A committed edit, as its ORDER_EDITED event keeps it: the order before and after, and the settlement.",
})
export class OrderEdit {
  @Field(() => Int, { description: "The order's editVersion this edit made (1 for its first edit)." })
  version!: number;
  @Field(() => OverpaymentChoiceEnum, { description: "What the commit chose to do with an overpayment." })
  overpayment!: Choice;
  @Field(() => OrderEditSnapshot, { description: "The order's lines and amounts before the edit." })
  before!: OrderEditSnapshot;
  @Field(() => OrderEditSnapshot, {
    description: "The order's lines and amounts after the edit; added lines carry their new itemId.",
  })
  after!: OrderEditSnapshot;
  @Field(() => OrderEditSettlement, { description: "How the money was settled, as it was done." })
  settlement!: OrderEditSettlement;
}

@ObjectType({
  simpleResolvers: true,
  description:
    "What an edit would do, computed on the order as it is now; nothing is written. Commit it with commitOrderEdit, giving after.total as expectedTotal and editVersion as expectedVersion.",
})
export class OrderEditPreview {
  @Field(() => Order, { description: "The order, unchanged." }) order!: Order;
  @Field(() => Int, { description: "The order's editVersion the preview was computed on." }) editVersion!: number;
  @Field(() => OrderEditSnapshot, { description: "The order's lines and amounts as they are now." })
  before!: OrderEditSnapshot;
  @Field(() => OrderEditSnapshot, { description: "The new lines, extra rows and totals." }) after!: OrderEditSnapshot;
  @Field(() => OrderEditSettlement, {
    description:
      "The settlement as things stand: amountRefunded is what REFUND would give back, amountOverpaid what KEEP would leave.",
  })
  settlement!: OrderEditSettlement;
}

@ObjectType({ simpleResolvers: true, description: "A committed edit and the order it left." })
export class CommittedOrderEdit {
  @Field(() => Order, { description: "The order after the edit and its settlement." }) order!: Order;
  @Field(() => OrderEdit, { description: "What was changed, as the ORDER_EDITED event keeps it." }) edit!: OrderEdit;
  @Field(() => [OrderRefund], {
    description: "The refunds the settlement made, newest payment first; empty when none.",
  })
  refunds!: OrderRefund[];
}
