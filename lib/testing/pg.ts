/**
 * Fresh databases for tests on the throwaway server started by global-setup.ts.
 * Every test file gets databases of its own, so files can run in parallel.
 */
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { withDatabase, quoteIdent } from "../db/urls";
import { oneOffQuery } from "../db/one-off-query";

export function testServerAdminUrl(): string {
  return inject("pgAdminUrl");
}

/** Creates an empty database and returns its URL. */
export async function createTestDatabase(prefix = "t"): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${quoteIdent(name)}`);
  return withDatabase(testServerAdminUrl(), name);
}

export async function dropTestDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  await adminQuery(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}

async function adminQuery(sql: string): Promise<void> {
  await oneOffQuery(testServerAdminUrl(), sql);
}
