/**
 * Rule 17, the partial copy, on a small production: the chosen company comes with
 * all its dependants (ticket → message → attachment included), rows they reference
 * at other companies come without those companies' own dependants, the customer's
 * own table follows its parent rows, every copied row is production's, and the
 * verification holds, then fails on a copy with a dependant missing or a foreign
 * key dangling.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropTestDatabase, testSandboxServerUrl } from "../testing/pg";
import { cloneDatabase, generateProduction, newSandboxName, rows, sandboxUrl, scalar, withClient } from "../testing/sanitizer-fixtures";
import { parseClassification } from "./classification";
import type { PartialShare } from "./options";
import type { RunProgress } from "./progress";
import { readForeignKeys } from "./foreign-keys";
import { buildPartialClosure, chosenCompanies, companyBucket, type RowScope } from "./partial-closure";
import { downKeysQuery, readDownKeys } from "./partial-down-keys";
import { readSourceSchema } from "./schema-reader";
import { MAX_LISTED_KEY_CHARS, pulledFromCopy, pulledInQuery, readPulledFromCopy, readPulledIn } from "./partial-pulled-in";
import { provisionSandbox } from "./provision";
import type { SanitizationReport } from "./report";
import { changeLabel } from "./rule-reports";
import { assertVerified, verifySandbox } from "./verify";

let prod: string;
const made: string[] = [];
let copy: { url: string; report: SanitizationReport };
/** The chosen company, another whose contact a chosen sale names, and a third whose contact only the customer's table names. */
let chosen: number, other: number, third: number;
let otherContact: number, thirdContact: number, chosenContact: number;
let attachmentId: number, looseAppointmentId: number;
let northRegion: number, northTerritory: number;

const classification = parseClassification({ tables: { loyalty_card: "copy", region: "copy", territory: "copy", campaign: "copy" } });

/** The copy's last progress, as its page shows it. */
let progress: RunProgress | undefined;

async function provision(share: PartialShare, productionUrl = prod) {
  const name = newSandboxName();
  made.push(name);
  const report = await provisionSandbox({
    onProgress: (p) => void (progress = p),
    productionUrl,
    sandboxServerUrl: testSandboxServerUrl(),
    databaseName: name,
    sandboxCustomerId: "Cust90014",
    serviceMailboxAddress: "support@sandbox.example",
    options: { kind: "partial", share, users: [{ associateId: 1, userPlan: "complete" }], documents: { mode: "all" }, serviceAttachments: true },
    classification,
  });
  return { url: sandboxUrl(name), report };
}

const ids = async (url: string, sql: string) => (await rows<{ id: number }>(url, sql)).map((r) => Number(r.id)).sort((a, b) => a - b);

