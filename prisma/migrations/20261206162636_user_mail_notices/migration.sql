-- AlterTable
ALTER TABLE "User" ADD COLUMN     "mailNotices" BOOLEAN NOT NULL DEFAULT true;
