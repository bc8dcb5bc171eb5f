/**
 * Issue 14, "where it shows": the order carries the kind. The wizard starts from the
 * kind ordered, the confirmed options (and so the copy) hold what the admin chose
 * there, and the audit log says the kind. An unknown kind is refused.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import type { World } from "../testing/test-world";
import { signInAs } from "@/lib/testing/fake-session";
import { orderInput } from "@/lib/testing/order-input";

vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

usePortalDatabase();

const { db } = await import("../db/portal");
const { stopBoss } = await import("../jobs/queue");
const { buildWorld } = await import("../testing/test-world");
const { createOrderAction, createOrderForCustomerAction } = await import("./actions");
const { confirmWizardAction } = await import("../wizard/actions");
const { getWizardProductionData, getWizardSandbox } = await import("../wizard/queries");
const { defaultOptions, orderedKind } = await import("../wizard/defaults");
const { loadActor } = await import("../auth/load-actor");

let world: World;
const order = (overrides: Record<string, unknown> = {}) => orderInput({ name: "Settings test", ...overrides });

/** What the wizard's first step shows for a first setup. */
async function wizardStart(userId: string, sandboxId: string) {
  const actor = (await loadActor(userId))!;
  const sandbox = (await getWizardSandbox(actor, sandboxId))!;
  const data = await getWizardProductionData(sandbox.tenantId);
  return defaultOptions(data.associates, sandbox.planCounts as Record<string, number>, orderedKind(sandbox.orderedKind));
}

describe("the kind on the order", () => {
  beforeAll(async () => {
    world = await buildWorld();
  });
  afterAll(async () => {
    await stopBoss();
  });
  beforeEach(() => signInAs(null));

  it("carries a configuration-only order into the wizard's start and the confirmed options", async () => {
    signInAs(world.users.adminA);
    const result = await createOrderAction(order({ kind: "config" }));
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    const { sandboxId } = result.data;
    expect(await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId }, select: { orderedKind: true } })).toEqual({ orderedKind: "config" });

    const options = await wizardStart(world.users.adminA, sandboxId);
    expect(options.kind).toBe("config");
    expect(await confirmWizardAction({ sandboxId, options, acknowledgeNoGoingBack: true })).toMatchObject({ ok: true });
    const sandbox = await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId }, select: { options: true, runs: { select: { options: true } } } });
    expect(sandbox.options).toMatchObject({ kind: "config" });
    expect(sandbox.runs[0]?.options).toMatchObject({ kind: "config" });

    const entry = await db.auditEvent.findFirstOrThrow({ where: { action: "sandbox.ordered", targetId: sandboxId } });
    expect(entry.details).toMatchObject({ kind: "config" });
  });

  it("lets the admin change the ordered kind in the wizard", async () => {
    signInAs(world.users.sales);
    const result = await createOrderForCustomerAction({ ...order({ name: "Config first", kind: "config" }), tenantId: world.tenantA });
    if (!result.ok) throw new Error(result.message);
    signInAs(world.users.adminA);
    const options = { ...(await wizardStart(world.users.adminA, result.data.sandboxId)), kind: "full" as const };
    expect(await confirmWizardAction({ sandboxId: result.data.sandboxId, options, acknowledgeNoGoingBack: true })).toMatchObject({ ok: true });
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: result.data.sandboxId } })).options).toMatchObject({ kind: "full" });
  });

  it("orders a full copy when no kind is given, and refuses a kind that does not exist", async () => {
    signInAs(world.users.adminB);
    const plain = await createOrderAction(order({ name: "Plain one" }));
    if (!plain.ok) throw new Error(plain.message);
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: plain.data.sandboxId } })).orderedKind).toBe("full");
    expect(await wizardStart(world.users.adminB, plain.data.sandboxId)).toMatchObject({ kind: "full" });

    const before = await db.sandbox.count();
    for (const kind of ["everything", "", null]) {
      const refused = await createOrderAction(order({ name: "Odd kind", kind }) as never);
      expect(refused, String(kind)).toMatchObject({ ok: false, code: "INVALID_INPUT", fieldErrors: { kind: ["Choose what the sandbox holds."] } });
    }
    expect(await db.sandbox.count()).toBe(before);
  });
});
