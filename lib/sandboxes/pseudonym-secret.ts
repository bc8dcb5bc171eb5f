/**
 * Rule 18's per-sandbox secret, which keys its pseudonyms: made on the first
 * pseudonymised copy and kept (sealed at rest, like production credentials), so every
 * refresh gives the same fake people; renewed only when the customer or an operator
 * asks for new ones. Never shown, logged or put in a report. Plain TypeScript: the
 * worker and the operator CLI use it.
 */
import { randomBytes } from "node:crypto";
import { db } from "../db/portal";
import { openSecret, sealSecret } from "../secrets/secret-box";
import { AppError } from "../errors";

/**
 * The sandbox's secret, made now if it has none; none is made for a sandbox that has ended
 * (deleted, its order cancelled): a review's preview still reading production as the order was
 * cancelled would store one on it, after its end had forgotten it.
 */
export async function pseudonymSecretFor(sandboxId: string): Promise<string> {
  const stored = await readSealed(sandboxId);
  if (stored) return openSecret(stored);
  // Compare-and-set: a run that made one at the same moment wins, and both use its secret.
  await db.sandbox.updateMany({ where: { id: sandboxId, deletedAt: null, pseudonymSecretEncrypted: null }, data: { pseudonymSecretEncrypted: sealSecret(randomBytes(32).toString("base64url")) } });
  const made = await readSealed(sandboxId);
  if (!made) throw new AppError("CONFLICT", "This sandbox has been deleted, or its order cancelled.");
  return openSecret(made);
}

/** Forgets the secret: the next pseudonymised copy draws other fake people. `tx`: with the run that asks for them. */
export async function renewPseudonymSecret(sandboxId: string, tx: Pick<typeof db, "sandbox"> = db): Promise<void> {
  await tx.sandbox.update({ where: { id: sandboxId }, data: { pseudonymSecretEncrypted: null } });
}

/**
 * Written with a sandbox's end (deleted, written off, an order cancelled): its secret is the
 * key from its fake people back to the real ones, for anyone who kept an export of the
 * sandbox, and nothing needs it once the sandbox is gone.
 */
export const FORGET_PSEUDONYMS = { pseudonymSecretEncrypted: null } as const;

async function readSealed(sandboxId: string): Promise<string | null> {
  const row = await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId }, select: { pseudonymSecretEncrypted: true } });
  return row.pseudonymSecretEncrypted;
}
