/**
 * Item 2 of issue 10, production wins: a customer's migration (`ALTER TABLE`)
 * issued while the copy holds a table waits only seconds, because the copy gives
 * way (GAVE_WAY), ends its snapshot and drops its half-made database.
 * Without the watchdog the ALTER would wait for the whole copy (here: the held step).
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropTestDatabase, testSandboxServerUrl, testServerAdminUrl } from "../testing/pg";
import { EMPTY_CLASSIFICATION } from "./classification";
import { databaseExists } from "./drop";
import { BLIND_MS, watchdogThread, watchForBlockedProduction } from "../crm/lock-watchdog";
import { freezingProxy } from "../testing/freezing-proxy";
import { provisionSandbox } from "./provision";
import { COPY_GIVES_WAY } from "./snapshot-phase";
import { checksums, generateProduction, newSandboxName, rows, sandboxUrl } from "../testing/sanitizer-fixtures";

/** How long the copy is held at a table step: far longer than production may be kept waiting. */
const HOLD_MS = 20_000;
/** How long the copy's thread is kept busy: far longer than production may be kept waiting. */
const BUSY_MS = 10_000;

let prod: string;

beforeAll(async () => {
  prod = await generateProduction(43);
});

afterAll(async () => {
  await dropTestDatabase(prod);
});

/**
 * A copy held at its third table (both streams have begun one: the first table is
 * locked by the snapshot), till `release` or HOLD_MS.
 */
async function copyHeldAtThirdTable(name: string) {
  const entered: string[] = [];
  let release = () => undefined as void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
    setTimeout(resolve, HOLD_MS);
  });
  let reachedThirdTable = () => undefined as void;
  const copyHoldsTables = new Promise<void>((resolve) => (reachedThirdTable = resolve));
  const copy = provisionSandbox({
    productionUrl: prod,
    sandboxServerUrl: testSandboxServerUrl(),
    databaseName: name,
    sandboxCustomerId: "Cust90007",
    serviceMailboxAddress: "support@sandbox.example",
    options: {},
    classification: EMPTY_CLASSIFICATION,
    beforeStep: async (key) => {
      if (!key.startsWith("table:")) return;
      entered.push(key.slice("table:".length));
      if (entered.length >= 3) {
        reachedThirdTable();
        await held;
      }
    },
  });
  const outcome = copy.then(() => null, (error: unknown) => error);
  await copyHoldsTables;
  return { lockedTable: entered[0]!, release, outcome };
}

/** A customer's migration on production, in a transaction it rolls back. */
async function openMigration() {
  const migration = new pg.Client({ connectionString: prod });
  await migration.connect();
  await migration.query("SET lock_timeout = '30s'");
  await migration.query("BEGIN");
  return migration;
}

/** What a copy that gave way leaves behind: its GAVE_WAY reason, no database, no session on production, production as it was. */
async function expectGaveWayCleanly(name: string, outcome: Promise<unknown>, before: unknown) {
  expect(await outcome).toMatchObject({ name: "SanitizationError", code: "GAVE_WAY" });
  expect(((await outcome) as Error).message).toMatch(/waited more than 2 s, so the copy gave way/);
  expect(await databaseExists(testServerAdminUrl(), name)).toBe(false);
  const dbName = decodeURIComponent(new URL(prod).pathname.slice(1));
  expect(await rows(testServerAdminUrl(), "SELECT pid FROM pg_stat_activity WHERE datname = $1", [dbName])).toEqual([]);
  expect(await checksums(prod)).toEqual(before);
}

