/**
 * The TypeScript and SQL versions of rule 2 (e-mail) must agree on every input: the
 * copy uses the SQL, previews and tests the TS. (Rule 6 is TypeScript only: rules/rule-06-web-panels.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase, dropTestDatabase } from "../testing/pg";
import { isRewrittenEmail, notRewrittenEmailSql, rewriteEmail, rewriteEmailSql } from "./rules/rule-02-email";

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
