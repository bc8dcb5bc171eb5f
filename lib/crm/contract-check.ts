/**
 * Compares a live database with the CRM contract: the basis of rule 0 (fail closed
 * on unknown tables and columns) and of the drift check.
 *
 * A column is "wrong" when its data type or nullability differs. Precision and
 * length are deliberately not compared: a newer CRM widening numeric(14,2) changes
 * nothing a copy depends on. The contract test checks them exactly instead.
 */
import type pg from "pg";
import { CRM_TABLES, type ContractColumn } from "./contract";
import { readTablesAndColumns, type CatalogColumn } from "./catalog";

export interface ColumnRef {
  table: string;
  column: string;
}

export interface WrongColumn extends ColumnRef {
  expected: { type: string; nullable: boolean };
  actual: { type: string; nullable: boolean };
}

export interface ContractCheckResult {
  /** Contract tables the database lacks. */
  missingTables: string[];
  /** Contract columns missing from tables that exist. */
  missingColumns: ColumnRef[];
  wrongColumns: WrongColumn[];
  /** Tables the contract does not list (customisations, newer CRM versions). */
  extraTables: string[];
  /** Columns the contract does not list, in contract tables (extra tables' columns are implied). */
  extraColumns: ColumnRef[];
}

export function isContractExact(result: ContractCheckResult): boolean {
  return Object.values(result).every((list: unknown[]) => list.length === 0);
}

export async function checkContract(client: pg.ClientBase): Promise<ContractCheckResult> {
  const catalog = await readTablesAndColumns(client);
  const actualTables = new Set(catalog.tables);
  const actualColumns = new Map<string, CatalogColumn>(
    catalog.columns.map((c) => [`${c.table}.${c.name}`, c]),
  );
  const contractTables = new Set(CRM_TABLES.map((t) => t.name));

  const result: ContractCheckResult = {
    missingTables: [],
    missingColumns: [],
    wrongColumns: [],
    extraTables: catalog.tables.filter((t) => !contractTables.has(t)),
    extraColumns: [],
  };

  for (const table of CRM_TABLES) {
    if (!actualTables.has(table.name)) {
      result.missingTables.push(table.name);
      continue;
    }
    const known = new Set(table.columns.map((c) => c.name));
    for (const column of table.columns) {
      const actual = actualColumns.get(`${table.name}.${column.name}`);
      if (!actual) result.missingColumns.push({ table: table.name, column: column.name });
      else if (!sameShape(column, actual)) result.wrongColumns.push(wrong(table.name, column, actual));
    }
    for (const c of catalog.columns) {
      if (c.table === table.name && !known.has(c.name)) result.extraColumns.push({ table: c.table, column: c.name });
    }
  }
  return result;
}

function sameShape(expected: ContractColumn, actual: CatalogColumn): boolean {
  return expected.type === actual.type && expected.nullable === actual.nullable;
}

function wrong(table: string, expected: ContractColumn, actual: CatalogColumn): WrongColumn {
  return {
    table,
    column: expected.name,
    expected: { type: expected.type, nullable: expected.nullable },
    actual: { type: actual.type, nullable: actual.nullable },
  };
}
