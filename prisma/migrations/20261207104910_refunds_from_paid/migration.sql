-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "amountRefundedFromPaid" DECIMAL(18,2) NOT NULL DEFAULT 0;

-- Backfill, keeping each order's balance as it was: an edited order's balance counted every refund
-- against what was paid; an order never edited counts the refunds of its overpayment only.
UPDATE "Order"
SET "amountRefundedFromPaid" = CASE
  WHEN "editVersion" > 0 THEN "amountRefunded"
  ELSE LEAST("amountRefunded", GREATEST(0, "amountPaid" - "total"))
END
WHERE "amountRefunded" > 0;
