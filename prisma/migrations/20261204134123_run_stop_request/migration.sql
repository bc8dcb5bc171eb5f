-- AlterTable
ALTER TABLE "SandboxRun" ADD COLUMN     "stopReason" TEXT;
