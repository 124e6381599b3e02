/** Refunds as the contract shows them. */
import "reflect-metadata";
import { Field, ID, ObjectType } from "type-graphql";
import { Node } from "../nodes/node.type.js";
import type { Money } from "../shared/money.js";
import { DateTimeISOScalar, DecimalScalar } from "../shared/scalars.js";

@ObjectType({
  implements: Node,
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
