/**
 * An edit's details as its ORDER_EDITED event stores them (and webhooks send them): JSON, amounts as
 * "12.30" text, line ids as text, the same field names OrderEvent.edit shows.
 */
import { asObject, toExtraRows } from "../orders/order.repository.js";
import type { ExtraRowRecord } from "../orders/order.model.js";
import { formatMoney, Money } from "../shared/money.js";
import type { EditDetails, EditLine, EditSnapshot, OverpaymentChoice, Settlement } from "./edit.model.js";

type Json = Record<string, unknown>;

const rowsJson = (rows: ExtraRowRecord[]) =>
  rows.map((r) => ({ label: r.label, amount: formatMoney(r.amount), modifier: r.modifier, extra: r.extra }));

function lineJson(l: EditLine): Json {
  return {
    itemId: l.itemId === null ? null : String(l.itemId),
    productType: l.productType,
    productId: l.productId,
    product: l.product,
    name: l.name,
    code: l.code,
    unitPrice: formatMoney(l.unitPrice),
    quantity: l.quantity,
    subtotal: formatMoney(l.subtotal),
    extraRows: rowsJson(l.extraRows),
    total: formatMoney(l.total),
    extra: l.extra,
  };
}

const snapshotJson = (s: EditSnapshot): Json => ({
  items: s.items.map(lineJson),
  extraRows: rowsJson(s.extraRows),
  subtotal: formatMoney(s.subtotal),
  total: formatMoney(s.total),
});

export function detailsJson(d: EditDetails): Json {
  const s = d.settlement;
  return {
    version: d.version,
    overpayment: d.overpayment,
    before: snapshotJson(d.before),
    after: snapshotJson(d.after),
    settlement: {
      netPaid: formatMoney(s.netPaid),
      difference: formatMoney(s.difference),
      amountOutstanding: formatMoney(s.amountOutstanding),
      amountRefunded: formatMoney(s.amountRefunded),
      amountOverpaid: formatMoney(s.amountOverpaid),
    },
  };
}

const money = (v: unknown) => new Money(typeof v === "string" && v !== "" ? v : "0");

function lineOf(v: unknown): EditLine {
  const o = asObject(v);
  return {
    itemId: o.itemId == null ? null : Number(o.itemId),
    productType: String(o.productType ?? ""),
    productId: o.productId == null ? null : String(o.productId),
    product: asObject(o.product),
    name: String(o.name ?? "(no name)"),
    code: String(o.code ?? "(no code)"),
    unitPrice: money(o.unitPrice),
    quantity: Number(o.quantity ?? 0),
    subtotal: money(o.subtotal),
    extraRows: toExtraRows(o.extraRows),
    total: money(o.total),
    extra: asObject(o.extra),
  };
}

function snapshotOf(v: unknown): EditSnapshot {
  const o = asObject(v);
  return {
    items: Array.isArray(o.items) ? o.items.map(lineOf) : [],
    extraRows: toExtraRows(o.extraRows),
    subtotal: money(o.subtotal),
    total: money(o.total),
  };
}

/** The details an ORDER_EDITED event stored. */
export function detailsOf(json: Json): EditDetails {
  const s = asObject(json.settlement);
  const settlement: Settlement = {
    netPaid: money(s.netPaid),
    difference: money(s.difference),
    amountOutstanding: money(s.amountOutstanding),
    amountRefunded: money(s.amountRefunded),
    amountOverpaid: money(s.amountOverpaid),
  };
  return {
    version: Number(json.version ?? 0),
    overpayment: (json.overpayment === "REFUND" ? "REFUND" : "KEEP") satisfies OverpaymentChoice,
    before: snapshotOf(json.before),
    after: snapshotOf(json.after),
    settlement,
  };
}
