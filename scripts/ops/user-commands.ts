/** Accounts: add a user of any role, change a role, reset a password (both end the user's sessions), set up two-factor sign-in, disable and enable; each audited. */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { db } from "../../lib/db/portal";
import { hashPassword } from "../../lib/auth/password";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../../lib/auth/schema";
import { personNameSchema } from "../../lib/people/schema";
import { endAllSessions } from "../../lib/auth/sessions";
import { clearAccountLocks } from "../../lib/auth/throttle";
import { CliError } from "./cli-error";
import { required, text, type Flags } from "./flags";
import { isStaff } from "../../lib/auth/policy";
import { enrolTwoFactor } from "../../lib/auth/two-factor";
import { recordAudit, type AuditAction } from "../../lib/audit/record";
import { disableAccounts, takeOverDisabling } from "../../lib/auth/disable-accounts";
import { revokeWorkingTokens } from "../../lib/api-tokens/mutations";
import { offboardedWords } from "../../lib/tenants/registry";

/** An account change made here, in the audit log: by an operator at the command line, never with a password. */
const audited = (action: AuditAction, user: { id: string; email: string; tenantId: string | null }, details: Record<string, string> = {}) => ({
  action,
  actorId: null,
  tenantId: user.tenantId,
  targetId: user.id,
  details: { via: "operator CLI", email: user.email, ...details },
});

const ROLES = ["CUSTOMER_ADMIN", "CUSTOMER_USER", "SALES_REP", "OPERATOR"] as const;

/** A given password must be long enough; none given means a strong one is generated and shown once. */
function choosePassword(flags: Flags): { password: string; generated: boolean } {
  const given = text(flags, "password");
  if (given === undefined) return { password: randomBytes(15).toString("base64url"), generated: true };
  if (given.length < PASSWORD_MIN_LENGTH) throw new CliError(`--password must be at least ${PASSWORD_MIN_LENGTH} characters`);
  // The sign-in form takes no longer one: a longer password set here could never be typed in.
  if (given.length > PASSWORD_MAX_LENGTH) throw new CliError(`--password must be at most ${PASSWORD_MAX_LENGTH} characters`);
  return { password: given, generated: false };
}

/** The role given, and the tenant it needs: customers belong to one, staff to none. */
async function roleAndTenant(flags: Flags): Promise<{ role: (typeof ROLES)[number]; tenantId: string | null }> {
  const role = required(flags, "role").toUpperCase().replace(/-/g, "_") as (typeof ROLES)[number];
  if (!ROLES.includes(role)) throw new CliError(`--role must be one of ${ROLES.map((r) => r.toLowerCase().replace(/_/g, "-")).join(", ")}`);
  const customerId = text(flags, "customer-id");
  const isCustomer = role === "CUSTOMER_ADMIN" || role === "CUSTOMER_USER";
  if (isCustomer && !customerId) throw new CliError("customer accounts need --customer-id (their tenant)");
  if (!isCustomer && customerId) throw new CliError("sales reps and operators belong to no tenant: leave out --customer-id");
  const tenant = customerId ? await db.tenant.findUnique({ where: { customerId }, select: { id: true, offboardedAt: true } }) : null;
  if (customerId && !tenant) throw new CliError(`no tenant with customer id ${customerId}`);
  if (tenant?.offboardedAt) throw new CliError(offboardedWords(customerId!, tenant.offboardedAt));
  return { role, tenantId: tenant?.id ?? null };
}

export async function addUser(flags: Flags): Promise<void> {
  const email = z.email().safeParse(required(flags, "email").toLowerCase());
  if (!email.success) throw new CliError("--email is not a valid e-mail address");
  const parsedName = personNameSchema.safeParse(required(flags, "name"));
  if (!parsedName.success) throw new CliError(`--name: ${parsedName.error.issues[0]!.message}`);
  const name = parsedName.data;
  const { role, tenantId } = await roleAndTenant(flags);
  if (await db.user.findUnique({ where: { email: email.data } })) throw new CliError(`a user with e-mail ${email.data} already exists`);

  const { password, generated } = choosePassword(flags);
  const passwordHash = await hashPassword(password);
  const user = await db.$transaction(async (tx) => {
    const made = await tx.user.create({ data: { email: email.data, name, role, tenantId, passwordHash }, select: { id: true, email: true, tenantId: true } });
    await recordAudit(audited("account.created", made, { role }), tx);
    return made;
  });
  console.log(`user ${email.data} (${role.toLowerCase()}) created`);
  if (generated) console.log(`initial password (shown once): ${password}`);
  // Staff cannot sign in without a second factor: they get one from the start.
  if (isStaff({ role })) await printEnrolment(user);
}

/** Sets up (or replaces) two-factor sign-in: a new secret and new recovery codes, shown once. */
export async function setUpTwoFactor(flags: Flags): Promise<void> {
  const email = required(flags, "email").toLowerCase();
  const user = await db.user.findUnique({ where: { email }, select: { id: true, email: true, tenantId: true } });
  if (!user) throw new CliError(`no user with e-mail ${email}`);
  await printEnrolment(user);
}

