/**
 * Starts the web app's own job worker (the default), as a process of its own that
 * the web server looks after (lib/worker/app-worker.ts). Set WORKER_IN_APP=false when
 * workers run only as separate processes (`npm run worker`): the web app then checks
 * the queue's age itself, so that workers all down are alerted (lib/alerts/queue-watch.ts).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (!process.env.DATABASE_URL) return; // `next build` and other tools: no database, no worker.
  const started = globalThis as unknown as { appWorkerStarted?: boolean };
  if (started.appWorkerStarted) return; // a development server registers again on reload
  started.appWorkerStarted = true;
  if (process.env.WORKER_IN_APP === "false") {
    const { watchQueueWithoutWorkers } = await import("./lib/alerts/queue-watch");
    watchQueueWithoutWorkers();
    return;
  }
  const { startAppWorker } = await import("./lib/worker/app-worker-start");
  startAppWorker();
}
