-- AlterTable
-- Deliveries written before this column existed keep the id they were sent with (their row id), so
-- that a retry of one carries the same webhook-id as its earlier attempts; new rows get "msg_" and
-- 32 random hex digits from the statement that writes them (src/history/event-log.ts).
ALTER TABLE "WebhookDelivery" ADD COLUMN     "messageId" TEXT;
UPDATE "WebhookDelivery" SET "messageId" = "id"::text;
ALTER TABLE "WebhookDelivery" ALTER COLUMN "messageId" SET NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_messageId_key" ON "WebhookDelivery"("messageId");
