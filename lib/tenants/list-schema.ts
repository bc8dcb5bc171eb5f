/** The Customers list's URL: a search, a sort and a page cursor. Isomorphic. */
import type { z } from "zod";
import type { SortSpec } from "../lists/cursor";
import { lenient, listQuerySchema, searchText, type ListSort } from "../lists/schema";

/** The fields are the list query's own column names (lib/tenants/queries.ts). */
export const TENANT_SORTS = {
  name: { field: "companyName", kind: "text", labels: ["Company (A–Z)", "Company (Z–A)"] },
  customer: { field: "customerId", kind: "text", labels: ["Customer id (A–Z)", "Customer id (Z–A)"] },
  created: { field: "createdAt", kind: "date", labels: ["Registered (oldest first)", "Registered (newest first)"] },
  sandboxes: { field: "sandboxCount", kind: "number", labels: ["Sandboxes (fewest first)", "Sandboxes (most first)"] },
} satisfies Record<string, SortSpec>;

export const TENANT_DEFAULT_SORT: ListSort<keyof typeof TENANT_SORTS> = { key: "customer", dir: "asc" };

export const tenantListSchema = listQuerySchema({ q: lenient(searchText("Search")) }, TENANT_SORTS, TENANT_DEFAULT_SORT);

export type TenantListQuery = z.output<typeof tenantListSchema>;
