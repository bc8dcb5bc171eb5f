/**
 * A worker's run slot carries one run at a time. pg-boss waits for a job's handler only
 * until the job expires (24 hours at most); a copy of a large production may take longer,
 * and pg-boss would then offer the slot its next job beside the copy still going.
 */

/** `handle`, each call started only once the one before it has ended, even if whoever called it stopped waiting. */
export function oneAtATime<T>(handle: (arg: T) => Promise<unknown>): (arg: T) => Promise<void> {
  let inHand: Promise<unknown> = Promise.resolve();
  return async (arg) => {
    const previous = inHand;
    let done = () => undefined as void;
    inHand = new Promise<void>((resolve) => (done = resolve));
    try {
      await previous;
      await handle(arg);
    } finally {
      done();
    }
  };
}
