/**
 * Tells people about something: a notification in the portal (its subject,
 * linking to the page) and an e-mail built from a mail component, sent as HTML
 * with a plain-text twin, to each recipient once and apart, unless they turned
 * such mails off on their account page (User.mailNotices): the notification stays.
 * Operators' alerts are mailed whatever the choice (`always`): on call, nobody
 * watches the bell.
 */
import type { ReactElement } from "react";
import { db } from "../db/portal";
import { renderMail } from "../emails/render";
import { sendMailOrLater } from "./mail-retry";
import { log } from "../observability/log";

export interface Notice {
  subject: string;
  link?: string;
  mail: ReactElement;
  /** Mailed even to those who stopped notice mails (operators' alerts). */
  always?: boolean;
}

export interface NoticeDelivery {
  /**
   * Returns once the notices are in the portal, the mails going on their own: for a person's
   * request (filing or cancelling an order), which a mail server that does not answer held for
   * its timeouts, for each recipient one after another (ten seconds an admin, never greeted).
   */
  mailsInBackground?: boolean;
}

export async function notifyUsers(userIds: string[], notice: Notice, { mailsInBackground = false }: NoticeDelivery = {}): Promise<void> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return;
  // A disabled account is told of nothing: its person may have left the customer.
  const users = await db.user.findMany({ where: { id: { in: unique }, disabledAt: null }, select: { id: true, email: true, mailNotices: true } });
  await db.notification.createMany({
    data: users.map((u) => ({ userId: u.id, message: notice.subject, link: notice.link ?? null })),
  });
  // A message each: one To: line would show every recipient's address to the others (a
  // tenant's admins the operator's who refreshed their sandbox, and each other's).
  // One after another (a mail server refuses many connections at once), and one address it
  // refuses does not keep the others from theirs.
  const mailed = notice.always ? users : users.filter((u) => u.mailNotices);
  if (mailed.length === 0) return;
  const mailing = mailEach(mailed, notice);
  if (!mailsInBackground) return mailing;
  void mailing.catch((error: unknown) => log.error({ err: error, of: mailed.length }, "notification mails not sent"));
}

async function mailEach(mailed: { email: string }[], notice: Notice): Promise<void> {
  const mail = await renderMail(notice.mail);
  let failed = 0;
  for (const user of mailed) {
    // Refused by the mail server, it is sent again later (mail-retry.ts); lost only if it could not even be queued.
    await sendMailOrLater({ to: [user.email], subject: notice.subject, ...mail }).catch((error: unknown) => {
      if (failed++ === 0) log.error({ err: error, of: mailed.length }, "notification mail not sent");
    });
  }
  if (failed > 1) log.error({ failed, of: mailed.length }, "notification mails not sent");
}

export async function tenantAdminIds(tenantId: string): Promise<string[]> {
  const admins = await db.user.findMany({ where: { tenantId, role: "CUSTOMER_ADMIN", disabledAt: null }, select: { id: true } });
  return admins.map((a) => a.id);
}

/** How long notices are kept: read ones for 90 days, unread ones for a year (the list shows the newest). */
export const NOTICE_RETENTION = { readDays: 90, unreadDays: 365 } as const;

/** Forgets the notices past their retention: every run told a dozen people, and none was ever dropped. */
export async function pruneNotifications(now = new Date()): Promise<number> {
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
  const { count } = await db.notification.deleteMany({
    where: { OR: [{ readAt: { not: null }, createdAt: { lt: daysAgo(NOTICE_RETENTION.readDays) } }, { createdAt: { lt: daysAgo(NOTICE_RETENTION.unreadDays) } }] },
  });
  return count;
}

