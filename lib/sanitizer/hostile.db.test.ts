/**
 * Production is untrusted input (rules 0 and 16), tried as a hostile customer would:
 * executable defaults, CHECKs and triggers with visible side effects, every other
 * kind of schema object, hostile names, and URL spellings that still reach Service.
 * Side effects are rows in a `tripwire` table of the database the code runs in: if
 * anything production defines ran on the sandbox server, the sandbox's count would change.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropTestDatabase, testSandboxServerUrl } from "../testing/pg";
import { EMPTY_CLASSIFICATION, parseClassification, type Classification } from "./classification";
import { describeFailure, isTransient } from "../jobs/failure";
import type { SchemaObject } from "./schema-objects";
import { databaseNames, generateProduction, newSandboxName, provisionClassified, rows, sandboxUrl, scalar, schemaShape, withClient } from "../testing/sanitizer-fixtures";
import { provisionSandbox } from "./provision";
import { rewriteWebPanelUrl } from "./rules/rule-06-web-panels";
import { reachesService } from "./rules/rule-06-service-reach";

const made: string[] = [];
const productions: string[] = [];

const provision = (productionUrl: string, classification: Classification) => provisionClassified(productionUrl, classification, made, "90666");

async function production(seed: number): Promise<string> {
  const url = await generateProduction(seed);
  productions.push(url);
  return url;
}

afterAll(async () => {
  for (const name of made) await dropTestDatabase(sandboxUrl(name));
  for (const url of productions) await dropTestDatabase(url);
});

/**
 * A CHECK, a DEFAULT and a trigger whose functions leave marks: a row in `tripwire`,
 * a NOTICE, and (for the trigger) a read of a server file.
 */
const EXECUTABLES = `
  CREATE TABLE tripwire (id serial PRIMARY KEY, what text NOT NULL);
  CREATE FUNCTION tripwire_check(v text) RETURNS boolean LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO public.tripwire (what) VALUES ('check ' || v); RAISE NOTICE 'check fired'; RETURN true; END $$;
  CREATE FUNCTION tripwire_default() RETURNS text LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO public.tripwire (what) VALUES ('default'); RETURN 'x'; END $$;
  CREATE FUNCTION tripwire_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO public.tripwire (what) VALUES ('trigger ' || TG_TABLE_NAME);
      PERFORM pg_catalog.pg_read_file('/etc/hostname');
      RETURN NEW;
    END $$;
  ALTER TABLE company ADD CONSTRAINT company_name_watched CHECK (tripwire_check(name));
  ALTER TABLE company ADD COLUMN nickname text DEFAULT tripwire_default();
  CREATE TRIGGER company_touch BEFORE INSERT OR UPDATE ON company FOR EACH ROW EXECUTE FUNCTION tripwire_trigger();
  CREATE TRIGGER preference_touch BEFORE INSERT OR UPDATE ON preference FOR EACH ROW EXECUTE FUNCTION tripwire_trigger();
  CREATE TRIGGER web_panel_touch BEFORE INSERT OR UPDATE ON web_panel FOR EACH ROW EXECUTE FUNCTION tripwire_trigger();`;

const EXECUTABLE_OBJECTS: SchemaObject[] = [
  { kind: "check constraint", table: "company", name: "company_name_watched" },
  { kind: "default", table: "company", name: "nickname" },
  { kind: "trigger", table: "company", name: "company_touch" },
  { kind: "trigger", table: "preference", name: "preference_touch" },
  { kind: "trigger", table: "web_panel", name: "web_panel_touch" },
  { kind: "function", table: null, name: "tripwire_check(v text)" },
  { kind: "function", table: null, name: "tripwire_default()" },
  { kind: "function", table: null, name: "tripwire_trigger()" },
];

const leaveOut = (objects: SchemaObject[]) => objects.map((o) => ({ ...o, treatment: "leave-out" as const }));

