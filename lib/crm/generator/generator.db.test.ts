import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase, dropTestDatabase } from "../../testing/pg";
import { CRM_TABLES } from "../contract";
import { checkContract, isContractExact } from "../contract-check";
import { generateProductionDatabase, type GenerateResult } from "./index";

const CUSTOMER = { customerId: "Cust40417", companyName: "Nordlys Maskin AS" };
const urls: string[] = [];
let first: GenerateResult;
let client: pg.Client;

async function generate(seed: number): Promise<{ url: string; result: GenerateResult }> {
  const url = await createTestDatabase("gen");
  urls.push(url);
  const result = await generateProductionDatabase({ databaseUrl: url, ...CUSTOMER, scale: "small", seed });
  return { url, result };
}

async function checksums(url: string): Promise<Record<string, string>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const sums: Record<string, string> = {};
    for (const { name } of CRM_TABLES) {
      const { rows } = await c.query<{ sum: string }>(
        `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY id), '')) AS sum FROM "${name}" t`,
      );
      sums[name] = rows[0]?.sum ?? "";
    }
    return sums;
  } finally {
    await c.end();
  }
}

async function values(sql: string): Promise<string[]> {
  const { rows } = await client.query<{ v: string }>(sql);
  return rows.map((r) => String(r.v)).sort();
}

