/**
 * A customer admin invites a person of their organisation to the portal: the account is
 * made with a password nobody knows, and the person is mailed a link to set their own
 * (lib/auth/password-reset.ts: good once, for a week, its secret after the `#`). Until
 * then the People page says they have not joined, and the admin may send the link again
 * (the earlier ones then end). Invitations are bounded per organisation and day, since
 * the portal's own sender mails whatever address an admin types.
 */
import { randomBytes } from "node:crypto";
import { createElement } from "react";
import type { z } from "zod";
import { recordAudit } from "../audit/record";
import { hashPassword } from "../auth/password";
import { issuePasswordLink } from "../auth/password-reset";
import type { Actor } from "../auth/policy";
import { db } from "../db/portal";
import { InvitationMail, invitationSubject } from "../emails/invitation-mail";
import { renderMail } from "../emails/render";
import { AppError } from "../errors";
import { sendMail } from "../notifications/mailer";
import { log } from "../observability/log";
import { ownTenant, personOf } from "./own-tenant";
import type { invitePersonSchema } from "./schema";

export const INVITATION_DAYS = 7;
/** Invitations an organisation sends in a day, at most. */
export const INVITATIONS_PER_DAY = 50;
/** Links sent again to one person in an hour, at most. */
const RESENDS_PER_HOUR = 3;

const TAKEN = "That e-mail address already has a portal account. If it should belong to your organisation, ask support to move it.";

/** Makes the account and mails the link; `mailed` is false when the mail could not be sent (the page offers to send it again). */
export async function invitePerson(actor: Actor, input: z.output<typeof invitePersonSchema>, now = new Date()): Promise<{ userId: string; mailed: boolean }> {
  const tenant = await ownTenant(actor);
  const today = await db.auditEvent.count({ where: { tenantId: tenant.id, action: "account.created", createdAt: { gt: new Date(now.getTime() - 86_400_000) } } });
  if (today >= INVITATIONS_PER_DAY) throw new AppError("CONFLICT", `Your organisation has invited ${INVITATIONS_PER_DAY} people in the last day, the most a day allows. Invite more tomorrow.`);
  if (await db.user.findUnique({ where: { email: input.email }, select: { id: true } })) throw new AppError("CONFLICT", undefined, { email: [TAKEN] });
  // A password nobody knows: the account opens only once the person sets theirs with the link.
  const passwordHash = await hashPassword(randomBytes(32).toString("base64url"));
  const made = await db
    .$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { email: input.email, name: input.name, role: input.role, tenantId: tenant.id, passwordHash, invitedAt: now, createdAt: now, passwordChangedAt: now },
        select: { id: true },
      });
      const token = await issuePasswordLink(tx, user.id, now, INVITATION_DAYS * 24 * 60);
      await recordAudit({ action: "account.created", actorId: actor.id, tenantId: tenant.id, targetId: user.id, details: { via: "people page", email: input.email, role: input.role } }, tx);
      return { userId: user.id, token };
    })
    .catch((error: unknown) => {
      // The same address invited at the same moment by another admin.
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
  if (!person.invitedAt || person.disabledAt) throw new AppError("CONFLICT", `${person.name} has joined already, or is disabled: there is no invitation to send again.`);
  const recent = await db.passwordReset.count({ where: { userId, createdAt: { gt: new Date(now.getTime() - 3_600_000) } } });
  if (recent > RESENDS_PER_HOUR) throw new AppError("CONFLICT", `The invitation was sent to ${person.email} several times in the last hour. Try again later.`);
  const token = await db.$transaction(async (tx) => {
    await tx.passwordReset.updateMany({ where: { userId, usedAt: null }, data: { usedAt: now } });
    return issuePasswordLink(tx, userId, now, INVITATION_DAYS * 24 * 60);
  });
  return { mailed: await mailInvitation(person, actor, tenant.companyName, token) };
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