describe("a production with executable objects that have side effects", () => {
  let prod: string;
  let marks: string;

  beforeAll(async () => {
    prod = await production(61);
    await withClient(prod, (c) => c.query(EXECUTABLES));
    // The objects fire in production itself, as they would for the CRM's users.
    await withClient(prod, (c) => c.query("UPDATE company SET name = name WHERE id <= 3"));
    marks = (await scalar(prod, "SELECT count(*) FROM tripwire")) ?? "";
    expect(Number(marks)).toBeGreaterThan(0);
  });

  it("is refused before any database is created, naming each object, and nothing ran", async () => {
    const { name, promise } = provision(prod, parseClassification({ columns: { "company.nickname": "keep" }, tables: { tripwire: "copy" } }));
    const error = (await promise.catch((e: unknown) => e)) as Error & { code: string };
    expect(error.code).toBe("DRIFT");
    expect(error.message).toContain('check constraint "company_name_watched" on table "company"');
    expect(error.message).toContain('default "nickname" on table "company"');
    expect(error.message).toContain('trigger "company_touch" on table "company"');
    expect(error.message).toContain('function "tripwire_trigger()"');
    expect(await databaseNames()).not.toContain(name);
    expect(await scalar(prod, "SELECT count(*) FROM tripwire")).toBe(marks);
  });

  it("classified leave-out, gets a sandbox without them; writes on the sandbox fire nothing", async () => {
    const { url, promise } = provision(
      prod,
      parseClassification({ columns: { "company.nickname": "keep" }, tables: { tripwire: "copy" }, objects: leaveOut(EXECUTABLE_OBJECTS) }),
    );
    await promise;
    expect(await scalar(url, "SELECT count(*) FROM tripwire"), "SELECT count(*) FROM tripwire").toBe(marks);
    expect(await scalar(url, "SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace"), "SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace").toBe("0");
    expect(await scalar(url, "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"), "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal").toBe("0");
    expect(await scalar(url, "SELECT count(*) FROM pg_constraint WHERE contype = 'c' AND connamespace = 'public'::regnamespace"), "SELECT count(*) FROM pg_constraint WHERE contype = 'c' AND connamespace = 'public'::regnamespace").toBe("0");
    expect(await scalar(url, "SELECT count(*) FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE a.attname = 'nickname'"), "SELECT count(*) FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE a.attname = 'nickname'").toBe("0");
    // The column kept its production values.
    expect(await scalar(url, "SELECT count(*) FROM company WHERE nickname = 'x'"), "SELECT count(*) FROM company WHERE nickname = 'x'").toBe(await scalar(prod, "SELECT count(*) FROM company WHERE nickname = 'x'"));
    // What would have fired them in production fires nothing on the sandbox.
    await withClient(url, async (c) => {
      await c.query("INSERT INTO company (name, owner_id, created_at, updated_at) VALUES ('New AS', 1, now(), now())");
      await c.query("UPDATE preference SET value = value");
      await c.query("UPDATE web_panel SET visible = NOT visible");
    });
    expect(await scalar(url, "SELECT count(*) FROM tripwire"), "SELECT count(*) FROM tripwire").toBe(marks);
    expect(await scalar(prod, "SELECT count(*) FROM tripwire")).toBe(marks);
  });
});

