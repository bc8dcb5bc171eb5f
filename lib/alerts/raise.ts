/**
 * Operators' alerts. Each condition has a key (a sandbox failing for one reason,
 * one unreachable server, a stale queue); its first occurrence tells every
 * operator, in the portal and by e-mail. The same condition again within
 * ALERT_REPEAT_HOURS is only counted, so a run failing the same way again and
 * again does not fill anyone's inbox; after the window it is told again.
 */
import { createHash } from "node:crypto";
import { db } from "../db/portal";
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
}

export const alertRepeatMs = () => env().ALERT_REPEAT_HOURS * 3600_000;

/** A short, stable fingerprint of a reason, for keys ("the same reason again"). */
export const fingerprint = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);

export async function raiseAlert(alert: AlertInput, now = new Date(), delivery: NoticeDelivery = {}): Promise<"notified" | "counted"> {
  await db.$executeRaw`
    INSERT INTO "Alert" (key, subject, detail, link, "firstAt", "lastAt", occurrences)
    VALUES (${alert.key}, ${alert.subject}, ${alert.detail}, ${alert.link ?? null}, ${now}, ${now}, 1)
    ON CONFLICT (key) DO UPDATE SET subject = EXCLUDED.subject, detail = EXCLUDED.detail, link = EXCLUDED.link,
      "lastAt" = EXCLUDED."lastAt", occurrences = "Alert".occurrences + 1`;
  // Whoever moves notifiedAt tells the operators: two workers raising the same alert at once mail once.
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

/** Best effort: an alert that cannot be raised is logged, and never fails the work that raised it. */
export async function raiseAlertQuietly(alert: AlertInput, delivery: NoticeDelivery = {}): Promise<void> {
  await raiseAlert(alert, new Date(), delivery).catch((error: unknown) => log.error({ err: error, alert: alert.key }, "alert could not be raised"));
}

/** How long an alert whose condition has not come back is kept (one that comes back is raised anew). */
export const ALERT_RETENTION_DAYS = 90;

/** Forgets the alerts not raised again for ALERT_RETENTION_DAYS: a key per sandbox and failure reason, never dropped. */
export async function pruneAlerts(now = new Date()): Promise<number> {
  const { count } = await db.alert.deleteMany({ where: { lastAt: { lt: new Date(now.getTime() - ALERT_RETENTION_DAYS * 86_400_000) } } });
  return count;
}

