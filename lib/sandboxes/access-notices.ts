/**
 * Telling the people given access to a sandbox: which sandbox, which plan, where
 * to sign in; again after each refresh; and when their access ends or the
 * sandbox is deleted. The e-mail goes to the address production holds for them;
 * a portal account of the same tenant with that address also gets the notice in
 * the portal.
 */
import { db } from "../db/portal";
import { createElement } from "react";
import { planLabel } from "../sanitizer/options";
import type { AccessChange } from "./access";
import { sendMail } from "../notifications/mailer";
import { renderMail } from "../emails/render";
import { AccessMail, accessSubject, type AccessFacts } from "../emails/access-mail";

export interface AccessSandbox {
  id: string;
  name: string;
  tenantId: string;
  companyName: string;
  snapshotAt: Date | null;
  signInUrl: string | null;
}

/** The facts of one person's notice. */
const accessFacts = (sandbox: AccessSandbox, change: AccessChange): AccessFacts => ({
  event: change.event,
  fullName: change.fullName,
  username: change.username,
  plan: planLabel(change.userPlan),
  sandboxName: sandbox.name,
  companyName: sandbox.companyName,
  snapshotAt: sandbox.snapshotAt,
  signInUrl: sandbox.signInUrl,
});

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
        .map((a) => ({ userId: a.id, message: accessSubject(change.event, sandbox.name), link: stillOpen(change) ? `/sandboxes/${sandbox.id}` : null })),
    ),
  });
  for (const change of reachable) {
    const facts = accessFacts(sandbox, change);
    await sendMail({ to: [change.email], subject: accessSubject(facts.event, facts.sandboxName), ...(await renderMail(createElement(AccessMail, facts))) });
  }
}
