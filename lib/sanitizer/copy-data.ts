/**
 * Copies every table over two production connections on one snapshot (more buys
 * nothing on two cores, and keeps production's load modest), a stream each
 * (copy-streams.ts). Each table's change counts (for the report) are read on the
 * same snapshot right before its rows, but for those the copy's own row count gives
 * (a partial copy's rows in and out of its share: ChangeCount.fromCopy).
 *
 * Tables the rules leave out (rule 17's kinds, rule 8, rule 0's skipped tables) copy
 * nothing, yet the report says how many rows they held: their counts need only the
 * snapshot, so they are taken on the same two connections while the sandbox's
 * database is still being created (countLeftOut), not after it.
 */
import type pg from "pg";
import { openSandboxSession } from "./sandbox-session";
import { formatBytes } from "../format";
import type { TablePlan } from "./copy-plan";
import { countChanges, partsCounts, type ChangeCounts, type CopiedPart } from "./change-counts";
import { copyTable } from "./copy-table";
import { drain, type StreamsInput } from "./copy-streams";
import type { ProgressTracker } from "./progress";
import type { TableReport } from "./report";
import type { RateLimit } from "./rate-limit";
import type { CopyPace } from "./copy-pace";
import type { ProductionSnapshot } from "./snapshot";
import type { PersonalData } from "./pseudonyms/personal-data";

export const COPY_CONNECTIONS = 2;

export interface CopyResult {
  tables: TableReport[];
  /** Per table, the values of its plan's `changes`, in order. */
  changes: Map<string, number[]>;
  /** Rule 18: values the copy's stream rewrote, per change key. */
  rewritten: Map<string, number>;
}

export interface CopyDataInput extends StreamsInput {
  tracker: ProgressTracker;
  /** As many sessions on the copy, one per source. */
  targets: pg.ClientBase[];
  /** Shared by both streams: the cap is the run's. */
  rateLimit?: RateLimit;
  /** Told each stream's running total of bytes, to judge the copy's pace (copy-pace.ts). */
  pace?: Pick<CopyPace, "report">;
  /** Rule 18, when the sandbox pseudonymises: rewrites each table's personal columns on their way. */
  personalData?: PersonalData;
  /** Each table's change counts, some of them read before the copy. */
  counts: ChangeCounts;
  /**
   * Each table's count of all rows, for the tables whose report needs it
   * (needsWholeCount: the closure's answer changes no table's need): awaited once the
   * rows are copied, as the count made apart (partial-chosen-counts.ts) gives most.
   */
  wholeCounts?: Promise<ReadonlyMap<string, number>>;
  /**
   * Run on the stream's own session on the copy once a table's last part is in (its
   * indexes), before the stream takes its next table: the server builds them while the
   * other stream copies.
   */
  afterTable?: (target: pg.ClientBase, table: string, rows: number) => Promise<void>;
}

/** A session on the copy's database, cut when the run's `signal` aborts. */
export async function openTargetClient(url: string, signal?: AbortSignal): Promise<pg.Client> {
  const client = await openSandboxSession(url, signal);
  // A crash mid-run fails the run and drops the copy anyway: durability of each
  // commit buys nothing here, and index builds get memory enough to sort in RAM.
  await client.query("SET synchronous_commit = off; SET maintenance_work_mem = '128MB'");
  return client;
}

/** Opens `count` connections at once (each is a round trip or more): all of them or none. */
export async function openAll<T extends { end(): Promise<void> }>(count: number, open: () => Promise<T>): Promise<T[]> {
  const opened = await Promise.allSettled(Array.from({ length: count }, open));
  const failed = opened.find((o) => o.status === "rejected");
  if (!failed) return opened.map((o) => (o as PromiseFulfilledResult<T>).value);
  await Promise.all(opened.map((o) => (o.status === "fulfilled" ? o.value.end().catch(() => undefined) : undefined)));
  throw failed.reason;
}

/** The snapshot's main connection and the others joined to it (snapshot.close() ends them). */
export async function joinSources(snapshot: ProductionSnapshot): Promise<pg.ClientBase[]> {
  const joined = await Promise.all(Array.from({ length: COPY_CONNECTIONS - 1 }, () => snapshot.join()));
  return [snapshot.main, ...joined];
}

type LeftOutInput = Omit<CopyDataInput, "targets" | "rateLimit" | "deferred" | "personalData" | "wholeCounts" | "counts">;

