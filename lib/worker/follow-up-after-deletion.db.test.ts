/**
 * A run's follow-up done by the sweep after its sandbox was deleted (its worker was killed
 * between the swap and the follow-up, and the customer deleted the sandbox meanwhile): the
 * deletion ended every grant and told its people; the late follow-up must not open them again.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import type { World } from "../testing/test-world";
import { makeTempDir } from "../testing/temp-dir";

usePortalDatabase();

const { db } = await import("../db/portal");
const { buildWorld } = await import("../testing/test-world");
const { endedAsDeleted } = await import("../jobs/lifecycle");
const { afterRunFinished, followUpsLeftUndone } = await import("./run-finished");

let world: World;
let outbox = "";
let anna = { id: 0, email: "" };
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

async function subjectsTo(address: string): Promise<string[]> {
  const files = await readdir(outbox).catch(() => [] as string[]);
  const sent = await Promise.all(files.map(async (f) => JSON.parse(await readFile(path.join(outbox, f), "utf8")) as { to: string[]; subject: string }));
  return sent.filter((m) => m.to.includes(address)).map((m) => m.subject).sort();
}

describe("a run's follow-up done after its sandbox was deleted", () => {
  beforeAll(async () => {
    outbox = await makeTempDir("follow-up-deleted-outbox-");
    process.env.OUTBOX_DIR = outbox;
    world = await buildWorld();
    const pg = (await import("pg")).default;
    const client = new pg.Client({ connectionString: world.productionUrl });
    await client.connect();
    const { rows } = await client.query<{ id: number; email: string }>("SELECT id, email FROM associate WHERE email LIKE '%@%' ORDER BY id LIMIT 1");
    await client.end();
    anna = { id: rows[0]!.id, email: rows[0]!.email.toLowerCase() };
  });
  afterAll(async () => {
    const { stopBoss } = await import("../jobs/queue");
    await stopBoss();
  });

  it("opens no access to the deleted sandbox, and tells nobody they have it", async () => {
    const options = { users: [{ associateId: anna.id, userPlan: "complete" }], invalidationDomain: "mailinator.com" };
    const sandboxId = (await db.sandbox.create({
      data: { tenantId: world.tenantA, name: "Gone UAT", planCounts: { complete: 1 }, orderedById: world.users.adminA, sandboxCustomerId: "Cust978101", status: "READY", databaseName: "sbx_gone", snapshotAt: new Date(), options },
    })).id;
    // Anna had access since the sandbox was made.
    await db.sandboxAccess.create({ data: { sandboxId, associateId: anna.id, username: "anna", fullName: "Anna", email: anna.email, userPlan: "complete", grantedAt: minutesAgo(60) } });
    // A refresh succeeded; its worker was killed before its follow-up.
    const refresh = (await db.sandboxRun.create({ data: { sandboxId, kind: "REFRESH", status: "SUCCEEDED", options, startedAt: minutesAgo(12), finishedAt: minutesAgo(10) } })).id;
    // The customer deleted the sandbox then: the deletion ended every grant and told its people.
    const deletion = (await db.sandboxRun.create({ data: { sandboxId, kind: "DELETE", status: "SUCCEEDED", options: {}, startedAt: minutesAgo(9), finishedAt: minutesAgo(8) } })).id;
    await db.sandbox.update({ where: { id: sandboxId }, data: endedAsDeleted(minutesAgo(8)) });
    await afterRunFinished(deletion);
    expect(await db.sandboxAccess.count({ where: { sandboxId, endedAt: null } })).toBe(0);
    const toldAnna = await subjectsTo(anna.email);

    // The sweep does the refresh's follow-up.
    expect(await followUpsLeftUndone()).toEqual([refresh]);
    expect(await db.sandboxAccess.count({ where: { sandboxId, endedAt: null } })).toBe(0);
    expect(await subjectsTo(anna.email)).toEqual(toldAnna);
  });
});
