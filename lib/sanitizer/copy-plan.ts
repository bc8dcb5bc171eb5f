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
import { CONFIGURATION_TABLES, CRM_TABLES, contractTable } from "../crm/contract";
import { columnTreatment, tableTreatment } from "./classification";
import { oneLine } from "../untrusted-text";
import { SanitizationError } from "./errors";
import { buildPartialClosure, closureGraph, type ForeignKeyEdge, type RowScope } from "./partial-closure";
import { partialShareOf } from "./options";
import { personalColumns, type PersonalColumn } from "./pseudonyms/columns";
import { downKeysQuery, type DownKeysQuery } from "./partial-down-keys";
import { pulledFromCopy, pulledInQuery, type PulledFromCopy, type PulledInQuery } from "./partial-pulled-in";
import { CONTRACT_RULES } from "./rules";
import { chosenKey } from "./rules/rule-17-kinds";
import { countWhere, type ChangeCount, type RuleContext, type RuleTable, type TableRules } from "./rules/rule";
import { typeWithoutModifier } from "./schema-plan";
import { publicTable, quoteIdent } from "./sql";

export interface TablePlan {
  table: string;
  /** Quoted target columns: all of them (a generated column is only ever created as a plain one). */
  columns: string[];
  /** The sanitizing SELECT, or null when no row is copied. */
  select: string | null;
  /** The rows in the copy's share of the table (partial copy), or null for every row. */
  scope: RowScope | null;
  changes: ChangeCount[];
  estimatedRows: number;
  estimatedBytes: number;
  /** Production's indexes of the table: a copy builds as many. */
  estimatedIndexBytes: number;
  /** Rule 18: the columns rewritten while copying (empty unless personal data is pseudonymised). */
  personal: PersonalColumn[];
  /**
   * The rows may travel in COPY's binary format: every column is copied as it is, emptied,
   * or given a rule's value cast to the column's type (an expression's own type need not
   * be the column's), every type is built in (the binary form of an enum, or an array of
   * one, names production's own type), and every value rewritten on its way (rule 18's)
   * is of a text type.
   */
  binary: boolean;
}

/** A table to plan: the schema reader's, or the dry run's lighter reading (no estimates, no types). */
export interface PlannedTable extends RuleTable {
  columns: readonly { name: string; /** A built-in type, or an enum's name (the schema reader's); null for others. */ type?: string | null; enumType?: string | null }[];
  estimatedRows?: number;
  bytes?: number;
  indexBytes?: number;
}

const builtInType = (column: PlannedTable["columns"][number]) => column.type != null && column.enumType == null;
/** The types whose binary form is their text's UTF-8: what rule 18's rewriting reads and writes in binary. */
const TEXT_TYPE = /^(text|character varying(\(\d+\))?)$/;

export function buildCopyPlans(tables: readonly PlannedTable[], ctx: RuleContext): TablePlan[] {
  const withScopes = ctx.options.kind === "partial" ? { ...ctx, partialScopes: partialScopes(tables, ctx) } : ctx;
  return tables.map((table) => planTable(table, withScopes));
}

/**
 * The partial copy's closure over the tables whose rows it copies at all: customer
 * records that no rule leaves out whole (rule 9's documents when none are chosen,
 * rule 3's inbox messages, tables rule 0 skips). Their rows never pull others in.
 */
function partialScopes(tables: readonly PlannedTable[], ctx: RuleContext) {
  return buildPartialClosure(
    partialShareOf(ctx.options),
    partialRecordTables(tables, ctx),
    ctx.foreignKeys ?? CONTRACT_FOREIGN_KEYS,
    ctx.partialPulledIn,
    ctx.partialParts,
    ctx.partialDownKeys,
    partialRowFilters(tables, ctx),
  );
}

function partialRecordTables(tables: readonly PlannedTable[], ctx: RuleContext): Set<string> {
  const records = tables.filter(
    (t) => !CONFIGURATION_TABLES.has(t.name) && (contractTable(t.name) || tableTreatment(ctx.classification, t.name) === "copy") && !contractRules(t, ctx).noRows,
  );
  return new Set(records.map((t) => t.name));
}

/**
 * The record tables whose rows a rule filters (rule 9's documents from a date on), with
 * its condition: the closure's sets of them hold only the rows copied, so a row left out
 * pulls in no company or contact it names.
 */
