-- At most one queued or running run per sandbox. requestRun() checks this under a
-- row lock; the index makes it a property of the database, whatever the caller.
-- (Partial indexes cannot be expressed in schema.prisma, so this migration is hand-written.)
CREATE UNIQUE INDEX "SandboxRun_one_active_per_sandbox" ON "SandboxRun" ("sandboxId") WHERE "status" IN ('QUEUED', 'RUNNING');
