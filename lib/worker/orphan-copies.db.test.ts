import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { testSandboxServerUrl, testServerAdminUrl } from "../testing/pg";
import { oneOffQuery } from "../db/one-off-query";
import { quoteIdent, withDatabase } from "../db/urls";

usePortalDatabase();

const { db } = await import("../db/portal");
const { runDatabaseName } = await import("../jobs/lifecycle");
const { dropOrphanCopies } = await import("./orphan-copies");
const { sealSecret } = await import("../secrets/secret-box");

const made: string[] = [];
afterAll(async () => {
  for (const name of made) await oneOffQuery(testServerAdminUrl(), `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
});

const existing = async (names: string[]) =>
  (await oneOffQuery<{ name: string }>(testServerAdminUrl(), "SELECT datname AS name FROM pg_database WHERE datname = ANY($1) ORDER BY 1", [names])).map((r) => r.name);

describe("the sweep of copies no sandbox points at", () => {
  it("drops every copy of an ended run that no sandbox points at, and only those", async () => {
    const tenant = await db.tenant.create({ data: { customerId: "Cust7301", companyName: "Sweep AS", productionUrlEncrypted: sealSecret("postgres://nobody@127.0.0.1:1/none") } });
    const user = await db.user.create({ data: { email: "sweep@example.com", name: "S", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
    const sandbox = await db.sandbox.create({ data: { tenantId: tenant.id, name: "Swept", planCounts: {}, orderedById: user.id, sandboxCustomerId: "Cust97301", status: "READY" } });
    const other = await db.sandbox.create({ data: { tenantId: tenant.id, name: "Swept too", planCounts: {}, orderedById: user.id, sandboxCustomerId: "Cust97302", status: "READY" } });
    const run = (status: "SUCCEEDED" | "FAILED" | "RUNNING" | "QUEUED", sandboxId = sandbox.id) => db.sandboxRun.create({ data: { sandboxId, kind: "REFRESH", options: {}, status } });
    const copyOf = async (runId: string) => {
      const name = runDatabaseName(tenant.customerId, runId);
      await oneOffQuery(testSandboxServerUrl(), `CREATE DATABASE ${quoteIdent(name)}`);
      made.push(name);
      return name;
    };
    // Forty copies left by ended runs (a worker killed after each swap, say), and the ones to keep.
    const orphans = [];
    for (let i = 0; i < 40; i++) orphans.push(await copyOf((await run(i % 2 ? "SUCCEEDED" : "FAILED")).id));
    const current = await copyOf((await run("SUCCEEDED")).id);
    await db.sandbox.update({ where: { id: sandbox.id }, data: { databaseName: current } });
    const building = await copyOf((await run("RUNNING")).id);
    const waiting = await copyOf((await run("QUEUED", other.id)).id);
    const notOurs = await copyOf("nosuchrun0000000000000000");

    const dropped = await dropOrphanCopies();
    expect(dropped.sort()).toEqual([...orphans].sort());
    expect(await existing([...orphans, current, building, waiting, notOurs])).toEqual([current, building, waiting, notOurs].sort());
    // Nothing left to do: the next sweep drops nothing.
    expect(await dropOrphanCopies()).toEqual([]);
  }, 120_000);

  it("goes on to the other customers' copies when one copy is still held by a session it may not end", async () => {
    const copyOfEndedRun = async (customerId: string) => {
      const tenant = await db.tenant.create({ data: { customerId, companyName: `${customerId} AS`, productionUrlEncrypted: sealSecret("postgres://nobody@127.0.0.1:1/none") } });
      const user = await db.user.create({ data: { email: `${customerId}@example.com`, name: "S", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
      const sandbox = await db.sandbox.create({ data: { tenantId: tenant.id, name: "Refreshed", planCounts: {}, orderedById: user.id, sandboxCustomerId: `${customerId}9`, status: "READY" } });
      const run = await db.sandboxRun.create({ data: { sandboxId: sandbox.id, kind: "REFRESH", options: {}, status: "SUCCEEDED" } });
      const name = runDatabaseName(customerId, run.id);
      await oneOffQuery(testSandboxServerUrl(), `CREATE DATABASE ${quoteIdent(name)}`);
      made.push(name);
      return name;
    };
    // Listed first: a refreshed sandbox's previous copy that its CRM, signed in as another role, keeps open.
    const held = await copyOfEndedRun("Cust7302");
    const others = [await copyOfEndedRun("Cust7303"), await copyOfEndedRun("Cust7304")];
    const crm = new pg.Client({ connectionString: withDatabase(testServerAdminUrl(), held) });
    crm.on("error", () => undefined);
    await crm.connect();
    try {
      // The other customers' copies of their production data went on lying there, sweep after sweep.
      expect((await dropOrphanCopies()).sort()).toEqual(others.sort());
      expect(await existing([held, ...others])).toEqual([held]);
    } finally {
      await crm.end();
    }
    expect(await dropOrphanCopies()).toEqual([held]);
  }, 120_000);
});
