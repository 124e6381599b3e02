/** The GraphQL schema, built from the resolvers; `npm run build` writes it to schema.graphql. */
import "reflect-metadata";
import { GraphQLObjectType, isAbstractType, printSchema, type GraphQLSchema } from "graphql";
import { buildSchemaSync, getMetadataStorage } from "type-graphql";
import { authChecker, PUBLIC_ROOT_FIELDS } from "./auth/auth-checker.js";
import type { Context } from "./context.js";
// Imported in this order so that the types and fields of schema.graphql come in the order they always have.
import { OrderFieldsResolver, orderFields } from "./orders/order.fields.resolver.js";
import { OrderResolver } from "./orders/order.resolver.js";
import {
  OrderPaymentFieldsResolver,
  orderPaymentFields,
  paymentFields,
  PaymentFieldsResolver,
  refundFields,
  RefundFieldsResolver,
} from "./payments/payment.fields.resolver.js";
import { PaymentResolver } from "./payments/payment.resolver.js";
import { eventFields, EventFieldsResolver, OrderHistoryResolver } from "./history/history.fields.resolver.js";
import type { FieldFunction } from "./shared/field-function.js";
import { DateTimeISOScalar } from "./shared/scalars.js";
import { EventSubscriptionResolver } from "./subscriptions/order-events.resolver.js";
import { deliveryFields, DeliveryFieldsResolver, WebhookResolver } from "./webhooks/webhook.resolver.js";

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
  const unguarded = unguardedRootFields(built);
  if (unguarded.length)
    throw new Error(`Root fields with no @Authorized rule that are not on PUBLIC_ROOT_FIELDS: ${unguarded.join(", ")}`);
  resolveDirectly(built, OrderFieldsResolver, "Order", orderFields);
  resolveDirectly(built, OrderPaymentFieldsResolver, "Order", orderPaymentFields);
  resolveDirectly(built, EventFieldsResolver, "OrderEvent", eventFields);
  resolveDirectly(built, PaymentFieldsResolver, "OrderPayment", paymentFields);
  resolveDirectly(built, RefundFieldsResolver, "OrderRefund", refundFields);
  resolveDirectly(built, DeliveryFieldsResolver, "WebhookDelivery", deliveryFields);
  return (schema = built);
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

/**
 * Points fields of a built type at their plain functions, without type-graphql's per-call wrapper
 * (see order.fields.resolver.ts). Refused for a field that takes arguments, or that carries an
 * authorization rule or middleware: only the wrapper applies those.
 */
export function resolveDirectly(
  s: GraphQLSchema,
  resolver: Function,
  typeName: string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each function takes its own parent type
  fns: Record<string, FieldFunction<any, any>>,
): void {
  const type = s.getType(typeName);
  if (!(type instanceof GraphQLObjectType)) throw new Error(`${typeName} is not an object type`);
  const storage = getMetadataStorage();
  const classGuarded =
    storage.authorizedResolver.some((r) => r.target === resolver) ||
    storage.resolverMiddlewares.some((m) => m.target === resolver);
  const fields = type.getFields();
  for (const [name, fn] of Object.entries(fns)) {
    const field = fields[name];
    const guarded =
      classGuarded ||
      storage.authorizedFields.some((f) => f.target === resolver && f.fieldName === name) ||
      storage.middlewares.some((m) => m.target === resolver && m.fieldName === name);
    if (!field || field.args.length > 0 || guarded) throw new Error(`${typeName}.${name} cannot be resolved directly`);
    field.resolve = (parent: unknown, _args: unknown, ctx: Context) => fn(parent, ctx);
  }
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
