/**
 * A customer admin invites a person of their organisation to the portal: the account is
 * made with a password nobody knows, and the person is mailed a link to set their own
 * (lib/auth/password-reset.ts: good once, for a week, its secret after the `#`). Until
 * then the People page says they have not joined, and the admin may send the link again
 * (the earlier ones then end).
 *
 * The portal's own sender mails whatever address an admin types, with names the admin
 * wrote, so every invitation mail, first or again, counts against the organisation's day
 * (INVITATIONS_PER_DAY), and each person's against their hour; both are counted with the
 * organisation's row locked, so a burst of requests cannot all pass the count at once.
 * Asking about an address is bounded too: "that address has an account" answers a question,
 * so the tries are throttled per organisation, refused ones included.
 */
import { randomBytes } from "node:crypto";
import { createElement } from "react";
import type { z } from "zod";
import { recordAudit } from "../audit/record";
import { hashPassword } from "../auth/password";
import { endPasswordLinks, issuePasswordLink, linksOfTheLastHour } from "../auth/password-links";
import type { Actor } from "../auth/policy";
import { reserveAttempt } from "../auth/throttle";
import { db } from "../db/portal";
import { InvitationMail, invitationSubject } from "../emails/invitation-mail";
import { renderMail } from "../emails/render";
import { AppError } from "../errors";
import type { Prisma } from "../generated/portal/client";
import { sendMail } from "../notifications/mailer";
import { log } from "../observability/log";
import { lockAsAdmin, ownTenant, personOf } from "./own-tenant";
import type { invitePersonSchema } from "./schema";

export const INVITATION_DAYS = 7;
/** Invitation mails an organisation sends in a day, at most: the first ones and those sent again. */
export const INVITATIONS_PER_DAY = 50;
/** Links sent to one person in an hour, at most. */
const LINKS_PER_HOUR = 3;
/** Invitations an organisation tries in the sign-in lock's window, whether the address was free or not. */
const TRIES_PER_WINDOW = 20;

const TAKEN = "That e-mail address already has a portal account. If it should belong to your organisation, ask support to move it.";
const INVITED = ["account.created", "account.invitationResent"];

/** Makes the account and mails the link; `mailed` is false when the mail could not be sent (the page offers to send it again). */
export async function invitePerson(actor: Actor, input: z.output<typeof invitePersonSchema>, now = new Date()): Promise<{ userId: string; mailed: boolean }> {
  const tenant = await ownTenant(actor);
  if (await reserveAttempt([{ key: `invite:${tenant.id}`, maxFailures: TRIES_PER_WINDOW }])) {
    throw new AppError("TOO_MANY_ATTEMPTS", "Your organisation has tried many invitations in the last minutes. Wait a while before the next.");
  }
  // A password nobody knows: the account opens only once the person sets theirs with the link.
  const passwordHash = await hashPassword(randomBytes(32).toString("base64url"));
  const made = await db
    .$transaction(async (tx) => {
      await lockAsAdmin(tx, actor);
      await assertWithinDay(tx, tenant.id, now);
      if (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } })) throw new AppError("CONFLICT", undefined, { email: [TAKEN] });
      const user = await tx.user.create({
        data: { email: input.email, name: input.name, role: input.role, tenantId: tenant.id, passwordHash, invitedAt: now, createdAt: now, passwordChangedAt: now },
        select: { id: true },
      });
      const token = await issuePasswordLink(tx, user.id, now, INVITATION_DAYS * 24 * 60);
      await recordAudit({ action: "account.created", actorId: actor.id, tenantId: tenant.id, targetId: user.id, details: { via: "people page", email: input.email, role: input.role } }, tx);
      return { userId: user.id, token };
    })
    .catch((error: unknown) => {
      // The same address invited at the same moment from another organisation.
      if ((error as { code?: string }).code === "P2002") throw new AppError("CONFLICT", undefined, { email: [TAKEN] });
      throw error;
    });
  const mailed = await mailInvitation({ name: input.name, email: input.email }, actor, tenant.companyName, made.token);
  return { userId: made.userId, mailed };
}

/** A new link for a person who has not joined yet; the earlier links end. */
export async function resendInvitation(actor: Actor, userId: string, now = new Date()): Promise<{ mailed: boolean }> {
  const tenant = await ownTenant(actor);
  const person = await personOf(actor, userId);
  const token = await db.$transaction(async (tx) => {
    await lockAsAdmin(tx, actor);
    // Read again, locked: a person who sets their password meanwhile has joined, and gets no link after it.
    const [current] = await tx.$queryRaw<{ invitedAt: Date | null; disabledAt: Date | null }[]>`
      SELECT "invitedAt", "disabledAt" FROM "User" WHERE id = ${userId} AND "tenantId" = ${tenant.id} FOR UPDATE`;
    if (!current?.invitedAt || current.disabledAt) throw new AppError("CONFLICT", `${person.name} has joined already, or is disabled: there is no invitation to send again.`);
    if ((await linksOfTheLastHour(tx, userId, now)) >= LINKS_PER_HOUR) throw new AppError("CONFLICT", `The invitation was sent to ${person.email} ${LINKS_PER_HOUR} times in the last hour. Try again later.`);
    await assertWithinDay(tx, tenant.id, now);
    await endPasswordLinks(tx, userId, now);
    await recordAudit({ action: "account.invitationResent", actorId: actor.id, tenantId: tenant.id, targetId: userId, details: { email: person.email } }, tx);
    return issuePasswordLink(tx, userId, now, INVITATION_DAYS * 24 * 60);
  });
  return { mailed: await mailInvitation(person, actor, tenant.companyName, token) };
}

/**
 * The organisation's invitation mails of the last day, counted with its row locked
 * (lockAsAdmin): its admins' only (an actor), not accounts an operator's CLI made for it.
 */
async function assertWithinDay(tx: Prisma.TransactionClient, tenantId: string, now: Date): Promise<void> {
  const today = await tx.auditEvent.count({ where: { tenantId, actorId: { not: null }, action: { in: INVITED }, createdAt: { gt: new Date(now.getTime() - 86_400_000) } } });
  if (today >= INVITATIONS_PER_DAY) {
    throw new AppError("CONFLICT", `Your organisation has sent ${INVITATIONS_PER_DAY} invitations in the last day, the most a day allows. Send more tomorrow.`);
  }
}

async function mailInvitation(person: { name: string; email: string }, actor: Actor, companyName: string, token: string): Promise<boolean> {
  try {
    const mail = await renderMail(createElement(InvitationMail, { name: person.name, inviterName: actor.name, companyName, token, days: INVITATION_DAYS }));
    await sendMail({ to: [person.email], subject: invitationSubject(companyName), ...mail });
    return true;
  } catch (error) {
    log.error({ err: error }, "invitation mail not sent");
    return false;
  }
}
