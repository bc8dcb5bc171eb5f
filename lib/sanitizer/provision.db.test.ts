/**
 * provisionSandbox on one generated production (never written by these tests):
 * every rule against production row by row, every wizard option, schema fidelity,
 * report and progress, and production byte-for-byte unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropTestDatabase, testSandboxServerUrl, testServerAdminUrl } from "../testing/pg";
import { EMPTY_CLASSIFICATION } from "./classification";
import { provisionSandbox, type ProvisionInput } from "./provision";
import type { RunProgress } from "./progress";
import { reportToCsv, type SanitizationReport } from "./report";
import { EMAIL_COLUMNS, rewriteEmail } from "./rules/rule-02-email";
import { INBOX_LOGIN_COLUMNS } from "./rules/rule-03-inbox";
import { rewriteWebPanelUrl } from "./rules/rule-06-web-panels";
import { checksums, generateProduction, newSandboxName, PRODUCTION, rows, sandboxUrl, scalar, schemaShape } from "../testing/sanitizer-fixtures";

let prod: string;
let prodSums: Record<string, string>;
const made: string[] = [];

async function provision(options: ProvisionInput["options"], extra: Partial<ProvisionInput> = {}) {
  const name = newSandboxName();
  made.push(name);
  const report = await provisionSandbox({
    productionUrl: prod,
    sandboxServerUrl: testSandboxServerUrl(),
    databaseName: name,
    sandboxCustomerId: "Cust90001",
    serviceMailboxAddress: "support@sandbox90001.example",
    options,
    classification: EMPTY_CLASSIFICATION,
    ...extra,
  });
  return { url: sandboxUrl(name), report };
}

/** id → row of `columns` in `table`. */
async function byId(url: string, table: string, columns: string): Promise<Map<number, Record<string, unknown>>> {
  const list = await rows<Record<string, unknown> & { id: number }>(url, `SELECT id, ${columns} FROM ${table} ORDER BY id`);
  return new Map(list.map((r) => [r.id, r]));
}

/** md5 over the given columns of every row, in id order. */
async function columnSum(url: string, table: string, columns: string[], where = "true"): Promise<string | null> {
  return scalar(url, `SELECT md5(coalesce(string_agg(row(${columns.join(",")})::text, '|' ORDER BY id), '')) FROM ${table} WHERE ${where}`);
}

async function columnsOf(url: string, table: string, except: string[]): Promise<string[]> {
  const list = await rows<{ c: string }>(url, "SELECT column_name AS c FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position", [table]);
  return list.map((r) => r.c).filter((c) => !except.includes(c));
}

beforeAll(async () => {
  prod = await generateProduction(11);
  prodSums = await checksums(prod);
});

afterAll(async () => {
  for (const name of made) await dropTestDatabase(sandboxUrl(name));
  await dropTestDatabase(prod);
});

