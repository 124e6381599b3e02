-- AlterTable
ALTER TABLE "OrderEvent" ADD COLUMN     "traceContext" TEXT;
