/**
 * The web server's side of its own worker (instrumentation.ts): the process started
 * once, woken with every run queued here, its counts counted here, and ended with the
 * web server. Apart from instrumentation.ts, which Next.js also compiles for the Edge
 * runtime, where `process.on` does not exist.
 */
import { runWakers } from "../jobs/queue";
import { shutdownSteps } from "../startup/shutdown-steps";
import { countHere } from "../observability/worker-counts";
import { AppWorker } from "./app-worker";

export function startAppWorker(): void {
  const worker = new AppWorker({ onMessage: countHere });
  worker.start();
  runWakers().add(() => worker.wake());
  // A signal: the web server waits for the worker to hand its copy back (scripts/portal-server.ts).
  shutdownSteps().add(() => worker.stop());
  // Any other exit: a synchronous last word.
  process.on("exit", () => worker.killOnExit());
}
