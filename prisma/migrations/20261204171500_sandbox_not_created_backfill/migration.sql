-- Sandboxes whose creation was cancelled before it started, or stopped while it ran, were
-- marked FAILED (their newest run a creation ended with the code CANCELLED): nothing failed,
-- so they are NOT_CREATED. Apart from the migration that adds the value: a new enum value
-- cannot be used in the transaction that adds it.
UPDATE "Sandbox" AS s
SET status = 'NOT_CREATED'
WHERE s.status = 'FAILED'
  AND s."databaseName" IS NULL
  AND (
    SELECT r.kind = 'PROVISION' AND r."failureCode" = 'CANCELLED'
    FROM "SandboxRun" AS r
    WHERE r."sandboxId" = s.id
    ORDER BY r."createdAt" DESC
    LIMIT 1
  );
