/** `tenant:generate` run as an operator runs it: stopped part-way, run again, it finishes. */
// Generous limits: every step starts the CLI in its own tsx process, which takes seconds on a busy two-core machine.
import { execFile, spawn } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../lib/db/migrate";
import { createTestDatabase, testSandboxServerUrl, testServerAdminUrl } from "../lib/testing/pg";
import { closeToPublic } from "../lib/db/sandbox-role";
import { databaseNameOf, quoteIdent, withDatabase } from "../lib/db/urls";
import { oneOffQuery } from "../lib/db/one-off-query";

const run = promisify(execFile);
let portalUrl = "";
const secrets = { NEXTAUTH_SECRET: randomBytes(32).toString("base64url"), DATABASE_SECRETS_KEY: randomBytes(32).toString("base64") };
const CLI = ["--import", "tsx", "--import", "./scripts/allow-server-only.mjs", "scripts/ops.ts"];
const cliEnv = () => ({ ...process.env, DATABASE_URL: portalUrl, SANDBOX_SERVER_URL: testSandboxServerUrl(), ...secrets });

async function ops(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...CLI, ...args], { env: cliEnv() });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const admin = <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) => oneOffQuery<T>(testServerAdminUrl(), sql, params);
/** A customer id of this run's own: the generated database's name is made from it, on a server other files share. */
const freshCustomerId = () => `Cust${randomInt(100_000_000, 999_999_999)}`;
const databaseOf = (customerId: string) => `crm_${customerId.toLowerCase()}_production`;
const tenantsOf = async (customerId: string) =>
  Number((await oneOffQuery(portalUrl, 'SELECT count(*) AS n FROM "Tenant" WHERE "customerId" = $1', [customerId]))[0]!.n);

describe("operator CLI: tenant:generate", () => {
  beforeAll(async () => {
    portalUrl = await createTestDatabase("ops_generate");
    await applyMigrations(portalUrl);
    await closeToPublic(testServerAdminUrl(), databaseNameOf(portalUrl));
  }, 120_000);

  it("killed while it generates (Ctrl-C, a lost terminal), finishes when run again", async () => {
    const customerId = freshCustomerId();
    const database = databaseOf(customerId);
    try {
      const child = spawn(process.execPath, [...CLI, "tenant:generate", "--customer-id", customerId, "--company", "Killed AS"], { env: cliEnv(), stdio: "ignore" });
      const ended = new Promise((resolve) => child.on("close", resolve));
      // Killed once it writes rows into its new database: the moment a long generation is most likely stopped.
      for (let i = 0; ; i++) {
        const [writing] = await admin("SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND query ILIKE 'COPY%'", [database]);
        if (writing) break;
        if (i > 600) throw new Error("the generation never started writing rows");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      child.kill("SIGKILL");
      await ended;
      expect(await tenantsOf(customerId)).toBe(0);

      const again = await ops("tenant:generate", "--customer-id", customerId, "--company", "Killed AS");
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain(`tenant ${customerId} registered`);
      expect(await tenantsOf(customerId)).toBe(1);
    } finally {
      await admin(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
    }
  }, 300_000);

  it("never takes or drops a database of that name that holds something: it says what to do, in plain words", async () => {
    const customerId = freshCustomerId();
    const database = databaseOf(customerId);
    await admin(`CREATE DATABASE ${quoteIdent(database)}`);
    try {
      await oneOffQuery(withDatabase(testServerAdminUrl(), database), "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)");
      const refused = await ops("tenant:generate", "--customer-id", customerId, "--company", "Kept AS");
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`database ${database} already exists and holds tables`);
      expect(await tenantsOf(customerId)).toBe(0);
      const [kept] = await oneOffQuery<{ n: string }>(withDatabase(testServerAdminUrl(), database), "SELECT count(*) AS n FROM kept");
      expect(Number(kept!.n)).toBe(1);
    } finally {
      await admin(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
    }
  }, 120_000);

  it("checks the company name before it generates anything: a name registration refuses was found only after the whole production was generated, then dropped", async () => {
    const customerId = freshCustomerId();
    const refused = await ops("tenant:generate", "--customer-id", customerId, "--company", "N".repeat(201));
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split("\n").at(-1)).toMatch(/^error: --company /);
    expect(refused.stdout).not.toContain("generated");
    expect(await admin("SELECT 1 FROM pg_database WHERE datname = $1", [databaseOf(customerId)])).toEqual([]);
    expect(await tenantsOf(customerId)).toBe(0);
  }, 120_000);
});
