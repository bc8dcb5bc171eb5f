/**
 * Fresh databases for tests on the throwaway server started by global-setup.ts.
 * Every test file gets databases of its own, so files can run in parallel.
 */
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { withDatabase, quoteIdent } from "../db/urls";
import { oneOffQuery } from "../db/one-off-query";

/** The superuser: for making test databases and looking into them, never for building sandboxes. */
export function testServerAdminUrl(): string {
  return inject("pgAdminUrl");
}

/** The throwaway server as its sandbox role (LOGIN CREATEDB only): where tests build sandboxes. */
export function testSandboxServerUrl(): string {
  return inject("sandboxServerUrl");
}

/** Creates an empty database and returns its URL. */
export async function createTestDatabase(prefix = "t"): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${quoteIdent(name)}`);
  return withDatabase(testServerAdminUrl(), name);
}

/** An empty database made as the sandbox role, as a run makes one: owned by it, closed to PUBLIC. */
export async function createTestSandboxDatabase(prefix = "sbx"): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await oneOffQuery(testSandboxServerUrl(), `CREATE DATABASE ${quoteIdent(name)}`);
  await oneOffQuery(testSandboxServerUrl(), `REVOKE ALL ON DATABASE ${quoteIdent(name)} FROM PUBLIC`);
  return withDatabase(testSandboxServerUrl(), name);
}

export async function dropTestDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  await adminQuery(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}

/**
 * A login role of its own (roles are server-wide: names are random so files can run
 * in parallel) with `attributes` (e.g. "CREATEDB", "SUPERUSER") and memberships;
 * returns the URL of the postgres database as that role.
 */
export async function createTestRole(attributes: string, memberOf: string[] = []): Promise<string> {
  const role = `role_${randomBytes(6).toString("hex")}`;
  const password = randomBytes(12).toString("hex");
  await adminQuery(`CREATE ROLE ${quoteIdent(role)} LOGIN ${attributes} PASSWORD '${password}'`);
  for (const group of memberOf) await adminQuery(`GRANT ${quoteIdent(group)} TO ${quoteIdent(role)}`);
  const url = new URL(testServerAdminUrl());
  url.username = role;
  url.password = password;
  return url.toString();
}

async function adminQuery(sql: string): Promise<void> {
  await oneOffQuery(testServerAdminUrl(), sql);
}
