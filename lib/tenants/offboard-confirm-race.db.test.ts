/**
 * A customer leaving as one of its admins confirms an order's setup: the confirmation's
 * transaction had locked the order and made its run, and commits while the offboarding runs.
 * The hook below holds the confirmation there (its audit entry is the last thing it writes)
 * until the offboarding waits on a lock, then lets it commit.
 */
import { describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import type * as AuditRecord from "../audit/record";

const hook: { beforeConfirmedAudit?: () => Promise<void> } = {};
vi.mock("../audit/record", async (importOriginal) => {
  const actual = await importOriginal<typeof AuditRecord>();
  return {
    ...actual,
    recordAudit: async (...args: Parameters<typeof actual.recordAudit>) => {
      if (args[0].action === "sandbox.wizard.confirmed") await hook.beforeConfirmedAudit?.();
      return actual.recordAudit(...args);
    },
  };
});

usePortalDatabase();

const { db } = await import("../db/portal");
const { offboardTenant } = await import("./offboard");
const { confirmWizard } = await import("../wizard/mutations");
const { sealSecret } = await import("../secrets/secret-box");

describe("a customer leaving as its admin confirms an order's setup", () => {
  it("leaves no run waiting for a sandbox it ended", async () => {
    const tenant = await db.tenant.create({ data: { customerId: "Cust7961", companyName: "Leaving AS", productionUrlEncrypted: sealSecret("postgres://crm:secret@prod-7961/crm") } });
    const admin = await db.user.create({ data: { email: "admin@leaving7961.example", name: "Admin", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
    const order = await db.sandbox.create({ data: { tenantId: tenant.id, name: "Training", planCounts: {}, orderedById: admin.id, status: "AWAITING_SETUP" } });
    const actor = { id: admin.id, name: admin.name, email: admin.email, role: "CUSTOMER_ADMIN" as const, tenantId: tenant.id, tenantName: "Leaving AS", customerId: "Cust7961" };

    let release = () => undefined as void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let paused = () => undefined as void;
    const inConfirmation = new Promise<void>((resolve) => (paused = resolve));
    hook.beforeConfirmedAudit = async () => {
      hook.beforeConfirmedAudit = undefined;
      paused();
      await released;
    };
    const options = { users: [], personalData: "pseudonymise" } as never;
    const confirming = confirmWizard(actor, { id: order.id, tenantId: tenant.id } as never, options, { enqueue: false });
    await inConfirmation;

    const offboarding = offboardTenant("Cust7961", "Cust7961");
    // The offboarding waits on a lock the confirmation holds (the order's row, or the customer's).
    await expect
      .poll(async () => Number((await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)[0]!.n), { timeout: 3_000 })
      .toBe(1);
    release();
    const [confirmed, outcome] = await Promise.allSettled([confirming, offboarding]);
    expect(outcome.status).toBe("fulfilled");

    const after = await db.sandbox.findUniqueOrThrow({ where: { id: order.id }, select: { status: true, deletedAt: true, runs: { select: { status: true, failureCode: true } } } });
    // Confirmed first: its run is one the offboarding ends, as it ends every run that waits.
    expect(confirmed.status).toBe("fulfilled");
    expect(after).toMatchObject({ status: "DELETED", deletedAt: expect.any(Date), runs: [{ status: "FAILED", failureCode: "CANCELLED" }] });
    expect(await db.sandboxRun.count({ where: { sandbox: { tenantId: tenant.id }, status: { in: ["QUEUED", "RUNNING"] } } })).toBe(0);
  });
});
