/**
 * The types that are Nodes, and how each is found again by its global id. Each folder registers
 * its own (orders/order.node-kinds.ts, payments/payment.node-kinds.ts, …); this folder knows none of
 * them.
 *
 * How a type joins Node (a shipment, a return…), all in its own folder:
 *   1. `@ObjectType({ implements: Node, … })` on its class (it gets the `nodeId` field);
 *   2. one `registerNodeKind({ type, typeName, key, visibleTo, load })` in `<concept>.node-kinds.ts`,
 *      imported by the folder's resolver module, so that it is loaded whenever the type is in the
 *      schema. `load` answers the object when the caller may see it, and null otherwise, through a
 *      per-request DataLoader of the folder (`nodes` then costs one statement per type, whatever
 *      the number of ids: see `scopedLoaders`).
 *   e.g. registerNodeKind({ type: Shipment, typeName: "Shipment", key: ROW_ID, visibleTo: "order",
 *          load: (ctx: ShipmentContext, id, access) => ctx.loaders.visibleShipments(access.scope).load(id) });
 * The schema refuses to build when a type implements Node and no kind was registered for it, or a
 * kind names a type that does not implement Node (schema.ts).
 */
import DataLoader from "dataloader";
import type { OrderScope, Viewer } from "../auth/viewer.js";
import { encodeGlobalId } from "./global-id.js";

/** What a node lookup knows of the caller. */
export interface NodeAccess {
  viewer: Viewer;
  staff: boolean;
  /**
   * The orders the caller may see (auth/viewer.ts's rule): staff all, a customer their own, a
   * guest the order whose token the request's Order-Token header holds, anyone else none.
   */
  scope: OrderScope;
}

/** How the key of a type is written inside its global ids. */
export interface NodeKey<K extends string | number> {
  /** The key a text names; null when no object of the type could have it. */
  parse(text: string): K | null;
  format(key: K): string;
}

const MAX_ROW_ID = 2_147_483_647; // PostgreSQL's integer

/** A row id (a positive integer). */
export const ROW_ID: NodeKey<number> = {
  parse: (text) => (/^[1-9]\d{0,9}$/.test(text) && Number(text) <= MAX_ROW_ID ? Number(text) : null),
  format: String,
};

export interface NodeKind<C, K extends string | number = number> {
  /** The GraphQL object type's class: `node` answers instances of it. */
  type: new () => object;
  /** Its GraphQL name, written into every global id of the type. */
  typeName: string;
  key: NodeKey<K>;
  /** The key of an object of the type; its `id` unless said otherwise. */
  keyOf?(node: object): K;
  /**
   * Who may see objects of the type at all, decided before any lookup: "staff" only, or "order":
   * whoever may see the order it is (or belongs to) — `load` then keeps to `access.scope`.
   */
  visibleTo: "staff" | "order";
  /** The object with this key if the caller may see it, else null (its folder's per-request loader). */
  load(ctx: C, key: K, access: NodeAccess): Promise<object | null>;
}

/** A kind with its types erased, as the registry holds it. */
export interface RegisteredKind {
  type: new () => object;
  typeName: string;
  visibleTo: "staff" | "order";
  parse(text: string): unknown;
  idOf(node: object): string;
  load(ctx: unknown, key: unknown, access: NodeAccess): Promise<object | null>;
}

const kinds = new Map<string, RegisteredKind>();

/** Declares that a type is a Node and how to load it by its key (see the top of this file). */
export function registerNodeKind<C, K extends string | number>(kind: NodeKind<C, K>): void {
  if (kinds.has(kind.typeName)) throw new Error(`${kind.typeName} is already a registered Node kind`);
  const keyOf = kind.keyOf ?? ((node: object) => (node as { id: K }).id);
  kinds.set(kind.typeName, {
    type: kind.type,
    typeName: kind.typeName,
    visibleTo: kind.visibleTo,
    parse: (text) => kind.key.parse(text),
    idOf: (node) => encodeGlobalId(kind.typeName, kind.key.format(keyOf(node))),
    load: (ctx, key, access) => kind.load(ctx as C, key as K, access),
  });
}

export function nodeKind(typeName: string): RegisteredKind | undefined {
  return kinds.get(typeName);
}

export function nodeKinds(): RegisteredKind[] {
  return [...kinds.values()];
}

/**
 * Per-request loaders of the objects a scope covers, one per scope (a request may ask `node` with
 * several tokens): `batch` reads every key asked for in one tick in one statement, and answers
 * null where the scope does not cover the object. A scope that covers nothing reads nothing.
 */
export function scopedLoaders<K, V>(
  batch: (scope: Exclude<OrderScope, { kind: "none" }>, keys: readonly K[]) => Promise<(V | null)[]>,
): (scope: OrderScope) => DataLoader<K, V | null> {
  const made = new Map<string, DataLoader<K, V | null>>();
  return (scope) => {
    const id = JSON.stringify(scope);
    let loader = made.get(id);
    if (!loader) {
      loader = new DataLoader<K, V | null>((keys) =>
        scope.kind === "none" ? Promise.resolve(keys.map(() => null)) : batch(scope, keys),
      );
      made.set(id, loader);
    }
    return loader;
  };
}
