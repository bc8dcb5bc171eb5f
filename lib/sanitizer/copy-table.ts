/**
 * Streams one table from production into the copy: `COPY (SELECT ...) TO STDOUT`
 * piped into `COPY ... FROM STDIN`, text format (portable between server versions).
 * Memory stays flat whatever the table size: pipeline() applies backpressure end
 * to end, and nothing but the chunk in flight is held.
 */
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { aggregatesSql } from "./change-counts";
import type { TablePlan } from "./copy-plan";
import { ThrottledStream, type RateLimit } from "./rate-limit";
import { quoteIdent } from "./sql";

export interface CopyCounters {
  rows: number;
  bytes: number;
}

const NEWLINE = 0x0a;

/**
 * Counts rows as they stream: in COPY text format every row ends with a newline and
 * newlines inside values are escaped as `\n`, so newline bytes are exactly rows.
 */
class CountingStream extends Transform {
  readonly counters: CopyCounters = { rows: 0, bytes: 0 };
  constructor(private readonly onChunk: (c: CopyCounters) => void) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.counters.bytes += chunk.length;
    for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) this.counters.rows++;
    this.onChunk(this.counters);
    callback(null, chunk);
  }
}

export async function copyTable(
  source: pg.ClientBase,
  target: pg.ClientBase,
  plan: TablePlan,
  onChunk: (c: CopyCounters) => void,
  signal?: AbortSignal,
  rateLimit?: RateLimit,
  /** Rewrites rows on their way (rule 18's pseudonyms): the stream stays COPY text. */
  rewrite?: Transform,
): Promise<CopyCounters> {
  if (plan.select === null) return { rows: 0, bytes: 0 };
  const out = source.query(copyTo(`COPY (${plan.select}) TO STDOUT`));
  const into = target.query(copyFrom(`COPY ${quoteIdent(plan.table)} (${plan.columns.join(", ")}) FROM STDIN`));
  const counter = new CountingStream(onChunk);
  const options = signal ? { signal } : {};
  const stages = [out, ...(rateLimit ? [new ThrottledStream(rateLimit)] : []), counter, ...(rewrite ? [rewrite] : []), into];
  await pipeline(stages, options);
  // The server's own count of rows loaded is the authority; the stream count is for progress.
  return { rows: into.rowCount, bytes: counter.counters.bytes };
}

/** The rules' change counts for one table, over production's rows in the snapshot. */
export async function countChanges(source: pg.ClientBase, plan: TablePlan): Promise<number[]> {
  if (plan.changes.length === 0) return [];
  const { rows } = await source.query<{ counts: string[] }>(`SELECT ${aggregatesSql(plan, plan.changes)} AS counts`);
  return plan.changes.map((_c, i) => Number(rows[0]?.counts[i] ?? 0));
}
