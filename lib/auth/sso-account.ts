/**
 * Which portal account a single sign-on identity is. An account is found by the
 * address the provider has verified only the first time; from then on it is bound to
 * the provider's identity (issuer and `sub`, which the provider never gives to anyone
 * else), so an address that passes to somebody else at the provider (a leaver's
 * mailbox given to a newcomer, a renamed account) signs no one into the old owner's
 * account, and an owner whose address changes at the provider keeps theirs.
 */
import { db } from "../db/portal";
import { endPasswordLinks } from "./password-links";
import { isStaff } from "./policy";
import { SIGN_IN_ERROR } from "./sign-in-errors";

export interface SsoIdentity {
  issuer: string;
  subject: string;
  /** The address the provider says it verified, or null. */
  email: string | null;
}

/** The account's id, or why the identity may not sign in: false (no account), or a sign-in error page. */
export type SsoVerdict = { userId: string } | { refused: false | string };

const ACCOUNT = { id: true, role: true, totpSecretEncrypted: true, oidcIssuer: true, oidcSubject: true, disabledAt: true } as const;

export async function ssoAccount(identity: SsoIdentity): Promise<SsoVerdict> {
  const { issuer, subject } = identity;
  const bound = await db.user.findUnique({ where: { oidcIssuer_oidcSubject: { oidcIssuer: issuer, oidcSubject: subject } }, select: ACCOUNT });
  const email = identity.email?.trim().toLowerCase();
  const account = bound ?? (email ? await db.user.findUnique({ where: { email }, select: ACCOUNT }) : null);
  if (!account) return { refused: false };
  if (account.disabledAt) return { refused: `/sign-in?error=${SIGN_IN_ERROR.disabled}` };
  // Bound to another identity of this provider: the address is somebody else's there now.
  if (!bound && account.oidcIssuer === issuer && account.oidcSubject !== null) return { refused: `/sign-in?error=${SIGN_IN_ERROR.otherSsoIdentity}` };
  // Staff need the portal's own second factor, which single sign-on does not check; so does
  // a customer whose account has one set up.
  if (isStaff(account)) return { refused: `/sign-in?error=${SIGN_IN_ERROR.staffSso}` };
  if (account.totpSecretEncrypted) return { refused: `/sign-in?error=${SIGN_IN_ERROR.codeSso}` };
  if (!bound) {
    // Only while unbound (or bound at another issuer, an operator's change of provider): two first sign-ins at once bind one.
    const took = await db.user.updateMany({
      // The same identity's own second sign-in at once (a double click) finds it bound to itself.
      where: { id: account.id, OR: [{ oidcSubject: null }, { oidcIssuer: { not: issuer } }, { oidcIssuer: issuer, oidcSubject: subject }] },
      // An invited person who signs in this way has joined (lib/people/invite.ts), without a password of the portal's.
      data: { oidcIssuer: issuer, oidcSubject: subject, invitedAt: null },
    });
    if (took.count === 0) return { refused: `/sign-in?error=${SIGN_IN_ERROR.otherSsoIdentity}` };
    // Joined: an invitation's link left unused must not set a password later.
    await endPasswordLinks(db, account.id);
  }
  return { userId: account.id };
}

/** The account an identity signed in as is bound to (after ssoAccount admitted it). */
export async function boundAccountId(issuer: string, subject: string): Promise<string | null> {
  const user = await db.user.findUnique({ where: { oidcIssuer_oidcSubject: { oidcIssuer: issuer, oidcSubject: subject } }, select: { id: true } });
  return user?.id ?? null;
}
