/** Payment methods as the API shows them. */
import "reflect-metadata";
import { Field, ObjectType } from "type-graphql";

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