function partialRowFilters(tables: readonly PlannedTable[], ctx: RuleContext): Map<string, string> {
  const records = partialRecordTables(tables, ctx);
  return new Map(
    tables.flatMap((t) => {
      const where = records.has(t.name) ? contractRules(t, ctx).where : undefined;
      return where ? [[t.name, where] as const] : [];
    }),
  );
}

/** A partial copy's statement reading the rows its closure pulls in (partial-pulled-in.ts), to pass back as `partialPulledIn`. */
export function partialPulledInQuery(tables: readonly PlannedTable[], ctx: RuleContext): PulledInQuery | null {
  if (ctx.options.kind !== "partial") return null;
  return pulledInQuery(partialShareOf(ctx.options), partialRecordTables(tables, ctx), ctx.foreignKeys ?? CONTRACT_FOREIGN_KEYS, ctx.partialDownKeys, partialRowFilters(tables, ctx));
}

/** A partial copy's statement reading its chosen rows' keys (partial-down-keys.ts), to pass back as `partialDownKeys`. */
export function partialDownKeysQuery(tables: readonly PlannedTable[], ctx: RuleContext): DownKeysQuery | null {
  if (ctx.options.kind !== "partial") return null;
  // Looked up, not searched for each of the keys: production may hold thousands of tables.
  const byName = new Map(tables.map((t) => [t.name, t]));
  const typeOf = (table: string, column: string) => {
    const found = byName.get(table)?.columns.find((c) => c.name === column);
    return found && builtInType(found) ? found.type : null;
  };
  const rowsOf = (table: string) => byName.get(table)?.estimatedRows ?? 0;
  return downKeysQuery(partialShareOf(ctx.options), partialRecordTables(tables, ctx), ctx.foreignKeys ?? CONTRACT_FOREIGN_KEYS, typeOf, rowsOf, partialRowFilters(tables, ctx));
}

export interface ChosenCountQuery {
  sql: string;
  /** The tables it counts, in the order of its pairs. */
  tables: string[];
}

/**
 * One statement counting each record table's rows of the chosen companies on
 * production by the closure in plain SQL (no keys read ahead, no parts, nothing read
 * back from the copy): the dependants check's expectation (partial-chosen-counts.ts).
 * The chosen companies', contacts' and tickets' sets are made once and shared by
 * every table's count. Each table's count of all its rows comes from the same scan:
 * `counts` holds a [chosen, all] pair per table.
 */
export function partialChosenCountQuery(tables: readonly PlannedTable[], ctx: RuleContext): ChosenCountQuery | null {
  if (ctx.options.kind !== "partial") return null;
  const plain = { ...ctx, partialPulledIn: new Map(), partialParts: new Map(tables.map((t) => [t.name, "share" as const])), partialDownKeys: new Map() };
  // Each plan's chosen count names the sets of this same graph: one closure, the same inputs.
  const graph = closureGraph(partialShareOf(ctx.options), partialRecordTables(tables, ctx), ctx.foreignKeys ?? CONTRACT_FOREIGN_KEYS, new Map(), new Map(), partialRowFilters(tables, ctx));
  const counted = buildCopyPlans(tables, plain).flatMap((plan) => {
    const chosen = plan.select === null ? undefined : plan.changes.find((c) => c.key === chosenKey(plan.table));
    return chosen ? [{ table: plan.table, aggregate: chosen.aggregate }] : [];
  });
  if (counted.length === 0) return null;
  const sets = [...new Set(counted.flatMap((c) => graph.downRoots(c.table)))];
  // Each table's whole count comes with its scan: the report's rows outside the share need it.
  const counts = counted.map((c) => `(SELECT ARRAY[(${c.aggregate})::bigint, count(*)] FROM ${publicTable(c.table)})`);
  return { sql: `${graph.withClause(sets)}SELECT ARRAY[${counts.join(", ")}]::bigint[] AS counts`, tables: counted.map((c) => c.table) };
}

/** How a partial copy reads, from the rows it has copied, the keys its closure pulls in (partial-pulled-in.ts), children first. */
export function partialPulledFromCopy(tables: readonly PlannedTable[], ctx: RuleContext): PulledFromCopy[] {
  if (ctx.options.kind !== "partial") return [];
  return pulledFromCopy(partialShareOf(ctx.options), partialRecordTables(tables, ctx), ctx.foreignKeys ?? CONTRACT_FOREIGN_KEYS);
}

