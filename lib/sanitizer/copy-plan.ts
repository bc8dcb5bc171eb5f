/**
 * One plan per production table: the column list and the `SELECT` that reads it
 * sanitized (contract rules from select-rules.ts, classified extras from the
 * classification), or no rows at all. Columns keep production's order, so
 * `COPY t (cols) FROM STDIN` matches `COPY (SELECT ...) TO STDOUT` one for one.
 */
import { columnTreatment, type Classification } from "./classification";
import { contractTable } from "../crm/contract";
import { rewriteEmailSql } from "./email-sql";
import type { SourceSchema, SourceTable } from "./schema-reader";
import { contractTableRules, type ChangeCount, type RuleContext } from "./select-rules";
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

export function buildCopyPlans(schema: SourceSchema, classification: Classification, ctx: RuleContext): TablePlan[] {
  return schema.tables.map((table) => planTable(table, classification, ctx));
}

function planTable(table: SourceTable, classification: Classification, ctx: RuleContext): TablePlan {
  const isContract = contractTable(table.name) !== undefined;
  const rules = isContract ? contractTableRules(table.name, ctx) : {};
  const skipped = isContract ? rules.noRows === true : classification.tables[table.name] !== "copy";
  const changes: ChangeCount[] = [...(rules.changes ?? [])];
  const copied = table.columns;
  const expressions = copied.map((c) => {
    const col = quoteIdent(c.name);
    const override = rules.columns?.[c.name];
    if (override) return `${override} AS ${col}`;
    const treatment = columnTreatment(classification, table.name, c.name);
    if (treatment === "clear") {
      changes.push({ rule: 0, key: `${table.name}.${c.name} cleared`, aggregate: `count(${col})` });
      return `NULL AS ${col}`;
    }
    if (treatment === "email") {
      changes.push({ rule: 0, key: `${table.name}.${c.name} e-mail`, aggregate: `count(*) FILTER (WHERE ${col} <> '')` });
      return `${rewriteEmailSql(col, ctx.options.invalidationDomain)} AS ${col}`;
    }
    return col;
  });
  if (!isContract && skipped) changes.push({ rule: 0, key: `${table.name} skipped`, aggregate: "count(*)" });
  const where = rules.where ? ` WHERE ${rules.where}` : "";
  return {
    table: table.name,
    columns: copied.map((c) => quoteIdent(c.name)),
    select: skipped ? null : `SELECT ${expressions.join(", ")} FROM ${publicTable(table.name)}${where}`,
    changes,
    estimatedRows: table.estimatedRows,
    estimatedBytes: table.bytes,
  };
}
