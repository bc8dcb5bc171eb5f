/**
 * A retention's sweep (the audit log's, the runs' reports'): a backlog of years is worked
 * through a batch at a time, each batch a short statement of its own, and at most so many
 * batches a sweep, so that a first sweep never holds a table, or a transaction, for long.
 */

/** The moment `days` before `now`: what a retention of `days` keeps from. */
export const retentionCutoff = (now: Date, days: number): Date => new Date(now.getTime() - days * 86_400_000);

/** Runs `batchOnce` (a statement acting on at most `batch` rows) until it acts on fewer, at most `batches` times; how many rows it acted on. */
export async function sweepInBatches(batch: number, batches: number, batchOnce: () => Promise<number>): Promise<number> {
  let done = 0;
  for (let n = 0; n < batches; n++) {
    const count = await batchOnce();
    done += count;
    if (count < batch) break;
  }
  return done;
}
