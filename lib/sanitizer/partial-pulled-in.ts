/**
 * The up part of a partial copy's closure (partial-closure.ts): for each record
 * table that copied rows elsewhere reference, the keys of the rows they pull in
 * beyond the table's own share (a sale's contact at another company, and that
 * contact's company). Every statement then reads a short list instead of
 * re-evaluating the children's tables.
 *
 * Two ways to read them, with one answer:
 * - before any copy (the wizard's dry run): one statement on production evaluates
 *   the whole closure once (pulledInQuery);
 * - during a copy, which takes such a table in two parts: its own share with the
 *   other tables, then, once the tables that name its rows are in, the keys they
 *   name that the share did not bring, read from the copy alone (pulledFromCopy).
 *   Production is not asked: its children's tables have no index on their foreign
 *   keys, and the copy holds the share already.
 *
 * A table whose references name more than one column, or that pulls in more rows
 * than a statement should carry as a literal, keeps the closure's SQL form: slower,
 * never wrong.
 */
import type pg from "pg";
import type { PartialShare } from "./options";
import { closureGraph, type DownKeys, type ForeignKeyEdge, type PulledIn } from "./partial-closure";
import { publicTable, quoteIdent } from "./sql";

/** More rows than this pulled into one table: that table keeps the closure's SQL form. */
export const MAX_PULLED_IN = 50_000;
/**
 * A key longer than this, as text, and its table keeps the closure's SQL form too: keys
 * are production's values, and a list of 50,000 of any length would be read into the
 * worker and written into every statement. Numbers and UUIDs are far shorter.
 */
export const MAX_LISTED_KEY_CHARS = 256;

/**
 * Aggregates text keys `k` into the list a statement carries: null when one is longer
 * than MAX_LISTED_KEY_CHARS (each is cut there first, so a long one is never carried
 * whole), '{}' when there are none.
 */
const listedKeys = (k: string) =>
  `CASE WHEN bool_or(length(${k}) > ${MAX_LISTED_KEY_CHARS}) THEN NULL ELSE coalesce(array_agg(left(${k}, ${MAX_LISTED_KEY_CHARS})), '{}') END`;

export interface PulledInQuery {
  sql: string;
  /** The tables, in the order of the statement's columns t0, t1…, with the key column each reads. */
  keys: { table: string; column: string }[];
}

/** The one statement reading every table's pulled-in keys, or null when no table can pull any row in. */
export function pulledInQuery(
  share: PartialShare,
  recordTables: ReadonlySet<string>,
  foreignKeys: readonly ForeignKeyEdge[],
  downKeys: ReadonlyMap<string, DownKeys> = new Map(),
  rowFilters: ReadonlyMap<string, string> = new Map(),
): PulledInQuery | null {
  const graph = closureGraph(share, recordTables, foreignKeys, new Map(), downKeys, rowFilters);
  const keys = graph.order.flatMap((table) => {
    const set = graph.pulledSet(table);
    return set ? [{ table, column: set.column }] : [];
  });
  if (keys.length === 0) return null;
  const roots: string[] = [];
  const selects = keys.map(({ table }, i) => {
    const set = graph.pulledSet(table)!;
    roots.push(set.name);
    // Compared as the key's own type (cheaper to hash than text); only the answer is text.
    return `(SELECT ${listedKeys("k")} FROM (SELECT DISTINCT k::text AS k FROM ${set.name} WHERE k IS NOT NULL LIMIT ${MAX_PULLED_IN + 1}) x) AS t${i}`;
  });
  // One WITH for all: each named set is evaluated once, however many tables read it.
  const ctes = graph.withClause(roots);
  return { sql: `${ctes}SELECT ${selects.join(", ")}`, keys };
}

/** Runs the statement: the pulled-in keys of every table that stays within MAX_PULLED_IN and MAX_LISTED_KEY_CHARS. */
export async function readPulledIn(client: pg.ClientBase, query: PulledInQuery | null): Promise<Map<string, PulledIn>> {
  if (!query) return new Map();
  const { rows } = await client.query<Record<string, string[] | null>>(query.sql);
  return new Map(
    query.keys.flatMap(({ table, column }, i) => {
      const values = rows[0]?.[`t${i}`];
      return listable(values) ? [[table, { column, values }] as const] : [];
    }),
  );
}

/** A list a statement may carry: read whole (not null for a key too long), and short enough. */
const listable = (values: string[] | null | undefined): values is string[] => Array.isArray(values) && values.length <= MAX_PULLED_IN;

/** How a copy reads one table's pulled-in keys from the rows it has copied. */
export interface PulledFromCopy {
  table: string;
  /** The key column of the table that every pulling reference names. */
  column: string;
  /** The table has a share of its own (rows of the chosen companies), copied before its pulled-in rows. */
  hasShare: boolean;
  /** The tables whose copied rows name those keys: each is copied first. */
  children: string[];
  /**
   * On the copy, once the children and the table's share are in: the keys the
   * children name that the table does not hold yet, as `text[]` (column `keys`), at
   * most MAX_PULLED_IN + 1; null when one is longer than MAX_LISTED_KEY_CHARS.
   */
  beyondShareSql: string;
}

/**
 * The tables a copy reads pulled-in keys for, children first (a contact's key is
 * read before its company's, since a pulled-in contact pulls in its company).
 */
export function pulledFromCopy(share: PartialShare, recordTables: ReadonlySet<string>, foreignKeys: readonly ForeignKeyEdge[]): PulledFromCopy[] {
  const graph = closureGraph(share, recordTables, foreignKeys, new Map());
  return [...graph.order].reverse().flatMap((table) => {
    const set = graph.pulledSet(table);
    if (!set) return [];
    const edges = graph.upEdges.get(table) ?? [];
    // Compared as the keys' own types (a foreign key's columns are of one family); only the answer is text.
    const named = edges.map((e) => `SELECT ${quoteIdent(e.columns[0]!)} AS k FROM ${publicTable(e.table)}`).join(" UNION ");
    const held = `SELECT ${quoteIdent(set.column)} FROM ${publicTable(table)}`;
    return [
      {
        table,
        column: set.column,
        hasShare: graph.downable.has(table),
        children: [...new Set(edges.map((e) => e.table))],
        beyondShareSql: `SELECT ${listedKeys("k::text")} AS keys FROM (SELECT k FROM (${named} EXCEPT ${held}) x WHERE k IS NOT NULL LIMIT ${MAX_PULLED_IN + 1}) y`,
      },
    ];
  });
}

/** One table's pulled-in keys, read from the copy (`copy`); null when too many, or too long, for a literal list. */
export async function readPulledFromCopy(query: PulledFromCopy, copy: pg.ClientBase): Promise<PulledIn | null> {
  const { rows } = await copy.query<{ keys: string[] | null }>(query.beyondShareSql);
  const values = rows[0]?.keys;
  return listable(values) ? { column: query.column, values } : null;
}
