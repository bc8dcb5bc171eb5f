/**
 * Words typed into a list's filter that name a customer or a person, resolved to ids
 * first: a filter on the listed table's own id columns is what its indexes serve (a
 * join filter made PostgreSQL walk the whole audit log by date).
 *
 * Words that match more than MATCHED_IDS_AT_MOST rows (a letter, "@", a common domain,
 * in a portal of many customers) are no list of ids but the join: every id was one of the
 * statement's parameters, and past PostgreSQL's limit on them the page failed (a 500). A
 * join is what serves such words anyway, as most rows it walks match.
 */
import "server-only";
import type { Prisma, PrismaClient } from "../generated/portal/client";

/** LIKE's own characters in typed words are meant literally (Prisma's `contains` passes them on as wildcards). */
export const escapeLike = (words: string) => words.replace(/[\\%_]/g, "\\$&");

export const insensitive = (words: string) => ({ contains: escapeLike(words), mode: "insensitive" as const });

/** The most ids a filter names as a list; more, and it filters by the join (`where`) instead. */
export const MATCHED_IDS_AT_MOST = 1_000;

/** The ids of what `words` match (at most MATCHED_IDS_AT_MOST), or the condition on the joined row when more match. */
export type Matched<W> = { ids: string[] } | { where: W };

async function idsOrWhere<W>(rows: Promise<{ id: string }[]>, where: W): Promise<Matched<W>> {
  const found = await rows;
  return found.length > MATCHED_IDS_AT_MOST ? { where } : { ids: found.map((r) => r.id) };
}

/**
 * Tenants whose customer id is `words` (any case) or whose company name contains them.
 * Prisma's case-insensitive `equals` is an ILIKE too: unescaped, "%" was every tenant.
 */
const tenantWords = (words: string): Prisma.TenantWhereInput => ({ OR: [{ customerId: { equals: escapeLike(words), mode: "insensitive" } }, { companyName: insensitive(words) }] });

export const tenantsMatching = (client: PrismaClient, words: string): Promise<Matched<Prisma.TenantWhereInput>> =>
  idsOrWhere(client.tenant.findMany({ where: tenantWords(words), select: { id: true }, take: MATCHED_IDS_AT_MOST + 1 }), tenantWords(words));

/** People whose name or e-mail address contains `words`. */
const userWords = (words: string): Prisma.UserWhereInput => ({ OR: [{ name: insensitive(words) }, { email: insensitive(words) }] });

export const usersMatching = (client: PrismaClient, words: string): Promise<Matched<Prisma.UserWhereInput>> =>
  idsOrWhere(client.user.findMany({ where: userWords(words), select: { id: true }, take: MATCHED_IDS_AT_MOST + 1 }), userWords(words));
