-- AlterTable
ALTER TABLE "SandboxRun" ADD COLUMN     "accessChanges" JSONB;
