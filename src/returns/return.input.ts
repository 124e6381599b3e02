/** The inputs of requestReturn and receiveReturn. Values are checked by the service (return.validation.ts). */
import "reflect-metadata";
import { Field, ID, InputType } from "type-graphql";
import { ItemLineInput } from "../shipments/shipment.input.js";

@InputType({ description: "A return of shipped lines and quantities, with a reason." })
export class RequestReturnInput {
  @Field(() => [ItemLineInput], {
    description:
      "The lines to return (each item at most once), each quantity at most what was shipped of it less what is returned or asked to be returned already.",
  })
  lines!: ItemLineInput[];
  @Field(() => String, { description: "Why, up to 1000 characters; the customer and staff see it." }) reason!: string;
}

@InputType({ description: "One line of a received return: whether its units go back to stock." })
export class ReceivedLineInput {
  @Field(() => ID, { description: "The OrderItem.id of a line of the return." }) itemId!: string;
  @Field(() => Boolean, {
    description:
      "true: the units go back to stock (RETURN_RECEIVED says so to the shop's inventory); false: they do not.",
  })
  restock!: boolean;
}

@InputType({ description: "The goods of a return came back." })
export class ReceiveReturnInput {
  @Field(() => [ReceivedLineInput], {
    description: "Every line of the return, once, each saying whether it goes back to stock.",
  })
  lines!: ReceivedLineInput[];
  @Field(() => String, { nullable: true, description: "Staff's own note (staff only)." }) note?: string | null;
}
