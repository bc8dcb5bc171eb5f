import "server-only";
import { db } from "../db/portal";

/** Marks one of the user's notifications (or all of them) read; another user's id matches nothing. */
export async function markNotificationsRead(userId: string, id?: string): Promise<number> {
  const { count } = await db.notification.updateMany({
    where: { userId, readAt: null, ...(id ? { id } : {}) },
    data: { readAt: new Date() },
  });
  return count;
}
