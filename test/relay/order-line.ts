/**
 * Typed against the artifacts relay-compiler writes beside the documents (compiled with tsc in
 * test/integration/relay.test.ts): money, timestamps and JSON objects come typed as the kit's
 * customScalarTypes say.
 */
import type { StorefrontOrder_order$data } from "./__generated__/StorefrontOrder_order.graphql";

export function orderLine(order: StorefrontOrder_order$data): string {
  const total: string = order.total; // Decimal: a string ("33.00"), never a float
  const placed: string = order.dateCreated; // DateTimeISO: an ISO-8601 string
  const product: Record<string, unknown> = order.items[0]?.product ?? {}; // JSONObject: an object
  return `${order.ref} ${placed.slice(0, 10)} ${total} ${String(product.name ?? "")}`;
}
