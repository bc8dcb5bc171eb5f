/**
 * Rule 18 end to end on the small test production: a pseudonymised copy is verified,
 * holds no production name, phone or address in its personal columns, gives the same
 * person the same pseudonym in every table and again with the same secret, another
 * with another secret; and the verifier catches a column left unpseudonymised.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropTestDatabase, testSandboxServerUrl } from "../../testing/pg";
import { cloneDatabase, databaseNames, generateProduction, newSandboxName, rows, sandboxUrl, scalar, withClient } from "../../testing/sanitizer-fixtures";
import { EMPTY_CLASSIFICATION } from "../classification";
import { provisionSandbox } from "../provision";
import type { SanitizationReport } from "../report";
import { verifySandbox } from "../verify";
import { MAX_ROW_BYTES } from "./copy-rows";
import { checkPersonalData } from "./find-production-values";
import { readProductionValues } from "./read-values";
import { productionValues, words, type ProductionValues } from "./values";
import { readSourceSchema } from "../schema-reader";

let prod: string;
const made: string[] = [];

async function provision(secret: string | undefined, productionUrl = prod, kind: object = {}): Promise<{ url: string; report: SanitizationReport }> {
  const name = newSandboxName();
  made.push(name);
  const report = await provisionSandbox({
    productionUrl,
    sandboxServerUrl: testSandboxServerUrl(),
    databaseName: name,
    sandboxCustomerId: "Cust90018",
    serviceMailboxAddress: "support@sandbox.example",
    options: { personalData: "pseudonymise", documents: { mode: "all" }, serviceAttachments: true, ...kind },
    classification: EMPTY_CLASSIFICATION,
    ...(secret ? { pseudonymSecret: secret } : {}),
  });
  return { url: sandboxUrl(name), report };
}

let copy: { url: string; report: SanitizationReport };
let values: ProductionValues;

beforeAll(async () => {
  prod = await generateProduction(18);
  copy = await provision("secret-one");
  values = await withClient(prod, async (c) => productionValues(await readProductionValues([c], (await readSourceSchema(c)).tables, EMPTY_CLASSIFICATION)));
});

afterAll(async () => {
  for (const name of made) await dropTestDatabase(sandboxUrl(name));
  await dropTestDatabase(prod);
});

/** "husebymoesonner" of https://www.husebymoesonner.no. */
const websiteName = (website: string) => website.replace(/^https?:\/\/(www\.)?/, "").split(".")[0]!;

const byId = async (url: string, sql: string) => new Map((await rows<{ id: number; v: string | null }>(url, sql)).map((r) => [r.id, r.v]));

