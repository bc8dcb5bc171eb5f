/**
 * The contract's DDL, prisma/crm/contract.sql, generated from prisma/crm/schema.prisma
 * (scripts/crm-contract-sql.ts). Creating CRM databases from this one file keeps test
 * and generated databases identical to what the Prisma schema describes.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type pg from "pg";

const DEFAULT_PATH = fileURLToPath(new URL("../../prisma/crm/contract.sql", import.meta.url));

export async function readContractSql(path: string = DEFAULT_PATH): Promise<string> {
  return readFile(path, "utf8");
}

export interface ContractDdl {
  /** Schema and CREATE TABLE statements. */
  tables: string[];
  /** Indexes and foreign keys: bulk loaders run these after the data is in. */
  constraints: string[];
}

/**
 * Splits the DDL into statements. Prisma's DDL has no function bodies or string
 * literals holding semicolons, so a statement ends at a semicolon closing a line.
 */
export function splitContractSql(sql: string): ContractDdl {
  const statements = sql
    .replace(/^\s*--.*$/gm, "")
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const isConstraint = (s: string) =>
    /^CREATE\s+(UNIQUE\s+)?INDEX\b/i.test(s) || /^ALTER\s+TABLE\b[\s\S]*\bADD\s+CONSTRAINT\b/i.test(s);
  return {
    tables: statements.filter((s) => !isConstraint(s)),
    constraints: statements.filter(isConstraint),
  };
}

/** Creates the whole contract schema in one transaction. */
export async function applyContractSql(client: pg.ClientBase, sql?: string): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query(sql ?? (await readContractSql()));
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}
