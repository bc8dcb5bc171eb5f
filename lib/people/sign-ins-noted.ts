/**
 * Since when the portal notes each account's sign-ins (User.lastSignInAt): the moment the
 * migration that added it ran here. An account older than that with no sign-in noted may
 * have signed in before it, so the People pages say "not since" that moment, not "never",
 * and nobody disables a colleague who simply has not signed in since the upgrade.
 */
import "server-only";
import { db } from "../db/portal";

const MIGRATION = "20261206161220_user_last_sign_in";

let noted: Promise<Date | null> | undefined;

/** When sign-ins began to be noted; null when the database cannot tell (its history not kept by migrations). Read once per process. */
export function signInsNotedSince(): Promise<Date | null> {
  noted ??= db.$queryRaw<{ finishedAt: Date | null }[]>`
    SELECT finished_at AS "finishedAt" FROM _prisma_migrations WHERE migration_name = ${MIGRATION} AND rolled_back_at IS NULL`
    .then((rows) => rows[0]?.finishedAt ?? null)
    .catch((error: unknown) => {
      noted = undefined; // asked again next time: a passing fault is not kept for the process's life
      throw error;
    });
  return noted;
}

/** What a row says of an account's last sign-in: its moment, "Never", or that none was noted since `notedSince`. */
export function lastSignInWords(person: { lastSignInAt: Date | null; createdAt: Date }, notedSince: Date | null, when: (d: Date) => string): string {
  if (person.lastSignInAt) return when(person.lastSignInAt);
  if (notedSince === null) return "Not known";
  return person.createdAt < notedSince ? `Not since ${when(notedSince)}` : "Never";
}
