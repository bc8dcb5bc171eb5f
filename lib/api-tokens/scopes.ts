/**
 * What a personal access token may do. A token acts as its owner, as the owner
 * is now (role and tenant re-read on every request), and only within its scopes:
 * a scope never grants what the owner's role does not.
 */
import type { Permission } from "../auth/policy";

export const API_SCOPES = ["sandboxes:read", "sandboxes:write", "reports:read"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const SCOPE_LABEL: Record<ApiScope, string> = {
  "sandboxes:read": "Read sandboxes and their progress",
  "sandboxes:write": "Order, set up, refresh and delete sandboxes",
  "reports:read": "Read sanitization reports",
};

/** The owner's permission each scope needs, besides the scope itself. */
export const SCOPE_PERMISSION: Record<ApiScope, Permission> = {
  "sandboxes:read": "sandbox.view",
  "sandboxes:write": "sandbox.refresh",
  "reports:read": "sandbox.view",
};

export const isApiScope = (value: string): value is ApiScope => (API_SCOPES as readonly string[]).includes(value);
