/**
 * Starts the job worker inside the web app (the default). Set WORKER_IN_APP=false
 * when workers run as separate processes (`npm run worker`).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.WORKER_IN_APP === "false") return;
  if (!process.env.DATABASE_URL) return; // `next build` and other tools: no database, no worker.
  const { startWorker } = await import("./lib/worker/worker");
  const concurrency = Number(process.env.WORKER_CONCURRENCY ?? 1);
  await startWorker({ concurrency });
}
