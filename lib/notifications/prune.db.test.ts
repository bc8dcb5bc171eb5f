import { describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { NOTICE_RETENTION, pruneNotifications } = await import("./notify");
const { ALERT_RETENTION_DAYS, pruneAlerts } = await import("../alerts/raise");

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

describe("notices and alerts past their retention", () => {
  it("are forgotten: read notices after 90 days, unread ones after a year, alerts not raised again for 90 days", async () => {
    const user = await db.user.create({ data: { email: "inbox@example.com", name: "Inbox", role: "CUSTOMER_ADMIN", passwordHash: "-" } });
    const notice = (message: string, createdAt: Date, readAt: Date | null) => db.notification.create({ data: { userId: user.id, message, createdAt, readAt } });
    await notice("read long ago", daysAgo(NOTICE_RETENTION.readDays + 1), daysAgo(NOTICE_RETENTION.readDays));
    await notice("read lately", daysAgo(NOTICE_RETENTION.readDays - 1), daysAgo(1));
    await notice("unread, old", daysAgo(NOTICE_RETENTION.readDays + 1), null);
    await notice("unread, older than a year", daysAgo(NOTICE_RETENTION.unreadDays + 1), null);
    expect(await pruneNotifications()).toBe(2);
    expect((await db.notification.findMany({ orderBy: { createdAt: "asc" } })).map((n) => n.message)).toEqual(["unread, old", "read lately"]);

    await db.alert.createMany({
      data: [
        { key: "run-failed:gone", subject: "s", detail: "d", firstAt: daysAgo(200), lastAt: daysAgo(ALERT_RETENTION_DAYS + 1) },
        { key: "server-unreachable:pg-eu-2", subject: "s", detail: "d", firstAt: daysAgo(200), lastAt: daysAgo(1) },
      ],
    });
    expect(await pruneAlerts()).toBe(1);
    expect((await db.alert.findMany()).map((a) => a.key)).toEqual(["server-unreachable:pg-eu-2"]);
  });
});
