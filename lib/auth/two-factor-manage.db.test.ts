/**
 * Managing one's own two-factor sign-in once it is on: new recovery codes, a new phone, turning
 * it off. Each only with the current password and a current second factor (the app's code or an
 * unused recovery code), each spending what it was shown, and nothing changed by a refusal.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { session, signInAs } from "@/lib/testing/fake-session";

vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "x-forwarded-for": "198.51.100.21" }) }));

usePortalDatabase();

const { db } = await import("../db/portal");
const { renewRecoveryCodesAction, offerReplacementSecretAction, replaceTwoFactorAction, turnOffTwoFactorAction } = await import("./actions");
const { hashPassword } = await import("./password");
const { checkCredentials } = await import("./credentials");
const { enrolTwoFactor } = await import("./two-factor");
const { totpCode } = await import("./totp");
const { listOutbox } = await import("../notifications/mailer");
const { assertCurrentSecondFactor, changeSecondFactor } = await import("./current-second-factor");
const { loadActor } = await import("./load-actor");

const PASSWORD = "robin's own password";
const IP = "198.51.100.21";
let tenantId = "";
let n = 0;

interface Enrolled {
  id: string;
  email: string;
  secret: string;
  recoveryCodes: string[];
}

/** An account with two-factor on, signed in (a fresh session); its app's current code not used yet. */
async function enrolled(role: "CUSTOMER_USER" | "OPERATOR" = "CUSTOMER_USER"): Promise<Enrolled> {
  const email = `robin${++n}@manage.example`;
  const user = await db.user.create({ data: { email, name: "Robin", role, tenantId: role === "OPERATOR" ? null : tenantId, passwordHash: await hashPassword(PASSWORD) } });
  const { secret, recoveryCodes } = await enrolTwoFactor(user);
  signInAs(user.id);
  return { id: user.id, email, secret, recoveryCodes };
}

const secretOf = async (id: string) => (await db.user.findUniqueOrThrow({ where: { id }, select: { totpSecretEncrypted: true } })).totpSecretEncrypted;
const unusedCodes = (userId: string) => db.recoveryCode.count({ where: { userId, usedAt: null } });
const openSessions = (userId: string) => db.userSession.count({ where: { userId, endedAt: null } });
const audits = (action: string, actorId: string) => db.auditEvent.findMany({ where: { action, actorId }, select: { details: true } });
/** The app's code half a minute from now: a later time step than any code typed so far. */
const nextCode = (secret: string) => totpCode(secret, Math.floor(Date.now() / 1000) + 30);
/** A code that is certainly not the app's now. */
const notTheCode = async (secret: string) => String((Number(await totpCode(secret)) + 500_000) % 1_000_000).padStart(6, "0");

