/**
 * Since when the portal notes each account's sign-ins (User.lastSignInAt): the moment the
 * migration that added it ran here. An account older than that with no sign-in noted may
 * have signed in before it, so the People pages say "not since" that moment, not "never",
 * and nobody disables a colleague who simply has not signed in since the upgrade.
 */
import "server-only";
import { db } from "../db/portal";
import type { WhenFormatter } from "../format";

const MIGRATION = "20261206161220_user_last_sign_in";

let noted: Promise<Date | null> | undefined;

/** PostgreSQL's "undefined_table": a database whose schema was not made by migrations. */
const NO_SUCH_TABLE = "42P01";

/** When sign-ins began to be noted; null when the database cannot tell (its history not kept by migrations). Read once per process. */
export function signInsNotedSince(): Promise<Date | null> {
  noted ??= db.$queryRaw<{ finishedAt: Date }[]>`
    SELECT finished_at AS "finishedAt" FROM _prisma_migrations
     WHERE migration_name = ${MIGRATION} AND finished_at IS NOT NULL AND rolled_back_at IS NULL
     ORDER BY finished_at DESC LIMIT 1`
    .then((rows) => rows[0]?.finishedAt ?? null)
    .catch((error: unknown) => {
      if (hasCode(error, NO_SUCH_TABLE)) return null;
      noted = undefined; // asked again next time: a passing fault is not kept for the process's life
      throw error;
    });
  return noted;
}

/** A raw query's error through the pg adapter: Prisma's P2010 carries the server's SQLSTATE as the driver adapter's originalCode. */
function hasCode(error: unknown, code: string): boolean {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } } | null)?.meta;
  return meta?.driverAdapterError?.cause?.originalCode === code;
}

/** What a row says of an account's last sign-in: its moment, "Never", or that none was noted since `notedSince`. */
export function lastSignInWords(person: { lastSignInAt: Date | null; createdAt: Date }, notedSince: Date | null, when: WhenFormatter): string {
  if (person.lastSignInAt) return when(person.lastSignInAt);
  if (notedSince === null) return "Not known";
  return person.createdAt < notedSince ? `Not since ${when(notedSince)}` : "Never";
}
