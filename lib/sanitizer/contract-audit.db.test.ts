/**
 * An audit of the contract (shared/crm/CONTRACT.md), written apart from the portal's
 * verifier: sandboxes of every kind and wizard choice made from a production with
 * awkward rows, each compared with production row by row by checks of its own
 * (lib/testing/contract-audit-checks.ts). Rule 18 is contract-audit-personal.db.test.ts's.
 */
import { describe, expect, it } from "vitest";
import { cloneDatabase, newSandboxName, rows, sandboxUrl, scalar, withClient } from "../testing/sanitizer-fixtures";
import { AUDIT_CLASSIFICATION, auditInput, useAuditProduction } from "../testing/contract-audit-production";
import { auditSandbox, expectDependants, FULL, schemaOf, type AuditExpect } from "../testing/contract-audit-checks";
import { parseClassification } from "./classification";
import { provisionSandbox, type ProvisionInput } from "./provision";

const audit = useAuditProduction(23);
const { provision, made } = audit;
const classification = AUDIT_CLASSIFICATION;

describe("contract audit", () => {
  it("a full copy with defaults", async () => {
    const { url, report } = await provision({});
    await auditSandbox(audit.prod, url, report, FULL, audit.panelCases);
  });

  it("a full copy with every option set", async () => {
    const task = Number(await scalar(audit.prod, "SELECT min(id) FROM scheduled_task"));
    const users = [{ associateId: 1, userPlan: "complete" as const }, { associateId: 2, userPlan: "sales-premium" as const }];
    const { url, report } = await provision({
      invalidationDomain: "Sink.Example.ORG",
      users,
      keepEnabledTaskIds: [task],
      documents: { mode: "since", since: "2026-03-01" },
      serviceAttachments: true,
      stateAfterCopy: "maintenance",
    });
    await auditSandbox(audit.prod, url, report, { ...FULL, domain: "sink.example.org", users, keptTasks: [task], documents: "2026-03-01", attachments: true, state: "maintenance" }, audit.panelCases);
    expect(await scalar(url, "SELECT string_agg(file_name, ',' ORDER BY file_name) FROM document WHERE file_name IN ('at.txt', 'before.txt', 'zeros.bin', 'ancient.bin')")).toBe("at.txt,zeros.bin");
  });

  it("partial copies: audit.named companies, since a date, a percentage", async () => {
        const opts = { documents: { mode: "all" as const }, serviceAttachments: true };
    const e: AuditExpect = { ...FULL, kind: "partial", documents: "all", attachments: true };
    const a = await provision({ kind: "partial", share: { by: "companies", ids: audit.named }, ...opts });
    await auditSandbox(audit.prod, a.url, a.report, e, audit.panelCases);
    await expectDependants(audit.prod, a.url, audit.named, e);

    const since = String(await scalar(audit.prod, "SELECT to_char(percentile_disc(0.8) WITHIN GROUP (ORDER BY updated_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM company"));
    const b = await provision({ kind: "partial", share: { by: "since", since }, ...opts });
    await auditSandbox(audit.prod, b.url, b.report, e, audit.panelCases);
    const changed = (await rows<{ id: number }>(audit.prod, "SELECT id FROM company WHERE updated_at >= $1::date", [since])).map((r) => r.id);
    await expectDependants(audit.prod, b.url, changed, e);

    const c = await provision({ kind: "partial", share: { by: "percent", percent: 30 } });
    await auditSandbox(audit.prod, c.url, c.report, { ...e, documents: "none", attachments: false }, audit.panelCases);
  });

  it("a configuration-only copy", async () => {
    const { url, report } = await provision({ kind: "config", documents: { mode: "all" }, serviceAttachments: true });
    await auditSandbox(audit.prod, url, report, { ...FULL, kind: "config", documents: "all", attachments: true }, audit.panelCases);
  });
});

