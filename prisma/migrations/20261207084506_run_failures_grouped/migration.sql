-- AlterTable
ALTER TABLE "Alert" ADD COLUMN     "failingSandboxIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "sandboxIds" TEXT[] DEFAULT ARRAY[]::TEXT[];
