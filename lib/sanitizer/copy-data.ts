/**
 * Copies every table over two production connections on one snapshot (more buys
 * nothing on two cores, and keeps production's load modest), largest tables first
 * so the two streams finish together. Each table's change counts (for the report)
 * are read on the same snapshot right before its rows.
 */
import type pg from "pg";
import { openClient } from "../db/client";
import { formatBytes } from "../format";
import type { TablePlan } from "./copy-plan";
import { copyTable, countChanges } from "./copy-table";
import type { ProgressTracker } from "./progress";
import type { TableReport } from "./report";
import type { RateLimit } from "./rate-limit";
import type { ProductionSnapshot } from "./snapshot";

export const COPY_CONNECTIONS = 2;

export interface CopyResult {
  tables: TableReport[];
  /** Per table, the values of its plan's `changes`, in order. */
  changes: Map<string, number[]>;
}

export interface CopyDataInput {
  snapshot: ProductionSnapshot;
  targetUrl: string;
  plans: TablePlan[];
  tracker: ProgressTracker;
  /** Awaited before each table: tests hold the copy here to write to production. */
  beforeStep?: (key: string) => Promise<void>;
  signal?: AbortSignal;
  /** Shared by both streams: the cap is the run's. */
  rateLimit?: RateLimit;
}

export const tableStepKey = (table: string) => `table:${table}`;

export async function openTargetClient(url: string): Promise<pg.Client> {
  const client = await openClient({ connectionString: url });
  // A crash mid-run fails the run and drops the copy anyway: durability of each
  // commit buys nothing here, and index builds get memory enough to sort in RAM.
  await client.query("SET synchronous_commit = off; SET maintenance_work_mem = '128MB'");
  return client;
}

export async function withTargetClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await openTargetClient(url);
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function copyData(input: CopyDataInput): Promise<CopyResult> {
  const { snapshot, plans, tracker } = input;
  const queue = [...plans].sort((a, b) => b.estimatedBytes - a.estimatedBytes);
  const result: CopyResult = { tables: [], changes: new Map() };
  const stop = new AbortController();
  const signal = input.signal ? AbortSignal.any([input.signal, stop.signal]) : stop.signal;
  const sources: pg.ClientBase[] = [snapshot.main];
  const targets: pg.Client[] = [];
  try {
    for (let i = 1; i < COPY_CONNECTIONS; i++) sources.push(await snapshot.join());
    for (let i = 0; i < COPY_CONNECTIONS; i++) targets.push(await openTargetClient(input.targetUrl));

    const worker = async (source: pg.ClientBase, target: pg.ClientBase) => {
      for (let plan = queue.shift(); plan; plan = queue.shift()) {
        const key = tableStepKey(plan.table);
        signal.throwIfAborted();
        await input.beforeStep?.(key);
        signal.throwIfAborted();
        tracker.start(key);
        result.changes.set(plan.table, await countChanges(source, plan));
        const copied = await copyTable(
          source,
          target,
          plan,
          (c) => tracker.update(key, { done: c.rows, detail: `${formatBytes(c.bytes)} streamed` }),
          signal,
          input.rateLimit,
        );
        tracker.finish(key, {
          done: copied.rows,
          total: copied.rows,
          detail: plan.select === null ? "not copied (rules)" : `${formatBytes(copied.bytes)} streamed`,
        });
        result.tables.push({ name: plan.table, rows: copied.rows, bytes: copied.bytes });
      }
      // Done with production on this session: ending its transaction now releases the
      // locks on the tables it read, instead of holding them until the other stream ends.
      // (Every importer joined before the streams started, so the exporter may end too.)
      await source.query("COMMIT");
    };
    await Promise.all(
      targets.map((target, i) =>
        worker(sources[i] ?? snapshot.main, target).catch((error: unknown) => {
          stop.abort(error); // the other stream stops at once rather than finishing for nothing
          throw error;
        }),
      ),
    );
  } finally {
    await Promise.all(targets.map((t) => t.end().catch(() => undefined)));
  }
  result.tables.sort((a, b) => plans.findIndex((p) => p.table === a.name) - plans.findIndex((p) => p.table === b.name));
  return result;
}