describe("contract audit: refreshes (rule 8)", () => {
  it("rule 8: a refresh carries what the sandbox made, also naming a user made in the sandbox", async () => {
    const first = await provision({});
    await withClient(first.url, async (c) => {
      const { rows: made } = await c.query<{ id: number }>(
        "INSERT INTO associate (username, full_name, email, user_plan, can_login, is_retired, created_at) VALUES ('sbx.only', 'Sandbox Only', NULL, NULL, true, false, now()) RETURNING id",
      );
      await c.query(
        "INSERT INTO app_authorization (app_name, client_id, scopes, authorized_by, authorized_at) VALUES ('Made here', 'cid-9', 'contact:read', $1, now()), ('Made too', 'cid-8', 'sale:read', 1, now())",
        [made[0]?.id],
      );
      await c.query("INSERT INTO webhook (name, kind, target_url, events, active, created_by, created_at) VALUES ('hook here', 'http-post', 'https://h.example', 'sale.changed', true, $1, now())", [made[0]?.id]);
    });
    const second = await provision({}, { carryOverFromUrl: first.url });
    await auditSandbox(audit.prod, second.url, second.report, { ...FULL, carried: { app: 2, webhook: 1 } }, audit.panelCases);
    expect((await rows<{ app_name: string }>(second.url, "SELECT app_name FROM app_authorization ORDER BY app_name")).map((r) => r.app_name)).toEqual(["Made here", "Made too"]);
  });

  it("keeps the sandbox's rows and none of production's, when production's new rows took the carried rows' ids", async () => {
    const copy = await cloneDatabase(audit.prod);
    made.push(new URL(copy).pathname.slice(1));
    const input = (databaseName: string, extra: Partial<ProvisionInput> = {}) => auditInput(copy, databaseName, extra);
    const first = newSandboxName();
    made.push(first);
    await provisionSandbox(input(first));
    await withClient(sandboxUrl(first), async (c) => {
      await c.query("INSERT INTO app_authorization (app_name, client_id, scopes, authorized_at) VALUES ('Sandbox app', 'sbx', 'contact:read', now())");
      await c.query("INSERT INTO webhook (name, kind, target_url, events, active, created_at) VALUES ('Sandbox hook', 'http-post', 'https://sbx.example', 'sale.changed', true, now())");
    });
    // Production goes on: its next rows get the ids the sandbox's rows have.
    await withClient(copy, async (c) => {
      await c.query("INSERT INTO app_authorization (app_name, client_id, access_token, scopes, authorized_at) VALUES ('Prod app', 'prod', 'live-token', 'all', now()), ('Prod app 2', 'prod2', 'live', 'all', now())");
      await c.query("INSERT INTO webhook (name, kind, target_url, events, secret, active, created_at) VALUES ('Prod hook', 'http-post', 'https://prod.example', 'sale.changed', 's', true, now()), ('Prod hook 2', 'http-post', 'https://prod2.example', 'x', 's', true, now())");
    });
    const second = newSandboxName();
    made.push(second);
    await provisionSandbox(input(second, { carryOverFromUrl: sandboxUrl(first) }));
    expect(await rows(sandboxUrl(second), "SELECT app_name, client_id FROM app_authorization ORDER BY id")).toEqual([{ app_name: "Sandbox app", client_id: "sbx" }]);
    expect(await rows(sandboxUrl(second), "SELECT name, target_url FROM webhook ORDER BY id")).toEqual([{ name: "Sandbox hook", target_url: "https://sbx.example" }]);
  });
});

