/**
 * The links that let a person set their password without knowing it: a forgotten password's
 * (password-reset.ts) and an invitation's (lib/people/invite.ts). A link carries 256 random
 * bits; only their SHA-256 is kept, so the table never holds one that works. Here only what
 * every user of links shares: making one, finding one by its token, and ending all of an
 * account's (set, disabled, joined otherwise, or replaced by a newer one).
 */
import { createHash, randomBytes } from "node:crypto";
import type { Prisma } from "../generated/portal/client";

export const linkHash = (token: string): string => createHash("sha256").update(token).digest("hex");

/** A new link's token for the account, good for `minutes` from `now`, in `client`'s transaction when given one. */
export async function issuePasswordLink(client: Prisma.TransactionClient, userId: string, now: Date, minutes: number): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await client.passwordReset.create({ data: { userId, tokenHash: linkHash(token), createdAt: now, expiresAt: new Date(now.getTime() + minutes * 60_000) } });
  return token;
}

/** The links made for the account in the hour before `now`, used or not: what an hourly allowance counts, in `client`'s transaction (under the account's lock). */
export function linksOfTheLastHour(client: Prisma.TransactionClient, userId: string, now: Date): Promise<number> {
  return client.passwordReset.count({ where: { userId, createdAt: { gt: new Date(now.getTime() - 3_600_000) } } });
}

/** Ends every link of the account not used yet, in `client`'s transaction. */
export async function endPasswordLinks(client: Prisma.TransactionClient, userId: string, now = new Date()): Promise<void> {
  await client.passwordReset.updateMany({ where: { userId, usedAt: null }, data: { usedAt: now } });
}
