/**
 * A person who forgot their password sets a new one through a link mailed to their
 * account's address. The request answers the same, in the same time, whether the address
 * has an account or not: it only puts the address on the queue (counted per client
 * address), and a worker looks it up and mails. The link carries 256 random bits after its
 * `#` (never sent to a server, so never in a log or a Referer); only its SHA-256 is kept.
 * It works once, for RESET_MINUTES, and only while the password is still the one it was
 * asked under: an operator's reset or the person's own change ends it. Setting the new
 * password ends every other link and every session of the account, lifts its password
 * locks (whoever holds the mailbox is its owner to the portal, as an operator's reset
 * would decide; not the count of codes tried: the mailbox says nothing of the phone) and
 * is audited; a second factor is still asked for at sign-in. A disabled
 * account gets no mail, and its links do nothing.
 */
import { createElement } from "react";
import type { z } from "zod";
import { recordAudit } from "../audit/record";
import { db } from "../db/portal";
import { databaseNow } from "../db/database-clock";
import type { Prisma } from "../generated/portal/client";
import { PASSWORD_RESET_SUBJECT, PasswordResetMail } from "../emails/password-reset-mail";
import { renderMail } from "../emails/render";
import { AppError } from "../errors";
import { getBoss, PASSWORD_RESET_QUEUE } from "../jobs/queue";
import { sendMail } from "../notifications/mailer";
import { noticeAccountChange } from "./account-notice";
import { hashPassword } from "./password";
import { endPasswordLinks, issuePasswordLink, linkHash, linksOfTheLastHour } from "./password-links";
import { RESET_MINUTES } from "./reset-words";
import type { resetPasswordSchema } from "./schema";
import { endAllSessions } from "./sessions";
import { clearPasswordLocks, clientBlock, reserveAttempt, type ThrottleKey } from "./throttle";

export { RESET_MINUTES };
/** Links mailed to one account in an hour, at most: a stranger who knows the address cannot fill its mailbox. */
const RESETS_PER_HOUR = 3;
/** Requests from one client block in the sign-in lock's window, whatever addresses they name. */
const REQUESTS_PER_CLIENT = 10;

export interface PasswordResetJob {
  email: string;
}

const LINK_GONE = "This link no longer works: it was used or replaced by a newer one, its time is over, or the password was changed since. Ask for a new one.";

const clientKey = (clientAddress: string | undefined): ThrottleKey => ({ key: `reset:${clientBlock(clientAddress ?? "unknown")}`, maxFailures: REQUESTS_PER_CLIENT });

/** Queues the mail for `email`; the same answer whether it has an account. TOO_MANY_ATTEMPTS past the client's allowance. */
export async function requestPasswordReset(email: string, clientAddress: string | undefined): Promise<void> {
  if (await reserveAttempt([clientKey(clientAddress)])) throw new AppError("TOO_MANY_ATTEMPTS", "Too many requests from your network. Try again in a while.");
  await (await getBoss()).send(PASSWORD_RESET_QUEUE, { email: email.trim().toLowerCase() } satisfies PasswordResetJob);
}

/** The queue's work: a link for an enabled account with that address, within its hourly allowance; nothing otherwise. */
export async function mailPasswordReset(job: PasswordResetJob, at?: Date): Promise<"mailed" | "no account" | "too many"> {
  // Made by a worker, opened on a web server: timed by the clock they share (database-clock.ts). By the
  // worker's own, one whose machine ran half an hour behind mailed links that were over on arrival.
  const now = at ?? (await databaseNow());
  const user = await db.user.findUnique({ where: { email: job.email }, select: { id: true, email: true, name: true } });
  if (!user) return "no account";
  // Counted and made with the account's row locked: two workers' jobs for one address at the same moment cannot both pass the count.
  const issued = await db.$transaction(async (tx) => {
    // Whether it is enabled is read under the lock: an account disabled meanwhile gets no link.
    const [locked] = await tx.$queryRaw<{ disabledAt: Date | null }[]>`SELECT "disabledAt" FROM "User" WHERE id = ${user.id} FOR UPDATE`;
    if (!locked || locked.disabledAt) return "no account" as const;
    if ((await linksOfTheLastHour(tx, user.id, now)) >= RESETS_PER_HOUR) return "too many" as const;
    return { token: await issuePasswordLink(tx, user.id, now, RESET_MINUTES) };
  });
  if (typeof issued === "string") return issued;
  const { token } = issued;
  try {
    const mail = await renderMail(createElement(PasswordResetMail, { name: user.name, token, minutes: RESET_MINUTES }));
    await sendMail({ to: [user.email], subject: PASSWORD_RESET_SUBJECT, ...mail });
  } catch (error) {
    // Never sent, so not counted against the hour: the queue tries again once the mail server answers.
    await db.passwordReset.deleteMany({ where: { tokenHash: linkHash(token) } });
    throw error;
  }
  return "mailed";
}

