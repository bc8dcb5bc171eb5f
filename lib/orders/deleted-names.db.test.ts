/** Deleted sandboxes leave the list (unless asked for) and free their names; live names stay unique, ignoring case. */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import type { World } from "../testing/test-world";
import { signInAs } from "@/lib/testing/fake-session";
import { makeTempDir } from "../testing/temp-dir";

vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

usePortalDatabase();

const { db } = await import("../db/portal");
const { buildWorld } = await import("../testing/test-world");
const { createOrderAction } = await import("./actions");
const { listSandboxes, countDeletedSandboxes } = await import("../sandboxes/queries");
const { loadActor } = await import("../auth/load-actor");

let world: World;
const order = (name: string) => ({
  name,
  planCounts: { "sales-essentials": 0, "sales-premium": 1, "service-essentials": 0, "service-premium": 0, marketing: 0, complete: 0 },
  note: "",
  acknowledgeDeadEnd: true as const,
  acknowledgeNotBackup: true as const,
});

describe("names of deleted sandboxes", () => {
  beforeAll(async () => {
    process.env.OUTBOX_DIR = await makeTempDir("outbox-");
    world = await buildWorld();
  });

  it("are free again once the sandbox is deleted, while a live name is refused in any case", async () => {
    signInAs(world.users.adminA);
    const first = await createOrderAction(order("Audit UAT"));
    expect(first.ok).toBe(true);
    expect(await createOrderAction(order("audit uat"))).toMatchObject({ ok: false, fieldErrors: { name: [expect.stringContaining("already exists")] } });

    await db.sandbox.update({ where: { id: first.ok ? first.data.sandboxId : "" }, data: { status: "DELETED", deletedAt: new Date() } });
    const again = await createOrderAction(order("Audit UAT"));
    expect(again.ok).toBe(true);
  });

  it("are unique among live sandboxes in the database itself, whatever the caller", async () => {
    const live = { tenantId: world.tenantA, orderedById: world.users.adminA, planCounts: {}, status: "AWAITING_SETUP" as const };
    await db.sandbox.create({ data: { ...live, name: "Race" } });
    await expect(db.sandbox.create({ data: { ...live, name: "RACE" } })).rejects.toMatchObject({ code: "P2002" });
    await db.sandbox.create({ data: { ...live, name: "race", status: "DELETED", deletedAt: new Date() } });
    // Another tenant may use the name.
    await db.sandbox.create({ data: { ...live, tenantId: world.tenantB, orderedById: world.users.adminB, name: "Race" } });
  });

  it("leave the list unless deleted ones are asked for", async () => {
    const admin = (await loadActor(world.users.adminA))!;
    const names = async (showDeleted: boolean) => (await listSandboxes(admin, showDeleted ? { deleted: "shown" } : {})).rows.map((s) => `${s.name}${s.status === "DELETED" ? " (deleted)" : ""}`).sort();
    expect(await names(false)).toEqual(["Audit UAT", "Race"]);
    expect(await names(true)).toEqual(["Audit UAT", "Audit UAT (deleted)", "Race", "race (deleted)"]);
    expect(await countDeletedSandboxes(admin)).toBe(2);
  });
});
