/**
 * The order object types of the contract. Fields that are plain properties of the records; the
 * derived and loaded ones are declared in order.fields.resolver.ts.
 */
import "reflect-metadata";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { Node } from "../nodes/node.type.js";
import { DateTimeISOScalar, DecimalScalar, JSONObjectScalar } from "../shared/scalars.js";
import type { Money } from "../shared/money.js";
import type { JoinedRelations, JsonObject } from "./order.model.js";
import { OrderStatusEnum } from "./order.enums.js";
import type { OrderStatus } from "./status.js";

@ObjectType({ simpleResolvers: true })
export class ExtraRow {
  @Field(() => String) label!: string;
  @Field(() => DecimalScalar) amount!: Money;
  @Field(() => String, { nullable: true }) modifier!: string | null;
  @Field(() => JSONObjectScalar) extra!: JsonObject;
}

@ObjectType({ implements: Node, simpleResolvers: true })
export class OrderItem {
  @Field(() => ID) id!: number;
  @Field(() => String) productType!: string;
  @Field(() => String, { nullable: true }) productId!: string | null;
  @Field(() => JSONObjectScalar, {
    description: "Snapshot of the product taken when the order was created; always has name and code.",
  })
  product!: JsonObject;
  @Field(() => String, { description: 'product.name, or "(no name)".' }) name!: string;
  @Field(() => String, { description: 'product.code, or "(no code)".' }) code!: string;
  @Field(() => DecimalScalar) unitPrice!: Money;
  @Field(() => Int) quantity!: number;
  @Field(() => DecimalScalar) subtotal!: Money;
  @Field(() => [ExtraRow]) extraRows!: ExtraRow[];
  @Field(() => DecimalScalar) total!: Money;
  @Field(() => JSONObjectScalar) extra!: JsonObject;
}

@ObjectType({ simpleResolvers: true })
export class OrderNote {
  @Field(() => ID) id!: number;
  @Field(() => String) message!: string;
  @Field(() => Boolean, {
    description: "Whether the customer can see it. Non-staff callers only ever see public notes.",
  })
  public!: boolean;
  @Field(() => DateTimeISOScalar) dateCreated!: Date;
}

@ObjectType({ simpleResolvers: true })
export class StatusTransition {
  @Field(() => OrderStatusEnum) value!: OrderStatus;
  @Field(() => String) label!: string;
  @Field(() => String, {
    nullable: true,
    description: "Null when the order may move to this status, else the reason it may not.",
  })
  error!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class OrderStatusInfo {
  @Field(() => OrderStatusEnum) status!: OrderStatus;
  @Field(() => String) statusDisplay!: string;
  @Field(() => [StatusTransition]) statusTransitions!: StatusTransition[];
}

@ObjectType({ implements: Node, simpleResolvers: true })
export class Order {
  @Field(() => ID) id!: number;
  @Field(() => String) ref!: string;
  @Field(() => String) token!: string;
  @Field(() => OrderStatusEnum) status!: OrderStatus;
  @Field(() => DateTimeISOScalar) dateCreated!: Date;
  @Field(() => DateTimeISOScalar) dateUpdated!: Date;
  @Field(() => Boolean) isPaid!: boolean;
  @Field(() => String) email!: string;
  @Field(() => String) billingAddress!: string;
  @Field(() => String) shippingAddress!: string;
  @Field(() => String) currency!: string;
  @Field(() => DecimalScalar) subtotal!: Money;
  @Field(() => [ExtraRow]) extraRows!: ExtraRow[];
  @Field(() => DecimalScalar) total!: Money;
  @Field(() => DecimalScalar) amountPaid!: Money;
  @Field(() => DecimalScalar) amountRefunded!: Money;
  @Field(() => JSONObjectScalar) extra!: JsonObject;
  userId!: number | null;
  // order edits
  @Field(() => Int, {
    description:
      "How many edits were committed to the order (0: never edited); commitOrderEdit may be given the count its preview saw. amountOutstanding (what payOrder charges) is total less what counts as paid: amountPaid less the refunds of an overpayment and of edits' settlements. A return's refund and staff's other refunds are not taken off: a refund never makes an order owe.",
  })
  editVersion!: number;
  /** What the read fetched with it (not a field: the relation fields answer from it). */
  joined?: JoinedRelations;
}
