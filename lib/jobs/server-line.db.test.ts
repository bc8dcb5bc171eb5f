/**
 * A sandbox server's line of waiting copies (slots.ts), with many runs and no real copies:
 * runs are claimed (claimRun) and ended by hand, as a worker's would be.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { claimRun, joblessRunsQuery, requestRun, wakeQuery } = await import("./lifecycle");
const { stopBoss } = await import("./queue");
const { sealSecret } = await import("../secrets/secret-box");
const { getProgressSnapshot } = await import("../sandboxes/queries");
const { loadActor } = await import("../auth/load-actor");
const { anotherTenantsTurnQuery, TENANT_WAIT_WORDS } = await import("./slots");
const { Prisma } = await import("../generated/portal/client");

let serverId = "";
let tenants = 0;

beforeAll(async () => {
  process.env.SANDBOX_SERVER_MAX_RUNS = "2";
  process.env.RUNS_PER_TENANT = "1";
  serverId = (await db.sandboxServer.create({ data: { name: "line", urlEncrypted: sealSecret("postgres://maker:pw@line.invalid:5432/postgres") } })).id;
});

afterAll(async () => {
  delete process.env.SANDBOX_SERVER_MAX_RUNS;
  delete process.env.RUNS_PER_TENANT;
  await stopBoss();
});

/** A tenant with `count` ready sandboxes on the line's server. */
async function tenantWith(count: number, onServer = serverId): Promise<{ tenantId: string; adminId: string; sandboxIds: string[] }> {
  const n = ++tenants;
  const tenant = await db.tenant.create({ data: { customerId: `Cust88${String(n).padStart(3, "0")}`, companyName: `Line ${n} AS`, productionUrlEncrypted: sealSecret("postgres://nobody@127.0.0.1:1/none") } });
  const user = await db.user.create({ data: { email: `line${n}@example.com`, name: "L", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
  const sandboxIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const sandbox = await db.sandbox.create({
      data: { tenantId: tenant.id, name: `s${i}`, planCounts: {}, orderedById: user.id, sandboxCustomerId: `Cust88${n}${i}`, status: "READY", databaseName: `sbx_line_${n}_${i}`, sandboxServerId: onServer },
    });
    sandboxIds.push(sandbox.id);
  }
  return { tenantId: tenant.id, adminId: user.id, sandboxIds };
}

const refresh = async (sandboxId: string) => (await requestRun({ sandboxId, kind: "REFRESH", requestedById: null, options: {} })).runId;
const finish = (runId: string) => db.sandboxRun.update({ where: { id: runId }, data: { status: "SUCCEEDED", finishedAt: new Date() } });

describe("a sandbox server's line", () => {
  it("holds no place for a run its tenant's limit keeps back: another tenant's copy takes the free slot", async () => {
    // The server's two slots are taken by two other tenants' copies.
    const [c, d] = [await tenantWith(1), await tenantWith(1)];
    const holders = [await refresh(c.sandboxIds[0]!), await refresh(d.sandboxIds[0]!)];
    for (const runId of holders) expect(await claimRun(runId, "w")).not.toBeNull();

    // A tenant with two sandboxes there asks for both, then another tenant for one: all three wait in line.
    const a = await tenantWith(2);
    const [a1, a2] = [await refresh(a.sandboxIds[0]!), await refresh(a.sandboxIds[1]!)];
    const b = await tenantWith(1);
    const b1 = await refresh(b.sandboxIds[0]!);
    for (const runId of [a1, a2, b1]) expect(await claimRun(runId, "w")).toBeNull();

    // A slot frees: the first in line takes it, and its tenant is now at its limit.
    await finish(holders[0]!);
    expect(await claimRun(a1, "w")).not.toBeNull();

    // Another slot frees. The tenant's second run cannot have it (its tenant's one slot is taken):
    // the slot is the next tenant's, not left empty until that run next asks.
    await finish(holders[1]!);
    expect(await claimRun(b1, "w"), "the other tenant's copy starts").not.toBeNull();
    expect(await claimRun(a2, "w")).toBeNull();
    expect((await db.sandboxRun.findUniqueOrThrow({ where: { id: a2 } })).status).toBe("QUEUED");
    // Its page says what it waits for: its own organisation's run, not a worker (the workers may all be idle).
    expect((await getProgressSnapshot((await loadActor(a.adminId))!, a.sandboxIds[1]!))?.run?.waiting).toBe(TENANT_WAIT_WORDS);
  });

  it("waits for room from its refused attempt, not from when it was asked for: hours in line for a slot take none of that wait", async () => {
    const MB = 1024 * 1024;
    const full = await db.sandboxServer.create({ data: { name: "full", urlEncrypted: sealSecret("postgres://maker:pw@full.invalid:5432/postgres"), maxTotalBytes: BigInt(100 * MB) } });
    const t = await tenantWith(2, full.id);
    // The server's sandboxes hold 90 MB of its 100.
    await db.sandbox.update({ where: { id: t.sandboxIds[0]! }, data: { sizeBytes: BigInt(90 * MB) } });
    // A regular refresh asked for at 02:15 waited seven hours in line; its first attempt, just now, was refused 50 MB.
    const now = new Date();
    const runId = await refresh(t.sandboxIds[1]!);
    await db.sandboxRun.update({
      where: { id: runId },
      data: { createdAt: new Date(now.getTime() - 7 * 3600_000), startedAt: new Date(now.getTime() - 120_000), attempts: 1, roomRefusedBytes: BigInt(50 * MB) },
    });
    // It waits for room, without a second attempt that would be refused as the first was.
    expect(await claimRun(runId, "w")).toBeNull();
    const waiting = await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } });
    expect(waiting).toMatchObject({ status: "QUEUED", attempts: 1 });
    expect(waiting.error).toMatch(/no room for this copy .* yet/);

    // Six hours after that attempt, its attempts go on (every wait is bounded).
    await db.sandboxRun.update({ where: { id: runId }, data: { startedAt: new Date(now.getTime() - 6 * 3600_000 - 60_000) } });
    expect(await claimRun(runId, "w")).not.toBeNull();
  });

  it("asks whose turn it is, wakes the runs waiting for a slot and finds those without a job at the cost of the runs, not of their square, on the day hundreds are due at once", async () => {
    // A regular-refresh day: 600 customers with a sandbox each and a month of history, each asked for a refresh at one pass.
    const N = 600;
    await db.$executeRawUnsafe(`INSERT INTO "Tenant" (id, "customerId", "companyName", "productionUrlEncrypted") SELECT 'tday_' || g, 'Cust6' || (10000 + g), 'Day ' || g || ' AS', 'x' FROM generate_series(1, ${N}) g`);
    await db.$executeRawUnsafe(`INSERT INTO "User" (id, email, name, "passwordHash", role, "tenantId") SELECT 'uday_' || g, 'day' || g || '@example.com', 'D', '-', 'CUSTOMER_ADMIN', 'tday_' || g FROM generate_series(1, ${N}) g`);
    await db.$executeRawUnsafe(`INSERT INTO "Sandbox" (id, "tenantId", name, status, "planCounts", "orderedById", "databaseName", options) SELECT 'sday_' || g, 'tday_' || g, 'uat', 'READY', '{}', 'uday_' || g, 'sbx_day_' || g, '{}' FROM generate_series(1, ${N}) g`);
    await db.$executeRawUnsafe(`INSERT INTO "SandboxRun" (id, "sandboxId", kind, status, options, "createdAt", "startedAt", "finishedAt") SELECT 'rday_' || g || '_' || k, 'sday_' || g, 'REFRESH', 'SUCCEEDED', '{}', now() - k * interval '30 days', now() - k * interval '30 days', now() - k * interval '30 days' FROM generate_series(1, ${N}) g, generate_series(1, 12) k`);
    // The statistics of an ordinary day, when a queued run is rare.
    await db.$executeRawUnsafe(`ANALYZE "SandboxRun"`);
    for (let g = 1; g <= N; g++) await refresh(`sday_${g}`);
    // One customer's refresh started today already: its next claim looks at every due run of the others.
    await db.sandboxRun.update({ where: { id: "rday_1_1" }, data: { startedAt: new Date() } });

    // The runs' rows it reads, over all the plan's loops: a few per due run, or every run once (a plan the
    // statistics may choose once they count the day's queued runs), not every queued run for each (N × N).
    expect(runRowsRead(await planOf(anotherTenantsTurnQuery("tday_300")))).toBeLessThan(20 * N);

    // They all wait for a slot now, asked for minutes ago. A run that ends wakes those of its tenant or
    // server; the sweep looks for those without a job. Each at the cost of the runs, not of their square.
    await db.$executeRawUnsafe(`UPDATE pgboss.job SET data = data || '{"waitingFor": "slot"}', start_after = now() + interval '1 minute' WHERE name = 'sandbox-run' AND state = 'created'`);
    await db.sandboxRun.updateMany({ where: { status: "QUEUED" }, data: { createdAt: new Date(Date.now() - 5 * 60_000) } });
    expect(rowsRead(await planOf(wakeQuery("tday_5", serverId)))).toBeLessThan(10 * N);
    expect(rowsRead(await planOf(joblessRunsQuery(new Date(Date.now() - 60_000))))).toBeLessThan(10 * N);
  }, 120_000);
});

