-- AlterEnum
ALTER TYPE "SandboxStatus" ADD VALUE 'CANCELLED';
