/**
 * What the web server waits for when a signal stops it (scripts/portal-server.ts), before
 * it exits: its own worker's stop, which hands the copy in hand back to the queue while
 * the database is still up. Without the wait, the web server's exit let the launcher stop
 * the embedded server under the worker's feet, and the run stayed "running" until
 * recovery found it.
 *
 * Kept on globalThis: instrumentation.ts, which adds the steps, runs in Next.js's bundle,
 * and portal-server.ts, which runs them, outside it; each has its own copy of this module.
 */
const shared = globalThis as unknown as { shutdownSteps?: Set<() => Promise<void>> };

export function shutdownSteps(): Set<() => Promise<void>> {
  shared.shutdownSteps ??= new Set();
  return shared.shutdownSteps;
}

/** Every step, side by side; one that fails does not hold up the others. */
export async function runShutdownSteps(): Promise<void> {
  await Promise.allSettled([...shutdownSteps()].map((step) => step()));
}
