-- AlterTable
ALTER TABLE "SandboxRun" ADD COLUMN     "sandboxServer" TEXT,
ADD COLUMN     "serverWaitSince" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "SandboxRun_sandboxServer_status_idx" ON "SandboxRun"("sandboxServer", "status");
