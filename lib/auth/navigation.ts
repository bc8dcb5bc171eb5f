/** The navigation each role sees: only pages that role may open. */
import { hasPermission, type Actor } from "./policy";

export interface NavItem {
  href: string;
  label: string;
}

export function navigationFor(actor: Pick<Actor, "role">): NavItem[] {
  const items: NavItem[] = [{ href: "/sandboxes", label: hasPermission(actor, "tenant.viewAll") ? "All sandboxes" : "Sandboxes" }];
  const mayOrder = hasPermission(actor, "sandbox.order");
  const mayOrderForCustomer = hasPermission(actor, "sandbox.orderForCustomer");
  if (mayOrder || mayOrderForCustomer || hasPermission(actor, "tenant.viewAll")) items.push({ href: "/orders", label: "Orders" });
  if (mayOrderForCustomer) items.push({ href: "/sandboxes/new", label: "New order for a customer" });
  else if (mayOrder) items.push({ href: "/sandboxes/new", label: "Order a sandbox" });
  if (hasPermission(actor, "tenant.viewAll")) items.push({ href: "/tenants", label: "Customers" });
  if (hasPermission(actor, "people.manage")) items.push({ href: "/people", label: "People" });
  if (hasPermission(actor, "audit.view")) items.push({ href: "/audit", label: "Audit log" });
  if (hasPermission(actor, "operations.view")) items.push({ href: "/operations", label: "Operations" });
  if (hasPermission(actor, "apiTokens.manage")) items.push({ href: "/api-tokens", label: "API tokens" });
  if (hasPermission(actor, "webhooks.manage")) items.push({ href: "/webhooks", label: "Webhooks" });
  return items;
}
