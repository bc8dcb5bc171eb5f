/**
 * A customer admin manages the portal accounts of their own organisation: invites (a mailed
 * link to set a password), roles, disabling. Never another organisation's people, never their
 * own account, never a staff role; each change audited; the invited person joins by the link.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { signInAs } from "@/lib/testing/fake-session";

vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

usePortalDatabase();

const { db } = await import("../db/portal");
const { invitePersonAction, resendInvitationAction, setPersonRoleAction, disablePersonAction, enablePersonAction } = await import("./actions");
const { listPeople, listCustomerPeople, peopleSearch } = await import("./queries");
const { startSession } = await import("../auth/sessions");
const { lastSignInWords } = await import("./sign-ins-noted");
const { formatWhen, whenIn } = await import("../format");
const { INVITATIONS_PER_DAY } = await import("./invite");
const { loadActor } = await import("../auth/load-actor");
const { resetPassword, mailPasswordReset } = await import("../auth/password-reset");
const { PASSWORD_RESET_SUBJECT } = await import("../emails/password-reset-mail");
const { ACCOUNT_CHANGE_SUBJECT } = await import("../emails/account-change-mail");
const { checkCredentials } = await import("../auth/credentials");
const { hashPassword } = await import("../auth/password");
const { listOutbox } = await import("../notifications/mailer");
const { ssoAccount } = await import("../auth/sso-account");
const { disablePerson } = await import("./accounts");
const { disableAccounts, takeOverDisabling } = await import("../auth/disable-accounts");

const IP = "192.0.2.44";
let outbox = "";
let ownTenant = "";
let otherTenant = "";
let admin = "";
let n = 0;

async function account(role: "CUSTOMER_ADMIN" | "CUSTOMER_USER" | "SALES_REP" | "OPERATOR", tenantId: string | null) {
  return (await db.user.create({ data: { email: `p${++n}@people.example`, name: `Person ${n}`, role, tenantId, passwordHash: await hashPassword("people's password") } })).id;
}

/** The token of the last invitation mailed to `email`. */
async function invitationToken(email: string): Promise<string> {
  const mail = (await listOutbox(1_000)).find((m) => m.to.includes(email));
  const token = /\/join#([\w-]+)/.exec(mail?.text ?? "")?.[1];
  if (!token) throw new Error(`no invitation mailed to ${email}`);
  return token;
}

