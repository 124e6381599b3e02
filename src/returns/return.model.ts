/** Returns as the domain sees them: the Prisma models of the same name, with money as our decimal.js `Money`. */
import type { OrderReturn as ReturnRow, ReturnLine as ReturnLineRow } from "../generated/prisma/client.js";
import type { Domain } from "../shared/records.js";

export const RETURN_STATUSES = ["REQUESTED", "APPROVED", "DECLINED", "RECEIVED", "REFUNDED"] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];

export type ReturnLineRecord = ReturnLineRow;

export type ReturnRecord = Domain<ReturnRow, "amountRefunded", { status: ReturnStatus }> & {
  lines: ReturnLineRecord[];
};
