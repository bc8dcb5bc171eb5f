-- DropIndex
DROP INDEX "Sandbox_tenantId_name_key";

-- CreateIndex
CREATE INDEX "Sandbox_tenantId_idx" ON "Sandbox"("tenantId");

-- A deleted sandbox frees its name: names are unique per tenant, ignoring case, among
-- sandboxes that are not deleted (cancelled orders count as deleted). createOrder checks
-- first; this index settles two orders racing for one name.
-- (Partial and expression indexes cannot be expressed in schema.prisma, so this part is hand-written.)
CREATE UNIQUE INDEX "Sandbox_live_name_per_tenant" ON "Sandbox" ("tenantId", lower("name")) WHERE "deletedAt" IS NULL;
