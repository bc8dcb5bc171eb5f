/** The navigation each role sees: only pages that role may open. */
import { hasPermission, type Actor } from "./policy";

export interface NavItem {
  href: string;
  label: string;
}

export function navigationFor(actor: Pick<Actor, "role">): NavItem[] {
  const items: NavItem[] = [{ href: "/sandboxes", label: hasPermission(actor, "tenant.viewAll") ? "All sandboxes" : "Sandboxes" }];
  if (hasPermission(actor, "tenant.viewAll")) items.push({ href: "/tenants", label: "Customers" });
  return items;
}
