/** Webhook endpoints managed by staff: their URLs checked, their secrets made, their deliveries listed and resent. */
import { inTransaction } from "../db/transaction.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { OrderEventType } from "../history/event.model.js";
import { InvalidInputError } from "../shared/error-result.js";
import { newWebhookSecret } from "./webhook.payload.js";
import * as repo from "./webhook.repository.js";
import { urlRefusal } from "./url-guard.js";

const MAX_DESCRIPTION = 500;

export interface WebhookServiceDeps {
  prisma: PrismaClient;
  allowPrivate: boolean;
  /** Told when deliveries became due (a redelivery), so that this server sends them now. */
  onDue(): void;
}

export class WebhookService {
  constructor(private readonly deps: WebhookServiceDeps) {}

  list(): Promise<repo.WebhookRecord[]> {
    return repo.listWebhooks(this.deps.prisma);
  }

  get(id: number): Promise<repo.WebhookRecord | null> {
    return repo.findWebhook(this.deps.prisma, id);
  }

  private async checked(input: {
    url?: string | null;
    description?: string | null;
  }): Promise<InvalidInputError | null> {
    if (input.url != null) {
      const refusal = await urlRefusal(input.url.trim(), this.deps.allowPrivate);
      if (refusal) return new InvalidInputError("url", refusal);
    }
    if (input.description != null && input.description.length > MAX_DESCRIPTION) {
      return new InvalidInputError("description", `Ensure this field has no more than ${MAX_DESCRIPTION} characters.`);
    }
    return null;
  }

  /** A new endpoint and its secret, which the API shows this once. */
  async create(input: {
    url: string;
    events?: OrderEventType[] | null;
    description?: string | null;
  }): Promise<{ webhook: repo.WebhookRecord; secret: string } | InvalidInputError> {
    const refused = await this.checked(input);
    if (refused) return refused;
    const secret = newWebhookSecret();
    const webhook = await repo.insertWebhook(this.deps.prisma, {
      url: input.url.trim(),
      events: [...new Set(input.events ?? [])],
      description: input.description?.trim() || null,
      secret,
    });
    return { webhook, secret };
  }

  /** Null when there is no such webhook. Switching it on clears why it was off; switching it off gives up on its pending deliveries. */
  async update(
    id: number,
    input: {
      url?: string | null;
      events?: OrderEventType[] | null;
      description?: string | null;
      enabled?: boolean | null;
    },
  ): Promise<repo.WebhookRecord | InvalidInputError | null> {
    const refused = await this.checked(input);
    if (refused) return refused;
    return inTransaction(this.deps.prisma, async (tx) => {
      const before = await repo.findWebhook(tx, id);
      if (!before) return null;
      const updated = await repo.updateWebhook(tx, id, {
        ...(input.url != null && { url: input.url.trim() }),
        ...(input.events != null && { events: [...new Set(input.events)] }),
        ...(input.description !== undefined && { description: input.description?.trim() || null }),
        ...(input.enabled === true && { enabled: true, disabledReason: null, failingSince: null }),
        ...(input.enabled === false && { enabled: false, disabledReason: null }),
      });
      if (before.enabled && input.enabled === false) await repo.failPending(tx, id, "The webhook was switched off.");
      return updated;
    });
  }

  /** False when there was no such webhook; its deliveries go with it. */
  delete(id: number): Promise<boolean> {
    return repo.deleteWebhook(this.deps.prisma, id);
  }

  /** Sends a delivery again (same webhook-id), now; null when there is none. */
  async redeliver(messageId: string): Promise<repo.DeliveryRecord | null> {
    const d = await repo.redeliver(this.deps.prisma, messageId, new Date());
    if (d) this.deps.onDue();
    return d;
  }
}
