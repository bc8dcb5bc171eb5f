-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "offboardedAt" TIMESTAMP(3),
ALTER COLUMN "productionUrlEncrypted" DROP NOT NULL;
