/** The GraphQL object and input types of orders (names and shapes from the public contract). */
import "reflect-metadata";
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { DateTimeISOScalar, DecimalScalar, JSONObjectScalar } from "../shared/scalars.js";
import type { Money } from "../shared/money.js";
import type { JsonObject, OrderSort as OrderSortValue } from "./order.model.js";
import { ORDER_STATUSES, type OrderStatus as OrderStatusValue } from "./status.js";

export const OrderStatusEnum = Object.fromEntries(ORDER_STATUSES.map((s) => [s, s])) as { [K in OrderStatusValue]: K };
registerEnumType(OrderStatusEnum, { name: "OrderStatus" });

export const OrderSortEnum: { [K in OrderSortValue]: K } = {
  DATE_CREATED_DESC: "DATE_CREATED_DESC",
  DATE_CREATED_ASC: "DATE_CREATED_ASC",
  TOTAL_DESC: "TOTAL_DESC",
  TOTAL_ASC: "TOTAL_ASC",
};
registerEnumType(OrderSortEnum, { name: "OrderSort" });

@ObjectType({ simpleResolvers: true })
export class User {
  @Field(() => ID) id!: number;
  @Field(() => String) email!: string;
  @Field(() => Boolean) isStaff!: boolean;
}

@ObjectType({ simpleResolvers: true })
export class ExtraRow {
  @Field(() => String) label!: string;
  @Field(() => DecimalScalar) amount!: Money;
  @Field(() => String, { nullable: true }) modifier!: string | null;
  @Field(() => JSONObjectScalar) extra!: JsonObject;
}

@ObjectType({ simpleResolvers: true })
export class OrderItem {
  @Field(() => ID) id!: number;
  @Field(() => String) productType!: string;
  @Field(() => String, { nullable: true }) productId!: string | null;
  @Field(() => JSONObjectScalar, { description: "Snapshot of the product taken when the order was created; always has name and code." })
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
export class OrderPayment {
  @Field(() => ID) id!: number;
  @Field(() => DecimalScalar) amount!: Money;
  @Field(() => String) transactionId!: string;
  @Field(() => String, { description: "The payment method identifier." }) paymentMethod!: string;
  @Field(() => String, { description: "The payment method label, or the identifier when no such method is configured." })
  paymentMethodLabel!: string;
  @Field(() => DateTimeISOScalar) dateCreated!: Date;
  @Field(() => DateTimeISOScalar, { nullable: true, description: "When this payment was refunded; null while it is not." })
  refundedAt!: Date | null;
}

@ObjectType({ simpleResolvers: true })
export class OrderNote {
  @Field(() => ID) id!: number;
  @Field(() => String) message!: string;
  @Field(() => Boolean, { description: "Whether the customer can see it. Non-staff callers only ever see public notes." }) public!: boolean;
  @Field(() => DateTimeISOScalar) dateCreated!: Date;
}

@ObjectType({ simpleResolvers: true })
export class StatusTransition {
  @Field(() => OrderStatusEnum) value!: OrderStatusValue;
  @Field(() => String) label!: string;
  @Field(() => String, { nullable: true, description: "Null when the order may move to this status, else the reason it may not." })
  error!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class PaymentMethod {
  @Field(() => String) identifier!: string;
  @Field(() => String) label!: string;
}

@ObjectType({ simpleResolvers: true })
export class PaymentMethodChoice {
  @Field(() => String) identifier!: string;
  @Field(() => String) label!: string;
  @Field(() => String, { nullable: true, description: "Null when this method can pay the order now, else the reason it cannot." })
  error!: string | null;
}

/** Fields that are plain properties of the record; relations and derived fields are in order.fields.resolver.ts. */
@ObjectType({ simpleResolvers: true })
export class Order {
  @Field(() => ID) id!: number;
  @Field(() => String) ref!: string;
  @Field(() => String) token!: string;
  @Field(() => OrderStatusEnum) status!: OrderStatusValue;
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
}

@ObjectType({ simpleResolvers: true })
export class OrderStatusInfo {
  @Field(() => OrderStatusEnum) status!: OrderStatusValue;
  @Field(() => String) statusDisplay!: string;
  @Field(() => [StatusTransition]) statusTransitions!: StatusTransition[];
}

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => Boolean) hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class OrderEdge {
  @Field(() => String) cursor!: string;
  @Field(() => Order) node!: Order;
}

@ObjectType({ simpleResolvers: true })
export class OrderConnection {
  constructor(
    nodes: Order[],
    private readonly makeEdges: () => OrderEdge[],
    pageInfo: PageInfo,
    /** Counted only when the field is asked for (see the connection resolver). */
    readonly countTotal: () => Promise<number>,
  ) {
    this.nodes = nodes;
    this.pageInfo = pageInfo;
  }

  /** Made when asked for: a cursor per order costs more than most pages need. */
  @Field(() => [OrderEdge])
  get edges(): OrderEdge[] {
    return (this.edgesMade ??= this.makeEdges());
  }
  private edgesMade?: OrderEdge[];

  @Field(() => [Order]) nodes: Order[];
  @Field(() => PageInfo) pageInfo: PageInfo;
}

@InputType()
export class OrderFilter {
  @Field(() => [OrderStatusEnum], { nullable: true }) status?: OrderStatusValue[] | null;
  @Field(() => Boolean, { nullable: true }) isPaid?: boolean | null;
  @Field(() => String, { nullable: true, description: "Matches a ref or an email exactly, or a ref prefix." }) search?: string | null;
  @Field(() => DateTimeISOScalar, { nullable: true }) createdAfter?: Date | null;
  @Field(() => DateTimeISOScalar, { nullable: true }) createdBefore?: Date | null;
}

@InputType()
export class ExtraRowInput {
  @Field(() => String) label!: string;
  @Field(() => DecimalScalar) amount!: string;
  @Field(() => String, { nullable: true }) modifier?: string | null;
  @Field(() => JSONObjectScalar, { nullable: true }) extra?: JsonObject | null;
}

@InputType()
export class OrderItemInput {
  @Field(() => String) productType!: string;
  @Field(() => String, { nullable: true }) productId?: string | null;
  @Field(() => JSONObjectScalar, { description: "Must hold at least name and code." }) product!: JsonObject;
  @Field(() => DecimalScalar) unitPrice!: string;
  @Field(() => Int) quantity!: number;
  @Field(() => [ExtraRowInput], { nullable: true }) extraRows?: ExtraRowInput[] | null;
  @Field(() => JSONObjectScalar, { nullable: true }) extra?: JsonObject | null;
}

@InputType()
export class CreateOrderInput {
  @Field(() => String) email!: string;
  @Field(() => String, { nullable: true }) billingAddress?: string | null;
  @Field(() => String, { nullable: true }) shippingAddress?: string | null;
  @Field(() => ID, { nullable: true, description: "The customer who owns the order; none for a guest order." }) userId?: string | null;
  @Field(() => OrderStatusEnum, { nullable: true, description: "Defaults to CREATED." }) status?: OrderStatusValue | null;
  @Field(() => [OrderItemInput]) items!: OrderItemInput[];
  @Field(() => [ExtraRowInput], { nullable: true }) extraRows?: ExtraRowInput[] | null;
  @Field(() => JSONObjectScalar, { nullable: true }) extra?: JsonObject | null;
}

@InputType()
export class RecordPaymentInput {
  @Field(() => DecimalScalar) amount!: string;
  @Field(() => String) transactionId!: string;
  @Field(() => String) paymentMethod!: string;
}
