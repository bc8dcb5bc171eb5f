/**
 * Where a run's time goes, phase by phase: for the benchmark (`npm run bench --
 * --phases`) and for profiling. Some phases overlap on purpose (the left-out tables
 * are counted while the database is created), so the times need not add up.
 */
export type PhaseListener = (phase: string, ms: number) => void;

export async function timePhase<T>(onPhase: PhaseListener | undefined, phase: string, run: () => Promise<T>): Promise<T> {
  if (!onPhase) return run();
  const started = performance.now();
  try {
    return await run();
  } finally {
    onPhase(phase, performance.now() - started);
  }
}

/**
 * Awaits both, and only then fails with the first one's error: a phase never fails
 * while the other still runs (a database created after the run's clean-up would be left behind).
 */
export async function allSettledOrThrow<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === "rejected") throw ra.reason;
  if (rb.status === "rejected") throw rb.reason;
  return [ra.value, rb.value];
}
