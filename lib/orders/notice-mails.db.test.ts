/**
 * An order's notices never hold up the person filing, changing or cancelling it: a mail server that
 * does not answer kept a sales rep's "file order" waiting for its greeting, ten seconds for
 * each of the customer's admins, one after another. The notices are in the portal when the
 * action returns; the mails go on their own.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import type { World } from "../testing/test-world";
import { signInAs } from "@/lib/testing/fake-session";

vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

usePortalDatabase();

const { db } = await import("../db/portal");
const { buildWorld } = await import("../testing/test-world");
const { createOrderForCustomerAction, editOrderAction, cancelOrderAction } = await import("./actions");
const { stopBoss } = await import("../jobs/queue");

let world: World;
const sockets = new Set<net.Socket>();
/** A mail server that accepts connections and never says a word. */
const mute = net.createServer((socket) => {
  sockets.add(socket);
  socket.on("error", () => undefined);
});
const plans = { "sales-essentials": 0, "sales-premium": 1, "service-essentials": 0, "service-premium": 0, marketing: 0, complete: 0 };

describe("an order's notices with a mail server that does not answer", () => {
  beforeAll(async () => {
    world = await buildWorld();
    await new Promise<void>((resolve) => mute.listen(0, "127.0.0.1", resolve));
    vi.stubEnv("SMTP_URL", `smtp://127.0.0.1:${(mute.address() as net.AddressInfo).port}`);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    sockets.forEach((s) => s.destroy());
    mute.close();
    await stopBoss();
  });

  it("files, changes and cancels at once, with the notices in the portal", async () => {
    signInAs(world.users.sales);
    let started = Date.now();
    const filed = await createOrderForCustomerAction({ tenantId: world.tenantA, name: "Mute server", planCounts: plans, note: "", acknowledgeDeadEnd: true, acknowledgeNotBackup: true });
    if (!filed.ok) throw new Error(filed.message);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await db.notification.count({ where: { userId: world.users.adminA, link: `/sandboxes/${filed.data.sandboxId}/setup` } })).toBe(1);

    signInAs(world.users.adminA);
    started = Date.now();
    expect(await editOrderAction({ sandboxId: filed.data.sandboxId, name: "Mute server", planCounts: { ...plans, complete: 1 }, note: "" })).toMatchObject({ ok: true });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await db.notification.count({ where: { userId: world.users.sales, message: { contains: "was changed" } } })).toBe(1);

    started = Date.now();
    expect(await cancelOrderAction({ sandboxId: filed.data.sandboxId, reason: "Not needed." })).toMatchObject({ ok: true });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await db.notification.count({ where: { userId: world.users.sales, message: { contains: "Mute server\" was cancelled" } } })).toBe(1);
  });
});
