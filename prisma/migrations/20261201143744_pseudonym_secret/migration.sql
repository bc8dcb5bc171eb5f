-- AlterTable
ALTER TABLE "Sandbox" ADD COLUMN     "pseudonymSecretEncrypted" TEXT;
