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
import { tableStepKey } from "./copy-streams";
import type { ChangeCount } from "./rules/rule";
import { publicTable } from "./sql";

export type Aggregate = Pick<ChangeCount, "aggregate" | "outsideScope">;

/** One scalar subquery giving `bigint[]`: each aggregate over the table's rows (or its rows in scope), in order. */
function aggregatesSql(plan: Pick<TablePlan, "table" | "scope">, aggregates: readonly Aggregate[]): string {
  const from = publicTable(plan.table);
  if (!plan.scope) return `(SELECT ARRAY[${aggregates.map((a) => `(${a.aggregate})::bigint`).join(", ")}]::bigint[] FROM ${from})`;
  const inScope = aggregates.filter((a) => !a.outsideScope);
  const items = aggregates.map((a) => (a.outsideScope ? `(SELECT count(*) FROM ${from}) - s.n` : `s.c${inScope.indexOf(a)}`));
  const columns = ["count(*) AS n", ...inScope.map((a, i) => `(${a.aggregate})::bigint AS c${i}`)].join(", ");
  return `(${plan.scope.ctes}SELECT ARRAY[${items.join(", ")}]::bigint[] FROM (SELECT ${columns} FROM ${from} WHERE ${plan.scope.where}) s)`;
}

/** The changes a statement must count on production: those the copy cannot give (ChangeCount.fromCopy). */
const countedOnProduction = <C extends Pick<ChangeCount, "fromCopy">>(changes: readonly C[]): C[] => changes.filter((c) => !c.fromCopy);

/** One plan's copy of (part of) a table: what production counted for it, and the rows it loaded. */
export interface CopiedPart {
  changes: readonly Pick<ChangeCount, "key" | "fromCopy">[];
  /** Production's counts of `countedOnProduction(changes)`, in their order. */
  counted: readonly number[];
  rows: number;
}

/**
 * A table's change counts, in the order of `changes` (its first part's plan's), from
 * the parts its copy took (a partial copy takes a table's own share, then the rows
 * pulled in beyond it): production's counts summed over the parts, rows "copied"
 * those of the parts whose plan gives that change so, and rows "not copied" all
 * the table's rows less every part's.
 */
export function partsCounts(changes: readonly Pick<ChangeCount, "key" | "fromCopy">[], parts: readonly CopiedPart[], wholeTable?: number): number[] {
  const rows = parts.reduce((sum, p) => sum + p.rows, 0);
  const countedIn = (part: CopiedPart, key: string) => part.counted[countedOnProduction(part.changes).findIndex((c) => c.key === key)] ?? 0;
  return changes.map((c) => {
    if (c.fromCopy === "copied") return parts.filter((p) => p.changes.some((o) => o.key === c.key && o.fromCopy === "copied")).reduce((sum, p) => sum + p.rows, 0);
    if (c.fromCopy === "not copied") {
      if (wholeTable === undefined) throw new Error("the table's whole count was not read");
      return wholeTable - rows;
    }
    return parts.reduce((sum, p) => sum + countedIn(p, c.key), 0);
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

/**
 * The rules' change counts for one table that only production can give, over its
 * rows in the snapshot, in the order of `countedOnProduction(plan.changes)`.
 */
export async function countChanges(source: pg.ClientBase, plan: TablePlan): Promise<number[]> {
  const changes = countedOnProduction(plan.changes);
  if (changes.length === 0) return [];
  const { rows } = await source.query<{ counts: string[] }>(`SELECT ${aggregatesSql(plan, changes)} AS counts`);
  return changes.map((_c, i) => Number(rows[0]?.counts[i] ?? 0));
}

/**
 * Each table's change counts, read once on production: ahead of the copy, by a
 * session that would otherwise wait while the sandbox's tables are made, or by the
 * stream that copies the table, if it gets there first.
 */
export class ChangeCounts {
  private readonly read = new Map<string, Promise<number[]>>();
  private copying = false;
  /** Settles when the statement reading ahead ends. */
  private ahead: Promise<unknown> = Promise.resolve();

  /** `step`: the plan's progress step (a plan may copy a part of its table: copy-streams.ts DeferredPlan). */
  of(source: pg.ClientBase, plan: TablePlan, step = tableStepKey(plan.table)): Promise<number[]> {
    let counts = this.read.get(step);
    if (!counts) {
      counts = countChanges(source, plan);
      counts.catch(() => undefined); // raised to the stream that awaits it
      this.read.set(step, counts);
    }
    return counts;
  }

  /**
   * Reads the plans' counts, largest table first (the streams' order, but for a
   * partial copy's tables that deferred plans follow, which they take first),
   * until the copy starts. Only plans final before the copy: a partial copy's
   * deferred ones are written again, with another scope.
   */
  async readAhead(source: pg.ClientBase, plans: readonly TablePlan[]): Promise<void> {
    const ahead = plans.filter((p) => countedOnProduction(p.changes).length > 0).sort((a, b) => b.estimatedBytes - a.estimatedBytes);
    for (const plan of ahead) {
      if (this.copying) return;
      if (this.read.has(tableStepKey(plan.table))) continue;
      this.ahead = this.of(source, plan).catch(() => undefined);
      await this.ahead;
    }
  }

  /** The streams start: reading ahead ends; settles once its statement in flight has (its session is then free). */
  copyStarts(): Promise<unknown> {
    this.copying = true;
    return this.ahead;
  }
}