/**
 * Which of a table's rows a copy with these options takes: all, none, those a rule's
 * filter keeps, or (a partial copy's customer records, filtered by nothing else) its
 * share, which the closure extends to every row another record names.
 */
function rowsTaken(table: RuleTable, ctx: RuleContext, records: ReadonlySet<string>): "all" | "share" | "filtered" | "none" {
  if (!contractTable(table.name) && tableTreatment(ctx.classification, table.name) !== "copy") return "none";
  const rules = contractRules(table, ctx);
  if (rules.noRows) return "none";
  if (rules.where) return "filtered";
  return records.has(table.name) ? "share" : "all";
}

/**
 * The foreign keys a copy with these options could leave dangling: an operator's
 * classified key (the contract's own follow its rules) from a table whose rows are
 * copied to one whose rows are left out, in whole or in part, by a rule, by a
 * classification `skip` or by the kind (a configuration table, copied whole, naming
 * customer records a partial copy takes a share of). A partial copy's closure brings
 * the rows one record table names in another, unless a rule filters them. Found
 * before anything is created: the copy would fail only at the end, when its foreign
 * keys are validated, and seem to blame production's rows.
 */
export function keysLeftDangling(tables: readonly PlannedTable[], ctx: RuleContext): string[] {
  const records = ctx.options.kind === "partial" ? partialRecordTables(tables, ctx) : new Set<string>();
  const byName = new Map(tables.map((t) => [t.name, t]));
  const same = (a: ForeignKeyEdge, b: ForeignKeyEdge) => a.table === b.table && a.refTable === b.refTable && a.columns.join() === b.columns.join();
  const problems: string[] = [];
  for (const key of ctx.foreignKeys ?? []) {
    const child = byName.get(key.table);
    const parent = byName.get(key.refTable);
    if (!child || !parent || CONTRACT_FOREIGN_KEYS.some((c) => same(c, key))) continue;
    if (rowsTaken(child, ctx, records) === "none") continue;
    const taken = rowsTaken(parent, ctx, records);
    if (taken === "all" || (taken === "share" && records.has(child.name))) continue;
    problems.push(`${key.table} (${key.columns.join(", ")}) refers to ${key.refTable}, of which this copy takes ${taken === "none" ? "no row" : "only some rows"}`);
  }
  return problems;
}

/** Refuses, in plain words and before anything is copied, a copy that would leave a foreign key dangling (keysLeftDangling). */
export function assertNoDanglingKeys(tables: readonly PlannedTable[], ctx: RuleContext): void {
  const dangling = keysLeftDangling(tables, ctx);
  if (dangling.length === 0) return;
  throw new SanitizationError(
    "INVALID_OPTIONS",
    `This copy cannot keep every foreign key: ${dangling.join("; ")}. Choose to copy those rows, or ask an operator to classify the key as left out.`,
    { keys: dangling },
  );
}

/** The contract's own foreign keys: the fallback when production's were not read. */
const CONTRACT_FOREIGN_KEYS: readonly ForeignKeyEdge[] = CRM_TABLES.flatMap((t) =>
  t.foreignKeys.map((fk) => ({ table: t.name, columns: [fk.column], refTable: fk.references, refColumns: ["id"] })),
);

/**
 * Every rule's part for one table. A rule that copies no row of it decides alone:
 * what the others would rewrite or count is never copied; among several, the
 * highest precedence counts it, so a table is counted as left out once. A rule
 * that scopes the rows (rule 17's partial copy) counts the rows it leaves out; every
 * other rule counts among the rows in scope, which are the rows it acts on.
 */
function contractRules(table: RuleTable, ctx: RuleContext): TableRules {
  const parts = CONTRACT_RULES.flatMap((r) => {
    const part = r.copy?.(table, ctx);
    return part ? [{ rule: r.rule, precedence: r.precedence ?? 0, ...part }] : [];
  });
  const noRows = parts.filter((p) => p.noRows);
  if (noRows.length) {
    const first = Math.max(...noRows.map((p) => p.precedence));
    return { noRows: true, changes: noRows.filter((p) => p.precedence === first).flatMap((p) => p.changes ?? []) };
  }
  const where = parts.flatMap((p) => (p.where ? [`(${p.where})`] : []));
  const scope = parts.find((p) => p.scope)?.scope;
  const changes = parts.flatMap((p) => (p.changes ?? []).map((c) => (p.scope ? { ...c, outsideScope: true } : c)));
  return {
    columns: Object.assign({}, ...parts.map((p) => p.columns ?? {})) as Record<string, string>,
    ...(where.length ? { where: where.join(" AND ") } : {}),
    ...(scope ? { scope } : {}),
    changes,
  };
}

