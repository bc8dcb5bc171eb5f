/** A user's in-portal notifications: their own only. */
import "server-only";
import { db } from "../db/portal";

export async function listNotifications(userId: string, take = 10) {
  const [items, unread] = await Promise.all([
    db.notification.findMany({
      where: { userId },
      orderBy: { createdAt: "desc" },
      take,
      select: { id: true, message: true, link: true, createdAt: true, readAt: true },
    }),
    db.notification.count({ where: { userId, readAt: null } }),
  ]);
  return { items, unread };
}
