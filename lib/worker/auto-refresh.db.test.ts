import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { regularRefreshPass, startDueRefreshes, warnOfTomorrowsRefreshes } = await import("./auto-refresh");
const { listOutbox } = await import("../notifications/mailer");
const { makeTempDir } = await import("../testing/temp-dir");
const { stopBoss } = await import("../jobs/queue");

const NOW = new Date("2026-03-14T02:15:00Z");
const YESTERDAY = new Date("2026-03-13T09:00:00Z");
const OPTIONS = { invalidationDomain: "example.org" };
/** The notice of March's refresh on `day`, given the day before (the worker's claim on the sandbox's row). */
const told = (day: number) => new Date(Date.UTC(2026, 2, day));

describe("regular refreshes", () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const tenant = await db.tenant.create({ data: { customerId: "Cust8080", companyName: "Monthly AS", productionUrlEncrypted: "unused" } });
    const admin = await db.user.create({ data: { email: "m@example.com", name: "M", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
    const sandbox = async (name: string, data: Record<string, unknown>) => {
      const created = await db.sandbox.create({
        data: {
          tenantId: tenant.id, name, planCounts: { complete: 1 }, orderedById: admin.id, sandboxCustomerId: `Cust9${name.length}${name.charCodeAt(0)}`,
          status: "READY", databaseName: `sbx_${name}`, options: OPTIONS, autoRefreshDay: 14, autoRefreshNoticeFor: told(14), lastRefreshedAt: YESTERDAY, ...data,
        },
      });
      ids[name] = created.id;
    };
    await sandbox("due", {});
    await sandbox("otherday", { autoRefreshDay: 15 });
    await sandbox("nevermind", { autoRefreshDay: null });
    await sandbox("donetoday", { lastRefreshedAt: new Date("2026-03-14T01:00:00Z") });
    await sandbox("failed", { status: "FAILED" });
    await sandbox("busy", {});
    await sandbox("missed", { autoRefreshDay: null });
    await sandbox("failedtoday", { autoRefreshDay: null });
    await db.sandboxRun.create({ data: { sandboxId: ids.busy!, kind: "REFRESH", options: OPTIONS, status: "RUNNING" } });
    // Due on the 20th: one deleted after the day's list was read (still READY in it), the others as usual.
    await sandbox("deletedmeanwhile", { autoRefreshDay: 20, autoRefreshNoticeFor: told(20), deletedAt: new Date("2026-03-20T02:15:00Z") });
    await sandbox("dueafter", { autoRefreshDay: 20, autoRefreshNoticeFor: told(20) });
    await sandbox("duetoo", { autoRefreshDay: 20, autoRefreshNoticeFor: told(20) });
    // Due today, but its day was chosen too late for anyone to be told: kept for next month.
    await sandbox("untold", { autoRefreshNoticeFor: null });
  });
  afterAll(async () => {
    await stopBoss();
  });

  it("refresh the ready sandboxes whose day it is and whose people were told, once a day, with their saved choices, skipping busy ones", async () => {
    expect(await startDueRefreshes(NOW)).toEqual([ids.due]);
    const run = await db.sandboxRun.findFirstOrThrow({ where: { sandboxId: ids.due } });
    expect(run).toMatchObject({ kind: "REFRESH", status: "QUEUED", requestedById: null, options: OPTIONS });
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: ids.due } })).status).toBe("REFRESHING");
    // A second tick the same day starts nothing new: the due one is refreshing now.
    expect(await startDueRefreshes(NOW)).toEqual([]);
    expect(await db.sandboxRun.count({ where: { sandboxId: ids.busy } })).toBe(1);
  });

  it("starts later in the day what the day's first pass missed, and never asks again for a refresh that failed that day", async () => {
    const day = (hour: string) => new Date(`2026-03-17T${hour}:15:00Z`);
    await db.sandbox.update({ where: { id: ids.missed! }, data: { autoRefreshDay: 17, autoRefreshNoticeFor: told(17) } });
    await db.sandbox.update({ where: { id: ids.failedtoday! }, data: { autoRefreshDay: 17, autoRefreshNoticeFor: told(17) } });
    // 02:15: the pass reached only one of the two before the worker stopped; that refresh then failed.
    await db.sandboxRun.create({ data: { sandboxId: ids.failedtoday!, kind: "REFRESH", options: OPTIONS, status: "FAILED", createdAt: day("02"), finishedAt: day("02") } });
    // 03:15: the one missed is started; the failed one is not asked for again.
    expect(await startDueRefreshes(day("03"))).toEqual([ids.missed]);
    expect(await db.sandboxRun.count({ where: { sandboxId: ids.failedtoday } })).toBe(1);
    expect(await startDueRefreshes(day("04"))).toEqual([]);
  });

  it("starts none before 02:15 UTC, as its people were told, though the refreshes are looked for every hour", async () => {
    await db.sandbox.update({ where: { id: ids.otherday! }, data: { autoRefreshDay: 22, autoRefreshNoticeFor: told(22) } });
    for (const hour of ["00", "01"]) expect(await startDueRefreshes(new Date(`2026-03-22T${hour}:15:00Z`))).toEqual([]);
    // The 01:15 pass taken late (the workers were down at 01:15, the web app's queue made its job):
    // by the clock it is run at, it is past 02:00, but still before the hour the notice said.
    expect(await startDueRefreshes(new Date("2026-03-22T02:05:00Z"))).toEqual([]);
    expect(await startDueRefreshes(new Date("2026-03-22T02:15:00Z"))).toEqual([ids.otherday]);
  });

  it("starts every other sandbox due that day when one of them was deleted meanwhile, and never refreshes that one", async () => {
    const started = await startDueRefreshes(new Date("2026-03-20T02:15:00Z"));
    expect([...started].sort()).toEqual([ids.dueafter, ids.duetoo].sort());
    expect(await db.sandboxRun.count({ where: { sandboxId: ids.deletedmeanwhile } })).toBe(0);
  });
});

