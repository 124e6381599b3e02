/** The inputs that manage webhooks. Values are checked by the service (webhook.service.ts). */
import "reflect-metadata";
import { Field, InputType } from "type-graphql";
import type { OrderEventType } from "../history/event.model.js";
import { OrderEventTypeEnum } from "../history/event.type.js";

@InputType()
export class CreateWebhookInput {
  @Field(() => String) url!: string;
  @Field(() => [OrderEventTypeEnum], { nullable: true }) events?: OrderEventType[] | null;
  @Field(() => String, { nullable: true }) description?: string | null;
}

@InputType()
export class UpdateWebhookInput {
  @Field(() => String, { nullable: true }) url?: string | null;
  @Field(() => [OrderEventTypeEnum], { nullable: true }) events?: OrderEventType[] | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => Boolean, {
    nullable: true,
    description: "true switches a disabled webhook back on (its failed deliveries stay failed).",
  })
  enabled?: boolean | null;
}
