/**
 * The wizard's refresh mode (dryRunRefreshAction, confirmRefreshAction) against a
 * real portal database and a generated production; only the session is faked.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import type { World } from "../testing/test-world";
import { signInAs } from "@/lib/testing/fake-session";

vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

usePortalDatabase();

const { db } = await import("../db/portal");
const { stopBoss } = await import("../jobs/queue");
const { buildWorld } = await import("../testing/test-world");
const { confirmRefreshAction, dryRunRefreshAction } = await import("./actions");
const { refreshSandboxAction } = await import("../sandboxes/actions");

let world: World;

/** What the sandbox was first set up with: production associates 1 and 2, no task kept. */
const SAVED = {
  users: [
    { associateId: 1, userPlan: "sales-premium" },
    { associateId: 2, userPlan: "service-premium" },
  ],
  invalidationDomain: "mailinator.com",
  keepEnabledTaskIds: [],
  documents: { mode: "none" },
  serviceAttachments: false,
  stateAfterCopy: "running",
};
/** The refresh's edits: another domain, a task kept, documents since a date, in maintenance. */
const EDITED = {
  users: [{ associateId: 2, userPlan: "sales-premium" as const }],
  invalidationDomain: "Refresh.Example",
  keepEnabledTaskIds: [1],
  documents: { mode: "since" as const, since: "2024-01-01" },
  stateAfterCopy: "maintenance" as const,
};
const DRAFT = { step: 5, options: SAVED };

let n = 0;
async function sandbox(tenantId: string, orderedById: string, status: "READY" | "AWAITING_SETUP" | "FAILED" | "REFRESHING" = "READY") {
  n++;
  const withCopy = status === "READY" || status === "REFRESHING";
  return db.sandbox.create({
    data: {
      tenantId,
      orderedById,
      name: `Refresh ${n}`,
      status,
      planCounts: { "sales-premium": 1, "service-premium": 1 },
      sandboxCustomerId: `Cust7${String(n).padStart(5, "0")}`,
      options: status === "AWAITING_SETUP" ? undefined : SAVED,
      wizardDraft: status === "AWAITING_SETUP" ? undefined : DRAFT,
      confirmedAt: status === "AWAITING_SETUP" ? null : new Date(),
      databaseName: withCopy ? `sbx_refresh_${n}` : null,
    },
    select: { id: true },
  });
}

const confirm = (sandboxId: string, options: object = EDITED) => confirmRefreshAction({ sandboxId, options, acknowledgeOverwrite: true });
const runs = (sandboxId: string) => db.sandboxRun.count({ where: { sandboxId } });
const audits = (sandboxId: string) => db.auditEvent.count({ where: { action: "sandbox.refresh.requested", targetId: sandboxId } });