describe("the day before a regular refresh", () => {
  const own: Record<string, string> = {};
  const people: Record<string, string> = {};
  const mine = (told: string[]) => told.filter((id) => Object.values(own).includes(id)).sort();
  const noticesOf = (userId: string) => db.notification.findMany({ where: { userId }, select: { message: true, link: true } });
  const mailsTo = async (email: string) => (await listOutbox(1_000)).filter((m) => m.to.includes(email));

  beforeAll(async () => {
    process.env.OUTBOX_DIR = await makeTempDir("auto-refresh-outbox-");
    const tenant = await db.tenant.create({ data: { customerId: "Cust8081", companyName: "Heads Up AS", productionUrlEncrypted: "unused" } });
    const user = async (email: string, data: Record<string, unknown> = {}) =>
      (await db.user.create({ data: { email, name: email.split("@")[0]!, role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-", ...data } })).id;
    people.admin = await user("admin@headsup.example");
    people.quiet = await user("quiet@headsup.example", { mailNotices: false });
    people.gone = await user("gone@headsup.example", { disabledAt: new Date() });
    people.colleague = await user("user@headsup.example", { role: "CUSTOMER_USER" });
    people.tester = await user("Tester@HeadsUp.example", { role: "CUSTOMER_USER" });
    people.bystander = await user("bystander@headsup.example", { role: "CUSTOMER_USER" });
    const sandbox = async (name: string, data: Record<string, unknown>) => {
      own[name] = (
        await db.sandbox.create({
          data: {
            tenantId: tenant.id, name, planCounts: { complete: 1 }, orderedById: people.colleague!, sandboxCustomerId: `Cust97${Object.keys(own).length}${name.length}`,
            status: "READY", databaseName: `sbx_headsup_${name}`, options: OPTIONS, autoRefreshDay: 15, ...data,
          },
        })
      ).id;
    };
    await sandbox("UAT", {});
    // Given access to it in its setup (production's address, lower-cased): a customer user testing there.
    await db.sandboxAccess.create({ data: { sandboxId: own.UAT!, associateId: 7, username: "tester", fullName: "Tess Tester", email: "tester@headsup.example", userPlan: "complete" } });
    await db.sandboxAccess.create({ data: { sandboxId: own.UAT!, associateId: 8, username: "by", fullName: "By Stander", email: "bystander@headsup.example", userPlan: "complete", endedAt: new Date() } });
    await sandbox("Later", { autoRefreshDay: 16 });
    await sandbox("Broken", { status: "FAILED" });
    await sandbox("Gone", { status: "DELETED", deletedAt: new Date() });
    await sandbox("Monthstart", { autoRefreshDay: 1 });
    await sandbox("Flaky", { autoRefreshDay: 17 });
  });

  it("tells its admins, its orderer while they may see it and those testing there once, in the portal and by mail unless they stopped such mails, and no one of a sandbox not due", async () => {
    expect(mine(await warnOfTomorrowsRefreshes(new Date("2026-04-14T02:15:00Z")))).toEqual([own.UAT]);
    const told = { message: 'Sandbox "UAT" is refreshed tomorrow', link: `/sandboxes/${own.UAT}` };
    for (const who of [people.admin!, people.quiet!, people.tester!]) expect(await noticesOf(who)).toEqual([told]);
    // Not a disabled admin, nor a user whose access ended, nor its orderer once made a customer user
    // without access to it (they may no longer open it: visibility.ts).
    for (const who of [people.gone!, people.bystander!, people.colleague!]) expect(await noticesOf(who)).toEqual([]);
    const [mail] = await mailsTo("admin@headsup.example");
    expect(mail?.subject).toBe('Sandbox "UAT" is refreshed tomorrow');
    expect(mail?.text).toContain("15 Apr 2026, 02:15 UTC");
    expect(mail?.text).toContain("move the day or turn the regular refresh off");
    expect(mail?.html).toContain("move the day or turn the regular refresh off");
    // Only customer admins (and staff) may change the regular refresh: the others are told whom to ask.
    for (const address of ["Tester@HeadsUp.example"]) {
      const [theirs] = await mailsTo(address);
      expect(theirs?.subject).toBe('Sandbox "UAT" is refreshed tomorrow');
      for (const part of [theirs?.text, theirs?.html]) {
        expect(part).not.toContain("move the day or turn the regular refresh off on its page");
        expect(part).toContain("ask an admin of Heads Up AS to move the day or turn the regular refresh off");
      }
    }
    expect(await mailsTo("quiet@headsup.example")).toEqual([]);
    // Every later pass that day, by any worker, tells no one again.
    expect(mine(await warnOfTomorrowsRefreshes(new Date("2026-04-14T03:15:00Z")))).toEqual([]);
    expect(await noticesOf(people.admin!)).toHaveLength(1);
  });

  it("tells again before next month's refresh, and across a month's end", async () => {
    expect(mine(await warnOfTomorrowsRefreshes(new Date("2026-05-14T02:15:00Z")))).toEqual([own.UAT]);
    expect(mine(await warnOfTomorrowsRefreshes(new Date("2026-04-30T02:15:00Z")))).toEqual([own.Monthstart]);
    expect(await noticesOf(people.admin!)).toHaveLength(3);
  });

  it("gives the notice's claim back when its people could not be told, so the refresh waits for the next pass's notice", async () => {
    // The portal database refusing this sandbox's notices, as a full disk or a dropped connection would.
    await db.$executeRawUnsafe(`CREATE FUNCTION refuse_flaky() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      IF NEW.message LIKE '%Flaky%' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$`);
    await db.$executeRawUnsafe(`CREATE TRIGGER refuse_flaky BEFORE INSERT ON "Notification" FOR EACH ROW EXECUTE FUNCTION refuse_flaky()`);
    try {
      expect(mine(await warnOfTomorrowsRefreshes(new Date("2026-04-16T02:15:00Z")))).toEqual([]);
      expect((await db.sandbox.findUniqueOrThrow({ where: { id: own.Flaky } })).autoRefreshNoticeFor).toBeNull();
      // Nobody was told: its day comes and it is not refreshed.
      expect(mine(await startDueRefreshes(new Date("2026-04-17T02:15:00Z")))).toEqual([]);
    } finally {
      await db.$executeRawUnsafe(`DROP TRIGGER refuse_flaky ON "Notification"`);
      await db.$executeRawUnsafe(`DROP FUNCTION refuse_flaky()`);
    }
    // The next pass tells them, and the refresh runs on its day.
    expect(mine(await warnOfTomorrowsRefreshes(new Date("2026-04-16T03:15:00Z")))).toEqual([own.Flaky]);
    expect(await noticesOf(people.admin!)).toContainEqual({ message: 'Sandbox "Flaky" is refreshed tomorrow', link: `/sandboxes/${own.Flaky}` });
    expect(mine(await startDueRefreshes(new Date("2026-04-17T02:15:00Z")))).toEqual([own.Flaky]);
  });

  it("goes by the database's day, not the worker's clock: a worker whose machine runs a day behind still tells of tomorrow's refresh the day before", async () => {
    const now = (await db.$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS now`)[0]!.now;
    const tomorrow = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
    await db.sandbox.update({ where: { id: own.Later! }, data: { autoRefreshDay: tomorrow.getUTCDate(), autoRefreshNoticeFor: null } });
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() - 86_400_000);
    try {
      await regularRefreshPass();
    } finally {
      vi.useRealTimers();
    }
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: own.Later! } })).autoRefreshNoticeFor).toEqual(tomorrow);
  });
});
