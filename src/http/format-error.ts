/** What a client sees of an error: known errors as they are, everything else masked, with no stack trace or SQL. */
import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { isDatabaseUnavailable } from "../shared/db-errors.js";
import { ErrorCodes, PUBLIC_CODES } from "../shared/errors.js";
import type { Logger } from "../shared/log.js";

export const MASKED_MESSAGE = "Internal server error";

/** Known errors keep their message and code; everything else is masked, with no stack trace or SQL. */
export function formatError(formatted: GraphQLFormattedError, error: unknown, log?: Logger): GraphQLFormattedError {
  const code = formatted.extensions?.code as string | undefined;
  if (code && PUBLIC_CODES.has(code)) {
    const message = formatted.message.replace(/^Context creation failed: /, "");
    const { stacktrace: _s, exception: _e, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, message, extensions };
  }
  const original = unwrapResolverError(error);
  // A refusal of the request itself (Apollo's, e.g. a persisted query whose hash does not match):
  // made on purpose with a 4xx status, outside any resolver, wrapping nothing.
  const head = (error as GraphQLError)?.extensions?.http as { status?: number } | undefined;
  if (error instanceof GraphQLError && !error.originalError && !formatted.path && head?.status && head.status < 500) {
    return { message: formatted.message, locations: formatted.locations, extensions: { code: "BAD_REQUEST" } };
  }
  if (isDatabaseUnavailable(original)) {
    log?.warn("database unavailable", { path: formatted.path });
    return {
      message: "The database is not available; try again shortly.",
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCodes.SERVICE_UNAVAILABLE },
    };
  }
  log?.error("unexpected error", {
    message: original instanceof Error ? original.message : String(original),
    path: formatted.path,
  });
  return {
    message: MASKED_MESSAGE,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ErrorCodes.INTERNAL_SERVER_ERROR },
  };
}
