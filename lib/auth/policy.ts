/**
 * Who may do what. Pure functions over an actor, so pages, server actions and
 * tests share the same rules.
 */
import type { Role } from "../generated/portal/enums";

export interface Actor {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** Customer accounts belong to exactly one tenant; staff to none. */
  tenantId: string | null;
  tenantName: string | null;
  customerId: string | null;
  /** When the session signed in (a web request's actor); unknown for the CLI's and tests' own. */
  signedInAt?: Date;
  /** The web request's session (its UserSession row); none for the CLI's, the API's and tests' own. */
  sessionId?: string;
}

export type Permission =
  | "sandbox.view"
  | "sandbox.order"
  | "sandbox.orderForCustomer"
  | "sandbox.configure"
  | "sandbox.refresh"
  | "sandbox.delete"
  | "sandbox.retry"
  | "checklist.fix"
  | "audit.view"
  | "tenant.viewAll"
  | "tenant.entitle"
  | "operations.view"
  /** Retrying at once the runs an outage failed (lib/operations/retry-failures.ts). */
  | "operations.retry"
  | "servers.manage"
  | "apiTokens.manage"
  | "webhooks.manage"
  /** The portal accounts of one's own organisation: invite, change a role, disable (lib/people/). */
  | "people.manage"
  /** Every customer's accounts, read-only (/tenants/[customerId]/people): support's, not sales'. */
  | "people.viewAll"
  /** One's own account: its password (every role). */
  | "account.manage";

const GRANTS: Record<Role, readonly Permission[]> = {
  CUSTOMER_ADMIN: [
    "sandbox.view", "sandbox.order", "sandbox.configure", "sandbox.refresh", "sandbox.delete", "sandbox.retry",
    "checklist.fix", "audit.view", "apiTokens.manage", "webhooks.manage", "people.manage", "account.manage",
  ],
  CUSTOMER_USER: ["sandbox.view", "account.manage"],
  SALES_REP: ["sandbox.view", "sandbox.orderForCustomer", "tenant.viewAll", "tenant.entitle", "account.manage"],
  OPERATOR: [
    "sandbox.view", "sandbox.orderForCustomer", "sandbox.configure", "sandbox.refresh", "sandbox.delete", "sandbox.retry", "checklist.fix",
    "audit.view", "tenant.viewAll", "tenant.entitle", "operations.view", "operations.retry", "servers.manage", "apiTokens.manage", "people.viewAll", "account.manage",
  ],
};

export const isStaff = (actor: Pick<Actor, "role">): boolean => actor.role === "SALES_REP" || actor.role === "OPERATOR";

export function hasPermission(actor: Pick<Actor, "role">, permission: Permission): boolean {
  return GRANTS[actor.role].includes(permission);
}

/**
 * Whether the actor may act with `permission` on an object of tenant `tenantId`:
 * customers only inside their own tenant; staff on every tenant their role allows.
 */
export function canActOnTenant(actor: Pick<Actor, "role" | "tenantId">, permission: Permission, tenantId: string): boolean {
  if (!hasPermission(actor, permission)) return false;
  return isStaff(actor) || actor.tenantId === tenantId;
}

export const ROLE_LABEL: Record<Role, string> = {
  CUSTOMER_ADMIN: "Customer admin",
  CUSTOMER_USER: "Customer user",
  SALES_REP: "Sales rep",
  OPERATOR: "Operator",
};
