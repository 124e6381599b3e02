-- CreateEnum
CREATE TYPE "OrderEventType" AS ENUM ('ORDER_CREATED', 'STATUS_CHANGED', 'PAYMENT_STARTED', 'PAYMENT_RECORDED', 'PAYMENT_REFUNDED', 'REFUND_FAILED', 'NOTE_ADDED');

-- AlterTable
ALTER TABLE "OrderPayment" ADD COLUMN     "amountRefunded" DECIMAL(18,2) NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "OrderRefund" (
    "id" SERIAL NOT NULL,
    "orderId" INTEGER NOT NULL,
    "paymentId" INTEGER NOT NULL,
    "amount" DECIMAL(18,2) NOT NULL,
    "transactionId" TEXT,
    "reason" TEXT,
    "actorId" INTEGER,
    "dateCreated" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrderRefund_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderEvent" (
    "id" SERIAL NOT NULL,
    "orderId" INTEGER NOT NULL,
    "type" "OrderEventType" NOT NULL,
    "public" BOOLEAN NOT NULL,
    "actorId" INTEGER,
    "fromStatus" "OrderStatus",
    "toStatus" "OrderStatus",
    "amount" DECIMAL(18,2),
    "paymentMethod" TEXT,
    "transactionId" TEXT,
    "message" TEXT,
    "dateCreated" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrderEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OrderRefund_orderId_id_idx" ON "OrderRefund"("orderId", "id");

-- CreateIndex
CREATE INDEX "OrderRefund_paymentId_id_idx" ON "OrderRefund"("paymentId", "id");

-- CreateIndex
CREATE INDEX "OrderEvent_orderId_id_idx" ON "OrderEvent"("orderId", "id");

-- AddForeignKey
ALTER TABLE "OrderRefund" ADD CONSTRAINT "OrderRefund_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderRefund" ADD CONSTRAINT "OrderRefund_paymentId_fkey" FOREIGN KEY ("paymentId") REFERENCES "OrderPayment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderRefund" ADD CONSTRAINT "OrderRefund_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderEvent" ADD CONSTRAINT "OrderEvent_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderEvent" ADD CONSTRAINT "OrderEvent_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Backfill: every order created before history existed gets its ORDER_CREATED event, dated as the
-- order (the status it was created with is not known: toStatus stays null).
INSERT INTO "OrderEvent" ("orderId", "type", "public", "dateCreated")
SELECT "id", 'ORDER_CREATED', true, "dateCreated" FROM "Order" ORDER BY "id";

-- Backfill: a payment refunded before refunds were rows of their own was refunded whole, when
-- refundedAt says.
INSERT INTO "OrderRefund" ("orderId", "paymentId", "amount", "dateCreated")
SELECT "orderId", "id", "amount", "refundedAt" FROM "OrderPayment" WHERE "refundedAt" IS NOT NULL ORDER BY "id";
UPDATE "OrderPayment" SET "amountRefunded" = "amount" WHERE "refundedAt" IS NOT NULL;
