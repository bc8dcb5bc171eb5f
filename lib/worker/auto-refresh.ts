/**
 * Regular refreshes: every ready sandbox whose chosen day of the month is today, whose people
 * were told yesterday, and that was not refreshed and had no refresh asked for today, gets a refresh run with its
 * saved wizard choices — the same run a user would start by hand. Looked for every hour
 * (from 02:15 UTC, the day's first), so a day's refreshes that one pass could not start
 * (the portal database down for a moment, a deploy stopping the worker mid-pass) are
 * started by the next instead of waiting a month; one asked for today and failed is not
 * asked for again that day (its page offers the retry).
 */
import type PgBoss from "pg-boss";
import { db } from "../db/portal";
import { databaseNow } from "../db/database-clock";
import type { Prisma } from "../generated/portal/client";
import { AppError } from "../errors";
import { SCHEDULE_QUEUE } from "../jobs/queue";
import { requestRun } from "../jobs/lifecycle";
import { log } from "../observability/log";
import { createElement } from "react";
import { notifyUsers, tenantAdminIds } from "../notifications/notify";
import { hasPermission } from "../auth/policy";
import { AutoRefreshSoonMail, autoRefreshSoonSubject } from "../emails/auto-refresh-soon-mail";
import { REGULAR_REFRESH_PASS, regularRefreshStart } from "../sandboxes/regular-refresh";
import { accountsSeeing } from "../sandboxes/visibility";

/** Schedules the looking every hour (upserted by name: any number of workers may) and takes its jobs; returns the work's id. */
export async function registerAutoRefresh(boss: PgBoss): Promise<string> {
  await boss.schedule(SCHEDULE_QUEUE, `${REGULAR_REFRESH_PASS.minute} * * * *`, {}, { tz: "UTC" });
  return boss.work(SCHEDULE_QUEUE, () => regularRefreshPass());
}

/**
 * One hourly pass: today's told refreshes started, tomorrow's told of. By the database's clock
 * (database-clock.ts), as pg-boss fires the pass and stamps the runs: a worker whose machine ran
 * behind took the 00:15 pass for the day before's last and told of that very day's refresh, two
 * hours ahead, or started nothing at 02:15; one running ahead started refreshes before the hour told.
 */
export async function regularRefreshPass(at?: Date): Promise<void> {
  const now = at ?? (await databaseNow());
  await startDueRefreshes(now);
  await warnOfTomorrowsRefreshes(now);
}

/** The tenant's portal accounts given access to the sandbox (matched by address, as the Sandboxes list matches them): they test there. */
async function portalAccountsWithAccess(sandbox: { id: string; tenantId: string }): Promise<string[]> {
  const open = await db.sandboxAccess.findMany({ where: { sandboxId: sandbox.id, endedAt: null, email: { not: null } }, select: { email: true } });
  if (open.length === 0) return [];
  const accounts = await db.user.findMany({
    where: { tenantId: sandbox.tenantId, email: { in: open.map((a) => a.email!), mode: "insensitive" } },
    select: { id: true },
  });
  return accounts.map((a) => a.id);
}

/**
 * The day before a regular refresh, its admins, its orderer (while they may see it) and the portal accounts given access
 * to it are told (in the portal, and by
 * mail unless they stopped notice mails): what was changed in the sandbox is replaced then, and
 * whoever tests there should hear it before, not find it gone. Each refresh is told once,
 * whichever worker passes first (claimed on the sandbox's row before anyone is told); a day
 * moved to tomorrow after the day's first pass is told by the next pass. A notice that could
 * not be given gives its claim back, so the next pass tries again: the refresh runs only once told.
 */
