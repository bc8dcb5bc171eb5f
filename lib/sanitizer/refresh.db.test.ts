/**
 * Refresh carry-over (rule 8), within bounds, and failure safety: a run that fails or
 * is cancelled at any point leaves no database behind, and the previous copy is only read.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { technicalDetail } from "../jobs/failure";
import { dropTestDatabase, testSandboxServerUrl } from "../testing/pg";
import { EMPTY_CLASSIFICATION, parseClassification } from "./classification";
import { provisionSandbox, type ProvisionInput } from "./provision";
import type { ProgressStep, RunProgress } from "./progress";
import { changeLabel } from "./rule-reports";
import { personalColumns } from "./pseudonyms/columns";
import { checksums, cloneDatabase, databaseNames, generateProduction, newSandboxName, rows, sandboxUrl, scalar, withClient } from "../testing/sanitizer-fixtures";

let prod: string;
const made: string[] = [];

function input(extra: Partial<ProvisionInput> = {}): ProvisionInput & { databaseName: string } {
  const name = newSandboxName();
  made.push(name);
  return {
    productionUrl: prod,
    sandboxServerUrl: testSandboxServerUrl(),
    databaseName: name,
    sandboxCustomerId: "Cust90006",
    serviceMailboxAddress: "support@sandbox.example",
    options: {},
    classification: EMPTY_CLASSIFICATION,
    ...extra,
  };
}

beforeAll(async () => {
  prod = await generateProduction(51);
});

afterAll(async () => {
  for (const name of made) await dropTestDatabase(sandboxUrl(name));
  await dropTestDatabase(prod);
});

describe("refresh", () => {
  it("carries the app authorizations and webhooks made in the previous copy, and only those", async () => {
    const first = input();
    await provisionSandbox(first);
    const previous = sandboxUrl(first.databaseName);
    await withClient(previous, async (c) => {
      await c.query(`INSERT INTO app_authorization (app_name, client_id, access_token, scopes, authorized_by, authorized_at)
                     VALUES ('Sandbox app', 'cid-1', 'tok', 'contact:read', 1, now()), ('Gone user app', 'cid-2', NULL, 'sale:read', NULL, now())`);
      await c.query(`INSERT INTO webhook (name, kind, target_url, events, secret, active, created_by, created_at)
                     VALUES ('Test hook', 'http-post', 'https://hooks.example/x', 'contact.created', 's3', true, 2, now())`);
    });
    const previousSums = await checksums(previous);
    const prodApps = Number(await scalar(prod, "SELECT count(*) FROM app_authorization"));
    expect(prodApps).toBeGreaterThan(0);

    const second = input({ carryOverFromUrl: previous });
    const report = await provisionSandbox(second);
    const url = sandboxUrl(second.databaseName);
    const cols = "id, app_name, client_id, system_user_token, access_token, refresh_token, scopes, authorized_by, authorized_at";
    expect(await rows(url, `SELECT ${cols} FROM app_authorization ORDER BY id`)).toEqual(await rows(previous, `SELECT ${cols} FROM app_authorization ORDER BY id`));
    expect(await rows(url, "SELECT * FROM webhook ORDER BY id")).toEqual(await rows(previous, "SELECT * FROM webhook ORDER BY id"));
    expect(report.rules.find((r) => r.rule === 8)?.changes).toMatchObject({ "app_authorization.carried": 2, "webhook.carried": 1, "app_authorization.removed": prodApps });
    // The report says each of a refresh's changes in words of its own (it had said "Other changes" twice).
    const unnamed = report.rules.flatMap((r) => Object.keys(r.changes).filter((key) => changeLabel(r.rule, key) === "Other changes").map((key) => `rule ${r.rule} ${key}`));
    expect(unnamed).toEqual([]);
    // New rows continue after the carried ones.
    const max = Number(await scalar(url, "SELECT max(id) FROM app_authorization"));
    expect(Number(await scalar(url, "SELECT nextval(pg_get_serial_sequence('app_authorization', 'id'))"))).toBeGreaterThan(max);
    // The previous copy was only read.
    expect(await checksums(previous)).toEqual(previousSums);
  });

  it("carries every timestamp the sandbox holds exactly: microseconds, years BC and beyond 9999, infinity", async () => {
    const first = input();
    await provisionSandbox(first);
    const previous = sandboxUrl(first.databaseName);
    // What the sandbox's people and the apps they test wrote. Each went through a JavaScript Date on its
    // way into the new copy: microseconds were cut, and a value a Date cannot write back failed the refresh
    // every time ("time zone displacement out of range"), or turned into null (infinity).
    await withClient(previous, async (c) => {
      await c.query(`INSERT INTO app_authorization (app_name, client_id, scopes, authorized_at)
                     VALUES ('Now', 'c1', 's', '2026-01-01 10:00:00.123456+00'), ('Old', 'c2', 's', '0044-03-15 12:00:00+00 BC'),
                            ('Far', 'c3', 's', '12345-06-07 08:09:10.5+00'), ('Never', 'c4', 's', 'infinity')`);
      await c.query(`INSERT INTO webhook (name, kind, target_url, events, active, created_at)
                     VALUES ('Hook', 'http-post', 'https://hooks.example/x', 'contact.created', true, '-infinity')`);
    });
    const times = (url: string) =>
      rows(url, "SELECT 'a' || id AS row, authorized_at::text AS at FROM app_authorization UNION ALL SELECT 'w' || id, created_at::text FROM webhook ORDER BY 1");
    const second = input({ carryOverFromUrl: previous });
    await provisionSandbox(second);
    expect(await times(sandboxUrl(second.databaseName))).toEqual(await times(previous));
  });

  it("refuses, in the customer's words, to carry more webhooks than it reads into memory, and leaves the previous copy as it was", async () => {
    const first = input();
    await provisionSandbox(first);
    const previous = sandboxUrl(first.databaseName);
    // The sandbox's users write to it: ten thousand and one webhooks, made on the server.
    await withClient(previous, (c) =>
      c.query(`INSERT INTO webhook (name, kind, target_url, events, secret, active, created_by, created_at)
               SELECT 'Hook ' || i, 'http-post', 'https://hooks.example/' || i, 'contact.created', NULL, true, NULL, now() FROM generate_series(1, 10001) i`),
    );
    const previousSums = await checksums(previous);
    const second = input({ carryOverFromUrl: previous });
    await expect(provisionSandbox(second)).rejects.toMatchObject({
      code: "COPY_FAILED",
      technical: false,
      message: "There are more than 10,000 of the sandbox's webhooks: more than the portal reads. Contact support.",
    });
    expect(await databaseNames()).not.toContain(second.databaseName);
    expect(await checksums(previous)).toEqual(previousSums);
  });
});

describe("refresh after production's app_authorization or webhook gained a column", () => {
  it("carries the columns both copies have; a new column nobody gave a value is left empty, and a row it requires a value of is left behind, said in plain words", async () => {
    const evolving = await cloneDatabase(prod);
    made.push(decodeURIComponent(new URL(evolving).pathname.slice(1)));
    const first = input({ productionUrl: evolving });
    await provisionSandbox(first);
    const previous = sandboxUrl(first.databaseName);
    await withClient(previous, async (c) => {
      await c.query(`INSERT INTO app_authorization (app_name, client_id, scopes, authorized_at) VALUES ('Before tiers', 'c1', 's', now())`);
      await c.query(`INSERT INTO webhook (name, kind, target_url, events, active, created_at) VALUES ('Before teams', 'http-post', 'https://hooks.example/a', 'contact.created', true, now())`);
    });
    // A newer CRM: every webhook belongs to a team now (required), an authorization may have a tier.
    await withClient(evolving, async (c) => {
      await c.query("ALTER TABLE webhook ADD COLUMN team text NOT NULL DEFAULT 'core'");
      await c.query("ALTER TABLE app_authorization ADD COLUMN tier integer");
      // Required too, but numbered by the copy itself: a row carried without one takes the next number.
      await c.query("ALTER TABLE app_authorization ADD COLUMN grant_no integer NOT NULL GENERATED BY DEFAULT AS IDENTITY");
    });
    const classification = parseClassification({
      columns: { "webhook.team": "keep", "app_authorization.tier": "keep", "app_authorization.grant_no": "keep" },
      objects: [{ kind: "default", table: "webhook", name: "team", treatment: "leave-out" }],
    });

    const second = input({ productionUrl: evolving, classification, carryOverFromUrl: previous });
    const report = await provisionSandbox(second);
    const url = sandboxUrl(second.databaseName);
    expect(await rows(url, "SELECT app_name, tier, grant_no > 0 AS numbered FROM app_authorization")).toEqual([{ app_name: "Before tiers", tier: null, numbered: true }]);
    expect(await rows(url, "SELECT name FROM webhook")).toEqual([]);
    const rule8 = report.rules.find((r) => r.rule === 8)!;
    expect(rule8.changes).toMatchObject({ "app_authorization.carried": 1, "webhook.carried": 0, "webhook.not-carried": 1 });
    expect(changeLabel(8, "webhook.not-carried")).toMatch(/^Webhooks made in the sandbox, not kept: production now requires a value they do not have/);

    // Made in the sandbox once it has the column: carried with it, refresh after refresh.
    await withClient(url, async (c) => {
      await c.query(`INSERT INTO webhook (name, kind, target_url, events, active, created_at, team) VALUES ('With team', 'http-post', 'https://hooks.example/b', 'contact.created', true, now(), 'sales')`);
      await c.query(`UPDATE app_authorization SET tier = 3`);
    });
    const third = input({ productionUrl: evolving, classification, carryOverFromUrl: url });
    const thirdReport = await provisionSandbox(third);
    const thirdUrl = sandboxUrl(third.databaseName);
    expect(await rows(thirdUrl, "SELECT name, team FROM webhook")).toEqual([{ name: "With team", team: "sales" }]);
    expect(await rows(thirdUrl, "SELECT app_name, tier FROM app_authorization")).toEqual([{ app_name: "Before tiers", tier: 3 }]);
    expect(thirdReport.rules.find((r) => r.rule === 8)?.changes).toMatchObject({ "app_authorization.carried": 1, "webhook.carried": 1 });
  });
});

describe("a refresh that turns pseudonymisation on", () => {
  it("scrubs what it carries of production's people and companies, and its check reads what was carried", async () => {
    const first = input();
    await provisionSandbox(first);
    const previous = sandboxUrl(first.databaseName);
    // People given a copy with production's people in it name what they make after them.
    const [person] = await rows<{ first: string; last: string; email: string }>(
      prod,
      "SELECT first_name AS first, last_name AS last, email FROM contact WHERE email IS NOT NULL AND length(last_name) >= 5 AND last_name ~ '^[A-Za-z]+$' ORDER BY id LIMIT 1",
    );
    const [company] = await rows<{ name: string }>(prod, "SELECT name FROM company WHERE name ~ '^[A-Za-z ]+$' AND length(name) >= 8 ORDER BY id LIMIT 1");
    const fullName = `${person!.first} ${person!.last}`;
    await withClient(previous, async (c) => {
      await c.query(`INSERT INTO app_authorization (app_name, client_id, scopes, authorized_at) VALUES ($1, 'c1', 'contact:read', now())`, [`${company!.name} sync`]);
      await c.query(`INSERT INTO webhook (name, kind, target_url, events, secret, active, created_at) VALUES ($1, 'http-post', $2, 'contact.created', 's3', true, now())`, [
        `Tell ${fullName} of new contacts`,
        `https://hooks.example/notify/${person!.last.toLowerCase()}`,
      ]);
    });
    const second = input({ carryOverFromUrl: previous, options: { personalData: "pseudonymise" }, pseudonymSecret: "refresh-secret" });
    await provisionSandbox(second);
    const url = sandboxUrl(second.databaseName);
    const [hook] = await rows<{ name: string; target_url: string; secret: string }>(url, "SELECT name, target_url, secret FROM webhook");
    const [app] = await rows<{ app_name: string; client_id: string }>(url, "SELECT app_name, client_id FROM app_authorization");
    const carried = JSON.stringify([hook!.name, app]).toLowerCase();
    for (const production of [person!.last, person!.email, company!.name]) expect(carried, production).not.toContain(production.toLowerCase());
    // A hook's target is the customer's receiver, kept as it was: rewritten, its deliveries would go to another address.
    expect(hook).toMatchObject({ name: expect.stringMatching(/^Tell .+ of new contacts$/), target_url: `https://hooks.example/notify/${person!.last.toLowerCase()}`, secret: "s3" });
    expect(app).toMatchObject({ app_name: expect.stringMatching(/ sync$/), client_id: "c1" });
    // Rule 18's check reads the carried rows' words (it reads the personal columns).
    for (const [table, columns] of [["webhook", ["name"]], ["app_authorization", ["app_name"]]] as const) {
      expect(personalColumns(EMPTY_CLASSIFICATION, table, columns).map((c) => c.kind), table).toEqual(columns.map(() => "free-text"));
    }
  });
});

describe("failure safety", () => {
  it("a failure mid-copy drops the half-made database and reports the step failed", async () => {
    const progress: RunProgress[] = [];
    const run = input({
      onProgress: (p) => void progress.push(p),
      beforeStep: async (key) => {
        if (key === "table:contact") throw new Error("disk full (simulated)");
      },
    });
    await expect(provisionSandbox(run)).rejects.toMatchObject({ code: "COPY_FAILED", message: expect.stringContaining("disk full") });
    expect(await databaseNames()).not.toContain(run.databaseName);
    expect(progress.at(-1)?.steps.some((s) => s.state === "failed")).toBe(true);
  });

  it("a failure leaves the database alone when it is no longer this copy's (its run went to another worker), or when that cannot be told", async () => {
    for (const stillOwnsDatabase of [async () => false, async () => Promise.reject(new Error("portal database unreachable"))]) {
      const run = input({
        stillOwnsDatabase,
        beforeStep: async (key) => {
          if (key === "table:contact") throw new Error("disk full (simulated)");
        },
      });
      await expect(provisionSandbox(run)).rejects.toMatchObject({ code: "COPY_FAILED" });
      // The other attempt's database of that name, or the sweeps', not this copy's to drop.
      expect(await databaseNames()).toContain(run.databaseName);
      await dropTestDatabase(sandboxUrl(run.databaseName));
    }
  });

  it("cancelling drops the database, at any step, and its page reads the steps under way as stopped, not failed", async () => {
    const stopped: string[] = [];
    for (const at of ["schema", "table:ticket", "indexes", "rule:5", "verify"]) {
      const controller = new AbortController();
      let last: ProgressStep[] = [];
      const run = input({
        signal: controller.signal,
        onProgress: (progress) => {
          last = structuredClone(progress.steps);
        },
        beforeStep: async (key) => {
          if (key === at) controller.abort();
        },
      });
      const outcome = await provisionSandbox(run).then(() => undefined, (error: unknown) => error);
      expect(outcome, at).toMatchObject({ code: "ABORTED", message: "The run was cancelled; nothing was kept." });
      // Should the database stay, its drop's own failure says why (the sessions that held it).
      expect(await databaseNames(), `${at}: ${technicalDetail(outcome)}`).not.toContain(run.databaseName);
      expect(last.filter((s) => s.state === "failed"), at).toEqual([]);
      stopped.push(...last.filter((s) => s.state === "stopped").map((s) => s.key));
    }
    // Stopped before a step begins ("schema"), nothing was under way; past it, what was is stopped.
    expect(stopped.length).toBeGreaterThan(0);
  });

  it("cancelling while its CREATE DATABASE runs leaves nothing: the statement ends, then what it made is dropped", async () => {
    // A copy's early steps (counting the rows its rules leave out) run while its database is made: a stop can land mid-statement.
    const controller = new AbortController();
    const run = input({ signal: controller.signal });
    const query = pg.Client.prototype.query;
    const spy = vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const answer = (query as (...a: unknown[]) => unknown).apply(this, args);
      if (typeof args[0] === "string" && args[0].startsWith(`CREATE DATABASE "${run.databaseName}"`)) controller.abort();
      return answer as never;
    });
    try {
      await expect(provisionSandbox(run)).rejects.toMatchObject({ code: "ABORTED" });
    } finally {
      spy.mockRestore();
    }
    // Given a moment: a CREATE DATABASE its session was cut from would still be committing on the server.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await databaseNames()).not.toContain(run.databaseName);
  });

  it("cancelling from the progress listener stops the run and leaves nothing", async () => {
    const controller = new AbortController();
    const run = input({ signal: controller.signal, onProgress: () => controller.abort() });
    await expect(provisionSandbox(run)).rejects.toMatchObject({ code: "ABORTED" });
    expect(await databaseNames()).not.toContain(run.databaseName);
  });
});
