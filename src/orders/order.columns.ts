/**
 * Which columns a GraphQL operation needs, from the fields it selects on orders and items: a page
 * of orders that shows no address, JSON or second date fetches none (parsing columns nobody reads
 * was an eighth of the CPU time of a page of 100 orders). Measured once per document (Apollo
 * keeps validated documents), kept in a WeakMap. A field not listed here gets every column, so a
 * new field can never read a column that was not fetched.
 */
import { TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from "graphql";
import { ALL_COLUMNS, ITEM_OTHER_COLUMNS, ORDER_OTHER_COLUMNS, readColumns, type ReadColumns } from "./order.reads.js";

/** Order fields answered from the core columns (or loaded by id); the status rules see only those (OrderFacts). */
const ORDER_FROM_CORE = new Set([
  "__typename", "id", "ref", "status", "statusDisplay", "isPaid", "total", "amountPaid", "amountOutstanding", "dateCreated",
  "user", "items", "payments", "notes", "statusTransitions",
]);
/** Order fields that show one other column, of the same name. */
const ORDER_OWN_COLUMN = new Set<string>(ORDER_OTHER_COLUMNS);
const ITEM_FROM_CORE = new Set(["__typename", "id", "unitPrice", "quantity", "total"]);
const ITEM_COLUMN: Record<string, (typeof ITEM_OTHER_COLUMNS)[number]> = {
  name: "product",
  code: "product",
  product: "product",
  productType: "productType",
  productId: "productId",
  subtotal: "subtotal",
  extraRows: "extraRows",
  extra: "extra",
};

const measured = new WeakMap<DocumentNode, ReadColumns>();

export function columnsFor(schema: GraphQLSchema, document: DocumentNode): ReadColumns {
  let columns = measured.get(document);
  if (!columns) {
    columns = measure(schema, document);
    measured.set(document, columns);
  }
  return columns;
}

function measure(schema: GraphQLSchema, document: DocumentNode): ReadColumns {
  const order = new Set<string>();
  const item = new Set<string>();
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
          if (ORDER_OWN_COLUMN.has(name)) order.add(name);
          else if (!ORDER_FROM_CORE.has(name)) allOrder = true;
        } else if (parent === "OrderItem") {
          if (Object.hasOwn(ITEM_COLUMN, name)) item.add(ITEM_COLUMN[name]);
          else if (!ITEM_FROM_CORE.has(name)) allItem = true;
        }
      },
    }),
  );
  const some = readColumns(
    ORDER_OTHER_COLUMNS.filter((c) => order.has(c)),
    ITEM_OTHER_COLUMNS.filter((c) => item.has(c)),
  );
  return { order: allOrder ? ALL_COLUMNS.order : some.order, item: allItem ? ALL_COLUMNS.item : some.item };
}
