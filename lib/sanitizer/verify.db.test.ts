/**
 * Each verification failure path: a finished copy is cloned, one rule is broken on
 * purpose, and verifySandbox must catch it, naming the rule and the offending row.
 * Also end to end: a rule broken during a run fails the run and drops the copy.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropTestDatabase, testSandboxServerUrl } from "../testing/pg";
import { EMPTY_CLASSIFICATION } from "./classification";
import { provisionSandbox } from "./provision";
import type { SanitizationReport } from "./report";
import { cloneDatabase, databaseNames, generateProduction, newSandboxName, sandboxUrl, withClient } from "../testing/sanitizer-fixtures";
import { assertVerified, VERIFIER_APPLICATION_NAME, verifySandbox } from "./verify";
import type { SanitizationError } from "./errors";
import { describeFailure, technicalDetail } from "../jobs/failure";

let prod: string;
let copyUrl: string;
let report: SanitizationReport;

beforeAll(async () => {
  prod = await generateProduction(21);
  const name = newSandboxName();
  report = await provisionSandbox({
    productionUrl: prod,
    sandboxServerUrl: testSandboxServerUrl(),
    databaseName: name,
    sandboxCustomerId: "Cust90002",
    serviceMailboxAddress: "support@sandbox.example",
    options: { keepEnabledTaskIds: [1], users: [{ associateId: 1, userPlan: "complete" }] },
    classification: EMPTY_CLASSIFICATION,
  });
  copyUrl = sandboxUrl(name);
});

afterAll(async () => {
  await dropTestDatabase(copyUrl);
  await dropTestDatabase(prod);
});

const BREAKS: [rule: number, sql: string, offending: RegExp][] = [
  [0, "ALTER TABLE company ADD COLUMN secret_notes text", /unclassified column company\.secret_notes/],
  [0, "CREATE FUNCTION public.f() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'; CREATE TRIGGER t BEFORE INSERT ON company FOR EACH ROW EXECUTE FUNCTION public.f()", /trigger t/],
  [0, "CREATE VIEW company_names AS SELECT name FROM company", /view company_names/],
  [6, "UPDATE web_panel SET url = ' https:\\\\online3.superoffice.com\\Cust1\\CS\\Scripts\\rms.fcgi' WHERE id = 2", /web_panel 2/],
  [1, "UPDATE installation SET environment = 'production'", /installation 1/],
  [1, "UPDATE installation SET copied_at = copied_at - interval '1 hour'", /installation 1/],
  [2, "UPDATE contact SET email = 'real.person@gmail.com' WHERE id = 3", /contact 3: email is not at the invalidation domain/],
  [2, "UPDATE associate SET email = 'a@b.com@mailinator.com' WHERE id = 2", /associate 2/],
  [3, "UPDATE inbox_account SET incoming_password = 'hunter2' WHERE id = 1", /inbox_account 1/],
  [3, "INSERT INTO inbox_message (account_id, folder, from_address, to_addresses, subject, body, received_at) VALUES (1, 'INBOX', 'a', 'b', 's', 'b', now())", /inbox_message/],
  [4, "INSERT INTO service_mailbox (address, is_active, created_at) VALUES ('old@prod.example', true, now())", /service_mailbox/],
  [4, "UPDATE service_mailbox SET password = 'secret'", /service_mailbox/],
  [5, "UPDATE ticket SET status = 'open' WHERE id = (SELECT min(id) FROM ticket)", /status=open/],
  [6, "UPDATE web_panel SET url = 'HTTPS://online3.superoffice.com/Cust1/cs/scripts/ticket.fcgi?x=1' WHERE id = 1", /web_panel 1/],
  [7, "UPDATE scheduled_task SET enabled = NOT enabled WHERE id = 2", /scheduled_task 2/],
  [8, "INSERT INTO webhook (name, kind, events, active, created_at) VALUES ('prod hook', 'crmscript', 'contact.created', true, now())", /webhook/],
  [9, "INSERT INTO document (owner_id, file_name, mime_type, content, size_bytes, created_at) VALUES (1, 'a.txt', 'text/plain', '\\x00', 1, now())", /document/],
  [10, "UPDATE associate SET can_login = true WHERE id = 2", /associate 2: can_login=true/],
  [10, "UPDATE associate SET user_plan = 'marketing' WHERE id = 1", /associate 1/],
  [11, "UPDATE preference SET value = 'Yes' WHERE name = 'Statistics OptIn - Configured' AND associate_id IS NULL", /Statistics OptIn/],
  [11, "DELETE FROM preference WHERE name = 'UserSync OptIn - Configured' AND associate_id IS NULL", /UserSync OptIn - Configured: missing/],
  [12, "UPDATE erp_connection SET api_key = 'k' WHERE id = 1", /erp_connection 1/],
  [13, "DELETE FROM appointment WHERE id = 5", /appointment: \d+ rows, expected/],
  [13, "SELECT setval(pg_get_serial_sequence('sale', 'id'), 1)", /sale\.id: sequence at 1/],
  [15, "UPDATE installation SET source_customer_id = customer_id", /installation 1/],
];

describe("verifySandbox", () => {
  it("passes the untouched copy", async () => {
    const result = await verifySandbox(copyUrl, report.expectations);
    expect(result.ok).toBe(true);
    expect(() => assertVerified(result)).not.toThrow();
  });

  it.each(BREAKS)("catches rule %i broken by: %s", async (rule, sql, offending) => {
    const clone = await cloneDatabase(copyUrl);
    try {
      await withClient(clone, (c) => c.query(sql));
      const result = await verifySandbox(clone, report.expectations);
      expect(result.ok).toBe(false);
      const failed = result.rules.filter((r) => r.checks.some((c) => !c.ok)).map((r) => r.rule);
      expect(failed).toContain(rule);
      expect(failed).toContain(14);
      const offend = result.rules.find((r) => r.rule === rule)?.checks.flatMap((c) => c.offending ?? []) ?? [];
      expect(offend.join("\n")).toMatch(offending);
      expect(() => assertVerified(result)).toThrow(expect.objectContaining({ code: "VERIFY_FAILED", message: expect.stringContaining(`rule ${rule} (`) }));
    } finally {
      await dropTestDatabase(clone);
    }
  });

  it("catches an address left in a column classified e-mail, as rule 2", async () => {
    const clone = await cloneDatabase(copyUrl);
    try {
      await withClient(clone, (c) => c.query("ALTER TABLE contact ADD COLUMN private_email text; UPDATE contact SET private_email = 'me@home.example' WHERE id IN (4, 5)"));
      const classification = { ...EMPTY_CLASSIFICATION, columns: { "contact.private_email": "email" as const } };
      const result = await verifySandbox(clone, { ...report.expectations, classification });
      const offend = result.rules.find((r) => r.rule === 2)?.checks.flatMap((c) => c.offending ?? []) ?? [];
      expect(offend).toEqual(["contact.private_email: an address not at the invalidation domain"]);
    } finally {
      await dropTestDatabase(clone);
    }
  });

  it("names an address left as production's by its row and column, never by the address, however long", async () => {
    const clone = await cloneDatabase(copyUrl);
    try {
      await withClient(clone, (c) => c.query("UPDATE contact SET email = repeat('x', 4000000) || '@gmail.com' WHERE id = 3"));
      const result = await verifySandbox(clone, report.expectations);
      const offend = result.rules.find((r) => r.rule === 2)?.checks.flatMap((c) => c.offending ?? []) ?? [];
      expect(offend).toEqual(["contact 3: email is not at the invalidation domain"]);
    } finally {
      await dropTestDatabase(clone);
    }
  });

  it("names an offending web panel by its address without the query, which may hold a key, and cut to 300 characters (a check that reads its rows itself)", async () => {
    const clone = await cloneDatabase(copyUrl);
    try {
      await withClient(clone, (c) =>
        c.query("UPDATE web_panel SET url = 'https://online3.superoffice.com/Cust1/cs/scripts/' || repeat('y', 60000) || '/../ticket.fcgi?apikey=Key-Of-Theirs-42' WHERE id = 1"),
      );
      const result = await verifySandbox(clone, report.expectations);
      const offend = result.rules.find((r) => r.rule === 6)?.checks.flatMap((c) => c.offending ?? []) ?? [];
      expect(offend).toHaveLength(1);
      expect(offend[0]).toMatch(/^web_panel 1: https:\/\/online3\.superoffice\.com\/Cust1\/cs\/scripts\/y+…$/);
      expect(offend[0]).toHaveLength(300);
      await withClient(clone, (c) => c.query("UPDATE web_panel SET url = 'https://online3.superoffice.com/Cust1/cs/scripts/ticket.fcgi?apikey=Key-Of-Theirs-42#x' WHERE id = 1"));
      const again = await verifySandbox(clone, report.expectations);
      expect(again.rules.find((r) => r.rule === 6)?.checks.flatMap((c) => c.offending ?? [])).toEqual(["web_panel 1: https://online3.superoffice.com/Cust1/cs/scripts/ticket.fcgi?…"]);
    } finally {
      await dropTestDatabase(clone);
    }
  });

  /** A default copy under the name `name`, with `beforeVerify` run as its verification is about to start. */
  const provisionUpToVerify = (name: string, beforeVerify: () => Promise<void>) =>
    provisionSandbox({
      productionUrl: prod,
      sandboxServerUrl: testSandboxServerUrl(),
      databaseName: name,
      sandboxCustomerId: "Cust90003",
      serviceMailboxAddress: "support@sandbox.example",
      options: {},
      classification: EMPTY_CLASSIFICATION,
      beforeStep: async (key) => {
        if (key === "verify") await beforeVerify();
      },
    });

  it("fails the run plainly and drops the copy when the verification's own session is cut before it checks", async () => {
    const name = newSandboxName();
    const run = provisionUpToVerify(name, async () => {
      // Opened while the copy finished, and idle since: the one session a fault can take unnoticed.
      const cut = await withClient(testSandboxServerUrl(), (c) =>
        c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2", [name, VERIFIER_APPLICATION_NAME]),
      );
      expect(cut.rowCount).toBe(1);
    });
    await expect(run).rejects.toMatchObject({ code: "CONNECTION_LOST", message: expect.not.stringMatching(/terminat|FATAL|127\.0\.0\.1/) });
    expect(await databaseNames()).not.toContain(name);
  });

  it("fails a run whose copy kept a production address without that address in its reason, its progress or its details", async () => {
    const name = newSandboxName();
    const updates: unknown[] = [];
    const address = "kari.hansen@firma.no";
    const run = provisionSandbox({
      productionUrl: prod,
      sandboxServerUrl: testSandboxServerUrl(),
      databaseName: name,
      sandboxCustomerId: "Cust90004",
      serviceMailboxAddress: "support@sandbox.example",
      options: { personalData: "pseudonymise" },
      pseudonymSecret: "verify-test-secret",
      classification: EMPTY_CLASSIFICATION,
      onProgress: (progress) => {
        updates.push(structuredClone(progress));
      },
      beforeStep: async (key) => {
        if (key === "verify") await withClient(sandboxUrl(name), (c) => c.query("UPDATE contact SET email = $1 WHERE id = 3", [address]));
      },
    });
    const error = await run.then(
      () => expect.fail("the copy was verified"),
      (e: unknown) => e as SanitizationError,
    );
    expect(error).toMatchObject({ code: "VERIFY_FAILED", message: expect.stringContaining("contact 3: email is not at the invalidation domain") });
    // The run's reason (its page, mails, webhooks, the operators' alert), its progress and the error's details.
    const reason = describeFailure(error);
    expect(reason).toContain("contact 3: email");
    for (const said of [error.message, reason, technicalDetail(error), JSON.stringify(error.details), JSON.stringify(updates)]) {
      expect(said).not.toMatch(/kari|hansen|firma\.no/i);
    }
    expect(await databaseNames()).not.toContain(name);
  });

  it("fails the run and drops the copy when a rule is broken before verification", async () => {
    const name = newSandboxName();
    const run = provisionUpToVerify(name, () => withClient(sandboxUrl(name), (c) => c.query("UPDATE ticket SET status = 'pending' WHERE id = 7")).then(() => undefined));
    await expect(run).rejects.toMatchObject({ code: "VERIFY_FAILED", message: expect.stringMatching(/rule 5 \(Tickets\).*ticket 7: status=pending/s) });
    expect(await databaseNames()).not.toContain(name);
  });
});
