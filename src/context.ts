/**
 * What every resolver gets: the caller, the services, and per-request loaders. Each folder declares
 * the part it uses (orders/order.context.ts, payments/payment.context.ts, …) and builds the loaders
 * of its own relations; they are put together here, once per request.
 */
import type { Viewer } from "./auth/viewer.js";
import { isStaff } from "./auth/viewer.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import type { HistoryContext } from "./history/history.context.js";
import type { NodeContext } from "./nodes/node.context.js";
import type { HistoryCache } from "./history/event.cache.js";
import { createHistoryLoaders, type HistoryLoaders } from "./history/history.loaders.js";
import { createOrderLoaders, type OrderLoaders } from "./orders/order.loaders.js";
import { FULL_SELECT, type ReadSelect } from "./orders/order.select.js";
import type { OrderService } from "./orders/order.service.js";
import type { PaymentContext } from "./payments/payment.context.js";
import { createPaymentLoaders, type PaymentLoaders } from "./payments/payment.loaders.js";
import type { PaymentService } from "./payments/payment.service.js";
import type { RefundService } from "./payments/refund.service.js";
import type { PaymentRegistry } from "./payments/registry.js";
import type { ReturnContext } from "./returns/return.context.js";
import { createReturnLoaders, type ReturnLoaders } from "./returns/return.loaders.js";
import type { ReturnService } from "./returns/return.service.js";
import type { ShipmentContext } from "./shipments/shipment.context.js";
import { createShipmentLoaders, type ShipmentLoaders } from "./shipments/shipment.loaders.js";
import type { ShipmentService } from "./shipments/shipment.service.js";
import type { EventBus } from "./subscriptions/event-bus.js";
import type { SubscriptionContext } from "./subscriptions/subscription.context.js";
import { createUserLoaders, type UserLoaders } from "./users/user.loaders.js";
import type { WebhookContext } from "./webhooks/webhook.context.js";
import { createWebhookLoaders, type WebhookLoaders } from "./webhooks/webhook.loaders.js";
import type { WebhookService } from "./webhooks/webhook.service.js";
// order edits
import type { EditContext } from "./edits/edit.context.js";
import type { EditService } from "./edits/edit.service.js";

/** Every folder's per-request loaders. */
export type Loaders = OrderLoaders &
  UserLoaders &
  PaymentLoaders &
  HistoryLoaders &
  WebhookLoaders &
  ShipmentLoaders &
  ReturnLoaders;

export interface Context
  extends
    PaymentContext,
    HistoryContext,
    WebhookContext,
    SubscriptionContext,
    NodeContext,
    ShipmentContext,
    ReturnContext,
    EditContext {
  loaders: Loaders;
}

/** The services a request's context hands to resolvers. */
export interface ContextServices {
  prisma: PrismaClient;
  orders: OrderService;
  payments: PaymentService;
  refunds: RefundService;
  registry: PaymentRegistry;
  events: EventBus;
  webhooks: WebhookService;
  edits: EditService;
  shipments: ShipmentService;
  returns: ReturnService;
  /** The server's cache of orders' first history pages (history/event.cache.ts). */
  historyCache?: HistoryCache;
}

interface LoaderOptions {
  select: ReadSelect;
  registry: PaymentRegistry;
  staff: boolean;
  /** The server's cache of history pages; none: every page is read. */
  historyCache?: HistoryCache;
}

/** Each folder's loaders, by folder. */
const FOLDERS = {
  orders: (prisma: PrismaClient, o: LoaderOptions) => createOrderLoaders(prisma, { select: o.select, staff: o.staff }),
  users: (prisma: PrismaClient) => createUserLoaders(prisma),
  payments: (prisma: PrismaClient, o: LoaderOptions) => createPaymentLoaders(prisma, o.registry),
  history: (prisma: PrismaClient, o: LoaderOptions) => createHistoryLoaders(prisma, !o.staff, o.historyCache),
  webhooks: (prisma: PrismaClient) => createWebhookLoaders(prisma),
  shipments: (prisma: PrismaClient) => createShipmentLoaders(prisma),
  returns: (prisma: PrismaClient) => createReturnLoaders(prisma),
};
type Folder = keyof typeof FOLDERS;
/** The folder whose loaders hold `K`. */
type FolderOf<K> = { [F in Folder]: K extends keyof ReturnType<(typeof FOLDERS)[F]> ? F : never }[Folder];

