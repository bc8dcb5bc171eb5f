-- "Show deleted (N)" on the Sandboxes list counts a tenant's deleted sandboxes (all of
-- them for staff) on every view: an index-only count of the deleted ones, instead of a
-- scan of every sandbox. (Partial indexes cannot be expressed in schema.prisma, so this
-- migration is hand-written.)
CREATE INDEX "Sandbox_deleted_per_tenant" ON "Sandbox" ("tenantId") WHERE "deletedAt" IS NOT NULL;