describe("people of one's own organisation", () => {
  beforeAll(async () => {
    outbox = await mkdtemp(path.join(tmpdir(), "people-outbox-"));
    vi.stubEnv("OUTBOX_DIR", outbox);
    ownTenant = (await db.tenant.create({ data: { customerId: "Cust7171", companyName: "Own Org AS", productionUrlEncrypted: "x" } })).id;
    otherTenant = (await db.tenant.create({ data: { customerId: "Cust7272", companyName: "Other Org AS", productionUrlEncrypted: "x" } })).id;
    admin = await account("CUSTOMER_ADMIN", ownTenant);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await rm(outbox, { recursive: true, force: true });
  });
  beforeEach(() => signInAs(admin));

  it("is for customer admins only", async () => {
    signInAs(null);
    expect(await invitePersonAction({ name: "X", email: "x@people.example", role: "CUSTOMER_USER" })).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
    for (const role of ["CUSTOMER_USER", "OPERATOR"] as const) {
      signInAs(await account(role, role === "OPERATOR" ? null : ownTenant));
      expect(await invitePersonAction({ name: "X", email: "x@people.example", role: "CUSTOMER_USER" })).toMatchObject({ ok: false, code: "FORBIDDEN" });
      expect(await disablePersonAction({ userId: admin })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    }
    expect(await db.user.count({ where: { email: "x@people.example" } })).toBe(0);
  });

  it("invites a person: an account nobody can sign in to until they set their password with the mailed link, which then joins them", async () => {
    const invited = await invitePersonAction({ name: "  Ines Invited ", email: " Ines@People.example ", role: "CUSTOMER_USER" });
    expect(invited).toEqual({ ok: true, data: { email: "ines@people.example", mailed: true } });
    const row = await db.user.findUniqueOrThrow({ where: { email: "ines@people.example" } });
    expect(row).toMatchObject({ name: "Ines Invited", role: "CUSTOMER_USER", tenantId: ownTenant, disabledAt: null });
    expect(row.invitedAt).not.toBeNull();
    expect(await db.auditEvent.findMany({ where: { action: "account.created", targetId: row.id }, select: { actorId: true, tenantId: true, details: true } })).toEqual([
      { actorId: admin, tenantId: ownTenant, details: { via: "people page", email: "ines@people.example", role: "CUSTOMER_USER" } },
    ]);
    const mail = (await listOutbox(1_000)).find((m) => m.to.includes("ines@people.example"))!;
    expect(mail.subject).toBe("You are invited to Sandbox Portal for Own Org AS");
    expect(mail.text).toContain("invited you to Sandbox Portal");
    const actor = (await loadActor(admin))!;
    expect((await listPeople(actor)).people.find((p) => p.email === "ines@people.example")).toMatchObject({ invited: true, disabled: false, you: false });

    expect(await resetPassword({ token: await invitationToken("ines@people.example"), newPassword: "ines chose this one", confirmPassword: "ines chose this one" })).toBe("joined");
    expect(await checkCredentials("ines@people.example", "ines chose this one", IP)).toMatchObject({ ok: true });
    expect((await listPeople(actor)).people.find((p) => p.email === "ines@people.example")).toMatchObject({ invited: false });
    expect(await db.auditEvent.findMany({ where: { targetId: row.id, action: { in: ["account.joined", "account.passwordResetByMail"] } }, select: { action: true, actorId: true } })).toEqual([
      { action: "account.joined", actorId: row.id },
    ]);
    // Choosing a first password is no change to be told of; a later one by a mailed link is, and it is the only notice.
    await mailPasswordReset({ email: "ines@people.example" });
    const resetLink = (await listOutbox(1_000)).find((m) => m.to.includes("ines@people.example") && m.subject === PASSWORD_RESET_SUBJECT)!;
    expect(await resetPassword({ token: /\/reset-password#([\w-]+)/.exec(resetLink.text)![1]!, newPassword: "ines changed it", confirmPassword: "ines changed it" })).toBe("reset");
    const notices = async () => (await listOutbox(1_000)).filter((m) => m.to.includes("ines@people.example") && m.subject === ACCOUNT_CHANGE_SUBJECT);
    await vi.waitFor(async () => expect(await notices()).not.toHaveLength(0));
    expect((await notices()).map((m) => m.text)).toEqual([expect.stringContaining("A new password was set")]);
    // Joined: there is no invitation to send again.
    expect(await resendInvitationAction({ userId: row.id })).toMatchObject({ ok: false, code: "CONFLICT" });
  });

  it("counts an invited person who signs in by their organisation's single sign-on as joined", async () => {
    await invitePersonAction({ name: "Sam Sso", email: "sam@people.example", role: "CUSTOMER_USER" });
    const { id } = await db.user.findUniqueOrThrow({ where: { email: "sam@people.example" } });
    expect(await ssoAccount({ issuer: "https://idp.people.example", subject: "sam", email: "sam@people.example" })).toEqual({ userId: id });
    const actor = (await loadActor(admin))!;
    expect((await listPeople(actor)).people.find((p) => p.id === id)).toMatchObject({ invited: false, singleSignOn: true });
  });

  it("refuses an address that has an account already, in its field, and bad input, and makes nothing", async () => {
    const elsewhere = await account("CUSTOMER_USER", otherTenant);
    const { email } = await db.user.findUniqueOrThrow({ where: { id: elsewhere } });
    expect(await invitePersonAction({ name: "Dup", email, role: "CUSTOMER_USER" })).toMatchObject({ ok: false, code: "CONFLICT", fieldErrors: { email: [expect.stringMatching(/already has a portal account/)] } });
    expect(await invitePersonAction({ name: "", email: "not-an-address", role: "OPERATOR" as never })).toMatchObject({
      ok: false,
      code: "INVALID_INPUT",
      fieldErrors: { name: [expect.any(String)], email: [expect.any(String)], role: [expect.any(String)] },
    });
    expect(await db.user.findUniqueOrThrow({ where: { id: elsewhere }, select: { tenantId: true, name: true } })).toEqual({ tenantId: otherTenant, name: `Person ${n}` });
  });

  it("sends the invitation again, ending the earlier link", async () => {
    await invitePersonAction({ name: "Rita Resent", email: "rita@people.example", role: "CUSTOMER_USER" });
    const first = await invitationToken("rita@people.example");
    const { id } = await db.user.findUniqueOrThrow({ where: { email: "rita@people.example" } });
    expect(await resendInvitationAction({ userId: id })).toEqual({ ok: true, data: { mailed: true } });
    const second = await invitationToken("rita@people.example");
    expect(second).not.toBe(first);
    await expect(resetPassword({ token: first, newPassword: "rita's first try", confirmPassword: "rita's first try" })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await db.auditEvent.findMany({ where: { action: "account.invitationResent", targetId: id }, select: { actorId: true } })).toEqual([{ actorId: admin }]);
    // Three links an hour to one person, the first invitation's included.
    expect(await resendInvitationAction({ userId: id })).toMatchObject({ ok: true });
    expect(await resendInvitationAction({ userId: id })).toMatchObject({ ok: false, code: "CONFLICT", message: expect.stringMatching(/3 times in the last hour/) });
    await resetPassword({ token: await invitationToken("rita@people.example"), newPassword: "rita's second try", confirmPassword: "rita's second try" });
    expect(await checkCredentials("rita@people.example", "rita's second try", IP)).toMatchObject({ ok: true });
    await expect(resetPassword({ token: second, newPassword: "rita's third try", confirmPassword: "rita's third try" })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("refuses a name that is not a name: it is written into a mail to a stranger", async () => {
    expect(await invitePersonAction({ name: "Win a prize at https://evil.example", email: "prize@people.example", role: "CUSTOMER_USER" })).toMatchObject({
      ok: false,
      fieldErrors: { name: ["Use letters, spaces, hyphens and apostrophes only."] },
    });
    expect(await invitePersonAction({ name: "Åse O'Brien-Ødegård", email: "ase@people.example", role: "CUSTOMER_USER" })).toMatchObject({ ok: true });
  });

  it("changes a role and disables or enables a person of its own organisation: sessions end, audited; never its own account", async () => {
    const colleague = await account("CUSTOMER_USER", ownTenant);
    await db.userSession.create({ data: { userId: colleague } });
    expect(await setPersonRoleAction({ userId: colleague, role: "CUSTOMER_ADMIN" })).toEqual({ ok: true, data: { role: "CUSTOMER_ADMIN" } });
    expect((await db.user.findUniqueOrThrow({ where: { id: colleague } })).role).toBe("CUSTOMER_ADMIN");
    expect(await db.userSession.count({ where: { userId: colleague, endedAt: null } })).toBe(0);

    await db.apiToken.create({ data: { name: "ci", prefix: "spt_x", tokenHash: `h${colleague}`, scopes: ["sandboxes:read"], ownerId: colleague, tenantId: ownTenant, expiresAt: new Date(Date.now() + 86_400_000) } });
    expect(await disablePersonAction({ userId: colleague })).toEqual({ ok: true, data: { disabled: true } });
    const disabled = await db.user.findUniqueOrThrow({ where: { id: colleague }, select: { email: true, disabledAt: true } });
    expect(disabled.disabledAt).not.toBeNull();
    expect(await db.apiToken.count({ where: { ownerId: colleague, revokedAt: null } })).toBe(0);
    expect(await checkCredentials(disabled.email, "people's password", IP)).toMatchObject({ ok: false, reason: "disabled" });
    expect(await enablePersonAction({ userId: colleague })).toEqual({ ok: true, data: { disabled: false } });
    expect(await checkCredentials(disabled.email, "people's password", IP)).toMatchObject({ ok: true });
    const audited = await db.auditEvent.findMany({ where: { targetId: colleague }, orderBy: { createdAt: "asc" }, select: { action: true, actorId: true } });
    expect(audited).toEqual([
      { action: "account.roleChanged", actorId: admin },
      { action: "account.disabled", actorId: admin },
      { action: "account.enabled", actorId: admin },
    ]);

    // Made user again: its API tokens are revoked, so that made admin once more, old tokens stay dead.
    await db.apiToken.create({ data: { name: "ci2", prefix: "spt_y", tokenHash: `h2${colleague}`, scopes: ["sandboxes:read"], ownerId: colleague, tenantId: ownTenant, expiresAt: new Date(Date.now() + 86_400_000) } });
    expect(await setPersonRoleAction({ userId: colleague, role: "CUSTOMER_USER" })).toMatchObject({ ok: true });
    expect(await db.apiToken.count({ where: { ownerId: colleague, revokedAt: null } })).toBe(0);

    // One's own account stays as it is: the organisation keeps the admin who acts.
    expect(await setPersonRoleAction({ userId: admin, role: "CUSTOMER_USER" })).toMatchObject({ ok: false, code: "CONFLICT" });
    expect(await disablePersonAction({ userId: admin })).toMatchObject({ ok: false, code: "CONFLICT" });
    expect(await db.user.findUniqueOrThrow({ where: { id: admin }, select: { role: true, disabledAt: true } })).toEqual({ role: "CUSTOMER_ADMIN", disabledAt: null });
  });

  it("never lets two admins remove each other at once: the one no longer an admin is refused", async () => {
    const other = await account("CUSTOMER_ADMIN", ownTenant);
    // Read as its request began, before the first admin's change landed.
    const staleOther = (await loadActor(other))!;
    expect(await setPersonRoleAction({ userId: other, role: "CUSTOMER_USER" })).toMatchObject({ ok: true });
    await expect(disablePerson(staleOther, admin)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await db.user.findUniqueOrThrow({ where: { id: admin }, select: { disabledAt: true } })).disabledAt).toBeNull();
  });

  it("leaves an account an operator disabled to the operators", async () => {
    const colleague = await account("CUSTOMER_USER", ownTenant);
    const { email } = await db.user.findUniqueOrThrow({ where: { id: colleague } });
    await disableAccounts({ email });
    expect(await enablePersonAction({ userId: colleague })).toMatchObject({ ok: false, code: "CONFLICT", message: expect.stringMatching(/disabled by the portal's operators/) });
    expect((await db.user.findUniqueOrThrow({ where: { id: colleague }, select: { disabledAt: true } })).disabledAt).not.toBeNull();
  });

  it("leaves to the operators an account its admin had disabled and an operator then disabled too", async () => {
    const colleague = await account("CUSTOMER_USER", ownTenant);
    const user = await db.user.findUniqueOrThrow({ where: { id: colleague }, select: { id: true, email: true, tenantId: true } });
    expect(await disablePersonAction({ userId: colleague })).toMatchObject({ ok: true });
    expect(await takeOverDisabling(user, { actorId: null, via: "operator CLI" })).toBe(true);
    // Said once: the operators' already.
    expect(await takeOverDisabling(user, { actorId: null, via: "operator CLI" })).toBe(false);
    expect(await enablePersonAction({ userId: colleague })).toMatchObject({ ok: false, code: "CONFLICT", message: expect.stringMatching(/disabled by the portal's operators/) });
    expect((await db.user.findUniqueOrThrow({ where: { id: colleague }, select: { disabledAt: true } })).disabledAt).not.toBeNull();
  });

  it("never reaches another organisation's people, nor staff: not found, and nothing changed", async () => {
    const stranger = await account("CUSTOMER_ADMIN", otherTenant);
    const operator = await account("OPERATOR", null);
    for (const userId of [stranger, operator]) {
      expect(await setPersonRoleAction({ userId, role: "CUSTOMER_USER" })).toMatchObject({ ok: false, code: "NOT_FOUND" });
      expect(await disablePersonAction({ userId })).toMatchObject({ ok: false, code: "NOT_FOUND" });
      expect(await resendInvitationAction({ userId })).toMatchObject({ ok: false, code: "NOT_FOUND" });
    }
    expect(await db.user.findMany({ where: { id: { in: [stranger, operator] } }, select: { role: true, disabledAt: true }, orderBy: { role: "asc" } })).toEqual([
      { role: "CUSTOMER_ADMIN", disabledAt: null },
      { role: "OPERATOR", disabledAt: null },
    ]);
    const actor = (await loadActor(admin))!;
    expect((await listPeople(actor)).people.map((p) => p.id)).not.toContain(stranger);
  });

  it("finds people by part of a name or an e-mail address, whatever the case, in one's own organisation only; a search the address bar got wrong is none", async () => {
    const found = await db.user.create({ data: { email: "Zelda.Findme@people.example", name: "Zelda Quist", role: "CUSTOMER_USER", tenantId: ownTenant, passwordHash: "-" } });
    await db.user.create({ data: { email: "zelda@other.example", name: "Zelda Elsewhere", role: "CUSTOMER_USER", tenantId: otherTenant, passwordHash: "-" } });
    const actor = (await loadActor(admin))!;
    for (const search of ["zelda", "QUIST", "findme@people"]) expect((await listPeople(actor, search)).people.map((p) => p.id)).toEqual([found.id]);
    expect((await listPeople(actor, "no such person")).people).toEqual([]);
    // LIKE's characters are meant literally, as in every other list's search: "%" and "_" found everyone.
    for (const wildcard of ["%", "_", "zelda%quist", "zelda_quist"]) expect((await listPeople(actor, wildcard)).people, wildcard).toEqual([]);
    const operator = (await loadActor(await account("OPERATOR", null), undefined, true))!;
    expect((await listCustomerPeople(operator, "Cust7171", "%"))!.people).toEqual([]);
    expect((await listCustomerPeople(operator, "Cust7171", "zelda"))!.people.map((p) => p.id)).toEqual([found.id]);
    expect([peopleSearch("  zel "), peopleSearch(""), peopleSearch(["a", "b"]), peopleSearch("x".repeat(101))]).toEqual(["zel", undefined, undefined, undefined]);
    // PostgreSQL compares no text holding a NUL: `?q=%00` answered 500.
    expect([peopleSearch("a\u0000"), peopleSearch("\u0000"), peopleSearch("   ")]).toEqual([undefined, undefined, undefined]);
  });

  it("lets operators read a customer's people, with when each last signed in; not sales reps, nor any customer", async () => {
    const member = await account("CUSTOMER_USER", ownTenant);
    const signedIn = new Date(Date.now() - 3_600_000);
    await startSession(member, signedIn);
    // Staff sign in with a second factor: their actor is only made with one.
    const operator = (await loadActor(await account("OPERATOR", null), undefined, true))!;
    const read = await listCustomerPeople(operator, "Cust7171");
    expect(read).toMatchObject({ companyName: "Own Org AS", customerId: "Cust7171", left: false, more: false });
    expect(read!.people.find((p) => p.id === member)).toMatchObject({ lastSignInAt: signedIn, you: false });
    expect(read!.people.find((p) => p.id === admin)).toMatchObject({ role: "CUSTOMER_ADMIN" });
    expect(read!.people.map((p) => p.id)).not.toContain(operator.id);
    expect(await listCustomerPeople(operator, "Cust0000")).toBeNull();

    const salesRep = (await loadActor(await account("SALES_REP", null), undefined, true))!;
    await expect(listCustomerPeople(salesRep, "Cust7171")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(listCustomerPeople((await loadActor(admin))!, "Cust7272")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(listCustomerPeople((await loadActor(admin))!, "Cust7171")).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("says 'never' only of an account made since sign-ins were noted, and 'not since' of an older one without one", async () => {
    const { signInsNotedSince } = await listPeople((await loadActor(admin))!);
    expect(signInsNotedSince).toBeInstanceOf(Date);
    const utc = whenIn("UTC");
    expect(lastSignInWords({ lastSignInAt: null, createdAt: new Date() }, signInsNotedSince, utc)).toBe("Never");
    expect(lastSignInWords({ lastSignInAt: null, createdAt: new Date(signInsNotedSince!.getTime() - 1) }, signInsNotedSince, utc)).toBe(`Not since ${formatWhen(signInsNotedSince)}`);
    const at = new Date("2026-12-01T08:00:00Z");
    expect(lastSignInWords({ lastSignInAt: at, createdAt: new Date(0) }, signInsNotedSince, utc)).toBe("1 Dec 2026, 08:00 UTC");
    expect(lastSignInWords({ lastSignInAt: at, createdAt: new Date(0) }, signInsNotedSince, whenIn("Europe/Oslo"))).toBe("1 Dec 2026, 09:00 CET");
    expect(lastSignInWords({ lastSignInAt: null, createdAt: new Date(0) }, null, utc)).toBe("Not known");
  });

  it("bounds the invitations an organisation sends in a day, and invites nobody for one that has left", async () => {
    const bounded = (await db.tenant.create({ data: { customerId: "Cust7373", companyName: "Busy AS", productionUrlEncrypted: "x" } })).id;
    const busyAdmin = await account("CUSTOMER_ADMIN", bounded);
    await db.auditEvent.createMany({ data: Array.from({ length: INVITATIONS_PER_DAY - 1 }, () => ({ action: "account.created", tenantId: bounded, actorId: busyAdmin })) });
    // Accounts an operator's CLI made for the organisation mailed nothing: they do not count.
    await db.auditEvent.createMany({ data: Array.from({ length: 5 }, () => ({ action: "account.created", tenantId: bounded, actorId: null, details: { via: "operator CLI" } })) });
    signInAs(busyAdmin);
    expect(await invitePersonAction({ name: "The last one", email: "thelast@people.example", role: "CUSTOMER_USER" })).toMatchObject({ ok: true });
    expect(await invitePersonAction({ name: "One more", email: "onemore@people.example", role: "CUSTOMER_USER" })).toMatchObject({ ok: false, code: "CONFLICT", message: expect.stringMatching(/the most a day allows/) });
    await db.tenant.update({ where: { id: bounded }, data: { offboardedAt: new Date() } });
    await db.auditEvent.deleteMany({ where: { tenantId: bounded } });
    expect(await invitePersonAction({ name: "One more", email: "onemore@people.example", role: "CUSTOMER_USER" })).toMatchObject({ ok: false, code: "CONFLICT", message: expect.stringMatching(/has left the portal/) });
    expect(await db.user.count({ where: { email: "onemore@people.example" } })).toBe(0);
  });
});
