-- AlterTable
ALTER TABLE "SandboxServer" ADD COLUMN     "unreachableCheckedAt" TIMESTAMP(3),
ADD COLUMN     "unreachableSince" TIMESTAMP(3);
