import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { makeTempDir } from "../testing/temp-dir";

usePortalDatabase();

const { db } = await import("../db/portal");
const { raiseAlert, alertRepeatMs } = await import("./raise");

let outbox = "";
/** The messages sent, each as its recipients. */
const sent = async () =>
  Promise.all((await readdir(outbox).catch(() => [])).map(async (f) => (JSON.parse(await readFile(path.join(outbox, f), "utf8")) as { to: string[] }).to));
const mails = async () => (await sent()).length;

describe("operator alerts", () => {
  beforeAll(async () => {
    outbox = await makeTempDir("alerts-outbox-");
    process.env.OUTBOX_DIR = outbox;
    for (const [email, role] of [["op1@portal.example", "OPERATOR"], ["op2@portal.example", "OPERATOR"], ["admin@cust.example", "CUSTOMER_ADMIN"]] as const) {
      await db.user.create({ data: { email, name: email, role, passwordHash: "-" } });
    }
  });

  it("tells every operator once, in the portal and by mail, and only counts the same condition again", async () => {
    const alert = { key: "run-failed:s1:abc", subject: "refresh of sandbox UAT failed", detail: "Production was busy.", link: "/operations/runs/r1" };
    expect(await raiseAlert(alert)).toBe("notified");
    expect(await raiseAlert(alert)).toBe("counted");
    expect(await raiseAlert(alert)).toBe("counted");
    const notices = await db.notification.findMany({ where: { message: { contains: "UAT failed" } }, include: { user: { select: { role: true } } } });
    expect(notices.map((n) => n.user.role)).toEqual(["OPERATOR", "OPERATOR"]);
    // A message to each operator, none naming the other: no customer is told.
    expect((await sent()).sort()).toEqual([["op1@portal.example"], ["op2@portal.example"]]);
    expect(await db.alert.findUniqueOrThrow({ where: { key: alert.key } })).toMatchObject({ occurrences: 3 });

    // Another reason is another alert.
    expect(await raiseAlert({ ...alert, key: "run-failed:s1:def" })).toBe("notified");
    expect(await mails()).toBe(4);
  });

  it("tells again once the repeat window has passed", async () => {
    const alert = { key: "queue-stale", subject: "a run has waited", detail: "…" };
    const start = new Date("2026-11-01T00:00:00Z");
    expect(await raiseAlert(alert, start)).toBe("notified");
    expect(await raiseAlert(alert, new Date(start.getTime() + alertRepeatMs() - 1000))).toBe("counted");
    expect(await raiseAlert(alert, new Date(start.getTime() + alertRepeatMs() + 1000))).toBe("notified");
  });

  it("mails once when several workers raise the same alert at the same moment", async () => {
    const before = await mails();
    const alert = { key: "server-unreachable:db9:5432", subject: "sandbox server db9:5432 does not answer", detail: "…" };
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => raiseAlert(alert)));
    expect(outcomes.filter((o) => o === "notified")).toHaveLength(1);
    expect(await mails()).toBe(before + 2); // one for each operator
    expect((await db.alert.findUniqueOrThrow({ where: { key: alert.key } })).occurrences).toBe(6);
  });
});

describe("a fleet condition every worker finds", () => {
  it("is counted once per check interval, whatever the number of workers", async () => {
    const { FLEET_CHECK_EVERY_MS, FLEET_COUNT_ONCE_PER_MS } = await import("./fleet-checks");
    const down = { key: "server-unreachable:pg-fleet", subject: "sandbox server pg-fleet does not answer", detail: "…", countOncePerMs: FLEET_COUNT_ONCE_PER_MS };
    const start = new Date("2026-11-02T00:00:00Z");
    // An hour down, checked every 5 minutes by each of three workers, a minute apart.
    for (let check = 0; check < 12; check++) {
      for (let worker = 0; worker < 3; worker++) await raiseAlert(down, new Date(start.getTime() + check * FLEET_CHECK_EVERY_MS + worker * 60_000));
    }
    const alert = await db.alert.findUniqueOrThrow({ where: { key: down.key } });
    expect(alert.occurrences).toBe(12);
    // Still raised by each worker: the last one's check is its last sighting, for clearing.
    expect(alert.lastAt).toEqual(new Date(start.getTime() + 11 * FLEET_CHECK_EVERY_MS + 2 * 60_000));
  });
});
