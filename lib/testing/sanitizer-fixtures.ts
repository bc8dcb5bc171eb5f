/**
 * Helpers for the sanitizer's tests (imported by *.test.ts only): generated
 * production databases on the test server, sandbox names, checksums, queries.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { generateProductionDatabase } from "../crm/generator";
import { createTestDatabase, testSandboxServerUrl, testServerAdminUrl } from "./pg";
import { quoteIdent, withDatabase } from "../db/urls";
import { readSourceSchema } from "../sanitizer/schema-reader";
import type { Classification } from "../sanitizer/classification";
import { provisionSandbox } from "../sanitizer/provision";

export const PRODUCTION = { customerId: "Cust40417", companyName: "Nordlys Maskin AS" };

export async function generateProduction(seed = 11): Promise<string> {
  const url = await createTestDatabase("prod");
  await generateProductionDatabase({ databaseUrl: url, ...PRODUCTION, scale: "small", seed });
  return url;
}

export function newSandboxName(): string {
  return `sbx_${randomBytes(6).toString("hex")}`;
}

export function sandboxUrl(name: string): string {
  return withDatabase(testServerAdminUrl(), name);
}

/**
 * A copy of `productionUrl` with default options under `classification`, into a new sandbox of
 * customer `Cust<customerNumber>` whose name goes on `made`, for the test file to drop: what the
 * hostile-production tests ask of a production they made.
 */
export function provisionClassified(productionUrl: string, classification: Classification, made: string[], customerNumber: string) {
  const name = newSandboxName();
  made.push(name);
  const promise = provisionSandbox({
    productionUrl,
    sandboxServerUrl: testSandboxServerUrl(),
    databaseName: name,
    sandboxCustomerId: `Cust${customerNumber}`,
    serviceMailboxAddress: `support@sandbox${customerNumber}.example`,
    options: {},
    classification,
  });
  return { name, url: sandboxUrl(name), promise };
}

export async function withClient<T>(url: string, run: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export async function rows<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return withClient(url, async (c) => (await c.query<T>(sql, params)).rows);
}

export async function scalar(url: string, sql: string, params: unknown[] = []): Promise<string | null> {
  const [row] = await rows<Record<string, unknown>>(url, sql, params);
  const value = row ? Object.values(row)[0] : null;
  return value === null || value === undefined ? null : String(value);
}

/** md5 of every table's rows in id order (or whole-row order without id). */
export async function checksums(url: string): Promise<Record<string, string>> {
  return withClient(url, async (c) => {
    const tables = await c.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
    const sums: Record<string, string> = {};
    for (const { t } of tables.rows) {
      const r = await c.query<{ sum: string }>(
        `SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS sum FROM ${quoteIdent(t)} x`,
      );
      sums[t] = r.rows[0]?.sum ?? "";
    }
    return sums;
  });
}

/** A copy of a database through CREATE DATABASE ... TEMPLATE (no session may be connected to it). */
export async function cloneDatabase(url: string): Promise<string> {
  const source = decodeURIComponent(new URL(url).pathname.slice(1));
  const name = `clone_${randomBytes(6).toString("hex")}`;
  // A template must have no other session: a copy just made from it may still be ending its own (55006).
  for (let attempt = 1; ; attempt++) {
    try {
      await withClient(testServerAdminUrl(), (c) => c.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(source)}`));
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== "55006" || attempt >= 40) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return withDatabase(testServerAdminUrl(), name);
}

export async function databaseNames(): Promise<string[]> {
  return (await rows<{ d: string }>(testServerAdminUrl(), "SELECT datname AS d FROM pg_database")).map((r) => r.d);
}

/**
 * A database's schema as rule 13 compares it: production's and its copy's must be
 * equal. Sizes, row estimates and sequences' positions are the data's, not the schema's.
 */
export async function schemaShape(url: string) {
  const schema = await withClient(url, readSourceSchema);
  return {
    ...schema,
    databaseBytes: 0,
    tables: schema.tables.map((t) => ({ ...t, estimatedRows: 0, bytes: 0, indexBytes: 0 })),
    sequences: schema.sequences.map((q) => ({ ...q, lastValue: null, ownedMax: null })),
  };
}
