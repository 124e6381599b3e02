/**
 * Relay's `getDataID` for the Orders API: give it to your Environment with client/relay.config.json
 * (README, "Client kit"):
 *
 *   new Environment({ network, store: new Store(new RecordSource()), getDataID });
 *
 * Relay keys every record of its store by what this answers. Its default reads `id`, which in this
 * API keeps the REST ancestor's value and repeats from one type to the next (order 17, item 17,
 * payment 17): records of different types would overwrite each other. Here a Node is keyed by its
 * global id (`nodeId`, which the compiler, configured by relay.config.json, selects on every Node),
 * any other object that shows an `id` (a user, a note) by its type and id, and the rest by their
 * place in the query (Relay's own client ids).
 */
export function getDataID(fieldValue: { readonly [key: string]: unknown }, typeName: string): string | undefined {
  if (typeof fieldValue.nodeId === "string") return fieldValue.nodeId;
  if (typeof fieldValue.id === "string" || typeof fieldValue.id === "number") return `${typeName}:${fieldValue.id}`;
  return undefined;
}