describe("managing one's own two-factor sign-in", () => {
  beforeAll(async () => {
    tenantId = (await db.tenant.create({ data: { customerId: "Cust4545", companyName: "Robin AS", productionUrlEncrypted: "x" } })).id;
  });
  beforeEach(() => signInAs(null));

  it("is refused without a session", async () => {
    const input = { currentPassword: PASSWORD, currentCode: "123456" };
    expect(await renewRecoveryCodesAction(input)).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
    expect(await offerReplacementSecretAction({})).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
    expect(await replaceTwoFactorAction({ ...input, offer: "x", code: "123456" })).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
    expect(await turnOffTwoFactorAction(input)).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
  });

  it("gives new recovery codes only with the current password and the app's code, which it spends; the old codes stop working", async () => {
    const me = await enrolled();
    const code = await totpCode(me.secret);
    expect(await renewRecoveryCodesAction({ currentPassword: "not mine", currentCode: code })).toMatchObject({
      ok: false,
      fieldErrors: { currentPassword: ["That is not your current password."] },
    });
    expect(await renewRecoveryCodesAction({ currentPassword: PASSWORD, currentCode: await notTheCode(me.secret) })).toMatchObject({
      ok: false,
      fieldErrors: { currentCode: [expect.stringMatching(/^That is neither the code your app shows now nor one of your unused recovery codes/)] },
    });
    expect(await renewRecoveryCodesAction({ currentPassword: PASSWORD, currentCode: "zzzz-zzzz-zzzz-zzzz" })).toMatchObject({ ok: false, fieldErrors: { currentCode: [expect.any(String)] } });
    expect(await audits("account.recoveryCodesRenewed", me.id)).toEqual([]);
    expect(await unusedCodes(me.id)).toBe(10);

    // As an app shows it, with a space.
    const renewed = await renewRecoveryCodesAction({ currentPassword: PASSWORD, currentCode: `${code.slice(0, 3)} ${code.slice(3)}` });
    if (!renewed.ok) throw new Error(renewed.message);
    expect(renewed.data.recoveryCodes).toHaveLength(10);
    expect(renewed.data.recoveryCodes).not.toContain(me.recoveryCodes[0]);
    // The session stays: nothing about the phone changed.
    expect(await openSessions(me.id)).toBe(1);
    expect(await audits("account.recoveryCodesRenewed", me.id)).toEqual([{ details: { email: me.email, proof: "app" } }]);
    // The code typed is spent; an old recovery code no longer signs in, a new one does.
    expect(await checkCredentials(me.email, PASSWORD, IP, code)).toMatchObject({ ok: false, reason: "invalidCode" });
    expect(await checkCredentials(me.email, PASSWORD, IP, me.recoveryCodes[0])).toMatchObject({ ok: false, reason: "invalidCode" });
    expect(await checkCredentials(me.email, PASSWORD, IP, renewed.data.recoveryCodes[0])).toMatchObject({ ok: true, twoFactor: true });
  });

  it("does not take an app code that already signed in", async () => {
    const me = await enrolled();
    const code = await totpCode(me.secret);
    expect(await checkCredentials(me.email, PASSWORD, IP, code)).toMatchObject({ ok: true });
    expect(await renewRecoveryCodesAction({ currentPassword: PASSWORD, currentCode: code })).toMatchObject({ ok: false, fieldErrors: { currentCode: [expect.any(String)] } });
  });

  it("moves to a new phone with a recovery code (the old phone lost): new key and codes, every session ended, the old phone's codes refused", async () => {
    const me = await enrolled();
    const before = await secretOf(me.id);
    const offer = await offerReplacementSecretAction({});
    if (!offer.ok) throw new Error(offer.message);
    expect(offer.data.secret).not.toBe(me.secret);
    // Nothing is stored by the offer.
    expect(await secretOf(me.id)).toBe(before);

    const newCode = await totpCode(offer.data.secret);
    // The new app's code must be the new key's: the old phone's code is refused there.
    const wrongApp = await replaceTwoFactorAction({ offer: offer.data.offer, code: await nextCode(me.secret) === newCode ? await notTheCode(offer.data.secret) : await nextCode(me.secret), currentPassword: PASSWORD, currentCode: me.recoveryCodes[4]! });
    expect(wrongApp).toMatchObject({ ok: false, fieldErrors: { code: [expect.stringMatching(/^That code is not the one your app shows now/)] } });
    // Refused, it spent nothing: the recovery code still works for the real change.
    expect(await unusedCodes(me.id)).toBe(10);

    const moved = await replaceTwoFactorAction({ offer: offer.data.offer, code: newCode, currentPassword: PASSWORD, currentCode: me.recoveryCodes[4]! });
    if (!moved.ok) throw new Error(moved.message);
    expect(moved.data.recoveryCodes).toHaveLength(10);
    expect(await openSessions(me.id)).toBe(0);
    expect(await audits("account.twoFactorReplaced", me.id)).toEqual([{ details: { email: me.email, proof: "recovery" } }]);

    // The old phone no longer signs in; the new app's code typed is spent; its next one signs in.
    expect(await checkCredentials(me.email, PASSWORD, IP, await nextCode(me.secret))).toMatchObject({ ok: false, reason: "invalidCode" });
    expect(await checkCredentials(me.email, PASSWORD, IP, newCode)).toMatchObject({ ok: false, reason: "invalidCode" });
    expect(await checkCredentials(me.email, PASSWORD, IP, me.recoveryCodes[5])).toMatchObject({ ok: false, reason: "invalidCode" });
    expect(await checkCredentials(me.email, PASSWORD, IP, await nextCode(offer.data.secret))).toMatchObject({ ok: true, twoFactor: true });
  });

  it("turns it off for a customer with the app's code: the password alone signs in again, the recovery codes are gone", async () => {
    const me = await enrolled();
    const off = await turnOffTwoFactorAction({ currentPassword: PASSWORD, currentCode: await totpCode(me.secret) });
    expect(off).toEqual({ ok: true, data: { off: true } });
    expect(await db.user.findUniqueOrThrow({ where: { id: me.id }, select: { totpSecretEncrypted: true, totpLastTimeStep: true } })).toEqual({ totpSecretEncrypted: null, totpLastTimeStep: null });
    expect(await db.recoveryCode.count({ where: { userId: me.id } })).toBe(0);
    expect(await audits("account.twoFactorTurnedOff", me.id)).toEqual([{ details: { email: me.email, proof: "app" } }]);
    expect(await checkCredentials(me.email, PASSWORD, IP)).toMatchObject({ ok: true, twoFactor: false });
    // The owner is told at the account's own address, whoever turned it off.
    const told = async () => (await listOutbox()).filter((m) => m.to.includes(me.email)).map((m) => `${m.subject}: ${m.text}`);
    await expect.poll(told).toContainEqual(expect.stringMatching(/^How you sign in to Sandbox Portal changed: [\s\S]*Two-factor sign-in was turned off for your account/));
    // Off, there is nothing left to manage.
    signInAs(me.id);
    expect(await renewRecoveryCodesAction({ currentPassword: PASSWORD, currentCode: me.recoveryCodes[0]! })).toMatchObject({ ok: false, code: "CONFLICT" });
    expect(await offerReplacementSecretAction({})).toMatchObject({ ok: false, code: "CONFLICT" });
  });

  it("never turns it off for staff, who must keep it; they may move it to a new phone", async () => {
    const staff = await enrolled("OPERATOR");
    const before = await secretOf(staff.id);
    expect(await turnOffTwoFactorAction({ currentPassword: PASSWORD, currentCode: await totpCode(staff.secret) })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(await secretOf(staff.id)).toBe(before);
    expect(await unusedCodes(staff.id)).toBe(10);
    const offer = await offerReplacementSecretAction({});
    if (!offer.ok) throw new Error(offer.message);
    const moved = await replaceTwoFactorAction({ offer: offer.data.offer, code: await totpCode(offer.data.secret), currentPassword: PASSWORD, currentCode: await totpCode(staff.secret) });
    expect(moved).toMatchObject({ ok: true });
  });

  it("ends the session at the fifth wrong code, with the password right each time, and changes nothing", async () => {
    const me = await enrolled();
    const before = await secretOf(me.id);
    const wrong = () => turnOffTwoFactorAction({ currentPassword: PASSWORD, currentCode: `wxyz-wxyz-wxyz-wxy${n}` });
    for (let i = 0; i < 4; i++) expect(await wrong()).toMatchObject({ ok: false, code: "INVALID_INPUT" });
    expect(await wrong()).toMatchObject({ ok: false, code: "UNAUTHENTICATED", message: expect.stringMatching(/^Too many wrong codes or passwords/) });
    expect(await db.userSession.count({ where: { id: session.current!.sessionId!, endedAt: null } })).toBe(0);
    expect(await secretOf(me.id)).toBe(before);
    expect(await audits("account.twoFactorTurnedOff", me.id)).toEqual([]);
  });

  it("ends the session after a burst of wrong codes sent at once, however they interleave", async () => {
    const me = await enrolled();
    const before = await secretOf(me.id);
    // One request first, so that the burst's all come with the one session it opened.
    expect(await offerReplacementSecretAction({})).toMatchObject({ ok: true });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => turnOffTwoFactorAction({ currentPassword: PASSWORD, currentCode: `burst-burst-bur${i}` })));
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(await db.userSession.count({ where: { id: session.current!.sessionId!, endedAt: null } })).toBe(0);
    expect(await secretOf(me.id)).toBe(before);
  });

  it("lands one of two renewals that show the same recovery code at once (two tabs): the codes shown are the ones kept", async () => {
    const me = await enrolled();
    const input = { currentPassword: PASSWORD, currentCode: me.recoveryCodes[2]! };
    const results = await Promise.all([renewRecoveryCodesAction(input), renewRecoveryCodesAction(input)]);
    const landed = results.filter((r) => r.ok);
    expect(landed).toHaveLength(1);
    // The loser read the code after the winner spent it (INVALID_INPUT) or before (CONFLICT at its write).
    expect(results.find((r) => !r.ok)).toMatchObject({ code: expect.stringMatching(/^(CONFLICT|INVALID_INPUT)$/) });
    expect(await audits("account.recoveryCodesRenewed", me.id)).toHaveLength(1);
    const shown = (landed[0] as { data: { recoveryCodes: string[] } }).data.recoveryCodes;
    expect(await checkCredentials(me.email, PASSWORD, IP, shown[9])).toMatchObject({ ok: true, twoFactor: true });
  });

  it("spends a proof once: two changes checked with the same code, one after the other, and the second is refused", async () => {
    const me = await enrolled();
    const actor = (await loadActor(me.id))!;
    const { passwordHash } = await db.user.findUniqueOrThrow({ where: { id: me.id }, select: { passwordHash: true } });
    for (const typed of [me.recoveryCodes[7]!, await totpCode(me.secret)]) {
      // Both checked before either writes, as two tabs' requests may be.
      const checked = [await assertCurrentSecondFactor(actor, typed), await assertCurrentSecondFactor(actor, typed)].map((proof) => ({ passwordHash, proof }));
      await db.$transaction((tx) => changeSecondFactor(tx, me.id, checked[0]!, {}));
      await expect(db.$transaction((tx) => changeSecondFactor(tx, me.id, checked[1]!, {}))).rejects.toMatchObject({ code: "CONFLICT" });
    }
  });
});
