/**
 * The copy's streams: one per production session on the snapshot, each taking the
 * next plan, largest first, so the streams finish together. The rows a partial
 * copy's copied rows pull into other tables are planned only once the tables whose
 * rows name them are in (DeferredPlan): those tables are copied first, and a
 * stream takes a deferred plan as soon as it can be written, before any other,
 * since the plans after it wait for it.
 *
 * A stream waiting for one sits idle in its snapshot's transaction, and production ends
 * a session idle in a transaction after PRODUCTION_IDLE_TIMEOUT_SECONDS (so a worker
 * that hangs cannot pin production's snapshot): while the other stream copies a large
 * table, or a slow one at a tenant's copy rate, the waiting one speaks on its session
 * every third of that time, so a partial copy of a large production is not ended by
 * its own wait, every attempt. So does a stream that has finished while the others
 * have not: the counts before the copy run on the same sessions as the copy after them.
 */
import type pg from "pg";
import { copyLimits } from "../config/copy-limits";
import type { TablePlan } from "./copy-plan";
import type { ProgressTracker } from "./progress";

export const tableStepKey = (table: string) => `table:${table}`;

/** A plan written once other plans are copied: the stream that takes it writes it, on its own session. */
export interface DeferredPlan {
  /** Its progress step, and what the plans after it name in `after`: a table, or a part of one. */
  name: string;
  /** The table its rows go to (after that table's own part, if it has one). */
  table: string;
  /** The plans copied first: tables by name, deferred plans by theirs. */
  after: readonly string[];
  write: (source: pg.ClientBase, stream: number) => Promise<TablePlan>;
}

export interface StreamsInput {
  /** The snapshot's connections that read production (joinSources): one stream each. */
  sources: pg.ClientBase[];
  /** Settles once the first source is free for the streams: it may still be reading counts ahead. */
  firstSourceFree?: Promise<unknown>;
  plans: TablePlan[];
  /** Plans written once the tables they follow are copied. */
  deferred?: DeferredPlan[];
  tracker: Pick<ProgressTracker, "start">;
  /** Awaited before each table: tests hold the copy here to write to production. */
  beforeStep?: (key: string) => Promise<void>;
  signal?: AbortSignal;
}

export type PlanWork = (source: pg.ClientBase, plan: TablePlan, key: string, signal: AbortSignal, stream: number) => Promise<void>;

/**
 * Works through the plans and the deferred ones, one stream per source; a stream
 * with nothing it can take waits while the other copies what a deferred plan
 * follows. The first failure stops the other streams at once rather than letting
 * them finish for nothing.
 */
export async function drain(input: StreamsInput, work: PlanWork, afterStream?: (source: pg.ClientBase) => Promise<unknown>): Promise<void> {
  const deferred = [...(input.deferred ?? [])];
  // The tables a deferred plan follows go first: the tables after it wait for it.
  const followed = new Set(deferred.flatMap((d) => d.after));
  const first = (p: TablePlan) => (followed.has(p.table) ? 0 : 1);
  const queue = [...input.plans].sort((a, b) => first(a) - first(b) || b.estimatedBytes - a.estimatedBytes);
  const copied = new Set<string>();
  let inFlight = 0;
  let streamsRunning = input.sources.length;
  const waiting: (() => void)[] = [];
  const wakeAll = () => waiting.splice(0).forEach((wake) => wake());
  const stop = new AbortController();
  const signal = input.signal ? AbortSignal.any([input.signal, stop.signal]) : stop.signal;
  signal.addEventListener("abort", wakeAll);

  const keepAliveMs = Math.max(50, copyLimits().idleTimeoutMs / 3);
  /** Till another stream wakes the waiting ones, a statement on `source` every keepAliveMs: its transaction is not idle for production. */
  const waitKeepingAlive = async (source: pg.ClientBase) => {
    let woken = false;
    const wake = new Promise<void>((resolve) =>
      waiting.push(() => {
        woken = true;
        resolve();
      }),
    );
    while (!woken) {
      let timer: NodeJS.Timeout | undefined;
      const due = new Promise<void>((resolve) => (timer = setTimeout(resolve, keepAliveMs)));
      await Promise.race([wake, due]);
      clearTimeout(timer);
      if (!woken) await source.query("SELECT 1");
    }
  };

  /** The next plan to copy, counted in flight as it is taken (in the same turn: the other stream must see it). */
  const next = async (source: pg.ClientBase): Promise<TablePlan | DeferredPlan | undefined> => {
    for (;;) {
      signal.throwIfAborted();
      const ready = deferred.findIndex((d) => d.after.every((t) => copied.has(t)));
      const item = ready >= 0 ? deferred.splice(ready, 1)[0] : queue.shift();
      if (item) {
        inFlight++;
        return item;
      }
      if (deferred.length === 0) return undefined;
      // Nothing being copied can make a deferred plan ready: an engine fault, never a wait for ever.
      if (inFlight === 0) throw new Error(`cannot copy ${deferred.map((d) => d.name).join(", ")}: a plan they follow is never copied`);
      await waitKeepingAlive(source);
    }
  };
  const stream = async (source: pg.ClientBase, i: number) => {
    if (i === 0) await input.firstSourceFree;
    for (let item = await next(source); item; item = await next(source)) {
      try {
        const plan = "write" in item ? await item.write(source, i) : item;
        const name = "write" in item ? item.name : plan.table;
        const key = tableStepKey(name);
        signal.throwIfAborted();
        // Running from the moment its stream takes it: a failure as it starts is this step's, shown
        // failed. Started after the hook, it stayed pending, and with no other table under way
        // (the order follows production's table sizes, which differ between PostgreSQL versions)
        // the failed run showed no failed step.
        input.tracker.start(key);
        await input.beforeStep?.(key);
        signal.throwIfAborted();
        await work(source, plan, key, signal, i);
        copied.add(name);
      } catch (error) {
        stop.abort(error); // before a waiting stream wakes: it must see the failure, not a plan that cannot come
        throw error;
      } finally {
        inFlight--;
        wakeAll();
      }
    }
    await afterStream?.(source);
    streamsRunning--;
    wakeAll();
    while (streamsRunning > 0 && !signal.aborted) await waitKeepingAlive(source);
  };
  try {
    await Promise.all(
      input.sources.map((source, i) =>
        stream(source, i).catch((error: unknown) => {
          stop.abort(error);
          throw error;
        }),
      ),
    );
  } finally {
    signal.removeEventListener("abort", wakeAll);
  }
}
