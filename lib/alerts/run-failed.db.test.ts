import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { makeTempDir } from "../testing/temp-dir";

usePortalDatabase();

const { db } = await import("../db/portal");
const { afterRunFinished } = await import("../worker/run-finished");
const { FAILED_RUNS_LINK } = await import("./run-failed");
const { stopBoss } = await import("../jobs/queue");
const { sealSecret } = await import("../secrets/secret-box");

afterAll(() => stopBoss());

let outbox = "";
/** Mails to the operator. */
const operatorMails = async () => {
  const files = await readdir(outbox).catch(() => []);
  const to = await Promise.all(files.map(async (f) => (JSON.parse(await readFile(path.join(outbox, f), "utf8")) as { to: string[] }).to));
  return to.filter((t) => t.includes("op@grouped.example")).length;
};

const DOWN = "The production database or the sandbox server could not be reached. Nothing was changed. It was tried 3 times; retry later.";
const servers: Record<string, string> = {};
let tenantId = "";
let adminId = "";

const sandboxOn = async (server: string, name: string) =>
  db.sandbox.create({ data: { tenantId, name, planCounts: {}, orderedById: adminId, sandboxCustomerId: `Cust98${Math.floor(Math.random() * 1e6)}`, status: "READY", sandboxServerId: servers[server] } });

const finish = async (sandboxId: string, status: "FAILED" | "SUCCEEDED", error = DOWN, failureCode = "UNREACHABLE") => {
  const { id } = await db.sandboxRun.create({
    data: { sandboxId, kind: "REFRESH", options: {}, status, finishedAt: new Date(), ...(status === "FAILED" ? { error, failureCode } : {}) },
  });
  await afterRunFinished(id);
};

const openAlerts = () => db.alert.findMany({ where: { key: { startsWith: "runs-failed:" }, clearedAt: null }, orderBy: { firstAt: "asc" } });

describe("a cause that fails many sandboxes on one server", () => {
  beforeAll(async () => {
    outbox = await makeTempDir("grouped-outbox-");
    process.env.OUTBOX_DIR = outbox;
    await db.user.create({ data: { email: "op@grouped.example", name: "Op", role: "OPERATOR", passwordHash: "-" } });
    const tenant = await db.tenant.create({ data: { customerId: "Cust7981", companyName: "Many AS", productionUrlEncrypted: "sealed" } });
    tenantId = tenant.id;
    adminId = (await db.user.create({ data: { email: "m@many.example", name: "M", role: "CUSTOMER_ADMIN", tenantId, passwordHash: "-", mailNotices: false } })).id;
    for (const name of ["pg-a", "pg-b"]) servers[name] = (await db.sandboxServer.create({ data: { name, urlEncrypted: sealSecret(`postgres://maker:pw@${name}.invalid/postgres`) } })).id;
  });

  it("is one alert, mailed once, counting the sandboxes and naming a few; another cause or server is its own", async () => {
    const onA = [];
    for (let i = 0; i < 5; i++) onA.push(await sandboxOn("pg-a", `UAT ${i}`));
    await Promise.all(onA.map((s) => finish(s.id, "FAILED")));

    expect(await operatorMails()).toBe(1);
    const [grouped, ...others] = await openAlerts();
    expect(others).toEqual([]);
    expect(grouped).toMatchObject({ subject: 'runs of 5 sandboxes failed the same way on sandbox server "pg-a"', link: FAILED_RUNS_LINK, occurrences: 5 });
    expect(grouped!.detail).toContain(DOWN);
    expect(grouped!.detail).toMatch(/Sandboxes: "UAT \d" \(Many AS\), "UAT \d" \(Many AS\), "UAT \d" \(Many AS\) and 2 more\./);
    // The same sandbox failing again is counted, not another sandbox.
    await finish(onA[0]!.id, "FAILED");
    expect(await db.alert.findUniqueOrThrow({ where: { key: grouped!.key } })).toMatchObject({ occurrences: 6, sandboxIds: expect.any(Array) });
    expect((await db.alert.findUniqueOrThrow({ where: { key: grouped!.key } })).sandboxIds).toHaveLength(5);

    // Another cause on the same server, and the same cause on another server: each told.
    await finish(onA[1]!.id, "FAILED", "A sanitization check failed.", "VERIFY_FAILED");
    await finish((await sandboxOn("pg-b", "Other")).id, "FAILED");
    expect(await operatorMails()).toBe(3);
    expect(await openAlerts()).toHaveLength(3);
  });

  it("is over once every sandbox it struck has succeeded since, and is told again when it comes back", async () => {
    const grouped = (await openAlerts())[0]!;
    const struck = grouped.sandboxIds;
    for (const id of struck.slice(0, -1)) await finish(id, "SUCCEEDED");
    expect((await db.alert.findUniqueOrThrow({ where: { key: grouped.key } })).clearedAt).toBeNull();
    await finish(struck.at(-1)!, "SUCCEEDED");
    expect((await db.alert.findUniqueOrThrow({ where: { key: grouped.key } })).clearedAt).not.toBeNull();

    const before = await operatorMails();
    await finish(struck[0]!, "FAILED");
    expect(await operatorMails()).toBe(before + 1);
    expect(await db.alert.findUniqueOrThrow({ where: { key: grouped.key } })).toMatchObject({ occurrences: 1, sandboxIds: [struck[0]], clearedAt: null });
  });
});
