/** The GraphQL schema, built from the resolvers; `npm run build` writes it to schema.graphql. */
import "reflect-metadata";
import { isAbstractType, isObjectType, printSchema, type GraphQLSchema } from "graphql";
import { buildSchemaSync, getMetadataStorage } from "type-graphql";
import { authChecker, PUBLIC_ROOT_FIELDS } from "./auth/auth-checker.js";
// Imported in this order so that the types and fields of schema.graphql come in the order they always have.
import { OrderFieldsResolver } from "./orders/order.fields.resolver.js";
import { OrderResolver } from "./orders/order.resolver.js";
import {
  OrderPaymentFieldsResolver,
  PaymentFieldsResolver,
  RefundFieldsResolver,
} from "./payments/payment.fields.resolver.js";
import { PaymentResolver } from "./payments/payment.resolver.js";
import { EventFieldsResolver, OrderHistoryResolver } from "./history/history.fields.resolver.js";
import { DateTimeISOScalar } from "./shared/scalars.js";
import { EventSubscriptionResolver } from "./subscriptions/order-events.resolver.js";
import { DeliveryFieldsResolver, WebhookResolver } from "./webhooks/webhook.resolver.js";
import { nodeKinds } from "./nodes/node.registry.js";
import {
  ItemReturnFieldsResolver,
  OrderReturnFieldsResolver,
  ReturnFieldsResolver,
  ReturnLineFieldsResolver,
  ReturnResolver,
} from "./returns/return.resolver.js";
import {
  ItemShipmentFieldsResolver,
  OrderShipmentFieldsResolver,
  ShipmentFieldsResolver,
  ShipmentLineFieldsResolver,
  ShipmentResolver,
} from "./shipments/shipment.resolver.js";
import { NodeFieldsResolver, NodeResolver } from "./nodes/node.resolver.js";
// order edits
import { EditResolver, EventEditFieldsResolver, OrderEditFieldsResolver } from "./edits/edit.resolver.js";

let schema: GraphQLSchema | undefined;

export function createSchema(): GraphQLSchema {
  if (schema) return schema;
  const built = buildSchemaSync({
    resolvers: [
      OrderResolver,
      PaymentResolver,
      OrderFieldsResolver,
      OrderPaymentFieldsResolver,
      OrderHistoryResolver,
      EventFieldsResolver,
      PaymentFieldsResolver,
      RefundFieldsResolver,
      EventSubscriptionResolver,
      WebhookResolver,
      DeliveryFieldsResolver,
      NodeResolver,
      NodeFieldsResolver,
      // order edits
      EditResolver,
      OrderEditFieldsResolver,
      EventEditFieldsResolver,
      // Shipments and returns
      ShipmentResolver,
      OrderShipmentFieldsResolver,
      ItemShipmentFieldsResolver,
      ShipmentFieldsResolver,
      ShipmentLineFieldsResolver,
      ReturnResolver,
      OrderReturnFieldsResolver,
      ItemReturnFieldsResolver,
      ReturnFieldsResolver,
      ReturnLineFieldsResolver,
    ],
    // Subscriptions bring their own event sources (subscriptions/event-bus.ts: every server hears every
    // event through PostgreSQL); type-graphql asks for a PubSub all the same.
    pubSub: {
      publish: () => {
        throw new Error("events are published by the database (NOTIFY), not through type-graphql");
      },
      subscribe: () => {
        throw new Error("subscriptions open their streams on the event bus");
      },
    },
    scalarsMap: [{ type: Date, scalar: DateTimeISOScalar }],
    authChecker,
    authMode: "error",
    validate: false, // input is checked by the services, which answer typed errors naming the field
  });
  freshLoadersForEachMutation(built);
  const unguarded = unguardedRootFields(built);
  if (unguarded.length)
    throw new Error(`Root fields with no @Authorized rule that are not on PUBLIC_ROOT_FIELDS: ${unguarded.join(", ")}`);
  const unmatched = unmatchedNodeKinds(built);
  if (unmatched.length) throw new Error(`Node types and registered Node kinds disagree: ${unmatched.join("; ")}`);
  return (schema = built);
}

/**
 * Each mutation field starts with new per-request loaders (RequestContext.dropLoaders): mutation
 * fields run one after the other, and a loader keeps what it read for the rest of its request, so in
 * `mutation { a: changeOrderStatus(…) { history … } b: addOrderNote(…) { history … } }` b's answer
 * would show the history a's read, without b's own event. Queries keep one set of loaders.
 */
function freshLoadersForEachMutation(s: GraphQLSchema): void {
  for (const field of Object.values(s.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve;
    if (!resolve) continue;
    field.resolve = (root, args, context: { dropLoaders?: () => void }, info) => {
      context.dropLoaders?.();
      return resolve(root, args, context, info);
    };
  }
}

/**
 * Where the Node types of a schema and the Node kinds registered (nodes/node.registry.ts) disagree:
 * a type that implements Node with no kind to load it by id, or a kind whose type is not a Node of
 * the schema. None may exist.
 */
export function unmatchedNodeKinds(s: GraphQLSchema, kinds = nodeKinds()): string[] {
  const node = s.getType("Node");
  const types = node && !isObjectType(node) && isAbstractType(node) ? s.getPossibleTypes(node).map((t) => t.name) : [];
  const named = new Set(kinds.map((k) => k.typeName));
  return [
    ...types.filter((t) => !named.has(t)).map((t) => `${t} implements Node and no Node kind was registered for it`),
    ...[...named]
      .filter((t) => !types.includes(t))
      .map((t) => `a Node kind was registered for ${t}, which does not implement Node`),
  ];
}

/** Root fields ("Query.x") that carry no authorization rule and are not declared public: none may exist. */
export function unguardedRootFields(s: GraphQLSchema): string[] {
  const storage = getMetadataStorage();
  const roots = [
    [s.getQueryType(), storage.queries],
    [s.getMutationType(), storage.mutations],
    [s.getSubscriptionType(), storage.subscriptions],
  ] as const;
  const out: string[] = [];
  for (const [type, definitions] of roots) {
    for (const d of definitions) {
      const id = `${type?.name}.${d.schemaName}`;
      if (!type?.getFields()[d.schemaName] || PUBLIC_ROOT_FIELDS.has(id)) continue;
      const guarded =
        storage.authorizedFields.some((f) => f.target === d.target && f.fieldName === d.methodName) ||
        storage.authorizedResolver.some((r) => r.target === d.target);
      if (!guarded) out.push(id);
    }
  }
  return out;
}

/** The schema as committed in schema.graphql. */
export function printSchemaFile(s: GraphQLSchema = createSchema()): string {
  return (
    "# This file is written by `npm run build` from the server's code (src/schema.ts). Do not edit it.\n" +
    "# A test fails when it drifts from the code, or when it breaks the public contract.\n\n" +
    printSchema(s) +
    "\n"
  );
}

/**
 * For clients with a normalized cache (Apollo Client's `possibleTypes`, urql's graphcache): every
 * union and interface with the object types it may be. Without it, Apollo Client cannot match
 * `... on ErrorResult` fragments and drops their fields. Committed in client/possible-types.json.
 */
export function possibleTypes(s: GraphQLSchema = createSchema()): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const type of Object.values(s.getTypeMap())) {
    if (type.name.startsWith("__") || !isAbstractType(type)) continue;
    out[type.name] = s
      .getPossibleTypes(type)
      .map((t) => t.name)
      .sort();
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

export function printPossibleTypesFile(s: GraphQLSchema = createSchema()): string {
  return JSON.stringify(possibleTypes(s), null, 2) + "\n";
}
