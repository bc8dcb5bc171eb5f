/** The operator CLI, run as an operator would run it: clear errors, exit 1, nothing half-created. */
// Generous limits: every step starts the CLI in its own tsx process, which takes seconds on a busy two-core machine.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../lib/db/migrate";
import { generateProductionDatabase } from "../lib/crm/generator";
import { createTestDatabase, createTestRole, testSandboxServerUrl, testServerAdminUrl } from "../lib/testing/pg";
import { closeToPublic } from "../lib/db/sandbox-role";
import { databaseNameOf } from "../lib/db/urls";
import { oneOffQuery } from "../lib/db/one-off-query";
import { makeTempDir } from "../lib/testing/temp-dir";

const run = promisify(execFile);
let portalUrl = "";
let productionUrl = "";
let outboxDir = "";
// The key rotation's test moves the commands of any test after it onto its new key.
const secrets: Record<string, string> = { NEXTAUTH_SECRET: randomBytes(32).toString("base64url"), DATABASE_SECRETS_KEY: randomBytes(32).toString("base64") };

async function opsWith(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "--import", "./scripts/allow-server-only.mjs", "scripts/ops.ts", ...args], {
      env: { ...process.env, DATABASE_URL: portalUrl, SANDBOX_SERVER_URL: testSandboxServerUrl(), OUTBOX_DIR: outboxDir, ...secrets, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const ops = (...args: string[]) => opsWith({}, ...args);

/** A CLI command left running, for what is done to it meanwhile (a cancel, a Ctrl-C). */
function startOps(env: Record<string, string>, ...args: string[]): { child: ChildProcess; ended: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, ["--import", "tsx", "--import", "./scripts/allow-server-only.mjs", "scripts/ops.ts", ...args], {
    env: { ...process.env, DATABASE_URL: portalUrl, SANDBOX_SERVER_URL: testSandboxServerUrl(), OUTBOX_DIR: outboxDir, ...secrets, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, ended: new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr }))) };
}

/**
 * Waits until the sandbox's newest run has a table's step under way: its rows being copied, or (while
 * its database is still being made) counted. A stop from here on meets every moment of a copy, the
 * CREATE DATABASE included.
 */
async function untilCopyingRows(sandboxId: string): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const [run] = await oneOffQuery<{ id: string; status: string; progress: { steps?: { key: string; state: string }[] } | null }>(
      portalUrl,
      `SELECT id, status, progress FROM "SandboxRun" WHERE "sandboxId" = $1 ORDER BY "createdAt" DESC LIMIT 1`,
      [sandboxId],
    );
    if (run?.status === "RUNNING" && run.progress?.steps?.some((step) => step.key.startsWith("table:") && step.state === "running")) return run.id;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the run never started copying rows");
}


const tenantCount = async () => Number((await oneOffQuery(portalUrl, 'SELECT count(*) AS n FROM "Tenant"'))[0]!.n);
/** The tenants of these customer ids: a refused command leaves none of its own. */
const tenantsOf = async (...customerIds: string[]) =>
  Number((await oneOffQuery(portalUrl, 'SELECT count(*) AS n FROM "Tenant" WHERE "customerId" = ANY($1)', [customerIds]))[0]!.n);

/**
 * Cust777 on the production database of `beforeAll`, the customer the account and sandbox tests act for: the first
 * test registers it; a test run alone (`-t`) registers it here.
 */
async function withCust777(): Promise<void> {
  if ((await tenantsOf("Cust777")) === 1) return;
  const added = await ops("tenant:add", "--customer-id", "Cust777", "--company", "Ops AS", "--production-url", productionUrl);
  if (added.code !== 0) throw new Error(`registering Cust777 failed: ${added.stderr}`);
}

