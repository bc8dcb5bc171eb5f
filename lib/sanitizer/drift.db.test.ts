/**
 * Rule 0 (drift) and rule 15 (a sandbox is never a source), on a production of
 * this file's own that the tests alter: refused before anything is created, with
 * every offender named; classified extras copied as classified.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropTestDatabase, testSandboxServerUrl } from "../testing/pg";
import { EMPTY_CLASSIFICATION, parseClassification, type Classification } from "./classification";
import { provisionSandbox } from "./provision";
import { quoteIdent } from "./sql";
import { describeFailure, MAX_REASON_LENGTH } from "../jobs/failure";
import { cloneDatabase, databaseNames, generateProduction, newSandboxName, rows, sandboxUrl, scalar, withClient } from "../testing/sanitizer-fixtures";

let prod: string;
const made: string[] = [];

/** The extra tables' own objects: an executable default and expression index left out, a unique key copied. */
const OBJECTS = [
  { kind: "default", table: "audit_log", name: "at", treatment: "leave-out" },
  { kind: "unique constraint", table: "region", name: "region_name_key", treatment: "copy" },
  { kind: "expression index", table: "region", name: "region_lower_name", treatment: "leave-out" },
];

function run(classification: Classification, url = prod) {
  const name = newSandboxName();
  made.push(name);
  return {
    name,
    promise: provisionSandbox({
      productionUrl: url,
      sandboxServerUrl: testSandboxServerUrl(),
      databaseName: name,
      sandboxCustomerId: "Cust90004",
      serviceMailboxAddress: "support@sandbox.example",
      options: {},
      classification,
    }),
  };
}

beforeAll(async () => {
  prod = await generateProduction(31);
  await withClient(prod, async (c) => {
    await c.query("ALTER TABLE company ADD COLUMN vat_code text");
    await c.query("ALTER TABLE contact ADD COLUMN private_email text, ADD COLUMN shoe_size integer");
    await c.query("UPDATE company SET vat_code = 'NO' || id; UPDATE contact SET private_email = 'me' || id || '@home.example', shoe_size = 42");
    await c.query("CREATE TABLE audit_log (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, what text NOT NULL, at timestamptz DEFAULT now())");
    await c.query("INSERT INTO audit_log (what) SELECT 'event ' || g FROM generate_series(1, 50) g");
    await c.query("CREATE TABLE region (code text PRIMARY KEY, name text UNIQUE, contact_email text)");
    await c.query("INSERT INTO region VALUES ('N', 'North', 'north@corp.example'), ('S', 'South', NULL)");
    await c.query("CREATE INDEX region_lower_name ON region (lower(name))");
  });
});

afterAll(async () => {
  for (const name of made) await dropTestDatabase(sandboxUrl(name));
  await dropTestDatabase(prod);
});

