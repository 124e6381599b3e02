-- An order's refunds join its lines, payments and notes: every statement that writes a refund raises
-- the relationsVersion of each order it touched (the same statement-level triggers and function as
-- the lines', payments' and notes'), so a server's order cache never serves refunds older than the row.
CREATE TRIGGER "OrderRefund_inserted" AFTER INSERT ON "OrderRefund"
  REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "order_relations_changed"();
CREATE TRIGGER "OrderRefund_updated" AFTER UPDATE ON "OrderRefund"
  REFERENCING NEW TABLE AS "new_rows" OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "order_relations_changed"();
CREATE TRIGGER "OrderRefund_deleted" AFTER DELETE ON "OrderRefund"
  REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "order_relations_changed"();

-- The view with the refunds as a last column (CREATE OR REPLACE VIEW only appends): every OrderRefund
-- column, the amount as decimal text (never a JSON number), ordered by id, as the loaders order them.
CREATE OR REPLACE VIEW "OrderRelations" AS
SELECT
  o."id" AS "orderId",
  COALESCE((
    SELECT json_agg(json_build_object(
      'id', i."id", 'orderId', i."orderId", 'productType', i."productType", 'productId', i."productId",
      'product', i."product", 'unitPrice', i."unitPrice"::text, 'quantity', i."quantity",
      'subtotal', i."subtotal"::text, 'total', i."total"::text, 'extraRows', i."extraRows", 'extra', i."extra"
    ) ORDER BY i."id")
    FROM "OrderItem" i WHERE i."orderId" = o."id"
  ), '[]'::json) AS "items",
  COALESCE((
    SELECT json_agg(json_build_object(
      'id', p."id", 'orderId', p."orderId", 'amount', p."amount"::text, 'transactionId', p."transactionId",
      'paymentMethod', p."paymentMethod", 'dateCreated', p."dateCreated",
      'amountRefunded', p."amountRefunded"::text, 'refundedAt', p."refundedAt"
    ) ORDER BY p."id")
    FROM "OrderPayment" p WHERE p."orderId" = o."id"
  ), '[]'::json) AS "payments",
  COALESCE((
    SELECT json_agg(json_build_object(
      'id', n."id", 'orderId', n."orderId", 'message', n."message", 'public', n."public", 'dateCreated', n."dateCreated"
    ) ORDER BY n."id")
    FROM "OrderNote" n WHERE n."orderId" = o."id"
  ), '[]'::json) AS "notes",
  COALESCE((
    SELECT json_agg(json_build_object(
      'id', n."id", 'orderId', n."orderId", 'message', n."message", 'public', n."public", 'dateCreated', n."dateCreated"
    ) ORDER BY n."id")
    FROM "OrderNote" n WHERE n."orderId" = o."id" AND n."public"
  ), '[]'::json) AS "publicNotes",
  o."relationsVersion" AS "version",
  COALESCE((
    SELECT json_agg(json_build_object(
      'id', r."id", 'orderId', r."orderId", 'paymentId', r."paymentId", 'amount', r."amount"::text,
      'transactionId', r."transactionId", 'reason', r."reason", 'actorId', r."actorId", 'dateCreated', r."dateCreated"
    ) ORDER BY r."id")
    FROM "OrderRefund" r WHERE r."orderId" = o."id"
  ), '[]'::json) AS "refunds"
FROM "Order" o;
