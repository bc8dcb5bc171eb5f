/**
 * A worker process's uncaught exception: its state is unknown from then on, so it is logged
 * and the process ends with 1, for its supervisor (systemd, the orchestrator, the web app
 * that started it) to start it again. Its runs are recovered as any dead worker's are
 * (their heartbeats stop; lib/jobs/lifecycle.ts). Logged as an error, through the logger's
 * serializer, as the worker's unhandled rejections are: it leaves out the passwords a message
 * quotes and what a driver's message quotes of production's rows.
 */
import { log } from "../observability/log";

export function onUncaughtException(error: unknown, exit: (code: number) => never = process.exit): void {
  if (error instanceof Error) log.error({ err: error }, "uncaught exception: the worker exits, to be started again");
  else log.error({ reason: typeof error }, "uncaught exception (not an Error): the worker exits, to be started again");
  exit(1);
}

let installed = false;

/** Installs the handler once, in the worker process's entry (scripts/worker.ts): never in a process it does not own. */
export function exitOnUncaughtException(): void {
  if (installed) return;
  installed = true;
  process.on("uncaughtException", (error) => onUncaughtException(error));
}
