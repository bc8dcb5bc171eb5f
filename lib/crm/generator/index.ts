/**
 * Fills an empty PostgreSQL database with a realistic, deterministic CRM production
 * database: the contract schema from prisma/crm/contract.sql, then every table
 * streamed in with COPY. Same seed, same data, byte for byte.
 *
 * Load order follows pg_restore: tables, data, then indexes and foreign keys
 * (building them once is much faster than maintaining them per row, and adding the
 * foreign keys last still proves the data is consistent). Everything runs in one
 * transaction, so a failure leaves the database empty again.
 */
import pg from "pg";
import { quoteIdent } from "../../db/urls";
import { readContractSql, splitContractSql } from "../contract-sql";
import { createContext } from "./context";
import { copyRows } from "./copy-text";
import { SCALES, type Scale } from "./scales";
import { tableSources } from "./sources";

export interface GenerateOptions {
  databaseUrl: string;
  /** The tenant key, e.g. `Cust12345`. */
  customerId: string;
  companyName: string;
  scale: Scale;
  seed: number;
  onProgress?: (progress: GenerateProgress) => void;
  /** DDL to use instead of prisma/crm/contract.sql. */
  contractSql?: string;
}

export interface GenerateProgress {
  phase: "schema" | "data" | "constraints" | "done";
  table?: string;
  rowsDone: number;
  rowsTotal: number;
}

export interface GenerateResult {
  rows: number;
  /** pg_database_size after loading. */
  bytes: number;
  tables: Record<string, number>;
}

export async function generateProductionDatabase(options: GenerateOptions): Promise<GenerateResult> {
  const ddl = splitContractSql(options.contractSql ?? (await readContractSql()));
  const ctx = createContext({ ...options, plan: SCALES[options.scale] });
  const sources = tableSources(ctx);
  const rowsTotal = sources.reduce((sum, s) => sum + s.count, 0);
  const report = options.onProgress ?? (() => undefined);

  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    await assertEmpty(client);
    await client.query("BEGIN");
    report({ phase: "schema", rowsDone: 0, rowsTotal });
    for (const statement of ddl.tables) await client.query(statement);

    const tables: Record<string, number> = {};
    let rowsDone = 0;
    for (const source of sources) {
      report({ phase: "data", table: source.table, rowsDone, rowsTotal });
      const { rows } = await copyRows(client, source.table, source.columns, source.rows(), (n) => {
        rowsDone += n;
        report({ phase: "data", table: source.table, rowsDone, rowsTotal });
      });
      if (rows !== source.count) throw new Error(`${source.table}: generated ${rows} rows, planned ${source.count}`);
      tables[source.table] = rows;
    }

    report({ phase: "constraints", rowsDone, rowsTotal });
    for (const statement of ddl.constraints) await client.query(statement);
    for (const source of sources) await resetSequence(client, source.table);
    await client.query("COMMIT");
    await client.query("ANALYZE");

    const size = await client.query<{ bytes: string }>("SELECT pg_database_size(current_database()) AS bytes");
    report({ phase: "done", rowsDone, rowsTotal });
    return { rows: rowsDone, bytes: Number(size.rows[0]?.bytes ?? 0), tables };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

async function assertEmpty(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ n: string }>(
    "SELECT count(*) AS n FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p', 'v', 'm', 'S')",
  );
  if (Number(rows[0]?.n ?? 0) > 0) throw new Error("The target database is not empty; refusing to generate into it.");
}

/** Next id after the largest loaded one, as a copy of production must also do. */
async function resetSequence(client: pg.ClientBase, table: string): Promise<void> {
  const t = quoteIdent(table);
  await client.query(
    `SELECT setval(pg_get_serial_sequence($1, 'id'), COALESCE((SELECT max(id) FROM ${t}), 0) + 1, false)`,
    [t],
  );
}