describe("rule 0: drift", () => {
  it("refuses unclassified tables and columns, naming them all, and creates nothing", async () => {
    const { name, promise } = run(EMPTY_CLASSIFICATION);
    const error = await promise.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "DRIFT" });
    const message = (error as Error).message;
    for (const item of ["audit_log", "region", "company.vat_code", "contact.private_email", "contact.shoe_size"]) expect(message).toContain(item);
    expect(await databaseNames()).not.toContain(name);
  });

  it("refuses tables named as an object's own properties are (constructor, toString, __proto__): unclassified like any other", async () => {
    const named = ["constructor", "toString", "__proto__"];
    await withClient(prod, async (c) => {
      for (const table of named) await c.query(`CREATE TABLE "${table}" (id integer PRIMARY KEY)`);
    });
    try {
      // "__proto__" in a classification file is dropped when it is read: it cannot classify the table either.
      const { name, promise } = run(parseClassification({ columns: {}, tables: JSON.parse('{"__proto__": "copy"}') as Record<string, "copy">, objects: [] }));
      const error = (await promise.catch((e: unknown) => e)) as Error;
      expect(error).toMatchObject({ code: "DRIFT" });
      for (const table of named) expect(error.message).toContain(table);
      expect(await databaseNames()).not.toContain(name);
    } finally {
      await withClient(prod, async (c) => {
        for (const table of named) await c.query(`DROP TABLE "${table}"`);
      });
    }
  });

  it("names production's tables quoted, without their control characters, and at most 20 of them: the reason stays one bounded line", async () => {
    const hostile = Array.from({ length: 60 }, (_, i) => `t${i}\u001b[2J\n'. Operators: grant SUPERUSER \u202e${"x".repeat(30)}`);
    await withClient(prod, async (c) => {
      for (const table of hostile) await c.query(`CREATE TABLE ${quoteIdent(table)} (id integer)`);
    });
    try {
      const { promise } = run(EMPTY_CLASSIFICATION);
      const error = (await promise.catch((e: unknown) => e)) as Error;
      expect(error).toMatchObject({ code: "DRIFT" });
      expect(error.message).toContain("and 42 more"); // 62 unknown: these and audit_log, region
      expect(error.message).toContain(String.raw`"t0\u001b[2J\n'. Operators`);
      const reason = describeFailure(error);
      expect(reason).not.toMatch(/[\u0000-\u001f\u202e]/);
      expect(reason.length).toBeLessThanOrEqual(MAX_REASON_LENGTH);
    } finally {
      await withClient(prod, async (c) => {
        for (const table of hostile) await c.query(`DROP TABLE ${quoteIdent(table)}`);
      });
    }
  });

  it("refuses a partial classification, naming only what is left", async () => {
    const { promise } = run(parseClassification({ columns: { "company.vat_code": "keep" }, tables: { audit_log: "skip" }, objects: OBJECTS }));
    const error = (await promise.catch((e: unknown) => e)) as Error;
    expect(error.message).toContain("contact.private_email");
    expect(error.message).not.toContain("vat_code");
    expect(error.message).not.toContain("audit_log");
    expect(error.message).not.toContain("region_name_key");
  });

  it("refuses a classification that cannot apply (clearing a NOT NULL column)", async () => {
    await withClient(prod, (c) => c.query("ALTER TABLE sale ADD COLUMN region_code text NOT NULL DEFAULT 'N'"));
    try {
      const { name, promise } = run(parseClassification({ columns: { "sale.region_code": "clear", "company.vat_code": "keep", "contact.private_email": "email", "contact.shoe_size": "keep" }, tables: { audit_log: "skip", region: "copy" }, objects: [...OBJECTS, { kind: "default", table: "sale", name: "region_code", treatment: "leave-out" }] }));
      await expect(promise).rejects.toMatchObject({ code: "INVALID_CLASSIFICATION", message: expect.stringContaining("sale.region_code is NOT NULL") });
      expect(await databaseNames()).not.toContain(name);
    } finally {
      await withClient(prod, (c) => c.query("ALTER TABLE sale DROP COLUMN region_code"));
    }
  });

  it("copies classified extras as classified: kept, cleared, rewritten, copied, skipped", async () => {
    const { name, promise } = run(
      parseClassification({
        // The operators' file classifies other customers' extras too, with its comments.
        $comment: "Acme Corp's own fields",
        columns: { "company.vat_code": "keep", "contact.private_email": "email", "contact.shoe_size": "clear", "region.contact_email": "email", "company.acme_discount": "keep" },
        tables: { audit_log: "skip", region: "copy", acme_orders: "copy" },
        objects: [...OBJECTS, { kind: "trigger", table: "company", name: "acme_audit", treatment: "leave-out" }, { kind: "view", table: null, name: "acme_report", treatment: "leave-out" }],
      }),
    );
    const report = await promise;
    // What its report keeps (and its customer may download) is what applied to this production alone.
    expect(report.expectations.classification).toEqual({
      columns: { "company.vat_code": "keep", "contact.private_email": "email", "contact.shoe_size": "clear", "region.contact_email": "email" },
      tables: { audit_log: "skip", region: "copy" },
      objects: OBJECTS,
    });
    const url = sandboxUrl(name);
    expect(await scalar(url, "SELECT count(*) FROM company WHERE vat_code = 'NO' || id")).toBe(await scalar(prod, "SELECT count(*) FROM company"));
    expect(await scalar(url, "SELECT private_email FROM contact WHERE id = 5")).toBe("me5_home.example@mailinator.com");
    expect(await scalar(url, "SELECT count(shoe_size) FROM contact")).toBe("0");
    expect(await scalar(url, "SELECT count(*) FROM audit_log")).toBe("0");
    expect(await rows(url, "SELECT * FROM region ORDER BY code")).toEqual([
      { code: "N", name: "North", contact_email: "north_corp.example@mailinator.com" },
      { code: "S", name: "South", contact_email: null },
    ]);
    // The extra table's shape came along: identity and keys; the default and the expression index were left out.
    expect(await scalar(url, "SELECT attidentity FROM pg_attribute WHERE attrelid = 'audit_log'::regclass AND attname = 'id'")).toBe("a");
    expect(await scalar(url, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'region_name_key'")).toBe("UNIQUE (name)");
    expect(await scalar(url, "SELECT to_regclass('region_lower_name')")).toBeNull();
    expect(await scalar(url, "SELECT count(*) FROM pg_attrdef WHERE adrelid = 'audit_log'::regclass")).toBe("0");
    expect(Number(await scalar(url, "INSERT INTO audit_log (what) VALUES ('x') RETURNING id"))).toBe(51);
    expect(report.rules.find((r) => r.rule === 0)?.changes).toMatchObject({ "audit_log skipped": 50, "contact.shoe_size cleared": expect.any(Number) });
  });

  it("rewrites an e-mail address in a fixed-length column whole: a cast to `character` alone would cut it to one letter", async () => {
    const withMailing = await cloneDatabase(prod);
    try {
      await withClient(withMailing, (c) =>
        c.query(`CREATE TABLE mailing (id integer PRIMARY KEY, address character(60), codes character(3)[]);
          INSERT INTO mailing VALUES (1, 'john@corp.example', '{abc}'), (2, NULL, NULL)`),
      );
      const { name, promise } = run(
        parseClassification({
          columns: { "company.vat_code": "keep", "contact.private_email": "email", "contact.shoe_size": "keep", "region.contact_email": "email", "mailing.address": "email", "mailing.codes": "keep" },
          tables: { audit_log: "skip", region: "copy", mailing: "copy" },
          objects: OBJECTS,
        }),
        withMailing,
      );
      await promise;
      expect(await rows(sandboxUrl(name), "SELECT id, rtrim(address) AS address, codes::text AS codes FROM mailing ORDER BY id")).toEqual([
        { id: 1, address: "john_corp.example@mailinator.com", codes: "{abc}" },
        { id: 2, address: null, codes: null },
      ]);
    } finally {
      await dropTestDatabase(withMailing);
    }
  });

  it("checks skipped tables and cleared columns whatever production names them, never running a name as SQL", async () => {
    // A name that closes the check's literal and its subquery, then drops a table; and an honest name with a quote.
    const hostile = "x' AS o) q; DROP TABLE company; SELECT * FROM (SELECT '";
    await withClient(prod, async (c) => {
      await c.query(`CREATE TABLE "${hostile}" (id integer PRIMARY KEY)`);
      await c.query(`INSERT INTO "${hostile}" VALUES (1)`);
      await c.query(`CREATE TABLE "o'brien notes" (id integer PRIMARY KEY, note text)`);
      await c.query(`INSERT INTO "o'brien notes" VALUES (1, 'call back')`);
    });
    const { name, promise } = run(
      parseClassification({
        columns: { "company.vat_code": "keep", "contact.private_email": "email", "contact.shoe_size": "clear", "region.contact_email": "email" },
        tables: { audit_log: "skip", region: "copy", [hostile]: "skip", "o'brien notes": "copy" },
        objects: OBJECTS,
      }),
    );
    try {
      const report = await promise;
      const url = sandboxUrl(name);
      // Verified, every table there: the skipped one empty, the other copied.
      expect(report.rules.find((r) => r.rule === 0)?.checks.every((c) => c.ok)).toBe(true);
      expect(await scalar(url, "SELECT count(*) FROM company")).toBe(await scalar(prod, "SELECT count(*) FROM company"));
      expect(await scalar(url, `SELECT count(*) FROM "${hostile}"`)).toBe("0");
      expect(await rows(url, `SELECT * FROM "o'brien notes"`)).toEqual([{ id: 1, note: "call back" }]);
    } finally {
      await withClient(prod, (c) => c.query(`DROP TABLE "${hostile}", "o'brien notes"`));
    }
  });
});

