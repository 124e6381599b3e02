/**
 * Who is calling, built once per request, and the one rule for which orders they may see.
 */
export interface ViewerUser {
  id: number;
  email: string;
  isStaff: boolean;
  /** When the user's last mutation ended (the primary's time), when known: read replicas use it. */
  lastWriteAt?: Date | null;
}

export type Viewer = { kind: "anonymous" } | { kind: "user"; user: ViewerUser };

export const ANONYMOUS: Viewer = { kind: "anonymous" };

/** The set of orders a caller may see for one operation. */
export type OrderScope =
  { kind: "all" } | { kind: "user"; userId: number } | { kind: "token"; token: string } | { kind: "none" };

/**
 * The visibility rule (reference §3.1):
 * - staff see every order, except in `orders` (the caller's own list), where they see their own;
 * - a signed-in user sees their own orders; a `token` argument is ignored for them;
 * - an anonymous caller sees only the order whose token matches, and nothing without one.
 */
export function orderScope(viewer: Viewer, opts: { token?: string | null; ownOnly?: boolean } = {}): OrderScope {
  if (viewer.kind === "user") {
    if (viewer.user.isStaff && !opts.ownOnly) return { kind: "all" };
    return { kind: "user", userId: viewer.user.id };
  }
  if (opts.token) return { kind: "token", token: opts.token };
  return { kind: "none" };
}

/** Whether an order with these owner and token fields is inside the scope. */
export function inScope(scope: OrderScope, order: { userId: number | null; token: string }): boolean {
  switch (scope.kind) {
    case "all":
      return true;
    case "user":
      return order.userId === scope.userId;
    case "token":
      return order.token === scope.token;
    case "none":
      return false;
    default: {
      const never: never = scope;
      return never;
    }
  }
}

export function isStaff(viewer: Viewer): boolean {
  return viewer.kind === "user" && viewer.user.isStaff;
}

/** The user a change is attributed to: the signed-in caller, or nobody (a guest, a page, a callback). */
export function actorOf(viewer: Viewer | null): number | null {
  return viewer?.kind === "user" ? viewer.user.id : null;
}
