/** What webhook resolvers use of a request's context (context.ts puts every folder's part together). */
import type { WebhookLoaders } from "./webhook.loaders.js";
import type { WebhookService } from "./webhook.service.js";

export interface WebhookContext {
  webhooks: WebhookService;
  loaders: WebhookLoaders;
}
