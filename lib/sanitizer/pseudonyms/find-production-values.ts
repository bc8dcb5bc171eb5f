/**
 * Rule 18's check on a finished copy: reads every personal column the copy has (the
 * contract's and the classified ones) over a fresh connection, streamed, and looks for
 * production's values in it: a whole value that is a production name, company name,
 * address, phone or org number, a word of four letters or more that is a production
 * person's name (the common-word exceptions aside), or a production phone number
 * inside free text. The offending rows name the row and column, never the value.
 */
import { StringDecoder } from "node:string_decoder";
import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import type { Classification } from "../classification";
import { OFFENDING_LIMIT } from "../rules/rule";
import { publicTable, quoteIdent } from "../sql";
import { isCommonWord } from "./common-words";
import { decodeField, NULL_FIELD } from "./copy-text";
import { personalKind, type PersonalKind } from "./columns";
import { digitsOf, normaliseAddress, normaliseName, phoneDigits, words, type ProductionValues } from "./values";

/** Shorter words are too often something else; the scrubber replaces them anyway. */
export const MIN_CHECKED_WORD = 4;
/** Whole words of MIN_CHECKED_WORD letters or more: a shorter run never matches, a longer one matches whole. */
const CHECKED_WORD = new RegExp(`[\\p{L}\\p{M}\\p{N}]{${MIN_CHECKED_WORD},}`, "gu");
const PHONE_IN_TEXT = /\+?\d[\d ().-]{4,}\d/g;

export class ProductionValueFinder {
  private readonly fullNames: ReadonlySet<string>;
  /** The longest production value compared whole: a longer value (a message body) cannot be one. */
  private readonly longestWhole: number;

  constructor(private readonly production: ProductionValues) {
    this.fullNames = new Set([...production.fullNames].map(normaliseName));
    let longest = 0;
    for (const set of [this.fullNames, production.companies, production.addresses]) for (const v of set) longest = Math.max(longest, v.length);
    // Spaces are collapsed before comparing: allow for a generous number of them.
    this.longestWhole = longest * 2 + 16;
  }

  /** What production value `value` holds ("a name", …), or null when it holds none. */
  find(value: string, kind: PersonalKind): string | null {
    const p = this.production;
    const lower = value.toLowerCase();
    if (value.length <= this.longestWhole) {
      const whole = normaliseName(lower);
      if (this.fullNames.has(whole)) return "a person's name";
      if (p.companies.has(whole)) return "a company's name";
      if (p.addresses.has(normaliseAddress(lower))) return "an address";
    }
    if (kind === "org-number" && p.orgNumbers.has(digitsOf(value))) return "an org number";
    if (kind === "phone" && phoneDigits(value).some((d) => p.phones.has(d))) return "a phone number";
    // A name column is pseudonymised word by word: none of its words may be a production name, however short or common.
    if (kind === "person-name") {
      if (words(lower).some((w) => p.nameTokens.has(w))) return "a person's name";
    } else if ((lower.match(CHECKED_WORD) ?? []).some((w) => p.nameTokens.has(w) && !isCommonWord(w))) return "a person's name";
    if (kind === "free-text" || kind === "email") {
      for (const m of value.matchAll(PHONE_IN_TEXT)) if (phoneDigits(m[0]).some((d) => p.phones.has(d))) return "a phone number";
    }
    return null;
  }
}

/** The copy's personal columns: the contract's and the classified ones it has. */
async function personalColumnsOfCopy(client: pg.ClientBase, classification: Classification): Promise<{ table: string; column: string; kind: PersonalKind; hasId: boolean }[]> {
  const { rows } = await client.query<{ t: string; c: string; has_id: boolean }>(
    `SELECT c.table_name AS t, c.column_name AS c,
            EXISTS (SELECT 1 FROM information_schema.columns i WHERE i.table_schema = 'public' AND i.table_name = c.table_name AND i.column_name = 'id') AS has_id
       FROM information_schema.columns c WHERE c.table_schema = 'public' ORDER BY 1, 2`,
  );
  return rows.flatMap((r) => {
    const kind = personalKind(classification, r.t, r.c);
    return kind ? [{ table: r.t, column: r.c, kind, hasId: r.has_id }] : [];
  });
}

/** Offending rows: `contact 12: first_name holds a person's name`, at most OFFENDING_LIMIT and a total. */
export async function findProductionValues(client: pg.ClientBase, classification: Classification, production: ProductionValues): Promise<string[]> {
  const finder = new ProductionValueFinder(production);
  const offending: string[] = [];
  let total = 0;
  for (const col of await personalColumnsOfCopy(client, classification)) {
    const c = quoteIdent(col.column);
    const sql = `COPY (SELECT ${col.hasId ? "id::text" : "NULL"}, ${c}::text FROM ${publicTable(col.table)} WHERE ${c} IS NOT NULL) TO STDOUT`;
    for await (const [id, field] of copyRows(client, sql)) {
      if (field === undefined || field === NULL_FIELD) continue;
      const what = finder.find(decodeField(field), col.kind);
      if (!what) continue;
      total++;
      if (offending.length < OFFENDING_LIMIT) offending.push(`${col.table}${id && id !== NULL_FIELD ? ` ${id}` : ""}: ${col.column} holds ${what} from production`);
    }
  }
  if (total > offending.length) offending.push(`${total} values in all`);
  return offending;
}

/** The rows of a `COPY … TO STDOUT`, as raw fields, one chunk in memory at a time. */
async function* copyRows(client: pg.ClientBase, sql: string): AsyncGenerator<string[]> {
  let carry = "";
  // A chunk may end inside a UTF-8 character: the decoder holds its first bytes back.
  const decoder = new StringDecoder("utf8");
  for await (const chunk of client.query(copyTo(sql)) as AsyncIterable<Buffer>) {
    const text = carry + decoder.write(chunk);
    const rows = text.split("\n");
    carry = rows.pop() ?? "";
    for (const row of rows) yield row.split("\t");
  }
}
