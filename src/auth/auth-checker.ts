/**
 * Access, declared where a field is: `@Authorized(Role.STAFF)` on staff-only operations and fields,
 * checked by this one authChecker before the resolver runs (so before any lookup). A root field that
 * is not authorized must be on PUBLIC_ROOT_FIELDS, where it does its own visibility check: the schema
 * refuses to build otherwise (see schema.ts), so a new field cannot forget its rule.
 */
import type { AuthChecker } from "type-graphql";
import { forbidden, unauthenticated } from "../shared/errors.js";
import type { Viewer } from "./viewer.js";

export enum Role {
  /** Staff users (User.isStaff). */
  STAFF = "STAFF",
}

/** UNAUTHENTICATED for no caller, FORBIDDEN for a caller without the role. */
export const authChecker: AuthChecker<{ viewer: Viewer }, Role> = ({ context }, roles) => {
  const viewer = context.viewer;
  if (viewer.kind !== "user") throw unauthenticated();
  if (roles.includes(Role.STAFF) && !viewer.user.isStaff) throw forbidden();
  return true;
};

/**
 * Root fields open to every caller. Each answers only what the caller may see: the visibility rule
 * (auth/viewer.ts) for orders, the caller themselves for `me`, each type's own rule for `node` and
 * `nodes` (nodes/node.resolver.ts).
 */
export const PUBLIC_ROOT_FIELDS: ReadonlySet<string> = new Set([
  "Query.me",
  "Query.orders",
  "Query.lastOrder",
  "Query.order",
  "Query.orderPaymentMethods",
  "Query.paymentMethods",
  "Query.node",
  "Query.nodes",
  "Mutation.payOrder",
  "Mutation.requestReturn",
  "Subscription.orderEvents",
]);
