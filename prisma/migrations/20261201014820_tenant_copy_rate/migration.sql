-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "copyRateLimitMBps" DOUBLE PRECISION;
