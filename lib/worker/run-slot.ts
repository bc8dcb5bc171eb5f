/**
 * A worker's run slot carries one run at a time. pg-boss waits for a job's handler only
 * until the job expires (under a day, its most); a copy of a large production may take
 * longer, and pg-boss then offers the slot its next job beside the copy still going.
 */

/**
 * A slot's job handler: `execute` one run at a time. A job offered while the slot is still
 * busy goes back to the queue (`deferWhileBusy`) for any worker with a free slot, rather
 * than wait here, its job active, where no other worker may take it.
 */
export function runSlot(execute: (runId: string) => Promise<unknown>, deferWhileBusy: (runId: string) => Promise<void>): (runId: string) => Promise<void> {
  let busy = false;
  return async (runId) => {
    if (busy) return deferWhileBusy(runId);
    busy = true;
    try {
      await execute(runId);
    } finally {
      busy = false;
    }
  };
}
