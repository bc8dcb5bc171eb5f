/**
 * A finished run is told to its sandbox's filer and to whoever asked for the run only while
 * they may still see the sandbox (visibility.ts): an admin an operator moved to
 * another customer (`user:role --customer-id`), or made a customer user without access, must
 * not go on reading the old sandbox's name, failures, sign-in address and access list.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { makeTempDir } from "../testing/temp-dir";

usePortalDatabase();

const { db } = await import("../db/portal");
const { notifyRunFinished } = await import("./run-finished-notices");

const ids = { tenantA: "", tenantB: "", filer: "", asker: "", otherAdminA: "", operator: "" };
let n = 0;

/** A sandbox of A filed by `filer`, and a failed copy of it asked for by `asker`, told. */
async function failedCopy(): Promise<string> {
  n++;
  const sandbox = await db.sandbox.create({
    data: { tenantId: ids.tenantA, name: `Told ${n}`, planCounts: { "sales-premium": 1 }, orderedById: ids.filer, sandboxCustomerId: `Cust95${String(n).padStart(4, "0")}`, status: "FAILED" },
  });
  const run = await db.sandboxRun.create({
    data: { sandboxId: sandbox.id, kind: "PROVISION", status: "FAILED", requestedById: ids.asker, options: {}, startedAt: new Date(), finishedAt: new Date(), error: "It broke." },
  });
  await notifyRunFinished(run.id);
  return sandbox.name;
}
const toldOf = (userId: string, name: string) => db.notification.count({ where: { userId, message: { contains: `"${name}"` } } });

describe("who hears of a finished run", () => {
  beforeAll(async () => {
    process.env.OUTBOX_DIR = await makeTempDir("outbox-");
    const tenant = async (customerId: string, companyName: string) => (await db.tenant.create({ data: { customerId, companyName, productionUrlEncrypted: "x" } })).id;
    ids.tenantA = await tenant("Cust52001", "Alpha AS");
    ids.tenantB = await tenant("Cust52002", "Beta AB");
    const user = async (email: string, role: "CUSTOMER_ADMIN" | "OPERATOR", tenantId: string | null) =>
      (await db.user.create({ data: { email, name: email.split("@")[0]!, role, tenantId, passwordHash: "-" } })).id;
    ids.filer = await user("filer@alpha.example", "CUSTOMER_ADMIN", ids.tenantA);
    ids.asker = await user("asker@alpha.example", "CUSTOMER_ADMIN", ids.tenantA);
    ids.otherAdminA = await user("other@alpha.example", "CUSTOMER_ADMIN", ids.tenantA);
    ids.operator = await user("operator@portal.example", "OPERATOR", null);
  });
  beforeEach(async () => {
    await db.user.updateMany({ where: { id: { in: [ids.filer, ids.asker] } }, data: { role: "CUSTOMER_ADMIN", tenantId: ids.tenantA } });
  });
  afterAll(async () => {
    const { stopBoss } = await import("../jobs/queue");
    await stopBoss();
  });

  it("tells the filer and the asker while they may see the sandbox", async () => {
    const name = await failedCopy();
    for (const who of [ids.filer, ids.asker, ids.otherAdminA]) expect(await toldOf(who, name)).toBe(1);
  });

  it("tells a filer or asker moved to another customer nothing of the old customer's sandbox", async () => {
    // An operator's `user:role --role customer-admin --customer-id Cust52002`, for both.
    await db.user.updateMany({ where: { id: { in: [ids.filer, ids.asker] } }, data: { tenantId: ids.tenantB } });
    const name = await failedCopy();
    expect(await toldOf(ids.otherAdminA, name)).toBe(1);
    expect(await toldOf(ids.filer, name)).toBe(0);
    expect(await toldOf(ids.asker, name)).toBe(0);
  });

  it("tells a filer made a customer user, with no access to the sandbox, nothing of it", async () => {
    await db.user.update({ where: { id: ids.filer }, data: { role: "CUSTOMER_USER" } });
    const name = await failedCopy();
    expect(await toldOf(ids.filer, name)).toBe(0);
    expect(await toldOf(ids.asker, name)).toBe(1);
  });

  it("still tells staff who asked for the run", async () => {
    const asker = ids.asker;
    ids.asker = ids.operator;
    try {
      const name = await failedCopy();
      expect(await toldOf(ids.operator, name)).toBe(1);
    } finally {
      ids.asker = asker;
    }
  });
});