beforeAll(async () => {
  prod = await generateProduction(14);
  await withClient(prod, async (c) => {
    // The chosen one has rows in every table that hangs off companies.
    const every = ["contact", "sale", "project", "appointment", "document", "ticket"].map((t) => `EXISTS (SELECT 1 FROM ${t} x WHERE x.company_id = c.id)`);
    chosen = (await c.query<{ id: number }>(`SELECT id FROM company c WHERE ${every.join(" AND ")} ORDER BY id LIMIT 1`)).rows[0]!.id;
    [other, third] = (await c.query<{ id: number }>("SELECT id FROM company WHERE id <> $1 ORDER BY id LIMIT 2", [chosen])).rows.map((r) => r.id) as [number, number];
    const contactOf = async (company: number) =>
      (await c.query<{ id: number }>("INSERT INTO contact (company_id, first_name, last_name, created_at, updated_at) VALUES ($1, 'Kari', 'Nordmann', now(), now()) RETURNING id", [company])).rows[0]!.id;
    chosenContact = await contactOf(chosen);
    otherContact = await contactOf(other);
    thirdContact = await contactOf(third);
    // A sale of the chosen company naming a contact at another company.
    await c.query(
      "INSERT INTO sale (company_id, contact_id, owner_id, title, amount, currency, stage, probability, created_at, updated_at) VALUES ($1, $2, 1, 'Cross-company deal', 100, 'NOK', 'lead', 10, now(), now())",
      [chosen, otherContact],
    );
    // An appointment with no company, reaching the chosen company only through its contact.
    looseAppointmentId = (
      await c.query<{ id: number }>(
        "INSERT INTO appointment (associate_id, contact_id, subject, starts_at, ends_at, created_at) VALUES (1, $1, 'Lunch', now(), now(), now()) RETURNING id",
        [chosenContact],
      )
    ).rows[0]!.id;
    // The chain ticket → message → attachment.
    const ticket = (await c.query<{ id: number }>("INSERT INTO ticket (title, status, priority, company_id, created_at, updated_at) VALUES ('Broken', 'closed', 'low', $1, now(), now()) RETURNING id", [chosen])).rows[0]!.id;
    const message = (await c.query<{ id: number }>("INSERT INTO ticket_message (ticket_id, body, created_at) VALUES ($1, 'It broke', now()) RETURNING id", [ticket])).rows[0]!.id;
    attachmentId = (
      await c.query<{ id: number }>(
        "INSERT INTO ticket_attachment (ticket_message_id, file_name, mime_type, content, size_bytes, created_at) VALUES ($1, 'a.txt', 'text/plain', 'x', 1, now()) RETURNING id",
        [message],
      )
    ).rows[0]!.id;
    // The customer's own table: its rows follow their contacts, and bring the contacts they name.
    // Its cards name a territory of a region: tables of no company, whose rows only cards pull in.
    await c.query("CREATE TABLE region (id serial PRIMARY KEY, name text NOT NULL)");
    await c.query("CREATE TABLE territory (id serial PRIMARY KEY, region_id integer NOT NULL REFERENCES region(id), name text NOT NULL)");
    [northRegion] = (await c.query<{ id: number }>("INSERT INTO region (name) VALUES ('North'), ('South') RETURNING id")).rows.map((r) => r.id) as [number];
    [northTerritory] = (
      await c.query<{ id: number }>("INSERT INTO territory (region_id, name) VALUES ($1, 'Fjords'), ($1 + 1, 'Coast') RETURNING id", [northRegion])
    ).rows.map((r) => r.id) as [number];
    await c.query(
      "CREATE TABLE loyalty_card (id serial PRIMARY KEY, contact_id integer NOT NULL REFERENCES contact(id), referred_by integer REFERENCES contact(id), territory_id integer REFERENCES territory(id), points integer NOT NULL)",
    );
    await c.query("INSERT INTO loyalty_card (contact_id, referred_by, territory_id, points) VALUES ($1, $2, $3, 10), ($2, NULL, $3 + 1, 20)", [chosenContact, thirdContact, northTerritory]);
    await c.query("ANALYZE");
  });
  copy = await provision({ by: "companies", ids: [chosen] });
}, 120_000);

afterAll(async () => {
  for (const name of made) await dropTestDatabase(sandboxUrl(name));
  await dropTestDatabase(prod);
});

