-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "entitledPlans" JSONB,
ADD COLUMN     "entitledSandboxes" INTEGER;
