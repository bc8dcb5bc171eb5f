-- AlterTable
ALTER TABLE "SandboxRun" ADD COLUMN     "reservedBytes" BIGINT;
