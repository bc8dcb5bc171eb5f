import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import pg from "pg";
import { AppError } from "../errors";
import { freePort } from "../testing/free-port";
import { captureLogLines } from "../testing/log-lines";
import { createTestDatabase, dropTestDatabase } from "../testing/pg";
import { getProductionSize, orNullWhenUnavailable } from "./production";
import { PRODUCTION_READ_LIMITS, READS_PER_PRODUCTION, withProductionAt } from "./production-at";

let url: string;

beforeAll(async () => {
  url = await createTestDatabase("production_reader");
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  await setup.query("CREATE TABLE note (id integer PRIMARY KEY, body text)");
  await setup.end();
});

afterAll(async () => {
  await dropTestDatabase(url);
});

async function failureOf(reading: Promise<unknown>): Promise<AppError> {
  const error = await reading.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("the one production reader", () => {
  it("reads read-only, and says PRODUCTION_UNREACHABLE without the URL when nothing answers", async () => {
    expect(await getProductionSize(url)).toBeGreaterThan(0);
    const writing = await failureOf(withProductionAt(url, (c) => c.query("INSERT INTO public.note VALUES (1, 'x')")));
    expect(writing.code).toBe("PRODUCTION_UNREACHABLE");

    const log = captureLogLines();
    const deadUrl = `postgres://reader:s3cret-pw@127.0.0.1:${await freePort()}/crm`;
    const unreachable = await failureOf(getProductionSize(deadUrl));
    expect(unreachable.code).toBe("PRODUCTION_UNREACHABLE");
    log.restore();
    const logged = JSON.stringify(log.lines);
    expect(log.lines).toEqual([expect.objectContaining({ msg: "production connect failed", code: "ECONNREFUSED" })]);
    expect(`${unreachable.userMessage} ${logged}`).not.toMatch(/s3cret|127\.0\.0\.1|reader/);
    expect(await orNullWhenUnavailable(getProductionSize(deadUrl))).toBeNull();
  });

  it("under REQUIRE_DATABASE_TLS, refuses production over the network without checked TLS before connecting, in words without the host", async () => {
    vi.stubEnv("REQUIRE_DATABASE_TLS", "true");
    try {
      const refused = await failureOf(getProductionSize("postgres://reader:s3cret-pw@crm-db.invalid/crm"));
      expect(refused.code).toBe("PRODUCTION_UNREACHABLE");
      expect(refused.userMessage).toBe("The portal refused its connection to the production database: the connection does not meet the portal's safety settings. Contact support.");
      expect(await orNullWhenUnavailable(getProductionSize("postgres://reader:s3cret-pw@crm-db.invalid/crm"))).toBeNull();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("gives up on a table locked in production within the lock limit, as PRODUCTION_BUSY", async () => {
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    await locker.query("BEGIN; LOCK TABLE public.note IN ACCESS EXCLUSIVE MODE");
    try {
      const started = Date.now();
      const busy = await failureOf(withProductionAt(url, (c) => c.query("SELECT count(*) FROM public.note")));
      expect(busy.code).toBe("PRODUCTION_BUSY");
      expect(Date.now() - started).toBeLessThan(PRODUCTION_READ_LIMITS.lockMs + 3_000);
    } finally {
      await locker.query("ROLLBACK");
      await locker.end();
    }
  });

  it("reads one production at most three times at once: many tabs of a page wait their turn", async () => {
    // Counted on each read's own session: the reads on this production, itself among them.
    const sessions = async (c: pg.Client) => Number((await c.query<{ n: string }>("SELECT count(*)::text AS n FROM pg_stat_activity WHERE datname = current_database()")).rows[0]!.n);
    let most = 0;
    const reads = Array.from({ length: 8 }, () =>
      withProductionAt(url, async (c) => {
        await c.query("SELECT pg_sleep(0.3)");
        most = Math.max(most, await sessions(c));
        return "read";
      }),
    );
    expect(await Promise.all(reads)).toEqual(Array(8).fill("read"));
    expect(most).toBeLessThanOrEqual(READS_PER_PRODUCTION);
    expect(most).toBeGreaterThan(1);
  });

  it("logs a programming error's stack (a TypeError on a value), so its cause is not lost", async () => {
    const log = captureLogLines();
    const failed = await failureOf(withProductionAt(url, async () => (null as unknown as { x: number }).x));
    log.restore();
    expect(failed.code).toBe("PRODUCTION_UNREACHABLE");
    expect(JSON.stringify(log.lines)).toContain("TypeError");
    expect(JSON.stringify(log.lines)).toContain("production.db.test");
  });

  it("reads nothing of a production whose contract table is a view (or a foreign table): its own SQL would run on the portal's read", async () => {
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    try {
      await setup.query("CREATE VIEW public.associate AS SELECT 1 AS id, now() AS seen");
      let read = false;
      const refused = await failureOf(withProductionAt(url, async () => (read = true)));
      expect(refused).toMatchObject({ code: "PRODUCTION_REFUSED", userMessage: 'Production\'s "associate" is a view, not a table, so the portal does not read it. Contact support.' });
      expect(read).toBe(false);
    } finally {
      await setup.query("DROP VIEW IF EXISTS public.associate");
      await setup.end();
    }
  });

  it("passes the caller's own AppError through unchanged", async () => {
    const own = await failureOf(withProductionAt(url, () => Promise.reject(new AppError("INVALID_INPUT"))));
    expect(own.code).toBe("INVALID_INPUT");
    await expect(orNullWhenUnavailable(Promise.reject(new AppError("FORBIDDEN")))).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
