/** Apollo Server with this server's executor, error formatting and plugins. */
import type http from "node:http";
import { ApolloServer } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import type { GraphQLSchema } from "graphql";
import type { Config } from "../config.js";
import type { Context } from "../context.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { idempotencyPlugin } from "../idempotency/idempotency.plugin.js";
import type { Logger } from "../shared/log.js";
import type { Tracing } from "../telemetry/tracing.js";
import { formatError } from "./format-error.js";
import { jitGateway } from "./jit-executor.js";
import { requestPlugin } from "./plugins.js";
import { replicaReadsPlugin } from "./replica-reads.js";
import type { Replicas } from "../db/replicas.js";
import { currentRequest } from "./request-info.js";

export async function startApollo(o: {
  config: Config;
  schema: GraphQLSchema;
  prisma: PrismaClient;
  httpServer: http.Server;
  log: Logger;
  /** Read replicas (none configured: every read on the primary). */
  replicas: Replicas;
  tracing?: Tracing;
}): Promise<ApolloServer<Context>> {
  const { config, log } = o;
  const apollo = new ApolloServer<Context>({
    gateway: jitGateway(o.schema, o.tracing),
    introspection: true,
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false, // main.ts closes the server, then the database
    formatError: (formatted, error) => {
      const answered = formatError(formatted, error, { log });
      currentRequest()?.errorCodes.push(String(answered.extensions?.code ?? "UNKNOWN"));
      return answered;
    },
    // Cache control is off: it wraps every field resolver to compute cache hints nobody reads (the
    // API answers private data), which cost a fifth of the CPU time of a page of orders.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: o.httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      // The operation noted, the limits, the columns order reads select, no schema hints in errors.
      requestPlugin(config),
      ...(o.replicas.count ? [replicaReadsPlugin(o.replicas, o.prisma)] : []),
      idempotencyPlugin(o.prisma, { ttlSeconds: config.idempotencyTtlSeconds }),
    ],
    parseOptions: { maxTokens: config.limits.tokens },
    allowBatchedHttpRequests: config.limits.batchSize > 1,
    // Apollo's CSRF prevention refuses GET queries that carry no special header. It guards against
    // cross-site requests riding on a browser's cookies; this API takes credentials from the
    // Authorization header only, which a cross-site page cannot make a browser send, so it would
    // only turn away plain GET queries. (Mutations are never run from a GET.)
    csrfPrevention: false,
  });
  await apollo.start();
  return apollo;
}
