/**
 * Streams one table from production into the copy: `COPY (SELECT ...) TO STDOUT`
 * piped into `COPY ... FROM STDIN`. Binary format where the plan allows it and both
 * servers are of one major version (binary forms are only promised within one);
 * text otherwise, which is portable between versions and what rule 18 rewrites.
 * Memory stays flat whatever the table size: pipeline() applies backpressure end
 * to end, and nothing but the chunk in flight is held. The sandbox's COPY is
 * under way only while production's rows come (copy-in-while-rows-come.ts).
 */
import type { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { CoalescingStream } from "./coalescing-stream";
import { CopyInWhileRowsCome } from "./copy-in-while-rows-come";
import { BinaryRowCounter, TextRowCounter, type CopyCounters } from "./copy-row-counters";
import type { TablePlan } from "./copy-plan";
import { SanitizationError } from "./errors";
import { ThrottledStream, type RateLimit } from "./rate-limit";
import { quoteIdent } from "./sql";
import type { CopyFormat } from "./pseudonyms/rewrite-stream";

export async function copyTable(
  source: pg.ClientBase,
  target: pg.ClientBase,
  plan: Pick<TablePlan, "table" | "select" | "columns" | "binary">,
  onChunk: (c: CopyCounters) => void,
  signal?: AbortSignal,
  rateLimit?: RateLimit,
  /** Rewrites rows on their way (rule 18's pseudonyms), in the copy's format. */
  rewrite?: Transform,
  /** Binary only where the plan allows it and both servers are of one major version. */
  format: CopyFormat = "text",
): Promise<CopyCounters> {
  if (plan.select === null) return { rows: 0, bytes: 0 };
  const binary = format === "binary";
  const formatOption = binary ? " (FORMAT binary)" : "";
  const out = source.query(copyTo(`COPY (${plan.select}) TO STDOUT${formatOption}`));
  const into = new CopyInWhileRowsCome(() => target.query(copyFrom(`COPY ${quoteIdent(plan.table)} (${plan.columns.join(", ")}) FROM STDIN${formatOption}`)), format);
  const counter = binary ? new BinaryRowCounter(onChunk) : new TextRowCounter(onChunk);
  const options = signal ? { signal } : {};
  const stages = [out, ...(rateLimit ? [new ThrottledStream(rateLimit)] : []), counter, ...(rewrite ? [rewrite, new CoalescingStream()] : []), into];
  await pipeline(stages, options);
  // The server's own count of rows loaded is the authority, and the rows read from
  // production must be as many: a row lost or added on the way (by the rewriting, or
  // between the streams) fails the copy, whose checks compare against what was loaded.
  if (into.rowCount !== counter.counters.rows) {
    throw new SanitizationError("COPY_FAILED", `Copying ${plan.table} read ${counter.counters.rows} rows from production but loaded ${into.rowCount}.`);
  }
  return { rows: into.rowCount, bytes: counter.counters.bytes };
}
