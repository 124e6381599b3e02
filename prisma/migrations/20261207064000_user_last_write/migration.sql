-- AlterTable
ALTER TABLE "User" ADD COLUMN     "lastWriteAt" TIMESTAMPTZ(3);
