/**
 * The TypeScript and SQL versions of rule 2 (e-mail) and rule 6 (web panel URLs)
 * must agree on every input: the copy uses the SQL, previews and tests the TS.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase, dropTestDatabase } from "../testing/pg";
import { notRewrittenEmailSql, rewriteEmailSql } from "./email-sql";
import { isRewrittenEmail, rewriteEmail } from "./options";
import { reachesServiceSql, rewriteWebPanelUrl, rewriteWebPanelUrlSql } from "./web-panel";

let url: string;
let client: pg.Client;

beforeAll(async () => {
  url = await createTestDatabase("twins");
  client = new pg.Client({ connectionString: url });
  await client.connect();
});

afterAll(async () => {
  await client.end();
  await dropTestDatabase(url);
});

async function sql(expression: (column: string) => string, inputs: (string | null)[]): Promise<(string | null)[]> {
  const { rows } = await client.query<{ out: string | null }>(
    `SELECT ${expression("v")} AS out FROM unnest($1::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n`,
    [inputs],
  );
  return rows.map((r) => r.out);
}

const EMAILS = [
  "john.doe@company.com",
  "John.Doe@Company.COM",
  "no-at-sign",
  '"a@b"@c.com',
  "a@x.com, b@y.com",
  " spaced@x.com ",
  "trailing@",
  "@leading.com",
  "ünïcødé@exämple.no",
  "back\\slash'quote@x.com",
  "",
  null,
];

describe("rule 2: rewriteEmail and rewriteEmailSql", () => {
  it("follows the contract's example", () => {
    expect(rewriteEmail("john.doe@company.com", "mailinator.com")).toBe("john.doe_company.com@mailinator.com");
    expect(rewriteEmail(null, "mailinator.com")).toBeNull();
    expect(rewriteEmail("no-at-sign", "mailinator.com")).toBe("no-at-sign@mailinator.com");
    expect(rewriteEmail('"a@b"@c.com', "mailinator.com")).toBe('"a_b"_c.com@mailinator.com');
  });

  it.each(["mailinator.com", "sandbox-mail.test"])("SQL and TypeScript agree for %s", async (domain) => {
    expect(await sql((c) => rewriteEmailSql(c, domain), EMAILS)).toEqual(EMAILS.map((e) => rewriteEmail(e, domain)));
  });

  it("the verifier's test accepts exactly the rewritten values", async () => {
    const domain = "mailinator.com";
    const rewritten = EMAILS.map((e) => rewriteEmail(e, domain));
    for (const value of rewritten) expect(isRewrittenEmail(value, domain), String(value)).toBe(true);
    const bad = ["john@company.com", "a@b.com@mailinator.com", "x@mailinator.com.evil.com", "x@sandbox.mailinator.com"];
    for (const value of bad) expect(isRewrittenEmail(value, domain), value).toBe(false);
    const flags = await sql((c) => `coalesce(${notRewrittenEmailSql(c, domain)}, false)::text`, [...rewritten, ...bad]);
    expect(flags).toEqual([...rewritten.map(() => "false"), ...bad.map(() => "true")]);
  });
});

const BASE = "https://crm.example.no/Cust40417/CS";
const URLS = [
  "https://online3.superoffice.com/Cust40417/CS/Scripts/ticket.fcgi?action=listTickets&id=5",
  "http://online12.superoffice.com/Cust1/CS/Scripts/rms.fcgi",
  "HTTPS://Online7.SuperOffice.COM/cust99/cs/scripts/Customer.FCGI#top",
  "https://online3.superoffice.com/Cust40417/CS/Scripts/blogic.fcgi?a=1#b",
  "https://crm.example.no/Cust40417/CS/Scripts/ticket.fcgi?x=y",
  "https://CRM.example.no/cust40417/cs/scripts/rms.fcgi",
  "https://crm.example.no/Cust40417/CS/Scripts/other.fcgi",
  "https://online3.superoffice.com/Cust40417/CS/Scripts/ticket.fcgix",
  "https://online3.superoffice.com/Cust40417/CS/Scripts/ticket.fcgi/extra",
  "https://online.superoffice.com/Cust1/CS/Scripts/ticket.fcgi",
  "https://online3.superoffice.com/Customer1/CS/Scripts/ticket.fcgi",
  "https://evil.com/?u=https://online3.superoffice.com/Cust1/CS/Scripts/ticket.fcgi",
  "https://www.example.com/page",
  "",
];

describe("rule 6: rewriteWebPanelUrl and its SQL", () => {
  it("rewrites Service script URLs and keeps the rest", () => {
    expect(URLS.map((u) => rewriteWebPanelUrl(u, BASE))).toEqual([
      "<csti>?action=listTickets&id=5",
      "<csrm>",
      "<cscu>#top",
      "<csbl>?a=1#b",
      "<csti>?x=y",
      "<csrm>",
      ...URLS.slice(6),
    ]);
  });

  it("SQL and TypeScript agree, with or without a trailing slash on the base", async () => {
    for (const base of [BASE, `${BASE}/`, "https://odd.example/a+b(c)/CS"]) {
      expect(await sql((c) => rewriteWebPanelUrlSql(c, base), URLS)).toEqual(URLS.map((u) => rewriteWebPanelUrl(u, base)));
      const reaches = await sql((c) => `(${reachesServiceSql(c, base)})::text`, URLS);
      expect(reaches).toEqual(URLS.map((u) => String(rewriteWebPanelUrl(u, base) !== u)));
    }
  });
});
