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
import { provisionSandbox } from "./provision";
import { checksums, generateProduction, newSandboxName, rows } from "../testing/sanitizer-fixtures";

/** How long the copy is held at a table step: far longer than production may be kept waiting. */
const HOLD_MS = 20_000;

let prod: string;
const name = newSandboxName();

beforeAll(async () => {
  prod = await generateProduction(43);
});

afterAll(async () => {
  await dropTestDatabase(prod);
});

describe("the lock watchdog", () => {
  it("makes the copy give way to a production ALTER TABLE within seconds", async () => {
    const before = await checksums(prod);
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
        // Both streams have begun a table by the third: the first table is locked by the snapshot.
        if (entered.length >= 3) {
          reachedThirdTable();
          await held;
        }
      },
    });
    const outcome = copy.then(() => null, (error: unknown) => error);
    await copyHoldsTables;

    const migration = new pg.Client({ connectionString: prod });
    await migration.connect();
    await migration.query("SET lock_timeout = '30s'");
    await migration.query("BEGIN");
    const started = Date.now();
    await migration.query(`ALTER TABLE ${entered[0]} ADD COLUMN added_by_migration integer`);
    const waitedMs = Date.now() - started;
    await migration.query("ROLLBACK");
    await migration.end();
    release();

    expect(waitedMs).toBeLessThan(6_000);
    expect(await outcome).toMatchObject({ name: "SanitizationError", code: "GAVE_WAY" });
    expect(((await outcome) as Error).message).toMatch(/waited more than 2 s, so the copy gave way/);
    expect(await databaseExists(testServerAdminUrl(), name)).toBe(false);
    // No session of the copy is left on production, and production is as it was.
    const dbName = decodeURIComponent(new URL(prod).pathname.slice(1));
    expect(await rows(testServerAdminUrl(), "SELECT pid FROM pg_stat_activity WHERE datname = $1", [dbName])).toEqual([]);
    expect(await checksums(prod)).toEqual(before);
  }, 90_000);
});