async function printEnrolment(user: { id: string; email: string; tenantId: string | null }): Promise<void> {
  const { secret, uri, recoveryCodes } = await enrolTwoFactor(user);
  await recordAudit(audited("account.twoFactorSetUp", user));
  console.log(`two-factor sign-in set up for ${user.email}; hand these over privately, they are shown once:`);
  console.log(`  authenticator secret: ${secret}`);
  console.log(`  authenticator link:   ${uri}`);
  console.log(`  recovery codes (each works once): ${recoveryCodes.join(" ")}`);
}

export async function resetPassword(flags: Flags): Promise<void> {
  const email = required(flags, "email").toLowerCase();
  const user = await db.user.findUnique({ where: { email }, select: { id: true, email: true, tenantId: true } });
  if (!user) throw new CliError(`no user with e-mail ${email}`);
  const { password, generated } = choosePassword(flags);
  const passwordHash = await hashPassword(password);
  await db.$transaction(async (tx) => {
    // An invited person given a password by an operator has joined (lib/people/invite.ts).
    await tx.user.update({ where: { id: user.id }, data: { passwordHash, passwordChangedAt: new Date(), invitedAt: null } });
    await recordAudit(audited("account.passwordReset", user), tx);
  });
  await endAllSessions(user.id);
  await clearAccountLocks(email);
  console.log(`password of ${email} reset; existing sessions are signed out`);
  if (generated) console.log(`new password (shown once): ${password}`);
}

export async function changeRole(flags: Flags): Promise<void> {
  const email = required(flags, "email").toLowerCase();
  const user = await db.user.findUnique({ where: { email }, select: { id: true, email: true, role: true, tenantId: true, totpSecretEncrypted: true } });
  if (!user) throw new CliError(`no user with e-mail ${email}`);
  const { role, tenantId } = await roleAndTenant(flags);
  // Logged under the customer the account belongs to now (or did, for one made staff).
  const revoked = await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { role, tenantId } });
    await recordAudit(audited("account.roleChanged", { ...user, tenantId: tenantId ?? user.tenantId }, { role }), tx);
    // Made for the rights the account had (a move back to the customer must not revive them either).
    if (role === user.role && tenantId === user.tenantId) return 0;
    return revokeWorkingTokens(tx, { ownerId: user.id });
  });
  // Rights are re-read on every request anyway; ending the sessions makes the person sign in again under the new role.
  await endAllSessions(user.id);
  console.log(`${email} is now ${role.toLowerCase()}; existing sessions are signed out${revoked > 0 ? `, ${revoked} API token(s) revoked` : ""}`);
  // Staff sign in with a second factor, which user:add sets up for them and a new role does not.
  if (isStaff({ role }) && !user.totpSecretEncrypted) console.log(`${email} has no two-factor sign-in yet, which staff need: set it up with  npm run ops -- user:2fa --email ${email}`);
}

/**
 * Disables one account (`--email`), or every account of a customer that leaves
 * (`--customer-id`): they sign in nowhere, by password or single sign-on, their sessions
 * end and their API tokens are revoked (an account read on every request stops at once
 * anyway), and they are told of nothing more. Nothing is deleted: their audit, orders and
 * sandboxes stay, and an account can be enabled again.
 */
export async function disableUsers(flags: Flags): Promise<void> {
  const email = text(flags, "email")?.toLowerCase();
  const customerId = text(flags, "customer-id");
  if (Boolean(email) === Boolean(customerId)) throw new CliError("give --email (one account) or --customer-id (every account of that customer)");
  let where: { email: string } | { tenantId: string };
  if (email) {
    if (!(await db.user.findUnique({ where: { email }, select: { id: true } }))) throw new CliError(`no user with e-mail ${email}`);
    where = { email };
  } else {
    const tenant = await db.tenant.findUnique({ where: { customerId }, select: { id: true } });
    if (!tenant) throw new CliError(`no tenant with customer id ${customerId}`);
    where = { tenantId: tenant.id };
  }
  const disabled = await disableAccounts(where);
  if (disabled.length > 0) return console.log(`disabled ${disabled.join(", ")}; their sessions are signed out and API tokens revoked`);
  // One account its organisation's admin disabled: the operator's disabling now holds, and the admin's enabling no longer undoes it.
  const user = email ? await db.user.findUnique({ where: { email }, select: { id: true, email: true, tenantId: true } }) : null;
  if (user && (await takeOverDisabling(user, { actorId: null, via: "operator CLI" }))) {
    return console.log(`${user.email} was already disabled by its organisation's admin; now only an operator can enable it again (user:enable)`);
  }
  console.log("nothing to disable: already disabled");
}

/** Enables a disabled account again: it signs in as before; the API tokens revoked with it stay revoked. */
export async function enableUser(flags: Flags): Promise<void> {
  const email = required(flags, "email").toLowerCase();
  const user = await db.user.findUnique({ where: { email }, select: { id: true, email: true, tenantId: true, disabledAt: true, tenant: { select: { customerId: true, offboardedAt: true } } } });
  if (!user) throw new CliError(`no user with e-mail ${email}`);
  if (!user.disabledAt) {
    console.log(`${email} is not disabled: nothing to do`);
    return;
  }
  if (user.tenant?.offboardedAt) throw new CliError(offboardedWords(user.tenant.customerId, user.tenant.offboardedAt));
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { disabledAt: null } });
    await recordAudit(audited("account.enabled", user), tx);
  });
  console.log(`${email} is enabled again (its API tokens revoked with it stay revoked)`);
}

