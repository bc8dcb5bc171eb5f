/** Turning on one's own two-factor sign-in: nothing kept before a code and the current password check out; then on, sessions ended, audited. */
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { signInAs } from "@/lib/testing/fake-session";

vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "x-forwarded-for": "198.51.100.9" }) }));

usePortalDatabase();

const { db } = await import("../db/portal");
const { offerTwoFactorSecretAction, confirmTwoFactorSetupAction } = await import("./actions");
const { hashPassword } = await import("./password");
const { checkCredentials } = await import("./credentials");
const { totpCode, timeStepOf } = await import("./totp");

const PASSWORD = "pat's own password";
let tenantId = "";

async function makeUser(email: string, role: "CUSTOMER_USER" | "OPERATOR" = "CUSTOMER_USER"): Promise<string> {
  return (await db.user.create({ data: { email, name: "Pat", role, tenantId: role === "OPERATOR" ? null : tenantId, passwordHash: await hashPassword(PASSWORD) } })).id;
}

const stored = (id: string) => db.user.findUniqueOrThrow({ where: { id }, select: { totpSecretEncrypted: true, totpLastTimeStep: true } });

/** A secret offered to the signed-in user, with its sealed offer. */
async function offered(): Promise<{ secret: string; uri: string; offer: string }> {
  const offer = await offerTwoFactorSecretAction({});
  if (!offer.ok) throw new Error(offer.message);
  return offer.data;
}

