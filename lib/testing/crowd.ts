/**
 * A large portal's crowd, for the filters' tests: `many` customers ("Crowd Holding N", id
 * crowd-t-N) and as many people ("Crowd Person N", crowd-u-N, crowdN@crowd.example), all
 * matched by "crowd". 40,000 is more than PostgreSQL takes as one statement's parameters.
 */
import type { PrismaClient } from "../generated/portal/client";

export async function addCrowd(db: PrismaClient, many = 40_000): Promise<void> {
  await db.$executeRaw`INSERT INTO "Tenant" (id, "customerId", "companyName", "productionUrlEncrypted")
    SELECT 'crowd-t-' || n, 'Cust9' || n, 'Crowd Holding ' || n, 'x' FROM generate_series(1, ${many}) n`;
  await db.$executeRaw`INSERT INTO "User" (id, email, name, role, "passwordHash")
    SELECT 'crowd-u-' || n, 'crowd' || n || '@crowd.example', 'Crowd Person ' || n, 'SALES_REP', '-' FROM generate_series(1, ${many}) n`;
}

/** Removes the crowd; what names its people or customers is the caller's to remove first. */
export async function removeCrowd(db: PrismaClient): Promise<void> {
  await db.$executeRaw`DELETE FROM "User" WHERE id LIKE 'crowd-u-%'`;
  await db.$executeRaw`DELETE FROM "Tenant" WHERE id LIKE 'crowd-t-%'`;
}