const LINK = { id: true, userId: true, createdAt: true, expiresAt: true, usedAt: true, user: { select: { name: true, email: true, tenantId: true, disabledAt: true, invitedAt: true } } } as const;
type LinkRow = Prisma.PasswordResetGetPayload<{ select: typeof LINK }>;

/**
 * Sets the new password with a mailed link's token: once, in time, over the password it was
 * asked under. CONFLICT otherwise. "joined" when it was an invited person's first password:
 * audited as joining, and with no "your password was changed" notice, which would only
 * puzzle someone who has just chosen their first.
 */
export async function resetPassword(input: z.output<typeof resetPasswordSchema>, at?: Date): Promise<"joined" | "reset"> {
  const tokenHash = linkHash(input.token);
  // The link's time by the clock it was made by (mailPasswordReset); the password's change stamped by
  // this server's, as the sign-ins that follow it are (load-actor.ts compares the two).
  const linkNow = at ?? (await databaseNow());
  const now = at ?? new Date();
  const usable = (reset: LinkRow | null): reset is LinkRow => reset !== null && !reset.usedAt && reset.expiresAt > linkNow && !reset.user.disabledAt;
  // The link is looked up before the password is hashed: a made-up token costs a lookup, never the hash's memory and time.
  if (!usable(await db.passwordReset.findUnique({ where: { tokenHash }, select: LINK }))) throw new AppError("CONFLICT", LINK_GONE);
  const passwordHash = await hashPassword(input.newPassword);
  const person = await db.$transaction(async (tx) => {
    const reset = await tx.passwordReset.findUnique({ where: { tokenHash }, select: LINK });
    if (!usable(reset)) throw new AppError("CONFLICT", LINK_GONE);
    // Spent first: of two tabs sending the same link, one sets the password.
    const spent = await tx.passwordReset.updateMany({ where: { id: reset.id, usedAt: null }, data: { usedAt: now } });
    if (spent.count !== 1) throw new AppError("CONFLICT", LINK_GONE);
    const { count } = await tx.user.updateMany({
      where: { id: reset.userId, passwordChangedAt: { lte: reset.createdAt }, disabledAt: null },
      // An invited person has joined once they set their password.
      data: { passwordHash, passwordChangedAt: now, invitedAt: null },
    });
    if (count !== 1) throw new AppError("CONFLICT", LINK_GONE);
    await endPasswordLinks(tx, reset.userId, now);
    await endAllSessions(reset.userId, tx);
    const action = reset.user.invitedAt ? "account.joined" : "account.passwordResetByMail";
    await recordAudit({ action, actorId: reset.userId, tenantId: reset.user.tenantId, targetId: reset.userId, details: { email: reset.user.email } }, tx);
    return reset.user;
  });
  await clearPasswordLocks(person.email);
  if (person.invitedAt) return "joined";
  void noticeAccountChange(person, "passwordReset");
  return "reset";
}

/** Forgets links an hour past their time (the used ones with them): the sweep's. Kept that long, they still count against the account's hour. */
export async function prunePasswordResets(at?: Date): Promise<number> {
  const now = at ?? (await databaseNow());
  const { count } = await db.passwordReset.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - 3_600_000) } } });
  return count;
}
