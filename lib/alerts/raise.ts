/**
 * Operators' alerts. Each condition has a key (runs failing for one reason on one
 * sandbox server, whichever sandboxes they are of: run-failed.ts; one unreachable server, a stale queue); its first occurrence tells every
 * operator, in the portal and by e-mail. The same condition again within
 * ALERT_REPEAT_HOURS is only counted, so a run failing the same way again and
 * again does not fill anyone's inbox; after the window it is told again.
 *
 * A condition seen to be over is cleared (clearAlert): raised again after that, it is a
 * new outage and is told at once. Without it, a sandbox server down in the morning, back,
 * and down again in the afternoon was only counted, and nobody was mailed the second time.
 */
import { createHash } from "node:crypto";
import { db } from "../db/portal";
import { Prisma } from "../generated/portal/client";
import { env } from "../config/env";
import { createElement } from "react";
import { notifyUsers, type NoticeDelivery } from "../notifications/notify";
import { AlertMail, alertSubject } from "../emails/alert-mail";
import { log } from "../observability/log";

export interface AlertInput {
  key: string;
  subject: string;
  detail: string;
  link?: string;
  /**
   * A condition every worker finds on every check (fleet-checks.ts): counted at most once in this
   * long, so that with N workers an hour's outage is not counted 12 × N times.
   */
  countOncePerMs?: number;
}

export const alertRepeatMs = () => env().ALERT_REPEAT_HOURS * 3600_000;

/** A short, stable fingerprint of a reason, for keys ("the same reason again"). */
export const fingerprint = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);

export async function raiseAlert(alert: AlertInput, now = new Date(), delivery: NoticeDelivery = {}): Promise<"notified" | "counted"> {
  await recordAlert(alert, now);
  return tellOperatorsIfDue(alert, now, delivery);
}

/**
 * Counts the alert's occurrence, or starts a new one if it was cleared; with `sandboxId`, adds the
 * sandbox to those it struck (run-failed.ts). One statement: two workers raising it at once each
 * add theirs. Returns the sandboxes it has struck in this occurrence.
 */
export async function recordAlert(alert: AlertInput, now: Date, sandboxId?: string): Promise<string[]> {
  const ids = sandboxId ? [sandboxId] : [];
  const countedBefore = alert.countOncePerMs === undefined ? null : new Date(now.getTime() - alert.countOncePerMs);
  const cleared = Prisma.sql`"Alert"."clearedAt" IS NOT NULL`;
  // Counted now: every raise, unless the alert counts once in a while and was counted within it.
  const countsNow = Prisma.sql`(${countedBefore}::timestamp IS NULL OR "Alert"."countedAt" IS NULL OR "Alert"."countedAt" <= ${countedBefore}::timestamp)`;
  // The sandboxes already listed, and this one if it is not; a cleared alert starts its list anew.
  const withThisSandbox = (name: "sandboxIds" | "failingSandboxIds") => {
    const column = Prisma.raw(`"${name}"`);
    const listed = Prisma.sql`COALESCE("Alert".${column}, '{}')`;
    return Prisma.sql`CASE WHEN ${cleared} THEN EXCLUDED.${column} ELSE ${listed} || ARRAY(SELECT unnest(EXCLUDED.${column}) EXCEPT SELECT unnest(${listed})) END`;
  };
  const rows = await db.$queryRaw<{ sandboxIds: string[] | null }[]>`
    INSERT INTO "Alert" (key, subject, detail, link, "firstAt", "lastAt", occurrences, "countedAt", "sandboxIds", "failingSandboxIds")
    VALUES (${alert.key}, ${alert.subject}, ${alert.detail}, ${alert.link ?? null}, ${now}, ${now}, 1, ${now}, ${ids}::text[], ${ids}::text[])
    ON CONFLICT (key) DO UPDATE SET subject = EXCLUDED.subject, detail = EXCLUDED.detail, link = EXCLUDED.link,
      "lastAt" = EXCLUDED."lastAt",
      -- Raised after it was cleared: a new occurrence of the condition, counted from its own start and told.
      "firstAt" = CASE WHEN ${cleared} THEN EXCLUDED."firstAt" ELSE "Alert"."firstAt" END,
      occurrences = CASE WHEN ${cleared} THEN 1 WHEN ${countsNow} THEN "Alert".occurrences + 1 ELSE "Alert".occurrences END,
      "countedAt" = CASE WHEN ${cleared} OR ${countsNow} THEN EXCLUDED."countedAt" ELSE "Alert"."countedAt" END,
      "notifiedAt" = CASE WHEN ${cleared} THEN NULL ELSE "Alert"."notifiedAt" END,
      "sandboxIds" = ${withThisSandbox("sandboxIds")},
      "failingSandboxIds" = ${withThisSandbox("failingSandboxIds")},
      "clearedAt" = NULL
    RETURNING "sandboxIds"`;
  return rows[0]?.sandboxIds ?? [];
}

