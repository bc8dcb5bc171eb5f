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
 * Awaits them all, and only then fails with the first one's error: a phase never fails
 * while another still runs (a database created after the run's clean-up would be left behind).
 */
export async function allSettledOrThrow<T extends readonly unknown[]>(...promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  for (const s of settled) if (s.status === "rejected") throw s.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
