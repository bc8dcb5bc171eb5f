-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "classification" JSONB;
