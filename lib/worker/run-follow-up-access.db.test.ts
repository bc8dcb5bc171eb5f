/**
 * A run's follow-up done again after its worker died between recording the run's access
 * grants and telling anyone: the people with access hear what the run changed for them,
 * exactly what the first attempt would have said, and once.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import type { World } from "../testing/test-world";
import { makeTempDir } from "../testing/temp-dir";
import type * as Notify from "../notifications/notify";

// While `dead` is set, a worker telling people hangs for good: it was killed right there.
const worker = vi.hoisted(() => ({ dead: false }));
vi.mock("../notifications/notify", async (importOriginal) => {
  const real = await importOriginal<typeof Notify>();
  return { ...real, notifyUsers: (...args: Parameters<typeof real.notifyUsers>) => (worker.dead ? new Promise<never>(() => {}) : real.notifyUsers(...args)) };
});

usePortalDatabase();

const { db } = await import("../db/portal");
const { buildWorld } = await import("../testing/test-world");
const { afterRunFinished, followUpsLeftUndone } = await import("./run-finished");

let world: World;
let outbox = "";
const people: { id: number; email: string }[] = [];
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

interface Sent { to: string[]; subject: string }
async function subjectsTo(address: string): Promise<string[]> {
  const files = await readdir(outbox).catch(() => [] as string[]);
  const sent = await Promise.all(files.map(async (f) => JSON.parse(await readFile(path.join(outbox, f), "utf8")) as Sent));
  return sent.filter((m) => m.to.includes(address)).map((m) => m.subject).sort();
}

/** A run that succeeded, whose worker died once it had recorded the grants, before it told anyone. */
async function diedWhileTelling(sandboxId: string, kind: "PROVISION" | "REFRESH", users: { associateId: number; userPlan: string }[]): Promise<string> {
  const options = { users, invalidationDomain: "mailinator.com" };
  await db.sandbox.update({ where: { id: sandboxId }, data: { status: "READY", databaseName: "sbx_x", snapshotAt: new Date(), options } });
  const run = await db.sandboxRun.create({ data: { sandboxId, kind, status: "SUCCEEDED", options, startedAt: minutesAgo(12), finishedAt: minutesAgo(10) } });
  const grantedBefore = await db.sandboxAccess.findMany({ where: { sandboxId }, select: { grantedAt: true, endedAt: true } });
  worker.dead = true;
  void afterRunFinished(run.id);
  await vi.waitUntil(async () => {
    const now = await db.sandboxAccess.findMany({ where: { sandboxId }, select: { grantedAt: true, endedAt: true } });
    return JSON.stringify(now) !== JSON.stringify(grantedBefore);
  });
  // Let the dying worker's transaction end before the sweep looks.
  await new Promise((resolve) => setTimeout(resolve, 200));
  worker.dead = false;
  await db.sandboxRun.update({ where: { id: run.id }, data: { followUpTakenAt: minutesAgo(10) } });
  return run.id;
}

describe("a run's follow-up done again after its worker died", () => {
  beforeAll(async () => {
    outbox = await makeTempDir("follow-up-access-outbox-");
    process.env.OUTBOX_DIR = outbox;
    world = await buildWorld();
    const pg = (await import("pg")).default;
    const client = new pg.Client({ connectionString: world.productionUrl });
    await client.connect();
    const { rows } = await client.query<{ id: number; email: string }>("SELECT id, email FROM associate WHERE email LIKE '%@%' ORDER BY id LIMIT 2");
    await client.end();
    people.push(...rows.map((r) => ({ id: r.id, email: r.email.toLowerCase() })));
  });
  afterAll(async () => {
    const { stopBoss } = await import("../jobs/queue");
    await stopBoss();
  });

  it("tells those given access that they have it, those left out that it ended, and nobody twice", async () => {
    const [anna, bo] = people as [(typeof people)[0], (typeof people)[0]];
    const sandboxId = (await db.sandbox.create({
      data: { tenantId: world.tenantA, name: "Crash UAT", planCounts: { "sales-premium": 2 }, orderedById: world.users.adminA, sandboxCustomerId: "Cust978001", status: "QUEUED" },
    })).id;

    const provision = await diedWhileTelling(sandboxId, "PROVISION", [
      { associateId: anna.id, userPlan: "sales-premium" },
      { associateId: bo.id, userPlan: "sales-premium" },
    ]);
    expect(await subjectsTo(anna.email)).toEqual([]);
    expect(await followUpsLeftUndone()).toEqual([provision]);
    expect(await subjectsTo(anna.email)).toEqual(['You have access to the sandbox "Crash UAT"']);
    expect(await subjectsTo(bo.email)).toEqual(['You have access to the sandbox "Crash UAT"']);
    const ready = await subjectsTo("admin@alpha.example");
    expect(ready).toHaveLength(1);

    const refresh = await diedWhileTelling(sandboxId, "REFRESH", [{ associateId: bo.id, userPlan: "complete" }]);
    expect(await followUpsLeftUndone()).toEqual([refresh]);
    expect(await subjectsTo(anna.email)).toEqual(['You have access to the sandbox "Crash UAT"', 'Your access to the sandbox "Crash UAT" has ended'].sort());
    expect(await subjectsTo(bo.email)).toEqual(['The sandbox "Crash UAT" has been refreshed', 'You have access to the sandbox "Crash UAT"'].sort());

    // Done once: another sweep, or a worker taking the follow-up again, tells nobody again.
    expect(await followUpsLeftUndone()).toEqual([]);
    await afterRunFinished(refresh);
    await afterRunFinished(provision);
    expect(await subjectsTo(anna.email)).toHaveLength(2);
    expect(await subjectsTo(bo.email)).toHaveLength(2);
    expect(await subjectsTo("admin@alpha.example")).toHaveLength(2);
    // Told, the changes (production's names and addresses) are not kept on the runs.
    expect(await db.sandboxRun.findMany({ where: { id: { in: [provision, refresh] } }, select: { accessChanges: true } })).toEqual([{ accessChanges: null }, { accessChanges: null }]);
  });
});