/** Whoever moves notifiedAt tells the operators: two workers raising the same alert at once mail once. */
export async function tellOperatorsIfDue(alert: AlertInput, now: Date, delivery: NoticeDelivery = {}): Promise<"notified" | "counted"> {
  const claimed = await db.alert.updateMany({
    where: { key: alert.key, OR: [{ notifiedAt: null }, { notifiedAt: { lt: new Date(now.getTime() - alertRepeatMs()) } }] },
    data: { notifiedAt: now },
  });
  if (claimed.count === 0) return "counted";
  const [operators, { firstAt }] = await Promise.all([
    db.user.findMany({ where: { role: "OPERATOR", disabledAt: null }, select: { id: true } }),
    db.alert.findUniqueOrThrow({ where: { key: alert.key }, select: { firstAt: true } }),
  ]);
  await notifyUsers(
    operators.map((o) => o.id),
    {
      subject: alertSubject(alert.subject),
      link: alert.link,
      mail: createElement(AlertMail, { subject: alert.subject, detail: alert.detail, link: alert.link ?? null, firstAt }),
      always: true,
    },
    delivery,
  );
  return "notified";
}

/**
 * How long no one may have raised an alert before a check that finds its condition over clears
 * it. Each worker checks the servers and the queue every 5 minutes (a pass over many servers
 * that do not answer takes longer): a server only one worker cannot reach stays raised by that
 * worker, and is not cleared by the others and raised anew, with a mail, every few minutes.
 */
export const CLEAR_AFTER_QUIET_MS = 15 * 60_000;

/** Marks the alert's condition over; true when it was raised and is now cleared. */
export async function clearAlert(key: string, now = new Date(), quietMs = CLEAR_AFTER_QUIET_MS): Promise<boolean> {
  const { count } = await db.alert.updateMany({ where: { key, clearedAt: null, lastAt: { lt: new Date(now.getTime() - quietMs) } }, data: { clearedAt: now } });
  return count > 0;
}

/**
 * A sandbox's run succeeded: its earlier failures are over, whatever their reason. An alert its
 * failure shares with other sandboxes (run-failed.ts) is over once every one of them has succeeded.
 */
export async function clearRunFailedAlerts(sandboxId: string, now = new Date()): Promise<void> {
  await db.$executeRaw`
    UPDATE "Alert" SET "failingSandboxIds" = array_remove("failingSandboxIds", ${sandboxId}),
      "clearedAt" = CASE WHEN cardinality(array_remove("failingSandboxIds", ${sandboxId})) = 0 THEN ${now}::timestamp ELSE NULL END
    WHERE "clearedAt" IS NULL AND ${sandboxId} = ANY("failingSandboxIds")`;
  // Raised before failures were grouped: one alert per sandbox and reason.
  await db.alert.updateMany({ where: { key: { startsWith: `run-failed:${sandboxId}:` }, clearedAt: null }, data: { clearedAt: now } });
}

/** Best effort: an alert that cannot be raised is logged, and never fails the work that raised it. */
export async function raiseAlertQuietly(alert: AlertInput, delivery: NoticeDelivery = {}): Promise<void> {
  await raiseAlert(alert, new Date(), delivery).catch((error: unknown) => log.error({ err: error, alert: alert.key }, "alert could not be raised"));
}

/** Best effort, as raising. */
export async function clearAlertQuietly(key: string): Promise<void> {
  await clearAlert(key).catch((error: unknown) => log.error({ err: error, alert: key }, "alert could not be cleared"));
}

/** How long an alert whose condition has not come back is kept (one that comes back is raised anew). */
export const ALERT_RETENTION_DAYS = 90;

/** Forgets the alerts not raised again for ALERT_RETENTION_DAYS: a key per sandbox and failure reason, never dropped. */
export async function pruneAlerts(now = new Date()): Promise<number> {
  const { count } = await db.alert.deleteMany({ where: { lastAt: { lt: new Date(now.getTime() - ALERT_RETENTION_DAYS * 86_400_000) } } });
  return count;
}

