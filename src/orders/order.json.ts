/** The JSON columns of orders and items: objects, and extra rows with amounts as "12.30" text. */
import { toMoney } from "../shared/money.js";
import type { ExtraRowRecord, JsonObject } from "./order.model.js";

export function asObject(v: unknown): JsonObject {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : {};
}

export function toExtraRows(v: unknown): ExtraRowRecord[] {
  if (!Array.isArray(v)) return [];
  return v.map((r) => {
    const row = asObject(r);
    return {
      label: String(row.label ?? ""),
      amount: toMoney(String(row.amount ?? "0")),
      modifier: row.modifier == null ? null : String(row.modifier),
      extra: asObject(row.extra),
    };
  });
}

/** Extra rows as stored. */
export function extraRowsJson(rows: readonly ExtraRowRecord[]): string {
  return JSON.stringify(rows.map((r) => ({ label: r.label, amount: r.amount.toFixed(2), modifier: r.modifier, extra: r.extra })));
}
