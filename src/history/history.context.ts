/** What history resolvers use of a request's context (context.ts puts every folder's part together). */
import type { Viewer } from "../auth/viewer.js";
import type { UserLoaders } from "../users/user.loaders.js";
import type { HistoryLoaders } from "./history.loaders.js";

export interface HistoryContext {
  viewer: Viewer;
  loaders: UserLoaders & HistoryLoaders;
}
