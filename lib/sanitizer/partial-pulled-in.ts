/**
 * The up part of a partial copy's closure (partial-closure.ts), read once per run:
 * for each record table that copied rows elsewhere reference, the keys of the rows
 * they pull in beyond the table's own share (a sale's contact at another company,
 * and that contact's company). One statement on production, inside the copy's
 * snapshot, evaluates the whole closure once; every table's COPY and change counts
 * then read a short list instead of re-evaluating their children's tables.
 *
 * A table whose references name more than one column, or that pulls in more rows
 * than a statement should carry as a literal, keeps the closure's SQL form: slower,
 * never wrong.
 */
import type pg from "pg";
import type { PartialShare } from "./options";
import { closureGraph, type ForeignKeyEdge, type PulledIn } from "./partial-closure";

/** More rows than this pulled into one table: that table keeps the closure's SQL form. */
export const MAX_PULLED_IN = 50_000;

export interface PulledInQuery {
  sql: string;
  /** The tables, in the order of the statement's columns t0, t1…, with the key column each reads. */
  keys: { table: string; column: string }[];
  /**
   * The tables whose scope the statement's answer may change: those that copied rows
   * elsewhere pull rows into. Every other table's scope is its down part alone, final
   * before the statement runs: those tables may be copied meanwhile.
   */
  waiting: string[];
}

/** The one statement reading every table's pulled-in keys, or null when no table can pull any row in. */
export function pulledInQuery(share: PartialShare, recordTables: ReadonlySet<string>, foreignKeys: readonly ForeignKeyEdge[]): PulledInQuery | null {
  const graph = closureGraph(share, recordTables, foreignKeys, new Map());
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
    return `(SELECT array_agg(k) FROM (SELECT DISTINCT k::text AS k FROM ${set.name} WHERE k IS NOT NULL LIMIT ${MAX_PULLED_IN + 1}) x) AS t${i}`;
  });
  // One WITH for all: each named set is evaluated once, however many tables read it.
  const ctes = graph.withClause(roots);
  const waiting = graph.order.filter((table) => (graph.upEdges.get(table) ?? []).length > 0);
  return { sql: `${ctes}SELECT ${selects.join(", ")}`, keys, waiting };
}

/** Runs the statement: the pulled-in keys of every table that stays within MAX_PULLED_IN. */
export async function readPulledIn(client: pg.ClientBase, query: PulledInQuery | null): Promise<Map<string, PulledIn>> {
  if (!query) return new Map();
  const { rows } = await client.query<Record<string, string[] | null>>(query.sql);
  return new Map(
    query.keys.flatMap(({ table, column }, i) => {
      const values = rows[0]?.[`t${i}`] ?? [];
      return values.length > MAX_PULLED_IN ? [] : [[table, { column, values }] as const];
    }),
  );
}
