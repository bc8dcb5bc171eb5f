-- A pool of sandbox servers (issue 13 item 8). Tenants used to name their server by a
-- sealed URL; each such URL becomes a registered server the tenant is pinned to, and
-- every tenant without one keeps using the built-in server (SANDBOX_SERVER_URL), which
-- is a row of its own so that it can be drained and given a capacity like any other.

-- CreateEnum
CREATE TYPE "SandboxServerState" AS ENUM ('ACTIVE', 'DRAINING');

-- CreateTable
CREATE TABLE "SandboxServer" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "urlEncrypted" TEXT,
    "maxDatabases" INTEGER,
    "maxTotalBytes" BIGINT,
    "maxConcurrentRuns" INTEGER,
    "state" "SandboxServerState" NOT NULL DEFAULT 'ACTIVE',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SandboxServer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SandboxServer_name_key" ON "SandboxServer"("name");

-- Exactly one built-in server (no URL of its own: SANDBOX_SERVER_URL). Written by hand: schema.prisma cannot express it.
CREATE UNIQUE INDEX "SandboxServer_one_built_in_key" ON "SandboxServer" ((true)) WHERE "urlEncrypted" IS NULL;
INSERT INTO "SandboxServer" ("id", "name") VALUES ('built-in', 'built-in');

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "sandboxServerId" TEXT;

-- AlterTable
ALTER TABLE "Sandbox" ADD COLUMN     "sandboxServerId" TEXT;

-- Backfill: a tenant's own server URL becomes a registered server (its ciphertext moves as it is: nothing is
-- opened here), named after the tenant; operators rename it with `ops server:set`.
INSERT INTO "SandboxServer" ("id", "name", "urlEncrypted")
SELECT 'tenant-' || "id", "customerId" || '-server', "sandboxServerUrlEncrypted" FROM "Tenant" WHERE "sandboxServerUrlEncrypted" IS NOT NULL;
UPDATE "Tenant" SET "sandboxServerId" = 'tenant-' || "id" WHERE "sandboxServerUrlEncrypted" IS NOT NULL;
-- Every existing sandbox lives where its tenant's sandboxes were made.
UPDATE "Sandbox" s SET "sandboxServerId" = COALESCE(t."sandboxServerId", 'built-in') FROM "Tenant" t WHERE t."id" = s."tenantId";
-- Runs waiting or going name their server by its id now, no longer by host:port.
UPDATE "SandboxRun" r SET "sandboxServer" = s."sandboxServerId" FROM "Sandbox" s
 WHERE s."id" = r."sandboxId" AND r."status" IN ('QUEUED', 'RUNNING') AND r."kind" <> 'DELETE';

ALTER TABLE "Tenant" DROP COLUMN "sandboxServerUrlEncrypted";

-- CreateIndex
CREATE INDEX "Sandbox_sandboxServerId_idx" ON "Sandbox"("sandboxServerId");

-- AddForeignKey
ALTER TABLE "Tenant" ADD CONSTRAINT "Tenant_sandboxServerId_fkey" FOREIGN KEY ("sandboxServerId") REFERENCES "SandboxServer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Sandbox" ADD CONSTRAINT "Sandbox_sandboxServerId_fkey" FOREIGN KEY ("sandboxServerId") REFERENCES "SandboxServer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
