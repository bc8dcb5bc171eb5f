-- CreateIndex
CREATE INDEX "SandboxRun_status_finishedAt_idx" ON "SandboxRun"("status", "finishedAt");
