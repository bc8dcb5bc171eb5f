-- CreateIndex
CREATE INDEX "Sandbox_databaseName_idx" ON "Sandbox"("databaseName");
