/** The order input types of the contract. Values are checked by the services (order.validation.ts). */
import "reflect-metadata";
import { Field, ID, InputType, Int } from "type-graphql";
import { DateTimeISOScalar, DecimalScalar, JSONObjectScalar } from "../shared/scalars.js";
import type { JsonObject } from "./order.model.js";
import { OrderStatusEnum } from "./order.enums.js";
import type { OrderStatus } from "./status.js";

@InputType()
export class OrderFilter {
  @Field(() => [OrderStatusEnum], { nullable: true }) status?: OrderStatus[] | null;
  @Field(() => Boolean, { nullable: true }) isPaid?: boolean | null;
  @Field(() => String, { nullable: true, description: "Matches a ref or an email exactly, or a ref prefix." }) search?:
    string | null;
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
  @Field(() => ID, { nullable: true, description: "The customer who owns the order; none for a guest order." })
  userId?: string | null;
  @Field(() => OrderStatusEnum, { nullable: true, description: "Defaults to CREATED." }) status?: OrderStatus | null;
  @Field(() => [OrderItemInput]) items!: OrderItemInput[];
  @Field(() => [ExtraRowInput], { nullable: true }) extraRows?: ExtraRowInput[] | null;
  @Field(() => JSONObjectScalar, { nullable: true }) extra?: JsonObject | null;
}
