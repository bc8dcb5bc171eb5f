-- AlterTable
ALTER TABLE "SandboxRun" ADD COLUMN     "lostAt" TIMESTAMP(3);