describe("the lock watchdog", () => {
  it("makes the copy give way to a production ALTER TABLE within seconds", async () => {
    const before = await checksums(prod);
    const name = newSandboxName();
    const { lockedTable, release, outcome } = await copyHeldAtThirdTable(name);

    const migration = await openMigration();
    const started = Date.now();
    await migration.query(`ALTER TABLE ${lockedTable} ADD COLUMN added_by_migration integer`);
    const waitedMs = Date.now() - started;
    await migration.query("ROLLBACK");
    await migration.end();
    release();

    expect(waitedMs).toBeLessThan(6_000);
    await expectGaveWayCleanly(name, outcome, before);
  }, 90_000);

  it("holds no sequence: production's ALTER SEQUENCE runs at once while the copy reads, and the copy goes on", async () => {
    const name = newSandboxName();
    const { release, outcome } = await copyHeldAtThirdTable(name);
    const [sequence] = await rows<{ name: string }>(prod, "SELECT relname AS name FROM pg_class WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace ORDER BY 1 LIMIT 1");

    const migration = await openMigration();
    await migration.query(`ALTER SEQUENCE public.${sequence!.name} CACHE 2`);
    await migration.query("ROLLBACK");
    await migration.end();
    release();

    try {
      // Had the copy held the sequence, the migration would have waited and the copy given way (GAVE_WAY).
      expect(await outcome).toBeNull();
    } finally {
      await dropTestDatabase(sandboxUrl(name));
    }
  }, 90_000);

  it("makes the copy give way while the copy's own thread is busy (a hostile value being rewritten)", async () => {
    const before = await checksums(prod);
    const name = newSandboxName();
    const { lockedTable, release, outcome } = await copyHeldAtThirdTable(name);

    const migration = await openMigration();
    const migrationPid = (migration as unknown as { processID: number }).processID;
    const altered = migration.query(`ALTER TABLE ${lockedTable} ADD COLUMN added_by_migration integer`);
    // Once the migration waits for the copy's lock, the copy's thread is held, as one large value's
    // rewriting holds it for seconds: no timer, message or socket of this thread runs meanwhile.
    await expect.poll(async () => (await rows<{ w: string }>(testServerAdminUrl(), "SELECT wait_event_type AS w FROM pg_stat_activity WHERE pid = $1", [migrationPid]))[0]?.w).toBe("Lock");
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, BUSY_MS);

    // How long the ALTER waited, as production saw it: its start to its end.
    const [seen] = await rows<{ state: string; waited: number }>(
      testServerAdminUrl(),
      "SELECT state, extract(epoch FROM state_change - query_start)::float8 AS waited FROM pg_stat_activity WHERE pid = $1",
      [migrationPid],
    );
    await altered;
    await migration.query("ROLLBACK");
    await migration.end();
    release();

    expect(seen).toMatchObject({ state: "idle in transaction" });
    expect(seen!.waited).toBeLessThan(6);
    await expectGaveWayCleanly(name, outcome, before);
  }, 90_000);

  it("goes on watching when its thread dies: a new one takes over every copy", async () => {
    // A session of "the copy" holding a table, as a snapshot's do.
    const copySession = new pg.Client({ connectionString: prod });
    await copySession.connect();
    await copySession.query("BEGIN");
    await copySession.query("SELECT count(*) FROM public.company");
    const pid = (copySession as unknown as { processID: number }).processID;
    copySession.on("error", () => undefined); // the watchdog ends it
    const watchdog = watchForBlockedProduction(prod, { backendPids: () => [pid], onJoin: () => undefined }, 1_000, COPY_GIVES_WAY);
    // Mid-watch: once its thread polls production.
    await expect
      .poll(async () => (await rows(testServerAdminUrl(), "SELECT pid FROM pg_stat_activity WHERE query LIKE '%pg_blocking_pids(w.pid)%' AND pid <> pg_backend_pid()")).length, { timeout: 10_000 })
      .toBeGreaterThan(0);
    await watchdogThread().terminate();

    const migration = await openMigration();
    const started = Date.now();
    await migration.query("ALTER TABLE public.company ADD COLUMN added_by_migration integer");
    const waitedMs = Date.now() - started;
    await migration.query("ROLLBACK");
    await migration.end();
    await watchdog.stop();
    await copySession.end().catch(() => undefined);

    expect(waitedMs).toBeLessThan(5_000);
    expect(watchdog.gaveWay()).toMatchObject({ code: "GAVE_WAY" });
    expect(watchdog.signal.aborted).toBe(true);
  }, 60_000);

  it("watches each copy of its process apart: only the copy that blocks production gives way", async () => {
    /** A session of "a copy" holding `table`, as a snapshot's do. */
    const holding = async (table: string) => {
      const session = new pg.Client({ connectionString: prod });
      await session.connect();
      session.on("error", () => undefined); // the watchdog may end it
      await session.query("BEGIN");
      await session.query(`SELECT count(*) FROM public.${table}`);
      return session;
    };
    const pidOf = (c: pg.Client) => (c as unknown as { processID: number }).processID;
    const [blocking, other] = [await holding("company"), await holding("contact")];
    const blockingCopy = watchForBlockedProduction(prod, { backendPids: () => [pidOf(blocking)], onJoin: () => undefined }, 1_000, COPY_GIVES_WAY);
    const otherCopy = watchForBlockedProduction(prod, { backendPids: () => [pidOf(other)], onJoin: () => undefined }, 1_000, COPY_GIVES_WAY);

    const migration = await openMigration();
    await migration.query("ALTER TABLE public.company ADD COLUMN added_by_migration integer");
    await migration.query("ROLLBACK");
    await migration.end();

    expect(blockingCopy.gaveWay()).toMatchObject({ code: "GAVE_WAY" });
    expect(otherCopy.gaveWay()).toBeUndefined();
    expect(otherCopy.signal.aborted).toBe(false);
    // The other copy's session was left alone.
    expect((await other.query<{ n: string }>("SELECT count(*)::text AS n FROM public.contact")).rows[0]!.n).toMatch(/^\d+$/);
    await Promise.all([blockingCopy.stop(), otherCopy.stop()]);
    await Promise.all([blocking.end().catch(() => undefined), other.end()]);
  }, 60_000);

  it("makes the copy give way to a migration that retries with a short lock_timeout: its waits add up", async () => {
    const copySession = new pg.Client({ connectionString: prod });
    await copySession.connect();
    copySession.on("error", () => undefined); // the watchdog ends it
    await copySession.query("BEGIN");
    await copySession.query("SELECT count(*) FROM public.company");
    const pid = (copySession as unknown as { processID: number }).processID;
    const watchdog = watchForBlockedProduction(prod, { backendPids: () => [pid], onJoin: () => undefined }, 1_000, COPY_GIVES_WAY);

    // The careful migration: never waits more than 300 ms at a time, tries again 200 ms later.
    const migration = new pg.Client({ connectionString: prod });
    await migration.connect();
    await migration.query("SET lock_timeout = '300ms'");
    let attempts = 0;
    let altered = false;
    while (!altered && attempts < 40) {
      attempts++;
      altered = await migration.query("ALTER TABLE public.company ADD COLUMN added_by_migration integer").then(() => true, () => false);
      if (!altered) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (altered) await migration.query("ALTER TABLE public.company DROP COLUMN added_by_migration");
    await migration.end();
    await watchdog.stop();
    await copySession.end().catch(() => undefined);

    expect(altered).toBe(true);
    expect(attempts).toBeLessThan(15);
    expect(watchdog.gaveWay()).toMatchObject({ code: "GAVE_WAY" });
  }, 60_000);

  it("stops a copy it cannot watch: production refuses its watching session", async () => {
    const unreachable = new URL(prod);
    unreachable.port = "1";
    const watchdog = watchForBlockedProduction(unreachable.toString(), { backendPids: () => [], onJoin: () => undefined }, 500, COPY_GIVES_WAY);
    try {
      await expect.poll(() => watchdog.signal.aborted, { timeout: BLIND_MS + 10_000, interval: 250 }).toBe(true);
      expect(watchdog.gaveWay()).toMatchObject({ code: "CONNECTION_LOST", message: expect.stringMatching(/could not watch production/) });
    } finally {
      await watchdog.stop();
    }
  }, 60_000);

  it("leaves no session on production when a watch is stopped while its session still connects", async () => {
    // A production that answers at a trickle: the watch's session takes seconds to open, longer than a stop waits for it.
    const proxy = await freezingProxy(prod);
    proxy.slow(400);
    try {
      const watchdog = watchForBlockedProduction(proxy.url, { backendPids: () => [], onJoin: () => undefined }, 2_000, COPY_GIVES_WAY);
      await expect.poll(() => proxy.connections(), { timeout: 10_000 }).toBe(1);
      await watchdog.stop();
      // The session opens after its watch ended: ended then, not kept for the life of the process.
      await expect.poll(() => proxy.open(), { timeout: 20_000, interval: 250 }).toBe(0);
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it("stops a copy it cannot watch: production takes its polls and stops answering them", async () => {
    const proxy = await freezingProxy(prod);
    const watchdog = watchForBlockedProduction(proxy.url, { backendPids: () => [], onJoin: () => undefined }, 500, COPY_GIVES_WAY);
    try {
      // Its session opens and polls; then production hangs.
      await expect.poll(() => proxy.connections(), { timeout: 10_000 }).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      proxy.freeze();
      await expect.poll(() => watchdog.signal.aborted, { timeout: 2 * BLIND_MS + 10_000, interval: 250 }).toBe(true);
      expect(watchdog.gaveWay()).toMatchObject({ code: "CONNECTION_LOST" });
    } finally {
      await watchdog.stop();
      await proxy.close();
    }
  }, 60_000);
});
