/** A person's own password change: only with the current password, throttled as sign-in is, every session ended, audited. */
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { signInAs } from "@/lib/testing/fake-session";

vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
// The client's address as the portal's front hands it on (lib/http/client-address.ts); a test may move it.
const client = vi.hoisted(() => ({ address: "203.0.113.7" }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "x-forwarded-for": client.address }) }));

usePortalDatabase();

const { db } = await import("../db/portal");
const { changePasswordAction } = await import("./actions");
const { hashPassword, verifyPassword } = await import("./password");
const { startSession } = await import("./sessions");
const { checkCredentials } = await import("./credentials");

const OLD = "old-password-1234";
const NEW = "a new passphrase of words";
let userId = "";
let tenantId = "";

async function makeUser(email: string): Promise<string> {
  const user = await db.user.create({ data: { email, name: "Pat Changer", role: "CUSTOMER_USER", tenantId, passwordHash: await hashPassword(OLD) } });
  return user.id;
}

const passwordHash = async (id: string) => (await db.user.findUniqueOrThrow({ where: { id }, select: { passwordHash: true } })).passwordHash;

describe("changing one's own password", () => {
  beforeAll(async () => {
    tenantId = (await db.tenant.create({ data: { customerId: "Cust4242", companyName: "Pat AS", productionUrlEncrypted: "x" } })).id;
    userId = await makeUser("pat@pat.example");
  });
  beforeEach(() => signInAs(null));

  it("is refused without a session", async () => {
    expect(await changePasswordAction({ currentPassword: OLD, newPassword: NEW, confirmPassword: NEW })).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
  });

  it("says what is wrong with the form's fields: too short, the same as now, typed differently", async () => {
    signInAs(userId);
    const short = await changePasswordAction({ currentPassword: OLD, newPassword: "short", confirmPassword: "short" });
    expect(short).toMatchObject({ ok: false, code: "INVALID_INPUT", fieldErrors: { newPassword: ["Use at least 12 characters."] } });
    const same = await changePasswordAction({ currentPassword: OLD, newPassword: OLD, confirmPassword: OLD });
    expect(same).toMatchObject({ fieldErrors: { newPassword: ["Choose a password other than your current one."] } });
    const differ = await changePasswordAction({ currentPassword: OLD, newPassword: NEW, confirmPassword: `${NEW}!` });
    expect(differ).toMatchObject({ fieldErrors: { confirmPassword: ["Type the same new password again."] } });
    expect(await verifyPassword(await passwordHash(userId), OLD)).toBe(true);
  });

  it("takes only the current password, and a wrong one leaves everything as it was", async () => {
    signInAs(userId);
    const wrong = await changePasswordAction({ currentPassword: "not-my-password", newPassword: NEW, confirmPassword: NEW });
    expect(wrong).toEqual({ ok: false, code: "INVALID_INPUT", message: "Some fields need your attention.", fieldErrors: { currentPassword: ["That is not your current password."] } });
    expect(await verifyPassword(await passwordHash(userId), OLD)).toBe(true);
    expect(await db.auditEvent.count({ where: { action: "account.passwordChanged" } })).toBe(0);
  });

  it("sets the new password and ends every session of the account, this one and another device's, audited", async () => {
    signInAs(userId);
    const elsewhere = await startSession(userId);
    const before = await passwordHash(userId);
    const changed = await changePasswordAction({ currentPassword: OLD, newPassword: NEW, confirmPassword: NEW });
    expect(changed).toEqual({ ok: true, data: { signedOut: true } });
    const after = await passwordHash(userId);
    expect(JSON.stringify(changed)).not.toContain(after);
    expect(after).not.toBe(before);
    expect(await verifyPassword(after, NEW)).toBe(true);
    expect(await verifyPassword(after, OLD)).toBe(false);
    expect(await db.userSession.count({ where: { userId, endedAt: null } })).toBe(0);
    expect((await db.userSession.findUniqueOrThrow({ where: { id: elsewhere } })).endedAt).not.toBeNull();
    expect((await db.user.findUniqueOrThrow({ where: { id: userId } })).passwordChangedAt).not.toBeNull();
    const audit = await db.auditEvent.findMany({ where: { action: "account.passwordChanged" }, select: { actorId: true, tenantId: true, targetId: true, details: true } });
    expect(audit).toMatchObject([{ actorId: userId, tenantId, targetId: userId }]);
    expect(JSON.stringify(audit)).not.toContain(NEW);
    // This browser's session ended with it: the next request is a signed-out one.
    expect(await changePasswordAction({ currentPassword: NEW, newPassword: OLD, confirmPassword: OLD })).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
    expect(await checkCredentials("pat@pat.example", NEW, "203.0.113.7")).toMatchObject({ ok: true });
  });

  it("counts wrong current passwords as failed sign-ins: a session left open cannot be used to guess it", async () => {
    const guessed = await makeUser("guessed@pat.example");
    signInAs(guessed);
    for (let i = 0; i < 4; i++) {
      expect(await changePasswordAction({ currentPassword: `guess-${i}`, newPassword: NEW, confirmPassword: NEW })).toMatchObject({ code: "INVALID_INPUT" });
    }
    // The fifth ends the session; the account is locked for this address, at the sign-in form too.
    expect(await changePasswordAction({ currentPassword: "guess-4", newPassword: NEW, confirmPassword: NEW })).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(await checkCredentials("guessed@pat.example", OLD, "203.0.113.7")).toMatchObject({ ok: false, reason: "throttled" });
    // Another session of the owner, with the right password: refused while the lock on this address lasts.
    signInAs(guessed);
    const locked = await changePasswordAction({ currentPassword: OLD, newPassword: NEW, confirmPassword: NEW });
    expect(locked).toMatchObject({ ok: false, code: "TOO_MANY_ATTEMPTS", message: expect.stringMatching(/^Too many wrong attempts/) });
    expect(await verifyPassword(await passwordHash(guessed), OLD)).toBe(true);
  });

  it("counts them against the session from every address too: a stolen cookie gets five guesses in all, then its session ends; the owner is not locked out", async () => {
    const roaming = await makeUser("roaming@pat.example");
    signInAs(roaming);
    try {
      for (let i = 0; i < 4; i++) {
        client.address = `192.0.2.${10 + i}`;
        expect(await changePasswordAction({ currentPassword: `guess-${i}`, newPassword: NEW, confirmPassword: NEW })).toMatchObject({ code: "INVALID_INPUT" });
      }
      client.address = "192.0.2.20";
      const fifth = await changePasswordAction({ currentPassword: "guess-4", newPassword: NEW, confirmPassword: NEW });
      expect(fifth).toMatchObject({ ok: false, code: "UNAUTHENTICATED", message: expect.stringMatching(/^Too many wrong codes or passwords: for your security, this session is signed out/) });
      expect(await changePasswordAction({ currentPassword: OLD, newPassword: NEW, confirmPassword: NEW })).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
      // The owner, in a session of their own, changes it: the guesses were that session's alone.
      signInAs(roaming);
      client.address = "198.51.100.1";
      expect(await changePasswordAction({ currentPassword: OLD, newPassword: NEW, confirmPassword: NEW })).toEqual({ ok: true, data: { signedOut: true } });
    } finally {
      client.address = "203.0.113.7";
    }
  });

  it("is not kept from a signed-in person by a lock on their address that spraying other accounts set", async () => {
    const sprayed = await makeUser("sprayed@pat.example");
    client.address = "198.51.100.77";
    try {
      // Someone sharing the address tries one password on many accounts until the address is locked.
      for (let i = 0; i < 40; i++) await checkCredentials(`nobody${i}@pat.example`, "Summer2026!", client.address);
      expect(await checkCredentials("sprayed@pat.example", OLD, client.address)).toMatchObject({ reason: "throttled" });
      signInAs(sprayed);
      expect(await changePasswordAction({ currentPassword: OLD, newPassword: NEW, confirmPassword: NEW })).toEqual({ ok: true, data: { signedOut: true } });
    } finally {
      client.address = "203.0.113.7";
    }
  });

  it("lands one of two changes at once, over the password both checked: the other is refused, and the password is the one that landed", async () => {
    const twice = await makeUser("twice@pat.example");
    signInAs(twice);
    const results = await Promise.all(["first new password", "second new password"].map((next) => changePasswordAction({ currentPassword: OLD, newPassword: next, confirmPassword: next })));
    const landed = results.flatMap((r, i) => (r.ok ? [["first new password", "second new password"][i]!] : []));
    expect(landed).toHaveLength(1);
    // Refused wherever it met the first: its write found the password changed (CONFLICT), its session
    // already ended (UNAUTHENTICATED), or the password it typed was no longer the current one (INVALID_INPUT).
    expect(results.find((r) => !r.ok)).toMatchObject({ code: expect.stringMatching(/^(CONFLICT|UNAUTHENTICATED|INVALID_INPUT)$/) });
    expect(await verifyPassword(await passwordHash(twice), landed[0]!)).toBe(true);
  });
});
