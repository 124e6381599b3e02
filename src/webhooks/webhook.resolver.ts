/** Webhook queries, mutations and fields; staff only. */
import "reflect-metadata";
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Role } from "../auth/auth-checker.js";
import { OrderEvent } from "../history/event.type.js";
import { isErrorResult } from "../shared/error-result.js";
import { idCursor, pageSize, toPage } from "../shared/pagination.js";
import type { WebhookContext } from "./webhook.context.js";
import "./webhook.node-kinds.js"; // Webhook and WebhookDelivery are Nodes: registered wherever their fields are
import { CreateWebhookInput, UpdateWebhookInput } from "./webhook.input.js";
import { CreateWebhookResult, UpdateWebhookResult, WebhookCreated } from "./webhook.results.js";
import {
  Webhook,
  WebhookAttempt,
  WebhookDelivery,
  WebhookDeliveryConnection,
  WebhookDeliveryStatusEnum,
  type DeliveryStatus,
} from "./webhook.type.js";

/** An id argument as a row id; null for anything that cannot be one (which then matches nothing). */
const rowId = (id: string): number | null => (/^\d{1,9}$/.test(id) ? Number(id) : null);
const asNode = (w: Webhook) => Object.assign(new Webhook(), w);
const deliveryCursor = idCursor("delivery", "pass an endCursor from this webhook's deliveries.");

@Resolver(() => Webhook)
export class WebhookResolver {
  @Authorized(Role.STAFF)
  @Query(() => [Webhook], { description: "Every webhook. Staff only." })
  webhooks(@Ctx() ctx: WebhookContext): Promise<Webhook[]> {
    return ctx.webhooks.list();
  }

  @Authorized(Role.STAFF)
  @Query(() => Webhook, { nullable: true, description: "One webhook, or null. Staff only." })
  async webhook(@Ctx() ctx: WebhookContext, @Arg("id", () => ID) id: string): Promise<Webhook | null> {
    const n = rowId(id);
    return n === null ? null : ctx.webhooks.get(n);
  }

  @Authorized(Role.STAFF)
  @Mutation(() => CreateWebhookResult, { description: "Staff only." })
  async createWebhook(
    @Ctx() ctx: WebhookContext,
    @Arg("input", () => CreateWebhookInput) input: CreateWebhookInput,
  ): Promise<typeof CreateWebhookResult> {
    const r = await ctx.webhooks.create(input);
    return isErrorResult(r) ? r : new WebhookCreated(asNode(r.webhook), r.secret);
  }

  @Authorized(Role.STAFF)
  @Mutation(() => UpdateWebhookResult, {
    nullable: true,
    description: "Staff only; null when there is no such webhook.",
  })
  async updateWebhook(
    @Ctx() ctx: WebhookContext,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateWebhookInput) input: UpdateWebhookInput,
  ): Promise<typeof UpdateWebhookResult | null> {
    const n = rowId(id);
    if (n === null) return null;
    const r = await ctx.webhooks.update(n, input);
    return r === null || isErrorResult(r) ? r : asNode(r);
  }

  @Authorized(Role.STAFF)
  @Mutation(() => Boolean, {
    description: "Staff only; false when there was no such webhook. Its pending deliveries are dropped.",
  })
  async deleteWebhook(@Ctx() ctx: WebhookContext, @Arg("id", () => ID) id: string): Promise<boolean> {
    const n = rowId(id);
    return n === null ? false : ctx.webhooks.delete(n);
  }

  @Authorized(Role.STAFF)
  @Mutation(() => WebhookDelivery, {
    nullable: true,
    description:
      "Sends a delivery again now (a new attempt of the same delivery, same webhook-id). Staff only; null when there is none.",
  })
  async redeliverWebhookDelivery(
    @Ctx() ctx: WebhookContext,
    @Arg("id", () => ID) id: string,
  ): Promise<WebhookDelivery | null> {
    // A delivery is named by its webhook-id (WebhookDelivery.id); one longer than any can be matches none.
    return id.length > 100 ? null : ctx.webhooks.redeliver(id);
  }

  @FieldResolver(() => WebhookDeliveryConnection, { description: "Its deliveries, newest first." })
  async deliveries(
    @Root() webhook: Pick<Webhook, "id">,
    @Ctx() ctx: WebhookContext,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("status", () => WebhookDeliveryStatusEnum, { nullable: true }) status: DeliveryStatus | null,
  ): Promise<WebhookDeliveryConnection> {
    const n = pageSize(first);
    const beforeId = after ? deliveryCursor.decode(after) : null;
    const rows = await ctx.loaders.deliveries.page(n + 1, beforeId, status).load(webhook.id);
    return new WebhookDeliveryConnection(
      toPage(rows, n, {
        after: beforeId !== null,
        cursorOf: deliveryCursor.encode,
        count: () => ctx.loaders.deliveries.count(status).load(webhook.id),
      }),
    );
  }
}

@Resolver(() => WebhookDelivery)
export class DeliveryFieldsResolver {
  @FieldResolver(() => OrderEvent)
  event(@Root() d: Pick<WebhookDelivery, "eventId">, @Ctx() ctx: WebhookContext): Promise<OrderEvent | null> {
    return ctx.loaders.event.load(d.eventId);
  }

  @FieldResolver(() => [WebhookAttempt], {
    description: "Every attempt, oldest first: its status code, error and time.",
  })
  attemptLog(@Root() d: Pick<WebhookDelivery, "id">, @Ctx() ctx: WebhookContext): Promise<WebhookAttempt[]> {
    return ctx.loaders.attempts.load(d.id);
  }
}
