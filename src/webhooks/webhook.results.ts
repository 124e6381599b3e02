/** What the webhook mutations answer: the new webhook with its secret, and the unions with refusals. */
import "reflect-metadata";
import { createUnionType, Field, ObjectType } from "type-graphql";
import { InvalidInputError } from "../shared/error-result.js";
import { Webhook } from "./webhook.type.js";

@ObjectType({
  simpleResolvers: true,
  description: "A new webhook and its signing secret (whsec_…), which is shown this once.",
})
export class WebhookCreated {
  @Field(() => Webhook) webhook: Webhook;
  @Field(() => String) secret: string;
  constructor(webhook: Webhook, secret: string) {
    this.webhook = webhook;
    this.secret = secret;
  }
}

export const CreateWebhookResult = createUnionType({
  name: "CreateWebhookResult",
  types: () => [WebhookCreated, InvalidInputError] as const,
});
export const UpdateWebhookResult = createUnionType({
  name: "UpdateWebhookResult",
  types: () => [Webhook, InvalidInputError] as const,
});