interface PlanNode {
  "Relation Name"?: string;
  "Actual Rows": number;
  "Actual Loops": number;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Index Recheck"?: number;
  Plans?: PlanNode[];
}

/** The statement's plan as carried out (EXPLAIN ANALYZE), and nothing it wrote kept. */
async function planOf(statement: ReturnType<typeof anotherTenantsTurnQuery>): Promise<PlanNode> {
  let plan: PlanNode | undefined;
  await db
    .$transaction(async (tx) => {
      const [explained] = await tx.$queryRaw<{ "QUERY PLAN": [{ Plan: PlanNode }] }[]>(Prisma.sql`EXPLAIN (ANALYZE, FORMAT JSON) ${statement}`);
      plan = explained!["QUERY PLAN"][0].Plan;
      throw new Error("rolled back");
    })
    .catch(() => undefined);
  return plan!;
}

/** The rows a plan read (`relation`'s, or every table's), over all its loops. */
function rowsRead(node: PlanNode, relation?: string): number {
  const counted = node["Relation Name"] !== undefined && (relation === undefined || node["Relation Name"] === relation);
  const own = counted ? (node["Actual Rows"] + (node["Rows Removed by Filter"] ?? 0) + (node["Rows Removed by Index Recheck"] ?? 0)) * node["Actual Loops"] : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child, relation), 0);
}

const runRowsRead = (node: PlanNode) => rowsRead(node, "SandboxRun");
