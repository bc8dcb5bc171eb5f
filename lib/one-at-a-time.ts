/**
 * Work a timer starts, never run beside itself: a pass that outlasts its interval (a slow
 * server, a large fleet, a portal database that does not answer) is not joined by another
 * doing the same work, which would slow both and pile up, one more each interval, for as
 * long as the hold-up lasts. The tick that finds a pass under way is skipped.
 */
export function oneAtATime(work: () => Promise<void>): () => Promise<void> {
  let running = false;
  return async () => {
    if (running) return;
    running = true;
    try {
      await work();
    } finally {
      running = false;
    }
  };
}
