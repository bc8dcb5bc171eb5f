-- AlterTable
ALTER TABLE "Sandbox" ADD COLUMN     "orderedKind" TEXT NOT NULL DEFAULT 'full';
