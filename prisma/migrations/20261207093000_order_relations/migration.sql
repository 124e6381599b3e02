-- An order's lines, payments and notes as JSON (schema.prisma: view OrderRelations). Amounts are
-- decimal text, never JSON numbers; the arrays are ordered by id, as the loaders order them.
-- Each column is a correlated subquery on its table's (orderId, id) index: a statement that does
-- not select a column does not compute it.
CREATE VIEW "OrderRelations" AS
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
  ), '[]'::json) AS "publicNotes"
FROM "Order" o;