describe("contract audit: production's form of the contract's objects", () => {
  it("identity kinds, CHECKs in production's order, odd names and a unique index come across as production has them", async () => {
    const copy = await cloneDatabase(audit.prod);
    made.push(new URL(copy).pathname.slice(1));
    await withClient(copy, (c) =>
      c.query(`
        ALTER TABLE app_authorization ALTER id DROP DEFAULT; DROP SEQUENCE app_authorization_id_seq;
        ALTER TABLE app_authorization ALTER id ADD GENERATED ALWAYS AS IDENTITY (START 5000);
        ALTER TABLE service_mailbox ALTER id DROP DEFAULT; DROP SEQUENCE service_mailbox_id_seq;
        ALTER TABLE service_mailbox ALTER id ADD GENERATED ALWAYS AS IDENTITY (START 700);
        ALTER TABLE webhook ALTER id DROP DEFAULT; DROP SEQUENCE webhook_id_seq;
        ALTER TABLE webhook ALTER id ADD GENERATED BY DEFAULT AS IDENTITY (START 300);
        ALTER TABLE ticket ADD CONSTRAINT "Ticket Status" CHECK (status IN ('deleted', 'closed', 'postponed', 'pending', 'open'));
        ALTER TABLE ticket ADD CONSTRAINT ticket_priority_check CHECK (priority = ANY (ARRAY['low', 'normal', 'high', 'critical']));
        ALTER TABLE sale ADD CONSTRAINT sale_probability_check CHECK (probability >= 0 AND probability <= 100);
        ALTER TABLE installation ADD CONSTRAINT one_row CHECK (id = 1);
        ALTER TABLE installation ADD CONSTRAINT installation_customer_id_key UNIQUE (customer_id);
        ALTER TABLE installation ADD CONSTRAINT installation_environment_check CHECK (environment IN ('production', 'sandbox'));
        ALTER TABLE associate ADD CONSTRAINT plan_check CHECK (user_plan IN ('sales-essentials', 'sales-premium', 'service-essentials', 'service-premium', 'marketing', 'complete'));
        ALTER TABLE contact RENAME CONSTRAINT contact_company_id_fkey TO "Contact → Company";
        CREATE INDEX "Sale By Stage" ON sale (stage, company_id);
        INSERT INTO preference (section, name, value, associate_id) VALUES ('System', 'Statistics OptIn - Configured', 'Yes', NULL);
      `),
    );
    const name = newSandboxName();
    made.push(name);
    const input = (databaseName: string, extra: Partial<ProvisionInput> = {}) => auditInput(copy, databaseName, extra);
    await provisionSandbox(input(name));
    const url = sandboxUrl(name);
    const contract = (await rows<{ t: string }>(copy, "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('region', 'company_note')")).map((r) => r.t);
    expect(await schemaOf(url, contract)).toEqual(await schemaOf(copy, contract));
    expect(await scalar(url, "SELECT string_agg(value, ',') FROM preference WHERE section = 'System' AND name = 'Statistics OptIn - Configured' AND associate_id IS NULL")).toBe("No,No");
    // A refresh carries rows into identity ALWAYS tables.
    await withClient(url, (c) => c.query("INSERT INTO app_authorization (app_name, client_id, scopes, authorized_at) VALUES ('Here', 'c', 's', now())"));
    const second = newSandboxName();
    made.push(second);
    await provisionSandbox(input(second, { carryOverFromUrl: url }));
    expect(await scalar(sandboxUrl(second), "SELECT string_agg(app_name, ',') FROM app_authorization")).toBe("Here");
    expect(Number(await scalar(sandboxUrl(second), "SELECT nextval(pg_get_serial_sequence('app_authorization', 'id'))"))).toBeGreaterThan(
      Number(await scalar(sandboxUrl(second), "SELECT max(id) FROM app_authorization")),
    );
  });
});

describe("contract audit: an installation of its own host", () => {
  it("rule 6 by the installation's own IDN service_base_url; rules 4, 7 and 10 at their edges", async () => {
    const copy = await cloneDatabase(audit.prod);
    made.push(new URL(copy).pathname.slice(1));
    const cases: [string, string][] = [
      ["https://xn--bcher-kva.example:8443/Cust1/CS/Scripts/ticket.fcgi", "<csti>"],
      ["https://bücher.example:8443/Cust1/CS/Scripts/rms.fcgi?a", "<csrm>?a"],
      ["https://BÜCHER.example:8443/Cust1/CS/Scripts/customer.fcgi", "<cscu>"],
      ["https://bücher.example/Cust1/CS/Scripts/ticket.fcgi", "https://bücher.example/Cust1/CS/Scripts/ticket.fcgi"],
      ["https://bücher.example:8443/Cust1/CS/Scripts/ticket.fcgi\t\n", "<csti>"],
      ["https://b%C3%BCcher.example:8443/Cust1/CS/Scripts/ticket.fcgi", "<csti>"],
      ["https://bücher.example.:8443/Cust1/CS/Scripts/blogic.fcgi#x", "<csbl>#x"],
      ["https://bücher.example:8443/Cust1/CS/../CS/Scripts/ticket.fcgi", "<csti>"],
      ["https://bücher.example:8443/Cust2/CS/Scripts/ticket.fcgi", "https://bücher.example:8443/Cust2/CS/Scripts/ticket.fcgi"],
    ];
    let retired = 0;
    let disabledTask = 0;
    await withClient(copy, async (c) => {
      await c.query("UPDATE installation SET service_base_url = 'https://Bücher.example:8443/Cust1/CS'");
      await c.query("DELETE FROM web_panel");
      for (const [u] of cases) await c.query("INSERT INTO web_panel (name, url, location, visible, created_at) VALUES ('idn', $1, 'navigator', true, now())", [u]);
      await c.query("UPDATE ticket SET mailbox_id = NULL; DELETE FROM service_mailbox");
      retired = (await c.query<{ id: number }>("UPDATE associate SET is_retired = true, can_login = false, user_plan = NULL WHERE id = 5 RETURNING id")).rows[0]!.id;
      disabledTask = (await c.query<{ id: number }>("UPDATE scheduled_task SET enabled = false WHERE id = (SELECT max(id) FROM scheduled_task) RETURNING id")).rows[0]!.id;
    });
    const name = newSandboxName();
    made.push(name);
    await provisionSandbox(auditInput(copy, name, { options: { users: [{ associateId: retired, userPlan: "marketing" }], keepEnabledTaskIds: [disabledTask] } }));
    const url = sandboxUrl(name);
    const got = (await rows<{ url: string }>(url, "SELECT url FROM web_panel ORDER BY id")).map((r) => r.url);
    expect(got).toEqual(cases.map(([, want]) => want));
    expect(await rows(url, "SELECT address, host, username, password, oauth_refresh_token FROM service_mailbox")).toEqual([
      { address: "support@audit.example", host: null, username: null, password: null, oauth_refresh_token: null },
    ]);
    expect(await rows(url, "SELECT can_login, user_plan FROM associate WHERE id = $1", [retired])).toEqual([{ can_login: true, user_plan: "marketing" }]);
    expect(await scalar(url, "SELECT string_agg(id::text, ',') FROM scheduled_task WHERE enabled")).toBe(String(disabledTask));
  });
});

