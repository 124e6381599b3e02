/** What edit resolvers use of a request's context (context.ts puts every folder's part together). */
import type { Viewer } from "../auth/viewer.js";
import type { EditService } from "./edit.service.js";

export interface EditContext {
  viewer: Viewer;
  edits: EditService;
}
