/** Webhooks and their deliveries as the contract shows them. */
import "reflect-metadata";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import type { OrderEventType } from "../history/event.model.js";
import { OrderEventTypeEnum } from "../history/event.type.js";
import { Node } from "../nodes/node.type.js";
import { Connection } from "../shared/connection.type.js";
import { DateTimeISOScalar } from "../shared/scalars.js";

export type DeliveryStatus = "PENDING" | "SUCCEEDED" | "FAILED";
export const WebhookDeliveryStatusEnum: { [K in DeliveryStatus]: K } = {
  PENDING: "PENDING",
  SUCCEEDED: "SUCCEEDED",
  FAILED: "FAILED",
};
registerEnumType(WebhookDeliveryStatusEnum, {
  name: "WebhookDeliveryStatus",
  valuesConfig: {
    PENDING: { description: "Not yet delivered; nextAttemptAt says when it is tried next." },
    FAILED: { description: "Given up on after the last retry (or the endpoint was disabled or deleted)." },
  },
});

@ObjectType({
  implements: Node,
  simpleResolvers: true,
  description:
    "An endpoint that is sent order events by HTTP POST, signed as the Standard Webhooks specification says.",
})
export class Webhook {
  @Field(() => ID) id!: number;
  @Field(() => String) url!: string;
  @Field(() => [OrderEventTypeEnum], { description: "The event types it is sent; empty means all." })
  events!: OrderEventType[];
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => Boolean) enabled!: boolean;
  @Field(() => String, {
    nullable: true,
    description:
      "Why the server switched it off (after failing for too long); null while it is on or was switched off by staff.",
  })
  disabledReason!: string | null;
  @Field(() => DateTimeISOScalar) dateCreated!: Date;
}

@ObjectType({ simpleResolvers: true, description: "One HTTP attempt of a delivery." })
export class WebhookAttempt {
  @Field(() => Int, {
    nullable: true,
    description: "The HTTP status the endpoint answered; null when it did not answer.",
  })
  statusCode!: number | null;
  @Field(() => String, { nullable: true, description: "Why the attempt failed; null when it succeeded." })
  error!: string | null;
  @Field(() => Int, { description: "How long the attempt took." }) durationMs!: number;
  @Field(() => DateTimeISOScalar) dateCreated!: Date;
  deliveryId!: number;
}

@ObjectType({
  implements: Node,
  simpleResolvers: true,
  description: "One event sent to one webhook: every attempt until it succeeds or is given up on.",
})
export class WebhookDelivery {
  // Shown as `id`: the delivery's webhook-id ("msg_…"), unique across databases, rather than its row
  // id, which starts at 1 in every database. Not a simple resolver: the default one would read `id`.
  @Field(() => ID, {
    name: "id",
    simple: false,
    description: "Also the webhook-id header of every attempt, so the receiver can drop duplicates.",
  })
  messageId!: string;
  /** The row's id: the order deliveries are sent and listed in (and their cursors). */
  id!: number;
  @Field(() => WebhookDeliveryStatusEnum) status!: DeliveryStatus;
  @Field(() => Int) attempts!: number;
  @Field(() => Int, { nullable: true, description: "The HTTP status of the last attempt; null when it got no answer." })
  lastStatusCode!: number | null;
  @Field(() => String, {
    nullable: true,
    description: "Why the last attempt failed (timeout, connection refused, a status code).",
  })
  lastError!: string | null;
  @Field(() => DateTimeISOScalar, { nullable: true }) nextAttemptAt!: Date | null;
  @Field(() => DateTimeISOScalar) dateCreated!: Date;
  @Field(() => DateTimeISOScalar, { nullable: true }) dateDelivered!: Date | null;
  webhookId!: number;
  eventId!: number;
}

@ObjectType({ simpleResolvers: true })
export class WebhookDeliveryConnection extends Connection(WebhookDelivery, "WebhookDeliveryEdge") {}