function planTable(table: PlannedTable, ctx: RuleContext): TablePlan {
  const base = {
    table: table.name,
    columns: table.columns.map((c) => quoteIdent(c.name)),
    estimatedRows: table.estimatedRows ?? 0,
    estimatedBytes: table.bytes ?? 0,
    estimatedIndexBytes: table.indexBytes ?? 0,
    scope: null,
    personal: [],
    binary: false,
  };
  if (!contractTable(table.name) && tableTreatment(ctx.classification, table.name) !== "copy") {
    return { ...base, select: null, changes: [{ rule: 0, key: `${table.name} skipped`, aggregate: "count(*)" }] };
  }
  const rules = contractRules(table, ctx);
  if (rules.noRows) return { ...base, select: null, changes: [...(rules.changes ?? [])] };
  const scope = rules.scope ?? null;
  const conditions = [...(rules.where ? [rules.where] : []), ...(scope ? [`(${scope.where})`] : [])];
  // Counting the share on production costs as much as copying it: where the COPY's
  // own row count is the same number, the report takes it from there. With no other
  // rule filtering the rows, the rows outside the share are all rows less those copied.
  const changes: ChangeCount[] = (rules.changes ?? []).map((c) => (c.outsideScope && !rules.where ? { ...c, fromCopy: "not copied" } : c));
  // The rows of the chosen companies that the copy holds, for the report. When they
  // are the whole share (a table no copied row pulls others into), they are exactly
  // the rows copied. The verification's "every selected company has all its
  // dependants" expects a count made apart from the copy (partial-chosen-counts.ts).
  if (scope && scope.members !== "false") {
    const chosen = { rule: 17, key: chosenKey(table.name), aggregate: countWhere(`(${scope.members})${rules.where ? ` AND ${rules.where}` : ""}`) };
    changes.push(scope.members === scope.where ? { ...chosen, fromCopy: "copied" } : chosen);
  }
  let rewritten = false;
  const expressions = table.columns.map((c) => {
    const col = quoteIdent(c.name);
    const override = rules.columns?.[c.name];
    if (override) {
      // Cast to the column's own type, a rule's value has that type's binary form (the rest of
      // the row's columns as they are): the row may travel in binary, which costs production
      // and the sandbox server half what text does (parsing and printing every value).
      const type = c.type && !c.enumType ? typeWithoutModifier(c.type) : null;
      if (type) return `(${override})::${type} AS ${col}`;
      rewritten ||= !/^NULL(::[a-z ]+)?$/i.test(override.trim()); // a NULL is the same in binary whatever its type
      return `${override} AS ${col}`;
    }
    if (columnTreatment(ctx.classification, table.name, c.name) === "clear") {
      changes.push({ rule: 0, key: `${table.name}.${c.name} cleared`, aggregate: `count(${col})` });
      return `NULL AS ${col}`;
    }
    return col;
  });
  const where = conditions.length ? ` WHERE ${conditions.join(" AND ")}` : "";
  const personal = ctx.options.personalData === "pseudonymise" ? personalColumns(ctx.classification, table.name, table.columns.map((c) => c.name)) : [];
  // Rule 18 rewrites a text value's UTF-8 in either format; another type's binary form is not its text.
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const binary = !rewritten && table.columns.every(builtInType) && personal.every((p) => TEXT_TYPE.test(byName.get(p.column)?.type ?? ""));
  return { ...base, scope, personal, binary, select: `${scope?.ctes ?? ""}SELECT ${expressions.join(", ")} FROM ${publicTable(table.name)}${where}`, changes };
}

/** Plain words for rule 0's counts: the customer's own tables and fields keep their names. */
export function classificationChangeLabel(key: string): string | undefined {
  const skipped = /^(.+) skipped$/.exec(key);
  if (skipped) return `Rows left out of your table “${skipped[1]}”`;
  const cleared = /^([^.]+)\.(.+) cleared$/.exec(key);
  if (cleared) return `Values emptied in your custom field “${oneLine(cleared[2]!, 64)}” (${oneLine(cleared[1]!.replace(/_/g, " "), 64)})`;
  return undefined;
}
