/**
 * One plan per production table: the column list and the `SELECT` that reads it
 * sanitized, or no rows at all. The contract rules' parts (rules/) are merged per
 * table; rule 0's classification clears columns and skips extra tables. Columns keep
 * production's order, so `COPY t (cols) FROM STDIN` matches `COPY (SELECT ...) TO
 * STDOUT` one for one.
 *
 * `changes` are aggregates run over production's rows in the same snapshot, so the
 * report counts exactly what the rules changed; the wizard's dry run runs the same
 * plans' aggregates before any copy.
 */
import { contractTable } from "../crm/contract";
import { columnTreatment } from "./classification";
import { CONTRACT_RULES } from "./rules";
import { kindsRule } from "./rules/rule-17-kinds";
import type { ChangeCount, RuleContext, RuleTable, TableRules } from "./rules/rule";
import { publicTable, quoteIdent } from "./sql";

export interface TablePlan {
  table: string;
  /** Quoted target columns: all of them (a generated column is only ever created as a plain one). */
  columns: string[];
  /** The sanitizing SELECT, or null when no row is copied. */
  select: string | null;
  changes: ChangeCount[];
  estimatedRows: number;
  estimatedBytes: number;
}

/** A table to plan: the schema reader's, or the dry run's lighter reading (no estimates). */
export interface PlannedTable extends RuleTable {
  estimatedRows?: number;
  bytes?: number;
}

const KIND_RULE = kindsRule.rule;

export function buildCopyPlans(tables: readonly PlannedTable[], ctx: RuleContext): TablePlan[] {
  return tables.map((table) => planTable(table, ctx));
}

/**
 * Every rule's part for one table. A rule that copies no row of it decides alone:
 * what the others would rewrite or count is never copied. The sandbox's kind
 * (rule 17) leaving a table out goes first, so a table is counted as left out once.
 */
function contractRules(table: RuleTable, ctx: RuleContext): TableRules {
  const parts = CONTRACT_RULES.flatMap((r) => {
    const part = r.copy?.(table, ctx);
    return part ? [{ rule: r.rule, ...part }] : [];
  });
  const noRows = parts.filter((p) => p.noRows);
  const byKind = noRows.filter((p) => p.rule === KIND_RULE);
  if (noRows.length) return { noRows: true, changes: (byKind.length ? byKind : noRows).flatMap((p) => p.changes ?? []) };
  const where = parts.flatMap((p) => (p.where ? [`(${p.where})`] : []));
  return {
    columns: Object.assign({}, ...parts.map((p) => p.columns ?? {})) as Record<string, string>,
    ...(where.length ? { where: where.join(" AND ") } : {}),
    changes: parts.flatMap((p) => p.changes ?? []),
  };
}

function planTable(table: PlannedTable, ctx: RuleContext): TablePlan {
  const base = { table: table.name, columns: table.columns.map((c) => quoteIdent(c.name)), estimatedRows: table.estimatedRows ?? 0, estimatedBytes: table.bytes ?? 0 };
  if (!contractTable(table.name) && ctx.classification.tables[table.name] !== "copy") {
    return { ...base, select: null, changes: [{ rule: 0, key: `${table.name} skipped`, aggregate: "count(*)" }] };
  }
  const rules = contractRules(table, ctx);
  const changes = [...(rules.changes ?? [])];
  if (rules.noRows) return { ...base, select: null, changes };
  const expressions = table.columns.map((c) => {
    const col = quoteIdent(c.name);
    const override = rules.columns?.[c.name];
    if (override) return `${override} AS ${col}`;
    if (columnTreatment(ctx.classification, table.name, c.name) === "clear") {
      changes.push({ rule: 0, key: `${table.name}.${c.name} cleared`, aggregate: `count(${col})` });
      return `NULL AS ${col}`;
    }
    return col;
  });
  const where = rules.where ? ` WHERE ${rules.where}` : "";
  return { ...base, select: `SELECT ${expressions.join(", ")} FROM ${publicTable(table.name)}${where}`, changes };
}

/** Plain words for rule 0's counts: the customer's own tables and fields keep their names. */
export function classificationChangeLabel(key: string): string | undefined {
  const skipped = /^(.+) skipped$/.exec(key);
  if (skipped) return `Rows left out of your table “${skipped[1]}”`;
  const cleared = /^([^.]+)\.(.+) cleared$/.exec(key);
  if (cleared) return `Values emptied in your custom field “${cleared[2]}” (${cleared[1]!.replace(/_/g, " ")})`;
  return undefined;
}
