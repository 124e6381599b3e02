/** What node resolvers use of a request's context (context.ts puts every folder's part together). */
import type { Viewer } from "../auth/viewer.js";

export interface NodeContext {
  viewer: Viewer;
  /**
   * The Order-Token header of the request, if any: the order token a guest fetches an order and
   * what belongs to it with, by `node` and `nodes` (which take no token argument: Relay compiles
   * refetch queries for `node(id:)` with exactly one argument). Ignored for signed-in callers.
   */
  orderToken: string | null;
}
