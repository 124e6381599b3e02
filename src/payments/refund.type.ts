/** Refunds as the contract shows them, and the input of refundOrderPayment. */
import "reflect-metadata";
import { Field, ID, InputType, ObjectType } from "type-graphql";
import type { Money } from "../shared/money.js";
import { DateTimeISOScalar, DecimalScalar } from "../shared/scalars.js";

@ObjectType({
  simpleResolvers: true,
  description: "Money given back from one payment. A payment can be refunded in several parts.",
})
export class OrderRefund {
  @Field(() => ID) id!: number;
  @Field(() => DecimalScalar) amount!: Money;
  @Field(() => String, {
    nullable: true,
    description: "The payment method's own reference for the refund, when it gives one.",
  })
  transactionId!: string | null;
  @Field(() => DateTimeISOScalar) dateCreated!: Date;
  paymentId!: number;
  orderId!: number;
  reason!: string | null;
  actorId!: number | null;
}

@InputType()
export class RefundPaymentInput {
  @Field(() => ID, { description: "The OrderPayment.id to give money back from." }) paymentId!: string;
  @Field(() => DecimalScalar, {
    nullable: true,
    description: "How much; the whole refundable amount of the payment when omitted.",
  })
  amount?: string | null;
  @Field(() => String, { nullable: true }) reason?: string | null;
}