describe("the wizard's refresh mode", () => {
  beforeAll(async () => {
    world = await buildWorld();
  });
  afterAll(async () => {
    await stopBoss();
  });
  beforeEach(() => signInAs(null));

  it("refuses without a session, with a role that may not refresh, and on another tenant's sandbox", async () => {
    const { id } = await sandbox(world.tenantA, world.users.adminA);
    expect(await confirm(id)).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
    expect(await dryRunRefreshAction({ sandboxId: id, options: EDITED })).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
    for (const user of [world.users.userA, world.users.sales, world.users.adminB]) {
      signInAs(user);
      expect(await confirm(id)).toMatchObject({ ok: false, code: "FORBIDDEN" });
      expect(await dryRunRefreshAction({ sandboxId: id, options: EDITED })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    }
    expect(await runs(id)).toBe(0);
    expect(await audits(id)).toBe(0);
    expect((await db.sandbox.findUniqueOrThrow({ where: { id } })).status).toBe("READY");
  });

  it("refuses a sandbox that is not ready: awaiting setup, failed without a copy, or being refreshed", async () => {
    signInAs(world.users.adminA);
    for (const status of ["AWAITING_SETUP", "FAILED"] as const) {
      const { id } = await sandbox(world.tenantA, world.users.adminA, status);
      expect(await confirm(id)).toMatchObject({ ok: false, code: "CONFLICT", message: "Only a ready sandbox can be refreshed." });
      expect(await dryRunRefreshAction({ sandboxId: id, options: EDITED })).toMatchObject({ ok: false, code: "CONFLICT" });
      expect(await runs(id)).toBe(0);
    }
    const refreshing = await sandbox(world.tenantA, world.users.adminA, "REFRESHING");
    expect(await confirm(refreshing.id)).toMatchObject({ ok: false, code: "RUN_IN_PROGRESS" });
    expect(await runs(refreshing.id)).toBe(0);
  });

  it("re-validates on the server: plan counts above the order, another production's ids, bad values, no acknowledgement", async () => {
    signInAs(world.users.adminA);
    const { id } = await sandbox(world.tenantA, world.users.adminA);
    const over = await confirm(id, { ...EDITED, users: [{ associateId: 1, userPlan: "sales-premium" }, { associateId: 2, userPlan: "sales-premium" }] });
    expect(over).toMatchObject({ ok: false, code: "INVALID_INPUT", fieldErrors: { "options.users": ["Sales Premium: 2 chosen, but the order has 1."] } });
    const dryOver = await dryRunRefreshAction({ sandboxId: id, options: { ...EDITED, users: [{ associateId: 1, userPlan: "complete" }] } });
    expect(dryOver).toMatchObject({ ok: false, fieldErrors: { "options.users": ["Complete: 1 chosen, but the order has 0."] } });

    const tampered = await confirm(id, { ...EDITED, users: [{ associateId: 987654, userPlan: "sales-premium" }], keepEnabledTaskIds: [424242] });
    expect(tampered).toMatchObject({ ok: false, code: "INVALID_INPUT" });
    if (tampered.ok) return;
    expect(tampered.fieldErrors?.["options.users"]?.join(" ")).toContain("987654");
    expect(tampered.fieldErrors?.["options.keepEnabledTaskIds"]?.join(" ")).toContain("424242");

    expect(await confirm(id, { ...EDITED, users: [] })).toMatchObject({
      ok: false,
      fieldErrors: { "options.users": ["Give at least one person access to the sandbox, or say in a few words why nobody needs it."] },
    });
    expect(await confirm(id, { ...EDITED, invalidationDomain: "not a domain" })).toMatchObject({
      ok: false,
      fieldErrors: { "options.invalidationDomain": expect.any(Array) },
    });
    expect(await confirmRefreshAction({ sandboxId: id, options: EDITED, acknowledgeOverwrite: false as never })).toMatchObject({
      ok: false,
      fieldErrors: { acknowledgeOverwrite: expect.any(Array) },
    });
    expect(await runs(id)).toBe(0);
    expect(await audits(id)).toBe(0);
  });

  it("audits a refresh confirmed with the saved choices as it is, not as one with changed choices", async () => {
    signInAs(world.users.adminA);
    const { id } = await sandbox(world.tenantA, world.users.adminA);
    expect(await confirm(id, SAVED)).toMatchObject({ ok: true });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "sandbox.refresh.requested", targetId: id } });
    expect(audit.details).toMatchObject({ choicesEdited: false });
  });

  it("dry-runs the edited choices on the tenant's production", async () => {
    signInAs(world.users.adminA);
    const { id } = await sandbox(world.tenantA, world.users.adminA);
    const result = await dryRunRefreshAction({ sandboxId: id, options: EDITED });
    expect(result).toMatchObject({ ok: true, data: { usersGivenAccess: 1, tasksKeptEnabled: 1 } });
    expect(await runs(id)).toBe(0);
  });

  it("starts a REFRESH run with the edited choices and an audit entry, leaves the saved choices and the setup draft alone, and refuses a second", async () => {
    signInAs(world.users.adminA);
    const { id } = await sandbox(world.tenantA, world.users.adminA);
    const result = await confirm(id);
    expect(result).toMatchObject({ ok: true, data: { sandboxId: id } });
    if (!result.ok) return;

    const run = await db.sandboxRun.findUniqueOrThrow({ where: { id: result.data.runId } });
    const parsed = { ...EDITED, invalidationDomain: "refresh.example", serviceAttachments: false };
    expect(run).toMatchObject({ sandboxId: id, kind: "REFRESH", status: "QUEUED", requestedById: world.users.adminA, options: parsed });
    const after = await db.sandbox.findUniqueOrThrow({ where: { id } });
    expect(after.status).toBe("REFRESHING");
    // The worker stores the run's options when the new copy is verified; until then the saved ones describe the live copy.
    expect(after.options).toEqual(SAVED);
    expect(after.wizardDraft).toEqual(DRAFT);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "sandbox.refresh.requested", targetId: id } });
    expect(audit).toMatchObject({ actorId: world.users.adminA, tenantId: world.tenantA, details: { options: parsed, choicesEdited: true } });

    expect(await confirm(id)).toMatchObject({ ok: false, code: "RUN_IN_PROGRESS" });
    expect(await refreshSandboxAction({ sandboxId: id })).toMatchObject({ ok: false, code: "RUN_IN_PROGRESS" });
    expect(await runs(id)).toBe(1);
    expect(await audits(id)).toBe(1);
  });

  it("two confirmations at once start one run; the others get RUN_IN_PROGRESS", async () => {
    signInAs(world.users.operator);
    const { id } = await sandbox(world.tenantA, world.users.adminA);
    const results = await Promise.all([1, 2, 3].map(() => confirm(id)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.code)).toEqual(["RUN_IN_PROGRESS", "RUN_IN_PROGRESS"]);
    expect(await runs(id)).toBe(1);
    expect(await audits(id)).toBe(1);
  });

  it("refuses while another run (a deletion) is going, even though the sandbox still shows ready", async () => {
    signInAs(world.users.adminA);
    const { id } = await sandbox(world.tenantA, world.users.adminA);
    await db.sandboxRun.create({ data: { sandboxId: id, kind: "DELETE", status: "RUNNING", options: {} } });
    expect(await confirm(id)).toMatchObject({ ok: false, code: "RUN_IN_PROGRESS" });
    expect(await audits(id)).toBe(0);
  });
});
