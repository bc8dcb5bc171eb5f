/**
 * A person who turned notice mails off still gets the notice in the portal, and no mail;
 * others get both. Only the signed-in person sets their own choice (audited), and neither
 * operators' alerts nor the mails about one's own sign-in heed it.
 */
import { createElement } from "react";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { signInAs } from "@/lib/testing/fake-session";

vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
usePortalDatabase();

const { db } = await import("../db/portal");
const { notifyUsers } = await import("./notify");
const { listOutbox } = await import("./mailer");
const { setMailNoticesAction } = await import("../auth/actions");
const { mailNoticesOf } = await import("./mail-preference");
const { hashPassword } = await import("../auth/password");
const { noticeAccountChange } = await import("../auth/account-notice");
const { raiseAlert } = await import("../alerts/raise");

let tenantId = "";
let n = 0;
const person = async () =>
  (await db.user.create({ data: { email: `m${++n}@mail-pref.example`, name: `Mail ${n}`, role: "CUSTOMER_ADMIN", tenantId, passwordHash: await hashPassword("a password of theirs") } })).id;
const mailsTo = async (email: string) => (await listOutbox(1_000)).filter((m) => m.to.includes(email));
const emailOf = async (id: string) => (await db.user.findUniqueOrThrow({ where: { id } })).email;

beforeAll(async () => {
  tenantId = (await db.tenant.create({ data: { customerId: "Cust7601", companyName: "Quiet AS", productionUrlEncrypted: "sealed" } })).id;
});

describe("notices by e-mail", () => {
  it("are on for a new account, and turned off by the person themselves, for themselves only", async () => {
    const quiet = await person();
    const other = await person();
    expect(await mailNoticesOf(quiet)).toBe(true);
    signInAs(null);
    expect(await setMailNoticesAction({ mailNotices: false })).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
    signInAs(quiet);
    expect(await setMailNoticesAction({ mailNotices: "no" as never })).toMatchObject({ ok: false, code: "INVALID_INPUT" });
    expect(await setMailNoticesAction({ mailNotices: false })).toEqual({ ok: true, data: { mailNotices: false } });
    expect(await mailNoticesOf(quiet)).toBe(false);
    expect(await mailNoticesOf(other)).toBe(true);
    expect(await db.auditEvent.findMany({ where: { action: "account.mailNotices" }, select: { actorId: true, details: true } })).toEqual([{ actorId: quiet, details: { mailNotices: false } }]);
  });

  it("is set at most a bounded number of times in a window: a loop cannot audit without end", async () => {
    const looping = await person();
    signInAs(looping);
    const { WRITES_PER_WINDOW } = await import("../actions/write-bound");
    for (let i = 0; i < WRITES_PER_WINDOW; i++) expect(await setMailNoticesAction({ mailNotices: i % 2 === 0 })).toMatchObject({ ok: true });
    expect(await setMailNoticesAction({ mailNotices: false })).toMatchObject({ ok: false, code: "TOO_MANY_ATTEMPTS" });
    expect(await db.auditEvent.count({ where: { action: "account.mailNotices", actorId: looping } })).toBe(WRITES_PER_WINDOW);
  });

  it("off: the notice is in the portal and no mail goes; on: both", async () => {
    const quiet = await person();
    const told = await person();
    await db.user.update({ where: { id: quiet }, data: { mailNotices: false } });
    await notifyUsers([quiet, told], { subject: "Sandbox UAT is ready", link: "/sandboxes/x", mail: createElement("p", null, "UAT is ready") });
    expect(await db.notification.count({ where: { userId: { in: [quiet, told] }, message: "Sandbox UAT is ready" } })).toBe(2);
    expect(await mailsTo(await emailOf(quiet))).toHaveLength(0);
    expect((await mailsTo(await emailOf(told))).map((m) => m.subject)).toEqual(["Sandbox UAT is ready"]);
  });

  it("off: an operator's alert is still mailed", async () => {
    const operator = (await db.user.create({ data: { email: "op@mail-pref.example", name: "On Call", role: "OPERATOR", passwordHash: "x", mailNotices: false } })).id;
    expect(await raiseAlert({ key: "mail-pref-test", subject: "a server does not answer", detail: "d" })).toBe("notified");
    expect(await db.notification.count({ where: { userId: operator } })).toBe(1);
    expect((await mailsTo("op@mail-pref.example")).map((m) => m.subject)).toEqual([expect.stringContaining("a server does not answer")]);
  });

  it("off: a change to the person's own sign-in is still mailed", async () => {
    const quiet = await person();
    await db.user.update({ where: { id: quiet }, data: { mailNotices: false } });
    const email = await emailOf(quiet);
    await noticeAccountChange({ name: "Quiet", email }, "passwordChanged");
    expect((await mailsTo(email)).map((m) => m.subject)).toEqual(["How you sign in to Sandbox Portal changed"]);
  });
});
