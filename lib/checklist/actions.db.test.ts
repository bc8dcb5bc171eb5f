import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import pg from "pg";
import { usePortalDatabase } from "../testing/portal-db";
import type { World } from "../testing/test-world";
import { signInAs } from "@/lib/testing/fake-session";

// Only the session is faked: the portal database, the sandbox database and production are real.
vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

usePortalDatabase();

const { db } = await import("../db/portal");
const { databaseNameOf, withDatabase } = await import("../db/urls");
const { createTestDatabase, createTestSandboxDatabase, testServerAdminUrl, testSandboxServerUrl } = await import("../testing/pg");
const { oneOffQuery } = await import("../db/one-off-query");
const { generateProductionDatabase } = await import("../crm/generator");
const { buildWorld } = await import("../testing/test-world");
const { getChecklist } = await import("./queries");
const { customerSessionsOpen, sandboxSessionsOpen } = await import("./sandbox-database");
const { fixChecklistItemAction, tickChecklistItemAction } = await import("./actions");
const { provisionSandbox } = await import("../sanitizer/provision");
const { parseClassification } = await import("../sanitizer/classification");

let world: World;
let sandboxDb: pg.Client;
let sandboxUrl = "";
let production: pg.Client;
let sandboxId = "";
let sandboxOfB = "";
const SANDBOX_KEY = "Cust940001";
const q = async (client: pg.Client, sql: string) => (await client.query(sql)).rows;
const count = async (client: pg.Client, sql: string) => Number((await client.query<{ n: string }>(sql)).rows[0]!.n);

/** A generated CRM database put into sandbox state: the stand-in for a provisioned copy. */
async function standInSandbox(): Promise<string> {
  const url = await createTestSandboxDatabase();
  await generateProductionDatabase({ databaseUrl: url, customerId: "Cust40001", companyName: "Alpha AS", scale: "small", seed: 40001 });
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query("UPDATE installation SET environment = 'sandbox', customer_id = $1, source_customer_id = 'Cust40001', copied_at = now()", [SANDBOX_KEY]);
  await c.end();
  return url;
}

async function makeSandbox(tenantId: string, orderedById: string, databaseName: string, key: string | null, status: "READY" | "REFRESHING" = "READY") {
  return (
    await db.sandbox.create({
      data: {
        tenantId,
        orderedById,
        name: `Checklist ${Math.random().toString(36).slice(2, 8)}`,
        status,
        planCounts: {},
        databaseName,
        sandboxCustomerId: key,
        options: { keepEnabledTaskIds: [1, 3] },
      },
      select: { id: true },
    })
  ).id;
}

