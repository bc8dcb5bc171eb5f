/**
 * A sandbox server is the operators' own, but any host can hang. One that takes the
 * copy's connection and never answers, or that stops answering mid-copy, enforces none
 * of a session's limits; the run still ends within its own bounds, frees its worker's
 * slot and leaves no session behind, and the half-made database it could not drop is
 * named for operators (the sweep of orphan copies drops it once the server answers).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { dropTestDatabase, testSandboxServerUrl, testServerAdminUrl } from "../testing/pg";
import { freezingProxy, type FreezingProxy } from "../testing/freezing-proxy";
import { generateProduction, newSandboxName, rows } from "../testing/sanitizer-fixtures";
import { EMPTY_CLASSIFICATION } from "./classification";
import { databaseExists, dropSandboxDatabase } from "./drop";
import { provisionSandbox } from "./provision";

let prod: string;
let proxy: FreezingProxy | undefined;
const connectTimeout = process.env.SANDBOX_SERVER_CONNECT_TIMEOUT_SECONDS;

beforeAll(async () => {
  prod = await generateProduction(48);
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  if (connectTimeout === undefined) delete process.env.SANDBOX_SERVER_CONNECT_TIMEOUT_SECONDS;
  else process.env.SANDBOX_SERVER_CONNECT_TIMEOUT_SECONDS = connectTimeout;
});
afterAll(async () => {
  await dropTestDatabase(prod);
});

/** A run into the sandbox server behind `serverUrl`, its outcome, and how long it took to have one. */
async function run(serverUrl: string, name: string, extra: Partial<Parameters<typeof provisionSandbox>[0]> = {}) {
  const started = Date.now();
  const outcome = await provisionSandbox({
    productionUrl: prod,
    sandboxServerUrl: serverUrl,
    databaseName: name,
    sandboxCustomerId: "Cust90048",
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

const sessionsOn = (database: string) => rows(testServerAdminUrl(), "SELECT pid FROM pg_stat_activity WHERE datname = $1", [database]);

describe("a sandbox server that stops answering", () => {
  it("that takes the connection and never answers: the run fails once connecting has taken its bound, in words that do not blame production", async () => {
    process.env.SANDBOX_SERVER_CONNECT_TIMEOUT_SECONDS = "1";
    proxy = await freezingProxy(testSandboxServerUrl(), { answering: false });
    const { outcome, ms } = await run(proxy.url, newSandboxName());

    expect(proxy.connections()).toBeGreaterThan(0);
    expect(outcome).toMatchObject({ name: "SanitizationError", code: "CONNECTION_LOST", message: "The sandbox server did not answer the copy's connection within 1 s." });
    expect(ms).toBeLessThan(10_000);
  });

  it("mid-copy: the run ends at its deadline and cuts its sessions; the database it could not drop is named for operators", async () => {
    process.env.SANDBOX_SERVER_CONNECT_TIMEOUT_SECONDS = "1";
    proxy = await freezingProxy(testSandboxServerUrl());
    const frozenProxy = proxy;
    const name = newSandboxName();
    let frozeAfter = "";
    try {
      const { outcome, ms } = await run(proxy.url, name, {
        deadlineMs: 4_000,
        // The server hangs once the copy's tables exist: its sessions are about to stream rows into them.
        onPhase: (phase) => {
          if (phase === "tables (DDL)") {
            frozenProxy.freeze();
            frozeAfter = phase;
          }
        },
      });

      expect(frozeAfter).toBe("tables (DDL)");
      expect(outcome).toMatchObject({ name: "SanitizationError", code: "DEADLINE" });
      expect((outcome as Error).message).toContain(`dropping the half-made database ${name} failed`);
      // The deadline, the drop's one connection bound, and the sessions' one-second goodbyes.
      expect(ms).toBeLessThan(12_000);
      // The cut sessions end on the server too, and on production: nothing is left to hold either.
      await expect.poll(() => sessionsOn(name), { timeout: 5_000 }).toEqual([]);
      await expect.poll(() => sessionsOn(decodeURIComponent(new URL(prod).pathname.slice(1))), { timeout: 5_000 }).toEqual([]);
      expect(await databaseExists(testServerAdminUrl(), name)).toBe(true);
    } finally {
      await dropSandboxDatabase(testServerAdminUrl(), name);
    }
  }, 60_000);
});