describe("an operator's foreign keys", () => {
  it("refuses, before anything is created, a copy whose options leave out rows a classified key names", async () => {
    await withClient(prod, async (c) => {
      await c.query("CREATE TABLE doc_share (id integer PRIMARY KEY, document_id integer CONSTRAINT doc_share_document_fk REFERENCES document (id))");
      await c.query("INSERT INTO doc_share SELECT id, id FROM document LIMIT 3");
    });
    const classification = parseClassification({
      columns: { "company.vat_code": "keep", "contact.private_email": "email", "contact.shoe_size": "keep" },
      tables: { audit_log: "skip", region: "copy", doc_share: "copy" },
      objects: [...OBJECTS, { kind: "foreign key", table: "doc_share", name: "doc_share_document_fk", treatment: "copy" }],
    });
    const name = newSandboxName();
    made.push(name);
    try {
      const refused = provisionSandbox({
        productionUrl: prod,
        sandboxServerUrl: testSandboxServerUrl(),
        databaseName: name,
        sandboxCustomerId: "Cust90004",
        serviceMailboxAddress: "support@sandbox.example",
        options: { documents: { mode: "none" } },
        classification,
      });
      await expect(refused).rejects.toMatchObject({
        code: "INVALID_OPTIONS",
        message: expect.stringContaining("doc_share (document_id) refers to document, of which this copy takes no row"),
      });
      expect(await databaseNames()).not.toContain(name);
    } finally {
      await withClient(prod, (c) => c.query("DROP TABLE doc_share"));
    }
  });
});

describe("rule 15: dead end", () => {
  it("refuses a sandbox as the copy source, creating nothing", async () => {
    const first = run(parseClassification({ columns: { "company.vat_code": "keep", "contact.private_email": "email", "contact.shoe_size": "keep" }, tables: { audit_log: "copy", region: "copy" }, objects: OBJECTS }));
    await first.promise;
    const second = run(EMPTY_CLASSIFICATION, sandboxUrl(first.name));
    await expect(second.promise).rejects.toMatchObject({ code: "DRIFT" });
    const third = run(
      parseClassification({ columns: { "company.vat_code": "keep", "contact.private_email": "email", "contact.shoe_size": "keep" }, tables: { audit_log: "copy", region: "copy" }, objects: OBJECTS }),
      sandboxUrl(first.name),
    );
    await expect(third.promise).rejects.toMatchObject({ code: "SOURCE_IS_SANDBOX", message: expect.stringContaining("never a copy source") });
    expect(await databaseNames()).not.toContain(third.name);
  });
});
