/**
 * Revoked and expired tokens are listed on the API tokens page for a while (people see that
 * one ended, and when), then removed by a worker's fleet check: nothing else removed them,
 * so a person making and revoking tokens grew the table for good. Their audit events (made,
 * revoked) name the token in their details and stay; its idempotency keys go with it.
 */
import { databaseNow } from "../db/database-clock";
import { db } from "../db/portal";
import { retentionCutoff, sweepInBatches } from "../db/sweep-in-batches";

/** Days a token is kept after it was revoked or expired. */
export const ENDED_TOKEN_DAYS = 90;

/** Rows per statement, and statements per sweep: a backlog goes over several sweeps, five minutes apart. */
export const TOKEN_PRUNE_BATCH = { batch: 500, batches: 4 };

/** Removes tokens revoked or expired more than ENDED_TOKEN_DAYS ago; how many went. */
export async function pruneEndedTokens(at?: Date): Promise<number> {
  const cutoff = retentionCutoff(at ?? (await databaseNow()), ENDED_TOKEN_DAYS);
  const { batch, batches } = TOKEN_PRUNE_BATCH;
  return sweepInBatches(batch, batches, () =>
    db.$executeRaw`DELETE FROM "ApiToken" WHERE id IN (SELECT id FROM "ApiToken" WHERE "revokedAt" < ${cutoff} OR "expiresAt" < ${cutoff} LIMIT ${batch})`,
  );
}
