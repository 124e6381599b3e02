/** Payments and payment methods as the contract shows them. */
import "reflect-metadata";
import { Field, ID, ObjectType } from "type-graphql";
import { Node } from "../nodes/node.type.js";
import type { Money } from "../shared/money.js";
import { DateTimeISOScalar, DecimalScalar } from "../shared/scalars.js";

@ObjectType({ implements: Node, simpleResolvers: true })
export class OrderPayment {
  @Field(() => ID) id!: number;
  @Field(() => DecimalScalar) amount!: Money;
  @Field(() => String) transactionId!: string;
  @Field(() => String, { description: "The payment method identifier." }) paymentMethod!: string;
  @Field(() => String, {
    description: "The payment method label, or the identifier when no such method is configured.",
  })
  paymentMethodLabel!: string;
  @Field(() => DateTimeISOScalar) dateCreated!: Date;
  @Field(() => DateTimeISOScalar, {
    nullable: true,
    description: "When this payment was refunded in full; null while any of it is not.",
  })
  refundedAt!: Date | null;
  @Field(() => DecimalScalar, { description: "The sum of this payment's refunds." }) amountRefunded!: Money;
  orderId!: number;
}

@ObjectType("PaymentMethod", { simpleResolvers: true })
export class PaymentMethodInfo {
  @Field(() => String) identifier!: string;
  @Field(() => String) label!: string;
}

@ObjectType({ simpleResolvers: true })
export class PaymentMethodChoice {
  @Field(() => String) identifier!: string;
  @Field(() => String) label!: string;
  @Field(() => String, {
    nullable: true,
    description: "Null when this method can pay the order now, else the reason it cannot.",
  })
  error!: string | null;
}