describe("a pseudonymised copy", () => {
  it("is verified, and its report counts what rule 18 changed", () => {
    const rule = copy.report.rules.find((r) => r.rule === 18)!;
    expect(rule.checks.length).toBe(2);
    expect(rule.checks.every((c) => c.ok)).toBe(true);
    for (const key of ["names", "e-mail addresses", "companies", "phone numbers", "addresses", "free text", "document.content"]) {
      expect(rule.changes[key], key).toBeGreaterThan(0);
    }
    expect(copy.report.options.personalData).toBe("pseudonymise");
  });

  it("changes every name, phone, address and org number of people and companies, and copies no file contents", async () => {
    const pairs: [string, string][] = [
      ["contact", "first_name"], ["contact", "last_name"], ["contact", "phone"], ["contact", "mobile"], ["associate", "full_name"], ["associate", "username"],
      ["company", "name"], ["company", "phone"], ["company", "address"], ["company", "org_number"], ["company", "website"],
    ];
    for (const [table, column] of pairs) {
      const before = await byId(prod, `SELECT id, ${column} AS v FROM ${table}`);
      const after = await byId(copy.url, `SELECT id, ${column} AS v FROM ${table}`);
      expect(after.size, table).toBe(before.size);
      for (const [id, v] of before) if (v) expect(after.get(id), `${table}.${column} ${id}`).not.toBe(v);
    }
    expect(await scalar(copy.url, "SELECT count(*) FROM document WHERE length(content) > 0")).toBe("0");
    expect(Number(await scalar(copy.url, "SELECT count(*) FROM document"))).toBeGreaterThan(0);
    // No pseudonym is a production value of its kind.
    const names = await rows<{ w: string }>(copy.url, "SELECT lower(first_name) AS w FROM contact UNION SELECT lower(last_name) FROM contact");
    for (const { w } of names) expect(values.nameWords.has(w), w).toBe(false);
    // Nor is any word of an e-mail address a production name, as written or spelled in ASCII ("bjornstad" for "Bjørnstad").
    const spelled = await rows<{ w: string }>(
      prod,
      "SELECT DISTINCT w FROM contact, regexp_split_to_table(lower(split_part(email, '@', 1)), '[^a-z0-9]+') AS w WHERE email ~ '^[a-z.]+@' AND lower(last_name) ~ '[æøåäöü]'",
    );
    expect(spelled.length, "production has folded names in its addresses").toBeGreaterThan(0);
    const addressWords = await rows<{ w: string }>(copy.url, "SELECT DISTINCT regexp_split_to_table(lower(email), '[^a-z0-9]+') AS w FROM contact WHERE email IS NOT NULL");
    for (const { w } of addressWords) expect(values.nameWords.has(w), w).toBe(false);
    const companies = await rows<{ n: string }>(copy.url, "SELECT lower(name) AS n FROM company");
    for (const { n } of companies) expect(values.companies.has(n), n).toBe(false);
  });

  it("reports the made-up usernames the people given access sign in with, as the copy holds them", async () => {
    const chosen = await rows<{ id: number; username: string }>(prod, "SELECT id, username FROM associate WHERE username IS NOT NULL AND id > 1 ORDER BY id LIMIT 2");
    const given = await provision("secret-one", prod, { users: chosen.map((a) => ({ associateId: a.id, userPlan: "complete" })) });
    const held = await rows<{ id: number; username: string }>(given.url, `SELECT id, username FROM associate WHERE id IN (${chosen.map((a) => a.id).join(", ")}) ORDER BY id`);
    expect(given.report.signInNames).toEqual(held);
    for (const [i, a] of chosen.entries()) expect(held[i]!.username, a.username).not.toBe(a.username);
  });

  it("gives the same person the same pseudonym in every table", async () => {
    // Rule 2's form with the pseudonym's local part: an associate's address is its user name at the same domain.
    const associates = await rows<{ username: string; email: string }>(copy.url, "SELECT username, email FROM associate WHERE email IS NOT NULL AND id > 1");
    for (const a of associates) expect(a.email.startsWith(`${a.username}_`), a.email).toBe(true);
    // A ticket message's sender that was a contact's address is that contact's new address.
    const prodPairs = await rows<{ m: number; c: number }>(prod, "SELECT m.id AS m, c.id AS c FROM ticket_message m JOIN contact c ON c.email = m.author_email LIMIT 50");
    expect(prodPairs.length).toBeGreaterThan(0);
    const messages = await byId(copy.url, "SELECT id, author_email AS v FROM ticket_message");
    const contacts = await byId(copy.url, "SELECT id, email AS v FROM contact");
    for (const { m, c } of prodPairs) expect(messages.get(m)).toBe(contacts.get(c));
    // A company named in a document's file name is named by its pseudonym there.
    const docs = await rows<{ id: number; company_id: number }>(prod, "SELECT d.id, d.company_id FROM document d JOIN company c ON c.id = d.company_id WHERE strpos(d.file_name, c.name) > 0 LIMIT 20");
    expect(docs.length).toBeGreaterThan(0);
    const files = await byId(copy.url, "SELECT id, file_name AS v FROM document");
    const names = await byId(copy.url, "SELECT id, name AS v FROM company");
    for (const d of docs) expect(files.get(d.id)).toContain(names.get(d.company_id));
    // Equal last names in production stay equal.
    const twins = await rows<{ a: number; b: number }>(prod, "SELECT min(id) AS a, max(id) AS b FROM contact GROUP BY last_name HAVING count(*) > 1 LIMIT 20");
    const lastNames = await byId(copy.url, "SELECT id, last_name AS v FROM contact");
    expect(twins.length).toBeGreaterThan(0);
    for (const { a, b } of twins) expect(lastNames.get(a)).toBe(lastNames.get(b));
  });

  it("of a partial copy is verified, and gives its people the full copy's pseudonyms", async () => {
    const partial = await provision("secret-one", prod, { kind: "partial", share: { by: "percent", percent: 30 } });
    for (const rule of partial.report.rules.filter((r) => r.rule === 17 || r.rule === 18)) expect(rule.checks.every((c) => c.ok), `rule ${rule.rule}`).toBe(true);
    const names = (url: string) => byId(url, "SELECT id, first_name || ' ' || last_name AS v FROM contact");
    const [inPartial, inFull] = [await names(partial.url), await names(copy.url)];
    expect(inPartial.size).toBeGreaterThan(0);
    expect(inPartial.size).toBeLessThan(inFull.size);
    for (const [id, name] of inPartial) expect(name).toBe(inFull.get(id));
  });

  it("keeps a company known by its pseudonym alone: in its people's e-mail domains and in a signature", async () => {
    // Contacts' addresses at a company's own domain take the pseudonym its website takes.
    const atWebsite = await rows<{ id: number; company_id: number }>(
      prod,
      "SELECT c.id, c.company_id FROM contact c JOIN company co ON co.id = c.company_id WHERE split_part(c.email, '@', 2) = regexp_replace(co.website, '^https?://(www\\.)?', '') LIMIT 50",
    );
    expect(atWebsite.length).toBeGreaterThan(0);
    const emails = await byId(copy.url, "SELECT id, email AS v FROM contact");
    const websites = await byId(copy.url, "SELECT id, website AS v FROM company");
    for (const { id, company_id } of atWebsite) expect(emails.get(id)).toContain(`_${websites.get(company_id)!.replace(/^https?:\/\/(www\.)?/, "")}@`);
    const hosts = [...values.websiteHosts];
    expect(hosts.length).toBeGreaterThan(0);
    const copied = await rows<{ v: string }>(copy.url, "SELECT email AS v FROM contact WHERE email IS NOT NULL UNION ALL SELECT website FROM company WHERE website IS NOT NULL");
    for (const { v } of copied) for (const label of v.toLowerCase().split(/[^\p{L}\p{N}-]+/u)) expect(values.websiteHosts.has(label), v).toBe(false);
    // A user's mail signature names the user, the company and its website and phone, and
    // the user's address, which writes the name as an initial and the last name ("khansen@").
    const clone = await cloneDatabase(prod);
    try {
      const [who] = await rows<{ name: string; last: string; local: string; website: string; phone: string }>(
        prod,
        `SELECT c.first_name || ' ' || c.last_name AS name, lower(c.last_name) AS last, lower(left(c.first_name, 1) || c.last_name) AS local, co.website, co.phone
           FROM contact c JOIN company co ON co.id = c.company_id
          WHERE co.website IS NOT NULL AND co.phone IS NOT NULL AND c.first_name ~ '^[A-Za-z]' AND c.last_name ~ '^[A-Za-z]{5,}$' ORDER BY c.id LIMIT 1`,
      );
      const host = who!.website.replace(/^https?:\/\/(www\.)?/, "");
      const signature = `Med vennlig hilsen\n${who!.name}\n${who!.website.replace(/^https?:\/\//, "")} | ${who!.phone}\n${who!.local}@${host}`;
      const inserted = await withClient(clone, (c) =>
        c.query<{ id: number }>("INSERT INTO preference (associate_id, section, name, value) SELECT min(id), 'Mail', 'Signature', $1 FROM associate RETURNING id", [signature]),
      );
      const signed = await provision("secret-one", clone);
      const [copiedSignature] = await rows<{ v: string }>(signed.url, `SELECT value AS v FROM preference WHERE id = ${Number(inserted.rows[0]!.id)}`);
      expect(copiedSignature!.v).toMatch(/^Med vennlig hilsen\n\S/);
      for (const real of [who!.name, who!.last, who!.phone, websiteName(who!.website)]) expect(copiedSignature!.v.toLowerCase()).not.toContain(real.toLowerCase());
    } finally {
      await dropTestDatabase(clone);
    }
  });

  it("is the same again with the same secret, and another with another secret", async () => {
    const names = (url: string) => rows<{ v: string }>(url, "SELECT first_name || ' ' || last_name || ' ' || coalesce(phone, '') AS v FROM contact ORDER BY id");
    const again = await provision("secret-one");
    const other = await provision("secret-two");
    expect(await names(again.url)).toEqual(await names(copy.url));
    const [a, b] = [await names(copy.url), await names(other.url)];
    expect(b.filter((row, i) => row.v === a[i]!.v).length).toBeLessThan(a.length / 10);
  });

  it("rewrites an operator's classified columns as the contract's: in rows that travel in binary, and in text (a character(n) column)", async () => {
    const clone = await cloneDatabase(prod);
    try {
      await withClient(clone, async (c) => {
        await c.query("ALTER TABLE contact ADD COLUMN nickname text; ALTER TABLE sale ADD COLUMN buyer varchar(120), ADD COLUMN fax character(14)");
        await c.query("UPDATE contact SET nickname = first_name || ' ' || last_name WHERE id IN (SELECT id FROM contact ORDER BY id LIMIT 40)");
        await c.query(
          "UPDATE sale s SET buyer = c.first_name || ' ' || c.last_name, fax = (4722000000 + s.id)::text FROM contact c WHERE c.id = s.contact_id AND s.id IN (SELECT id FROM sale ORDER BY id LIMIT 40)",
        );
      });
      const name = newSandboxName();
      made.push(name);
      const copyWith = (columns: Record<string, "person-name" | "phone" | "keep">) =>
        provisionSandbox({
          productionUrl: clone,
          sandboxServerUrl: testSandboxServerUrl(),
          databaseName: name,
          sandboxCustomerId: "Cust90018",
          serviceMailboxAddress: "support@sandbox.example",
          options: { personalData: "pseudonymise" },
          classification: { ...EMPTY_CLASSIFICATION, columns },
          pseudonymSecret: "secret-one",
        });
      // Only text can be pseudonymised: a number classified as a phone is refused before anything is made.
      await expect(copyWith({ "sale.amount": "phone", "contact.nickname": "keep", "sale.buyer": "keep", "sale.fax": "keep" })).rejects.toMatchObject({ code: "INVALID_CLASSIFICATION", message: expect.stringContaining("sale.amount is numeric(14,2), not text: it cannot be rewritten as a phone number") });
      const report = await copyWith({ "contact.nickname": "person-name", "sale.buyer": "person-name", "sale.fax": "phone" });
      expect(report.rules.find((r) => r.rule === 18)?.checks.every((c) => c.ok)).toBe(true);
      for (const [table, column] of [["contact", "nickname"], ["sale", "buyer"], ["sale", "fax"]] as const) {
        const sql = `SELECT id, ${column}::text AS v FROM ${table} WHERE ${column} IS NOT NULL`;
        const [before, after] = [await byId(clone, sql), await byId(sandboxUrl(name), sql)];
        expect(before.size).toBeGreaterThan(20);
        for (const [id, value] of before) {
          expect(after.get(id), `${table}.${column} ${id}`).not.toBe(value);
          expect(after.get(id)!.length > 0).toBe(true);
        }
      }
      // The same person's classified name takes the pseudonym the contract's columns give them.
      const [person] = await rows<{ id: number; first_name: string; last_name: string; nickname: string }>(
        sandboxUrl(name),
        "SELECT id, first_name, last_name, nickname FROM contact WHERE nickname IS NOT NULL ORDER BY id LIMIT 1",
      );
      expect(person!.nickname).toBe(`${person!.first_name} ${person!.last_name}`);
    } finally {
      await dropTestDatabase(clone);
    }
  });

  it("rewrites a message body of megabytes whole: a production name at its very end is replaced too", async () => {
    const clone = await cloneDatabase(prod);
    try {
      const [name] = await rows<{ v: string }>(prod, "SELECT last_name AS v FROM contact WHERE length(last_name) >= 6 ORDER BY id LIMIT 1");
      const lastName = name!.v;
      // About 6 MB: a hundred chunks of the copy's stream, and of the check's.
      const body = `Ring ${lastName}. ${"lorem ipsum ".repeat(500_000)}Hilsen ${lastName}`;
      const [message] = await rows<{ id: number }>(prod, "SELECT min(id) AS id FROM ticket_message");
      await withClient(clone, (c) => c.query("UPDATE ticket_message SET body = $2 WHERE id = $1", [message!.id, body]));
      const long = await provision("secret-one", clone);
      const [copied] = await rows<{ v: string }>(long.url, `SELECT body AS v FROM ticket_message WHERE id = ${Number(message!.id)}`);
      expect(copied!.v.startsWith("Ring ")).toBe(true);
      expect(copied!.v).toContain("lorem ipsum lorem ipsum");
      expect(copied!.v).toMatch(/Hilsen \S+$/);
      expect(copied!.v.toLowerCase()).not.toContain(lastName.toLowerCase());
    } finally {
      await dropTestDatabase(clone);
    }
  });

  it("replaces names in scripts written without spaces (Chinese, Japanese, Thai) and Korean names with their particles, and the check finds one left", async () => {
    const clone = await cloneDatabase(prod);
    try {
      // Contacts stored as the CRM stores them (first, last); text writes them surname first, with no space, glued to what follows.
      const people = [["伟", "王"], ["太郎", "田中"], ["สมชาย", "ใจดี"], ["민수", "김"]];
      const [latin] = await rows<{ v: string }>(prod, "SELECT last_name AS v FROM contact WHERE last_name ~ '^[A-Za-z]{5,}$' ORDER BY id LIMIT 1");
      const texts = [
        "王伟先生来电询问报价，请回电。",
        "田中太郎様からの問い合わせ。田中さんに折り返しお願いします。",
        "คุณสมชายโทรมาถามราคา",
        "김민수님이 전화했습니다. 민수씨에게 회신 부탁드립니다.",
        `王伟2024年签约; ${latin!.v}様より`,
      ];
      const ids = await withClient(clone, async (c) => {
        const contacts = await c.query<{ id: number }>("SELECT id FROM contact ORDER BY id LIMIT $1", [people.length]);
        for (const [i, [first, last]] of people.entries()) await c.query("UPDATE contact SET first_name = $2, last_name = $3 WHERE id = $1", [contacts.rows[i]!.id, first, last]);
        const messages = await c.query<{ id: number }>("SELECT id FROM ticket_message ORDER BY id LIMIT $1", [texts.length]);
        for (const [i, body] of texts.entries()) await c.query("UPDATE ticket_message SET body = $2 WHERE id = $1", [messages.rows[i]!.id, body]);
        return messages.rows.map((r) => r.id);
      });
      const unspaced = await provision("secret-one", clone);
      expect(unspaced.report.rules.find((r) => r.rule === 18)?.checks.every((c) => c.ok)).toBe(true);
      const bodies = await byId(unspaced.url, `SELECT id, body AS v FROM ticket_message WHERE id IN (${ids.map(Number).join(", ")})`);
      const copied = ids.map((id) => bodies.get(id)!);
      // Every name of two characters or more, and every full name, is gone; what is around the names stays.
      for (const real of ["王伟", "伟", "田中", "太郎", "สมชาย", "ใจดี", "민수", "김민수", latin!.v]) for (const body of copied) expect(body, real).not.toContain(real);
      expect(copied[0]).toMatch(/先生来电询问报价，请回电。$/);
      expect(copied[1]).toMatch(/様からの問い合わせ。\S+さんに折り返しお願いします。$/);
      expect(copied[3]).toMatch(/님이 전화했습니다\. \S+씨에게 회신 부탁드립니다\.$/);
      // The check reads text the same way: a message left as in production fails the copy.
      const tampered = await cloneDatabase(unspaced.url);
      try {
        const cloneValues = await withClient(clone, async (c) => productionValues(await readProductionValues([c], (await readSourceSchema(c)).tables, EMPTY_CLASSIFICATION)));
        for (const [i, text] of texts.slice(0, 4).entries()) {
          await withClient(tampered, (c) => c.query("UPDATE ticket_message SET body = $2 WHERE id = $1", [ids[i], text]));
          const offending = await checkPersonalData(tampered, unspaced.report.expectations.classification, cloneValues);
          expect(offending.join("\n"), text).toMatch(new RegExp(`^ticket_message ${Number(ids[i])}: body holds a person's name from production`, "m"));
          await withClient(tampered, (c) => c.query("UPDATE ticket_message SET body = $2 WHERE id = $1", [ids[i], copied[i]]));
        }
      } finally {
        await dropTestDatabase(tampered);
      }
    } finally {
      await dropTestDatabase(clone);
    }
  });

  /** Hostile productions rule 18 refuses, each made on the server (production may hold fields of up to 1 GB). */
  const REFUSED = [
    {
      what: "a row too large to rewrite, before it is read whole (one byte over the limit)",
      sql: `UPDATE ticket_message SET body = repeat('x', ${MAX_ROW_BYTES + 1}) WHERE id = (SELECT min(id) FROM ticket_message)`,
      message: "A row of ticket_message is larger than 32.0 MB: too large to pseudonymise. Copy with personal data kept as in production, or shorten it.",
    },
    {
      // Not among the values read before the copy (those are refused there, beyond the same 64 KB): the copy meets it first.
      // Each address in it would grow by rule 2's domain, and draw a user name.
      what: "an e-mail address longer than any",
      sql: "UPDATE contact SET email = repeat('kari@firma.no ', 4700) WHERE id = (SELECT min(id) FROM contact)",
      message: "A value of contact.email is longer than 64.0 KB: too long to pseudonymise. Copy with personal data kept as in production, or shorten it.",
    },
    {
      // Free text is read again from each word as far as a name goes on matching: a name of a thousand words made that hours.
      what: "a company named in more words than any company, before a row is copied",
      sql: "UPDATE company SET name = repeat('alfa ', 1000) || 'omega' WHERE id = (SELECT min(id) FROM company)",
      message: "One of production's company names has more than 32 words: too long to pseudonymise. Copy with personal data kept as in production, or shorten it.",
    },
  ];

  it.each(REFUSED)("refuses $what in the customer's words, and leaves no database behind", async ({ sql, message }) => {
    const clone = await cloneDatabase(prod);
    try {
      await withClient(clone, (c) => c.query(sql));
      await expect(provision("secret-one", clone)).rejects.toMatchObject({ code: "COPY_FAILED", technical: false, message });
      expect(await databaseNames()).not.toContain(made.at(-1));
    } finally {
      await dropTestDatabase(clone);
    }
  });

  it("is refused, in the customer's words, for a production with more distinct values than one run holds", async () => {
    const read = withClient(prod, async (c) => readProductionValues([c], (await readSourceSchema(c)).tables, EMPTY_CLASSIFICATION, { values: 5 }));
    await expect(read).rejects.toMatchObject({ code: "COPY_FAILED", message: "Production holds more than 5 different phone numbers: too many to pseudonymise in one run." });
  });

  it("is refused without the sandbox's secret, before anything is created", async () => {
    await expect(provision(undefined)).rejects.toMatchObject({ code: "INVALID_OPTIONS" });
  });

  it("fails verification when a column was left as in production", async () => {
    const clone = await cloneDatabase(copy.url);
    try {
      // Sale titles name the customer company ("Hansen AS: … rollout"): as if the copy had skipped the column.
      const titles = await rows<{ id: number; title: string }>(prod, "SELECT id, title FROM sale ORDER BY id");
      await withClient(clone, async (c) => {
        for (const t of titles) await c.query("UPDATE sale SET title = $2 WHERE id = $1", [t.id, t.title]);
      });
      const result = await verifySandbox(clone, copy.report.expectations, undefined, { personalDataFindings: checkPersonalData(clone, copy.report.expectations.classification, values) });
      expect(result.ok).toBe(false);
      const offending = result.rules.find((r) => r.rule === 18)?.checks.flatMap((c) => c.offending ?? []) ?? [];
      expect(offending.join("\n")).toMatch(/^sale \d+: title holds (a person's name|a company's name|a phone number) from production/m);
      // The offending rows say where, never the production value itself.
      for (const t of titles.slice(0, 5)) expect(offending.join("\n")).not.toContain(t.title);
    } finally {
      await dropTestDatabase(clone);
    }
  });

  it("fails verification when an app authorization or webhook a refresh carried holds a production name or address", async () => {
    const clone = await cloneDatabase(copy.url);
    try {
      // Made in a copy that kept production's people, and carried unscrubbed: as if the refresh had skipped them.
      const company = await scalar(prod, "SELECT name FROM company ORDER BY id LIMIT 1");
      const person = await scalar(prod, "SELECT first_name || ' ' || last_name FROM contact ORDER BY id LIMIT 1");
      await withClient(clone, async (c) => {
        await c.query("INSERT INTO app_authorization (app_name, client_id, scopes, authorized_at) VALUES ($1 || ' sync', 'c1', 's', now())", [company]);
        await c.query("INSERT INTO webhook (name, kind, target_url, events, active, created_at) VALUES ('Tell ' || $1, 'http-post', 'https://hooks.example/x', 'contact.created', true, now())", [person]);
      });
      const result = await verifySandbox(clone, copy.report.expectations, undefined, { personalDataFindings: checkPersonalData(clone, copy.report.expectations.classification, values) });
      expect(result.ok).toBe(false);
      const offending = (result.rules.find((r) => r.rule === 18)?.checks.flatMap((c) => c.offending ?? []) ?? []).join("\n");
      expect(offending).toMatch(/^app_authorization \d+: app_name holds a (company's|person's) name/m);
      expect(offending).toMatch(/^webhook \d+: name holds a person's name/m);
    } finally {
      await dropTestDatabase(clone);
    }
  });

  it("fails verification when a message body keeps a production company across markup or an invisible character, or a phone number across lines", async () => {
    const clone = await cloneDatabase(copy.url);
    try {
      // A company none of whose words is a name: only its phrase gives it away.
      const companies = await rows<{ v: string }>(prod, "SELECT name AS v FROM company ORDER BY id");
      const company = companies.map((r) => r.v).find((c) => words(c).length >= 2 && words(c).every((w) => !values.nameWords.has(w.toLowerCase())))!;
      expect(company).toBeDefined();
      const phone = (await scalar(prod, "SELECT phone FROM contact WHERE length(regexp_replace(phone, '\\D', '', 'g')) >= 8 ORDER BY id LIMIT 1"))!;
      const middle = Math.floor(phone.length / 2);
      const space = phone.indexOf(" ", middle);
      const wrapped = space > 0 ? `${phone.slice(0, space)}\r\n${phone.slice(space + 1)}` : `${phone.slice(0, middle)}\n${phone.slice(middle)}`;
      const first = company.indexOf(" ");
      const bodies = [
        `<p>Tilbud til <b>${company.slice(0, first)}</b><br>${company.slice(first + 1)}</p>`,
        `Tilbud til ${company.slice(0, first)}\u200b${company.slice(first + 1)}`,
        `Mvh\nRing ${wrapped} i dag`,
      ];
      const ids = (await rows<{ id: number }>(clone, "SELECT id FROM ticket_message ORDER BY id LIMIT 3")).map((r) => r.id);
      await withClient(clone, async (c) => {
        for (const [i, body] of bodies.entries()) await c.query("UPDATE ticket_message SET body = $2 WHERE id = $1", [ids[i], body]);
      });
      const result = await verifySandbox(clone, copy.report.expectations, undefined, { personalDataFindings: checkPersonalData(clone, copy.report.expectations.classification, values) });
      expect(result.ok).toBe(false);
      const offending = (result.rules.find((r) => r.rule === 18)?.checks.flatMap((c) => c.offending ?? []) ?? []).join("\n");
      expect(offending).toContain(`ticket_message ${ids[0]}: body holds a company's name or an address from production`);
      expect(offending).toContain(`ticket_message ${ids[1]}: body holds a company's name or an address from production`);
      expect(offending).toContain(`ticket_message ${ids[2]}: body holds a phone number from production`);
    } finally {
      await dropTestDatabase(clone);
    }
  });

  it("fails verification when a configuration table's name holds a production name", async () => {
    const clone = await cloneDatabase(copy.url);
    try {
      // People name panels, tasks and ERP links after customers ("Orders of Hansen AS"): the copy must not keep them.
      const company = await scalar(prod, "SELECT name FROM company ORDER BY id LIMIT 1");
      const person = await scalar(prod, "SELECT first_name || ' ' || last_name FROM contact ORDER BY id LIMIT 1");
      await withClient(clone, async (c) => {
        await c.query("UPDATE web_panel SET name = 'Orders of ' || $1 WHERE id = (SELECT min(id) FROM web_panel)", [company]);
        await c.query("UPDATE scheduled_task SET name = 'Export for ' || $1 WHERE id = (SELECT min(id) FROM scheduled_task)", [person]);
        await c.query("UPDATE erp_connection SET name = $1 WHERE id = (SELECT min(id) FROM erp_connection)", [company]);
      });
      const result = await verifySandbox(clone, copy.report.expectations, undefined, { personalDataFindings: checkPersonalData(clone, copy.report.expectations.classification, values) });
      expect(result.ok).toBe(false);
      const offending = (result.rules.find((r) => r.rule === 18)?.checks.flatMap((c) => c.offending ?? []) ?? []).join("\n");
      expect(offending).toMatch(/^web_panel \d+: name holds a (company's|person's) name/m);
      expect(offending).toMatch(/^scheduled_task \d+: name holds a person's name/m);
      expect(offending).toMatch(/^erp_connection \d+: name holds a company's name/m);
    } finally {
      await dropTestDatabase(clone);
    }
  });
});
