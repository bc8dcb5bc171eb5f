/** Tells people about something: a notification in the portal and an e-mail, to each recipient once. */
import { db } from "../db/portal";
import { sendMail } from "./mailer";

export interface Notice {
  subject: string;
  text: string;
  link?: string;
}

export async function notifyUsers(userIds: string[], notice: Notice): Promise<void> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return;
  const users = await db.user.findMany({ where: { id: { in: unique } }, select: { id: true, email: true } });
  await db.notification.createMany({
    data: users.map((u) => ({ userId: u.id, message: notice.subject, link: notice.link ?? null })),
  });
  const baseUrl = process.env.NEXTAUTH_URL ?? "http://localhost:3000";
  const text = notice.link ? `${notice.text}\n\n${baseUrl}${notice.link}` : notice.text;
  await sendMail({ to: users.map((u) => u.email), subject: notice.subject, text });
}

export async function tenantAdminIds(tenantId: string): Promise<string[]> {
  const admins = await db.user.findMany({ where: { tenantId, role: "CUSTOMER_ADMIN" }, select: { id: true } });
  return admins.map((a) => a.id);
}