describe("contract audit: rule 17 through the customer's own keys", () => {
  it("a partial copy follows an extra column's key up to a customer table, and a customer table's key sideways", async () => {
    const copy = await cloneDatabase(audit.prod);
    made.push(new URL(copy).pathname.slice(1));
    await withClient(copy, (c) =>
      c.query(`ALTER TABLE company ADD COLUMN region_id integer REFERENCES region(id);
               UPDATE company SET region_id = 1 + id % 2;
               ALTER TABLE company_note ADD COLUMN contact_id integer REFERENCES contact(id);
               UPDATE company_note SET contact_id = (SELECT max(id) FROM contact) WHERE company_id = 1;`),
    );
    const cls = parseClassification({
      ...classification,
      columns: { ...classification.columns, "company.region_id": "keep", "company_note.contact_id": "keep" },
      objects: [{ kind: "foreign key", table: "company", name: "company_region_id_fkey", treatment: "copy" }],
    });
    const name = newSandboxName();
    made.push(name);
    await provisionSandbox(auditInput(copy, name, { options: { kind: "partial", share: { by: "companies", ids: [1] } }, classification: cls }));
    const url = sandboxUrl(name);
    expect(await scalar(url, "SELECT count(*) FROM company c WHERE region_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM region r WHERE r.id = c.region_id)")).toBe("0");
    expect(await scalar(url, "SELECT count(*) FROM company_note n WHERE contact_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM contact r WHERE r.id = n.contact_id)")).toBe("0");
    expect(Number(await scalar(url, "SELECT count(*) FROM company_note WHERE company_id = 1"))).toBeGreaterThan(0);
  });
});

describe("contract audit: rule 17, a customer table under a configuration table", () => {
  it("is empty in configuration-only and partial copies, whole in a full one", async () => {
    const copy = await cloneDatabase(audit.prod);
    made.push(new URL(copy).pathname.slice(1));
    await withClient(copy, (c) =>
      c.query(`CREATE TABLE associate_setting (id serial PRIMARY KEY, associate_id integer NOT NULL REFERENCES associate(id), v text);
               INSERT INTO associate_setting (associate_id, v) SELECT id, 'x' FROM associate;`),
    );
    const cls = parseClassification({ ...classification, tables: { ...classification.tables, associate_setting: "copy" } });
    const counts: Record<string, string | null> = {};
    for (const kind of ["full", "partial", "config"] as const) {
      const name = newSandboxName();
      made.push(name);
      await provisionSandbox(auditInput(copy, name, { options: { kind }, classification: cls }));
      counts[kind] = await scalar(sandboxUrl(name), "SELECT count(*) FROM associate_setting");
    }
    expect(counts).toEqual({ full: String(await scalar(copy, "SELECT count(*) FROM associate")), partial: "0", config: "0" });
  });
});