describe("a partial copy of one named company", () => {
  it("holds the chosen company with every dependant of every table", async () => {
    for (const table of ["contact", "sale", "project", "appointment", "document", "ticket"]) {
      const want = await ids(prod, `SELECT id FROM ${table} WHERE company_id = ${chosen}`);
      expect(want.length, table).toBeGreaterThan(0);
      expect(await ids(copy.url, `SELECT id FROM ${table} WHERE company_id = ${chosen}`), table).toEqual(want);
    }
    const messages = `SELECT m.id FROM ticket_message m JOIN ticket t ON t.id = m.ticket_id WHERE t.company_id = ${chosen}`;
    expect(await ids(copy.url, messages)).toEqual(await ids(prod, messages));
    expect(await ids(copy.url, "SELECT id FROM ticket_attachment")).toContain(attachmentId);
    expect(await ids(copy.url, "SELECT id FROM appointment WHERE company_id IS NULL")).toContain(looseAppointmentId);
  });

  it("brings what the copied rows reference, but not those rows' own dependants", async () => {
    // The sale's contact at another company comes with its company; the customer's card names a third company's contact.
    expect(await ids(copy.url, "SELECT id FROM company")).toEqual([chosen, other, third].sort((a, b) => a - b));
    expect(await ids(copy.url, `SELECT id FROM contact WHERE company_id = ${other}`)).toEqual([otherContact]);
    expect(await ids(copy.url, `SELECT id FROM contact WHERE company_id = ${third}`)).toEqual([thirdContact]);
    expect(await ids(copy.url, `SELECT id FROM sale WHERE company_id <> ${chosen}`)).toEqual([]);
    // The customer's table follows its parent rows: the chosen contact's card, not the third company's.
    expect(await ids(copy.url, "SELECT contact_id AS id FROM loyalty_card")).toEqual([chosenContact]);
    // And brings the territory it names, which brings its region: a chain of rows pulled in with no share of their own.
    expect(await ids(copy.url, "SELECT id FROM territory")).toEqual([northTerritory]);
    expect(await ids(copy.url, "SELECT id FROM region")).toEqual([northRegion]);
    // Configuration comes whole.
    expect(await scalar(copy.url, "SELECT count(*) FROM associate")).toBe(await scalar(prod, "SELECT count(*) FROM associate"));
  });

  it("copies every row identical to production's, where no rule changes it", async () => {
    for (const table of ["sale", "project", "appointment", "ticket_attachment", "loyalty_card"]) {
      const copied = await ids(copy.url, `SELECT id FROM ${table}`);
      const digest = `SELECT md5(string_agg(x::text, '|' ORDER BY x.id)) FROM ${table} x WHERE id = ANY($1::int[])`;
      expect(await scalar(copy.url, digest, [copied]), table).toBe(await scalar(prod, digest, [copied]));
    }
  });

  it("says in the report what it chose and left out, in plain words", async () => {
    const kinds = copy.report.rules.find((r) => r.rule === 17)!;
    expect(kinds.changes["company of the chosen companies"]).toBe(1);
    expect(kinds.changes["company outside the share"]).toBeGreaterThan(0);
    expect(changeLabel(17, "company outside the share")).toBe("Companies left out (partial copy)");
    // Exactly what production holds beyond the copy, table by table, and the chosen company's rows.
    for (const table of ["company", "contact", "sale", "project", "appointment", "document", "ticket", "ticket_message", "ticket_attachment", "loyalty_card"]) {
      const left = Number(await scalar(prod, `SELECT count(*) FROM ${table}`)) - Number(await scalar(copy.url, `SELECT count(*) FROM ${table}`));
      expect(kinds.changes[`${table} outside the share`], table).toBe(left);
    }
    const chosenAppointments = `SELECT count(*) FROM appointment WHERE company_id = ${chosen} OR contact_id IN (SELECT id FROM contact WHERE company_id = ${chosen})`;
    expect(kinds.changes["appointment of the chosen companies"]).toBe(Number(await scalar(prod, chosenAppointments)));
    expect(kinds.changes["contact of the chosen companies"]).toBe(Number(await scalar(prod, `SELECT count(*) FROM contact WHERE company_id = ${chosen}`)));
    expect(changeLabel(17, "contact of the chosen companies")).toBe("Contacts of the chosen companies, copied with them");
    // Every other rule counts among the copied rows only: rule 5's closed tickets are the copied ones that were active.
    const copiedTickets = await ids(copy.url, "SELECT id FROM ticket");
    const active = await scalar(prod, "SELECT count(*) FROM ticket WHERE id = ANY($1::int[]) AND status IN ('open', 'pending', 'postponed')", [copiedTickets]);
    expect(copy.report.rules.find((r) => r.rule === 5)?.changes["ticket.closed"]).toBe(Number(active));
    expect(Number(await scalar(prod, "SELECT count(*) FROM ticket WHERE status IN ('open', 'pending', 'postponed')"))).toBeGreaterThan(Number(active));
  });

  it("passes verification, and fails it with a dependant missing, a foreign key dangling or a record nobody chose", async () => {
    const ok = await verifySandbox(copy.url, copy.report.expectations);
    expect(ok.ok).toBe(true);
    const failures = async (tamper: string) => {
      const clone = await cloneDatabase(copy.url);
      try {
        await withClient(clone, (c) => c.query(tamper));
        const result = await verifySandbox(clone, copy.report.expectations);
        expect(() => assertVerified(result)).toThrow(expect.objectContaining({ code: "VERIFY_FAILED" }));
        return result.rules.find((r) => r.rule === 17)!.checks.filter((c) => !c.ok);
      } finally {
        await dropTestDatabase(clone);
      }
    };
    const missing = await failures(`DELETE FROM ticket_attachment WHERE id = ${attachmentId}`);
    expect(missing.map((c) => c.description)).toEqual(["a partial copy: every chosen company has all its dependants"]);
    expect(missing[0]!.offending?.[0]).toMatch(/^ticket_attachment: \d+ rows of the chosen companies, production had \d+$/);
    // Replica mode skips the foreign key triggers: the row dangles while the constraint stays.
    const dangling = await failures(`SET session_replication_role = replica; UPDATE sale SET contact_id = 999999 WHERE id = (SELECT min(id) FROM sale)`);
    expect(dangling.map((c) => c.description)).toEqual(["a partial copy: every foreign key holds"]);
    expect(dangling.flatMap((c) => c.offending ?? [])).toContain("sale.contact_id → contact: 999999");
    // A company neither chosen nor named by any copied row: shown for nothing.
    const extra = await failures(`INSERT INTO company OVERRIDING SYSTEM VALUE SELECT (jsonb_populate_record(c, jsonb_build_object('id', 987654))).* FROM company c LIMIT 1`);
    expect(extra.map((c) => c.description)).toEqual(["a partial copy: no customer record beyond the chosen companies and the rows they need"]);
    expect(extra[0]!.offending).toEqual(["company: 1 row neither of the chosen companies nor named by a copied row"]);
  });
});