describe("setting up one's own two-factor sign-in", () => {
  beforeAll(async () => {
    tenantId = (await db.tenant.create({ data: { customerId: "Cust4343", companyName: "Pat AS", productionUrlEncrypted: "x" } })).id;
  });
  beforeEach(() => signInAs(null));

  it("is refused without a session", async () => {
    expect(await offerTwoFactorSecretAction({})).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
    expect(await confirmTwoFactorSetupAction({ offer: "x", code: "123456", currentPassword: PASSWORD })).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
  });

  it("offers a key and its link, and keeps nothing until a code from it and the current password check out", async () => {
    const id = await makeUser("pat@pat.example");
    signInAs(id);
    const { secret, uri, offer } = await offered();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(offer).not.toContain(secret); // sealed: the page cannot swap in a key of its own
    expect(uri).toBe(`otpauth://totp/Sandbox%20Portal:pat%40pat.example?secret=${secret}&issuer=Sandbox%20Portal`);
    expect(await stored(id)).toEqual({ totpSecretEncrypted: null, totpLastTimeStep: null });

    const code = await totpCode(secret);
    const wrongPassword = await confirmTwoFactorSetupAction({ offer, code, currentPassword: "not mine" });
    expect(wrongPassword).toMatchObject({ ok: false, fieldErrors: { currentPassword: ["That is not your current password."] } });
    // A code from another key: the app does not hold this one.
    const otherCode = await totpCode((await offered()).secret);
    const wrongCode = await confirmTwoFactorSetupAction({ offer, code: otherCode === code ? String((Number(code) + 1) % 1e6).padStart(6, "0") : otherCode, currentPassword: PASSWORD });
    expect(wrongCode).toMatchObject({ ok: false, fieldErrors: { code: [expect.stringMatching(/^That code is not the one your app shows now/)] } });
    expect(await stored(id)).toEqual({ totpSecretEncrypted: null, totpLastTimeStep: null });
    expect(await db.auditEvent.count({ where: { action: "account.twoFactorSetUp", actorId: id } })).toBe(0);
  });

  it("turns it on: recovery codes shown once, every session ended, the code typed spent, audited", async () => {
    const id = await makeUser("kim@pat.example");
    signInAs(id);
    const { secret, offer } = await offered();
    const code = await totpCode(secret);
    // As an app shows it, with a space.
    const on = await confirmTwoFactorSetupAction({ offer, code: `${code.slice(0, 3)} ${code.slice(3)}`, currentPassword: PASSWORD });
    if (!on.ok) throw new Error(on.message);
    expect(on.data.recoveryCodes).toHaveLength(10);
    const after = await stored(id);
    expect(after.totpSecretEncrypted).not.toBeNull();
    expect(after.totpSecretEncrypted).not.toContain(secret); // sealed at rest
    expect(after.totpLastTimeStep).toBeGreaterThanOrEqual(timeStepOf(Date.now() / 1000) - 1);
    expect(await db.userSession.count({ where: { userId: id, endedAt: null } })).toBe(0);
    expect(await db.auditEvent.findMany({ where: { action: "account.twoFactorSetUp", actorId: id }, select: { targetId: true, tenantId: true } })).toEqual([{ targetId: id, tenantId }]);

    // Signing in now asks for a code; the one just typed is spent, a recovery code works once.
    expect(await checkCredentials("kim@pat.example", PASSWORD, "198.51.100.9")).toMatchObject({ ok: false, reason: "codeRequired" });
    expect(await checkCredentials("kim@pat.example", PASSWORD, "198.51.100.9", code)).toMatchObject({ ok: false, reason: "invalidCode" });
    expect(await checkCredentials("kim@pat.example", PASSWORD, "198.51.100.9", on.data.recoveryCodes[0])).toMatchObject({ ok: true, twoFactor: true });

    // Once on, it is replaced only by an operator.
    signInAs(id);
    expect(await offerTwoFactorSecretAction({})).toMatchObject({ ok: false, code: "CONFLICT", message: expect.stringMatching(/already on .* use the choices on this page/) });
    expect(await confirmTwoFactorSetupAction({ offer, code: await totpCode(secret), currentPassword: PASSWORD })).toMatchObject({ ok: false, code: "CONFLICT" });
  });

  it("takes back only an offer made to this account in the last 15 minutes: not another's, not an old one, not a made-up one", async () => {
    const other = await makeUser("other@pat.example");
    signInAs(other);
    const othersOffer = await offered();
    const id = await makeUser("lee@pat.example");
    signInAs(id);
    const refusedOffers = [othersOffer.offer, "v2:made:up:offer:x"];
    for (const offer of refusedOffers) {
      const result = await confirmTwoFactorSetupAction({ offer, code: await totpCode(othersOffer.secret), currentPassword: PASSWORD });
      expect(result).toMatchObject({ ok: false, code: "CONFLICT", message: expect.stringMatching(/^This set-up is no longer valid/) });
    }
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const { secret, offer } = await offered();
      vi.setSystemTime(Date.now() + 16 * 60_000);
      const late = await confirmTwoFactorSetupAction({ offer, code: await totpCode(secret), currentPassword: PASSWORD });
      expect(late).toMatchObject({ ok: false, code: "CONFLICT", message: expect.stringMatching(/over 15 minutes old/) });
    } finally {
      vi.useRealTimers();
    }
    expect(await stored(id)).toEqual({ totpSecretEncrypted: null, totpLastTimeStep: null });
  });

  it("keeps one of two confirmations at once (two tabs): the other is refused, and the recovery codes shown are the ones kept", async () => {
    const id = await makeUser("twotabs@pat.example");
    signInAs(id);
    const [first, second] = [await offered(), await offered()];
    const results = await Promise.all(
      [first, second].map(async ({ secret, offer }) => confirmTwoFactorSetupAction({ offer, code: await totpCode(secret), currentPassword: PASSWORD })),
    );
    const kept = results.filter((r) => r.ok);
    expect(kept).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ code: expect.stringMatching(/^(CONFLICT|UNAUTHENTICATED)$/) });
    const codes = (kept[0] as { data: { recoveryCodes: string[] } }).data.recoveryCodes;
    expect(await checkCredentials("twotabs@pat.example", PASSWORD, "198.51.100.9", codes[3])).toMatchObject({ ok: true, twoFactor: true });
  });

  it("is already on for staff: nothing to offer", async () => {
    const staff = await makeUser("op@pat.example", "OPERATOR");
    await db.user.update({ where: { id: staff }, data: { totpSecretEncrypted: "sealed-elsewhere" } });
    signInAs(staff);
    expect(await offerTwoFactorSecretAction({})).toMatchObject({ ok: false, code: "CONFLICT" });
  });

});
