/**
 * The copy's streams: one per production session on the snapshot, each taking the
 * next plan, largest first, so the streams finish together. Plans that can only be
 * written once a partial copy's closure is read join the queue when they come, and
 * the session reading that closure joins the streams when it is free.
 */
import type pg from "pg";
import type { TablePlan } from "./copy-plan";
import type { ProgressTracker } from "./progress";

export const tableStepKey = (table: string) => `table:${table}`;

export interface StreamsInput {
  /** The snapshot's connections that read production (joinSources): one stream each. */
  sources: pg.ClientBase[];
  /** Settles once the first source is free for the streams: it may still be reading the partial closure. */
  firstSourceFree?: Promise<unknown>;
  /** Plans known only once the partial closure is read: the streams take them as they come. */
  latePlans?: Promise<TablePlan[]>;
  plans: TablePlan[];
  tracker: Pick<ProgressTracker, "start">;
  /** Awaited before each table: tests hold the copy here to write to production. */
  beforeStep?: (key: string) => Promise<void>;
  signal?: AbortSignal;
}

export type PlanWork = (source: pg.ClientBase, plan: TablePlan, key: string, signal: AbortSignal, stream: number) => Promise<void>;

/**
 * Works through the plans (and the late ones), one stream per source; a stream with
 * nothing left waits for the late plans before it ends. The first failure stops the
 * other streams at once rather than letting them finish for nothing.
 */
export async function drain(input: StreamsInput, work: PlanWork, afterStream?: (source: pg.ClientBase) => Promise<unknown>): Promise<void> {
  const bySize = (a: TablePlan, b: TablePlan) => b.estimatedBytes - a.estimatedBytes;
  const queue = [...input.plans].sort(bySize);
  const late = input.latePlans?.then((more) => {
    queue.push(...more);
    queue.sort(bySize);
  });
  late?.catch(() => undefined); // awaited by the streams; a failure is theirs to raise
  const next = async () => queue.shift() ?? (late ? (await late, queue.shift()) : undefined);
  const stop = new AbortController();
  const signal = input.signal ? AbortSignal.any([input.signal, stop.signal]) : stop.signal;
  const stream = async (source: pg.ClientBase, i: number) => {
    if (i === 0) await input.firstSourceFree;
    for (let plan = await next(); plan; plan = await next()) {
      const key = tableStepKey(plan.table);
      signal.throwIfAborted();
      await input.beforeStep?.(key);
      signal.throwIfAborted();
      input.tracker.start(key);
      await work(source, plan, key, signal, i);
    }
    await afterStream?.(source);
  };
  await Promise.all(
    input.sources.map((source, i) =>
      stream(source, i).catch((error: unknown) => {
        stop.abort(error);
        throw error;
      }),
    ),
  );
}
