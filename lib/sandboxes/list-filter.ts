/**
 * The filters of the Sandboxes and Orders lists as one Prisma `where`, inside the
 * scope the caller gives (what the actor may see): the scope is ANDed in, so no URL
 * widens it. Words that name a customer or a person are resolved to ids first, as in
 * the audit log (lib/lists/matching.ts).
 */
import "server-only";
import { isStaff, type Actor } from "../auth/policy";
import type { Prisma, PrismaClient } from "../generated/portal/client";
import type { SortSpec } from "../lists/cursor";
import { prismaKeyset, readKeysetPage } from "../lists/keyset";
import { insensitive, tenantsMatching, usersMatching, type Matched } from "../lists/matching";
import { dayRange, type ListPosition, type ListSort } from "../lists/schema";
import { ACTIVE_RUN_STATUSES } from "../jobs/lifecycle";
import type { ShownStatus } from "./labels";
import type { SandboxListFilter } from "./list-schema";

export async function sandboxListWhere(client: PrismaClient, actor: Actor, scope: Prisma.SandboxWhereInput, filter: SandboxListFilter): Promise<Prisma.SandboxWhereInput> {
  const staff = isStaff(actor);
  const [searchedTenants, customerTenants, orderers] = await Promise.all([
    // Customers search their own sandboxes by name only; their customer filter is ignored.
    staff && filter.q ? tenantsMatching(client, filter.q) : undefined,
    staff && filter.customer ? tenantsMatching(client, filter.customer) : undefined,
    filter.orderer ? usersMatching(client, filter.orderer) : undefined,
  ]);
  const ofTenants = (m: Matched<Prisma.TenantWhereInput>): Prisma.SandboxWhereInput => ("ids" in m ? { tenantId: { in: m.ids } } : { tenant: m.where });
  const bySearchedTenant = searchedTenants && ("where" in searchedTenants || searchedTenants.ids.length > 0) ? [ofTenants(searchedTenants)] : [];
  const createdAt = dayRange(filter.from, filter.to);
  const conditions: Prisma.SandboxWhereInput[] = [
    scope,
    ...(filter.q ? [{ OR: [{ name: insensitive(filter.q) }, ...bySearchedTenant] }] : []),
    ...(customerTenants ? [ofTenants(customerTenants)] : []),
    ...(orderers ? [("ids" in orderers ? { orderedById: { in: orderers.ids } } : { orderedBy: orderers.where }) satisfies Prisma.SandboxWhereInput] : []),
    ...(filter.status ? [shownStatusWhere(filter.status)] : []),
    ...(createdAt ? [{ createdAt }] : []),
  ];
  return { AND: conditions };
}

/** A deletion under way is shown, not stored (labels.ts shownStatus): a sandbox being deleted shows no other status. */
const BEING_DELETED: Prisma.SandboxWhereInput = { runs: { some: { kind: "DELETE", status: { in: [...ACTIVE_RUN_STATUSES] } } } };

function shownStatusWhere(status: ShownStatus): Prisma.SandboxWhereInput {
  if (status === "DELETING") return { status: { not: "DELETED" }, ...BEING_DELETED };
  return status === "DELETED" ? { status } : { status, NOT: BEING_DELETED };
}

/** One keyset page of the sandboxes `where` matches, in the sort's order, each row as `select` shapes it. */
export function readSandboxPage<S extends Prisma.SandboxSelect & { id: true }>(
  client: PrismaClient,
  where: Prisma.SandboxWhereInput,
  { spec, sort, position, pageSize }: { spec: SortSpec; sort: ListSort<string>; position: ListPosition; pageSize: number },
  select: S,
) {
  return readKeysetPage(position, pageSize, spec, async (read): Promise<(Prisma.SandboxGetPayload<{ select: S }> & { id: string })[]> => {
    const keyset = prismaKeyset(spec, sort, read);
    // The sort column is in every shape the lists select (the cursor reads it from the row).
    const rows = await client.sandbox.findMany({
      where: { AND: [where, keyset.where as Prisma.SandboxWhereInput] },
      orderBy: keyset.orderBy as Prisma.SandboxOrderByWithRelationInput[],
      take: read.take,
      select,
    });
    return rows as (Prisma.SandboxGetPayload<{ select: S }> & { id: string })[];
  });
}
