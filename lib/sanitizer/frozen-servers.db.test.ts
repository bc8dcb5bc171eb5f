/**
 * Production is untrusted input, and so is how it answers; and a sandbox server, though
 * the operators' own, can hang as any host can. A server that takes the copy's
 * connection and never answers, or that stops answering mid-copy, enforces none of the
 * limits a run sets on its sessions (they are the server's to enforce). The run still
 * ends within its own bounds, frees its worker's slot and leaves no session behind; a
 * half-made database it could not drop is named for operators (the sweep of orphan
 * copies drops it once the server answers).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { dropTestDatabase, testSandboxServerUrl, testServerAdminUrl } from "../testing/pg";
import { freezingProxy, type FreezingProxy } from "../testing/freezing-proxy";
import { generateProduction, newSandboxName, rows } from "../testing/sanitizer-fixtures";
import { EMPTY_CLASSIFICATION } from "./classification";
import { databaseExists, dropSandboxDatabase } from "./drop";
import { provisionSandbox } from "./provision";
import { describeFailure, technicalDetail } from "../jobs/failure";

let prod: string;
let proxy: FreezingProxy | undefined;
const CONNECT_TIMEOUTS = ["PRODUCTION_CONNECT_TIMEOUT_SECONDS", "SANDBOX_SERVER_CONNECT_TIMEOUT_SECONDS"] as const;
const connectTimeouts = CONNECT_TIMEOUTS.map((name) => [name, process.env[name]] as const);

beforeAll(async () => {
  prod = await generateProduction(47);
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  for (const [name, value] of connectTimeouts) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});
afterAll(async () => {
  await dropTestDatabase(prod);
});

/** A run from `productionUrl` into the sandbox server at `serverUrl`, its outcome, and how long it took to have one. */
async function run(name: string, { productionUrl = prod, serverUrl = testSandboxServerUrl(), ...extra }: Partial<Parameters<typeof provisionSandbox>[0]> & { serverUrl?: string } = {}) {
  const started = Date.now();
  const outcome = await provisionSandbox({
    productionUrl,
    sandboxServerUrl: serverUrl,
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

const sessionsOn = (database: string) => rows(testServerAdminUrl(), "SELECT pid FROM pg_stat_activity WHERE datname = $1", [database]);
const productionSessions = () => sessionsOn(decodeURIComponent(new URL(prod).pathname.slice(1)));
/** Production's sessions in a transaction or a statement: what holds a snapshot or a lock. */
const productionSessionsAtWork = () =>
  rows(testServerAdminUrl(), "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND (state <> 'idle' OR xact_start IS NOT NULL)", [decodeURIComponent(new URL(prod).pathname.slice(1))]);

describe("a production that stops answering", () => {
  it("that takes the connection and never answers: the run fails once connecting has taken its bound", async () => {
    process.env.PRODUCTION_CONNECT_TIMEOUT_SECONDS = "1";
    proxy = await freezingProxy(prod, { answering: false });
    const name = newSandboxName();
    const { outcome, ms } = await run(name, { productionUrl: proxy.url });

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
    const { outcome, ms } = await run(name, {
      productionUrl: proxy.url,
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
    // The cut sessions end on production too: nothing holds its snapshot. (A connection the frozen
    // proxy itself still holds open may linger idle, outside any transaction, until the proxy
    // closes: about one run in seven; it holds nothing of production's.)
    await expect.poll(productionSessionsAtWork, { timeout: 5_000 }).toEqual([]);
  }, 60_000);

  it("at a trickle: the copy stops as soon as its pace shows it cannot make its deadline, not at the deadline", async () => {
    proxy = await freezingProxy(prod);
    const slowProxy = proxy;
    const name = newSandboxName();
    let tablesBegun = 0;
    const { outcome, ms } = await run(name, {
      productionUrl: proxy.url,
      // Far longer than the test waits: the copy must stop well before it.
      deadlineMs: 120_000,
      paceBounds: { graceMs: 2_000, everyMs: 250 },
      // Production slows to a trickle once the copy has begun its tables, and goes on answering.
      beforeStep: async (key) => {
        if (key.startsWith("table:") && ++tablesBegun === 1) slowProxy.slow(500);
      },
    });

    expect(outcome).toMatchObject({ name: "SanitizationError", code: "DEADLINE", message: expect.stringMatching(/^Production gave the copy its rows at .* over the last .* The copy stopped now rather than hold production's snapshot until then\.$/) });
    // Once seen on a loaded machine, not since: should the database stay, the clean-up's own failure says why.
    expect(await databaseExists(testServerAdminUrl(), name), `after ${ms} ms; ${technicalDetail(outcome)}`).toBe(false);
    await expect.poll(productionSessions, { timeout: 5_000 }).toEqual([]);
  }, 60_000);
});

describe("a sandbox server that stops answering", () => {
  it("that takes the connection and never answers: the run fails once connecting has taken its bound, in words that do not blame production", async () => {
    process.env.SANDBOX_SERVER_CONNECT_TIMEOUT_SECONDS = "1";
    proxy = await freezingProxy(testSandboxServerUrl(), { answering: false });
    const { outcome, ms } = await run(newSandboxName(), { serverUrl: proxy.url });

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
      const { outcome, ms } = await run(name, {
        serverUrl: proxy.url,
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
      // The database it could not drop is named for operators; its customer reads only why the copy stopped.
      expect(technicalDetail(outcome)).toContain(`dropping the half-made database ${name} failed`);
      expect(describeFailure(outcome)).not.toMatch(/half-made|ECONN|127\.0\.0\.1|:\d{4,5}\b/);
      // The deadline, the drop's one connection bound, and the sessions' one-second goodbyes.
      expect(ms).toBeLessThan(12_000);
      // The cut sessions end on the server too, and on production: nothing is left to hold either.
      await expect.poll(() => sessionsOn(name), { timeout: 5_000 }).toEqual([]);
      await expect.poll(productionSessions, { timeout: 5_000 }).toEqual([]);
      expect(await databaseExists(testServerAdminUrl(), name)).toBe(true);
    } finally {
      await dropSandboxDatabase(testServerAdminUrl(), name);
    }
  }, 60_000);
});