describe("the best-practices checklist", () => {
  beforeAll(async () => {
    world = await buildWorld();
    const url = await standInSandbox();
    sandboxUrl = url;
    sandboxDb = new pg.Client({ connectionString: url });
    await sandboxDb.connect();
    production = new pg.Client({ connectionString: world.productionUrl });
    await production.connect();
    // Make sure every item starts in need of a fix, whatever the generator's seed gave.
    await sandboxDb.query("UPDATE preference SET value = 'Yes' WHERE section = 'System' AND name LIKE '%OptIn - Configured' AND associate_id IS NULL");
    await sandboxDb.query("UPDATE erp_connection SET auto_sync = true WHERE id = (SELECT min(id) FROM erp_connection)");
    await sandboxDb.query("UPDATE scheduled_task SET enabled = true WHERE id IN (1, 2)");
    await sandboxDb.query(
      "INSERT INTO web_panel (name, url, location, visible, created_by_app, created_at) VALUES ('Quote helper', 'https://apps.example/q', 'company-card', true, 'QuoteApp', now())",
    );
    sandboxId = await makeSandbox(world.tenantA, world.users.adminA, databaseNameOf(url), SANDBOX_KEY);
    sandboxOfB = await makeSandbox(world.tenantB, world.users.adminB, databaseNameOf(url), "Cust940002");
  });
  afterAll(async () => {
    await sandboxDb.end();
    await production.end();
  });
  beforeEach(() => signInAs(null));

  it("reads each item live from the sandbox database, and production's apps read-only", async () => {
    const state = await getChecklist({ id: sandboxId, tenantId: world.tenantA, databaseName: sandboxDb.database!, sandboxCustomerId: SANDBOX_KEY, options: { keepEnabledTaskIds: [1, 3] } });
    expect(state.optIns).toEqual([
      { name: "Statistics OptIn - Configured", value: "Yes" },
      { name: "UserSync OptIn - Configured", value: "Yes" },
    ]);
    expect(state.erpAutoSync.length).toBeGreaterThan(0);
    expect(state.tasks.filter((t) => t.enabled).map((t) => t.id)).toEqual(expect.arrayContaining([1, 2]));
    expect(state.tasks.find((t) => t.id === 3)?.kept).toBe(true);
    expect(state.appPanels.map((p) => p.createdByApp)).toContain("QuoteApp");
    const productionApps = (await q(production, "SELECT DISTINCT app_name FROM app_authorization ORDER BY 1")).map((r) => r.app_name as string);
    expect(state.productionApps).toEqual(productionApps);
    expect(state.customerLeft).toBe(false);
  });

  it("still reads the sandbox once its customer has left, and production no more: its address is forgotten", async () => {
    const tenant = await db.tenant.findUniqueOrThrow({ where: { id: world.tenantA }, select: { productionUrlEncrypted: true } });
    await db.tenant.update({ where: { id: world.tenantA }, data: { productionUrlEncrypted: null, offboardedAt: new Date() } });
    try {
      const state = await getChecklist({ id: sandboxId, tenantId: world.tenantA, databaseName: sandboxDb.database!, sandboxCustomerId: SANDBOX_KEY, options: { keepEnabledTaskIds: [1, 3] } });
      expect(state).toMatchObject({ customerLeft: true, productionApps: null });
      expect(state.optIns).toHaveLength(2);
    } finally {
      await db.tenant.update({ where: { id: world.tenantA }, data: { productionUrlEncrypted: tenant.productionUrlEncrypted, offboardedAt: null } });
    }
  });

  it("refuses, in the customer's words, to read more scheduled tasks than a page holds: the sandbox's users write to it", async () => {
    const ref = { id: sandboxId, tenantId: world.tenantA, databaseName: sandboxDb.database!, sandboxCustomerId: SANDBOX_KEY, options: {} };
    const last = await count(sandboxDb, "SELECT max(id) AS n FROM scheduled_task");
    await sandboxDb.query("INSERT INTO scheduled_task (name, kind, schedule, enabled, created_at) SELECT 'Task ' || i, 'crmscript', '0 3 * * *', false, now() FROM generate_series(1, 10001) i");
    try {
      await expect(getChecklist(ref)).rejects.toMatchObject({
        name: "TooLargeToRead",
        message: "There are more than 10,000 of the sandbox's scheduled tasks: more than the portal reads. Contact support.",
      });
    } finally {
      await sandboxDb.query(`DELETE FROM scheduled_task WHERE id > ${last}`);
    }
    expect((await getChecklist(ref)).tasks.length).toBeLessThan(100);
  });

  it("waits at most a few seconds on a sandbox whose users hold a lock on what it reads or fixes", async () => {
    const ref = { id: sandboxId, tenantId: world.tenantA, databaseName: sandboxDb.database!, sandboxCustomerId: SANDBOX_KEY, options: {} };
    const holder = new pg.Client({ connectionString: sandboxUrl });
    await holder.connect();
    try {
      await holder.query("BEGIN; LOCK TABLE scheduled_task IN ACCESS EXCLUSIVE MODE");
      const started = Date.now();
      await expect(getChecklist(ref)).rejects.toThrow();
      signInAs(world.users.adminA);
      expect(await fixChecklistItemAction({ sandboxId, fix: "pauseTasks" })).toMatchObject({ ok: false });
      // Both gave up on the lock (3 s each), not after the holder let go.
      expect(Date.now() - started).toBeLessThan(12_000);
    } finally {
      await holder.query("ROLLBACK").catch(() => undefined);
      await holder.end();
    }
    expect((await getChecklist(ref)).tasks.length).toBeGreaterThan(0);
  });

  it("opens at most two sessions on a sandbox however many page views read it at once: the server is shared", async () => {
    const ref = { id: sandboxId, tenantId: world.tenantA, databaseName: sandboxDb.database!, sandboxCustomerId: SANDBOX_KEY, options: {} };
    // Sessions at work: a statement running or waiting on the lock. One a read that gave up is
    // still closing is not (idle, or its aborted transaction on the way out, which a busy machine
    // can leave listed for a moment after the read's turn went to the next).
    const sessionsOn = async () =>
      Number(
        (
          await oneOffQuery<{ n: string }>(
            testServerAdminUrl(),
            "SELECT count(*)::text AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> $2 AND backend_type = 'client backend' AND state = 'active'",
            [sandboxDb.database!, holderPid],
          )
        )[0]!.n,
      );
    const holder = new pg.Client({ connectionString: sandboxUrl });
    await holder.connect();
    const holderPid = Number((await holder.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid);
    const idle = await sessionsOn();
    try {
      // The sandbox's users hold a lock its reads wait on, and a customer reloads the page ten times at once.
      await holder.query("BEGIN; LOCK TABLE scheduled_task IN ACCESS EXCLUSIVE MODE");
      const reads = Array.from({ length: 10 }, () => getChecklist(ref).then(() => "read", () => "gave up"));
      await vi.waitFor(() => expect(sandboxSessionsOpen(sandboxId)).toBe(2), { timeout: 5_000 });
      for (let look = 0; look < 5; look++) {
        expect((await sessionsOn()) - idle).toBeLessThanOrEqual(2);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await holder.query("ROLLBACK");
      expect(await Promise.all(reads)).toContain("read");
    } finally {
      await holder.query("ROLLBACK").catch(() => undefined);
      await holder.end();
    }
    expect(sandboxSessionsOpen(sandboxId)).toBe(0);
  });

  it("opens at most four sessions for one customer's sandboxes however many it has: another customer's checklist gets its turn", async () => {
    const holder = new pg.Client({ connectionString: sandboxUrl });
    await holder.connect();
    const many = await Promise.all(Array.from({ length: 8 }, () => makeSandbox(world.tenantA, world.users.adminA, sandboxDb.database!, null)));
    const refOf = (id: string, tenantId: string) => ({ id, tenantId, databaseName: sandboxDb.database!, sandboxCustomerId: SANDBOX_KEY, options: {} });
    try {
      // The sandboxes' users hold a lock every read waits on; the customer reloads each sandbox's page twice.
      await holder.query("BEGIN; LOCK TABLE scheduled_task IN ACCESS EXCLUSIVE MODE");
      const reads = many.flatMap((id) => [1, 2].map(() => getChecklist(refOf(id, world.tenantA)).then(() => "read", () => "gave up")));
      await vi.waitFor(() => expect(customerSessionsOpen(world.tenantA)).toBe(4), { timeout: 5_000 });
      // Without the customer's own bound its reads would hold all sixteen: another customer's sandbox, whose
      // users hold nothing, is read while the first customer's reads still wait.
      const otherDatabase = databaseNameOf(await standInSandbox());
      const other = await makeSandbox(world.tenantB, world.users.adminB, otherDatabase, null);
      many.push(other);
      expect(await getChecklist({ ...refOf(other, world.tenantB), databaseName: otherDatabase }).then(() => "read", () => "gave up")).toBe("read");
      expect(customerSessionsOpen(world.tenantA)).toBe(4);
      await holder.query("ROLLBACK");
      await Promise.all(reads);
    } finally {
      await holder.query("ROLLBACK").catch(() => undefined);
      await holder.end();
      await db.sandbox.deleteMany({ where: { id: { in: many } } });
    }
    expect(customerSessionsOpen(world.tenantA)).toBe(0);
  }, 60_000);

  it("refuses fixes without a session, with a role that may not fix, and on another tenant's sandbox", async () => {
    const before = await q(sandboxDb, "SELECT value FROM preference WHERE name LIKE '%OptIn - Configured' AND associate_id IS NULL ORDER BY name");
    const input = { sandboxId, fix: "optIns" as const };
    expect(await fixChecklistItemAction(input)).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
    signInAs(world.users.userA);
    expect(await fixChecklistItemAction(input)).toMatchObject({ ok: false, code: "FORBIDDEN" });
    signInAs(world.users.sales);
    expect(await fixChecklistItemAction(input)).toMatchObject({ ok: false, code: "FORBIDDEN" });
    signInAs(world.users.adminB);
    expect(await fixChecklistItemAction(input)).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect(await tickChecklistItemAction({ sandboxId, item: "dead-end", ticked: true })).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect(await q(sandboxDb, "SELECT value FROM preference WHERE name LIKE '%OptIn - Configured' AND associate_id IS NULL ORDER BY name")).toEqual(before);
    expect(await db.auditEvent.count({ where: { targetId: sandboxId } })).toBe(0);
  });

  it("sets both opt-ins to No in the sandbox, creating a missing one, and audits it", async () => {
    await sandboxDb.query("DELETE FROM preference WHERE name = 'UserSync OptIn - Configured' AND associate_id IS NULL");
    signInAs(world.users.adminA);
    expect(await fixChecklistItemAction({ sandboxId, fix: "optIns" })).toEqual({ ok: true, data: { updated: 1, created: 1 } });
    expect(await q(sandboxDb, "SELECT name, value FROM preference WHERE section = 'System' AND name LIKE '%OptIn - Configured' AND associate_id IS NULL ORDER BY name")).toEqual([
      { name: "Statistics OptIn - Configured", value: "No" },
      { name: "UserSync OptIn - Configured", value: "No" },
    ]);
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "checklist.fixed", targetId: sandboxId } });
    expect(event).toMatchObject({ actorId: world.users.adminA, tenantId: world.tenantA, details: { fix: "optIns", changed: { updated: 1, created: 1 } } });
  });

  it("creates a missing opt-in once however often the fix is clicked at once (a double click, two tabs)", async () => {
    signInAs(world.users.adminA);
    const optIns = "SELECT name, count(*)::int AS n FROM preference WHERE section = 'System' AND name LIKE '%OptIn - Configured' AND associate_id IS NULL GROUP BY name ORDER BY name";
    for (let round = 0; round < 5; round++) {
      await sandboxDb.query("DELETE FROM preference WHERE section = 'System' AND name LIKE '%OptIn - Configured' AND associate_id IS NULL");
      const results = await Promise.all([1, 2].map(() => fixChecklistItemAction({ sandboxId, fix: "optIns" })));
      expect(results.every((r) => r.ok)).toBe(true);
      // A null associate makes the CRM's unique (section, name, associate) no guard: each rival's insert went in.
      expect(await q(sandboxDb, optIns)).toEqual([
        { name: "Statistics OptIn - Configured", n: 1 },
        { name: "UserSync OptIn - Configured", n: 1 },
      ]);
    }
  });

  it("turns ERP automatic sync off", async () => {
    signInAs(world.users.operator);
    const result = await fixChecklistItemAction({ sandboxId, fix: "erpAutoSync" });
    expect(result.ok && result.data.turnedOff).toBeGreaterThan(0);
    expect(await count(sandboxDb, "SELECT count(*) AS n FROM erp_connection WHERE auto_sync")).toBe(0);
  });

  it("pauses all scheduled tasks, then resumes only the kept ones", async () => {
    signInAs(world.users.adminA);
    expect((await fixChecklistItemAction({ sandboxId, fix: "pauseTasks" })).ok).toBe(true);
    expect(await count(sandboxDb, "SELECT count(*) AS n FROM scheduled_task WHERE enabled")).toBe(0);
    expect(await fixChecklistItemAction({ sandboxId, fix: "resumeKeptTasks" })).toEqual({ ok: true, data: { resumed: 2 } });
    expect((await q(sandboxDb, "SELECT id FROM scheduled_task WHERE enabled ORDER BY id")).map((r) => r.id)).toEqual([1, 3]);
  });

  it("hides web panels created by apps and leaves hand-made ones", async () => {
    const handMade = await count(sandboxDb, "SELECT count(*) AS n FROM web_panel WHERE visible AND created_by_app IS NULL");
    signInAs(world.users.adminA);
    expect((await fixChecklistItemAction({ sandboxId, fix: "hideAppPanels" })).ok).toBe(true);
    expect(await count(sandboxDb, "SELECT count(*) AS n FROM web_panel WHERE visible AND created_by_app IS NOT NULL")).toBe(0);
    expect(await count(sandboxDb, "SELECT count(*) AS n FROM web_panel WHERE visible AND created_by_app IS NULL")).toBe(handMade);
  });

  it("never writes to production: a sandbox row pointing at a production database is refused", async () => {
    const before = await q(production, "SELECT name, value FROM preference WHERE name LIKE '%OptIn - Configured' ORDER BY id");
    const enabledBefore = await count(production, "SELECT count(*) AS n FROM scheduled_task WHERE enabled");
    // The worst case: a sandbox server whose role could write this production (ours cannot even read it).
    await oneOffQuery(
      withDatabase(testServerAdminUrl(), production.database!),
      `GRANT SELECT, UPDATE ON ALL TABLES IN SCHEMA public TO "${new URL(testSandboxServerUrl()).username}"`,
    );
    const wrong = await makeSandbox(world.tenantA, world.users.adminA, production.database!, null);
    signInAs(world.users.adminA);
    for (const fix of ["optIns", "pauseTasks"] as const) {
      expect(await fixChecklistItemAction({ sandboxId: wrong, fix })).toMatchObject({ ok: false, code: "CONFLICT" });
    }
    expect(await q(production, "SELECT name, value FROM preference WHERE name LIKE '%OptIn - Configured' ORDER BY id")).toEqual(before);
    expect(await count(production, "SELECT count(*) AS n FROM scheduled_task WHERE enabled")).toBe(enabledBefore);
  });

  it("refuses a fix on a sandbox whose users gave it a second installation, or another key, reading neither whole", async () => {
    signInAs(world.users.adminA);
    await sandboxDb.query("UPDATE installation SET customer_id = repeat('K', 20000000)");
    try {
      expect(await fixChecklistItemAction({ sandboxId, fix: "erpAutoSync" })).toMatchObject({ ok: false, code: "CONFLICT" });
    } finally {
      await sandboxDb.query("UPDATE installation SET customer_id = $1", [SANDBOX_KEY]);
    }
    await sandboxDb.query("CREATE TEMP TABLE second AS SELECT * FROM installation; UPDATE second SET id = id + 1000; INSERT INTO installation SELECT * FROM second");
    try {
      expect(await fixChecklistItemAction({ sandboxId, fix: "erpAutoSync" })).toMatchObject({ ok: false, code: "CONFLICT" });
    } finally {
      await sandboxDb.query("DELETE FROM installation WHERE id IN (SELECT id FROM second); DROP TABLE second");
    }
    expect(await fixChecklistItemAction({ sandboxId, fix: "erpAutoSync" })).toMatchObject({ ok: true });
  });

  it("refuses fixes while the sandbox is not ready", async () => {
    const refreshing = await makeSandbox(world.tenantA, world.users.adminA, sandboxDb.database!, "Cust940003", "REFRESHING");
    signInAs(world.users.adminA);
    expect(await fixChecklistItemAction({ sandboxId: refreshing, fix: "pauseTasks" })).toMatchObject({ ok: false, code: "CONFLICT" });
  });

  it("saves and clears a manual tick, audited", async () => {
    signInAs(world.users.userA);
    expect(await tickChecklistItemAction({ sandboxId, item: "apps-signed-up-again", ticked: true })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    signInAs(world.users.adminA);
    expect(await tickChecklistItemAction({ sandboxId, item: "apps-signed-up-again", ticked: true })).toEqual({ ok: true, data: { ticked: true } });
    expect(await db.checklistTick.findUnique({ where: { sandboxId_item: { sandboxId, item: "apps-signed-up-again" } } })).toMatchObject({ tickedById: world.users.adminA });
    expect(await tickChecklistItemAction({ sandboxId, item: "apps-signed-up-again", ticked: false })).toEqual({ ok: true, data: { ticked: false } });
    expect(await db.checklistTick.count({ where: { sandboxId } })).toBe(0);
    expect(await db.auditEvent.count({ where: { action: "checklist.ticked", targetId: sandboxId } })).toBe(2);
    expect(await tickChecklistItemAction({ sandboxId, item: "not-a-real-item" as "dead-end", ticked: true })).toMatchObject({ ok: false, code: "INVALID_INPUT" });
    // B's own sandbox row exists; A's admin cannot tick it.
    expect(await tickChecklistItemAction({ sandboxId: sandboxOfB, item: "dead-end", ticked: true })).toMatchObject({ ok: false, code: "NOT_FOUND" });
  });
});

