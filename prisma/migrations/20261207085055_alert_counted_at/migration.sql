-- AlterTable
ALTER TABLE "Alert" ADD COLUMN     "countedAt" TIMESTAMP(3);
