/**
 * Rule 17, kinds: a configuration-only copy holds the configuration tables exactly
 * as a full copy does (every rule applied) and no customer record, its sequences
 * continue after production's maximum, its report counts what it left out in plain
 * words, and verification catches a customer record in it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropTestDatabase, testSandboxServerUrl } from "../testing/pg";
import { CONFIGURATION_TABLES } from "../crm/contract";
import { EMPTY_CLASSIFICATION } from "./classification";
import { provisionSandbox } from "./provision";
import type { SanitizationReport } from "./report";
import { changeLabel } from "./rule-reports";
import { assertVerified, verifySandbox } from "./verify";
import { checksums, cloneDatabase, generateProduction, newSandboxName, sandboxUrl, scalar, withClient } from "../testing/sanitizer-fixtures";
import type { SandboxOptionsInput } from "./options";

let prod: string;
const made: string[] = [];

async function provision(kind: "full" | "config", bounds: { rateLimitMBps?: number; deadlineMs?: number } = {}): Promise<{ url: string; report: SanitizationReport }> {
  const name = newSandboxName();
  made.push(name);
  const options: SandboxOptionsInput = { kind, users: [{ associateId: 1, userPlan: "complete" }], keepEnabledTaskIds: [1], documents: { mode: "all" }, serviceAttachments: true };
  const report = await provisionSandbox({
    ...bounds,
    productionUrl: prod,
    sandboxServerUrl: testSandboxServerUrl(),
    databaseName: name,
    sandboxCustomerId: "Cust90017",
    serviceMailboxAddress: "support@sandbox.example",
    options,
    classification: EMPTY_CLASSIFICATION,
  });
  return { url: sandboxUrl(name), report };
}

/** Configuration rows that carry the moment of their copy (rule 1's installation, rule 4's mailbox, rule 11's preferences): compared by count. */
const STAMPED_AT_COPY = new Set(["installation", "service_mailbox", "preference"]);

let full: { url: string; report: SanitizationReport };
let config: { url: string; report: SanitizationReport };

beforeAll(async () => {
  prod = await generateProduction(17);
  full = await provision("full");
  config = await provision("config");
});

afterAll(async () => {
  for (const name of made) await dropTestDatabase(sandboxUrl(name));
  await dropTestDatabase(prod);
});

describe("a configuration-only sandbox", () => {
  it("holds every configuration table as a full copy holds it, and no customer record", async () => {
    const [fullSums, configSums] = await Promise.all([checksums(full.url), checksums(config.url)]);
    for (const table of Object.keys(fullSums)) {
      if (STAMPED_AT_COPY.has(table)) {
        expect(await scalar(config.url, `SELECT count(*) FROM ${table}`), table).toBe(await scalar(full.url, `SELECT count(*) FROM ${table}`));
      } else if (CONFIGURATION_TABLES.has(table)) {
        expect(configSums[table], table).toBe(fullSums[table]);
      } else {
        expect(await scalar(config.url, `SELECT count(*) FROM ${table}`), table).toBe("0");
      }
    }
    for (const table of ["company", "contact", "sale", "project", "appointment", "document", "ticket", "ticket_message"]) {
      expect(Number(await scalar(full.url, `SELECT count(*) FROM ${table}`)), table).toBeGreaterThan(0);
    }
  });

  it("continues every sequence after production's maximum, so ids made in the sandbox never collide", async () => {
    for (const table of ["company", "contact", "ticket", "sale"]) {
      const prodMax = Number(await scalar(prod, `SELECT max(id) FROM ${table}`));
      const next = Number(await scalar(config.url, `SELECT nextval(pg_get_serial_sequence('${table}', 'id'))`));
      expect(next, table).toBeGreaterThan(prodMax);
    }
  });

  it("says in plain words what it left out, counted on production", async () => {
    const kinds = config.report.rules.find((r) => r.rule === 17)!;
    expect(kinds.title).toBe("Kinds");
    expect(kinds.changes["company left out"]).toBe(Number(await scalar(prod, "SELECT count(*) FROM company")));
    expect(changeLabel(17, "company left out")).toBe("Companies left out (configuration only)");
    expect(changeLabel(17, "ticket_attachment left out")).toBe("Service attachments left out (configuration only)");
    // Left out once, by its kind: not also counted as rule 9's "Documents left out".
    expect(config.report.rules.find((r) => r.rule === 9)?.changes["document.removed"] ?? 0).toBe(0);
    // A full copy leaves nothing out.
    expect(full.report.rules.find((r) => r.rule === 17)?.changes).toEqual({});
  });

  it("passes verification, and fails it with a customer record in it", async () => {
    expect((await verifySandbox(config.url, config.report.expectations)).ok).toBe(true);
    const clone = await cloneDatabase(config.url);
    try {
      await withClient(clone, (c) => c.query("INSERT INTO company (name, owner_id, created_at, updated_at) VALUES ('Leaked AS', 1, now(), now())"));
      const result = await verifySandbox(clone, config.report.expectations);
      const offending = result.rules.find((r) => r.rule === 17)?.checks.flatMap((c) => c.offending ?? []);
      expect(offending).toEqual(["company has rows"]);
      expect(() => assertVerified(result)).toThrow(expect.objectContaining({ code: "VERIFY_FAILED" }));
    } finally {
      await dropTestDatabase(clone);
    }
    // The same row in a full copy is no finding of rule 17.
    const fullResult = await verifySandbox(full.url, full.report.expectations);
    expect(fullResult.rules.find((r) => r.rule === 17)?.checks.every((c) => c.ok)).toBe(true);
  });
});

describe("a copy its customer's rate cannot read within the run's deadline", () => {
  it("is refused before anything is made, judged by what it would read: the configuration of the same production is copied", async () => {
    // 20 KB/s for a minute: about 1 MB, far less than the full copy, far more than the configuration.
    const slow = { rateLimitMBps: 0.02, deadlineMs: 60_000 };
    const refused = await provision("full", slow).then(() => null, (e: unknown) => e);
    expect(refused).toMatchObject({ code: "COPY_FAILED", message: expect.stringMatching(/^At the copy rate set for this customer \(0\.02 MB\/s\), reading the .* this copy takes from production would take about .*, longer than a run may take \(1 min 0 s\)/) });
    const copied = await provision("config", slow);
    expect(copied.report.tables.length).toBeGreaterThan(0);
  }, 120_000);
});
