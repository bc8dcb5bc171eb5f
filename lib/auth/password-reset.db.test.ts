/**
 * A forgotten password set anew through a mailed link: the request says nothing of whether
 * the address has an account; the link works once, in time, over the password it was asked
 * under; setting it ends every session and every other link, and a second factor stays.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

vi.mock("next/headers", () => ({ headers: async () => new Headers({ "x-forwarded-for": "203.0.113.77" }) }));

usePortalDatabase();

const { db } = await import("../db/portal");
const { mailPasswordReset, resetPassword, prunePasswordResets, RESET_MINUTES } = await import("./password-reset");
const { requestPasswordResetAction, resetPasswordAction } = await import("./public-actions");
const { hashPassword } = await import("./password");
const { checkCredentials } = await import("./credentials");
const { enrolTwoFactor } = await import("./two-factor");
const { startSession } = await import("./sessions");
const { listOutbox } = await import("../notifications/mailer");
const { getBoss, stopBoss, PASSWORD_RESET_QUEUE } = await import("../jobs/queue");

const OLD = "the password I forgot";
const NEW = "a brand new password";
const IP = "203.0.113.77";
let outbox = "";
let n = 0;

async function person(options: { disabled?: boolean } = {}) {
  const email = `forgot${++n}@reset.example`;
  const user = await db.user.create({
    data: { email, name: `Forgetful ${n}`, role: "CUSTOMER_USER", passwordHash: await hashPassword(OLD), disabledAt: options.disabled ? new Date() : null },
  });
  return { id: user.id, email };
}

/** The token of the last link mailed to `email`, read off the mail as its reader would. */
async function mailedToken(email: string): Promise<string> {
  const mails = (await listOutbox(1_000)).filter((m) => m.to.includes(email));
  const link = /\/reset-password#([\w-]+)/.exec(mails[0]?.text ?? "");
  if (!link) throw new Error(`no reset link mailed to ${email}`);
  return link[1]!;
}
const mailsTo = async (email: string) => (await listOutbox(1_000)).filter((m) => m.to.includes(email)).length;
const reset = (token: string, password = NEW) => resetPassword({ token, newPassword: password, confirmPassword: password });