describe("the rows the copied rows pull in", () => {
  const records = new Set(["company", "contact", "sale", "project", "appointment", "document", "ticket", "ticket_message", "ticket_attachment", "loyalty_card", "region", "territory"]);

  it("are read once, in one statement: the contacts and companies outside the share that copied rows name", async () => {
    const pulled = await withClient(prod, async (c) => readPulledIn(c, pulledInQuery({ by: "companies", ids: [chosen] }, records, await readForeignKeys(c))));
    const keys = (table: string) => pulled.get(table)?.values.map(Number).sort((a, b) => a - b);
    expect(keys("company")).toEqual([other, third].sort((a, b) => a - b));
    expect(keys("contact")).toEqual([otherContact, thirdContact].sort((a, b) => a - b));
    // And the copy made with them holds exactly those, every foreign key intact (the verification above).
    expect(await ids(copy.url, `SELECT id FROM company WHERE id <> ${chosen}`)).toEqual(keys("company"));
  });

  it("are the same read from the copy alone, mid-copy: the keys its copied rows name that the share did not bring", async () => {
    const share = { by: "companies" as const, ids: [chosen] };
    const foreignKeys = await withClient(prod, (c) => readForeignKeys(c));
    const queries = pulledFromCopy(share, records, foreignKeys);
    // A pulled-in contact pulls in its company, a territory its region: each is read first.
    const order = queries.map((q) => q.table);
    expect([...order].sort()).toEqual(["company", "contact", "region", "territory"]);
    expect(order.indexOf("contact")).toBeLessThan(order.indexOf("company"));
    expect(order.indexOf("territory")).toBeLessThan(order.indexOf("region"));
    const query = (table: string) => queries.find((q) => q.table === table)!;
    expect(query("company").children).toContain("contact");
    expect([query("company").hasShare, query("territory").hasShare, query("region").hasShare]).toEqual([true, false, false]);
    const fromStatement = await withClient(prod, (c) => readPulledIn(c, pulledInQuery(share, records, foreignKeys)));
    const sorted = (keys: readonly string[] | undefined) => keys?.map(Number).sort((a, b) => a - b);
    // The copy as it stands when contacts' pulled-in rows are read: every other table, and
    // the shares of contacts and companies (the rows pulled in are set aside, and put back
    // before companies' are read, as the copy takes them).
    const midCopy = await cloneDatabase(copy.url);
    try {
      await withClient(midCopy, async (sandbox) => {
        await sandbox.query(`SET session_replication_role = replica;
          CREATE TABLE contact_aside (LIKE contact);
          WITH gone AS (DELETE FROM contact WHERE company_id <> ${chosen} RETURNING *) INSERT INTO contact_aside SELECT * FROM gone;
          DELETE FROM company WHERE id <> ${chosen}`);
        const contacts = await readPulledFromCopy(query("contact"), sandbox);
        expect(sorted(contacts?.values)).toEqual(sorted(fromStatement.get("contact")?.values));
        await sandbox.query("INSERT INTO contact SELECT * FROM contact_aside");
        const companies = await readPulledFromCopy(query("company"), sandbox);
        expect(sorted(companies?.values)).toEqual(sorted(fromStatement.get("company")?.values));
      });
    } finally {
      await dropTestDatabase(midCopy);
    }
  });

  it("are copied after the share, and the report adds them up: the chosen companies' contacts, the two pulled in, the rest left out", async () => {
    const changes = copy.report.rules.find((r) => r.rule === 17)!.changes;
    const copied = copy.report.tables.find((t) => t.name === "contact")!.rows;
    // Each part is a step of its own on the sandbox's page, done with its rows.
    const step = (key: string) => progress?.steps.find((s) => s.key === key);
    expect(step("table:contact (pulled in)")).toMatchObject({ label: "Copy the contact rows that copied rows refer to", state: "done", done: 2, total: 2 });
    expect(step("table:contact")).toMatchObject({ state: "done", done: copied - 2 });
    expect(step("table:territory")).toBeUndefined();
    expect(step("table:territory (pulled in)")).toMatchObject({ state: "done", done: 1 });
    expect(changes["contact of the chosen companies"]).toBe(Number(await scalar(prod, `SELECT count(*) FROM contact WHERE company_id = ${chosen}`)));
    expect(copied).toBe(changes["contact of the chosen companies"]! + 2);
    expect(changes["contact outside the share"]).toBe(Number(await scalar(prod, "SELECT count(*) FROM contact")) - copied);
  });

  // A hostile or odd production: text keys, one of them 100,000 characters. Read into the
  // worker and written into every statement, 50,000 such keys would be gigabytes.
  const longCode = "x".repeat(100_000);
  const shortCode = "SPRING-26";

  it("are left to the closure's SQL form when one is longer than a list should carry, and the copy still brings them", async () => {
    const withCampaigns = await cloneDatabase(prod);
    try {
      await campaignsPulledIn(withCampaigns);
    } finally {
      await dropTestDatabase(withCampaigns);
    }
  }, 60_000);

  async function campaignsPulledIn(withCampaigns: string) {
    await withClient(withCampaigns, (c) =>
      c.query(`CREATE TABLE campaign (code text PRIMARY KEY, title text NOT NULL);
        INSERT INTO campaign VALUES ('${longCode}', 'Long'), ('${shortCode}', 'Short'), ('UNUSED', 'Unused');
        ALTER TABLE loyalty_card ADD COLUMN campaign_code text REFERENCES campaign(code);
        UPDATE loyalty_card SET campaign_code = '${longCode}' WHERE contact_id = ${chosenContact};
        ANALYZE`),
    );
    const share = { by: "companies" as const, ids: [chosen] };
    const withCampaign = new Set([...records, "campaign"]);
    const read = async () => withClient(withCampaigns, async (c) => readPulledIn(c, pulledInQuery(share, withCampaign, await readForeignKeys(c))));
    const pulled = await read();
    expect(pulled.has("campaign")).toBe(false);
    // The other tables' lists are still read.
    expect(pulled.get("contact")?.values.length).toBe(2);
    // Keys within the bound are listed as before.
    await withClient(withCampaigns, (c) => c.query(`UPDATE loyalty_card SET campaign_code = '${shortCode}' WHERE contact_id = ${chosenContact}`));
    expect((await read()).get("campaign")?.values).toEqual([shortCode]);
    expect(shortCode.length).toBeLessThanOrEqual(MAX_LISTED_KEY_CHARS);

    // The long one again, copied: the closure's SQL brings the campaign the card names, and only it.
    await withClient(withCampaigns, (c) => c.query(`UPDATE loyalty_card SET campaign_code = '${longCode}' WHERE contact_id = ${chosenContact}`));
    // provisionSandbox returns only once its verification passed: every foreign key holds.
    const { url, report } = await provision(share, withCampaigns);
    expect(report.tables.find((t) => t.name === "campaign")?.rows).toBe(1);
    expect(await rows<{ n: number }>(url, "SELECT length(code) AS n FROM campaign")).toEqual([{ n: longCode.length }]);

    // And read mid-copy from a copy that holds the card but not yet its campaign, the same: no list.
    const fromCopy = pulledFromCopy(share, withCampaign, await withClient(withCampaigns, (c) => readForeignKeys(c))).find((q) => q.table === "campaign")!;
    await withClient(withCampaigns, async (midCopy) => {
      await midCopy.query("SET session_replication_role = replica; DELETE FROM campaign");
      expect(await readPulledFromCopy(fromCopy, midCopy)).toBeNull();
      await midCopy.query(`INSERT INTO campaign VALUES ('${shortCode}', 'Short'); UPDATE loyalty_card SET campaign_code = '${shortCode}' WHERE contact_id = ${chosenContact}`);
      expect(await readPulledFromCopy(fromCopy, midCopy)).toEqual({ column: "code", values: [] }); // held already: nothing beyond
      await midCopy.query("DELETE FROM campaign");
      expect((await readPulledFromCopy(fromCopy, midCopy))?.values).toEqual([shortCode]);
    });
  }
});

