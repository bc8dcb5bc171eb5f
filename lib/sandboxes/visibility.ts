/**
 * Who may see a sandbox: the pages, routes and actions read it (queries.ts), and so do the
 * notices that name one, so that nobody is told of a sandbox they may not open.
 */
import { db } from "../db/portal";
import { isStaff, type Actor } from "../auth/policy";
import type { Prisma } from "../generated/portal/client";

export type Viewer = Pick<Actor, "role" | "tenantId" | "email">;

/**
 * The sandboxes a viewer may see. Staff: all. Customer admins: their tenant's.
 * Customer users: those of their tenant where someone with their e-mail address
 * was given access in the wizard and still has it (a portal account is matched
 * to a CRM user by the address production holds for that user).
 */
export function visibleSandboxes(viewer: Viewer): Prisma.SandboxWhereInput {
  if (isStaff(viewer)) return {};
  const ownTenant = { tenantId: viewer.tenantId ?? "__none__" };
  if (viewer.role !== "CUSTOMER_USER") return ownTenant;
  return { ...ownTenant, access: { some: { email: viewer.email.toLowerCase(), endedAt: null } } };
}

/**
 * Of these accounts, those who may see the sandbox now. Whoever filed it, asked for one of its
 * runs or chose its regular refresh is told of it only while they may: one an operator moved to
 * another customer (`user:role --customer-id`), or made a customer user without access, must not
 * go on reading its name, failures, sign-in address and access list.
 */
export async function accountsSeeing(userIds: string[], sandboxId: string): Promise<string[]> {
  const users = await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, role: true, tenantId: true, email: true } });
  const seeing = await Promise.all(users.map((u) => db.sandbox.count({ where: { ...visibleSandboxes(u), id: sandboxId } })));
  return users.filter((_, i) => seeing[i]! > 0).map((u) => u.id);
}
