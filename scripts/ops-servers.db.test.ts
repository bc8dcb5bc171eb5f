/** The CLI's sandbox server pool commands, run as an operator would run them; a URL's password never shows. */
// Generous limits: every step starts the CLI in its own tsx process, which takes seconds on a busy two-core machine.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../lib/db/migrate";
import { generateProductionDatabase } from "../lib/crm/generator";
import { createTestDatabase, createTestRole, testSandboxServerUrl, testServerAdminUrl } from "../lib/testing/pg";
import { closeToPublic } from "../lib/db/sandbox-role";
import { databaseNameOf } from "../lib/db/urls";
import { oneOffQuery } from "../lib/db/one-off-query";

const run = promisify(execFile);
let portalUrl = "";
let productionUrl = "";
let makerUrl = "";
const secrets = { NEXTAUTH_SECRET: randomBytes(32).toString("base64url"), DATABASE_SECRETS_KEY: randomBytes(32).toString("base64") };

const ops = (...args: string[]) => opsWith({}, ...args);

async function opsWith(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "--import", "./scripts/allow-server-only.mjs", "scripts/ops.ts", ...args], {
      env: { ...process.env, DATABASE_URL: portalUrl, SANDBOX_SERVER_URL: testSandboxServerUrl(), ...secrets, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const portal = <T extends Record<string, unknown>>(sql: string) => oneOffQuery<T>(portalUrl, sql);
const passwordOf = (url: string) => decodeURIComponent(new URL(url).password);

describe("operator CLI: the sandbox server pool", () => {
  beforeAll(async () => {
    portalUrl = await createTestDatabase("ops_pool");
    await applyMigrations(portalUrl);
    await closeToPublic(testServerAdminUrl(), databaseNameOf(portalUrl));
    productionUrl = await createTestDatabase("ops_pool_prod");
    await generateProductionDatabase({ databaseUrl: productionUrl, customerId: "Cust7801", companyName: "Pool AS", scale: "small", seed: 5 });
    makerUrl = await createTestRole("CREATEDB");
  }, 300_000);

  it("registers a server (sealed, audited), refuses a role that can do more, and a name taken", async () => {
    const added = await ops("server:add", "--name", "pg-eu-1", "--url", makerUrl, "--max-databases", "20", "--max-size-gb", "1.5");
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/sandbox server pg-eu-1 registered at [\w.]+:\d+, ACTIVE/);
    const [row] = await portal<{ urlEncrypted: string; maxDatabases: number; maxTotalBytes: string; maxConcurrentRuns: number | null }>(
      `SELECT "urlEncrypted", "maxDatabases", "maxTotalBytes"::text, "maxConcurrentRuns" FROM "SandboxServer" WHERE name = 'pg-eu-1'`,
    );
    expect(row).toMatchObject({ maxDatabases: 20, maxTotalBytes: "1610612736", maxConcurrentRuns: null });
    expect(row!.urlEncrypted).not.toContain(passwordOf(makerUrl));

    const superuser = await ops("server:add", "--name", "pg-eu-9", "--url", testServerAdminUrl());
    expect(superuser.code).toBe(1);
    expect(superuser.stderr).toMatch(/must be able to create databases and nothing more/);
    expect(superuser.stderr + superuser.stdout).not.toContain(passwordOf(testServerAdminUrl()));
    const taken = await ops("server:add", "--name", "pg-eu-1", "--url", makerUrl);
    expect(taken.stderr).toContain('A sandbox server named "pg-eu-1" already exists.');
    const badCapacity = await ops("server:add", "--name", "pg-eu-2", "--url", makerUrl, "--max-runs", "0");
    expect(badCapacity.stderr).toMatch(/--max-runs: Enter a number from 1 to 1000/);
    expect((await portal(`SELECT name FROM "SandboxServer" ORDER BY name`)).map((r) => r.name)).toEqual(["built-in", "pg-eu-1"]);
  }, 120_000);

  it("drains, undrains, renames and sets capacity, audited; lists use without URLs", async () => {
    expect((await ops("server:drain", "--name", "pg-eu-1")).stdout).toContain("is draining");
    // Drained again: said, and no change audited (the audit below counts three changes).
    expect((await ops("server:drain", "--name", "pg-eu-1")).stdout).toContain("is draining (already: nothing changed;");
    expect((await portal(`SELECT state FROM "SandboxServer" WHERE name = 'pg-eu-1'`))[0]!.state).toBe("DRAINING");
    expect((await ops("server:undrain", "--name", "pg-eu-1")).code).toBe(0);
    const set = await ops("server:set", "--name", "pg-eu-1", "--rename", "pg-eu-2", "--max-runs", "3", "--max-databases", "unlimited");
    expect(set.code, set.stderr).toBe(0);
    const [row] = await portal(`SELECT state, "maxDatabases", "maxTotalBytes"::text AS bytes, "maxConcurrentRuns" FROM "SandboxServer" WHERE name = 'pg-eu-2'`);
    // What was not given stays as it was.
    expect(row).toEqual({ state: "ACTIVE", maxDatabases: null, bytes: "1610612736", maxConcurrentRuns: 3 });
    expect((await ops("server:drain", "--name", "nope")).stderr).toContain("No sandbox server is named nope.");
    // Every flag is judged before anything changes: a bad capacity after a new URL moves nothing.
    const half = await ops("server:set", "--name", "pg-eu-2", "--url", "postgres://maker:pw@127.0.0.1:1/postgres", "--max-runs", "0");
    expect(half.code).toBe(1);
    expect(half.stderr).toContain("--max-runs");
    expect(half.stdout).not.toContain("from now on");

    const list = await ops("server:list");
    expect(list.stdout).toMatch(/pg-eu-2.*ACTIVE.*0 of no limit.*0 B of 1\.5 GB.*0 of 3/);
    expect(list.stdout).toMatch(/built-in.*0 of 2 \(default\)/);
    expect(list.stdout + list.stderr).not.toContain(passwordOf(makerUrl));

    const audit = await portal<{ action: string; details: string }>(`SELECT action, details::text FROM "AuditEvent" ORDER BY "createdAt"`);
    expect(audit.map((a) => a.action)).toEqual(["sandboxServer.registered", "sandboxServer.changed", "sandboxServer.changed", "sandboxServer.changed"]);
    expect(audit.map((a) => a.details).join()).not.toContain(passwordOf(makerUrl));
  }, 120_000);

  it("tenant:add --sandbox-server-url pins the tenant to the server with that URL, registering it when new", async () => {
    const known = await ops("tenant:add", "--customer-id", "Cust7801", "--company", "Pool AS", "--production-url", productionUrl, "--sandbox-server-url", makerUrl);
    expect(known.code, known.stderr).toBe(0);
    expect(known.stdout).toContain("pinned to sandbox server pg-eu-2");
    expect(known.stdout).not.toContain("sandbox server pg-eu-2 registered");

    // A second production with its own server URL, new to the pool: registered on the way, named by host and port.
    const otherProduction = await createTestDatabase("ops_pool_prod");
    await generateProductionDatabase({ databaseUrl: otherProduction, customerId: "Cust7802", companyName: "Pool Two AS", scale: "small", seed: 6 });
    const newMaker = await createTestRole("CREATEDB");
    const fresh = await ops("tenant:add", "--customer-id", "Cust7802", "--company", "Pool Two AS", "--production-url", otherProduction, "--sandbox-server-url", newMaker);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stdout).toMatch(/sandbox server [\w.]+-\d+ registered/);
    expect(fresh.stdout + fresh.stderr).not.toContain(passwordOf(newMaker));
    const pins = await portal(`SELECT t."customerId", s.name FROM "Tenant" t JOIN "SandboxServer" s ON s.id = t."sandboxServerId" ORDER BY 1`);
    expect(pins).toEqual([
      { customerId: "Cust7801", name: "pg-eu-2" },
      { customerId: "Cust7802", name: expect.stringMatching(/^[\w.]+-\d+$/) },
    ]);
  }, 300_000);

  it("registers a server that lets a connection sign in as long as a drop may take, and warns what to set there", async () => {
    // The test server ends an unfinished sign-in after 10 s: a drop bound of 10 s is no longer than that.
    const added = await opsWith({ SANDBOX_SERVER_STATEMENT_TIMEOUT_SECONDS: "10" }, "server:add", "--name", "pg-slow-sign-in", "--url", await createTestRole("CREATEDB"));
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toMatch(/^warning: the sandbox server waits 10 s for a connection to finish signing in \(authentication_timeout\), no less than a drop may take \(10 s\)/m);
  }, 60_000);
});