/** The change counts of the plans that copy no row, over the sources; no target needed. */
export async function countLeftOut(input: LeftOutInput): Promise<CopyResult> {
  const result = emptyResult();
  await drain(input, async (source, plan, key) => {
    result.changes.set(plan.table, await countChanges(source, plan));
    input.tracker.finish(key, { done: 0, total: 0, detail: "not copied (rules)" });
    result.tables.push({ name: plan.table, rows: 0, bytes: 0 });
  });
  return result;
}

/**
 * Streams the plans that copy rows; ends the sources' transactions when done. A
 * table may come in parts (a partial copy's share, then the rows pulled in beyond
 * it): its report sums them, in the order of its first part's changes.
 */
export async function copyData(input: CopyDataInput): Promise<CopyResult> {
  const { tracker } = input;
  const result = emptyResult();
  const parts = new Map<string, (CopiedPart & { bytes: number })[]>();
  const binaryAllowed = await sameMajorVersion(input.sources[0]!, input.targets[0]!);
  /** Parts of each table still to copy: its own, and the rows pulled in beyond it. */
  const partsLeft = new Map<string, number>();
  for (const table of [...input.plans.map((p) => p.table), ...(input.deferred ?? []).map((d) => d.table)]) partsLeft.set(table, (partsLeft.get(table) ?? 0) + 1);
  await drain(input, async (source, plan, key, signal, i) => {
    const counted = await input.counts.of(source, plan, key);
    const format = binaryAllowed && plan.binary ? "binary" : "text";
    const rewrite = input.personalData?.streamFor(plan.table, plan.personal, format);
    const copied = await copyTable(
      source,
      input.targets[i]!,
      plan,
      (c) => {
        tracker.update(key, { done: c.rows, detail: `${formatBytes(c.bytes)} streamed` });
        input.pace?.report(key, c.bytes);
      },
      signal,
      input.rateLimit,
      rewrite,
      format,
    );
    const part = { changes: plan.changes, counted, rows: copied.rows, bytes: copied.bytes };
    // A second part is copied only once the first is in: parts keep their order.
    parts.set(plan.table, [...(parts.get(plan.table) ?? []), part]);
    for (const [key, n] of rewrite?.changed ?? []) result.rewritten.set(key, (result.rewritten.get(key) ?? 0) + n);
    tracker.finish(key, { done: copied.rows, total: copied.rows, detail: `${formatBytes(copied.bytes)} streamed` });
    const left = partsLeft.get(plan.table)! - 1;
    partsLeft.set(plan.table, left);
    if (left === 0) await input.afterTable?.(input.targets[i]!, plan.table, sum(parts.get(plan.table)!.map((p) => p.rows)));
  }, async (source) => {
    // Done with production on this session: ending its transaction now releases the
    // locks on the tables it read, instead of holding them until the other stream ends.
    // (Every importer joined before the streams started, so the exporter may end too.)
    await source.query("COMMIT");
  });
  const wholeCounts = await input.wholeCounts;
  for (const [table, copied] of parts) {
    result.changes.set(table, partsCounts(copied[0]!.changes, copied, wholeCounts?.get(table)));
    result.tables.push({ name: table, rows: sum(copied.map((p) => p.rows)), bytes: sum(copied.map((p) => p.bytes)) });
  }
  return result;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** COPY's binary forms are only promised within one major version of PostgreSQL. */
async function sameMajorVersion(source: pg.ClientBase, target: pg.ClientBase): Promise<boolean> {
  const major = async (client: pg.ClientBase) =>
    (await client.query<{ major: number }>("SELECT current_setting('server_version_num')::int / 10000 AS major")).rows[0]?.major;
  const [a, b] = await Promise.all([major(source), major(target)]);
  return a !== undefined && a === b;
}

/** Both results together, tables in the plans' order. */
export function mergeResults(plans: TablePlan[], ...parts: CopyResult[]): CopyResult {
  const order = new Map(plans.map((p, i) => [p.table, i]));
  return {
    tables: parts.flatMap((p) => p.tables).sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0)),
    changes: new Map(parts.flatMap((p) => [...p.changes])),
    rewritten: parts.reduce((sum, p) => {
      for (const [key, n] of p.rewritten) sum.set(key, (sum.get(key) ?? 0) + n);
      return sum;
    }, new Map<string, number>()),
  };
}

const emptyResult = (): CopyResult => ({ tables: [], changes: new Map(), rewritten: new Map() });
