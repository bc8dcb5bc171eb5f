/**
 * The rules' change counts (and the dry run's previews): aggregates over one
 * production table each, in the copy's snapshot. A partial copy's tables count
 * among the rows in their scope, and what the scope leaves out as all rows less
 * those, so the closure is evaluated once per table; during a copy, counts its own
 * row count gives are taken from there (ChangeCount.fromCopy), and a table whose
 * counts it all gives is not read for them at all. (Sharing the closure's sets
 * across tables in one statement was measured slower: shared sets are
 * materialized, and the planner then neither inlines nor hashes them as well.)
 */
import type pg from "pg";
import type { TablePlan } from "./copy-plan";
import type { ChangeCount } from "./rules/rule";
import { publicTable } from "./sql";

export type Aggregate = Pick<ChangeCount, "aggregate" | "outsideScope">;

/** One scalar subquery giving `bigint[]`: each aggregate over the table's rows (or its rows in scope), in order. */
export function aggregatesSql(plan: Pick<TablePlan, "table" | "scope">, aggregates: readonly Aggregate[]): string {
  const from = publicTable(plan.table);
  if (!plan.scope) return `(SELECT ARRAY[${aggregates.map((a) => `(${a.aggregate})::bigint`).join(", ")}]::bigint[] FROM ${from})`;
  const inScope = aggregates.filter((a) => !a.outsideScope);
  const items = aggregates.map((a) => (a.outsideScope ? `(SELECT count(*) FROM ${from}) - s.n` : `s.c${inScope.indexOf(a)}`));
  const columns = ["count(*) AS n", ...inScope.map((a, i) => `(${a.aggregate})::bigint AS c${i}`)].join(", ");
  return `(${plan.scope.ctes}SELECT ARRAY[${items.join(", ")}]::bigint[] FROM (SELECT ${columns} FROM ${from} WHERE ${plan.scope.where}) s)`;
}

/** The changes a statement must count on production: those the copy cannot give (ChangeCount.fromCopy). */
export const countedOnProduction = <C extends Pick<ChangeCount, "fromCopy">>(changes: readonly C[]): C[] => changes.filter((c) => !c.fromCopy);

/**
 * Every change's count, in order: production's counts (of `countedOnProduction`, in
 * their order) with the copy's own figures in place of the others.
 */
export function withCopyCounts(
  changes: readonly Pick<ChangeCount, "fromCopy">[],
  counted: readonly number[],
  copy: { rows: number; wholeTable?: number },
): number[] {
  let next = 0;
  return changes.map((c) => {
    if (!c.fromCopy) return counted[next++] ?? 0;
    if (c.fromCopy === "copied") return copy.rows;
    if (copy.wholeTable === undefined) throw new Error("the table's whole count was not read");
    return copy.wholeTable - copy.rows;
  });
}

/** Whether a table's report needs its count of all rows (its rows outside a partial copy's share). */
export const needsWholeCount = (plan: Pick<TablePlan, "changes">) => plan.changes.some((c) => c.fromCopy === "not copied");

/** Each table's count of all its rows, in one statement (an index-only or parallel scan each, no share to evaluate). */
export async function countWholeTables(client: pg.ClientBase, tables: readonly string[]): Promise<Map<string, number>> {
  if (tables.length === 0) return new Map();
  const counts = tables.map((t) => `(SELECT count(*) FROM ${publicTable(t)})`);
  const { rows } = await client.query<{ counts: string[] }>(`SELECT ARRAY[${counts.join(", ")}]::bigint[] AS counts`);
  return new Map(tables.map((t, i) => [t, Number(rows[0]?.counts[i] ?? 0)]));
}

/** One statement counting many tables (the dry run), each with its own aggregates: the arrays in order. */
export async function countTables(client: pg.ClientBase, scans: readonly { plan: TablePlan; aggregates: readonly Aggregate[] }[]): Promise<number[][]> {
  if (scans.length === 0) return [];
  const select = scans.map((s, i) => `${aggregatesSql(s.plan, s.aggregates)} AS t${i}`);
  const { rows } = await client.query<Record<string, string[]>>(`SELECT ${select.join(", ")}`);
  return scans.map((_s, i) => (rows[0]?.[`t${i}`] ?? []).map(Number));
}
