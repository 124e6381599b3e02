/** Returns as GraphQL objects. */
import "reflect-metadata";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Node } from "../nodes/node.type.js";
import type { Money } from "../shared/money.js";
import { DateTimeISOScalar, DecimalScalar } from "../shared/scalars.js";
import { RETURN_STATUSES, type ReturnStatus } from "./return.model.js";

export const ReturnStatusEnum = Object.fromEntries(RETURN_STATUSES.map((s) => [s, s])) as { [K in ReturnStatus]: K };
registerEnumType(ReturnStatusEnum, {
  name: "ReturnStatus",
  description:
    "Where a return is: requested, then approved or declined by staff; approved, then received; received, then refunded.",
  valuesConfig: {
    REQUESTED: { description: "Asked for; staff have not answered yet." },
    APPROVED: { description: "Staff accepted it; the goods may be sent back." },
    DECLINED: { description: "Staff refused it (declineReason says why); its units may be asked back again." },
    RECEIVED: { description: "The goods came back; each line says whether it went back to stock." },
    REFUNDED: { description: "Its share of what was paid was given back (refundReturn)." },
  },
});

@ObjectType({ simpleResolvers: true, description: "Some units of one order line, in a return." })
export class ReturnLine {
  @Field(() => ID, { description: "The OrderItem.id of the line." }) itemId!: number;
  @Field(() => Int, { description: "How many of its units are returned." }) quantity!: number;
  @Field(() => Boolean, {
    nullable: true,
    description: "Whether the units went back to stock, said when the goods were received; null until then.",
  })
  restock!: boolean | null;
  orderId!: number;
}

@ObjectType({
  implements: Node,
  simpleResolvers: true,
  description:
    "Goods the customer sends back: some shipped units of some lines, for a reason. The owner, a guest with the order's token and staff see it; staff's own note and who asked for it are staff's alone.",
})
export class OrderReturn {
  @Field(() => ID) id!: number;
  @Field(() => ReturnStatusEnum) status!: ReturnStatus;
  @Field(() => String, { description: "Why, as the customer (or staff for them) wrote it." }) reason!: string;
  @Field(() => String, {
    nullable: true,
    description: "Why staff declined it (the customer sees it); null unless DECLINED.",
  })
  declineReason!: string | null;
  @Field(() => [ReturnLine], { description: "What it holds, in the order the lines were given." })
  lines!: ReturnLine[];
  @Field(() => DecimalScalar, {
    description: "What was given back for it through the payments' methods (refundReturn); 0.00 until then.",
  })
  amountRefunded!: Money;
  // amountToRefund: a field resolver (return.resolver.ts), computed from the order's amounts and items.
  @Field(() => DateTimeISOScalar, { description: "When it was requested." }) dateCreated!: Date;
  @Field(() => DateTimeISOScalar, { description: "When its status last changed." }) dateUpdated!: Date;
  orderId!: number;
  staffNote!: string | null;
  requestedById!: number | null;
}