describe("the chosen rows' keys", () => {
  const records = new Set(["company", "contact", "sale", "project", "appointment", "document", "ticket", "ticket_message", "ticket_attachment", "loyalty_card", "region", "territory"]);

  it("are read once on production, and every table's share found through them is the share found in SQL", async () => {
    const share = { by: "companies" as const, ids: [chosen] };
    await withClient(prod, async (c) => {
      const foreignKeys = await readForeignKeys(c);
      const schema = await readSourceSchema(c);
      const typeOf = (table: string, column: string) => schema.tables.find((t) => t.name === table)?.columns.find((x) => x.name === column)?.type;
      const keys = await readDownKeys(c, downKeysQuery(share, records, foreignKeys, typeOf, () => 0));
      const sorted = (values: readonly string[] | undefined) => values?.map(Number).sort((a, b) => a - b);
      expect(sorted(keys.get("company")?.values)).toEqual([chosen]);
      expect(sorted(keys.get("contact")?.values)).toEqual(await ids(prod, `SELECT id FROM contact WHERE company_id = ${chosen}`));
      expect(keys.has("ticket")).toBe(true);
      const inSql = buildPartialClosure(share, records, foreignKeys);
      const byKeys = buildPartialClosure(share, records, foreignKeys, new Map(), new Map(), keys);
      for (const table of records) {
        const found = (scope: RowScope, where: "where" | "members") => ids(prod, `${scope.ctes}SELECT id FROM public.${table} WHERE ${scope[where]}`);
        expect(await found(byKeys.get(table)!, "where"), table).toEqual(await found(inSql.get(table)!, "where"));
        expect(await found(byKeys.get(table)!, "members"), table).toEqual(await found(inSql.get(table)!, "members"));
      }
      // The appointments of the chosen contacts are found without reading contacts again.
      expect(byKeys.get("appointment")!.ctes).not.toContain(`public."contact"`);
      expect(await ids(prod, `${byKeys.get("appointment")!.ctes}SELECT id FROM public.appointment WHERE ${byKeys.get("appointment")!.where}`)).toContain(looseAppointmentId);
    });
  });
});

describe("choosing the companies", () => {
  const chosenIds = async (share: PartialShare) => ids(prod, `SELECT id FROM company WHERE ${chosenCompanies(share)}`);

  it("picks a percentage spread by a hash of the id, the same one every time, as the engine computes it", async () => {
    const all = await ids(prod, "SELECT id FROM company");
    const picked = await chosenIds({ by: "percent", percent: 30 });
    expect(picked).toEqual(all.filter((id) => companyBucket(id) < 30));
    expect(picked).toEqual(await chosenIds({ by: "percent", percent: 30 }));
    // Not "the first N": the picks are spread over the whole id range.
    expect(picked.some((id) => id > all[Math.floor(all.length / 2)]!)).toBe(true);
    expect(picked.some((id) => id < all[Math.floor(all.length / 2)]!)).toBe(true);
  });

  it("picks the companies changed since a date", async () => {
    const [row] = await rows<{ d: string }>(prod, "SELECT to_char(percentile_disc(0.5) WITHIN GROUP (ORDER BY updated_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS d FROM company");
    const since = row!.d;
    expect(await chosenIds({ by: "since", since })).toEqual(await ids(prod, `SELECT id FROM company WHERE updated_at >= '${since}T00:00:00Z'::timestamptz`));
  });
});
