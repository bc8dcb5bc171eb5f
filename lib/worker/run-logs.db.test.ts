/**
 * A run's log lines name the run, its sandbox and its tenant (whichever module
 * writes them), and never the password of the production URL it failed to reach.
 */
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../testing/free-port";
import { captureLogLines } from "../testing/log-lines";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { sealSecret } = await import("../secrets/secret-box");
const { requestRun } = await import("../jobs/lifecycle");
const { executeRun } = await import("./execute");
const { stopBoss } = await import("../jobs/queue");

afterAll(async () => {
  await stopBoss();
});

describe("a run's log lines", () => {
  it("carry runId, sandboxId and tenantId, and no password", async () => {
    // Nothing listens there: the run fails reaching production, and production.ts logs it.
    const productionUrl = `postgres://reader:hunter2-secret@127.0.0.1:${await freePort()}/prod`;
    const tenant = await db.tenant.create({ data: { customerId: "Cust7171", companyName: "Logs AS", productionUrlEncrypted: sealSecret(productionUrl) } });
    const admin = await db.user.create({ data: { email: "logs@example.com", name: "L", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-" } });
    const sandbox = await db.sandbox.create({
      data: { tenantId: tenant.id, name: "logs", planCounts: { complete: 1 }, orderedById: admin.id, sandboxCustomerId: "Cust971710", status: "QUEUED" },
    });
    const { runId } = await requestRun({ sandboxId: sandbox.id, kind: "PROVISION", requestedById: admin.id, options: {}, enqueue: false });

    const { lines, restore } = captureLogLines();
    try {
      await executeRun(runId, "test", { direct: true });
    } finally {
      restore();
    }

    expect((await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe("FAILED");
    const messages = lines.map((line) => line.msg);
    expect(messages).toEqual(expect.arrayContaining(["run started", "production connect failed", "run finished"]));
    for (const line of lines) expect(line).toMatchObject({ runId, sandboxId: sandbox.id, tenantId: tenant.id });
    expect(JSON.stringify(lines)).not.toContain("hunter2-secret");
  });
});
