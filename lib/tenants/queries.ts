import "server-only";
import { db } from "../db/portal";
import { Prisma, type PrismaClient } from "../generated/portal/client";
import type { Cursor } from "../lists/cursor";
import { LIST_PAGE_SIZE, readKeysetPage, reverseOf, type KeysetRead, type ListOptions } from "../lists/keyset";
import { escapeLike } from "../lists/matching";
import { getTenantProductionSize, orNullWhenUnavailable } from "./production";
import { openConnections } from "./registry";
import { TENANT_DEFAULT_SORT, TENANT_SORTS, type TenantListQuery } from "./list-schema";

interface TenantRow {
  id: string;
  customerId: string;
  companyName: string;
  createdAt: Date;
  entitledSandboxes: number | null;
  entitledPlans: unknown;
  /** Null once the customer has left (offboard.ts). */
  productionUrlEncrypted: string | null;
  userCount: number;
  sandboxCount: number;
}

const likeContaining = (words: string) => `%${escapeLike(words)}%`;

/** The cursor's value as the sort column's SQL type (timestamps are stored as UTC without a zone). */
function cursorValue(cursor: Cursor): Prisma.Sql {
  const { value } = cursor;
  if (value instanceof Date) return Prisma.sql`(${value.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
  return typeof value === "number" ? Prisma.sql`${value}::int` : Prisma.sql`${String(value)}::text`;
}

/**
 * One read of the Customers list. SQL rather than Prisma because "number of
 * sandboxes" is a sort column, and keyset paging on it needs the count in the
 * `where`; the column names come from TENANT_SORTS, never from the URL.
 */
function readTenants(client: PrismaClient, query: Pick<TenantListQuery, "q" | "sort">, { cursor, backward, take }: KeysetRead) {
  const column = Prisma.raw(`"${TENANT_SORTS[query.sort.key].field}"`);
  const dir = backward ? reverseOf(query.sort.dir) : query.sort.dir;
  const search = query.q ? Prisma.sql`WHERE t."customerId" ILIKE ${likeContaining(query.q)} OR t."companyName" ILIKE ${likeContaining(query.q)}` : Prisma.empty;
  const past = cursor ? Prisma.sql`WHERE (${column}, id) ${Prisma.raw(dir === "asc" ? ">" : "<")} (${cursorValue(cursor)}, ${cursor.id})` : Prisma.empty;
  return client.$queryRaw<TenantRow[]>`
    SELECT * FROM (
      SELECT t.id, t."customerId", t."companyName", t."createdAt", t."entitledSandboxes", t."entitledPlans",
             t."productionUrlEncrypted",
             (SELECT count(*) FROM "User" u WHERE u."tenantId" = t.id)::int AS "userCount",
             (SELECT count(*) FROM "Sandbox" s WHERE s."tenantId" = t.id)::int AS "sandboxCount"
      FROM "Tenant" t ${search}
    ) listed ${past}
    ORDER BY ${column} ${Prisma.raw(dir)}, id ${Prisma.raw(dir)}
    LIMIT ${take}`;
}

/** One page of the tenants as the list sorts and searches them, sealed URLs included (they stay on the server). */
export function readTenantPage(query: Partial<TenantListQuery> = {}, { pageSize = LIST_PAGE_SIZE, client = db }: ListOptions = {}) {
  const sort = query.sort ?? TENANT_DEFAULT_SORT;
  return readKeysetPage(query, pageSize, TENANT_SORTS[sort.key], (read) => readTenants(client, { q: query.q, sort }, read));
}

/**
 * How long the customer list waits for one production's size. A production that answers
 * slowly, or not at all, held the whole page for as long as its read was allowed (up to
 * 25 s after connecting, and the page was read again on every view). Past this the row
 * says the size is still being read; the reading goes on, and the next view within a
 * minute shows it (recentReadings).
 */
const LIST_SIZE_WAIT_MS = 2_000;

/** What the list shows of a production's size: its bytes, or why not (a customer that left has none to read). */
export type ShownSize = number | "unreachable" | "still reading" | "customer left";

/** One page of the tenants, for staff: no URLs, only what the page shows. */
export async function listTenantsForStaff(query: Partial<TenantListQuery> = {}, options: ListOptions = {}) {
  const page = await readTenantPage(query, options);
  // The sealed URLs are opened here and dropped: only the size leaves this function.
  const rows = await Promise.all(
    page.rows.map(async ({ productionUrlEncrypted, ...t }) => ({
      ...t,
      productionSize:
        productionUrlEncrypted === null ? ("customer left" as const) : await sizeWithin(getTenantProductionSize(t.id, openConnections({ productionUrlEncrypted }).productionUrl), LIST_SIZE_WAIT_MS),
    })),
  );
  return { ...page, rows };
}

async function sizeWithin(reading: Promise<number>, ms: number): Promise<ShownSize> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"still reading">((resolve) => (timer = setTimeout(() => resolve("still reading"), ms)));
  try {
    return await Promise.race([orNullWhenUnavailable(reading).then((bytes) => bytes ?? "unreachable"), late]);
  } finally {
    clearTimeout(timer);
  }
}
