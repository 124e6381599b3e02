/**
 * What an order read fetches, as Prisma selects. A GraphQL operation's reads fetch only the fields
 * it shows on orders and items (measured once per document: Apollo keeps validated documents, and
 * the answer is kept in a WeakMap). A field not known here gets every column, so that a new field
 * can never read a column that was not fetched.
 */
import { TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from "graphql";
import type { Order as OrderRow, OrderItem as OrderItemRow, Prisma } from "../generated/prisma/client.js";
import type { OrderFacts } from "./status.js";

/** Every column of each model: a column added to schema.prisma and not listed here fails `tsc`. */
const ORDER_COLUMNS = {
  id: true,
  ref: true,
  token: true,
  status: true,
  userId: true,
  email: true,
  billingAddress: true,
  shippingAddress: true,
  currency: true,
  subtotal: true,
  total: true,
  amountPaid: true,
  amountRefunded: true,
  amountRefundedFromPaid: true,
  isPaid: true,
  extra: true,
  extraRows: true,
  dateCreated: true,
  dateUpdated: true,
  editVersion: true,
  relationsVersion: true,
  rowVersion: true,
} as const satisfies Record<keyof OrderRow, true>;
const ITEM_COLUMNS = {
  id: true,
  orderId: true,
  productType: true,
  productId: true,
  product: true,
  unitPrice: true,
  quantity: true,
  subtotal: true,
  total: true,
  extraRows: true,
  extra: true,
} as const satisfies Record<keyof OrderItemRow, true>;

type OrderColumn = keyof typeof ORDER_COLUMNS;
type ItemColumn = keyof typeof ITEM_COLUMNS;

/**
 * Columns every read fetches: identity, and what cursors and relations (and the order cache) use.
 * Nothing else: each column a row carries costs Prisma CPU on every row of every page (a Decimal
 * most), so a column that only some fields read is fetched for those fields (ORDER_DERIVED).
 */
const ORDER_CORE = [
  "id",
  "ref",
  "status",
  "total",
  "dateCreated",
  // whether the order cache's lines, payments, notes and refunds, and row, are the order's (order.cache.ts)
  "relationsVersion",
  "rowVersion",
] as const satisfies readonly OrderColumn[];
/** What the status rules look at (OrderFacts): a read for them fetches these. */
const FACT_COLUMNS = {
  status: true,
  total: true,
  amountPaid: true,
  isPaid: true,
} as const satisfies Record<keyof OrderFacts, true>;
const FACTS = Object.keys(FACT_COLUMNS) as (keyof OrderFacts)[];
const ITEM_CORE = ["id", "orderId", "unitPrice", "quantity", "total"] as const satisfies readonly ItemColumn[];

/** The order columns every read fetches, whatever the operation shows. */
export type OrderCoreColumn = (typeof ORDER_CORE)[number];
/** The item columns every read fetches. */
export type ItemCoreColumn = (typeof ITEM_CORE)[number];

export interface ReadSelect {
  order: Prisma.OrderSelect;
  item: Prisma.OrderItemSelect;
  /** Relations the operation shows that a read of one order fetches in the same statement (see JoinedRelation). */
  relations: Record<JoinedRelation, boolean>;
  /**
   * Whether the operation shows orders' history: a page of them then reads the orders' versions
   * (as the order cache's pages do), which the history cache is checked against (history/event.cache.ts).
   */
  history: boolean;
}

/**
 * Relations read with their orders in the orders' own statement (Prisma's relationLoadStrategy
 * "join"): lines, payments, notes and refunds through the OrderRelations view, whose JSON carries
 * every amount as decimal text, and the owner. Never a Decimal column joined directly: Prisma reads a
 * joined relation's values through JSON numbers, and a decimal(18,2) amount beyond 15 significant
 * digits would come back rounded (prisma/orm#25639; tested in test/integration/orders.test.ts).
 */
export type JoinedRelation = "items" | "payments" | "notes" | "refunds" | "user";
const NO_RELATIONS: Record<JoinedRelation, boolean> = {
  items: false,
  payments: false,
  notes: false,
  refunds: false,
  user: false,
};
const isJoined = (name: string): name is JoinedRelation => Object.hasOwn(NO_RELATIONS, name);

const pick = <C extends string>(columns: Iterable<C>) =>
  Object.fromEntries([...columns].map((c) => [c, true])) as Record<C, true>;

export const FULL_SELECT: ReadSelect = {
  order: ORDER_COLUMNS,
  item: ITEM_COLUMNS,
  relations: NO_RELATIONS,
  history: false,
};

export function readSelect(
  order: Iterable<OrderColumn>,
  item: Iterable<ItemColumn>,
  relations = NO_RELATIONS,
  history = false,
): ReadSelect {
  return { order: pick([...ORDER_CORE, ...order]), item: pick([...ITEM_CORE, ...item]), relations, history };
}

/** The core columns only: enough for cursors and relations. */
export const CORE_SELECT: ReadSelect = readSelect([], []);

/** The core columns and what the status rules look at (OrderFacts). */
export const FACTS_SELECT: ReadSelect = readSelect(FACTS, []);

/** Order fields answered from the core columns or loaded by id. */
const ORDER_FROM_CORE = new Set([
  "__typename",
  "id",
  "nodeId",
  "ref",
  "status",
  "statusDisplay",
  "total",
  "dateCreated",
  "items",
  "payments",
  "notes",
  "refunds",
  "history",
  // Shipments and returns: loaded by order id
  "shipments",
  "fulfillmentStatus",
  "returns",
]);
/** Order fields computed from other columns, and the columns they read beyond the core ones. */
const ORDER_DERIVED: Partial<Record<string, readonly OrderColumn[]>> = {
  // the owner by id, when the read did not fetch it with the order
  user: ["userId"],
  statusTransitions: FACTS,
  refundableAmount: ["amountPaid", "amountRefunded"],
  // what counts as paid is net of the refunds that count against it (orders/order.balance.ts)
  amountOutstanding: ["amountPaid", "amountRefundedFromPaid"],
  amountOverpaid: ["amountPaid", "amountRefundedFromPaid"],
};
const ITEM_FROM_CORE = new Set([
  "__typename",
  "id",
  "nodeId",
  "unitPrice",
  "quantity",
  "total",
  // Shipments and returns: loaded by order id
  "quantityShipped",
  "quantityReturned",
]);
/** Item fields and the column each shows (name and code come from the product). */
const ITEM_FIELD_COLUMN: Partial<Record<string, ItemColumn>> = {
  name: "product",
  code: "product",
  product: "product",
  productType: "productType",
  productId: "productId",
  subtotal: "subtotal",
  extraRows: "extraRows",
  extra: "extra",
};
const isOrderColumn = (name: string): name is OrderColumn => Object.hasOwn(ORDER_COLUMNS, name);

const measured = new WeakMap<DocumentNode, ReadSelect>();

export function selectFor(schema: GraphQLSchema, document: DocumentNode): ReadSelect {
  let select = measured.get(document);
  if (!select) {
    select = measure(schema, document);
    measured.set(document, select);
  }
  return select;
}

function measure(schema: GraphQLSchema, document: DocumentNode): ReadSelect {
  const order = new Set<OrderColumn>();
  const item = new Set<ItemColumn>();
  const relations = { ...NO_RELATIONS };
  let history = false;
  let allOrder = false;
  let allItem = false;
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType()?.name;
        const name = node.name.value;
        if (parent === "Order") {
          if (isJoined(name)) relations[name] = true;
          if (name === "history") history = true;
          if (ORDER_FROM_CORE.has(name)) return;
          const columns = isOrderColumn(name) ? [name] : ORDER_DERIVED[name];
          if (columns) for (const c of columns) order.add(c);
          else allOrder = true;
        } else if (parent === "OrderItem") {
          if (ITEM_FROM_CORE.has(name)) return;
          const column = ITEM_FIELD_COLUMN[name];
          if (column) item.add(column);
          else allItem = true;
        }
      },
    }),
  );
  const some = readSelect(order, item, relations, history);
  return { ...some, order: allOrder ? FULL_SELECT.order : some.order, item: allItem ? FULL_SELECT.item : some.item };
}
