/**
 * Production wins over the portal's own reads too: a read that holds a table (a dry
 * run's counts, in one snapshot) lets go of it within seconds when a customer's
 * migration needs it, instead of holding the migration, and every query of production's
 * on that table behind it, for up to the read's 15 s statement limit.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { createTestDatabase, dropTestDatabase } from "../testing/pg";
import { rows } from "../testing/sanitizer-fixtures";
import { withProductionAt } from "./production-at";

let url: string;

beforeAll(async () => {
  url = await createTestDatabase("watched_reads");
  await rows(url, "CREATE TABLE note (id integer PRIMARY KEY, body text); CREATE TABLE other (id integer PRIMARY KEY); INSERT INTO note VALUES (1, 'a'), (2, 'b')");
});

afterAll(async () => {
  await dropTestDatabase(url);
});

/** A read that holds `public.note` in its transaction, then works on for `seconds` (a dry run's next count). */
const holdingNote = (seconds: number) =>
  withProductionAt(url, async (client) => {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const { rows: counted } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM public.note");
    await client.query("SELECT pg_sleep($1)", [seconds]);
    await client.query("COMMIT");
    return counted[0]!.n;
  });

/** A customer's migration on `table`, willing to wait `lockTimeout` for its lock; how long it waited, in ms. */
async function migrate(table: string, lockTimeout = "30s"): Promise<number> {
  const migration = new pg.Client({ connectionString: url });
  await migration.connect();
  try {
    await migration.query(`SET lock_timeout = '${lockTimeout}'`);
    await migration.query("BEGIN");
    const started = Date.now();
    await migration.query(`ALTER TABLE public.${table} ADD COLUMN added_by_migration integer`);
    const waited = Date.now() - started;
    await migration.query("ROLLBACK");
    return waited;
  } finally {
    await migration.end();
  }
}

/** Waits until a read of production sleeps (it holds its table from then on). */
async function untilReadSleeps() {
  await expect.poll(async () => (await rows(url, "SELECT 1 FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%' AND state = 'active'")).length, { timeout: 10_000 }).toBe(1);
}

describe("a long read of production", () => {
  it("gives way to a migration that needs its table: the migration waits seconds, not the read's statement limit", async () => {
    const reading = holdingNote(12).then(() => null, (error: unknown) => error);
    await untilReadSleeps();

    const waitedMs = await migrate("note");
    const error = await reading;

    expect(waitedMs).toBeLessThan(6_000);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "PRODUCTION_BUSY", message: expect.stringMatching(/Production needed a table the portal was reading/) });
    // Nothing of the portal's is left on production: neither the read's session nor its watch's.
    const database = decodeURIComponent(new URL(url).pathname.slice(1));
    await expect.poll(async () => (await rows(url, "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [database])).length, { timeout: 5_000 }).toBe(0);
  }, 60_000);

  it("is left alone while it holds nobody up, however long it takes, and by a migration of a table it does not hold", async () => {
    const reading = holdingNote(4);
    await untilReadSleeps();

    // Not held: a migration of another table never waits for a lock, and the read runs its full length.
    await migrate("other", "1s");
    expect(await reading).toBe(2);
  }, 60_000);

  it("goes on unwatched, bounded by its statement limit as ever, when production refuses the watch a session", async () => {
    // The role may hold one session: the read's. The watch's is refused, and the watch goes blind after 10 s.
    const role = `one_session_${process.pid}`;
    await rows(url, `CREATE ROLE ${role} LOGIN PASSWORD 'reader' CONNECTION LIMIT 1; GRANT SELECT ON public.note TO ${role}`);
    const asRole = new URL(url);
    asRole.username = role;
    asRole.password = "reader";
    try {
      const read = await withProductionAt(asRole.toString(), async (client) => {
        await client.query("SELECT pg_sleep(12)");
        return (await client.query<{ n: number }>("SELECT count(*)::int AS n FROM public.note")).rows[0]!.n;
      });
      expect(read).toBe(2);
    } finally {
      await rows(url, `REVOKE ALL ON public.note FROM ${role}; DROP ROLE ${role}`);
    }
  }, 60_000);
});