describe("every kind of schema object counts for drift", () => {
  let prod: string;
  const OBJECTS: SchemaObject[] = [
    { kind: "view", table: null, name: "company_names" },
    { kind: "materialized view", table: null, name: "sale_totals" },
    { kind: "rule", table: "ticket", name: "ticket_no_delete" },
    { kind: "row-level security", table: "contact", name: "enabled" },
    { kind: "policy", table: "contact", name: "contact_mine" },
    { kind: "function", table: null, name: "add_one(integer)" },
    { kind: "procedure", table: null, name: "noop()" },
    { kind: "domain", table: null, name: "positive" },
    { kind: "type", table: null, name: "pair" },
    { kind: "enum type", table: null, name: "mood" },
    { kind: "extension", table: null, name: "citext" },
    { kind: "partitioned table", table: null, name: "events" },
    { kind: "partition", table: "events", name: "events_2026" },
    { kind: "sequence", table: null, name: "invoice_numbers" },
    { kind: "generated column", table: "sale", name: "amount_cents" },
    { kind: "check constraint", table: "sale", name: "sale_amount_positive" },
    { kind: "expression index", table: "company", name: "company_lower_name" },
    { kind: "partial index", table: "ticket", name: "ticket_open" },
    { kind: "schema", table: null, name: "crm_extra" },
    { kind: "event trigger", table: null, name: "no_ddl" },
    { kind: "statistics", table: "sale", name: "sale_stats" },
    { kind: "unique constraint", table: "company", name: "company_org_number_key" },
  ];

  beforeAll(async () => {
    prod = await production(62);
    await withClient(prod, (c) =>
      c.query(`
        CREATE VIEW company_names AS SELECT name FROM company;
        CREATE MATERIALIZED VIEW sale_totals AS SELECT sum(amount) AS total FROM sale;
        CREATE RULE ticket_no_delete AS ON DELETE TO ticket DO INSTEAD NOTHING;
        ALTER TABLE contact ENABLE ROW LEVEL SECURITY;
        CREATE POLICY contact_mine ON contact USING (true);
        CREATE FUNCTION add_one(integer) RETURNS integer LANGUAGE sql AS 'SELECT $1 + 1';
        CREATE PROCEDURE noop() LANGUAGE sql AS 'SELECT 1';
        CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
        CREATE TYPE pair AS (a integer, b integer);
        CREATE TYPE mood AS ENUM ('happy', 'sad');
        CREATE EXTENSION citext;
        CREATE TABLE events (at date NOT NULL) PARTITION BY RANGE (at);
        CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
        CREATE SEQUENCE invoice_numbers START 1000;
        SELECT nextval('invoice_numbers');
        ALTER TABLE sale ADD COLUMN amount_cents numeric GENERATED ALWAYS AS (amount * 100) STORED;
        ALTER TABLE sale ADD CONSTRAINT sale_amount_positive CHECK (amount >= 0);
        CREATE INDEX company_lower_name ON company (lower(name));
        CREATE INDEX ticket_open ON ticket (id) WHERE status = 'open';
        CREATE SCHEMA crm_extra;
        CREATE FUNCTION crm_extra.block_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN NULL; END $$;
        CREATE EVENT TRIGGER no_ddl ON ddl_command_start EXECUTE FUNCTION crm_extra.block_ddl();
        CREATE STATISTICS sale_stats ON company_id, owner_id FROM sale;
        ALTER TABLE company ADD CONSTRAINT company_org_number_key UNIQUE (org_number);`),
    );
  });

  afterAll(async () => {
    // Event triggers are server-wide objects of that database: dropping the database drops it.
    await withClient(prod, (c) => c.query("DROP EVENT TRIGGER no_ddl"));
  });

  it("refuses each unclassified one, by kind, table and name, creating nothing", async () => {
    const { name, promise } = provision(prod, parseClassification({ columns: { "sale.amount_cents": "keep" } }));
    const error = (await promise.catch((e: unknown) => e)) as Error & { code: string; details: { unclassifiedObjects: SchemaObject[] } };
    expect(error.code).toBe("DRIFT");
    for (const o of OBJECTS) expect(error.details.unclassifiedObjects, `${o.kind} ${o.name}`).toContainEqual(o);
    expect(error.details.unclassifiedObjects).toContainEqual({ kind: "function", table: null, name: "block_ddl()" });
    expect(await databaseNames()).not.toContain(name);
  });

  it("copies what has no executable part when classified copy, and leaves out the rest", async () => {
    const objects = [
      ...OBJECTS.map((o) => ({ ...o, treatment: ["enum type", "sequence", "unique constraint"].includes(o.kind) ? ("copy" as const) : ("leave-out" as const) })),
      { kind: "function" as const, table: null, name: "block_ddl()", treatment: "leave-out" as const },
    ];
    const { url, promise } = provision(prod, parseClassification({ columns: { "sale.amount_cents": "keep" }, objects }));
    await promise;
    expect(await scalar(url, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('v', 'm', 'p')"), "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('v', 'm', 'p')").toBe("0");
    expect(await scalar(url, "SELECT count(*) FROM pg_policy"), "SELECT count(*) FROM pg_policy").toBe("0");
    expect(await scalar(url, "SELECT relrowsecurity FROM pg_class WHERE oid = 'contact'::regclass"), "SELECT relrowsecurity FROM pg_class WHERE oid = 'contact'::regclass").toBe("false");
    expect(await scalar(url, "SELECT count(*) FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class WHERE r.rulename <> '_RETURN' AND c.relnamespace = 'public'::regnamespace"), "SELECT count(*) FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class WHERE r.rulename <> '_RETURN' AND c.relnamespace = 'public'::regnamespace").toBe("0");
    expect(await scalar(url, "SELECT count(*) FROM pg_extension WHERE extname <> 'plpgsql'"), "SELECT count(*) FROM pg_extension WHERE extname <> 'plpgsql'").toBe("0");
    expect(await scalar(url, "SELECT count(*) FROM pg_namespace WHERE nspname = 'crm_extra'"), "SELECT count(*) FROM pg_namespace WHERE nspname = 'crm_extra'").toBe("0");
    expect(await scalar(url, "SELECT attgenerated FROM pg_attribute WHERE attrelid = 'sale'::regclass AND attname = 'amount_cents'"), "SELECT attgenerated FROM pg_attribute WHERE attrelid = 'sale'::regclass AND attname = 'amount_cents'").toBe("");
    expect(await scalar(url, "SELECT count(*) FROM sale WHERE amount_cents = amount * 100"), "SELECT count(*) FROM sale WHERE amount_cents = amount * 100").toBe(await scalar(url, "SELECT count(*) FROM sale"));
    expect(await rows(url, "SELECT enum_range(NULL::mood)::text AS r")).toEqual([{ r: "{happy,sad}" }]);
    expect(await scalar(url, "SELECT last_value FROM invoice_numbers"), "SELECT last_value FROM invoice_numbers").toBe("1000");
    expect(await scalar(url, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'company_org_number_key'"), "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'company_org_number_key'").toBe("UNIQUE (org_number)");
    expect(await scalar(url, "SELECT count(*) FROM pg_indexes WHERE indexname IN ('company_lower_name', 'ticket_open')"), "SELECT count(*) FROM pg_indexes WHERE indexname IN ('company_lower_name', 'ticket_open')").toBe("0");
  });

  it("refuses `copy` for an object with an executable part", () => {
    expect(() => parseClassification({ objects: [{ kind: "trigger", table: "company", name: "t", treatment: "copy" }] })).toThrow(/executable part/);
    expect(() => parseClassification({ objects: [{ kind: "default", table: "company", name: "c", treatment: "copy" }] })).toThrow(/executable part/);
  });
});

describe("a production that holds a system-wide opt-in twice (the unique key takes NULLs as distinct)", () => {
  it("copies with every row of it No, and passes the check", async () => {
    const prod = await production(65);
    await withClient(prod, (c) =>
      c.query(`INSERT INTO preference (section, name, value, associate_id) VALUES ('System', 'Statistics OptIn - Configured', 'Yes', NULL), ('System', 'UserSync OptIn - Configured', 'No', NULL)`),
    );
    const { url, promise } = provision(prod, EMPTY_CLASSIFICATION);
    await promise;
    const optIns = await rows<{ name: string; value: string | null }>(url, "SELECT name, value FROM preference WHERE section = 'System' AND name LIKE '%OptIn - Configured' AND associate_id IS NULL ORDER BY name, id");
    expect(optIns.map((r) => r.name)).toEqual(["Statistics OptIn - Configured", "Statistics OptIn - Configured", "UserSync OptIn - Configured", "UserSync OptIn - Configured"]);
    expect(optIns.every((r) => r.value === "No")).toBe(true);
  });
});

describe("a production with no CHECK on ticket status", () => {
  it("closes open tickets however their status is spelled, and fails closed on a status the contract does not know", async () => {
    const prod = await production(66);
    const spelled = ["Open", " pending ", "POSTPONED"];
    const ids = await withClient(prod, async (c) => {
      const made: number[] = [];
      for (const status of spelled) {
        made.push((await c.query<{ id: number }>("INSERT INTO ticket (title, status, priority, created_at, updated_at) VALUES ('Spelled', $1, 'low', now(), now()) RETURNING id", [status])).rows[0]!.id);
      }
      return made;
    });
    const first = provision(prod, EMPTY_CLASSIFICATION);
    await first.promise;
    expect(await rows(first.url, `SELECT status, closed_at IS NOT NULL AS closed FROM ticket WHERE id IN (${ids.join(",")})`)).toEqual(spelled.map(() => ({ status: "closed", closed: true })));

    // "waiting" may be open in this customer's CRM: nobody can tell, so no sandbox is released.
    await withClient(prod, (c) => c.query("UPDATE ticket SET status = 'waiting' WHERE id = $1", [ids[0]]));
    const second = provision(prod, EMPTY_CLASSIFICATION);
    const error = (await second.promise.catch((e: unknown) => e)) as Error & { code: string };
    expect(error.code).toBe("VERIFY_FAILED");
    expect(error.message).toContain(`ticket ${ids[0]}: status 'waiting' is none of open, pending, postponed, closed, deleted`);
    expect(await databaseNames()).not.toContain(second.name);
  });
});

describe("a production whose tables inherit (INHERITS)", () => {
  it("is refused before any database is created, whatever the tables' classification: a parent's rows are read with its children's", async () => {
    const prod = await production(64);
    await withClient(prod, (c) =>
      c.query(`-- An inbox's mail under a table of the customer's own: read as that table, it would pass every inbox rule.
        CREATE TABLE mail_base AS SELECT body FROM inbox_message WHERE false;
        ALTER TABLE inbox_message INHERIT mail_base;
        -- Rows left out of a contract table, as a table of its own that is skipped.
        CREATE TABLE contact_erased () INHERITS (contact);
        INSERT INTO contact_erased (company_id, first_name, last_name, created_at, updated_at) VALUES (1, 'Erased', 'Person', now(), now())`),
    );
    // The id default the inheriting table takes from contact is left out, as any other default would be.
    const idDefault = { kind: "default" as const, table: "contact_erased", name: "id", treatment: "leave-out" as const };
    const { name, promise } = provision(prod, parseClassification({ tables: { mail_base: "copy", contact_erased: "skip" }, objects: [idDefault] }));
    const error = (await promise.catch((e: unknown) => e)) as Error & { code: string };
    expect(error.code).toBe("INVALID_CLASSIFICATION");
    expect(error.message).toContain('table "inbox_message" inherits from "mail_base"');
    expect(error.message).toContain('table "contact_erased" inherits from "contact"');
    expect(await databaseNames()).not.toContain(name);
    // Leaving the inheritance out changes nothing: the rows would still travel with the parent.
    const objects = [
      idDefault,
      { kind: "inheritance" as const, table: "inbox_message", name: "mail_base", treatment: "leave-out" as const },
      { kind: "inheritance" as const, table: "contact_erased", name: "contact", treatment: "leave-out" as const },
    ];
    const again = provision(prod, parseClassification({ tables: { mail_base: "copy", contact_erased: "skip" }, objects }));
    expect(await again.promise.catch((e: unknown) => (e as { code: string }).code)).toBe("INVALID_CLASSIFICATION");
  });
});

const HOSTILE = {
  quote: 'pk"; DROP DATABASE postgres; --',
  semicolon: "idx; SELECT pg_sleep(10)",
  unicode: "índice_ñ_😀_インデックス",
  long: "x".repeat(63),
  sequence: "seq'); SELECT 1; --",
};

const URL_SPELLINGS = [
  "  https://online3.superoffice.com/Cust40417/CS/Scripts/ticket.fcgi?a=1  ",
  "https:\\\\online3.superoffice.com\\Cust40417\\CS\\Scripts\\rms.fcgi",
  "//ONLINE3.superoffice.com./cust40417/cs/scripts/customer.fcgi#frag",
  "https://me:pw@online3.superoffice.com:443/Cust40417/CS/Scripts/blogic.fcgi",
  "https://online3.superoffice.com/Cust40417/%43S/x/../Scripts//ticket.fcgi;s=1/?q=2",
  "https://crm.sandbox-test.example/Cust40417/CS/Scripts/ticket.fcgi/",
  // The browser drops `a%2Fb/..` before decoding; the server decodes `%2E` and drops `;%FF`.
  "https://online3.superoffice.com/Cust40417/CS/Scripts/a%2Fb/../ticket%2Efcgi;%FF?q=3",
];

describe("a contract-exact production with hostile names, identity ids and no opt-in rows", () => {
  let prod: string;
  let url: string;

  beforeAll(async () => {
    prod = await production(63);
    await withClient(prod, async (c) => {
      await c.query(`
        UPDATE installation SET service_base_url = 'https://crm.sandbox-test.example/Cust40417/CS';
        ALTER TABLE company RENAME CONSTRAINT company_pkey TO ${ident(HOSTILE.quote)};
        ALTER INDEX associate_username_key RENAME TO ${ident(HOSTILE.unicode)};
        ALTER TABLE sale RENAME CONSTRAINT sale_owner_id_fkey TO ${ident(HOSTILE.long)};
        CREATE INDEX ${ident(HOSTILE.semicolon)} ON company (name);
        ALTER SEQUENCE contact_id_seq RENAME TO ${ident(HOSTILE.sequence)};
        ALTER TABLE ticket ADD CONSTRAINT ticket_status_check CHECK (status IN ('closed', 'open', 'pending', 'postponed', 'deleted'));
        ALTER TABLE sale ADD CONSTRAINT sale_probability_check CHECK (probability BETWEEN 0 AND 100);
        ALTER TABLE installation ADD CONSTRAINT installation_single CHECK (id = 1);
        ALTER TABLE installation ADD CONSTRAINT installation_customer_id_key UNIQUE (customer_id);
        DROP INDEX preference_section_name_associate_id_key;
        ALTER TABLE preference ADD CONSTRAINT preference_unique UNIQUE (section, name, associate_id);
        DELETE FROM preference WHERE section = 'System' AND name LIKE '%OptIn - Configured' AND associate_id IS NULL;`);
      // Identity ids, ALWAYS and BY DEFAULT, continuing after production's rows.
      for (const [table, kind] of [["erp_connection", "ALWAYS"], ["service_mailbox", "ALWAYS"], ["webhook", "BY DEFAULT"], ["web_panel", "BY DEFAULT"]] as const) {
        const next = Number(await scalar(prod, `SELECT coalesce(max(id), 0) + 1 FROM ${table}`));
        await c.query(`ALTER TABLE ${table} ALTER id DROP DEFAULT; DROP SEQUENCE ${table}_id_seq;
                       ALTER TABLE ${table} ALTER id ADD GENERATED ${kind} AS IDENTITY (START WITH ${next})`);
      }
      for (const u of URL_SPELLINGS) {
        await c.query("INSERT INTO web_panel (name, url, location, visible, created_at) VALUES ('hostile', $1, 'navigator', true, now())", [u]);
      }
    });
    const made = provision(prod, EMPTY_CLASSIFICATION);
    await made.promise;
    url = made.url;
  });

  it("copies with a schema identical to production's (rule 13)", async () => {
    const [p, s] = await Promise.all([schemaShape(prod), schemaShape(url)]);
    expect(s).toEqual(p);
    expect(await scalar(url, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'ticket_status_check'"), "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'ticket_status_check'").toBe(
      "CHECK ((status = ANY (ARRAY['closed'::text, 'open'::text, 'pending'::text, 'postponed'::text, 'deleted'::text])))",
    );
    for (const name of Object.values(HOSTILE)) {
      const named = "SELECT count(*) FROM (SELECT relname AS n FROM pg_class UNION ALL SELECT conname FROM pg_constraint) x WHERE n = $1";
      expect(Number(await scalar(url, named, [name])), name).toBeGreaterThan(0);
    }
  });

  it("rule 11: creates both opt-ins as No, with ids from the sequence past the copied maximum", async () => {
    expect(await rows(url, "SELECT name, value FROM preference WHERE section = 'System' AND name LIKE '%OptIn - Configured' AND associate_id IS NULL ORDER BY name")).toEqual([
      { name: "Statistics OptIn - Configured", value: "No" },
      { name: "UserSync OptIn - Configured", value: "No" },
    ]);
    const maxProd = Number(await scalar(prod, "SELECT max(id) FROM preference"));
    expect(Number(await scalar(url, "SELECT min(id) FROM preference WHERE name LIKE '%OptIn - Configured' AND associate_id IS NULL"))).toBeGreaterThan(maxProd);
  });

  it("rule 6: every URL spelling that still reaches Service is neutralised", async () => {
    const base = "https://crm.sandbox-test.example/Cust40417/CS";
    const copied = await rows<{ url: string }>(url, "SELECT url FROM web_panel WHERE name = 'hostile' ORDER BY id");
    expect(copied.map((r) => r.url)).toEqual(URL_SPELLINGS.map((u) => rewriteWebPanelUrl(u, base)));
    for (const u of URL_SPELLINGS) expect(reachesService(u, base), u).toBe(true);
    for (const r of copied) expect(reachesService(r.url, base), r.url).toBe(false);
    expect(copied.map((r) => r.url)).toEqual(["<csti>?a=1", "<csrm>", "<cscu>#frag", "<csbl>", "<csti>?q=2", "<csti>", "<csti>?q=3"]);
  });
});

describe("a production whose rows break its own foreign keys (written with its triggers off)", () => {
  it("fails the copy at the keys for good, naming the table but no value or constraint, and leaves no database", async () => {
    const prod = await production(57);
    await withClient(prod, (c) => c.query("SET session_replication_role = replica; UPDATE sale SET contact_id = 999999 WHERE id = (SELECT min(id) FROM sale)"));
    const made = provision(prod, EMPTY_CLASSIFICATION);
    const failure = await made.promise.then(() => null, (error: unknown) => error as Error);
    expect(failure).toMatchObject({ code: "BROKEN_REFERENCES", message: expect.stringContaining("in sale") });
    // Every attempt would meet the same rows: the queue does not try again.
    expect(isTransient(failure)).toBe(false);
    const reason = describeFailure(failure);
    expect(reason).toMatch(/inconsistent.*retrying will not help.*in sale/s);
    // The constraint's name and the values are the driver's: operators read them in the log.
    for (const text of [failure!.message, reason]) expect(text).not.toMatch(/999999|fkey|contact_id/);
    expect(await databaseNames()).not.toContain(made.name);
  });
});

describe("a production whose database sets its own date, interval and number styles", () => {
  it("is copied with every time and number as production holds them, personal data kept or pseudonymised", async () => {
    const prod = await production(58);
    const database = new URL(prod).pathname.slice(1);
    // Its own sessions' settings, which the portal's sessions to it take on too unless they ask otherwise.
    await withClient(prod, (c) =>
      c.query(`ALTER DATABASE ${database} SET DateStyle = 'SQL, DMY'; ALTER DATABASE ${database} SET IntervalStyle = 'sql_standard'; ALTER DATABASE ${database} SET extra_float_digits = -15`),
    );
    const times = "SELECT string_agg(to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), ',' ORDER BY id) FROM contact";
    const expected = await scalar(prod, times);
    const kept = provision(prod, EMPTY_CLASSIFICATION);
    await kept.promise;
    expect(await scalar(kept.url, times)).toBe(expected);
    // Pseudonymised, the rows travel as text in the session's styles.
    const name = newSandboxName();
    made.push(name);
    await provisionSandbox({
      productionUrl: prod,
      sandboxServerUrl: testSandboxServerUrl(),
      databaseName: name,
      sandboxCustomerId: "Cust90667",
      serviceMailboxAddress: "support@sandbox90667.example",
      options: { personalData: "pseudonymise" },
      pseudonymSecret: "styles",
      classification: EMPTY_CLASSIFICATION,
    });
    expect(await scalar(sandboxUrl(name), times)).toBe(expected);
  });
});

describe("a production whose columns use a collation the sandbox server lacks (a 15 lacks 17's pg_c_utf8 and 18's pg_unicode_fast)", () => {
  it("fails for good before its tables, naming the collation and its columns in words, and leaves no database", async () => {
    const prod = await production(58);
    // In production's pg_catalog, as pg_import_system_collations puts a server's locales: the sandbox's database (from template0) has none of it.
    await withClient(prod, (c) => c.query("CREATE COLLATION pg_catalog.nordic_sort (provider = icu, locale = 'nb-NO'); CREATE TABLE loyalty (id int PRIMARY KEY, note text COLLATE pg_catalog.nordic_sort)"));
    const made = provision(prod, parseClassification({ tables: { loyalty: "copy" } }));
    const failure = await made.promise.then(() => null, (error: unknown) => error as Error);
    expect(failure).toMatchObject({ code: "COPY_FAILED", technical: false, message: expect.stringContaining('"nordic_sort" ("loyalty.note")') });
    expect(isTransient(failure)).toBe(false);
    expect(await databaseNames()).not.toContain(made.name);
  });
});

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
