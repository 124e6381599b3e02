/** The inputs of createShipment (and the item lines returns share). Values are checked by the services (shipment.validation.ts). */
import "reflect-metadata";
import { Field, ID, InputType, Int } from "type-graphql";

@InputType({ description: "Some units of one order line." })
export class ItemLineInput {
  @Field(() => ID, { description: "The OrderItem.id of the line." }) itemId!: string;
  @Field(() => Int, { description: "How many of its units: a whole number, at least 1." }) quantity!: number;
}

@InputType({ description: "A shipment of chosen lines and quantities, with its tracking." })
export class CreateShipmentInput {
  @Field(() => [ItemLineInput], {
    description:
      "The lines shipped (each item at most once, up to 100 lines), each quantity at most what is left to ship of it (ordered − shipped).",
  })
  lines!: ItemLineInput[];
  @Field(() => String, { description: "The carrier's name, up to 128 characters." }) carrier!: string;
  @Field(() => String, { description: "The carrier's tracking number, up to 128 characters." })
  trackingNumber!: string;
  @Field(() => String, { nullable: true, description: "Where the customer can track it: an http or https URL." })
  trackingUrl?: string | null;
}
