-- DropIndex
DROP INDEX "Sandbox_tenantId_idx";

-- CreateIndex
CREATE INDEX "Tenant_companyName_id_idx" ON "Tenant"("companyName", "id");

-- CreateIndex
CREATE INDEX "Tenant_createdAt_id_idx" ON "Tenant"("createdAt", "id");

-- CreateIndex
CREATE INDEX "Sandbox_tenantId_createdAt_id_idx" ON "Sandbox"("tenantId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Sandbox_orderedById_createdAt_id_idx" ON "Sandbox"("orderedById", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Sandbox_createdAt_id_idx" ON "Sandbox"("createdAt", "id");

-- CreateIndex
CREATE INDEX "Sandbox_name_id_idx" ON "Sandbox"("name", "id");
