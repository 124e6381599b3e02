-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "rowVersion" INTEGER NOT NULL DEFAULT 0;

-- Every UPDATE of an order's row raises its rowVersion, in the row it writes (a trigger before each
-- row, so no write path can forget it). The statements that raise relationsVersion update the row
-- too, so any change to the order or to its lines, payments, notes and refunds raises it: a server's
-- order cache serves an order's row only while the row still carries the version it was read with.
CREATE FUNCTION "order_row_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."rowVersion" := OLD."rowVersion" + 1;
  RETURN NEW;
END
$$;

CREATE TRIGGER "Order_updated" BEFORE UPDATE ON "Order"
  FOR EACH ROW EXECUTE FUNCTION "order_row_changed"();
