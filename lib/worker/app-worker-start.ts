/**
 * The web server's side of its own worker (instrumentation.ts): the process started
 * once, woken with every run queued here, its counts counted here, and ended with the
 * web server. Apart from instrumentation.ts, which Next.js also compiles for the Edge
 * runtime, where `process.on` does not exist.
 */
import { runWakers } from "../jobs/queue";
import { countHere } from "../observability/worker-counts";
import { AppWorker } from "./app-worker";

export function startAppWorker(): void {
  const worker = new AppWorker({ onMessage: countHere });
  worker.start();
  runWakers().add(() => worker.wake());
  process.on("exit", () => worker.killOnExit());
}
