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
import { raiseAlertQuietly } from "../alerts/raise";
import { createElement } from "react";
import { planLabel } from "../sanitizer/options";
import type { AccessChange } from "./access";
import { sendMailOrLater } from "../notifications/mail-retry";
import { renderMail } from "../emails/render";
import { AccessMail, accessSubject, type AccessFacts } from "../emails/access-mail";

export interface AccessSandbox {
  id: string;
  name: string;
  tenantId: string;
  companyName: string;
  snapshotAt: Date | null;
  signInUrl: string | null;
  /** Its people have made-up names and usernames (rule 18): each is told the username the copy holds for them. */
  pseudonymised?: boolean;
}

/**
 * A made-up username of the usual shape: one or two words of letters and digits, joined by one
 * dot, hyphen or underscore ("claud.voigt", "ola_nordmann85"), short: only such is mailed. The
 * pseudonymiser replaces the names in production's usernames and keeps their other words, and
 * none of production's text goes out under the portal's sender: one that could spell an address
 * ("login-micros0ft.com") or a sentence is left to the sandbox's page.
 */
const MAILABLE_USERNAME = /^(?=.{1,32}$)[a-z0-9]+(?:[._-][a-z0-9]+)?$/;

/** The facts of one person's notice. */
const accessFacts = (sandbox: AccessSandbox, change: AccessChange): AccessFacts => ({
  event: change.event,
  plan: planLabel(change.userPlan),
  sandboxName: sandbox.name,
  companyName: sandbox.companyName,
  snapshotAt: sandbox.snapshotAt,
  signInUrl: sandbox.signInUrl,
  username: sandbox.pseudonymised ? (MAILABLE_USERNAME.test(change.username) ? { madeUp: change.username } : { madeUp: null }) : "production",
});

/**
 * Notices whose news the run's own notice already gave (run-finished-notices.ts): an admin or
 * orderer who also has access read "Sandbox X has been refreshed" and "The sandbox X has been
 * refreshed" side by side. Being given access, or losing it, is news of its own.
 */
const SAME_NEWS_AS_THE_RUN: ReadonlySet<AccessChange["event"]> = new Set(["renewed", "deleted"]);

/**
 * One e-mail per person with an address; a portal notice for each matching account of the
 * tenant, but for `toldOfTheRun` (account ids) when it would say again what they were told.
 */
export async function tellAccessHolders(sandbox: AccessSandbox, changes: AccessChange[], toldOfTheRun: readonly string[] = []): Promise<void> {
  const reachable = changes.filter((c): c is AccessChange & { email: string } => c.email !== null);
  if (reachable.length === 0) return;
  const accounts = await db.user.findMany({
    where: { tenantId: sandbox.tenantId, email: { in: reachable.map((c) => c.email), mode: "insensitive" }, disabledAt: null },
    select: { id: true, email: true },
  });
  const stillOpen = (c: AccessChange) => c.event === "granted" || c.event === "renewed";
  await db.notification.createMany({
    data: reachable.flatMap((change) =>
      accounts
        .filter((a) => a.email.toLowerCase() === change.email)
        .filter((a) => !(SAME_NEWS_AS_THE_RUN.has(change.event) && toldOfTheRun.includes(a.id)))
        .map((a) => ({ userId: a.id, message: accessSubject(change.event, sandbox.name), link: stillOpen(change) ? `/sandboxes/${sandbox.id}` : null })),
    ),
  });
  const allowed = await reserveAccessMails(sandbox.tenantId, reachable.map((c) => c.email));
  let failed = 0;
  for (const [i, change] of reachable.entries()) {
    if (!allowed.has(i)) continue;
    const facts = accessFacts(sandbox, change);
    // One address the mail server refuses does not keep the others from theirs (as notifyUsers).
    await sendMailOrLater({ to: [change.email], subject: accessSubject(facts.event, facts.sandboxName), ...(await renderMail(createElement(AccessMail, facts))) }).catch((error: unknown) => {
      if (failed++ === 0) log.error({ err: error, sandboxId: sandbox.id, of: allowed.size }, "access mail not sent");
    });
  }
  if (failed > 1) log.error({ sandboxId: sandbox.id, failed, of: allowed.size }, "access mails not sent");
  const withheld = reachable.length - allowed.size;
  if (withheld > 0) {
    log.warn({ tenantId: sandbox.tenantId, sandboxId: sandbox.id, withheld }, "access mails withheld: the tenant's daily bound is reached");
    await raiseAlertQuietly({
      key: `access-mails-withheld:${sandbox.tenantId}`,
      subject: `access mails withheld for sandbox "${sandbox.name}" of ${sandbox.companyName}`,
      detail: `${withheld} of the people given access were not mailed: the customer reached its daily bound of access mails (${ACCESS_MAILS_PER_TENANT_PER_DAY} in all, ${ACCESS_MAILS_PER_ADDRESS_PER_DAY} to an address). A customer refreshing in a loop, or production naming many addresses, does this.`,
      link: `/sandboxes/${sandbox.id}`,
    });
  }
}

/** A tenant's access mails in a day, over all its sandboxes: eight full refreshes' worth of a sandbox's most users. */
export const ACCESS_MAILS_PER_TENANT_PER_DAY = 2_000;
/** One mailbox's access mails from a tenant in a day: a person on several sandboxes, refreshed several times. */
export const ACCESS_MAILS_PER_ADDRESS_PER_DAY = 10;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The mailbox an address reaches, as the bound counts it: "kari+1@x.no" and "Kari+2@x.no" are kari@x.no's. */
export function mailboxOf(address: string): string {
  const at = address.lastIndexOf("@");
  const local = address.slice(0, at).replace(/\+.*$/, "");
  return `${local}${address.slice(at)}`.toLowerCase();
}

/**
 * Which of `addresses` (by position) may be mailed now, counted as sent before they are:
 * one run's reservation at a time per tenant (runs finishing at once each spent the
 * whole allowance), a day's worth kept.
 */
async function reserveAccessMails(tenantId: string, addresses: string[]): Promise<Set<number>> {
  const now = await databaseNow();
  const since = new Date(now.getTime() - DAY_MS);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`access-mails:${tenantId}`}))`;
    await tx.accessMailSent.deleteMany({ where: { tenantId, sentAt: { lt: since } } });
    const mailboxes = addresses.map(mailboxOf);
    const [total, perMailbox] = await Promise.all([
      tx.accessMailSent.count({ where: { tenantId } }),
      tx.accessMailSent.groupBy({ by: ["email"], where: { tenantId, email: { in: [...new Set(mailboxes)] } }, _count: { _all: true } }),
    ]);
    let left = ACCESS_MAILS_PER_TENANT_PER_DAY - total;
    const sent = new Map(perMailbox.map((row) => [row.email, row._count._all]));
    const allowed = new Set<number>();
    for (const [i, mailbox] of mailboxes.entries()) {
      const already = sent.get(mailbox) ?? 0;
      if (left <= 0 || already >= ACCESS_MAILS_PER_ADDRESS_PER_DAY) continue;
      left--;
      sent.set(mailbox, already + 1);
      allowed.add(i);
    }
    await tx.accessMailSent.createMany({ data: [...allowed].map((i) => ({ tenantId, email: mailboxes[i]!, sentAt: now })) });
    return allowed;
  });
}
