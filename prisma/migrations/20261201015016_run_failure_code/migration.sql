-- AlterTable
ALTER TABLE "SandboxRun" ADD COLUMN     "failureCode" TEXT;
