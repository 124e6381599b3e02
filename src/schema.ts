/** The GraphQL schema, built from the resolvers; `npm run build` writes it to schema.graphql. */
import "reflect-metadata";
import { printSchema, type GraphQLSchema } from "graphql";
import { buildSchemaSync } from "type-graphql";
import { OrderConnectionResolver, OrderFieldsResolver } from "./orders/order.fields.resolver.js";
import { OrderResolver } from "./orders/order.resolver.js";
import { DateTimeISOScalar } from "./shared/scalars.js";

let schema: GraphQLSchema | undefined;

export function createSchema(): GraphQLSchema {
  schema ??= buildSchemaSync({
    resolvers: [OrderResolver, OrderFieldsResolver, OrderConnectionResolver],
    scalarsMap: [{ type: Date, scalar: DateTimeISOScalar }],
    validate: false, // input is checked by the services, which answer typed errors naming the field
  });
  return schema;
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