async function count(sql: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`);
  return Number(rows[0]?.n ?? 0);
}

beforeAll(async () => {
  const generated = await generate(7);
  first = generated.result;
  client = new pg.Client({ connectionString: generated.url });
  await client.connect();
});

afterAll(async () => {
  await client.end();
  for (const url of urls) await dropTestDatabase(url);
});

describe("generateProductionDatabase (small)", () => {
  it("loads about 10k rows into a database that matches the contract exactly", async () => {
    expect(first.rows).toBeGreaterThan(8_000);
    expect(first.rows).toBeLessThan(14_000);
    expect(Object.keys(first.tables).sort()).toEqual(CRM_TABLES.map((t) => t.name).sort());
    expect(isContractExact(await checkContract(client))).toBe(true);
  });

  it("is deterministic: same seed, same data; another seed, other data", async () => {
    const again = await generate(7);
    const other = await generate(8);
    const sums = await checksums(urls[0] ?? "");
    expect(await checksums(again.url)).toEqual(sums);
    const otherSums = await checksums(other.url);
    expect(CRM_TABLES.filter((t) => otherSums[t.name] !== sums[t.name]).length).toBeGreaterThan(CRM_TABLES.length / 2);
  });

  it("continues every id sequence after the loaded maximum", async () => {
    const { rows } = await client.query<{ id: number }>(
      "INSERT INTO service_mailbox (address, is_active, created_at) VALUES ('x@example.com', true, now()) RETURNING id",
    );
    expect(rows[0]?.id).toBe((first.tables.service_mailbox ?? 0) + 1);
    await client.query("DELETE FROM service_mailbox WHERE id = $1", [rows[0]?.id]);
  });

  it("refuses a database that is not empty", async () => {
    await expect(
      generateProductionDatabase({ databaseUrl: urls[0] ?? "", ...CUSTOMER, scale: "small", seed: 7 }),
    ).rejects.toThrow(/not empty/);
  });

  it("has the production installation row", async () => {
    const { rows } = await client.query("SELECT * FROM installation");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: 1, customer_id: CUSTOMER.customerId, company_name: CUSTOMER.companyName, environment: "production", state: "running", source_customer_id: null, copied_at: null });
    expect(rows[0].service_base_url).toMatch(/^https:\/\/online\d+\.superoffice\.com\/Cust40417\/CS$/);
  });

  it("covers every value domain", async () => {
    expect(await values("SELECT DISTINCT status AS v FROM ticket")).toEqual(["closed", "deleted", "open", "pending", "postponed"]);
    expect(await values("SELECT DISTINCT priority AS v FROM ticket")).toEqual(["critical", "high", "low", "normal"]);
    expect(await values("SELECT DISTINCT stage AS v FROM sale")).toEqual(["lead", "lost", "negotiation", "proposal", "qualified", "won"]);
    expect(await values("SELECT DISTINCT status AS v FROM project")).toEqual(["cancelled", "completed", "in-progress", "planned"]);
    expect(await values("SELECT DISTINCT user_plan AS v FROM associate WHERE user_plan IS NOT NULL")).toEqual(
      ["complete", "marketing", "sales-essentials", "sales-premium", "service-essentials", "service-premium"],
    );
    expect(await values("SELECT DISTINCT kind || ':' || enabled AS v FROM scheduled_task")).toEqual(
      ["crmscript", "erp-sync", "export", "import", "maintenance"].flatMap((k) => [`${k}:false`, `${k}:true`]),
    );
    expect(await values("SELECT DISTINCT connector AS v FROM erp_connection")).toEqual(["business-central", "fortnox", "other", "tripletex", "visma-net"]);
  });

  it("has users, credentials, secrets and opt-ins for every sanitizing rule to act on", async () => {
    expect(await count("associate WHERE can_login AND user_plan IS NOT NULL")).toBeGreaterThan(10);
    expect(await count("associate WHERE is_retired AND NOT can_login")).toBeGreaterThan(0);
    expect(await count("associate WHERE NOT can_login AND user_plan IS NULL")).toBeGreaterThan(0);
    expect(await count("inbox_account WHERE incoming_password IS NOT NULL AND outgoing_password IS NOT NULL")).toBeGreaterThan(0);
    expect(await count("inbox_account WHERE oauth_access_token IS NOT NULL AND oauth_refresh_token IS NOT NULL")).toBeGreaterThan(0);
    expect(await count("inbox_message")).toBeGreaterThan(500);
    expect(await count("service_mailbox WHERE password IS NOT NULL")).toBeGreaterThan(0);
    expect(await count("service_mailbox WHERE oauth_refresh_token IS NOT NULL")).toBeGreaterThan(0);
    expect(await count("ticket WHERE mailbox_id IS NOT NULL")).toBeGreaterThan(0);
    expect(await count("ticket WHERE status = 'closed' AND closed_at IS NOT NULL")).toBeGreaterThan(0);
    expect(await count("ticket_message WHERE author_email IS NOT NULL")).toBeGreaterThan(0);
    expect(await count("ticket_attachment WHERE length(content) = size_bytes")).toBe(first.tables.ticket_attachment);
    expect(await count("document WHERE length(content) = size_bytes AND file_name ~ '\\.[a-z]{3,4}$'")).toBe(first.tables.document);
    expect(await count("app_authorization WHERE access_token IS NOT NULL")).toBeGreaterThan(0);
    expect(await count("app_authorization WHERE system_user_token IS NOT NULL")).toBeGreaterThan(0);
    expect(await count("webhook WHERE kind = 'http-post' AND target_url IS NOT NULL AND secret IS NOT NULL")).toBeGreaterThan(0);
    expect(await count("webhook WHERE kind = 'crmscript' AND target_url IS NULL")).toBeGreaterThan(0);
    expect(await count("erp_connection WHERE auto_sync AND api_key IS NOT NULL")).toBeGreaterThan(0);
    expect(await values("SELECT name || '=' || value AS v FROM preference WHERE section = 'System' AND name LIKE '%OptIn%' AND associate_id IS NULL")).toEqual(
      ["Statistics OptIn - Configured=Yes", "UserSync OptIn - Configured=Yes"],
    );
    expect(await count("preference WHERE associate_id IS NOT NULL")).toBeGreaterThan(0);
  });

  it("has web panels reaching every Service script in every spelling, and panels to leave alone", async () => {
    const fullPath = (script: string) => `'^https?://online[0-9]+\\.superoffice\\.com/Cust[0-9]+/CS/Scripts/${script}\\.fcgi'`;
    for (const script of ["ticket", "rms", "customer", "blogic"]) {
      expect(await count(`web_panel WHERE url ~* ${fullPath(script)}`)).toBeGreaterThanOrEqual(4);
      expect(await count(`web_panel WHERE url ~* ${fullPath(script)} AND url ~ '\\?'`)).toBeGreaterThan(0);
      expect(await count(`web_panel WHERE url ~* ${fullPath(script)} AND url ~ '#'`)).toBeGreaterThan(0);
      expect(await count(`web_panel WHERE url ~* ${fullPath(script)} AND url ~ '^http://'`)).toBeGreaterThan(0);
      expect(await count(`web_panel WHERE url ~* ${fullPath(script)} AND url !~ ${fullPath(script)}`)).toBeGreaterThan(0);
      expect(await count(`web_panel, installation WHERE url LIKE service_base_url || '/Scripts/${script}.fcgi%'`)).toBeGreaterThan(0);
    }
    expect(await count(`web_panel WHERE url !~* '^https?://online[0-9]+\\.superoffice\\.com/Cust[0-9]+/CS/Scripts/(ticket|rms|customer|blogic)\\.fcgi'`)).toBeGreaterThan(4);
    expect(await count("web_panel WHERE created_by_app IS NOT NULL AND visible")).toBeGreaterThan(0);
    expect(await count("web_panel WHERE NOT visible")).toBeGreaterThan(0);
  });

  it("stores e-mail addresses that the e-mail rule can rewrite", async () => {
    const bad = await values(`
      SELECT email AS v FROM associate WHERE email !~ '^[^@\\s]+@[^@\\s]+\\.[a-z]+$'
      UNION ALL SELECT email FROM company WHERE email !~ '^[^@\\s]+@[^@\\s]+\\.[a-z]+$'
      UNION ALL SELECT email FROM contact WHERE email !~ '^[^@\\s]+@[^@\\s]+\\.[a-z]+$'
      UNION ALL SELECT address FROM inbox_account WHERE address !~ '^[^@\\s]+@[^@\\s]+\\.[a-z]+$'
      UNION ALL SELECT author_email FROM ticket_message WHERE author_email !~ '^[^@\\s]+@[^@\\s]+\\.[a-z]+$'`);
    expect(bad).toEqual([]);
  });
});