// One portal database for all the tests: each makes the rows it needs (Cust777 through withCust777), looks only at its
// own rows or at before/after differences, and removes in `finally` what would trip another test, so that each also runs alone.
describe("operator CLI", () => {
  beforeAll(async () => {
    outboxDir = await makeTempDir("ops-outbox-");
    portalUrl = await createTestDatabase("ops_portal");
    await applyMigrations(portalUrl);
    await closeToPublic(testServerAdminUrl(), databaseNameOf(portalUrl));
    productionUrl = await createTestDatabase("ops_prod");
    await generateProductionDatabase({ databaseUrl: productionUrl, customerId: "Cust777", companyName: "Ops AS", scale: "small", seed: 3 });
  }, 300_000);

  it("registers a tenant on a matching production database, then refuses the same customer id", async () => {
    const before = await tenantCount();
    const ok = await ops("tenant:add", "--customer-id", "Cust777", "--company", "Ops AS", "--production-url", productionUrl);
    expect(ok.code, ok.stderr).toBe(0);
    const again = await ops("tenant:add", "--customer-id", "Cust777", "--company", "Ops AS", "--production-url", productionUrl);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists");
    // One tenant made, by the first command alone.
    expect(await tenantCount()).toBe(before + 1);
    expect(await tenantsOf("Cust777")).toBe(1);
    // The stored URL is sealed: its password is nowhere in the row.
    const stored = (await oneOffQuery(portalUrl, `SELECT "productionUrlEncrypted" AS u FROM "Tenant" WHERE "customerId" = 'Cust777'`))[0]!.u as string;
    expect(stored).not.toContain(new URL(productionUrl).password);
    // Audited with the production's host, never its URL.
    const [audit] = await oneOffQuery(portalUrl, `SELECT a.details::text AS d FROM "AuditEvent" a JOIN "Tenant" t ON t.id = a."tenantId" WHERE a.action = 'tenant.registered' AND t."customerId" = 'Cust777'`);
    expect(audit?.d).toContain("Cust777");
    expect(audit?.d).not.toContain(new URL(productionUrl).password);
  });

  it("refuses an invalid URL, an unreachable server, a database off the contract, and a sandbox", async () => {
    const before = await tenantCount();
    const invalid = await ops("tenant:add", "--customer-id", "Cust1", "--company", "X", "--production-url", "not a url");
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/productionUrl must be a postgres/);

    const unreachable = await ops("tenant:add", "--customer-id", "Cust2", "--company", "X", "--production-url", "postgres://u:p@127.0.0.1:1/none");
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain("Cannot connect to the production database");
    expect(unreachable.stderr).not.toContain("u:p@"); // no password in messages

    const empty = await createTestDatabase("ops_empty");
    await oneOffQuery(empty, "CREATE TABLE installation (id integer primary key, customer_id text)");
    const offContract = await ops("tenant:add", "--customer-id", "Cust3", "--company", "X", "--production-url", empty);
    expect(offContract.code).toBe(1);
    expect(offContract.stderr).toContain("missing table associate");
    expect(offContract.stderr).toContain("missing column installation.company_name");

    const sandbox = await createTestDatabase("ops_sbx");
    await generateProductionDatabase({ databaseUrl: sandbox, customerId: "Cust4", companyName: "S", scale: "small", seed: 4 });
    await oneOffQuery(sandbox, "UPDATE installation SET environment = 'sandbox'");
    const fromSandbox = await ops("tenant:add", "--customer-id", "Cust4", "--company", "S", "--production-url", sandbox);
    expect(fromSandbox.code).toBe(1);
    expect(fromSandbox.stderr).toContain("never a copy source");

    expect(await tenantsOf("Cust1", "Cust2", "Cust3", "Cust4")).toBe(0);
    expect(await tenantCount()).toBe(before);
  }, 300_000);

  // Memberships and the other rights are refused the same way: lib/db/sandbox-role.db.test.ts.
  it("takes a sandbox server whose role can create databases and nothing more, and refuses a superuser", async () => {
    try {
      const production = await createTestDatabase("ops_prod5");
      await generateProductionDatabase({ databaseUrl: production, customerId: "Cust5", companyName: "X", scale: "small", seed: 5 });
      const before = await tenantCount();
      const superuser = await ops("tenant:add", "--customer-id", "Cust5", "--company", "X", "--production-url", production, "--sandbox-server-url", testServerAdminUrl());
      expect(superuser.code).toBe(1);
      expect(superuser.stderr).toMatch(/must be able to create databases and nothing more, but it is a superuser/);
      expect(superuser.stderr).not.toContain(new URL(testServerAdminUrl()).password);

      expect(await tenantsOf("Cust5")).toBe(0);
      expect(await tenantCount()).toBe(before);

      const maker = await createTestRole("CREATEDB");
      const ok = await ops("tenant:add", "--customer-id", "Cust5", "--company", "X", "--production-url", production, "--sandbox-server-url", maker);
      expect(ok.code, ok.stderr).toBe(0);
    } finally {
      // Its registration is audited: the test's own clean-up takes the entry with it. The server it registered stays in the pool.
      await oneOffQuery(portalUrl, `DELETE FROM "AuditEvent" WHERE "tenantId" IN (SELECT id FROM "Tenant" WHERE "customerId" = 'Cust5')`);
      await oneOffQuery(portalUrl, `DELETE FROM "Tenant" WHERE "customerId" = 'Cust5'`);
    }
  }, 180_000);

  it("refuses to start with a SANDBOX_SERVER_URL whose role can do more than create databases", async () => {
    const started = await opsWith({ SANDBOX_SERVER_URL: testServerAdminUrl() }, "tenant:list");
    expect(started.code).not.toBe(0);
    expect(started.stderr).toMatch(/SANDBOX_SERVER_URL: The sandbox server's role "postgres" .* it is a superuser; it can connect to the portal's own database "ops_portal_/);
  }, 180_000);

  it("writes off a sandbox server lost for good, given its name twice and a reason its sandboxes' people read, so that it can leave the pool", async () => {
    const added = await ops("server:add", "--name", "pg-gone", "--url", await createTestRole("CREATEDB"));
    expect(added.code, added.stderr).toBe(0);
    const noReason = await ops("server:write-off", "--name", "pg-gone", "--confirm", "pg-gone");
    expect(noReason.code).toBe(1);
    expect(noReason.stderr).toContain("--reason");
    const writtenOff = await ops("server:write-off", "--name", "pg-gone", "--confirm", "pg-gone", "--reason", "its disk failed");
    expect(writtenOff.code, writtenOff.stderr).toBe(0);
    expect(writtenOff.stdout).toContain("sandbox server pg-gone written off: 0 ended as deleted, 0 moved; it is draining");
    const removed = await ops("server:remove", "--name", "pg-gone");
    expect(removed.code, removed.stderr).toBe(0);
  }, 180_000);

  it("offboards a customer that leaves, given its id twice: its production URL forgotten, its accounts disabled, and no account added for it again", async () => {
    try {
      await oneOffQuery(portalUrl, `INSERT INTO "Tenant" (id, "customerId", "companyName", "productionUrlEncrypted") VALUES ('gone-tenant', 'CustGone', 'Gone AS', 'sealed')`);
      await oneOffQuery(portalUrl, `INSERT INTO "User" (id, email, name, role, "tenantId", "passwordHash") VALUES ('gone-admin', 'admin@gone.example', 'Admin', 'CUSTOMER_ADMIN', 'gone-tenant', '-')`);
      const unconfirmed = await ops("tenant:offboard", "--customer-id", "CustGone");
      expect(unconfirmed.code).toBe(1);
      expect(unconfirmed.stderr).toContain("needs the customer id again to confirm: CustGone");
      const left = await ops("tenant:offboard", "--customer-id", "CustGone", "--confirm", "CustGone");
      expect(left.code, left.stderr).toBe(0);
      expect(left.stdout).toContain("CustGone has left the portal: its production URL is forgotten; 1 account(s) disabled");
      expect(left.stdout).toContain("every sandbox of CustGone is deleted");
      expect(await oneOffQuery(portalUrl, `SELECT "productionUrlEncrypted" AS url FROM "Tenant" WHERE id = 'gone-tenant'`)).toEqual([{ url: null }]);
      const again = await ops("user:add", "--email", "new@gone.example", "--name", "New", "--role", "customer-admin", "--customer-id", "CustGone");
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/CustGone left the portal on \d{4}-\d{2}-\d{2}: nothing new is made for it/);
      const listed = await ops("tenant:list");
      expect(listed.stdout).toMatch(/'CustGone'.*'left on \d{4}-\d{2}-\d{2}'.*'—'/);
    } finally {
      // Its rows go whatever happened above: later tests list every tenant and re-seal every sealed value, which 'sealed' is not.
      await oneOffQuery(portalUrl, `DELETE FROM "AuditEvent" WHERE "tenantId" = 'gone-tenant'`);
      await oneOffQuery(portalUrl, `DELETE FROM "User" WHERE id = 'gone-admin'`);
      await oneOffQuery(portalUrl, `DELETE FROM "Tenant" WHERE id = 'gone-tenant'`);
    }
  }, 180_000);

  it("checks its input before it changes anything, and says what is wrong on one line", async () => {
    // A flag given twice acted on the last; now refused, before the portal database is even opened.
    const twice = await ops("tenant:copy-rate", "--customer-id", "Cust10001", "--customer-id", "Cust10002", "--mbps", "5");
    expect(twice).toMatchObject({ code: 1 });
    expect(twice.stderr.trim()).toBe("error: --customer-id is given more than once: give it once");
    for (const [args, words] of [
      [["tenant:copy-rate", "--customer-id", "Cust10001", "--mbps", "0x10"], "--mbps must be a number of MB/s"],
      [["tenant:copy-rate", "--customer-id", "Cust10001", "--mbps", "0.0001"], "at least 0.1 MB/s"],
      [["tenant:entitle", "--customer-id", "Cust10001", "--sandboxes", "2147483648"], "--sandboxes must be a whole number"],
      [["user:add", "--email", "evil@example.com", "--name", "Evil\u001b[2J", "--role", "operator"], "--name: Use letters, spaces, hyphens and apostrophes only."],
      [["user:add", "--email", "long@example.com", "--name", "Long", "--role", "operator", "--password", "p".repeat(1025)], "--password must be at most 1024 characters"],
      [["sandbox:report", "--id", "any", "--format", "xml"], "--format must be json or csv"],
    ] as const) {
      const refused = await ops(...args);
      expect(refused.code, args.join(" ")).toBe(1);
      expect(refused.stderr, args.join(" ")).toContain(words);
      // One line: no stack trace, no source file (a password on the command line is warned of apart).
      expect(refused.stderr.trim().split("\n").filter((line) => !/^(\[ops\]|warning:)/.test(line)), args.join(" ")).toHaveLength(1);
      expect(refused.stderr).not.toMatch(/\.ts:\d+|^\s+at /m);
    }
    expect(await oneOffQuery(portalUrl, `SELECT count(*)::int AS n FROM "User" WHERE email IN ('evil@example.com', 'long@example.com')`)).toEqual([{ n: 0 }]);

    // Pointed at a folder with no portal in it, it starts none: an empty portal took the commands after a mistyped DATA_DIR.
    const nowhere = await makeTempDir("ops-no-portal-");
    const empty = await opsWith({ DATABASE_URL: "", DATA_DIR: nowhere }, "tenant:list");
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain("holds no portal: start the portal first");
    expect(await readdir(nowhere)).toEqual([]);
  });

  it("refuses a flag its command does not read, naming the command's own flags, before the portal database is opened", async () => {
    // Every flag was accepted by every command, and one the command does not read was dropped without a word:
    // a refresh "--documents none" copied the saved documents, "--domain" left the saved domain.
    for (const [args, flag, command] of [
      [["sandbox:refresh", "--id", "no-such-sandbox", "--documents", "none"], "--documents", "sandbox:refresh"],
      [["sandbox:refresh", "--id", "no-such-sandbox", "--domain", "mailinator.com"], "--domain", "sandbox:refresh"],
      [["user:password", "--email", "nobody@example.com", "--role", "operator"], "--role", "user:password"],
      [["tenant:list", "--customer-id", "Cust777"], "--customer-id", "tenant:list"],
    ] as const) {
      // No portal database: the refusal comes first, so nothing here can reach one.
      const refused = await opsWith({ DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" }, ...args);
      expect(refused.code, args.join(" ")).toBe(1);
      expect(refused.stderr.trim(), args.join(" ")).toMatch(new RegExp(`^error: ${flag} is no flag of ${command}`));
      expect(refused.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
    }
    const refresh = await opsWith({ DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" }, "sandbox:refresh", "--id", "x", "--attachments");
    expect(refresh.stderr).toContain("its flags: --id, --kind, --share, --since, --companies, --personal-data, --new-pseudonyms");
  });

  it("says a portal database it never reached is unreachable, naming where without the password, not that it stopped mid-command", async () => {
    // A mistyped DATABASE_URL was told as "the portal database stopped answering; a run this command had under way is taken up again".
    const unreachable = await opsWith({ DATABASE_URL: "postgres://portal:hunter2-secret@127.0.0.1:1/portal" }, "tenant:list");
    expect(unreachable.code).toBe(1);
    const last = unreachable.stderr.trim().split("\n").at(-1);
    expect(last).toBe("error: cannot reach the portal database at 127.0.0.1:1 (DATABASE_URL): is it running, and is the address right? The log line above has the details");
    expect(unreachable.stderr).not.toContain("hunter2-secret");
  });

  it("adds users with checks on role and tenant, changes roles and resets passwords", async () => {
    await withCust777();
    const noTenant = await ops("user:add", "--email", "x@example.com", "--name", "X", "--role", "customer-admin");
    expect(noTenant.code).toBe(1);
    expect(noTenant.stderr).toContain("need --customer-id");
    const badRole = await ops("user:add", "--email", "x@example.com", "--name", "X", "--role", "king");
    expect(badRole.code).toBe(1);
    const ok = await ops("user:add", "--email", "Jane@Example.com", "--name", "Jane", "--role", "customer-admin", "--customer-id", "Cust777");
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/initial password \(shown once\): \S{16,}/);
    const reset = await ops("user:password", "--email", "jane@example.com", "--password", "a-brand-new-password");
    expect(reset.code).toBe(0);
    const short = await ops("user:password", "--email", "jane@example.com", "--password", "short");
    expect(short.code).toBe(1);
    await oneOffQuery(portalUrl, `INSERT INTO "UserSession" (id, "userId") SELECT 'jane-laptop', id FROM "User" WHERE email = 'jane@example.com'`);
    await oneOffQuery(
      portalUrl,
      `INSERT INTO "ApiToken" (id, name, prefix, "tokenHash", scopes, "ownerId", "tenantId", "expiresAt")
       SELECT 'jane-pipeline', 'CI', 'sbp_jane', 'hash-of-jane-pipeline', '{sandboxes:read}', id, "tenantId", now() + interval '1 year' FROM "User" WHERE email = 'jane@example.com'`,
    );
    const demoted = await ops("user:role", "--email", "jane@example.com", "--role", "customer-user", "--customer-id", "Cust777");
    expect(demoted.code, demoted.stderr).toBe(0);
    expect(demoted.stdout).toContain("1 API token(s) revoked");
    expect(await oneOffQuery(portalUrl, `SELECT "endedAt" IS NOT NULL AS ended FROM "UserSession" WHERE id = 'jane-laptop'`)).toEqual([{ ended: true }]);
    // Made an admin again, her pipeline's token stays revoked: it was made for the rights she had then.
    expect((await ops("user:role", "--email", "jane@example.com", "--role", "customer-admin", "--customer-id", "Cust777")).code).toBe(0);
    expect(await oneOffQuery(portalUrl, `SELECT "revokedAt" IS NOT NULL AS revoked FROM "ApiToken" WHERE id = 'jane-pipeline'`)).toEqual([{ revoked: true }]);
    expect((await ops("user:role", "--email", "jane@example.com", "--role", "customer-user", "--customer-id", "Cust777")).code).toBe(0);
    const staffWithTenant = await ops("user:role", "--email", "jane@example.com", "--role", "operator", "--customer-id", "Cust777");
    expect(staffWithTenant.code).toBe(1);
    // The accounts this test named, in any letter case: the refused ones made none, Jane's e-mail is stored in lower case, she is no operator.
    const users = await oneOffQuery(portalUrl, `SELECT email, role FROM "User" WHERE lower(email) IN ('x@example.com', 'jane@example.com')`);
    expect(users).toEqual([{ email: "jane@example.com", role: "CUSTOMER_USER" }]);
    // Each change audited under the customer, by the command line, never with a password.
    const audit = await oneOffQuery<{ action: string; actor: string | null; details: Record<string, string> }>(
      portalUrl,
      `SELECT action, "actorId" AS actor, details FROM "AuditEvent" WHERE action LIKE 'account.%' AND lower(details->>'email') IN ('x@example.com', 'jane@example.com') ORDER BY "createdAt"`,
    );
    expect(audit.map((a) => [a.action, a.actor, a.details.via, a.details.email, a.details.role])).toEqual([
      ["account.created", null, "operator CLI", "jane@example.com", "CUSTOMER_ADMIN"],
      ["account.passwordReset", null, "operator CLI", "jane@example.com", undefined],
      ["account.roleChanged", null, "operator CLI", "jane@example.com", "CUSTOMER_USER"],
      ["account.roleChanged", null, "operator CLI", "jane@example.com", "CUSTOMER_ADMIN"],
      ["account.roleChanged", null, "operator CLI", "jane@example.com", "CUSTOMER_USER"],
    ]);
    expect(JSON.stringify(audit)).not.toContain("a-brand-new-password");
  }, 300_000);

  it("disables every account of a customer that leaves, and enables one again, audited", async () => {
    // A customer of its own, with one account signed in on a phone: Cust777's accounts are other tests'.
    try {
      await oneOffQuery(portalUrl, `INSERT INTO "Tenant" (id, "customerId", "companyName", "productionUrlEncrypted") VALUES ('leaving-tenant', 'CustLeaving', 'Leaving AS', 'sealed')`);
      await oneOffQuery(portalUrl, `INSERT INTO "User" (id, email, name, role, "tenantId", "passwordHash") VALUES ('leaver', 'leaver@example.com', 'Leaver', 'CUSTOMER_USER', 'leaving-tenant', '-')`);
      await oneOffQuery(portalUrl, `INSERT INTO "UserSession" (id, "userId") VALUES ('leaver-phone', 'leaver')`);
      const neither = await ops("user:disable");
      expect(neither.code).toBe(1);
      expect(neither.stderr).toContain("give --email (one account) or --customer-id");
      const left = await ops("user:disable", "--customer-id", "CustLeaving");
      expect(left.code, left.stderr).toBe(0);
      expect(left.stdout).toContain("disabled leaver@example.com; their sessions are signed out and API tokens revoked");
      expect(await oneOffQuery(portalUrl, `SELECT "disabledAt" IS NOT NULL AS disabled FROM "User" WHERE email = 'leaver@example.com'`)).toEqual([{ disabled: true }]);
      expect(await oneOffQuery(portalUrl, `SELECT "endedAt" IS NOT NULL AS ended FROM "UserSession" WHERE id = 'leaver-phone'`)).toEqual([{ ended: true }]);
      expect((await ops("user:disable", "--email", "leaver@example.com")).stdout).toContain("nothing to disable: already disabled");

      const back = await ops("user:enable", "--email", "leaver@example.com");
      expect(back.code, back.stderr).toBe(0);
      expect(await oneOffQuery(portalUrl, `SELECT "disabledAt" AS at FROM "User" WHERE email = 'leaver@example.com'`)).toEqual([{ at: null }]);
      // Said again, as disabling twice is: nothing to do, and no failure for a script to stop on.
      const again = await ops("user:enable", "--email", "leaver@example.com");
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain("leaver@example.com is not disabled: nothing to do");
      // Under the customer: everything this customer's accounts went through.
      const audit = await oneOffQuery<{ action: string }>(
        portalUrl,
        `SELECT action FROM "AuditEvent" WHERE action IN ('account.disabled', 'account.enabled') AND "tenantId" = 'leaving-tenant' ORDER BY "createdAt"`,
      );
      expect(audit.map((a) => a.action)).toEqual(["account.disabled", "account.enabled"]);
    } finally {
      // Its session goes with the account.
      await oneOffQuery(portalUrl, `DELETE FROM "AuditEvent" WHERE "tenantId" = 'leaving-tenant'`);
      await oneOffQuery(portalUrl, `DELETE FROM "User" WHERE id = 'leaver'`);
      await oneOffQuery(portalUrl, `DELETE FROM "Tenant" WHERE id = 'leaving-tenant'`);
    }
  }, 300_000);

  it("creates, reports on and deletes a sandbox, refusing bad plans and a second sandbox of the same name", async () => {
    await withCust777();
    const operator = await ops("user:add", "--email", "op@example.com", "--name", "Op", "--role", "operator", "--password", "operator-password-1");
    expect(operator.code, operator.stderr).toBe(0);
    // Staff get two-factor sign-in from the start; the secret is shown once and stored sealed.
    const secret = /authenticator secret: ([A-Z2-7]{32})/.exec(operator.stdout)?.[1];
    expect(secret).toBeTruthy();
    expect(operator.stdout).toMatch(/recovery codes \(each works once\): ([a-z2-9-]{19} ){9}[a-z2-9-]{19}/);
    const stored = (await oneOffQuery(portalUrl, `SELECT "totpSecretEncrypted" AS s FROM "User" WHERE email = 'op@example.com'`))[0]!.s as string;
    expect(stored).toMatch(/^v2:/);
    expect(stored).not.toContain(secret);
    const badPlans = await ops("sandbox:create", "--customer-id", "Cust777", "--name", "UAT", "--plans", "gold=2", "--as", "op@example.com");
    expect(badPlans.code).toBe(1);
    expect(badPlans.stderr).toContain('unknown plan "gold"');
    // Its run would mail links to the portal: without the portal's address they point at localhost, and it says so.
    const warning = "NEXTAUTH_URL is not set: links in the mails this command's run sends point at http://localhost:3000";
    if (!process.env.NEXTAUTH_URL) expect(badPlans.stderr).toContain(warning);
    const addressed = await opsWith({ NEXTAUTH_URL: "https://portal.example.com" }, "sandbox:create", "--customer-id", "Cust777", "--name", "UAT", "--plans", "gold=2", "--as", "op@example.com");
    expect(addressed.stderr).not.toContain(warning);

    // A choice the portal does not read, in the wizard's JSON file: refused before anything is made, not copied with the default (people kept).
    const choices = path.join(await makeTempDir("ops-options-"), "wizard.json");
    await writeFile(choices, JSON.stringify({ personal_data: "pseudonymise" }));
    const misspelt = await ops("sandbox:create", "--customer-id", "Cust777", "--name", "Misspelt", "--plans", "complete=2", "--as", "op@example.com", "--options", choices);
    expect(misspelt.code).toBe(1);
    expect(misspelt.stderr).toContain('--options: "personal_data" is no choice of the wizard\'s');
    expect(await oneOffQuery(portalUrl, `SELECT count(*)::int AS n FROM "Sandbox" WHERE name = 'Misspelt'`)).toEqual([{ n: 0 }]);

    const created = await ops("sandbox:create", "--customer-id", "Cust777", "--name", "UAT", "--plans", "complete=2", "--as", "op@example.com", "--domain", "example.invalid");
    expect(created.code, created.stderr).toBe(0);
    const id = /sandbox (\S+) \("UAT"\)/.exec(created.stdout)?.[1];
    expect(id).toBeTruthy();
    expect(created.stderr).toContain("provision succeeded");
    // The run's e-mails render and go out from the CLI as from a worker: the orderer hears the sandbox is ready.
    const mails = await Promise.all((await readdir(outboxDir)).map(async (f) => JSON.parse(await readFile(path.join(outboxDir, f), "utf8")) as { to: string[]; subject: string }));
    expect(mails).toContainEqual(expect.objectContaining({ to: ["op@example.com"], subject: 'Sandbox "UAT" is ready' }));
    expect(created.stderr).not.toContain("notification failed");

    const status = JSON.parse((await ops("sandbox:status", "--id", id!)).stdout) as { status: string; runs: { status: string }[] };
    expect(status.status).toBe("READY");
    const report = JSON.parse((await ops("sandbox:report", "--id", id!)).stdout) as { options: { invalidationDomain: string; users: unknown[] } };
    expect(report.options.invalidationDomain).toBe("example.invalid");
    expect(report.options.users.length).toBe(2); // rule 10's default: two who can log in, for two plans
    const csv = await ops("sandbox:report", "--id", id!, "--format", "csv");
    expect(csv.stdout.split(/\r?\n/)[0]).toBe("section,name,key,value,ok,offending");

    const twin = await ops("sandbox:create", "--customer-id", "Cust777", "--name", "UAT", "--plans", "complete=1", "--as", "op@example.com");
    expect(twin.code).toBe(1);
    expect(twin.stderr).toContain("--name: A sandbox with this name already exists for this customer.");

    // A refresh may change the kind: refused choices name their flag and start nothing.
    const unknownCompany = await ops("sandbox:refresh", "--id", id!, "--companies", "1,987654");
    expect(unknownCompany.code).toBe(1);
    expect(unknownCompany.stderr).toMatch(/--share, --since or --companies: These companies are not in .*'s CRM: 987654\./);
    const none = await ops("sandbox:refresh", "--id", id!, "--kind", "partial", "--share", "0%");
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("0 % copies no company");
    const mixed = await ops("sandbox:refresh", "--id", id!, "--kind", "config", "--since", "2024-01-01");
    expect(mixed.stderr).toContain("--since chooses a partial copy's companies: use it with --kind partial");
    const partial = await ops("sandbox:refresh", "--id", id!, "--share", "50%");
    expect(partial.code, partial.stderr).toBe(0);
    const refreshed = JSON.parse((await ops("sandbox:report", "--id", id!)).stdout) as { options: { kind: string; share: unknown } };
    expect(refreshed.options).toMatchObject({ kind: "partial", share: { by: "percent", percent: 50 } });

    // Rule 18 from the CLI: a refused value names its flag; new pseudonyms need a pseudonymised sandbox.
    const badPersonal = await ops("sandbox:refresh", "--id", id!, "--personal-data", "anonymise");
    expect(badPersonal.code).toBe(1);
    expect(badPersonal.stderr).toContain("--personal-data:");
    const renewKept = await ops("sandbox:refresh", "--id", id!, "--new-pseudonyms");
    expect(renewKept.stderr).toContain("--new-pseudonyms needs a pseudonymised sandbox");
    const pseudonymised = await ops("sandbox:refresh", "--id", id!, "--personal-data", "pseudonymise");
    expect(pseudonymised.code, pseudonymised.stderr).toBe(0);
    const pseudoReport = JSON.parse((await ops("sandbox:report", "--id", id!)).stdout) as { options: { personalData: string }; rules: { rule: number; changes: Record<string, number> }[] };
    expect(pseudoReport.options.personalData).toBe("pseudonymise");
    expect(pseudoReport.rules.find((r) => r.rule === 18)?.changes.names).toBeGreaterThan(0);
    const sealed = await oneOffQuery<{ s: string }>(portalUrl, `SELECT "pseudonymSecretEncrypted" AS s FROM "Sandbox" WHERE id = $1`, [id]);
    expect(sealed[0]?.s).toMatch(/^v2:/);
    // New pseudonyms: another secret, audited with the run's options.
    const renewed = await ops("sandbox:refresh", "--id", id!, "--new-pseudonyms");
    expect(renewed.code, renewed.stderr).toBe(0);
    const resealed = await oneOffQuery<{ s: string }>(portalUrl, `SELECT "pseudonymSecretEncrypted" AS s FROM "Sandbox" WHERE id = $1`, [id]);
    expect(resealed[0]?.s).toMatch(/^v2:/);
    expect(resealed[0]?.s).not.toBe(sealed[0]?.s);
    const [renewAudit] = await oneOffQuery<{ d: unknown }>(portalUrl, `SELECT details AS d FROM "AuditEvent" WHERE "targetId" = $1 AND action = 'sandbox.refresh.requested' ORDER BY "createdAt" DESC LIMIT 1`, [id]);
    expect(renewAudit?.d).toMatchObject({ via: "operator CLI", newPseudonyms: true, choicesEdited: false, options: { personalData: "pseudonymise" } });

    const unconfirmed = await ops("sandbox:delete", "--id", id!);
    expect(unconfirmed.code).toBe(1);
    const deleted = await ops("sandbox:delete", "--id", id!, "--confirm", "UAT");
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(JSON.parse((await ops("sandbox:status", "--id", id!)).stdout).status).toBe("DELETED");
    // Its pseudonyms' key goes with it: nothing links an export of its fake people back to the real ones.
    expect(await oneOffQuery(portalUrl, `SELECT "pseudonymSecretEncrypted" AS s FROM "Sandbox" WHERE id = $1`, [id])).toEqual([{ s: null }]);
    const audit = await oneOffQuery<{ action: string }>(portalUrl, `SELECT action FROM "AuditEvent" WHERE "targetId" = $1 ORDER BY "createdAt"`, [id]);
    expect(audit.map((a) => a.action)).toEqual(["sandbox.ordered", "sandbox.wizard.confirmed", "sandbox.refresh.requested", "sandbox.refresh.requested", "sandbox.refresh.requested", "sandbox.delete.requested"]);
  }, 300_000);

  it("stops a copy under way with sandbox:cancel or Ctrl-C: the run ends as stopped, the sandbox keeps its copy, nothing half-made is left", async () => {
    await withCust777();
    // An operator of its own to order it as (--as signs nobody in: no password or second factor needed).
    await oneOffQuery(portalUrl, `INSERT INTO "User" (id, email, name, role, "passwordHash") VALUES ('stopper', 'stopper@example.com', 'Stopper', 'OPERATOR', '-')`);
    const created = await ops("sandbox:create", "--customer-id", "Cust777", "--name", "Stoppable", "--plans", "complete=1", "--as", "stopper@example.com", "--domain", "example.invalid");
    expect(created.code, created.stderr).toBe(0);
    const id = /sandbox (\S+) \("Stoppable"\)/.exec(created.stdout)?.[1];
    const nothingToCancel = await ops("sandbox:cancel", "--id", id!);
    expect(nothingToCancel.code).toBe(1);
    expect(nothingToCancel.stderr).toContain("This sandbox has no run in progress.");
    const exists = async (database: string) => (await oneOffQuery(testServerAdminUrl(), "SELECT 1 FROM pg_database WHERE datname = $1", [database])).length === 1;
    const copy = (await oneOffQuery<{ copy: string }>(portalUrl, `SELECT "databaseName" AS copy FROM "Sandbox" WHERE id = $1`, [id]))[0]!.copy;

    // Read at a trickle, so that the copy is surely under way when it is stopped.
    const slow = { COPY_RATE_LIMIT_MBPS: "0.02" };
    const byCommand = startOps(slow, "sandbox:refresh", "--id", id!);
    const firstRun = await untilCopyingRows(id!);
    const cancelled = await ops("sandbox:cancel", "--id", id!);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toContain(`asked run ${firstRun} to stop`);
    const first = await byCommand.ended;
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("refresh stopped");
    expect(first.stderr).toContain("error: Stopped by an operator while it ran. Nothing of it was kept.");

    const byCtrlC = startOps(slow, "sandbox:refresh", "--id", id!);
    const secondRun = await untilCopyingRows(id!);
    // One Ctrl-C, as it arrives from a terminal through `npm run ops`: the terminal's own signal, and npm's or tsx's passed on.
    byCtrlC.child.kill("SIGINT");
    byCtrlC.child.kill("SIGINT");
    const second = await byCtrlC.ended;
    expect(second.code, second.stderr).toBe(1);
    expect(second.stderr).toContain("stopping the refresh: what it made is being dropped");
    expect(second.stderr).toContain("refresh stopped");

    const status = JSON.parse((await ops("sandbox:status", "--id", id!)).stdout) as { status: string; runs: { kind: string; status: string; stopping: boolean }[] };
    expect(status.status).toBe("READY");
    expect(status.runs.map((r) => [r.kind, r.status, r.stopping])).toEqual([["REFRESH", "CANCELLED", false], ["REFRESH", "CANCELLED", false], ["PROVISION", "SUCCEEDED", false]]);
    // The copy it had is still there, and neither stopped run left a database of its own.
    expect(await exists(copy)).toBe(true);
    expect(await oneOffQuery(portalUrl, `SELECT 1 FROM "Sandbox" WHERE id = $1 AND "databaseName" = $2`, [id, copy])).toHaveLength(1);
    // A run's database is named after it (lifecycle.ts runDatabaseName).
    const leftBehind = await oneOffQuery(testServerAdminUrl(), "SELECT datname FROM pg_database WHERE datname LIKE '%' || $1 OR datname LIKE '%' || $2", [firstRun.toLowerCase(), secondRun.toLowerCase()]);
    // Should one be left, the operators' details of the two runs say why (a drop that failed is named there).
    const details = async () => JSON.stringify(await oneOffQuery(portalUrl, `SELECT id, "failureDetail" FROM "SandboxRun" WHERE id IN ($1, $2)`, [firstRun, secondRun]));
    expect(leftBehind, leftBehind.length ? `${JSON.stringify(leftBehind)} of ${await details()}` : "").toEqual([]);
    const audit = await oneOffQuery<{ action: string; actorId: string | null; via: string }>(
      portalUrl,
      `SELECT action, "actorId", details->>'via' AS via FROM "AuditEvent" WHERE "targetId" = $1 AND action = 'sandbox.run.stopRequested'`,
      [id],
    );
    expect(audit).toEqual([{ action: "sandbox.run.stopRequested", actorId: null, via: "operator CLI" }, { action: "sandbox.run.stopRequested", actorId: null, via: "operator CLI" }]);

    // While a deletion waits for a worker, the sandbox shows as the portal shows it: being deleted.
    await oneOffQuery(portalUrl, `INSERT INTO "SandboxRun" (id, "sandboxId", kind, status, options) VALUES ('waiting-deletion', $1, 'DELETE', 'QUEUED', '{}')`, [id]);
    const deleting = JSON.parse((await ops("sandbox:status", "--id", id!)).stdout) as { status: string };
    await oneOffQuery(portalUrl, `DELETE FROM "SandboxRun" WHERE id = 'waiting-deletion'`);
    expect(deleting.status).toBe("DELETING");
  }, 300_000);

  it("rotates DATABASE_SECRETS_KEY: re-seals every stored URL while both keys work, then runs on the new key alone", async () => {
    await withCust777();
    const oldKey = secrets.DATABASE_SECRETS_KEY!;
    const newKey = randomBytes(32).toString("base64");
    // Every sealed value there is, all under the old key: those of every column named "…Encrypted", read from the database
    // (lib/secrets/secret-rotation.db.test.ts holds SEALED_COLUMNS to the same columns). In a whole run, three: the tenant's
    // production URL, the sandbox server Cust5's tenant:add registered (the pool keeps it after the tenant is gone) and
    // op@example.com's TOTP secret; the pseudonym secret of the sandbox a test above refreshed pseudonymised went with its deletion.
    const columns = await oneOffQuery<{ t: string; c: string }>(
      portalUrl,
      `SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = current_schema() AND column_name LIKE '%Encrypted'`,
    );
    let sealed = 0;
    for (const { t, c } of columns) sealed += Number((await oneOffQuery(portalUrl, `SELECT count(*) AS n FROM "${t}" WHERE "${c}" IS NOT NULL`))[0]!.n);
    expect(sealed).toBeGreaterThan(0);
    const beforeRotation = await opsWith({ DATABASE_SECRETS_KEY: newKey }, "tenant:list");
    expect(beforeRotation.code).toBe(1);
    expect(beforeRotation.stderr).toContain("neither DATABASE_SECRETS_KEY nor in DATABASE_SECRETS_PREVIOUS_KEYS");

    const rotated = await opsWith({ DATABASE_SECRETS_KEY: newKey, DATABASE_SECRETS_PREVIOUS_KEYS: oldKey }, "secrets:rotate");
    // Whatever it re-sealed opens with the new key, and the rest still with the old: the commands of any test after this one.
    Object.assign(secrets, { DATABASE_SECRETS_KEY: newKey, DATABASE_SECRETS_PREVIOUS_KEYS: oldKey });
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain(`re-sealed ${sealed} secret(s)`);
    expect(rotated.stdout).toContain("; 0 already were;");
    // Audited: who re-sealed how many, under which key's id (never the key).
    const [audit] = await oneOffQuery<{ details: { keyId: string; resealed: number } }>(portalUrl, `SELECT details FROM "AuditEvent" WHERE action = 'secrets.resealed' ORDER BY "createdAt" DESC LIMIT 1`);
    expect(audit?.details).toMatchObject({ via: "operator CLI", resealed: sealed });
    expect(JSON.stringify(audit)).not.toContain(newKey);
    const afterRotation = await opsWith({ DATABASE_SECRETS_KEY: newKey }, "tenant:list");
    expect(afterRotation.code, afterRotation.stderr).toBe(0);
    expect(afterRotation.stdout).toContain("Cust777");
    expect(afterRotation.stdout).not.toContain("unreachable");
    expect(afterRotation.stdout).toContain("productionSize");
    // Without sizes: the portal database's facts alone, no production read.
    const quick = await opsWith({ DATABASE_SECRETS_KEY: newKey }, "tenant:list", "--without-sizes");
    expect(quick.code, quick.stderr).toBe(0);
    expect(quick.stdout).toContain("Cust777");
    expect(quick.stdout).not.toContain("productionSize");
    // Each production URL's TLS, for an operator about to set REQUIRE_DATABASE_TLS: the test server is on loopback.
    expect(quick.stdout).toMatch(/'Cust777'.*'ok'.*'local'/);
  }, 300_000); // four CLI runs, each starting tsx
});
