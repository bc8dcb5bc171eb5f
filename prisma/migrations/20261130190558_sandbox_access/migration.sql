-- CreateTable
CREATE TABLE "SandboxAccess" (
    "sandboxId" TEXT NOT NULL,
    "associateId" INTEGER NOT NULL,
    "username" TEXT NOT NULL,
    "fullName" TEXT NOT NULL,
    "email" TEXT,
    "userPlan" TEXT NOT NULL,
    "grantedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),

    CONSTRAINT "SandboxAccess_pkey" PRIMARY KEY ("sandboxId","associateId")
);

-- CreateIndex
CREATE INDEX "SandboxAccess_email_idx" ON "SandboxAccess"("email");

-- AddForeignKey
ALTER TABLE "SandboxAccess" ADD CONSTRAINT "SandboxAccess_sandboxId_fkey" FOREIGN KEY ("sandboxId") REFERENCES "Sandbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;
