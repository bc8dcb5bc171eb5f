/**
 * Production wins. While the portal reads production, its sessions hold ACCESS SHARE
 * locks on every table they have read: a copy, for as long as its snapshot lasts; a
 * page's or the wizard's read, for its statement or its transaction (a dry run counts
 * for up to a statement limit of 15 s, several in one snapshot). That never blocks
 * production's reads and writes, but it does block DDL (a customer's `ALTER TABLE`),
 * and every ordinary query on that table then queues behind the DDL: production stalls
 * for as long as the portal's read lasts.
 *
 * So a watchdog polls production, on a session of its own, for sessions that the
 * watched sessions block (pg_blocking_pids, which also counts a conflicting request
 * queued behind ours). When any has waited longer than the grace time, the reader
 * gives way at once: its sessions are terminated — they are our own role's, and
 * ending them is what releases the locks even while a session sits idle between
 * statements — and the reader fails with the error its caller chose (a copy's
 * GAVE_WAY, to be tried again later; a page's "production is busy").
 *
 * A wait is timed from when the watchdog first saw it (pg_stat_activity hides
 * other roles' timings from a plain reader), so production waits at most
 * grace + one poll + the time to end our sessions; waits less than half a minute
 * apart add up (a migration that retries with `lock_timeout = 1s` waits a second at a
 * time, and would otherwise wait for as long as the copy lasts).
 *
 * The watchdog's session is opened as the watch starts, and a reader whose watchdog cannot
 * poll production for BLIND_MS (production refuses it a session, or does not answer it)
 * stops, to be tried again: unwatched, a copy could hold production's DDL for hours.
 *
 * The watching runs on a thread of its own (lock-watchdog-thread.mjs), one per process
 * for all its watches. A copy's work runs on the worker's main thread, and production is
 * untrusted input: one hostile value (a 32 MB body of names to pseudonymise) holds that
 * thread for seconds (it held it 23 s before the scrubber read each word once), and a
 * watchdog on it could not poll, so a customer's migration waited all that time, or
 * another tenant's did with WORKER_CONCURRENCY above 1. The thread
 * ends the watched sessions by itself; the reader learns why when its thread is free.
 */
import { Worker } from "node:worker_threads";
import { givingUpAfter, readOnlyConfig, READ_ONLY_CHECK } from "./read-only";

/** The production sessions a watch is for: a copy's snapshot, whose sessions join as it goes, or one read's session. */
export interface WatchedSessions {
  backendPids(): number[];
  /** Called when a session joins (its process id is in backendPids() from then on). */
  onJoin(listener: () => void): void;
}

/** The errors a watched reader fails with, in its own words: it gave way to production, or its watch could not poll. */
export interface WatchFailures {
  gaveWay(graceSeconds: number): Error;
  blind(blindSeconds: number): Error;
}

export interface LockWatchdog {
  /** Aborted, with the caller's gaveWay or blind error as its reason, when the reader gave way or its watch went blind. */
  signal: AbortSignal;
  /**
   * That error once the reader gave way or its watch went blind, else undefined. Read
   * from the flag the thread raises before it ends the watched sessions: the failures of
   * those sessions may reach the reader before the thread's message does.
   */
  gaveWay(): Error | undefined;
  stop(): Promise<void>;
}

type ToThread =
  | { type: "watch"; id: number; config: object; check: typeof READ_ONLY_CHECK; graceMs: number; pollMs: number; blindMs: number; pids: number[]; flag: SharedArrayBuffer }
  | { type: "pids"; id: number; pids: number[] }
  | { type: "unwatch"; id: number };
type FromThread = { type: "gave-way" | "blind"; id: number } | { type: "unwatched"; id: number } | { type: "ready" };

interface Watched {
  /** What the thread needs to watch this reader, again after a restart. */
  watch(): ToThread;
  gaveWay(): void;
  /** Raises the blind flag from this side: no thread can watch (its file would not load). */
  goBlind(): void;
}

