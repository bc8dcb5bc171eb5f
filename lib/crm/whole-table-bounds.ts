/**
 * The few tables the portal reads whole into its own memory: production's users,
 * scheduled tasks, web panels and installation (the wizard's lists, rule 6's URL
 * rewriting, the preflight), and a sandbox's app authorizations, webhooks, tasks,
 * panels and ERP connections (carried into its refresh, shown by its checklist). A
 * real CRM holds hundreds of such rows, but production (and a sandbox, which its users
 * write to) is untrusted input: ten million users, or a URL of a gigabyte, would take
 * the web app's or the worker's memory from every other tenant; so would ten thousand
 * panels of 64 KB each (640 MB), within both of the first two bounds. So each is measured
 * first, on the server and without reading a value, and refused beyond these bounds
 * in the customer's words.
 */
import type pg from "pg";
import { quoteIdent } from "../db/urls";
import { formatBytes } from "../format";

export interface WholeTableBounds {
  rows: number;
  /** Bytes of any one value read. */
  valueBytes: number;
  /** Bytes of all the values of one read together. */
  totalBytes: number;
}

const WHOLE_TABLE_BOUNDS: WholeTableBounds = { rows: 10_000, valueBytes: 64 * 1024, totalBytes: 16 * 1024 * 1024 };

/** What is read whole: `columns` of `table`'s rows (those matching `where`, a condition of the portal's own). */
export interface WholeRead {
  table: string;
  columns: readonly string[];
  where?: string;
  /** Its rows as the refusal names them: "production's web panels". */
  what: string;
}

export interface WholeTableMeasure {
  /** The read's position among those measured together. */
  i: number;
  n: number;
  widest: string | null;
  total: string | null;
}

/**
 * A read measured: its rows counted at most one past the bound, each value by its
 * length as stored (octet_length reads a long value's header, not the value), and
 * those lengths summed.
 */
function measureOneSql({ table, columns, where }: WholeRead, i: number, bounds: WholeTableBounds): string {
  const lengths = columns.map((c) => `octet_length(${quoteIdent(c)}::text)`);
  const widest = lengths.length ? `greatest(${lengths.join(", ")})` : "0";
  const rowBytes = lengths.length ? lengths.map((l) => `coalesce(${l}, 0)`).join(" + ") : "0";
  const selected = columns.length ? columns.map(quoteIdent).join(", ") : "1";
  return `SELECT ${i} AS i, count(*)::int AS n, max(${widest})::text AS widest, sum(${rowBytes})::text AS total
            FROM (SELECT ${selected} FROM public.${quoteIdent(table)}${where ? ` WHERE ${where}` : ""} LIMIT ${Math.trunc(bounds.rows) + 1}) t${i}`;
}

/**
 * `read` inside one read-only REPEATABLE READ transaction on `client`, ended whatever
 * happens: what it measures is what it then reads, whatever production (or a sandbox's
 * users) write between the two statements.
 */
export async function inOneSnapshot<T>(client: pg.ClientBase, read: () => Promise<T>): Promise<T> {
  await client.query("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
  try {
    const result = await read();
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/** One statement measuring every read (a page that reads five tables waits for one round trip, not five). */
function measureSql(reads: readonly WholeRead[], bounds: WholeTableBounds): string {
  return `${reads.map((read, i) => `(${measureOneSql(read, i, bounds)})`).join("\nUNION ALL ")}\nORDER BY i`;
}

/** Why the measured read is too large, in the customer's words ("There are more than 10,000 of production's web panels …"), or null. */
function judge(measure: WholeTableMeasure, what: string, bounds: WholeTableBounds): string | null {
  if (measure.n > bounds.rows) return `There are more than ${bounds.rows.toLocaleString("en")} of ${what}: more than the portal reads. Contact support.`;
  if (Number(measure.widest ?? 0) > bounds.valueBytes) return `One of ${what} holds a value longer than ${formatBytes(bounds.valueBytes)}: more than the portal reads. Contact support.`;
  if (Number(measure.total ?? 0) > bounds.totalBytes) return `Together, ${what} hold more than ${formatBytes(bounds.totalBytes)}: more than the portal reads. Contact support.`;
  return null;
}

/**
 * Why the first of `reads` that is too large is, in the customer's words, or null when
 * all are within bounds. `measure` runs one statement of the portal's own (identifiers
 * and conditions declared in code, no value from anywhere) and returns its rows.
 */
export async function tooLargeToRead(
  measure: (sql: string) => Promise<readonly WholeTableMeasure[]>,
  reads: readonly WholeRead[],
  bounds: WholeTableBounds = WHOLE_TABLE_BOUNDS,
): Promise<string | null> {
  if (reads.length === 0) return null;
  const measured = await measure(measureSql(reads, bounds));
  for (const m of measured) {
    const tooLarge = judge(m, reads[Number(m.i)]!.what, bounds);
    if (tooLarge) return tooLarge;
  }
  return null;
}

/** `tooLargeToRead` over a pg client. */
export function tooLargeToReadWhole(client: pg.ClientBase, reads: readonly WholeRead[], bounds: WholeTableBounds = WHOLE_TABLE_BOUNDS): Promise<string | null> {
  return tooLargeToRead(async (sql) => (await client.query<WholeTableMeasure>(sql)).rows, reads, bounds);
}

/** A read the portal will not make, with the customer's words for why. */
export class TooLargeToRead extends Error {
  override readonly name = "TooLargeToRead";
}
