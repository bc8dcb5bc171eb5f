-- AlterTable
ALTER TABLE "SandboxRun" ADD COLUMN     "reportDroppedAt" TIMESTAMP(3);

-- The reports a retention sweep may drop, oldest first: only runs still holding one, so a
-- sweep never walks the years of runs whose reports went before (not expressible in the schema).
CREATE INDEX "SandboxRun_kept_reports" ON "SandboxRun" ("finishedAt") WHERE "report" IS NOT NULL;
