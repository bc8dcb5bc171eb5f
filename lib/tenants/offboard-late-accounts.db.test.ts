/**
 * An account made as its customer leaves: an admin's invitation that passed its checks before
 * the admin was disabled commits after offboarding listed the accounts to disable. The hook
 * below lands it there, after the listing and before the offboarding's transaction.
 */
import { describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import type * as DisableAccounts from "../auth/disable-accounts";

const hook: { afterListed?: () => Promise<void> } = {};
vi.mock("../auth/disable-accounts", async (importOriginal) => {
  const actual = await importOriginal<typeof DisableAccounts>();
  return {
    ...actual,
    disableAccounts: async (...args: Parameters<typeof actual.disableAccounts>) => {
      const disabled = await actual.disableAccounts(...args);
      await hook.afterListed?.();
      return disabled;
    },
  };
});

usePortalDatabase();

const { db } = await import("../db/portal");
const { offboardTenant } = await import("./offboard");
const { startSession } = await import("../auth/sessions");
const { loadSessionActor } = await import("../auth/load-actor");

describe("a customer leaving as one of its admins invites someone", () => {
  it("leaves no account of it enabled, nor any session open", async () => {
    const tenant = await db.tenant.create({ data: { customerId: "Cust7951", companyName: "Leaving AS", productionUrlEncrypted: "sealed" } });
    await db.user.create({ data: { email: "admin@leaving7951.example", name: "Admin", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
    let late = "";
    let lateSession = "";
    hook.afterListed = async () => {
      hook.afterListed = undefined;
      // What invitePerson commits (lib/people/invite.ts); the person has already set a password and signed in.
      late = (await db.user.create({ data: { email: "late@leaving7951.example", name: "Late", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-", invitedAt: new Date() } })).id;
      lateSession = await startSession(late);
    };
    const outcome = await offboardTenant("Cust7951", "Cust7951");
    expect(late).not.toBe("");
    expect(await db.user.count({ where: { tenantId: tenant.id, disabledAt: null } })).toBe(0);
    expect(await loadSessionActor(late, lateSession)).toBeNull();
    expect(await db.userSession.count({ where: { userId: late, endedAt: null } })).toBe(0);
    expect(outcome.accountsDisabled.sort()).toEqual(["admin@leaving7951.example", "late@leaving7951.example"]);
    expect(await db.auditEvent.count({ where: { action: "account.disabled", targetId: late } })).toBe(1);
  });
});