describe("checklist fixes on the sandbox of a hostile production", () => {
  const TABLES = ["preference", "erp_connection", "scheduled_task", "web_panel"];
  let prod: pg.Client;
  let copy: pg.Client;
  let hostileSandboxId = "";
  let marks = 0;

  // The world is the first describe's: its tenants and accounts.
  beforeAll(async () => {
    const prodUrl = await createTestDatabase("hostile");
    await generateProductionDatabase({ databaseUrl: prodUrl, customerId: "Cust40009", companyName: "Hostile AS", scale: "small", seed: 40009 });
    prod = new pg.Client({ connectionString: prodUrl });
    await prod.connect();
    // Triggers on every table a fix writes, each leaving a row in `tripwire` when it fires.
    await prod.query(`CREATE TABLE tripwire (id serial PRIMARY KEY, what text NOT NULL);
      CREATE FUNCTION tripwire_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO public.tripwire (what) VALUES (TG_TABLE_NAME); RETURN NEW; END $$;
      ${TABLES.map((t) => `CREATE TRIGGER ${t}_touch BEFORE INSERT OR UPDATE ON ${t} FOR EACH ROW EXECUTE FUNCTION tripwire_trigger();`).join("\n")}
      UPDATE erp_connection SET auto_sync = true; UPDATE preference SET value = 'Yes' WHERE name LIKE '%OptIn - Configured';`);
    marks = await count(prod, "SELECT count(*) AS n FROM tripwire");
    const databaseName = `sbx_hostile_${Math.random().toString(36).slice(2, 8)}`;
    const key = "Cust940009";
    await provisionSandbox({
      productionUrl: prodUrl,
      sandboxServerUrl: testSandboxServerUrl(),
      databaseName,
      sandboxCustomerId: key,
      serviceMailboxAddress: "support@sandbox940009.example",
      options: { keepEnabledTaskIds: [1] },
      classification: parseClassification({
        tables: { tripwire: "copy" },
        objects: [
          { kind: "function", name: "tripwire_trigger()", treatment: "leave-out" },
          ...TABLES.map((t) => ({ kind: "trigger" as const, table: t, name: `${t}_touch`, treatment: "leave-out" as const })),
        ],
      }),
    });
    copy = new pg.Client({ connectionString: withDatabase(testServerAdminUrl(), databaseName) });
    await copy.connect();
    // Give every fix something to change.
    await copy.query("UPDATE erp_connection SET auto_sync = true; UPDATE scheduled_task SET enabled = true; DELETE FROM preference WHERE name = 'UserSync OptIn - Configured'");
    await copy.query("INSERT INTO web_panel (name, url, location, visible, created_by_app, created_at) VALUES ('App panel', 'https://apps.example/p', 'navigator', true, 'SomeApp', now())");
    hostileSandboxId = await makeSandbox(world.tenantA, world.users.adminA, databaseName, key);
  });
  afterAll(async () => {
    await prod?.end();
    await copy?.end();
  });

  it("every fix works and fires nothing production defined", async () => {
    expect(await count(copy, "SELECT count(*) AS n FROM tripwire")).toBe(marks);
    signInAs(world.users.adminA);
    for (const fix of ["optIns", "erpAutoSync", "pauseTasks", "resumeKeptTasks", "hideAppPanels"] as const) {
      const result = await fixChecklistItemAction({ sandboxId: hostileSandboxId, fix });
      expect(result.ok, fix).toBe(true);
      expect(Object.values(result.ok ? result.data : {}).reduce((a, b) => a + b, 0), fix).toBeGreaterThan(0);
    }
    expect(await count(copy, "SELECT count(*) AS n FROM tripwire")).toBe(marks);
    expect(await count(copy, "SELECT count(*) AS n FROM pg_trigger WHERE NOT tgisinternal")).toBe(0);
    expect(await count(prod, "SELECT count(*) AS n FROM tripwire")).toBe(marks);
  });
});
