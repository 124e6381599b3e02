/** The GraphQL schema, built from the resolvers; `npm run build` writes it to schema.graphql. */
import "reflect-metadata";
import { GraphQLObjectType, printSchema, type GraphQLSchema } from "graphql";
import { buildSchemaSync } from "type-graphql";
import type { Context } from "./context.js";
import { connectionFields, OrderConnectionResolver, OrderFieldsResolver, orderFields, type FieldFunction } from "./orders/order.fields.resolver.js";
import { OrderResolver } from "./orders/order.resolver.js";
import { DateTimeISOScalar } from "./shared/scalars.js";

let schema: GraphQLSchema | undefined;

export function createSchema(): GraphQLSchema {
  if (schema) return schema;
  schema = buildSchemaSync({
    resolvers: [OrderResolver, OrderFieldsResolver, OrderConnectionResolver],
    scalarsMap: [{ type: Date, scalar: DateTimeISOScalar }],
    validate: false, // input is checked by the services, which answer typed errors naming the field
  });
  resolveDirectly(schema, "Order", orderFields);
  resolveDirectly(schema, "OrderConnection", connectionFields);
  return schema;
}

/**
 * Points fields of a built type at their plain functions, without type-graphql's per-call wrapper
 * (see order.fields.resolver.ts). Only for field resolvers that take no arguments, have no
 * middleware and no authorization rule: each function is the one its decorated method calls.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function resolveDirectly(s: GraphQLSchema, typeName: string, fns: Record<string, FieldFunction<any>>): void {
  const type = s.getType(typeName);
  if (!(type instanceof GraphQLObjectType)) throw new Error(`${typeName} is not an object type`);
  const fields = type.getFields();
  for (const [name, fn] of Object.entries(fns)) {
    const field = fields[name];
    if (!field || field.args.length > 0) throw new Error(`${typeName}.${name} cannot be resolved directly`);
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
