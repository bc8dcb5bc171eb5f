import { beforeAll, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

vi.mock("next-auth", () => import("../testing/fake-session"));
usePortalDatabase();

const { db } = await import("../db/portal");
const { session, signInAs } = await import("../testing/fake-session");
const { getActor } = await import("./actor");
const { authOptions } = await import("./options");
const { endAllSessions } = await import("./sessions");
const { signOutEverywhereAction } = await import("./actions");
const { env } = await import("../config/env");

describe("ending a session ends the token, not only the cookie", () => {
  let userId = "";
  beforeAll(async () => {
    userId = (await db.user.create({ data: { email: "sam@example.com", name: "Sam", role: "CUSTOMER_USER", passwordHash: "-" } })).id;
  });

  /** The same token in two browsers: signs in twice and keeps both sessions. */
  async function twoBrowsers() {
    signInAs(userId);
    expect(await getActor()).not.toBeNull();
    const first = session.current!;
    signInAs(userId);
    expect(await getActor()).not.toBeNull();
    return { first, second: session.current! };
  }

  it("signing out (next-auth's signOut event) ends that browser's session only", async () => {
    const { first, second } = await twoBrowsers();
    await authOptions().events!.signOut!({ token: { sub: userId, sid: first.sessionId }, session: null as never });
    session.current = first;
    expect(await getActor()).toBeNull();
    session.current = second;
    expect(await getActor()).not.toBeNull();
  });

  it("a token without a session, or naming another user's session, is refused", async () => {
    signInAs(userId);
    await getActor();
    const stolen = session.current!.sessionId;
    const otherId = (await db.user.create({ data: { email: "eve@example.com", name: "Eve", role: "CUSTOMER_USER", passwordHash: "-" } })).id;
    session.current = { userId: otherId, sessionId: stolen };
    expect(await getActor()).toBeNull();
    session.current = { userId, sessionId: "no-such-session" };
    expect(await getActor()).toBeNull();
  });

  it("sign out everywhere ends every session of the user, audited", async () => {
    const { first, second } = await twoBrowsers();
    session.current = first;
    await signOutEverywhereAction();
    for (const token of [first, second]) {
      session.current = token;
      expect(await getActor()).toBeNull();
    }
    expect(await db.auditEvent.count({ where: { action: "account.signedOutEverywhere", actorId: userId, targetId: userId } })).toBe(1);
  });

  it("a password or role change (endAllSessions) ends every session", async () => {
    const { first, second } = await twoBrowsers();
    await endAllSessions(userId);
    for (const token of [first, second]) {
      session.current = token;
      expect(await getActor()).toBeNull();
    }
  });

  it("an open session still refuses a token from before the password change, and staff without a second factor", async () => {
    signInAs(userId);
    expect(await getActor()).not.toBeNull();
    const open = session.current!;
    const issued = Math.floor(Date.now() / 1000);
    session.current = { ...open, authAt: issued };
    expect(await getActor()).not.toBeNull();
    await db.user.update({ where: { id: userId }, data: { passwordChangedAt: new Date((issued + 60) * 1000) } });
    expect(await getActor()).toBeNull();
    await db.user.update({ where: { id: userId }, data: { passwordChangedAt: new Date((issued - 60) * 1000), role: "OPERATOR" } });
    session.current = { ...open, twoFactor: false };
    expect(await getActor()).toBeNull();
    session.current = { ...open, twoFactor: true };
    expect(await getActor()).toMatchObject({ id: userId, role: "OPERATOR" });
    await db.user.update({ where: { id: userId }, data: { role: "CUSTOMER_USER" } });
  });

  it("ends a session its lifetime after sign-in, however often its token was renewed", async () => {
    signInAs(userId);
    expect(await getActor()).not.toBeNull();
    const open = session.current!;
    const maxAgeMs = env().SESSION_MAX_AGE_HOURS * 3_600_000;
    await db.user.update({ where: { id: userId }, data: { passwordChangedAt: new Date(Date.now() - 2 * maxAgeMs) } });
    // Signed in just inside the lifetime: the session holds.
    await db.userSession.update({ where: { id: open.sessionId }, data: { createdAt: new Date(Date.now() - maxAgeMs + 60_000) } });
    session.current = { ...open, authAt: Math.floor((Date.now() - maxAgeMs + 60_000) / 1000) };
    expect(await getActor()).not.toBeNull();
    // Past it: a renewed token (next-auth gives each read a new expiry) no longer opens it.
    await db.userSession.update({ where: { id: open.sessionId }, data: { createdAt: new Date(Date.now() - maxAgeMs - 60_000) } });
    expect(await getActor()).toBeNull();
    // Nor does a token claiming a sign-in that long ago, whatever its session row says.
    await db.userSession.update({ where: { id: open.sessionId }, data: { createdAt: new Date() } });
    session.current = { ...open, authAt: Math.floor((Date.now() - maxAgeMs - 60_000) / 1000) };
    expect(await getActor()).toBeNull();
  });

  it("signing in opens a session the token names", async () => {
    const token = await authOptions().callbacks!.jwt!({ token: {}, user: { id: userId, email: "sam@example.com" }, account: null } as never);
    expect(token.sid).toBeTruthy();
    session.current = { userId, sessionId: token.sid as string };
    expect((await getActor())?.id).toBe(userId);
  });
});
