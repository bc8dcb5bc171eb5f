-- AlterTable
ALTER TABLE "SandboxRun" ADD COLUMN     "followUpTakenAt" TIMESTAMP(3),
ADD COLUMN     "followedUpAt" TIMESTAMP(3);

-- Runs that ended before this migration were followed up by the worker that ended them (or never will be): none is done again.
UPDATE "SandboxRun" SET "followedUpAt" = "finishedAt" WHERE status IN ('SUCCEEDED', 'FAILED');