/** Which folder makes each loader (the compiler checks that every one is named, and rightly). */
const LOADER_FOLDERS: { [K in keyof Loaders]-?: FolderOf<K> } = {
  items: "orders",
  notes: "orders",
  visibleOrders: "orders",
  visibleItems: "orders",
  users: "users",
  payments: "payments",
  payment: "payments",
  orderRefunds: "payments",
  paymentRefunds: "payments",
  visiblePayments: "payments",
  visibleRefunds: "payments",
  history: "history",
  visibleEvents: "history",
  deliveries: "webhooks",
  event: "webhooks",
  attempts: "webhooks",
  webhooksById: "webhooks",
  deliveriesByMessageId: "webhooks",
  shipments: "shipments",
  visibleShipments: "shipments",
  returns: "returns",
  refundFacts: "returns",
  visibleReturns: "returns",
};

/**
 * The loaders of one request: what the caller may see, with the columns `select` names. Each
 * folder's are made when one of them is first read: a request makes only those of the folders it
 * reads (an order's detail neither webhooks' nor history's).
 */
class RequestLoaders {
  private readonly made: { [F in Folder]?: ReturnType<(typeof FOLDERS)[F]> } = {};
  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: LoaderOptions,
  ) {}

  folder<F extends Folder>(folder: F): ReturnType<(typeof FOLDERS)[F]> {
    return (this.made[folder] ??= FOLDERS[folder](this.prisma, this.options) as never);
  }
}
for (const [key, folder] of Object.entries(LOADER_FOLDERS) as [keyof Loaders, Folder][]) {
  Object.defineProperty(RequestLoaders.prototype, key, {
    get(this: RequestLoaders) {
      return (this.folder(folder) as unknown as Record<string, unknown>)[key];
    },
  });
}

export function createLoaders(prisma: PrismaClient, o: LoaderOptions): Loaders {
  return new RequestLoaders(prisma, o) as unknown as Loaders;
}

/**
 * A request's context. Its loaders are made once, when a resolver first reads them: by then the
 * operation is known and `select` says which columns its order reads fetch (http/plugins.ts sets
 * it), and a subscription that resolves nothing makes none. (Apollo copies a context's own
 * properties for each operation of a batch; the getter stays on the prototype, so each copy makes
 * its own.)
 */
export class RequestContext implements Context {
  readonly orders: OrderService;
  readonly payments: PaymentService;
  readonly refunds: RefundService;
  readonly registry: PaymentRegistry;
  readonly events: EventBus;
  readonly webhooks: WebhookService;
  readonly edits: EditService;
  readonly shipments: ShipmentService;
  readonly returns: ReturnService;
  private made: Loaders | undefined = undefined;
  /**
   * A read replica for this request's reads (set before any is made, when the whole operation
   * tolerates lag: http/replica-reads.ts); undefined: the primary.
   */
  reads: PrismaClient | undefined = undefined;

  constructor(
    private readonly services: ContextServices,
    readonly viewer: Viewer,
    public select: ReadSelect = FULL_SELECT,
    /** The request's Order-Token header (nodes/node.context.ts). */
    readonly orderToken: string | null = null,
  ) {
    this.orders = services.orders;
    this.payments = services.payments;
    this.refunds = services.refunds;
    this.registry = services.registry;
    this.events = services.events;
    this.webhooks = services.webhooks;
    this.edits = services.edits;
    this.shipments = services.shipments;
    this.returns = services.returns;
  }

  /**
   * Forgets what this request's loaders read: each mutation field starts with new ones (schema.ts),
   * so that its answer shows what it and the fields before it wrote, not what a loader read before.
   */
  dropLoaders(): void {
    this.made = undefined;
  }

  get loaders(): Loaders {
    return (this.made ??= createLoaders(this.reads ?? this.services.prisma, {
      select: this.select,
      registry: this.registry,
      staff: isStaff(this.viewer),
      historyCache: this.services.historyCache,
    }));
  }
}
