import { listNotifications } from "@/lib/notifications/queries";
import { NotificationList } from "./notification-list";

/** The bell in the shell: the signed-in user's own notifications, newest first. */
export async function NotificationBell({ userId }: { userId: string }) {
  const { items, unread } = await listNotifications(userId);
  return (
    <NotificationList
      unread={unread}
      items={items.map((n) => ({ id: n.id, message: n.message, link: n.link, createdAt: n.createdAt.toISOString(), read: n.readAt !== null }))}
    />
  );
}
