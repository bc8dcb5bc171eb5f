/**
 * Telling the people given access to a sandbox: which sandbox, which plan, where
 * to sign in; again after each refresh; and when their access ends or the
 * sandbox is deleted. The e-mail goes to the address production holds for them;
 * a portal account of the same tenant with that address also gets the notice in
 * the portal.
 */
import { db } from "../db/portal";
import { formatWhen } from "../format";
import { PLAN_LABEL, type UserPlan } from "../sanitizer/options";
import type { AccessChange } from "./access";
import { sendMail } from "../notifications/mailer";

export interface AccessSandbox {
  id: string;
  name: string;
  tenantId: string;
  companyName: string;
  snapshotAt: Date | null;
  signInUrl: string | null;
}

const planLabel = (plan: string) => PLAN_LABEL[plan as UserPlan] ?? plan;

/** The words of one notice. Exported for the test that reads every kind. */
export function accessNotice(sandbox: AccessSandbox, change: AccessChange): { subject: string; text: string } {
  const where = sandbox.signInUrl
    ? `Sign in at ${sandbox.signInUrl} with your username "${change.username}".`
    : `Sign in with your username "${change.username}".`;
  const asOf = `It holds ${sandbox.companyName}'s production data as of ${formatWhen(sandbox.snapshotAt)}.`;
  const plan = planLabel(change.userPlan);
  switch (change.event) {
    case "granted":
      return {
        subject: `You have access to the sandbox "${sandbox.name}"`,
        text: `Hello ${change.fullName},\n\nYou have been given access to the sandbox "${sandbox.name}" of ${sandbox.companyName} on the ${plan} plan. ${asOf}\n\n${where}\n\nA sandbox is a dead end: nothing you do there reaches production.`,
      };
    case "renewed":
      return {
        subject: `The sandbox "${sandbox.name}" has been refreshed`,
        text: `Hello ${change.fullName},\n\nThe sandbox "${sandbox.name}" of ${sandbox.companyName} has been refreshed. ${asOf} Your access continues on the ${plan} plan.\n\n${where}`,
      };
    case "ended":
      return {
        subject: `Your access to the sandbox "${sandbox.name}" has ended`,
        text: `Hello ${change.fullName},\n\nYour access to the sandbox "${sandbox.name}" of ${sandbox.companyName} ended with its latest refresh. Ask your administrator if you still need it.`,
      };
    case "deleted":
      return {
        subject: `The sandbox "${sandbox.name}" has been deleted`,
        text: `Hello ${change.fullName},\n\nThe sandbox "${sandbox.name}" of ${sandbox.companyName} has been deleted, so your access to it has ended.`,
      };
  }
}

/** One e-mail per person with an address; a portal notice for each matching account of the tenant. */
export async function tellAccessHolders(sandbox: AccessSandbox, changes: AccessChange[]): Promise<void> {
  const reachable = changes.filter((c): c is AccessChange & { email: string } => c.email !== null);
  if (reachable.length === 0) return;
  const accounts = await db.user.findMany({
    where: { tenantId: sandbox.tenantId, email: { in: reachable.map((c) => c.email), mode: "insensitive" } },
    select: { id: true, email: true },
  });
  const stillOpen = (c: AccessChange) => c.event === "granted" || c.event === "renewed";
  await db.notification.createMany({
    data: reachable.flatMap((change) =>
      accounts
        .filter((a) => a.email.toLowerCase() === change.email)
        .map((a) => ({ userId: a.id, message: accessNotice(sandbox, change).subject, link: stillOpen(change) ? `/sandboxes/${sandbox.id}` : null })),
    ),
  });
  for (const change of reachable) {
    const notice = accessNotice(sandbox, change);
    await sendMail({ to: [change.email], subject: notice.subject, text: notice.text });
  }
}
