/**
 * One truth for status: the list, the page's badge, the history row and the live
 * progress read the same state, moved by lib/jobs/lifecycle.ts, at every step of a
 * provision, a refresh and a deletion; and the progress panel re-renders the page
 * whenever either status moves.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import type { World } from "../testing/test-world";
import type { Actor } from "../auth/policy";
import { pageIsBehind } from "./progress-sync";
import { shownStatus } from "./labels";

usePortalDatabase();

const { db } = await import("../db/portal");
const { buildWorld } = await import("../testing/test-world");
const { requestRun, claimRun } = await import("../jobs/lifecycle");
const { listSandboxes, getSandboxForActor, getProgressSnapshot, listRuns } = await import("./queries");
const { loadActor } = await import("../auth/load-actor");

let world: World;
let admin: Actor;

/** What each view of the sandbox says right now. */
async function views(sandboxId: string) {
  const [list, page, progress, runs] = await Promise.all([
    listSandboxes(admin, { deleted: "shown" }),
    getSandboxForActor(admin, sandboxId),
    getProgressSnapshot(admin, sandboxId),
    listRuns(sandboxId),
  ]);
  return {
    list: list.rows.find((s) => s.id === sandboxId)?.shown,
    badge: page?.shown,
    progress: progress?.sandboxStatus,
    historyRow: runs.runs[0]?.status,
    progressRun: progress?.run?.status,
  };
}

async function expectAgreement(sandboxId: string, sandbox: string, run: string) {
  const v = await views(sandboxId);
  expect(v).toEqual({ list: sandbox, badge: sandbox, progress: sandbox, historyRow: run, progressRun: run });
}

describe("one truth for status", () => {
  beforeAll(async () => {
    world = await buildWorld();
    admin = (await loadActor(world.users.adminA))!;
  });

  it("agrees everywhere through a provision, a refresh and a deletion", async () => {
    const { id } = await db.sandbox.create({
      data: { tenantId: world.tenantA, name: "Truth", planCounts: { complete: 1 }, orderedById: world.users.adminA, status: "AWAITING_SETUP" },
    });
    const step = async (kind: "PROVISION" | "REFRESH" | "DELETE", queued: string, running: string) => {
      const { runId } = await requestRun({ sandboxId: id, kind, requestedById: admin.id, options: {}, enqueue: false });
      await expectAgreement(id, queued, "QUEUED");
      await claimRun(runId, "test-worker");
      await expectAgreement(id, running, "RUNNING");
      return runId;
    };
    const provision = await step("PROVISION", "QUEUED", "PROVISIONING");
    await db.$transaction([
      db.sandbox.update({ where: { id }, data: { status: "READY", databaseName: "sbx_truth" } }),
      db.sandboxRun.update({ where: { id: provision }, data: { status: "SUCCEEDED", finishedAt: new Date() } }),
    ]);
    await expectAgreement(id, "READY", "SUCCEEDED");
    const refresh = await step("REFRESH", "REFRESHING", "REFRESHING");
    await db.$transaction([
      db.sandbox.update({ where: { id }, data: { status: "READY" } }),
      db.sandboxRun.update({ where: { id: refresh }, data: { status: "SUCCEEDED", finishedAt: new Date() } }),
    ]);
    // A deletion leaves the sandbox READY until its database is dropped: it is shown as being deleted meanwhile.
    await step("DELETE", "DELETING", "DELETING");
  });

  it("re-renders the page when the sandbox's status or the run's moves, and only then", () => {
    const at = (sandboxStatus: string, runStatus: string, id = "r1") => ({ sandboxStatus, run: { id, status: runStatus } });
    expect(pageIsBehind(at("QUEUED", "QUEUED"), at("PROVISIONING", "RUNNING"))).toBe(true);
    // A refresh: the sandbox stays REFRESHING while its run goes from queued to running (the history row must follow).
    expect(pageIsBehind(at("REFRESHING", "QUEUED"), at("REFRESHING", "RUNNING"))).toBe(true);
    expect(pageIsBehind(at("REFRESHING", "RUNNING"), at("REFRESHING", "RUNNING", "r2"))).toBe(true);
    expect(pageIsBehind(at("REFRESHING", "RUNNING"), at("REFRESHING", "RUNNING"))).toBe(false);
  });

  it("shows a deletion under way, and nothing else, over the sandbox's own status", () => {
    expect(shownStatus("READY", "DELETE")).toBe("DELETING");
    expect(shownStatus("READY", "REFRESH")).toBe("READY");
    expect(shownStatus("DELETED", "DELETE")).toBe("DELETED");
    expect(shownStatus("FAILED", null)).toBe("FAILED");
  });
});
