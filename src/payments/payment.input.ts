/** The inputs of recordOrderPayment and refundOrderPayment. Values are checked by the services (payment.validation.ts). */
import "reflect-metadata";
import { Field, ID, InputType } from "type-graphql";
import { DecimalScalar } from "../shared/scalars.js";

@InputType()
export class RecordPaymentInput {
  @Field(() => DecimalScalar) amount!: string;
  @Field(() => String) transactionId!: string;
  @Field(() => String) paymentMethod!: string;
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
