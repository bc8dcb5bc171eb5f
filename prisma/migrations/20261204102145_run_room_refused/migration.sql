-- AlterTable
ALTER TABLE "SandboxRun" ADD COLUMN     "roomRefusedBytes" BIGINT;