describe("provisionSandbox with default options", () => {
  let url: string;
  let report: SanitizationReport;
  const progress: RunProgress[] = [];
  const emittedAt: number[] = [];

  beforeAll(async () => {
    ({ url, report } = await provision({}, { onProgress: (p) => void (progress.push(p), emittedAt.push(Date.now())) }));
  });

  it("rule 1: the installation is the sandbox's identity", async () => {
    const [p] = await rows<{ serial_number: string; service_base_url: string }>(prod, "SELECT * FROM installation");
    const [s] = await rows<Record<string, unknown>>(url, "SELECT * FROM installation");
    expect(s).toMatchObject({
      environment: "sandbox",
      customer_id: "Cust90001",
      source_customer_id: PRODUCTION.customerId,
      serial_number: `Test Env - ${PRODUCTION.companyName}/${p?.serial_number}`,
      state: "running",
      service_base_url: p?.service_base_url,
    });
    expect((s?.copied_at as Date).toISOString()).toBe(report.snapshotAt);
  });

  it("rule 2: every e-mail column is rewritten exactly as rewriteEmail does", async () => {
    for (const [table, column] of EMAIL_COLUMNS) {
      const before = await byId(prod, table, column);
      const after = await byId(url, table, column);
      expect(after.size, table).toBe(before.size);
      for (const [id, row] of before) {
        expect(after.get(id)?.[column], `${table} ${id}`).toBe(rewriteEmail(row[column] as string | null, "mailinator.com"));
      }
    }
  });

  it("rule 3: inbox logins are null, inbox_message empty, the rest of the account kept", async () => {
    expect(await scalar(url, `SELECT count(*) FROM inbox_account WHERE ${INBOX_LOGIN_COLUMNS.map((c) => `${c} IS NOT NULL`).join(" OR ")}`)).toBe("0");
    expect(await scalar(url, "SELECT count(*) FROM inbox_message")).toBe("0");
    const kept = await columnsOf(prod, "inbox_account", [...INBOX_LOGIN_COLUMNS, "address"]);
    expect(await columnSum(url, "inbox_account", kept)).toBe(await columnSum(prod, "inbox_account", kept));
  });

  it("rule 4: one new mailbox without credentials; tickets repointed", async () => {
    const maxProd = Number(await scalar(prod, "SELECT max(id) FROM service_mailbox"));
    const boxes = await rows<Record<string, unknown>>(url, "SELECT * FROM service_mailbox");
    expect(boxes).toHaveLength(1);
    expect(boxes[0]).toMatchObject({ address: "support@sandbox90001.example", host: null, username: null, password: null, oauth_refresh_token: null });
    expect(Number(boxes[0]?.id)).toBeGreaterThan(maxProd);
    const before = await byId(prod, "ticket", "mailbox_id");
    const after = await byId(url, "ticket", "mailbox_id");
    for (const [id, row] of before) expect(after.get(id)?.mailbox_id).toBe(row.mailbox_id === null ? null : boxes[0]?.id);
  });

  it("rule 5: open, pending and postponed tickets are closed at the snapshot; others unchanged", async () => {
    const before = await byId(prod, "ticket", "status, closed_at");
    const after = await byId(url, "ticket", "status, closed_at");
    let closed = 0;
    for (const [id, row] of before) {
      const s = after.get(id);
      if (["open", "pending", "postponed"].includes(row.status as string)) {
        closed++;
        expect(s?.status).toBe("closed");
        expect((s?.closed_at as Date).toISOString()).toBe(report.snapshotAt);
      } else expect(s).toEqual(row);
    }
    expect(closed).toBeGreaterThan(0);
    expect(report.rules.find((r) => r.rule === 5)?.changes["ticket.closed"]).toBe(closed);
  });

  it("rule 6: web panel URLs are rewritten exactly as rewriteWebPanelUrl does", async () => {
    const base = (await scalar(prod, "SELECT service_base_url FROM installation")) ?? "";
    const before = await byId(prod, "web_panel", "url");
    const after = await byId(url, "web_panel", "url");
    let changed = 0;
    for (const [id, row] of before) {
      const expected = rewriteWebPanelUrl(row.url as string, base);
      if (expected !== row.url) changed++;
      expect(after.get(id)?.url, row.url as string).toBe(expected);
    }
    expect(changed).toBeGreaterThan(0);
  });

  it("rules 7–12 with defaults: tasks off, no apps, no documents or attachments, nobody logs in, opt-ins No, ERP off", async () => {
    expect(await scalar(url, "SELECT count(*) FROM scheduled_task WHERE enabled")).toBe("0");
    expect(await scalar(url, "SELECT count(*) FROM app_authorization")).toBe("0");
    expect(await scalar(url, "SELECT count(*) FROM webhook")).toBe("0");
    expect(await scalar(url, "SELECT count(*) FROM document")).toBe("0");
    expect(await scalar(url, "SELECT count(*) FROM ticket_attachment")).toBe("0");
    expect(await scalar(url, "SELECT count(*) FROM associate WHERE can_login OR user_plan IS NOT NULL")).toBe("0");
    expect(await rows(url, "SELECT name, value FROM preference WHERE section = 'System' AND name LIKE '%OptIn%' AND associate_id IS NULL ORDER BY name")).toEqual([
      { name: "Statistics OptIn - Configured", value: "No" },
      { name: "UserSync OptIn - Configured", value: "No" },
    ]);
    expect(await scalar(url, "SELECT count(*) FROM erp_connection WHERE auto_sync OR api_key IS NOT NULL")).toBe("0");
    expect(await scalar(prod, "SELECT count(*) FROM erp_connection WHERE auto_sync")).not.toBe("0");
  });

  it("rule 13: everything else is identical to production", async () => {
    const sums = await checksums(url);
    for (const table of ["company", "contact", "sale", "project", "appointment", "ticket_message", "erp_connection", "scheduled_task", "preference", "associate"]) {
      const except = { company: ["email"], contact: ["email"], ticket_message: ["author_email"], erp_connection: ["auto_sync", "api_key"], scheduled_task: ["enabled"], associate: ["email", "can_login", "user_plan"], preference: ["value"] }[table] ?? [];
      const columns = await columnsOf(prod, table, except);
      expect(await columnSum(url, table, columns), table).toBe(await columnSum(prod, table, columns));
    }
    for (const table of ["sale", "project", "appointment"]) expect(sums[table], table).toBe(prodSums[table]);
    const ticketCols = await columnsOf(prod, "ticket", ["status", "closed_at", "mailbox_id"]);
    expect(await columnSum(url, "ticket", ticketCols)).toBe(await columnSum(prod, "ticket", ticketCols));
  });

  it("copies the schema faithfully: columns, defaults, constraints, indexes, sequences", async () => {
    const [p, s] = await Promise.all([schemaShape(prod), schemaShape(url)]);
    expect(s).toEqual(p);
    // Every sequence continues after the copied maximum.
    for (const t of p.tables) {
      const next = Number(await scalar(url, `SELECT nextval(pg_get_serial_sequence('${t.name}', 'id'))`));
      const max = Number(await scalar(url, `SELECT coalesce(max(id), 0) FROM ${t.name}`));
      expect(next, t.name).toBeGreaterThan(max);
    }
  });

  it("reports tables, per-rule changes and passing checks for rules 0–15, 17 and 18, as JSON and CSV", () => {
    expect(report.rules.map((r) => r.rule)).toEqual([...Array(16).keys(), 17, 18]);
    for (const r of report.rules) {
      expect(r.checks.length, `rule ${r.rule}`).toBeGreaterThan(0);
      expect(r.checks.every((c) => c.ok), `rule ${r.rule}`).toBe(true);
    }
    expect(report.tables.find((t) => t.name === "company")?.rows).toBe(600);
    expect(report.rules.find((r) => r.rule === 3)?.changes["inbox_message.removed"]).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    const csv = reportToCsv(report);
    expect(csv.split("\r\n")[0]).toBe("section,name,key,value,ok,offending");
    expect(csv).toContain("change,5 Tickets,ticket.closed,");
    expect(csv).toContain("table,company,rows,600");
  });

  it("reports progress as whole snapshots, throttled, ending with every step done", () => {
    const last = progress.at(-1);
    const keys = last?.steps.map((s) => s.key) ?? [];
    expect(keys.slice(0, 2)).toEqual(["snapshot", "schema"]);
    expect(keys).toContain("table:company");
    expect(keys).toContain("rule:5");
    expect(keys.at(-1)).toBe("verify");
    expect(last?.steps.every((s) => s.state === "done")).toBe(true);
    expect(last?.steps.find((s) => s.key === "table:company")).toMatchObject({ unit: "rows", done: 600, total: 600 });
    // At most one emit per 500 ms, except the final flush.
    for (let i = 1; i < emittedAt.length - 1; i++) expect(emittedAt[i]! - emittedAt[i - 1]!).toBeGreaterThanOrEqual(450);
  });

  it("leaves production byte-for-byte unchanged", async () => {
    expect(await checksums(prod)).toEqual(prodSums);
  });
});

