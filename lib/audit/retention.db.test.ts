/** The audit log's retention: kept for ever unless an operator sets one; then older events go, a batch at a time. */
import { describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { pruneAuditLog } = await import("./retention");

const DAY = 86_400_000;
const now = new Date("2027-06-01T12:00:00Z");
const daysBefore = (days: number) => new Date(now.getTime() - days * DAY);

describe("the audit log's retention", () => {
  it("keeps every event when none is set, and drops only those older than the one set", async () => {
    await db.auditEvent.createMany({
      data: [
        { action: "sandbox.ordered", targetId: "kept-recent", createdAt: daysBefore(10) },
        { action: "sandbox.ordered", targetId: "kept-edge", createdAt: daysBefore(89) },
        { action: "sandbox.ordered", targetId: "old", createdAt: daysBefore(91) },
        { action: "sandbox.deleted", targetId: "older", createdAt: daysBefore(800) },
      ],
    });
    expect(await pruneAuditLog(now, undefined)).toBe(0);
    expect(await db.auditEvent.count()).toBe(4);

    expect(await pruneAuditLog(now, 90)).toBe(2);
    const left = await db.auditEvent.findMany({ select: { targetId: true }, orderBy: { createdAt: "asc" } });
    expect(left.map((e) => e.targetId)).toEqual(["kept-edge", "kept-recent"]);
    await db.auditEvent.deleteMany({});
  });

  it("drops a backlog larger than one batch in one sweep, and stops at what it must keep", async () => {
    const old = Array.from({ length: 12_001 }, (_, i) => ({ action: "sandbox.ordered", targetId: `old-${i}`, createdAt: daysBefore(400 + (i % 50)) }));
    await db.auditEvent.createMany({ data: [...old, { action: "sandbox.ordered", targetId: "recent", createdAt: daysBefore(1) }] });
    expect(await pruneAuditLog(now, 365)).toBe(12_001);
    expect(await db.auditEvent.findMany({ select: { targetId: true } })).toEqual([{ targetId: "recent" }]);
    await db.auditEvent.deleteMany({});
  });
});
