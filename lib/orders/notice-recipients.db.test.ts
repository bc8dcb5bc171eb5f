/**
 * An order's change or cancellation is told to its filer only while the filer may still
 * manage it (canManageOrder): a filer an operator moved to another customer (`user:role
 * --customer-id`), or whose admin made them a customer user, may no longer open the order,
 * and must not go on reading its name, plans, note and cancel reason in notices and mails.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { signInAs } from "@/lib/testing/fake-session";
import { makeTempDir } from "../testing/temp-dir";

vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

usePortalDatabase();

const { db } = await import("../db/portal");
const { createOrderAction, editOrderAction, cancelOrderAction } = await import("./actions");
const { stopBoss } = await import("../jobs/queue");
const { listOutbox } = await import("../notifications/mailer");

const ids = { tenantA: "", tenantB: "", filer: "", otherAdminA: "", thirdAdminA: "" };
const plans = { "sales-essentials": 0, "sales-premium": 2, "service-essentials": 0, "service-premium": 0, marketing: 0, complete: 0 };

async function fileAsFiler(name: string): Promise<string> {
  signInAs(ids.filer);
  const filed = await createOrderAction({ name, planCounts: plans, note: "Secret project Nordlys", kind: "full", acknowledgeDeadEnd: true, acknowledgeNotBackup: true });
  if (!filed.ok) throw new Error(filed.message);
  signInAs(null);
  return filed.data.sandboxId;
}

const toldOf = (userId: string, name: string) => db.notification.count({ where: { userId, message: { contains: name } } });
const mailedTo = async (address: string, name: string) => (await listOutbox(1_000)).filter((m) => m.to.includes(address) && m.subject.includes(name)).length;

describe("who hears of an order's change", () => {
  beforeAll(async () => {
    process.env.OUTBOX_DIR = await makeTempDir("outbox-");
    const tenant = async (customerId: string, companyName: string) => (await db.tenant.create({ data: { customerId, companyName, productionUrlEncrypted: "x" } })).id;
    ids.tenantA = await tenant("Cust51001", "Alpha AS");
    ids.tenantB = await tenant("Cust51002", "Beta AB");
    const user = async (email: string, tenantId: string) => (await db.user.create({ data: { email, name: email.split("@")[0]!, role: "CUSTOMER_ADMIN", tenantId, passwordHash: "-" } })).id;
    ids.filer = await user("filer@alpha.example", ids.tenantA);
    ids.otherAdminA = await user("other@alpha.example", ids.tenantA);
    ids.thirdAdminA = await user("third@alpha.example", ids.tenantA);
  });
  beforeEach(async () => {
    signInAs(null);
    await db.user.update({ where: { id: ids.filer }, data: { role: "CUSTOMER_ADMIN", tenantId: ids.tenantA } });
  });
  afterAll(() => stopBoss());

  it("still tells a filer who may manage the order", async () => {
    const id = await fileAsFiler("Told");
    signInAs(ids.otherAdminA);
    expect(await editOrderAction({ sandboxId: id, name: "Told 2", planCounts: plans, note: "" })).toMatchObject({ ok: true });
    expect(await toldOf(ids.filer, "Told 2")).toBe(1);
  });

  it("tells a filer moved to another customer nothing more of the old customer's order", async () => {
    const id = await fileAsFiler("Moved");
    // An operator's `user:role --role customer-admin --customer-id Cust51002`.
    await db.user.update({ where: { id: ids.filer }, data: { tenantId: ids.tenantB } });
    signInAs(ids.otherAdminA);
    expect(await editOrderAction({ sandboxId: id, name: "Moved 2", planCounts: { ...plans, complete: 1 }, note: "Now for the board" })).toMatchObject({ ok: true });
    expect(await cancelOrderAction({ sandboxId: id, reason: "The board said no." })).toMatchObject({ ok: true });
    expect(await toldOf(ids.thirdAdminA, "Moved")).toBe(2);
    expect(await toldOf(ids.filer, "Moved")).toBe(0);
    // Mailed in the background, to those told only (notify.ts): the customer's other admin gets both, the moved filer neither.
    await expect.poll(() => mailedTo("third@alpha.example", "Moved")).toBe(2);
    expect(await mailedTo("filer@alpha.example", "Moved")).toBe(0);
  });

  it("tells a filer made a customer user nothing more of the order they may no longer open", async () => {
    const id = await fileAsFiler("Demoted");
    await db.user.update({ where: { id: ids.filer }, data: { role: "CUSTOMER_USER" } });
    signInAs(ids.otherAdminA);
    expect(await editOrderAction({ sandboxId: id, name: "Demoted 2", planCounts: plans, note: "" })).toMatchObject({ ok: true });
    expect(await cancelOrderAction({ sandboxId: id })).toMatchObject({ ok: true });
    expect(await toldOf(ids.filer, "Demoted")).toBe(0);
  });
});