export async function warnOfTomorrowsRefreshes(now = new Date()): Promise<string[]> {
  const tomorrow = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  const notYetTold = { OR: [{ autoRefreshNoticeFor: null }, { autoRefreshNoticeFor: { not: tomorrow } }] } satisfies Prisma.SandboxWhereInput;
  const due = await db.sandbox.findMany({
    where: { autoRefreshDay: tomorrow.getUTCDate(), status: "READY", deletedAt: null, ...notYetTold },
    select: { id: true, name: true, tenantId: true, orderedById: true, autoRefreshNoticeFor: true, tenant: { select: { companyName: true } } },
  });
  const told: string[] = [];
  for (const sandbox of due) {
    // Still tomorrow's day: one changed since it was read is not told of (its change cleared any notice).
    const claimed = await db.sandbox.updateMany({ where: { id: sandbox.id, autoRefreshDay: tomorrow.getUTCDate(), ...notYetTold }, data: { autoRefreshNoticeFor: tomorrow } });
    if (claimed.count === 0) continue;
    const facts = { sandboxId: sandbox.id, sandboxName: sandbox.name, companyName: sandbox.tenant.companyName, startsAt: regularRefreshStart(tomorrow) };
    try {
      const recipients = [...(await accountsSeeing([sandbox.orderedById], sandbox.id)), ...(await tenantAdminIds(sandbox.tenantId)), ...(await portalAccountsWithAccess(sandbox))];
      // Moving the day is advice only to those who may (setAutoRefreshAction's permission).
      const roles = await db.user.findMany({ where: { id: { in: recipients } }, select: { id: true, role: true } });
      for (const canChangeSchedule of [true, false]) {
        const these = roles.filter((u) => hasPermission(u, "sandbox.refresh") === canChangeSchedule).map((u) => u.id);
        await notifyUsers(these, {
          subject: autoRefreshSoonSubject(sandbox.name),
          link: `/sandboxes/${sandbox.id}`,
          mail: createElement(AutoRefreshSoonMail, { ...facts, canChangeSchedule }),
        });
      }
      told.push(sandbox.id);
    } catch (error) {
      // This sandbox's alone: the others are still told. Untold, its refresh must not run
      // (startDueRefreshes starts only the told), so the next pass tries again.
      log.error({ err: error, sandboxId: sandbox.id }, "could not tell of tomorrow's regular refresh");
      await db.sandbox
        .updateMany({ where: { id: sandbox.id, autoRefreshNoticeFor: tomorrow }, data: { autoRefreshNoticeFor: sandbox.autoRefreshNoticeFor } })
        .catch((giveBack: unknown) => log.error({ err: giveBack, sandboxId: sandbox.id }, "could not give back a regular refresh's notice claim"));
    }
  }
  return told;
}

export async function startDueRefreshes(now = new Date()): Promise<string[]> {
  const startOfDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  // The passes of the day's first hours (looked for every hour) start nothing: its people were told 02:15.
  // By the minute, not the hour: the 01:15 pass taken late (the workers down at 01:15, a process's queue
  // made its job), at 02:05, started the day's refreshes ten minutes before the hour the notice said.
  if (now.getTime() < regularRefreshStart(startOfDay).getTime()) return [];
  const due = await db.sandbox.findMany({
    where: {
      autoRefreshDay: now.getUTCDate(),
      status: "READY",
      // Its people were told yesterday: a day chosen too late for that waits for next month (regular-refresh.ts).
      autoRefreshNoticeFor: startOfDay,
      OR: [{ lastRefreshedAt: null }, { lastRefreshedAt: { lt: startOfDay } }],
      runs: { none: { kind: "REFRESH", createdAt: { gte: startOfDay } } },
    },
    select: { id: true, options: true },
  });
  const started: string[] = [];
  for (const sandbox of due) {
    if (!sandbox.options) continue;
    try {
      await requestRun({ sandboxId: sandbox.id, kind: "REFRESH", requestedById: null, options: sandbox.options as Prisma.InputJsonValue });
      started.push(sandbox.id);
    } catch (error) {
      // Running already, or deleted since it was read: nothing to start. Anything else is
      // this sandbox's alone: the others due today still get their refresh.
      if (error instanceof AppError && (error.code === "RUN_IN_PROGRESS" || error.code === "CONFLICT")) continue;
      log.error({ err: error, sandboxId: sandbox.id }, "could not start a regular refresh");
    }
  }
  return started;
}
