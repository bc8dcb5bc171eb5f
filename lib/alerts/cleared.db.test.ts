import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { makeTempDir } from "../testing/temp-dir";

usePortalDatabase();

const { db } = await import("../db/portal");
const { raiseAlert, clearAlert, CLEAR_AFTER_QUIET_MS } = await import("./raise");
const { checkQueueAge, checkSandboxServers } = await import("./fleet-checks");
const { afterRunFinished } = await import("../worker/run-finished");
const { getBoss, stopBoss } = await import("../jobs/queue");

afterAll(() => stopBoss());

const MIN = 60_000;
/** Mails in `dir` to the operator. */
const operatorMails = async (dir: string) => {
  const files = await readdir(dir).catch(() => []);
  const to = await Promise.all(files.map(async (f) => (JSON.parse(await readFile(path.join(dir, f), "utf8")) as { to: string[] }).to));
  return to.filter((t) => t.includes("op@cleared.example")).length;
};

describe("an alert whose condition is over", () => {
  it("is cleared once no worker has raised it for a while, and is mailed again when it comes back within the repeat window", async () => {
    process.env.OUTBOX_DIR = await makeTempDir("cleared-outbox-");
    await db.user.create({ data: { email: "op@cleared.example", name: "Op", role: "OPERATOR", passwordHash: "-" } });
    const down = { key: "server-unreachable:pool-x", subject: "sandbox server pool-x does not answer", detail: "…" };
    const t0 = new Date(Date.now() - 60 * MIN);
    expect(await raiseAlert(down, t0)).toBe("notified");

    // Another worker still saw it down five minutes ago: one worker answering is not the end of it.
    await raiseAlert(down, new Date(t0.getTime() + 55 * MIN));
    expect(await clearAlert(down.key, new Date(t0.getTime() + 56 * MIN))).toBe(false);
    // Nobody has raised it for a while: it is over.
    expect(await clearAlert(down.key, new Date(t0.getTime() + 55 * MIN + CLEAR_AFTER_QUIET_MS + 1))).toBe(true);

    // Down again the same day: a new outage, told at once, counted from its own start.
    const again = new Date(t0.getTime() + 55 * MIN + CLEAR_AFTER_QUIET_MS + 2 * MIN);
    expect(await raiseAlert(down, again)).toBe("notified");
    expect(await db.alert.findUniqueOrThrow({ where: { key: down.key } })).toMatchObject({ firstAt: again, lastAt: again, occurrences: 1, clearedAt: null });
  });

  it("is cleared by the fleet checks: a server that answers, a queue with nothing overdue", async () => {
    const longAgo = new Date(Date.now() - CLEAR_AFTER_QUIET_MS - MIN);
    // The built-in server (this test's PostgreSQL) answers.
    for (const key of ["server-unreachable:built-in", "queue-stale"]) {
      await db.alert.create({ data: { key, subject: key, detail: "…", firstAt: longAgo, lastAt: longAgo, notifiedAt: longAgo } });
    }
    await getBoss(); // the queue's tables, which a worker's start makes
    await checkSandboxServers();
    await checkQueueAge();
    for (const key of ["server-unreachable:built-in", "queue-stale"]) {
      expect((await db.alert.findUniqueOrThrow({ where: { key } })).clearedAt, key).not.toBeNull();
    }
  });

  it("of a sandbox's failure is cleared by its next success: the same failure afterwards is told", async () => {
    const outbox = await makeTempDir("cleared-run-outbox-");
    process.env.OUTBOX_DIR = outbox;
    const tenant = await db.tenant.create({ data: { customerId: "Cust7901", companyName: "Flaky AS", productionUrlEncrypted: "sealed" } });
    const admin = await db.user.create({ data: { email: "f@flaky.example", name: "F", role: "CUSTOMER_ADMIN", tenantId: tenant.id, passwordHash: "-", mailNotices: false } });
    const sandbox = await db.sandbox.create({ data: { tenantId: tenant.id, name: "UAT", planCounts: {}, orderedById: admin.id, sandboxCustomerId: "Cust979011", status: "READY" } });
    const run = async (status: "FAILED" | "SUCCEEDED") => {
      const { id } = await db.sandboxRun.create({
        data: { sandboxId: sandbox.id, kind: "REFRESH", options: {}, status, finishedAt: new Date(), ...(status === "FAILED" ? { error: "A sanitization check failed.", failureCode: "VERIFY_FAILED" } : {}) },
      });
      await afterRunFinished(id);
    };
    await run("FAILED");
    expect(await operatorMails(outbox)).toBe(1);
    await run("SUCCEEDED");
    await run("FAILED");
    // The operator is mailed about the second failure too: it came after the sandbox had recovered.
    expect(await operatorMails(outbox)).toBe(2);
  });
});
