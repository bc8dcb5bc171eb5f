/**
 * Marking notices read from the bell: every role may, but only its own notices.
 * Only the session is faked; users and notices are real rows.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { signInAs } from "@/lib/testing/fake-session";

vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

usePortalDatabase();

const { db } = await import("../db/portal");
const { markNotificationsReadAction } = await import("./actions");

let alice = "";
let bob = "";
const notice = (userId: string, message: string) => db.notification.create({ data: { userId, message }, select: { id: true } });
const unread = (userId: string) => db.notification.count({ where: { userId, readAt: null } });

beforeAll(async () => {
  const tenantId = (await db.tenant.create({ data: { customerId: "Cust55001", companyName: "Alpha AS", productionUrlEncrypted: "sealed" } })).id;
  alice = (await db.user.create({ data: { email: "alice@alpha.example", name: "Alice", role: "CUSTOMER_ADMIN", tenantId, passwordHash: "-" } })).id;
  // Same tenant, so only the user id keeps them apart.
  bob = (await db.user.create({ data: { email: "bob@alpha.example", name: "Bob", role: "CUSTOMER_USER", tenantId, passwordHash: "-" } })).id;
});
beforeEach(() => signInAs(null));
afterEach(async () => {
  signInAs(null);
  await db.notification.deleteMany({});
});

describe("marking notifications read", () => {
  it("marks nothing of another user's, by id or all at once, and nothing signed out", async () => {
    const bobs = [await notice(bob, "Your sandbox is ready."), await notice(bob, "Your refresh failed.")];
    signInAs(null);
    expect(await markNotificationsReadAction({ id: bobs[0]!.id })).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
    signInAs(alice);
    for (const { id } of bobs) expect(await markNotificationsReadAction({ id })).toEqual({ ok: true, data: { marked: 0 } });
    // "Mark all read" is Alice's all, not everyone's.
    expect(await markNotificationsReadAction({})).toEqual({ ok: true, data: { marked: 0 } });
    expect(await unread(bob)).toBe(2);
  });

  it("marks the user's own, one by id or all at once", async () => {
    const [first] = [await notice(bob, "one"), await notice(bob, "two"), await notice(bob, "three")];
    const alices = await notice(alice, "Alice's own");
    signInAs(bob);
    expect(await markNotificationsReadAction({ id: first!.id })).toEqual({ ok: true, data: { marked: 1 } });
    expect((await db.notification.findUniqueOrThrow({ where: { id: first!.id } })).readAt).not.toBeNull();
    expect(await unread(bob)).toBe(2);
    expect(await markNotificationsReadAction({})).toEqual({ ok: true, data: { marked: 2 } });
    expect(await unread(bob)).toBe(0);
    expect((await db.notification.findUniqueOrThrow({ where: { id: alices.id } })).readAt).toBeNull();
  });
});
