/**
 * The Sandboxes and Orders lists' URLs: both list sandboxes (an order is a sandbox
 * still being set up, or one that was), so they filter alike. Isomorphic.
 */
import { z } from "zod";
import { SandboxStatus } from "../generated/portal/enums";
import type { SortSpec } from "../lists/cursor";
import type { ShownStatus } from "./labels";
import { lenient, listQuerySchema, searchText, utcDay, type ListSort } from "../lists/schema";

/** In the database's order (PostgreSQL sorts an enum by declaration): what a status sort and its cursor compare. */
export const SANDBOX_STATUSES = Object.values(SandboxStatus);

/** The statuses a sandbox shows (labels.ts), as the status filter takes them: a deletion under way too. */
export const SHOWN_STATUSES: readonly ShownStatus[] = SANDBOX_STATUSES.flatMap((s): ShownStatus[] => (s === "DELETED" ? ["DELETING", s] : [s]));

/** The filters both lists offer; `customer` is for staff (a customer's own tenant is the only one they see). */
const sandboxFilterShape = {
  q: lenient(searchText("Search")),
  status: lenient(z.enum(SHOWN_STATUSES)),
  customer: lenient(searchText("Customer")),
  orderer: lenient(searchText("Ordered by")),
  from: lenient(utcDay("From")),
  to: lenient(utcDay("To")),
};

export const SANDBOX_FILTER_KEYS = ["q", "status", "customer", "orderer", "from", "to"] as const;

const byName: SortSpec = { field: "name", kind: "text", labels: ["Name (A–Z)", "Name (Z–A)"] };
const byStatus: SortSpec = { field: "status", kind: "enum", values: SANDBOX_STATUSES, labels: ["Status (awaiting setup to cancelled)", "Status (cancelled to awaiting setup)"] };
const created = (what: string): SortSpec => ({ field: "createdAt", kind: "date", labels: [`${what} (oldest first)`, `${what} (newest first)`] });

export const SANDBOX_SORTS = {
  name: byName,
  status: byStatus,
  created: created("Created"),
  refreshed: { field: "lastRefreshedAt", kind: "date", nullable: true, labels: ["Last refreshed (longest ago first)", "Last refreshed (latest first)"] },
} satisfies Record<string, SortSpec>;

export const SANDBOX_DEFAULT_SORT: ListSort<keyof typeof SANDBOX_SORTS> = { key: "created", dir: "desc" };

export const sandboxListSchema = listQuerySchema(
  // "Show deleted": the link's own parameter, kept as the page always had it.
  { ...sandboxFilterShape, deleted: lenient(z.literal("shown")) },
  SANDBOX_SORTS,
  SANDBOX_DEFAULT_SORT,
);

export type SandboxListQuery = z.output<typeof sandboxListSchema>;
export type SandboxListFilter = Pick<SandboxListQuery, (typeof SANDBOX_FILTER_KEYS)[number]>;

export const ORDER_SORTS = {
  name: byName,
  status: byStatus,
  ordered: created("Ordered"),
  confirmed: { field: "confirmedAt", kind: "date", nullable: true, labels: ["Setup confirmed (longest ago first)", "Setup confirmed (latest first)"] },
} satisfies Record<string, SortSpec>;

export const ORDER_DEFAULT_SORT: ListSort<keyof typeof ORDER_SORTS> = { key: "ordered", dir: "desc" };

export const orderListSchema = listQuerySchema(sandboxFilterShape, ORDER_SORTS, ORDER_DEFAULT_SORT);

export type OrderListQuery = z.output<typeof orderListSchema>;
