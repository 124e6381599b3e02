/**
 * Executes queries and mutations with graphql-jit instead of graphql-js: each distinct document is
 * compiled once into plain JavaScript (cached, LRU). A staff page of 100 orders with every field
 * costs 31–44% less CPU than with graphql-js (8.5–13.5 against 15.0–19.7 ms a request, three
 * alternations); a guest's order detail the same either way (BENCHMARKS.md, "Tricks measured").
 * Plugged in through Apollo's gateway interface, the one way Apollo Server takes another executor;
 * parsing, validation, plugins and error formatting stay Apollo's. Subscriptions run on graphql-js
 * (http/subscriptions.ts). test/integration/executors.test.ts runs the suite's operations through
 * both executors and fails when their answers differ, errors included. With tracing on, each
 * execution is a span of its own, named and described as OpenTelemetry's GraphQL instrumentation
 * names graphql-js's (which it cannot see here).
 */
import type { GatewayExecutor, GatewayInterface } from "@apollo/server-gateway-interface";
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  printSchema,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";
import type { Tracing } from "../telemetry/tracing.js";

const MAX_CACHED = 1000;

export interface Execution {
  /** The document's text (the cache key, with the operation name). */
  source: string;
  document: DocumentNode;
  operationName: string | null | undefined;
  contextValue: unknown;
  variables: Record<string, unknown> | undefined;
}

/**
 * graphql-jit's errors are of its own making: no `extensions` when the resolver's error had none
 * (Apollo then fails while reading them and answers a bare INTERNAL_SERVER_ERROR without asking
 * formatError). Each becomes a graphql-js GraphQLError with the same message, locations, path and
 * original error, as graphql-js would have reported it.
 */
function asGraphQLError(e: GraphQLError): GraphQLError {
  const made = new GraphQLError(e.message, {
    path: e.path,
    originalError: e.originalError ?? undefined,
    extensions: e.extensions ?? undefined,
  });
  if (e.locations) (made as { locations?: unknown }).locations = e.locations;
  return made;
}

/** Runs operations with graphql-jit, compiled once per document and operation. */
export function jitExecutor(schema: GraphQLSchema, tracing?: Tracing): (x: Execution) => Promise<ExecutionResult> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Compiled = { query: CompiledQuery<any, any>; operation: OperationDefinitionNode } | ExecutionResult;
  const cache = new Map<string, Compiled>();

  function compiled(x: Execution): Compiled {
    const key = `${x.operationName ?? ""}\u0000${x.source}`;
    const hit = cache.get(key);
    if (hit) {
      cache.delete(key); // keep the most recent at the end (LRU)
      cache.set(key, hit);
      return hit;
    }
    const query = compileQuery(schema, x.document, x.operationName ?? undefined);
    const operation = getOperationAST(x.document, x.operationName);
    const fresh: Compiled = isCompiledQuery(query) && operation ? { query, operation } : (query as ExecutionResult);
    cache.set(key, fresh);
    if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
    return fresh;
  }

  return async (x) => {
    const compiledQuery = compiled(x);
    if (!("query" in compiledQuery)) return compiledQuery;
    // Variables are checked as graphql-js checks them (its errors, with their locations); graphql-jit
    // then runs on values known to fit.
    const coerced = getVariableValues(schema, compiledQuery.operation.variableDefinitions ?? [], x.variables ?? {}, {
      maxErrors: 50,
    });
    if (coerced.errors) return { errors: coerced.errors };
    const { query, operation } = compiledQuery;
    const execute = async () => query.query(undefined, x.contextValue, x.variables ?? {});
    const result = tracing
      ? await tracing.operation({ type: operation.operation, name: operation.name?.value, source: x.source }, execute)
      : await execute();
    if (!result.errors?.length) return result;
    return { ...result, errors: result.errors.map(asGraphQLError) };
  };
}

export function jitGateway(schema: GraphQLSchema, tracing?: Tracing): GatewayInterface {
  const run = jitExecutor(schema, tracing);
  const executor: GatewayExecutor = (rc) =>
    run({
      source: rc.source,
      document: rc.document,
      operationName: rc.operationName,
      contextValue: rc.context,
      variables: rc.request.variables,
    }) as never; // Apollo's gateway result type is graphql's ExecutionResult under another name
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async load() {
      return { executor };
    },
    async stop() {},
  };
}
