/**
 * Order.history and the fields of its events. Non-staff callers see public events only, with no
 * actor and no refund reason.
 */
import "reflect-metadata";
import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";
import { Arg, Ctx, FieldResolver, Info, Int, Resolver, Root } from "type-graphql";
import { isStaff } from "../auth/viewer.js";
import { relationsVersionOf } from "../orders/order.cache.js";
import { Order } from "../orders/order.type.js";
import { HISTORY_PAGE_SIZE, idCursor, pageSize, toPage } from "../shared/pagination.js";
import { User } from "../users/user.type.js";
import type { OrderEventRecord } from "./event.model.js";
import { OrderEvent, OrderEventConnection } from "./event.type.js";
import type { HistoryContext } from "./history.context.js";
import "./event.node-kind.js"; // OrderEvent is a Node: registered wherever its fields are

const eventCursor = idCursor("event", "pass an endCursor from this order's history.");

/** Whether each `history` field of a document asks for its totalCount: the same for every order of a page. */
const countAsked = new WeakMap<FieldNode, boolean>();

/**
 * Whether the field's selection has `totalCount` (in fragments too; @include and @skip are not read:
 * a count read and not shown costs only its work). Kept per field node, which lives as long as its
 * parsed document, so a page of 100 walks its selection once.
 */
function asksForCount(info: GraphQLResolveInfo): boolean {
  const first = info.fieldNodes[0];
  let asked = countAsked.get(first);
  if (asked === undefined) {
    const seen = new Set<string>();
    const has = (set: SelectionSetNode | undefined): boolean =>
      !!set?.selections.some((sel) => {
        if (sel.kind === Kind.FIELD) return sel.name.value === "totalCount";
        if (sel.kind === Kind.INLINE_FRAGMENT) return has(sel.selectionSet);
        if (seen.has(sel.name.value)) return false;
        seen.add(sel.name.value);
        return has(info.fragments[sel.name.value]?.selectionSet);
      });
    asked = info.fieldNodes.some((f) => has(f.selectionSet));
    countAsked.set(first, asked);
  }
  return asked;
}

@Resolver(() => Order)
export class OrderHistoryResolver {
  @FieldResolver(() => OrderEventConnection, {
    description: "What happened to the order, oldest first. Non-staff callers see public events only.",
  })
  async history(
    // Typed by its shape, not the Order class: type-graphql copies a root into an instance of the
    // parameter's class on every call (a hundred copies of every order of a page).
    @Root() order: Pick<Order, "id">,
    @Ctx() ctx: HistoryContext,
    @Info() info: GraphQLResolveInfo,
    @Arg("first", () => Int, { nullable: true, defaultValue: HISTORY_PAGE_SIZE }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<OrderEventConnection> {
    const n = pageSize(first, { dflt: HISTORY_PAGE_SIZE });
    const afterId = after ? eventCursor.decode(after) : null;
    const rows = await ctx.loaders.history
      .page(n + 1, afterId, asksForCount(info))
      .load({ id: order.id, version: relationsVersionOf(order) });
    return new OrderEventConnection(
      toPage(rows, n, {
        after: afterId !== null,
        cursorOf: eventCursor.encode,
        count: () => ctx.loaders.history.count.load(order.id),
      }),
    );
  }
}

/** An event as its actor's resolver reads it. */
type EventRoot = Pick<OrderEventRecord, "actorId"> & Pick<OrderEvent, "actorUser">;

/**
 * The event's fields that are not its columns. `message` is not one of them: it is a plain field,
 * hidden where the event is read for a caller who is not staff (event-audience.ts, publicView), so
 * that a page of 100 orders with ten events each runs no resolver per event for it (type-graphql's
 * wrapper, getParams, was 2–3% of that page's CPU).
 */
@Resolver(() => OrderEvent)
export class EventFieldsResolver {
  // Roots typed by their shape, not the OrderEvent class, which type-graphql would copy each event into.
  // Its description is OrderEvent.actor's (event.type.ts), where it holds its place in the schema.
  @FieldResolver(() => User, { nullable: true })
  actor(@Root() e: EventRoot, @Ctx() ctx: HistoryContext): Promise<User | null> | User | null {
    if (e.actorId === null || !isStaff(ctx.viewer)) return null;
    return e.actorUser !== undefined ? e.actorUser : ctx.loaders.users.load(e.actorId);
  }
}
