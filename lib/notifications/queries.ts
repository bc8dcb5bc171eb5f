/** A user's in-portal notifications: their own only. */
import "server-only";
import { db } from "../db/portal";

export interface NotificationItem {
  id: string;
  message: string;
  link: string | null;
  createdAt: Date;
  readAt: Date | null;
}

/**
 * The newest `take` notifications and the number unread, in one statement: the
 * bell is on every signed-in page, so it costs one round trip, and only the
 * newest rows are read (by the userId, createdAt index), however many a user has.
 */
export async function listNotifications(userId: string, take = 10): Promise<{ items: NotificationItem[]; unread: number }> {
  const rows = await db.$queryRaw<(Partial<NotificationItem> & { unread: number })[]>`
    SELECT u.unread, n.id, n.message, n.link, n."createdAt", n."readAt"
    FROM (SELECT count(*)::int AS unread FROM "Notification" WHERE "userId" = ${userId} AND "readAt" IS NULL) u
    LEFT JOIN LATERAL (
      SELECT id, message, link, "createdAt", "readAt" FROM "Notification" WHERE "userId" = ${userId} ORDER BY "createdAt" DESC LIMIT ${take}
    ) n ON true
    ORDER BY n."createdAt" DESC`;
  const items = rows.flatMap(({ id, message, link, createdAt, readAt }) => (id ? [{ id, message: message!, link: link ?? null, createdAt: createdAt!, readAt: readAt ?? null }] : []));
  return { items, unread: rows[0]?.unread ?? 0 };
}
