/**
 * Production is untrusted input, and so is how it answers: a production that takes the
 * copy's connection and never answers, or that stops answering mid-copy, enforces none
 * of the limits a run sets on its sessions (they are the server's to enforce). The run
 * still ends within its own bounds, frees its worker's slot and leaves nothing behind.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { dropTestDatabase, testSandboxServerUrl, testServerAdminUrl } from "../testing/pg";
import { freezingProxy, type FreezingProxy } from "../testing/freezing-proxy";
import { generateProduction, newSandboxName, rows } from "../testing/sanitizer-fixtures";
import { EMPTY_CLASSIFICATION } from "./classification";
import { databaseExists } from "./drop";
import { provisionSandbox } from "./provision";

let prod: string;
let proxy: FreezingProxy | undefined;
const connectTimeout = process.env.PRODUCTION_CONNECT_TIMEOUT_SECONDS;

beforeAll(async () => {
  prod = await generateProduction(47);
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  if (connectTimeout === undefined) delete process.env.PRODUCTION_CONNECT_TIMEOUT_SECONDS;
  else process.env.PRODUCTION_CONNECT_TIMEOUT_SECONDS = connectTimeout;
});
afterAll(async () => {
  await dropTestDatabase(prod);
});

/** A run against `productionUrl`, its outcome, and how long it took to have one. */
async function run(productionUrl: string, name: string, extra: Partial<Parameters<typeof provisionSandbox>[0]> = {}) {
  const started = Date.now();
  const outcome = await provisionSandbox({
    productionUrl,
    sandboxServerUrl: testSandboxServerUrl(),
    databaseName: name,
    sandboxCustomerId: "Cust90047",
    serviceMailboxAddress: "support@sandbox.example",
    options: {},
    classification: EMPTY_CLASSIFICATION,
    ...extra,
  }).then(
    () => null,
    (error: unknown) => error,
  );
  return { outcome, ms: Date.now() - started };
}

const productionSessions = () => rows(testServerAdminUrl(), "SELECT pid FROM pg_stat_activity WHERE datname = $1", [decodeURIComponent(new URL(prod).pathname.slice(1))]);

describe("a production that stops answering", () => {
  it("that takes the connection and never answers: the run fails once connecting has taken its bound", async () => {
    process.env.PRODUCTION_CONNECT_TIMEOUT_SECONDS = "1";
    proxy = await freezingProxy(prod, { answering: false });
    const name = newSandboxName();
    const { outcome, ms } = await run(proxy.url, name);

    expect(proxy.connections()).toBeGreaterThan(0);
    expect(outcome).toMatchObject({ name: "SanitizationError", code: "CONNECTION_LOST", message: "Production did not answer the copy's connection within 1 s." });
    expect(ms).toBeLessThan(10_000);
    expect(await databaseExists(testServerAdminUrl(), name)).toBe(false);
  });

  it("mid-copy: the run ends at its deadline, cuts its sessions and drops its half-made database", async () => {
    proxy = await freezingProxy(prod);
    const frozenProxy = proxy;
    const name = newSandboxName();
    let tablesBegun = 0;
    const { outcome, ms } = await run(proxy.url, name, {
      deadlineMs: 4_000,
      // Production hangs once the copy has begun its tables: every session is mid-transaction.
      beforeStep: async (key) => {
        if (key.startsWith("table:") && ++tablesBegun === 1) frozenProxy.freeze();
      },
    });

    expect(tablesBegun).toBeGreaterThan(0);
    expect(outcome).toMatchObject({ name: "SanitizationError", code: "DEADLINE" });
    expect(ms).toBeLessThan(15_000);
    expect(await databaseExists(testServerAdminUrl(), name)).toBe(false);
    // The cut sessions end on production too: nothing holds its snapshot.
    await expect.poll(productionSessions, { timeout: 5_000 }).toEqual([]);
  }, 60_000);
});
