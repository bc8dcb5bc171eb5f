/**
 * Production wins. While the copy holds production's snapshot, its sessions hold
 * ACCESS SHARE locks on every table they have read. That never blocks production's
 * reads and writes, but it does block DDL (a customer's `ALTER TABLE`), and every
 * ordinary query on that table then queues behind the DDL: production stalls for
 * as long as the copy lasts.
 *
 * So a watchdog polls production, on a session of its own, for sessions that the
 * copy's sessions block (pg_blocking_pids, which also counts a conflicting request
 * queued behind ours). When any has waited longer than the grace time, the copy
 * gives way at once: its sessions are terminated — they are our own role's, and
 * ending them is what releases the locks even while a session sits idle between
 * statements — and the run fails with GAVE_WAY, to be tried again later.
 *
 * A wait is timed from when the watchdog first saw it (pg_stat_activity hides
 * other roles' timings from a plain reader), so production waits at most
 * grace + one poll + the time to end our sessions; waits less than half a minute
 * apart add up (a migration that retries with `lock_timeout = 1s` waits a second at a
 * time, and would otherwise wait for as long as the copy lasts).
 *
 * The watchdog's session is opened as the copy starts, and a copy whose watchdog cannot
 * poll production for BLIND_MS (production refuses it a session, or does not answer it)
 * stops, to be tried again: unwatched, it could hold production's DDL for hours.
 *
 * The watching runs on a thread of its own (lock-watchdog-thread.mjs), one per process
 * for all its copies. A copy's work runs on the worker's main thread, and production is
 * untrusted input: one hostile value (a 32 MB body of names to pseudonymise) holds that
 * thread for seconds (it held it 23 s before the scrubber read each word once), and a
 * watchdog on it could not poll, so a customer's migration waited all that time, or
 * another tenant's did with WORKER_CONCURRENCY above 1. The thread
 * ends the copy's sessions by itself; the copy learns why when its thread is free.
 */
import { Worker } from "node:worker_threads";
import { givingUpAfter, readOnlyConfig, READ_ONLY_CHECK } from "../crm/read-only";
import { SanitizationError } from "./errors";
import type { ProductionSnapshot } from "./snapshot";

export interface LockWatchdog {
  /** Aborted, with a GAVE_WAY SanitizationError as its reason, when the copy gave way. */
  signal: AbortSignal;
  /**
   * The GAVE_WAY error once the copy gave way, else undefined. Read from the flag the
   * thread raises before it ends the copy's sessions: the failures of those sessions may
   * reach the copy before the thread's message does.
   */
  gaveWay(): SanitizationError | undefined;
  stop(): Promise<void>;
}

type ToThread =
  | { type: "watch"; id: number; config: object; check: typeof READ_ONLY_CHECK; graceMs: number; pollMs: number; blindMs: number; pids: number[]; flag: SharedArrayBuffer }
  | { type: "pids"; id: number; pids: number[] }
  | { type: "unwatch"; id: number };
type FromThread = { type: "gave-way" | "blind"; id: number } | { type: "unwatched"; id: number };

interface Watched {
  /** What the thread needs to watch this copy, again after a restart. */
  watch(): ToThread;
  gaveWay(): void;
}

const THREAD_HEAP = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 32 };
/** How long a copy goes on without its watchdog polling production, at least (five graces, if longer). */
export const BLIND_MS = 10_000;
/** The flag's value for a watch that could not poll (lock-watchdog-thread.mjs); 1 is "gave way". */
const BLIND_FLAG = 2;

/** The copies being watched, by id. */
const watched = new Map<number, Watched>();
/** Copies whose watching is being stopped: resolved once the thread has ended its session. */
const stopping = new Map<number, () => void>();
let nextId = 1;
let thread: Worker | undefined;

/** The process's watchdog thread, started on first use; a thread that died is started again and given every copy. */
export function watchdogThread(): Worker {
  if (thread) return thread;
  // A pg client polling: small heaps, some 13 MB of the process's memory rather than 22 MB.
  const started = new Worker(new URL("./lock-watchdog-thread.mjs", import.meta.url), { resourceLimits: THREAD_HEAP });
  started.on("message", (m: FromThread) => {
    if (m.type === "gave-way" || m.type === "blind") watched.get(m.id)?.gaveWay();
    else stopping.get(m.id)?.();
  });
  started.on("error", () => undefined); // followed by "exit"
  started.on("exit", () => {
    thread = undefined;
    // Its sessions ended with it.
    for (const done of stopping.values()) done();
    if (watched.size) {
      const next = watchdogThread();
      for (const copy of watched.values()) next.postMessage(copy.watch());
      holdProcessWhileBusy();
    }
  });
  thread = started;
  return started;
}

/** The thread holds the process while it watches a copy or ends a watch, and never after: a CLI exits when its copy is done. */
function holdProcessWhileBusy(): void {
  if (watched.size || stopping.size) thread?.ref();
  else thread?.unref();
}

export function watchForBlockedProduction(
  productionUrl: string,
  snapshot: Pick<ProductionSnapshot, "backendPids" | "onJoin">,
  graceMs: number,
): LockWatchdog {
  const id = nextId++;
  const controller = new AbortController();
  const pollMs = Math.max(50, Math.min(500, graceMs / 4));
  const blindMs = Math.max(BLIND_MS, 5 * graceMs);
  const flag = new SharedArrayBuffer(4);
  const seconds = Math.round(graceMs / 100) / 10;
  const reason = new SanitizationError(
    "GAVE_WAY",
    `Production needed a table the copy was reading: one of production's own sessions waited more than ${seconds} s, so the copy gave way.`,
  );
  const blind = new SanitizationError(
    "CONNECTION_LOST",
    `The copy could not watch production for sessions it holds up (production did not answer its watching session for ${Math.round(blindMs / 1000)} s), so it stopped: production comes first.`,
  );
  const raised = new Int32Array(flag);
  const gaveWay = () => {
    const why = Atomics.load(raised, 0);
    if (why === 0) return undefined;
    const error = why === BLIND_FLAG ? blind : reason;
    if (!controller.signal.aborted) controller.abort(error);
    return error;
  };
  let pids = snapshot.backendPids();
  // A poll given up on within half the blind time: a production that takes the poll and never answers is blind too.
  const config = readOnlyConfig(productionUrl, givingUpAfter(Math.max(1_000, blindMs / 2)));
  const copy: Watched = {
    watch: () => ({ type: "watch", id, config, check: READ_ONLY_CHECK, graceMs, pollMs, blindMs, pids, flag }),
    gaveWay,
  };
  watched.set(id, copy);
  watchdogThread().postMessage(copy.watch());
  holdProcessWhileBusy();
  // The copy's sessions join the snapshot as it goes: the thread is told of each before it
  // reads (the copy's thread may be held from then on).
  snapshot.onJoin(() => {
    pids = snapshot.backendPids();
    if (watched.has(id)) thread?.postMessage({ type: "pids", id, pids } satisfies ToThread);
  });

  return {
    signal: controller.signal,
    gaveWay,
    async stop() {
      if (!watched.delete(id) || !thread) return;
      const done = new Promise<void>((resolve) => stopping.set(id, resolve));
      thread.postMessage({ type: "unwatch", id } satisfies ToThread);
      await done;
      stopping.delete(id);
      holdProcessWhileBusy();
    },
  };
}
