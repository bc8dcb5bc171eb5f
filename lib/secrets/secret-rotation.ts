/**
 * Re-seals every sealed value in the portal database under the current
 * DATABASE_SECRETS_KEY (`npm run ops -- secrets:rotate`). Run it while the old
 * key is still listed in DATABASE_SECRETS_PREVIOUS_KEYS; once it reports
 * nothing left on an old key, the old key can be dropped.
 */
import { db } from "../db/portal";
import { needsResealing, openSecret, sealSecret } from "./secret-box";

/**
 * Every column that holds a sealed value. A test compares this list with the
 * database's columns named "…Encrypted", so a new sealed column cannot be
 * forgotten here. Identifiers are constants, never input.
 */
export const SEALED_COLUMNS = [
  { table: "Tenant", column: "productionUrlEncrypted" },
  { table: "SandboxServer", column: "urlEncrypted" },
  { table: "User", column: "totpSecretEncrypted" },
  { table: "Sandbox", column: "pseudonymSecretEncrypted" },
  { table: "WebhookEndpoint", column: "secretEncrypted" },
] as const;

export interface RotationReport {
  resealed: number;
  alreadyCurrent: number;
  /** Values changed by someone else while being re-sealed: they were written under the current key. */
  changedMeanwhile: number;
}

export async function resealAllSecrets(): Promise<RotationReport> {
  const report: RotationReport = { resealed: 0, alreadyCurrent: 0, changedMeanwhile: 0 };
  for (const { table, column } of SEALED_COLUMNS) {
    const rows = await db.$queryRawUnsafe<{ id: string; sealed: string }[]>(
      `SELECT "id", "${column}" AS sealed FROM "${table}" WHERE "${column}" IS NOT NULL`,
    );
    for (const row of rows) {
      if (!needsResealing(row.sealed)) {
        report.alreadyCurrent++;
        continue;
      }
      // Opening first: a value no configured key opens stops the rotation before anything is lost.
      const resealed = sealSecret(openSecret(row.sealed));
      // Compare-and-set: a value rewritten by the app meanwhile is newer (and sealed with the current key); keep it.
      const updated = await db.$executeRawUnsafe(
        `UPDATE "${table}" SET "${column}" = $1 WHERE "id" = $2 AND "${column}" = $3`,
        resealed, row.id, row.sealed,
      );
      if (updated === 1) report.resealed++;
      else report.changedMeanwhile++;
    }
  }
  return report;
}
