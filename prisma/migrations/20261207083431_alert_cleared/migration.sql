-- AlterTable
ALTER TABLE "Alert" ADD COLUMN     "clearedAt" TIMESTAMP(3);
