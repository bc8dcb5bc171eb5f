/**
 * Words typed into a list's filter that name a customer or a person, resolved to ids
 * first: a filter on the listed table's own id columns is what its indexes serve (a
 * join filter made PostgreSQL walk the whole audit log by date).
 */
import "server-only";
import type { PrismaClient } from "../generated/portal/client";

/** LIKE's own characters in typed words are meant literally (Prisma's `contains` passes them on as wildcards). */
export const escapeLike = (words: string) => words.replace(/[\\%_]/g, "\\$&");

export const insensitive = (words: string) => ({ contains: escapeLike(words), mode: "insensitive" as const });

const ids = async (rows: Promise<{ id: string }[]>) => (await rows).map((r) => r.id);

/**
 * Tenants whose customer id is `words` (any case) or whose company name contains them.
 * Prisma's case-insensitive `equals` is an ILIKE too: unescaped, "%" was every tenant.
 */
export const tenantsMatching = (client: PrismaClient, words: string): Promise<string[]> =>
  ids(client.tenant.findMany({ where: { OR: [{ customerId: { equals: escapeLike(words), mode: "insensitive" } }, { companyName: insensitive(words) }] }, select: { id: true } }));

/** People whose name or e-mail address contains `words`. */
export const usersMatching = (client: PrismaClient, words: string): Promise<string[]> =>
  ids(client.user.findMany({ where: { OR: [{ name: insensitive(words) }, { email: insensitive(words) }] }, select: { id: true } }));
