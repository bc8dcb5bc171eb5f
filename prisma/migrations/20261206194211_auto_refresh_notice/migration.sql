-- AlterTable
ALTER TABLE "Sandbox" ADD COLUMN     "autoRefreshNoticeFor" TIMESTAMP(3);
