/**
 * The down part of a partial copy's closure (partial-closure.ts), read once per run
 * before the copy: for each record table whose chosen rows others hang off (the
 * chosen companies' contacts, their tickets), the keys of those rows. Every statement
 * below such a table then names them as a literal list: without it, each of them
 * (appointments, sales, tickets, ticket messages) scans the whole parent table again
 * on production, which has no index on its foreign keys. The keys are read in one
 * statement, on a session of the copy's snapshot, while the sandbox's database is
 * made: the same rows the statements would have found.
 *
 * A table whose key is not one integer column, or whose chosen rows are (or would likely
 * be) more than a statement should carry as a literal, keeps the closure's SQL form:
 * slower, never wrong.
 */
import type pg from "pg";
import type { PartialShare } from "./options";
import { closureGraph, ROOT_TABLE, type DownKeys, type ForeignKeyEdge } from "./partial-closure";
import { MAX_PULLED_IN } from "./partial-pulled-in";
import { quoteIdent } from "./sql";
import { lookupTable } from "../lookup-table";

/** A column's type as the schema reader spells a built-in one. */
export type ColumnTypeOf = (table: string, column: string) => string | null | undefined;

// A column's type is production's name: a type of its own may be called "constructor".
const INTEGER_TYPES = lookupTable<DownKeys["type"]>({ smallint: "int2", integer: "int4", bigint: "int8" });

export interface DownKeysQuery {
  sql: string;
  /** The tables, in the order of the statement's columns t0, t1…, with the key column each reads. */
  keys: { table: string; column: string; type: DownKeys["type"] }[];
}

/**
 * The one statement reading the down keys of every table that has down children, or null
 * when none has. `rowsOf`: the planner's estimate of a table's rows, 0 when unknown. A
 * table whose share would likely be over the limit is not read at all: the statement
 * would scan it once more for nothing (on ten million rows, seconds before the copy).
 */
export function downKeysQuery(
  share: PartialShare,
  recordTables: ReadonlySet<string>,
  foreignKeys: readonly ForeignKeyEdge[],
  typeOf: ColumnTypeOf,
  rowsOf: (table: string) => number,
  rowFilters: ReadonlyMap<string, string> = new Map(),
): DownKeysQuery | null {
  const integerType = (table: string, column: string) => INTEGER_TYPES[typeOf(table, column) ?? ""] ?? null;
  const graph = closureGraph(share, recordTables, foreignKeys, new Map(), new Map(), rowFilters);
  const fraction = shareFraction(share, rowsOf(ROOT_TABLE));
  const keys = graph.order.flatMap((table) => {
    const column = graph.downable.has(table) && rowsOf(table) * fraction <= MAX_PULLED_IN ? graph.downKeyColumn(table, integerType) : null;
    return column ? [{ table, column, type: integerType(table, column)! }] : [];
  });
  if (keys.length === 0) return null;
  const selects = keys.map(({ table, column }, i) => {
    const key = quoteIdent(column);
    return `(SELECT array_agg(k) FROM (SELECT ${key}::text AS k FROM ${graph.dName(table)} WHERE ${key} IS NOT NULL LIMIT ${MAX_PULLED_IN + 1}) x) AS t${i}`;
  });
  // One WITH for all: each named set is evaluated once, however many tables read it.
  return { sql: `${graph.withClause(keys.map((k) => graph.dName(k.table)))}SELECT ${selects.join(", ")}`, keys };
}

/** The share's likely part of each table: a percentage's, or the named companies' part of all; all of it for a date. */
function shareFraction(share: PartialShare, companies: number): number {
  if (share.by === "percent") return share.percent / 100;
  if (share.by === "companies") return Math.min(1, share.ids.length / Math.max(1, companies));
  return 1;
}

/** Runs the statement: the down keys of every table that stays within MAX_PULLED_IN. */
export async function readDownKeys(client: pg.ClientBase, query: DownKeysQuery | null): Promise<Map<string, DownKeys>> {
  if (!query) return new Map();
  const { rows } = await client.query<Record<string, string[] | null>>(query.sql);
  return new Map(
    query.keys.flatMap(({ table, column, type }, i) => {
      const values = rows[0]?.[`t${i}`] ?? [];
      return values.length > MAX_PULLED_IN ? [] : [[table, { column, type, values }] as const];
    }),
  );
}