describe("provisionSandbox with every wizard option set", () => {
  let url: string;
  let since: string;
  let users: { associateId: number; userPlan: "sales-premium" | "complete" }[];
  let taskId: number;
  let report: SanitizationReport;

  beforeAll(async () => {
    const ids = (await rows<{ id: number }>(prod, "SELECT id FROM associate ORDER BY id LIMIT 2")).map((r) => r.id);
    users = [
      { associateId: ids[0]!, userPlan: "complete" },
      { associateId: ids[1]!, userPlan: "sales-premium" },
    ];
    taskId = Number(await scalar(prod, "SELECT id FROM scheduled_task ORDER BY id LIMIT 1"));
    since = (await scalar(prod, "SELECT to_char(percentile_disc(0.5) WITHIN GROUP (ORDER BY created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') FROM document"))!;
    ({ url, report } = await provision({
      users,
      invalidationDomain: "Sandbox-Mail.TEST",
      keepEnabledTaskIds: [taskId],
      documents: { mode: "since", since },
      serviceAttachments: true,
      stateAfterCopy: "maintenance",
    }));
  });

  it("users: only those given access log in, with their plan", async () => {
    expect(await rows(url, "SELECT id AS \"associateId\", user_plan AS \"userPlan\" FROM associate WHERE can_login OR user_plan IS NOT NULL ORDER BY id")).toEqual(users);
  });

  it("invalidation domain (lower-cased) is used for every address", async () => {
    expect(await scalar(url, "SELECT count(*) FROM contact WHERE email IS NOT NULL AND email NOT LIKE '%@sandbox-mail.test'")).toBe("0");
    expect(await scalar(url, "SELECT count(*) FROM contact WHERE email LIKE '%@sandbox-mail.test'")).not.toBe("0");
  });

  it("keeps the chosen task enabled and only it, and the report names it", async () => {
    expect(await rows(url, "SELECT id FROM scheduled_task WHERE enabled")).toEqual([{ id: taskId }]);
    expect(report.keptTasks).toEqual(await rows(prod, `SELECT id, name FROM scheduled_task WHERE id = ${taskId}`));
  });

  it("documents since a date: exactly those created on or after it, unchanged", async () => {
    const where = `created_at >= '${since}T00:00:00Z'`;
    const copied = Number(await scalar(url, "SELECT count(*) FROM document"));
    expect(copied).toBe(Number(await scalar(prod, `SELECT count(*) FROM document WHERE ${where}`)));
    expect(copied).toBeGreaterThan(0);
    expect(copied).toBeLessThan(Number(await scalar(prod, "SELECT count(*) FROM document")));
    const cols = await columnsOf(prod, "document", []);
    expect(await columnSum(url, "document", cols)).toBe(await columnSum(prod, "document", cols, where));
  });

  it("service attachments: all copied unchanged", async () => {
    expect((await checksums(url)).ticket_attachment).toBe(prodSums.ticket_attachment);
  });

  it("state after copy: maintenance", async () => {
    expect(await scalar(url, "SELECT state FROM installation")).toBe("maintenance");
  });
});

