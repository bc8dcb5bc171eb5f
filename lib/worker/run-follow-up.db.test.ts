import { describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { makeTempDir } from "../testing/temp-dir";

usePortalDatabase();

const { db } = await import("../db/portal");
const { afterRunFinished, followUpsLeftUndone } = await import("./run-finished");

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

describe("what follows a finished run", () => {
  it("is done by a sweep when the run's worker died before it, once, and never for a cancelled run or one its worker is still following up", async () => {
    process.env.OUTBOX_DIR = await makeTempDir("follow-up-outbox-");
    const tenant = await db.tenant.create({ data: { customerId: "Cust7801", companyName: "Told AS", productionUrlEncrypted: "sealed" } });
    const admin = await db.user.create({ data: { email: "told@example.com", name: "Told", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
    let made = 0;
    const sandbox = (name: string) =>
      db.sandbox.create({ data: { tenantId: tenant.id, name, planCounts: {}, orderedById: admin.id, sandboxCustomerId: `Cust97801${++made}`, status: "FAILED" } });
    const failedRun = async (name: string, data: Record<string, unknown>) =>
      (
        await db.sandboxRun.create({
          data: { sandboxId: (await sandbox(name)).id, kind: "PROVISION", options: {}, status: "FAILED", error: "A sanitization check failed.", failureCode: "VERIFY_FAILED", finishedAt: minutesAgo(10), ...data },
        })
      ).id;
    const noticesOf = async (name: string) => db.notification.count({ where: { userId: admin.id, message: { contains: name } } });

    // Its worker was killed after the run ended and before its people were told.
    const lost = await failedRun("Lost follow-up", { followUpTakenAt: minutesAgo(10) });
    // Whoever cancelled a run knows: nothing follows it.
    await failedRun("Cancelled", { failureCode: "CANCELLED", error: "Cancelled by Told before it started." });
    // A run whose worker is telling its people right now.
    await failedRun("Being told", { followUpTakenAt: minutesAgo(1) });

    expect(await followUpsLeftUndone()).toEqual([lost]);
    expect(await noticesOf("Lost follow-up")).toBe(1);
    expect(await noticesOf("Cancelled")).toBe(0);
    expect(await noticesOf("Being told")).toBe(0);
    expect((await db.sandboxRun.findUniqueOrThrow({ where: { id: lost } })).followedUpAt).not.toBeNull();
    // Done once: the next sweep, and the run's own worker come back, tell nobody again.
    expect(await followUpsLeftUndone()).toEqual([]);
    await afterRunFinished(lost);
    expect(await noticesOf("Lost follow-up")).toBe(1);

    // Two workers at once on one run's follow-up: its people are told once.
    const raced = await failedRun("Raced", {});
    await Promise.all([afterRunFinished(raced), afterRunFinished(raced)]);
    expect(await noticesOf("Raced")).toBe(1);

    // Its access could not be recorded (the portal database refused a moment), so nobody was
    // told yet: the follow-up is not marked done and lost, it is tried again; and while it
    // fails, the runs behind it in line still have theirs done.
    const deletion = async (name: string, finished: Date) => {
      const sandboxId = (await sandbox(name)).id;
      await db.sandboxAccess.create({ data: { sandboxId, associateId: 1, username: "kari", fullName: "Kari", userPlan: "complete" } });
      return (await db.sandboxRun.create({ data: { sandboxId, kind: "DELETE", options: {}, status: "SUCCEEDED", finishedAt: finished } })).id;
    };
    await db.$executeRawUnsafe(`CREATE FUNCTION refuse_access() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the database went away'; END $$`);
    await db.$executeRawUnsafe(`CREATE TRIGGER refuse_access BEFORE UPDATE ON "SandboxAccess" FOR EACH ROW EXECUTE FUNCTION refuse_access()`);
    const flaky = await deletion("Flaky access", minutesAgo(30));
    const behind = await failedRun("Behind it", { finishedAt: minutesAgo(20) });
    expect(await followUpsLeftUndone()).toEqual([behind]);
    expect(await noticesOf("Behind it")).toBe(1);
    expect(await noticesOf("Flaky access")).toBe(0);
    expect(await db.sandboxRun.findUniqueOrThrow({ where: { id: flaky } })).toMatchObject({ followedUpAt: null, followUpTakenAt: expect.any(Date) });
    // Until the follow-up it took could be its worker's, no other takes it.
    expect(await followUpsLeftUndone()).toEqual([]);
    await db.$executeRawUnsafe(`DROP TRIGGER refuse_access ON "SandboxAccess"`);
    await db.sandboxRun.update({ where: { id: flaky }, data: { followUpTakenAt: minutesAgo(6) } });
    expect(await followUpsLeftUndone()).toEqual([flaky]);
    expect(await noticesOf("Flaky access")).toBe(1);
    expect(await db.sandboxAccess.count({ where: { endedAt: null, sandbox: { name: "Flaky access" } } })).toBe(0);

    // Once someone has been told, a failure is not done again: told twice (every few minutes, for
    // as long as the mail server refuses) is worse than a notice missed, which is logged.
    await db.$executeRawUnsafe(`CREATE FUNCTION refuse_notice() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the database went away'; END $$`);
    await db.$executeRawUnsafe(`CREATE TRIGGER refuse_notice BEFORE INSERT ON "Notification" FOR EACH ROW EXECUTE FUNCTION refuse_notice()`);
    const unlucky = await deletion("Unlucky notices", minutesAgo(10));
    expect(await followUpsLeftUndone()).toEqual([unlucky]);
    await db.$executeRawUnsafe(`DROP TRIGGER refuse_notice ON "Notification"`);
    expect((await db.sandboxRun.findUniqueOrThrow({ where: { id: unlucky } })).followedUpAt).not.toBeNull();
    expect(await followUpsLeftUndone()).toEqual([]);
    expect(await noticesOf("Unlucky notices")).toBe(0);

    // A follow-up still undone a day after its run is given up, said in the log: that news is stale.
    const dayOld = await failedRun("Day old", { finishedAt: minutesAgo(25 * 60) });
    expect(await followUpsLeftUndone()).toEqual([]);
    expect(await noticesOf("Day old")).toBe(0);
    expect((await db.sandboxRun.findUniqueOrThrow({ where: { id: dayOld } })).followedUpAt).not.toBeNull();
  });
});
