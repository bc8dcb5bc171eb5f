import { afterAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { freePort } from "../testing/free-port";

usePortalDatabase();

const { getBoss, RUN_QUEUE, stopBoss } = await import("./queue");

afterAll(() => stopBoss());

describe("the process's job queue", () => {
  it("is started again after a start that failed, instead of refusing every run until the process restarts", async () => {
    const portalUrl = process.env.DATABASE_URL!;
    // The portal database down for a moment: nothing listens where it was.
    const down = new URL(portalUrl);
    down.port = String(await freePort());
    process.env.DATABASE_URL = down.toString();
    try {
      await expect(getBoss()).rejects.toThrow();
    } finally {
      process.env.DATABASE_URL = portalUrl;
    }
    // Back up: the next order starts the queue and queues its job.
    const boss = await getBoss();
    expect(await boss.getQueue(RUN_QUEUE)).toMatchObject({ name: RUN_QUEUE });
    expect(await getBoss()).toBe(boss);
  });
});
