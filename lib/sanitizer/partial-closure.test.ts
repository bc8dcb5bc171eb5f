import type pg from "pg";
import { describe, expect, it } from "vitest";
import { SanitizationError } from "./errors";
import { buildPartialClosure, CLOSURE_BOUNDS, closureGraph, companyBucket, type ForeignKeyEdge } from "./partial-closure";
import { downKeysQuery, readDownKeys } from "./partial-down-keys";
import { MAX_PULLED_IN, pulledFromCopy, pulledInQuery, readPulledIn } from "./partial-pulled-in";

const fk = (table: string, column: string, refTable: string): ForeignKeyEdge => ({ table, columns: [column], refTable, refColumns: ["id"] });

const EDGES = [
  fk("company", "owner_id", "associate"),
  fk("contact", "company_id", "company"),
  fk("sale", "company_id", "company"),
  fk("sale", "contact_id", "contact"),
  fk("ticket", "company_id", "company"),
  fk("ticket_message", "ticket_id", "ticket"),
  fk("ticket_attachment", "ticket_message_id", "ticket_message"),
];
const RECORDS = new Set(["company", "contact", "sale", "ticket", "ticket_message", "ticket_attachment"]);
const share = { by: "companies" as const, ids: [7] };

describe("buildPartialClosure", () => {
  const scopes = buildPartialClosure(share, RECORDS, EDGES);

  it("follows the chain ticket → message → attachment down from the chosen companies", () => {
    expect(scopes.get("ticket")!.where).toContain(`"company_id" IN (SELECT "id" FROM`);
    expect(scopes.get("ticket_attachment")!.where).toMatch(/^"ticket_message_id" IN \(SELECT "id" FROM d\d+\)$/);
    expect(scopes.get("ticket_attachment")!.ctes).toMatch(/^WITH d\d+ AS .*"id" IN \(7\).*, d\d+ AS .*, d\d+ AS .*public\."ticket_message"/);
  });

  it("brings the contacts and companies that copied sales name, but follows a single parent no further up", () => {
    // A contact is copied as a dependant or because a copied sale names it.
    expect(scopes.get("contact")!.where).toMatch(/^\("company_id" IN \(SELECT "id" FROM d\d+\) OR "id" IN \(SELECT "contact_id" FROM f\d+\)\)$/);
    // A company also because a copied contact or sale names it; tickets only reach it through company_id, already chosen.
    expect(scopes.get("company")!.where).toContain(`"id" IN (SELECT "company_id" FROM f`);
    expect(scopes.get("company")!.ctes).not.toContain(`public."ticket"`);
    // Membership (the dependants check) is the down part alone.
    expect(scopes.get("contact")!.members).toMatch(/^"company_id" IN \(SELECT "id" FROM d\d+\)$/);
  });

  it("ignores configuration tables: they come whole", () => {
    expect(scopes.has("associate")).toBe(false);
    expect(scopes.get("company")!.ctes).not.toContain("associate");
  });

  it("copies none of a table no chosen row reaches", () => {
    const scoped = buildPartialClosure(share, new Set([...RECORDS, "inbox_account"]), [...EDGES, fk("inbox_account", "associate_id", "associate")]);
    expect(scoped.get("inbox_account")).toMatchObject({ ctes: "", where: "false", members: "false" });
  });

  it("quotes production's names", () => {
    const scoped = buildPartialClosure(share, new Set([...RECORDS, 'x"; DROP TABLE company; --']), [...EDGES, fk('x"; DROP TABLE company; --', 'c"ol', "contact")]);
    expect(scoped.get('x"; DROP TABLE company; --')!.where).toContain(`"c""ol" IN (SELECT "id" FROM d`);
    expect(scoped.get("contact")!.ctes).not.toContain("x\"; DROP");
  });

  it("refuses tables that refer to each other in a circle, in plain words", () => {
    expect(() => buildPartialClosure(share, new Set([...RECORDS, "category"]), [...EDGES, fk("category", "parent_id", "category")])).toThrow(SanitizationError);
    expect(() => buildPartialClosure(share, new Set([...RECORDS, "category"]), [...EDGES, fk("category", "parent_id", "category")])).toThrow(/in a circle: category\./);
  });

  it("orders a chain of keys thousands of tables long parents first, and writes its last table's sets without recursion", () => {
    // Past the bounds a copy refuses (below), so that what the closure writes stays small; ordering it and naming a
    // table's sets must not depend on them (a chain of 6,666 tables overflowed the stack; ordering one took its square).
    const chain = Array.from({ length: 8_000 }, (_v, i) => `t${String(i).padStart(4, "0")}`);
    const edges = chain.map((t, i) => fk(t, "parent_id", i === 0 ? "company" : chain[i - 1]!));
    const bounds = { ...CLOSURE_BOUNDS };
    Object.assign(CLOSURE_BOUNDS, { tables: 10_000, foreignKeys: 10_000 });
    try {
      const graph = closureGraph({ by: "percent", percent: 10 }, new Set(["company", ...chain]), edges, new Map());
      expect(graph.order).toEqual(["company", ...chain]);
      const last = graph.withClause(graph.roots(chain.at(-1)!));
      expect(last.match(/ AS \(/g)).toHaveLength(chain.length);
      expect(last.indexOf("d0 AS")).toBeLessThan(last.indexOf("d1 AS"));
    } finally {
      Object.assign(CLOSURE_BOUNDS, bounds);
    }
  });

  it("refuses to follow the keys of more tables, or more keys, than its statements can be written for, in plain words", () => {
    const many = Array.from({ length: CLOSURE_BOUNDS.tables }, (_v, i) => `extra${i}`);
    const tooMany = () => buildPartialClosure(share, new Set([...RECORDS, ...many]), [...EDGES, ...many.map((t) => fk(t, "company_id", "company"))]);
    expect(tooMany).toThrow(SanitizationError);
    expect(tooMany).toThrow(/at most 100 of production's customer tables and 1,000 keys between them; this copy would follow 106 tables/);
    // As many tables that no key joins write nothing: they are copied.
    expect(buildPartialClosure(share, new Set([...RECORDS, ...many]), EDGES).size).toBe(RECORDS.size + many.length);

    const keys = Array.from({ length: CLOSURE_BOUNDS.foreignKeys }, (_v, i) => fk("contact", `company${i}_id`, "company"));
    expect(() => buildPartialClosure(share, RECORDS, [...EDGES, ...keys])).toThrow(/and 1,0\d\d keys\. Choose a full or configuration-only copy/);
  });
});

describe("buildPartialClosure with the pulled-in rows read", () => {
  const pulledIn = new Map([
    ["company", { column: "id", values: ["12", "40"] }],
    ["contact", { column: "id", values: [] }],
  ]);
  const scopes = buildPartialClosure(share, RECORDS, EDGES, pulledIn);

  it("reads a short list instead of following the children's tables", () => {
    expect(scopes.get("company")!.where).toBe(`(("id" IN (7)) OR "id"::text = ANY('{"12","40"}'::text[]))`);
    expect(scopes.get("company")!.ctes).toBe("");
    // Nothing pulled into contact: its own share alone, with no look at sales.
    expect(scopes.get("contact")!.where).toMatch(/^"company_id" IN \(SELECT "id" FROM d\d+\)$/);
    expect(scopes.get("contact")!.ctes).not.toContain(`public."sale"`);
    // Membership (the dependants check) is unchanged.
    expect(scopes.get("contact")!.members).toBe(buildPartialClosure(share, RECORDS, EDGES).get("contact")!.members);
  });

  it("keeps production's keys inert in the literal", () => {
    const hostile = buildPartialClosure(share, RECORDS, EDGES, new Map([["company", { column: 'i"d', values: [`1'); DROP TABLE x; --`, 'a"b\\c'] }]]));
    expect(hostile.get("company")!.where).toContain(`"i""d"::text = ANY( E'{"1''); DROP TABLE x; --","a\\\\"b\\\\\\\\c"}'::text[])`);
  });
});

describe("pulledInQuery", () => {
  it("reads every table that copied rows can pull in, in one statement that evaluates each set once", () => {
    const query = pulledInQuery(share, RECORDS, EDGES)!;
    expect(query.keys).toEqual([
      { table: "company", column: "id" },
      { table: "contact", column: "id" },
    ]);
    expect(query.sql.match(/WITH /g)).toHaveLength(1);
    expect(query.sql).toContain(`LIMIT ${MAX_PULLED_IN + 1}`);
    // The keys the copied children name, less the table's own down rows: from the named
    // sets, with no further look at the table (companies are read once, for the chosen ones).
    expect(query.sql).toMatch(/p\d+ AS \(\(SELECT "company_id" AS k FROM f\d+ UNION SELECT "company_id" AS k FROM f\d+\) EXCEPT SELECT "id" FROM d\d+\)/);
    expect(query.sql.match(/public\."company"/g)).toHaveLength(1);
    // Contacts are read once for the chosen companies, and then only by key for the pulled-in ones.
    expect(query.sql.match(/public\."contact"/g)).toHaveLength(2);
    expect(query.sql).toMatch(/FROM public\."contact" WHERE "id" IN \(SELECT k FROM p\d+\)/);
  });

  it("in a copy, reads the same keys from the copied children and the table's own share, on the copy alone, children first", () => {
    const [contact, company, ...more] = pulledFromCopy(share, RECORDS, EDGES);
    expect(more).toEqual([]);
    // A pulled-in contact pulls in its company: contacts come first, and companies follow them.
    expect(contact!.table).toBe("contact");
    expect(contact!.children).toEqual(["sale"]);
    expect(company!.children.sort()).toEqual(["contact", "sale"]);
    expect([contact!.hasShare, company!.hasShare]).toEqual([true, true]);
    // The keys the children name, less those the share brought: no share condition to evaluate again.
    expect(company!.beyondShareSql).toContain(
      `(SELECT "company_id" AS k FROM public."contact" UNION SELECT "company_id" AS k FROM public."sale" EXCEPT SELECT "id" FROM public."company")`,
    );
    expect(company!.beyondShareSql).toContain(`LIMIT ${MAX_PULLED_IN + 1}`);
    expect(contact!.beyondShareSql).not.toContain(" IN ");
  });

  it("in a copy taken in two parts, scopes the share and the rows pulled in beyond it apart", () => {
    const parts = (part: "share" | "pulled in") => new Map([["contact", part]]);
    const shareScope = buildPartialClosure(share, RECORDS, EDGES, new Map(), parts("share")).get("contact")!;
    expect(shareScope.where).toMatch(/^"company_id" IN \(SELECT "id" FROM d\d+\)$/);
    expect(shareScope.members).toBe(shareScope.where);
    expect(shareScope.ctes).not.toContain(`public."sale"`);
    const pulled = new Map([["contact", { column: "id", values: ["41", "42"] }]]);
    const pulledScope = buildPartialClosure(share, RECORDS, EDGES, pulled, parts("pulled in")).get("contact")!;
    // Only the keys read, never a row of the share twice, and no row counted among the chosen companies'.
    expect(pulledScope.where).toMatch(/^\("id"::text = ANY\('\{"41","42"\}'::text\[\]\) AND \("company_id" IN \(SELECT "id" FROM d\d+\)\) IS NOT TRUE\)$/);
    expect(pulledScope.members).toBe("false");
    // Too many keys for a list: the rows the sales name, in SQL, still without the share.
    const inSql = buildPartialClosure(share, RECORDS, EDGES, new Map(), parts("pulled in")).get("contact")!;
    expect(inSql.ctes).toContain(`public."sale"`);
    expect(inSql.where).toMatch(/ AND \("company_id" IN \(SELECT "id" FROM d\d+\)\) IS NOT TRUE\)$/);
  });

  it("refuses tables in a circle as the closure does: the run refuses before it creates anything", () => {
    expect(() => pulledInQuery(share, new Set([...RECORDS, "category"]), [...EDGES, fk("category", "parent_id", "category")])).toThrow(/in a circle: category\./);
  });

  it("leaves a table that pulls in more than MAX_PULLED_IN rows to the SQL form", async () => {
    const query = pulledInQuery(share, RECORDS, EDGES)!;
    const client = { query: () => Promise.resolve({ rows: [{ t0: Array.from({ length: MAX_PULLED_IN + 1 }, (_v, i) => String(i)), t1: [] }] }) };
    const pulled = await readPulledIn(client as unknown as pg.ClientBase, query);
    expect(pulled.has("company")).toBe(false);
    expect(pulled.get("contact")).toEqual({ column: "id", values: [] });
  });

  it("leaves a table whose references name several columns to the SQL form", () => {
    const twoColumns = [...EDGES, { table: "sale", columns: ["contact_code"], refTable: "contact", refColumns: ["code"] }];
    expect(pulledInQuery(share, RECORDS, twoColumns)!.keys).toEqual([{ table: "company", column: "id" }]);
  });
});

describe("the chosen rows' keys (partial-down-keys.ts)", () => {
  const integers = () => "integer";
  const unknownRows = () => 0;
  const keys = (table: string, column: string, values: string[]) => [table, { column, type: "int4" as const, values }] as const;

  it("are read for the tables others hang off, in one statement that evaluates each set once", () => {
    const query = downKeysQuery(share, RECORDS, EDGES, integers, unknownRows)!;
    expect(query.keys.map((k) => k.table)).toEqual(["company", "contact", "ticket", "ticket_message"]);
    expect(query.sql.match(/d\d+ AS \(/g)).toHaveLength(4);
  });

  it("are named as a literal list below their table, which no statement then scans for them", () => {
    const scopes = buildPartialClosure(share, RECORDS, EDGES, new Map(), new Map(), new Map([keys("ticket", "id", ["3", "5"])]));
    expect(scopes.get("ticket_message")!.where).toBe(`"ticket_id" = ANY('{3,5}'::int4[])`);
    expect(scopes.get("ticket_message")!.ctes).toBe("");
    // Further down, the messages' own set is still found in SQL, from the list.
    expect(scopes.get("ticket_attachment")!.ctes).toContain(`public."ticket_message" WHERE "ticket_id" = ANY('{3,5}'::int4[])`);
    expect(scopes.get("ticket_attachment")!.ctes).not.toContain(`public."ticket"`);
    // None chosen: none below.
    const none = buildPartialClosure(share, RECORDS, EDGES, new Map(), new Map(), new Map([keys("ticket", "id", [])]));
    expect(none.get("ticket_message")!.where).toBe(`"ticket_id" = ANY('{}'::int4[])`);
  });

  it("are only an integer key's: a table keyed otherwise keeps the SQL form", () => {
    const query = downKeysQuery(share, RECORDS, EDGES, (table) => (table === "contact" ? "text" : "integer"), unknownRows)!;
    expect(query.keys.map((k) => k.table)).not.toContain("contact");
  });

  it("are not read for a table whose share would likely be over the limit: the statement would scan it for nothing", () => {
    const rows = (table: string) => (table === "contact" ? 1_000_000 : table === "company" ? 100_000 : 0);
    const tables = (percent: number) => downKeysQuery({ by: "percent", percent }, RECORDS, EDGES, integers, rows)!.keys.map((k) => k.table);
    expect(tables(10)).toEqual(["company", "ticket", "ticket_message"]);
    expect(tables(1)).toEqual(["company", "contact", "ticket", "ticket_message"]);
    // Three named companies of 100,000: their share of a million contacts is small.
    expect(downKeysQuery({ by: "companies", ids: [1, 2, 3] }, RECORDS, EDGES, integers, rows)!.keys.map((k) => k.table)).toContain("contact");
  });

  it("keep production's keys inert: a value that is not an integer's text is refused, never written into a statement", () => {
    expect(() => buildPartialClosure(share, RECORDS, EDGES, new Map(), new Map(), new Map([keys("ticket", "id", ["1}'::int4[]) OR true --"])]))).toThrow(
      /not an integer key/,
    );
  });

  it("leave a table with more than MAX_PULLED_IN chosen rows to the SQL form", async () => {
    const query = downKeysQuery(share, RECORDS, EDGES, integers, unknownRows)!;
    const many = Array.from({ length: MAX_PULLED_IN + 1 }, (_v, i) => String(i));
    const client = { query: () => Promise.resolve({ rows: [{ t0: ["7"], t1: many, t2: null, t3: ["1"] }] }) };
    const read = await readDownKeys(client as unknown as pg.ClientBase, query);
    expect([...read.keys()]).toEqual(["company", "ticket", "ticket_message"]);
    expect(read.get("ticket")).toEqual({ column: "id", type: "int4", values: [] });
  });
});

describe("companyBucket", () => {
  it("spreads ids in sequence evenly, so 10 % is close to a tenth of any range", () => {
    for (const start of [1, 5000, 1_000_000]) {
      const ids = Array.from({ length: 1000 }, (_, i) => start + i);
      const picked = ids.filter((id) => companyBucket(id) < 10).length;
      expect(picked, `from ${start}`).toBeGreaterThanOrEqual(90);
      expect(picked, `from ${start}`).toBeLessThanOrEqual(110);
    }
    expect(companyBucket(2_147_483_647)).toBeLessThan(100);
  });
});
