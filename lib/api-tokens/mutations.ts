/**
 * Making and revoking personal access tokens, each audited in the same
 * transaction by the token's name (never the token). A customer admin's token
 * belongs to their tenant; an operator's reaches every tenant, as the operator does.
 */
import { recordAudit } from "../audit/record";
import type { Actor } from "../auth/policy";
import { isStaff } from "../auth/policy";
import { db } from "../db/portal";
import { AppError } from "../errors";
import type { Prisma } from "../generated/portal/client";
import type { ApiScope } from "./scopes";
import { newTokenSecret } from "./secret";
import { tokenScope } from "./queries";

const DAY_MS = 86_400_000;
/**
 * Tokens one person may hold working at once: one per pipeline, and a few to spare.
 * Each token has a rate limit of its own, so without a cap more tokens were more rate.
 */
export const MAX_ACTIVE_TOKENS_PER_OWNER = 20;

export interface NewToken {
  name: string;
  expiresInDays: number;
  scopes: ApiScope[];
}

/** Returns the token itself: the only time anyone sees it. */
export async function createToken(actor: Actor, input: NewToken, now = new Date()): Promise<{ id: string; token: string; expiresAt: Date }> {
  const { token, hash, prefix } = newTokenSecret();
  const expiresAt = new Date(now.getTime() + input.expiresInDays * DAY_MS);
  const scopes = [...new Set(input.scopes)];
  const created = await db.$transaction(async (tx) => {
    // Counted under the owner's row lock, so two pages at once cannot pass the cap. The owner is
    // read again under it: a demotion or a disabling (which revoke the owner's tokens, and take this
    // lock) that committed after this request read its actor would otherwise leave a token made
    // after their revocation, to wake up when the owner is made admin, or enabled, again. So is a
    // password set since the session signed in (the rule load-actor.ts applies): the reset ended that
    // session, and a token it made after would outlive the reset.
    const [owner] = await tx.$queryRaw<{ role: string; tenantId: string | null; disabled: boolean; passwordChangedAt: Date }[]>`
      SELECT role::text AS role, "tenantId", "disabledAt" IS NOT NULL AS disabled, "passwordChangedAt" FROM "User" WHERE id = ${actor.id} FOR UPDATE`;
    const passwordSetSince = actor.signedInAt !== undefined && owner !== undefined && owner.passwordChangedAt.getTime() > actor.signedInAt.getTime() + 1000;
    if (!owner || owner.disabled || owner.role !== actor.role || owner.tenantId !== actor.tenantId || passwordSetSince) {
      throw new AppError("FORBIDDEN", "Your account changed meanwhile, so no token was made. Reload the page.");
    }
    const active = await tx.apiToken.count({ where: { ownerId: actor.id, revokedAt: null, expiresAt: { gt: now } } });
    if (active >= MAX_ACTIVE_TOKENS_PER_OWNER) {
      throw new AppError("CONFLICT", `You hold ${MAX_ACTIVE_TOKENS_PER_OWNER} working tokens, the most one person may; revoke one you no longer use first.`);
    }
    const row = await tx.apiToken.create({
      data: { name: input.name, prefix, tokenHash: hash, scopes, ownerId: actor.id, tenantId: isStaff(actor) ? null : actor.tenantId, createdAt: now, expiresAt },
      select: { id: true },
    });
    await recordAudit({ action: "apiToken.created", actorId: actor.id, tenantId: actor.tenantId, targetId: row.id, details: { name: input.name, scopes, expiresAt: expiresAt.toISOString() } }, tx);
    return row;
  });
  return { id: created.id, token, expiresAt };
}

/** Revokes a token the actor may see (lib/api-tokens/queries.ts); it stops working on its next request. */
export async function revokeToken(actor: Actor, id: string, now = new Date()): Promise<{ name: string }> {
  return db.$transaction(async (tx) => {
    const token = await tx.apiToken.findFirst({ where: { id, ...tokenScope(actor) }, select: { id: true, name: true, tenantId: true, revokedAt: true } });
    if (!token) throw new AppError("NOT_FOUND");
    if (token.revokedAt) return { name: token.name };
    await tx.apiToken.update({ where: { id }, data: { revokedAt: now } });
    await recordAudit({ action: "apiToken.revoked", actorId: actor.id, tenantId: token.tenantId, targetId: id, details: { name: token.name } }, tx);
    return { name: token.name };
  });
}

/**
 * Revokes, in `tx`, the working tokens of one account (its rights changed, or it was
 * disabled) or of a whole tenant (offboarded): revoked, never suspended, so that giving the
 * rights back does not bring year-long tokens back to life. How many were revoked.
 */
export async function revokeWorkingTokens(tx: Prisma.TransactionClient, of: { ownerId: string } | { tenantId: string }, at = new Date()): Promise<number> {
  return (await tx.apiToken.updateMany({ where: { ...of, revokedAt: null }, data: { revokedAt: at } })).count;
}
