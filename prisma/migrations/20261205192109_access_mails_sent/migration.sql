-- CreateTable
CREATE TABLE "AccessMailSent" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AccessMailSent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AccessMailSent_tenantId_sentAt_idx" ON "AccessMailSent"("tenantId", "sentAt");

-- AddForeignKey
ALTER TABLE "AccessMailSent" ADD CONSTRAINT "AccessMailSent_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
