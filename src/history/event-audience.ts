/** Which callers see an order event alike. */
import { isStaff, type Viewer } from "../auth/viewer.js";

/**
 * The callers for whom every field of an event answers alike: staff, or everyone else. A
 * subscription's selection is executed once per event for each audience (http/subscriptions.ts), so
 * a field that answered differently for some other kind of caller would have to be told apart here.
 */
export function eventAudience(viewer: Viewer): "staff" | "public" {
  return isStaff(viewer) ? "staff" : "public";
}
