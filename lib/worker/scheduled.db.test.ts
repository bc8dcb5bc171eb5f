import { afterAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { getBoss, ORPHAN_SWEEP_QUEUE, SCHEDULE_QUEUE, SIZES_QUEUE, stopBoss } = await import("../jobs/queue");
const { startWorker } = await import("./worker");

afterAll(() => stopBoss());

describe("the fleet's scheduled work", () => {
  it("is scheduled once on the queue, whatever the number of workers, and taken by one of them", async () => {
    const workers = [await startWorker(), await startWorker()];
    try {
      const boss = await getBoss();
      const schedules = (await boss.getSchedules()).map((s) => [s.name, s.cron]).sort();
      expect(schedules).toEqual([[SCHEDULE_QUEUE, "15 * * * *"], [SIZES_QUEUE, "*/10 * * * *"], [ORPHAN_SWEEP_QUEUE, "* * * * *"]].sort());
      // A measuring, and a sweep of orphan copies, asked for now are each done once, by one of the two.
      for (const queue of [SIZES_QUEUE, ORPHAN_SWEEP_QUEUE]) {
        const jobId = (await boss.send(queue, {}))!;
        await expect.poll(async () => (await boss.getJobById(queue, jobId))?.state, { timeout: 15_000 }).toBe("completed");
        expect(await db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'completed'`, queue)).toEqual([{ n: 1 }]);
      }
    } finally {
      for (const worker of workers) await worker.stop();
    }
  }, 60_000);
});