describe("setting a forgotten password through a mailed link", () => {
  beforeAll(async () => {
    outbox = await mkdtemp(path.join(tmpdir(), "reset-outbox-"));
    vi.stubEnv("OUTBOX_DIR", outbox);
    vi.stubEnv("NEXTAUTH_URL", "https://portal.example.com");
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await stopBoss();
    await rm(outbox, { recursive: true, force: true });
  });

  it("answers a request the same whether the address has an account, and queues it for a worker", async () => {
    const me = await person();
    const known = await requestPasswordResetAction({ email: me.email.toUpperCase() });
    const unknown = await requestPasswordResetAction({ email: "nobody@reset.example" });
    expect(known).toEqual(unknown);
    expect(known).toEqual({ ok: true, data: { queued: true } });
    // Nothing is mailed in the request itself: the worker does it.
    expect(await mailsTo(me.email)).toBe(0);
    const boss = await getBoss();
    const queued = await db.$queryRaw<{ email: string }[]>`SELECT data->>'email' AS email FROM pgboss.job WHERE name = ${PASSWORD_RESET_QUEUE} ORDER BY created_on`;
    expect(queued.map((j) => j.email)).toEqual([me.email, "nobody@reset.example"]);
    expect(boss).toBeTruthy();
    expect(await requestPasswordResetAction({ email: "not an address" })).toMatchObject({ ok: false, code: "INVALID_INPUT" });
  });

  it("mails a link to an enabled account only, a few an hour at most", async () => {
    const me = await person();
    const gone = await person({ disabled: true });
    expect(await mailPasswordReset({ email: "nobody@reset.example" })).toBe("no account");
    expect(await mailPasswordReset({ email: gone.email })).toBe("no account");
    expect(await mailsTo(gone.email)).toBe(0);
    for (let i = 0; i < 3; i++) expect(await mailPasswordReset({ email: me.email })).toBe("mailed");
    expect(await mailPasswordReset({ email: me.email })).toBe("too many");
    expect(await mailsTo(me.email)).toBe(3);
    const mail = (await listOutbox(1_000)).find((m) => m.to.includes(me.email))!;
    expect(mail.subject).toBe("Set a new password for Sandbox Portal");
    // The secret rides after the '#': never sent to a server, so in no log or Referer.
    expect(mail.text).toMatch(/https:\/\/portal\.example\.com\/reset-password#[\w-]{43}/);
    // Only the link's hash is kept.
    const token = await mailedToken(me.email);
    expect(await db.passwordReset.count({ where: { tokenHash: token } })).toBe(0);
  });

  it("keeps to the hour's allowance when jobs for one address run at the same moment", async () => {
    const me = await person();
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => mailPasswordReset({ email: me.email })));
    expect(outcomes.filter((o) => o === "mailed")).toHaveLength(3);
    expect(await db.passwordReset.count({ where: { userId: me.id } })).toBe(3);
  });

  it("sets the new password once: every session and every other link ended, sign-in locks lifted, audited; the second factor stays", async () => {
    const me = await person();
    const { recoveryCodes } = await enrolTwoFactor(me);
    await mailPasswordReset({ email: me.email });
    const earlier = await mailedToken(me.email);
    await mailPasswordReset({ email: me.email });
    const token = await mailedToken(me.email);
    await startSession(me.id);
    // Someone locked the account out by guessing.
    for (let i = 0; i < 6; i++) await checkCredentials(me.email, "a wrong guess", IP);
    expect(await checkCredentials(me.email, OLD, IP, recoveryCodes[0])).toMatchObject({ ok: false, reason: "throttled" });

    expect(await reset(token)).toBe("reset");
    expect(await db.userSession.count({ where: { userId: me.id, endedAt: null } })).toBe(0);
    expect(await db.auditEvent.findMany({ where: { action: "account.passwordResetByMail", actorId: me.id }, select: { details: true } })).toEqual([{ details: { email: me.email } }]);
    // The locks are lifted; the old password opens nothing; the new one still asks for the second factor.
    expect(await checkCredentials(me.email, OLD, IP, recoveryCodes[0])).toMatchObject({ ok: false, reason: "invalid" });
    expect(await checkCredentials(me.email, NEW, IP)).toMatchObject({ ok: false, reason: "codeRequired" });
    expect(await checkCredentials(me.email, NEW, IP, recoveryCodes[1])).toMatchObject({ ok: true, twoFactor: true });
    // The link, and the one mailed before it, do nothing more.
    await expect(reset(token, "yet another password")).rejects.toMatchObject({ code: "CONFLICT", userMessage: expect.stringMatching(/^This link no longer works/) });
    await expect(reset(earlier, "yet another password")).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("refuses a link that is late, made up, of a disabled account, or asked before the password was changed otherwise", async () => {
    const late = await person();
    await mailPasswordReset({ email: late.email }, new Date(Date.now() - (RESET_MINUTES + 1) * 60_000));
    await expect(reset(await mailedToken(late.email))).rejects.toMatchObject({ code: "CONFLICT" });

    await expect(reset("a-made-up-token-of-enough-length")).rejects.toMatchObject({ code: "CONFLICT" });

    const leaving = await person();
    await mailPasswordReset({ email: leaving.email });
    await db.user.update({ where: { id: leaving.id }, data: { disabledAt: new Date() } });
    await expect(reset(await mailedToken(leaving.email))).rejects.toMatchObject({ code: "CONFLICT" });

    // An operator reset the password after the link was asked for: the operator's stays.
    const reset_ = await person();
    await mailPasswordReset({ email: reset_.email }, new Date(Date.now() - 60_000));
    await db.user.update({ where: { id: reset_.id }, data: { passwordHash: await hashPassword("the operator's choice"), passwordChangedAt: new Date() } });
    await expect(reset(await mailedToken(reset_.email))).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await checkCredentials(reset_.email, "the operator's choice", IP)).toMatchObject({ ok: true });
    for (const { email } of [late, leaving]) expect(await checkCredentials(email, NEW, IP)).toMatchObject({ ok: false });
  });

  it("sets it through the page's action: a short or mismatched password refused, a used link refused in plain words", async () => {
    const me = await person();
    await mailPasswordReset({ email: me.email });
    const token = await mailedToken(me.email);
    expect(await resetPasswordAction({ token, newPassword: "short", confirmPassword: "short" })).toMatchObject({ ok: false, fieldErrors: { newPassword: [expect.any(String)] } });
    expect(await resetPasswordAction({ token, newPassword: NEW, confirmPassword: `${NEW}!` })).toMatchObject({ ok: false, fieldErrors: { confirmPassword: [expect.any(String)] } });
    expect(await resetPasswordAction({ token, newPassword: NEW, confirmPassword: NEW })).toEqual({ ok: true, data: { outcome: "reset" } });
    expect(await resetPasswordAction({ token, newPassword: NEW, confirmPassword: NEW })).toMatchObject({ ok: false, code: "CONFLICT", message: expect.stringMatching(/^This link no longer works/) });
    expect(await checkCredentials(me.email, NEW, IP)).toMatchObject({ ok: true });
  });

  it("times a link by the database's clock: one mailed by a worker whose machine runs 40 minutes behind still works when it arrives", async () => {
    const { id, email } = await person();
    // The worker's machine, its clock 40 minutes behind the database's (and the web servers').
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() - 40 * 60_000);
    try {
      expect(await mailPasswordReset({ email })).toBe("mailed");
    } finally {
      vi.useRealTimers();
    }
    // The link opened at once, on a web server whose clock agrees with the database.
    expect(await reset(await mailedToken(email))).toBe("reset");
    expect((await checkCredentials(email, NEW, IP)).ok).toBe(true);
    expect(await db.passwordReset.count({ where: { userId: id, usedAt: null } })).toBe(0);
  });

  it("forgets links past their time", async () => {
    const me = await person();
    await mailPasswordReset({ email: me.email }, new Date(Date.now() - 3 * 3_600_000));
    expect(await prunePasswordResets()).toBeGreaterThanOrEqual(1);
    expect(await db.passwordReset.count({ where: { userId: me.id } })).toBe(0);
  });
});