const THREAD_HEAP = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 32 };
/** How long a reader goes on without its watchdog polling production, at least (five graces, if longer). */
export const BLIND_MS = 10_000;
/** The flag's value for a watch that could not poll (lock-watchdog-thread.mjs); 1 is "gave way". */
const BLIND_FLAG = 2;

/** The readers being watched, by id. */
const watched = new Map<number, Watched>();
/** Copies whose watching is being stopped: resolved once the thread has ended its session. */
const stopping = new Map<number, () => void>();
let nextId = 1;
let thread: Worker | undefined;

/**
 * The process's watchdog thread, started on first use; a thread that died is started
 * again and given every watch. One that died before it was ready (its file would not
 * load) is not: every watch goes blind at once, and its reader stops, rather than a
 * thread being started again and again while nothing watches.
 */
export function watchdogThread(): Worker {
  if (thread) return thread;
  // A pg client polling: small heaps, some 13 MB of the process's memory rather than 22 MB.
  const started = new Worker(new URL("./lock-watchdog-thread.mjs", import.meta.url), { resourceLimits: THREAD_HEAP });
  let ready = false;
  started.on("message", (m: FromThread) => {
    if (m.type === "ready") ready = true;
    else if (m.type === "gave-way" || m.type === "blind") watched.get(m.id)?.gaveWay();
    else stopping.get(m.id)?.();
  });
  started.on("error", () => undefined); // followed by "exit"
  started.on("exit", () => {
    thread = undefined;
    // Its sessions ended with it.
    for (const done of stopping.values()) done();
    if (!ready) {
      for (const reader of watched.values()) reader.goBlind();
      return;
    }
    if (watched.size) {
      const next = watchdogThread();
      for (const reader of watched.values()) next.postMessage(reader.watch());
      holdProcessWhileBusy();
    }
  });
  thread = started;
  return started;
}

/** The thread holds the process while it watches or ends a watch, and never after: a CLI exits when its copy is done. */
function holdProcessWhileBusy(): void {
  if (watched.size || stopping.size) thread?.ref();
  else thread?.unref();
}

/** Watches `sessions` on the production at `productionUrl` until stop(): they give way when production's sessions have waited `graceMs` for them. */
export function watchForBlockedProduction(productionUrl: string, sessions: WatchedSessions, graceMs: number, failures: WatchFailures): LockWatchdog {
  const id = nextId++;
  const controller = new AbortController();
  const pollMs = Math.max(50, Math.min(500, graceMs / 4));
  const blindMs = Math.max(BLIND_MS, 5 * graceMs);
  const flag = new SharedArrayBuffer(4);
  const reason = failures.gaveWay(Math.round(graceMs / 100) / 10);
  const blind = failures.blind(Math.round(blindMs / 1000));
  const raised = new Int32Array(flag);
  const gaveWay = () => {
    const why = Atomics.load(raised, 0);
    if (why === 0) return undefined;
    const error = why === BLIND_FLAG ? blind : reason;
    if (!controller.signal.aborted) controller.abort(error);
    return error;
  };
  let pids = sessions.backendPids();
  // A poll given up on within half the blind time: a production that takes the poll and never answers is blind too.
  const config = readOnlyConfig(productionUrl, givingUpAfter(Math.max(1_000, blindMs / 2)));
  const reader: Watched = {
    watch: () => ({ type: "watch", id, config, check: READ_ONLY_CHECK, graceMs, pollMs, blindMs, pids, flag }),
    gaveWay,
    goBlind: () => {
      Atomics.compareExchange(raised, 0, 0, BLIND_FLAG);
      gaveWay();
    },
  };
  watched.set(id, reader);
  watchdogThread().postMessage(reader.watch());
  holdProcessWhileBusy();
  // A copy's sessions join its snapshot as it goes: the thread is told of each before it
  // reads (the copy's thread may be held from then on).
  sessions.onJoin(() => {
    pids = sessions.backendPids();
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