describe("provisionSandbox options that copy everything", () => {
  it("documents: all are copied unchanged", async () => {
    const { url } = await provision({ documents: { mode: "all" } });
    expect((await checksums(url)).document).toBe(prodSums.document);
    expect(await scalar(url, "SELECT count(*) FROM ticket_attachment")).toBe("0");
  });

  it("refuses options naming associates or tasks production does not have, creating nothing", async () => {
    const name = newSandboxName();
    await expect(
      provisionSandbox({
        productionUrl: prod,
        sandboxServerUrl: testSandboxServerUrl(),
        databaseName: name,
        sandboxCustomerId: "Cust90001",
        serviceMailboxAddress: "s@x.example",
        options: { users: [{ associateId: 999_999, userPlan: "complete" }], keepEnabledTaskIds: [888_888] },
        classification: EMPTY_CLASSIFICATION,
      }),
    ).rejects.toMatchObject({ code: "INVALID_OPTIONS", message: expect.stringMatching(/999999.*888888/) });
    expect(await scalar(testServerAdminUrl(), "SELECT count(*) FROM pg_database WHERE datname = $1", [name])).toBe("0");
  });

  it("refuses an existing database name without touching it", async () => {
    const { url } = await provision({});
    const name = decodeURIComponent(new URL(url).pathname.slice(1));
    const before = await checksums(url);
    await expect(
      provisionSandbox({ productionUrl: prod, sandboxServerUrl: testSandboxServerUrl(), databaseName: name, sandboxCustomerId: "C", serviceMailboxAddress: "s@x.example", options: {}, classification: EMPTY_CLASSIFICATION }),
    ).rejects.toMatchObject({ code: "DATABASE_EXISTS" });
    expect(await checksums(url)).toEqual(before);
  });
});
