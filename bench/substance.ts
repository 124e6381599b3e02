/**
 * What an answer says, whoever gave it: the orders of a GraphQL answer (the project's documents or a
 * peer's) in one canonical form, so that the bench can check that two sides answer a scenario with
 * the same orders, amounts, items, payments, notes and history before it times them. Amounts are
 * compared as decimal text (never through a float), timestamps as instants, ids as text; what one
 * side derives and the other does not have (labels, outstanding amounts, transitions) is left out.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Canon = { [k: string]: Json };

/** "12.50", "12.5" and 12.5 alike: decimal text without trailing zeros. */
function money(v: unknown): Json {
  if (v == null) return null;
  const s = String(v);
  if (!/^-?\d+(\.\d+)?$/.test(s)) return s;
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

const instant = (v: unknown): Json => (v == null ? null : new Date(String(v)).toISOString());
const text = (v: unknown): Json => (v == null ? null : String(v));

function put(c: Canon, key: string, v: unknown, as: (v: unknown) => Json = (x) => x as Json): void {
  if (v !== undefined) c[key] = as(v);
}

const nodes = (v: any): any[] | undefined => (v == null ? undefined : Array.isArray(v) ? v : v.nodes);

function item(it: any): Canon {
  const c: Canon = {};
  put(c, "id", it.rowId ?? it.id, text);
  put(c, "productType", it.productType);
  put(c, "productId", it.productId);
  put(c, "name", it.name ?? it.product?.name);
  put(c, "code", it.code ?? it.product?.code);
  for (const k of ["unitPrice", "subtotal", "total"]) put(c, k, it[k], money);
  put(c, "quantity", it.quantity);
  put(c, "extra", it.extra);
  put(c, "extraRows", it.extraRows);
  return c;
}

function row(r: any): Canon {
  const c: Canon = {};
  put(c, "id", r.rowId ?? r.id, text);
  for (const k of ["transactionId", "paymentMethod", "message", "public", "reason", "type"]) put(c, k, r[k]);
  for (const k of ["fromStatus", "toStatus"]) put(c, k, r[k]);
  put(c, "amount", r.amount, money);
  put(c, "dateCreated", r.dateCreated, instant);
  put(c, "refundedAt", r.refundedAt, instant);
  return c;
}

function order(o: any): Canon {
  const c: Canon = {};
  put(c, "id", o.rowId ?? o.id, text);
  for (const k of ["ref", "token", "status", "email", "billingAddress", "shippingAddress", "currency", "isPaid"])
    put(c, k, o[k]);
  for (const k of ["subtotal", "total", "amountPaid", "amountRefunded"]) put(c, k, o[k], money);
  for (const k of ["dateCreated", "dateUpdated"]) put(c, k, o[k], instant);
  put(c, "extra", o.extra);
  put(c, "extraRows", o.extraRows);
  put(c, "userId", o.user !== undefined ? (o.user?.id ?? null) : o.userId, text);
  put(c, "items", nodes(o.items ?? o.orderItemsByOrderId)?.map(item));
  put(c, "payments", nodes(o.payments ?? o.orderPaymentsByOrderId)?.map(row));
  put(c, "notes", nodes(o.notes ?? o.orderNotesByOrderId)?.map(row));
  put(c, "refunds", nodes(o.refunds ?? o.orderRefundsByOrderId)?.map(row));
  const history = o.history ?? o.orderEventsByOrderId;
  if (history) put(c, "history", { totalCount: history.totalCount, nodes: history.nodes.map(row) });
  return c;
}

/** The orders an answer's data holds, canonical. */
export function substance(data: any): Canon[] {
  if (data == null) return [];
  if ("order" in data) return data.order ? [order(data.order)] : [];
  if ("orderStatus" in data) return data.orderStatus ? [order(data.orderStatus)] : [];
  const list = nodes(data.orders ?? data.allOrders) ?? [];
  return list.map(order);
}

/**
 * Where two canonical answers differ, comparing the keys both have (each side's document asks for
 * what it can); `oneSided` lists the keys only one of them has, for the log.
 */
export function differences(a: Json, b: Json, at = "", oneSided = new Set<string>()): string[] {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return [`${at}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`];
    if (a.length !== b.length) return [`${at}: ${a.length} entries ≠ ${b.length}`];
    return a.flatMap((x, i) => differences(x, b[i], `${at}[${i}]`, oneSided));
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const out: string[] = [];
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(k in a) || !(k in b)) oneSided.add(`${at.replace(/\[\d+\]/g, "[]")}.${k}`);
      else out.push(...differences(a[k], b[k], `${at}.${k}`, oneSided));
    }
    return out;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${at}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`];
}
