import { describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { pruneSessions } = await import("./sessions");
const { pruneLoginThrottle } = await import("./throttle");
const { env } = await import("../config/env");

const hoursAgo = (h: number, now: Date) => new Date(now.getTime() - h * 3_600_000);

describe("what sign-ins leave behind is forgotten once it can no longer matter", () => {
  it("sessions ended or too old to use go; open ones stay", async () => {
    const now = new Date();
    const user = await db.user.create({ data: { email: "gone@example.com", name: "Left the customer", role: "CUSTOMER_USER", passwordHash: "-" } });
    const open = await db.userSession.create({ data: { userId: user.id } });
    await db.userSession.create({ data: { userId: user.id, endedAt: now } });
    await db.userSession.create({ data: { userId: user.id, createdAt: hoursAgo(env().SESSION_MAX_AGE_HOURS + 1, now) } });
    expect(await pruneSessions(now)).toBe(2);
    expect((await db.userSession.findMany({ where: { userId: user.id } })).map((s) => s.id)).toEqual([open.id]);
  });

  it("throttle rows go once their window has closed and no lock holds; counting and locked ones stay", async () => {
    const now = new Date();
    const windowMs = env().LOGIN_LOCK_MINUTES * 60_000;
    const closed = new Date(now.getTime() - windowMs - 1_000);
    await db.loginThrottle.createMany({
      data: [
        { key: "ip:203.0.113.0/24", failures: 3, windowStart: closed },
        { key: "code:old@example.com", failures: 9, windowStart: closed, lockedUntil: new Date(now.getTime() - 1_000) },
        { key: "ip:198.51.100.0/24", failures: 2, windowStart: now },
        { key: "acct:locked@example.com|192.0.2.0/24", failures: 0, windowStart: closed, lockedUntil: new Date(now.getTime() + windowMs) },
      ],
    });
    expect(await pruneLoginThrottle(now)).toBe(2);
    expect((await db.loginThrottle.findMany({ orderBy: { key: "asc" } })).map((r) => r.key)).toEqual(["acct:locked@example.com|192.0.2.0/24", "ip:198.51.100.0/24"]);
  });
});
