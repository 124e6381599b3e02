/**
 * `node` and `nodes`: any Node by its global id, with exactly the visibility of the type's own
 * fields; and `Node.nodeId` of every Node type. An object the caller may not see answers null,
 * exactly like one that does not exist; a text that is not a global id is refused (BAD_USER_INPUT)
 * before anything is read.
 */
import "reflect-metadata";
import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from "type-graphql";
import { isStaff, orderScope } from "../auth/viewer.js";
import { badUserInput } from "../shared/errors.js";
import { MAX_PAGE_SIZE } from "../shared/pagination.js";
import { decodeGlobalId } from "./global-id.js";
import type { NodeContext } from "./node.context.js";
import { nodeKind, type NodeAccess, type RegisteredKind } from "./node.registry.js";
import { Node } from "./node.type.js";

/** The most ids `nodes` takes at once (a list's largest page). */
export const MAX_NODE_IDS = MAX_PAGE_SIZE;

interface Target {
  kind: RegisteredKind;
  key: unknown;
}

/** The kind and key a global id names; BAD_USER_INPUT, naming `argument`, for anything else. */
function target(id: string, argument: string, argumentName: string): Target {
  const decoded = decodeGlobalId(id);
  const kind = decoded && nodeKind(decoded.typeName);
  const key = kind ? kind.parse(decoded.key) : null;
  if (!kind || key === null) {
    throw badUserInput(`${argument} is not a global id of this API: pass an object's nodeId.`, { argumentName });
  }
  return { kind, key };
}

function accessOf(ctx: NodeContext): NodeAccess {
  return { viewer: ctx.viewer, staff: isStaff(ctx.viewer), scope: orderScope(ctx.viewer, { token: ctx.orderToken }) };
}

/** The object, as an instance of its type's class (Node resolves its type by class), or null. */
async function find(ctx: NodeContext, { kind, key }: Target, access: NodeAccess): Promise<Node | null> {
  // Decided before any lookup: types that are staff's alone, and order-owned types for a caller who
  // may see no order at all.
  if (kind.visibleTo === "staff" ? !access.staff : access.scope.kind === "none") return null;
  const found = await kind.load(ctx, key, access);
  if (found === null) return null;
  return (found instanceof kind.type ? found : Object.assign(new kind.type(), found)) as Node;
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, {
    nullable: true,
    description:
      "The object with this global id (a `nodeId`), or null when there is none or the caller may not see it. Visibility is the type's own: staff see every object; a customer their own orders and what belongs to them; a guest an order and what belongs to it when the request's `Order-Token` header holds the order's token; webhooks and their deliveries are staff's. A text that is not a global id is refused (BAD_USER_INPUT).",
  })
  node(@Ctx() ctx: NodeContext, @Arg("id", () => ID) id: string): Promise<Node | null> {
    return find(ctx, target(id, "id", "id"), accessOf(ctx));
  }

  @Query(() => [Node], {
    nullable: "items",
    description: `The objects with these global ids, in the same order, each as \`node\` answers it (null where there is none or the caller may not see it). At most ${MAX_NODE_IDS} ids; read in one statement per type, whatever their number.`,
  })
  nodes(@Ctx() ctx: NodeContext, @Arg("ids", () => [ID]) ids: string[]): Promise<(Node | null)[]> {
    if (ids.length > MAX_NODE_IDS) {
      throw badUserInput(`ids may hold at most ${MAX_NODE_IDS} ids.`, { argumentName: "ids" });
    }
    const targets = ids.map((id, i) => target(id, `ids.${i}`, "ids"));
    const access = accessOf(ctx);
    return Promise.all(targets.map((t) => find(ctx, t, access)));
  }
}

@Resolver(() => Node)
export class NodeFieldsResolver {
  @FieldResolver(() => ID)
  nodeId(@Root() node: object, @Info() info: GraphQLResolveInfo): string {
    const kind = nodeKind(info.parentType.name);
    if (!kind) throw new Error(`${info.parentType.name} implements Node, and no Node kind was registered for it`);
    return kind.idOf(node);
  }
}
