/**
 * Telling the people given access to a sandbox: which sandbox, which plan, where
 * to sign in; again after each refresh; and when their access ends or the
 * sandbox is deleted. The e-mail goes to the address production holds for them;
 * a portal account of the same tenant with that address also gets the notice in
 * the portal.
 *
 * Production chooses those addresses, and a customer can refresh a configuration-only
 * sandbox in a loop, choosing other people each time: the portal's own sender would
 * mail anyone, without end. So a tenant's access mails are bounded per day, in all
 * and per address; past the bound the portal notice still goes, the mail does not.
 */
import { db } from "../db/portal";
import { databaseNow } from "../db/database-clock";
import { log } from "../observability/log";
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
  const allowed = await mailAllowance(sandbox.tenantId, reachable.map((c) => c.email));
  let withheld = 0;
  for (const change of reachable) {
    if (!allowed.take(change.email)) {
      withheld++;
      continue;
    }
    const facts = accessFacts(sandbox, change);
    await sendMail({ to: [change.email], subject: accessSubject(facts.event, facts.sandboxName), ...(await renderMail(createElement(AccessMail, facts))) });
    await db.accessMailSent.create({ data: { tenantId: sandbox.tenantId, email: change.email, sentAt: await databaseNow() } });
  }
  if (withheld > 0) log.warn({ tenantId: sandbox.tenantId, sandboxId: sandbox.id, withheld }, "access mails withheld: the tenant's daily bound is reached");
}

/** A tenant's access mails in a day, over all its sandboxes: eight full refreshes' worth of a sandbox's most users. */
export const ACCESS_MAILS_PER_TENANT_PER_DAY = 2_000;
/** One address's access mails from a tenant in a day: a person on several sandboxes, refreshed several times. */
export const ACCESS_MAILS_PER_ADDRESS_PER_DAY = 10;
const DAY_MS = 24 * 60 * 60 * 1000;

/** How many more access mails the tenant may send today, in all and to each of `addresses`. */
async function mailAllowance(tenantId: string, addresses: string[]) {
  const since = new Date((await databaseNow()).getTime() - DAY_MS);
  await db.accessMailSent.deleteMany({ where: { tenantId, sentAt: { lt: since } } });
  const [total, perAddress] = await Promise.all([
    db.accessMailSent.count({ where: { tenantId } }),
    db.accessMailSent.groupBy({ by: ["email"], where: { tenantId, email: { in: [...new Set(addresses)] } }, _count: { _all: true } }),
  ]);
  let left = ACCESS_MAILS_PER_TENANT_PER_DAY - total;
  const sent = new Map(perAddress.map((row) => [row.email, row._count._all]));
  return {
    /** Whether one more mail to `address` is within the bounds; counts it when it is. */
    take(address: string): boolean {
      const already = sent.get(address) ?? 0;
      if (left <= 0 || already >= ACCESS_MAILS_PER_ADDRESS_PER_DAY) return false;
      left--;
      sent.set(address, already + 1);
      return true;
    },
  };
}
