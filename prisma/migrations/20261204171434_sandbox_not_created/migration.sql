-- AlterEnum
ALTER TYPE "SandboxStatus" ADD VALUE 'NOT_CREATED';
