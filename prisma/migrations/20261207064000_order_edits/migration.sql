-- AlterEnum
ALTER TYPE "OrderEventType" ADD VALUE 'ORDER_EDITED';

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "editVersion" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "OrderEvent" ADD COLUMN     "edit" JSONB;
