-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "relationsVersion" INTEGER NOT NULL DEFAULT 0;

-- Every statement that writes an order's lines, payments or notes raises the relationsVersion of
-- each order it touched, once per statement (a transition table, not a trigger per row: a new
-- order's lines are one statement). Kept by PostgreSQL, so no write path can forget it: a server's
-- order cache serves an order's relations only while the row carries the version they were read with.
CREATE FUNCTION "order_relations_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE "Order" SET "relationsVersion" = "relationsVersion" + 1
    WHERE "id" IN (SELECT "orderId" FROM "new_rows");
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "Order" SET "relationsVersion" = "relationsVersion" + 1
    WHERE "id" IN (SELECT "orderId" FROM "old_rows");
  ELSE
    UPDATE "Order" SET "relationsVersion" = "relationsVersion" + 1
    WHERE "id" IN (SELECT "orderId" FROM "new_rows" UNION SELECT "orderId" FROM "old_rows");
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "OrderItem_inserted" AFTER INSERT ON "OrderItem"
  REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "order_relations_changed"();
CREATE TRIGGER "OrderItem_updated" AFTER UPDATE ON "OrderItem"
  REFERENCING NEW TABLE AS "new_rows" OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "order_relations_changed"();
CREATE TRIGGER "OrderItem_deleted" AFTER DELETE ON "OrderItem"
  REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "order_relations_changed"();

CREATE TRIGGER "OrderPayment_inserted" AFTER INSERT ON "OrderPayment"
  REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "order_relations_changed"();
CREATE TRIGGER "OrderPayment_updated" AFTER UPDATE ON "OrderPayment"
  REFERENCING NEW TABLE AS "new_rows" OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "order_relations_changed"();
CREATE TRIGGER "OrderPayment_deleted" AFTER DELETE ON "OrderPayment"
  REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "order_relations_changed"();

CREATE TRIGGER "OrderNote_inserted" AFTER INSERT ON "OrderNote"
  REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "order_relations_changed"();
CREATE TRIGGER "OrderNote_updated" AFTER UPDATE ON "OrderNote"
  REFERENCING NEW TABLE AS "new_rows" OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "order_relations_changed"();
CREATE TRIGGER "OrderNote_deleted" AFTER DELETE ON "OrderNote"
  REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "order_relations_changed"();

-- The view's relations with the version they were read at, in one statement (one snapshot).
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
  o."relationsVersion" AS "version"
FROM "Order" o;
