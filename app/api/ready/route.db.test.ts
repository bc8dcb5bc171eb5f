/**
 * /api/ready needs no sign-in, so anyone may call it as often as they like: its checks are
 * run at most once in READY_ANSWER_KEPT_MS per process, and callers at once share one run,
 * so a flood of probes costs the portal database next to nothing.
 */
import { describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "@/lib/testing/portal-db";

usePortalDatabase();

const { db } = await import("@/lib/db/portal");
const { GET } = await import("./route");
const { READY_ANSWER_KEPT_MS } = await import("@/lib/observability/readiness");

describe("GET /api/ready", () => {
  it("runs its checks once for many callers in a short while, and again once that answer is old", async () => {
    await db.$queryRaw`SELECT 1`;
    const real = (globalThis as unknown as { portalDb: typeof db }).portalDb;
    const queries = vi.spyOn(real, "$queryRaw");
    const first = await Promise.all(Array.from({ length: 20 }, () => GET()));
    const perCheck = queries.mock.calls.length;
    expect(perCheck).toBeGreaterThan(0);
    expect(perCheck).toBeLessThanOrEqual(2);
    // The test database has no job queue: one answer, whatever it says, for every caller.
    const said = await first[0]!.json();
    expect(said).toMatchObject({ checks: { database: "ok", schema: "ok" } });
    for (const answer of first.slice(1)) {
      expect(answer.status).toBe(first[0]!.status);
      expect(answer.headers.get("cache-control")).toBe("no-store");
      expect(await answer.json()).toEqual(said);
    }
    for (let i = 0; i < 10; i++) expect((await GET()).status).toBe(first[0]!.status);
    expect(queries.mock.calls.length).toBe(perCheck);

    await new Promise((resolve) => setTimeout(resolve, READY_ANSWER_KEPT_MS + 50));
    expect((await GET()).status).toBe(first[0]!.status);
    expect(queries.mock.calls.length).toBe(2 * perCheck);
    queries.mockRestore();
  });
});
