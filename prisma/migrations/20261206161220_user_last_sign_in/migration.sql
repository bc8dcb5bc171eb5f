-- AlterTable
ALTER TABLE "User" ADD COLUMN     "lastSignInAt" TIMESTAMP(3);

-- Backfill: the newest session each account still has (ended and expired ones are pruned, so older sign-ins are unknown).
UPDATE "User" u SET "lastSignInAt" = s.last
FROM (SELECT "userId", max("createdAt") AS last FROM "UserSession" GROUP BY "userId") s
WHERE s."userId" = u.id;
