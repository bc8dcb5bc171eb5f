import "server-only";
import { db } from "../db/portal";
import { AppError } from "../errors";
import { isStaff, type Actor } from "../auth/policy";
import type { Prisma } from "../generated/portal/client";
import { LIST_PAGE_SIZE, type ListOptions } from "../lists/keyset";
import { readSandboxPage, sandboxListWhere } from "../sandboxes/list-filter";
import { ORDER_DEFAULT_SORT, ORDER_SORTS, type OrderListQuery } from "../sandboxes/list-schema";

/** Customers a sales rep can order for (names and keys only: no connection data); not those that have left. */
export function listOrderableCustomers() {
  return db.tenant.findMany({ where: { offboardedAt: null }, orderBy: { companyName: "asc" }, select: { id: true, companyName: true, customerId: true } });
}

/** A customer that can be ordered for: registered, and not left (the order's transaction checks that again under a lock). */
export async function isOrderableCustomer(tenantId: string): Promise<boolean> {
  return (await db.tenant.findFirst({ where: { id: tenantId, offboardedAt: null }, select: { id: true } })) !== null;
}

/** A customer that may be ordered for (not offboarded), by its customer number, as the API names customers. */
export function tenantOfCustomer(customerId: string) {
  return db.tenant.findFirst({ where: { customerId, offboardedAt: null }, select: { id: true } });
}

/** The name field's error when another live sandbox of the customer has the name (or wins a race for it). */
export const sandboxNameTaken = () =>
  new AppError("INVALID_INPUT", undefined, { name: ["A sandbox with this name already exists for this customer. Choose another name."] });

/** A sandbox name as its customer reads it: one spelling (NFC), and case ignored in every script. */
export const sandboxNameKey = (name: string): string => name.normalize("NFC").toLowerCase();

/**
 * Whether a live sandbox of the tenant has this name, case ignored in every script: the
 * unique index on lower(name) folds only A-Z on a server in the C locale (the embedded one),
 * so "Café" and "CAFÉ" both passed it. Names of the same length are compared here instead,
 * a customer's few; the callers hold the customer's row, so two orders cannot both pass.
 */
export async function isSandboxNameTaken(tenantId: string, name: string, client: Pick<Prisma.TransactionClient, "$queryRaw"> = db): Promise<boolean> {
  const key = sandboxNameKey(name);
  // Deleted sandboxes free their names (the partial unique index agrees).
  const sameLength = await client.$queryRaw<{ name: string }[]>`
    SELECT name FROM "Sandbox" WHERE "tenantId" = ${tenantId} AND "deletedAt" IS NULL AND char_length(name) = ${[...key].length}`;
  return sameLength.some((other) => sandboxNameKey(other.name) === key);
}

const ORDER_SELECT = {
  id: true,
  tenantId: true,
  name: true,
  status: true,
  createdAt: true,
  confirmedAt: true,
  orderedOnBehalf: true,
  orderedKind: true,
  orderedById: true,
  planCounts: true,
  wizardDraft: true,
  orderedBy: { select: { name: true } },
  tenant: { select: { companyName: true, customerId: true } },
} satisfies Prisma.SandboxSelect;

/** The orders an actor may see: a sales rep those they filed, a customer admin their tenant's (set up or still waiting), an operator all. */
function visibleOrders(actor: Actor): Prisma.SandboxWhereInput {
  if (actor.role === "SALES_REP") return { orderedById: actor.id };
  return isStaff(actor) ? {} : { tenantId: actor.tenantId ?? "__none__" };
}

/**
 * The order a page arrives about ("filed", "saved"), wherever it stands in the list: only one
 * this reader may see, as the id comes from the address bar. null otherwise.
 */
export function orderArrivedAbout(actor: Actor, sandboxId: string) {
  return db.sandbox.findFirst({ where: { ...visibleOrders(actor), id: sandboxId }, select: { id: true, name: true, tenant: { select: { companyName: true } } } });
}

/** One page of the orders the actor may see, filtered and sorted as the URL asks (newest first by default). */
export async function listOrders(actor: Actor, query: Partial<OrderListQuery> = {}, { pageSize = LIST_PAGE_SIZE, client = db }: ListOptions = {}) {
  const sort = query.sort ?? ORDER_DEFAULT_SORT;
  const spec = ORDER_SORTS[sort.key];
  const where = await sandboxListWhere(client, actor, visibleOrders(actor), query);
  return readSandboxPage(client, where, { spec, sort, position: query, pageSize }, ORDER_SELECT);
}
