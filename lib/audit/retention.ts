/**
 * How long the audit log keeps its events: `AUDIT_RETENTION_DAYS`, or for ever when it is
 * not set (the default: how long to keep who-did-what, which names people, is each
 * operator's policy to decide, not the portal's). At least 90 days (env.ts): a sign-in or a
 * deletion stays explainable for a quarter at least. A worker's fleet check drops older events
 * a batch at a time, so that a first sweep over years of events never holds the table, or a
 * transaction, for long.
 */
import { env } from "../config/env";
import { db } from "../db/portal";
import { retentionCutoff, sweepInBatches } from "../db/sweep-in-batches";

const BATCH = 5_000;
/** Batches per sweep: a backlog goes over several sweeps, five minutes apart, rather than in one long one. */
const BATCHES_PER_SWEEP = 20;

/** Drops events older than the retention; returns how many went (0 when events are kept for ever). */
export async function pruneAuditLog(now = new Date(), days = env().AUDIT_RETENTION_DAYS): Promise<number> {
  if (days === undefined) return 0;
  const cutoff = retentionCutoff(now, days);
  // Oldest first, through the (createdAt, id) index.
  return sweepInBatches(BATCH, BATCHES_PER_SWEEP, () =>
    db.$executeRaw`DELETE FROM "AuditEvent" WHERE id IN (SELECT id FROM "AuditEvent" WHERE "createdAt" < ${cutoff} ORDER BY "createdAt", id LIMIT ${BATCH})`,
  );
}
