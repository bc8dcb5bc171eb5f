/**
 * The few tables the portal reads whole into its own memory: production's users,
 * scheduled tasks, web panels and installation (the wizard's lists, rule 6's URL
 * rewriting, the preflight), and a sandbox's app authorizations and webhooks (carried
 * into its refresh). A real CRM holds hundreds of such rows, but production (and a
 * sandbox, which its users write to) is untrusted input: ten million users, or a URL of
 * a gigabyte, would take the web app's or the worker's memory from every other tenant.
 * So each is measured first, on the server and without reading a value, and refused
 * beyond these bounds in the customer's words.
 */
import type pg from "pg";
import { formatBytes } from "../format";
import { quoteIdent } from "../db/urls";

export interface WholeTableBounds {
  rows: number;
  /** Bytes of any one value read. */
  valueBytes: number;
}

export const WHOLE_TABLE_BOUNDS: WholeTableBounds = { rows: 10_000, valueBytes: 64 * 1024 };

/**
 * Why `table`'s `columns` are too large to read whole, in the customer's words ("There
 * are more than 10,000 of production's web panels …"), or null. `what` names its rows
 * ("production's web panels"). Counts at most one row past the bound, and measures each
 * value by its length as stored (octet_length reads a long value's header, not the value).
 */
export async function tooLargeToReadWhole(
  client: pg.ClientBase,
  table: string,
  columns: readonly string[],
  what: string,
  bounds: WholeTableBounds = WHOLE_TABLE_BOUNDS,
): Promise<string | null> {
  const widest = columns.length ? `greatest(${columns.map((c) => `octet_length(${quoteIdent(c)}::text)`).join(", ")})` : "0";
  const { rows } = await client.query<{ n: number; widest: string | null }>(
    `SELECT count(*)::int AS n, max(${widest})::text AS widest
       FROM (SELECT ${columns.length ? columns.map(quoteIdent).join(", ") : "1"} FROM public.${quoteIdent(table)} LIMIT ${Math.trunc(bounds.rows) + 1}) t`,
  );
  const { n, widest: w } = rows[0]!;
  if (n > bounds.rows) return `There are more than ${bounds.rows.toLocaleString("en")} of ${what}: more than the portal reads. Contact support.`;
  if (Number(w ?? 0) > bounds.valueBytes) return `One of ${what} holds a value longer than ${formatBytes(bounds.valueBytes)}: more than the portal reads. Contact support.`;
  return null;
}
