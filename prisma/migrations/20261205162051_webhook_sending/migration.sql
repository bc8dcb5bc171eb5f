-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN     "sendingUntil" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "WebhookDelivery_endpointId_sendingUntil_idx" ON "WebhookDelivery"("endpointId", "sendingUntil");
