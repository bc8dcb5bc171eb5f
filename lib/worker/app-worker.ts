/**
 * The web app's own worker (WORKER_IN_APP, the default): a process of its own that
 * the web server starts, starts again when it dies, and ends with itself.
 *
 * Why not the web server's own event loop: a copy reads production, which is untrusted
 * input, and rewrites it on the worker's thread. On the web server's loop, a medium
 * pseudonymised copy held every tenant's pages for up to 0.65 s at a time, a hostile
 * 32 MB ticket body for seconds; and a copy that ran out of memory would have taken the
 * web app down with it.
 *
 * The two speak over Node's IPC channel, in the messages below: the web app wakes the
 * worker when it queues a run (lib/jobs/queue.ts), and the worker tells the web app
 * what its metrics count (finished runs, webhook attempts), so that the web app's
 * /api/metrics still counts them.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { log } from "../observability/log";
import { nodeCommand } from "./node-command";
import { workerProcessEnv } from "./worker-process-env";

/** The environment variable that tells a worker process it is a web app's own. */
const APP_WORKER_ENV = "SANDBOX_PORTAL_APP_WORKER";

/** A finished run as the metrics count it. */
export interface FinishedRunFact {
  kind: string;
  succeeded: boolean;
  /** For a succeeded copy: how long it took, and what it copied. */
  copy?: { seconds: number; rows: number; bytes: number };
}

export type ToWorker = { type: "wake" };
/** What the worker's metrics count, for the web app to count (lib/observability/worker-counts.ts). */
export type ToWebApp = { type: "run-finished"; run: FinishedRunFact } | { type: "webhook-attempt"; outcome: string };

export interface AppWorkerOptions {
  /** The worker's command line: scripts/worker.ts, compiled or through tsx (node-command.ts), unless a test gives another. */
  argv?: string[];
  env?: NodeJS.ProcessEnv;
  onMessage?: (message: ToWebApp) => void;
  /** Waits before a start after a death: doubling from the first, up to the second, while it keeps dying young. */
  restartDelayMs?: [number, number];
  /** A worker that lived this long died of something new: its next start waits the shortest delay again. */
  healthyAfterMs?: number;
  /** How long a stop waits for the worker to finish before killing it. */
  stopTimeoutMs?: number;
}

export class AppWorker {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private delayMs: number;
  private startCount = 0;

  constructor(private readonly options: AppWorkerOptions = {}) {
    this.delayMs = this.restartDelays[0];
  }

  private get restartDelays(): [number, number] {
    return this.options.restartDelayMs ?? [1_000, 60_000];
  }

  start(): void {
    if (this.stopping || this.child) return;
    const [command, ...args] = this.options.argv ?? nodeCommand("worker");
    const startedAt = Date.now();
    const child = spawn(command!, args, {
      env: { ...workerProcessEnv(this.options.env ?? process.env), [APP_WORKER_ENV]: "1" },
      // Its log lines go where the web server's go.
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.child = child;
    this.startCount++;
    child.on("message", (message: ToWebApp) => {
      if (message?.type === "run-finished" || message?.type === "webhook-attempt") this.options.onMessage?.(message);
    });
    // A failed spawn (no such file) ends in "error", maybe without "exit": either ends it once.
    let ended = false;
    const onEnd = (code: number | null, signal: NodeJS.Signals | null) => {
      if (ended) return;
      ended = true;
      if (this.child === child) this.child = undefined;
      if (this.stopping) return;
      const [shortest, longest] = this.restartDelays;
      if (Date.now() - startedAt >= (this.options.healthyAfterMs ?? 60_000)) this.delayMs = shortest;
      const delayMs = this.delayMs;
      this.delayMs = Math.min(delayMs * 2, longest);
      log.error({ code, signal, restartInMs: delayMs }, "the web app's worker process ended; starting it again");
      this.restartTimer = setTimeout(() => this.start(), delayMs);
    };
    child.on("exit", onEnd);
    child.on("error", (error) => {
      log.error(error, "the web app's worker process could not run");
      onEnd(null, null);
    });
  }

  /** Wakes the worker's run pollers (a run was just queued); nothing if it is not running. */
  wake(): void {
    const child = this.child;
    if (child?.connected) child.send({ type: "wake" } satisfies ToWorker, () => undefined);
  }

  /** Every start of the process so far, the first included. */
  get starts(): number {
    return this.startCount;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Asks the worker to stop (it ends its run in hand's work on the queue), then kills it if it takes too long. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timeout = setTimeout(() => child.kill("SIGKILL"), this.options.stopTimeoutMs ?? 30_000);
    await exited;
    clearTimeout(timeout);
  }

  /** At the web server's exit, whatever the reason: a synchronous last word to the worker. */
  killOnExit(): void {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.child?.kill("SIGTERM");
  }
}

/**
 * In a worker process: whether a web app started it (and listens on the channel), and
 * the channel's two directions for it. A worker whose web app is gone ends itself
 * (`onParentGone`), so that no worker outlives its web server, even one killed -9.
 */
export function joinWebApp(handlers: { onWake: () => void; onParentGone: () => void }): boolean {
  if (!startedByWebApp()) return false;
  process.on("message", (message: ToWorker) => {
    if (message?.type === "wake") handlers.onWake();
  });
  process.on("disconnect", handlers.onParentGone);
  return true;
}

/** In a worker process: whether a web app started it, and counts what it tells it (tellWebApp). */
export const startedByWebApp = (): boolean => process.env[APP_WORKER_ENV] === "1" && process.send !== undefined;

/** In a web app's worker process: tells the web app what to count; false elsewhere (the process counts it itself). */
export function tellWebApp(message: ToWebApp): boolean {
  if (!startedByWebApp() || !process.send || !process.connected) return false;
  process.send(message, () => undefined);
  return true;
}
