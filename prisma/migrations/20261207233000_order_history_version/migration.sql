-- An order's history joins its lines, payments, notes and refunds: every statement that writes an
-- event raises the relationsVersion of each order it touched (the same statement-level triggers and
-- function as theirs; an event's row changes only when its actor is deleted), so a server's cache of
-- history pages (history/event.cache.ts) never serves events older than the row.
CREATE TRIGGER "OrderEvent_inserted" AFTER INSERT ON "OrderEvent"
  REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "order_relations_changed"();
CREATE TRIGGER "OrderEvent_updated" AFTER UPDATE ON "OrderEvent"
  REFERENCING NEW TABLE AS "new_rows" OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "order_relations_changed"();
CREATE TRIGGER "OrderEvent_deleted" AFTER DELETE ON "OrderEvent"
  REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "order_relations_changed"();
