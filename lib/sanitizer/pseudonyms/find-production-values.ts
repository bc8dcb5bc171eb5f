/**
 * Rule 18's check on a finished copy: reads every personal column the copy has (the
 * contract's and the classified ones) over a fresh connection, streamed, and looks for
 * production's values in it: a whole value that is a production name, company name,
 * address, phone or org number, a word of four letters or more that is a production
 * person's name as written or spelled in ASCII ("bjornstad", "bjoernstad" for
 * "Bjørnstad", as e-mail addresses write it; the common-word exceptions aside), a name
 * inside a word of a script written without spaces ("王伟先生", unspaced-names.ts), a word
 * of an address or user name that is a production name or holds one ("hansen85",
 * "olanordmann", "woldeide", "khansen"), a company's website name in a website, an
 * e-mail address or a host name in text ("husebymoesonner" of husebymoesonner.no), an
 * address in free text that holds a name as an address column's may not, or a
 * production phone or org number inside free text. The offending rows name the row and
 * column, never the value.
 */
import type pg from "pg";
import { endOrCut } from "../../db/client";
import { openSandboxSession } from "../sandbox-session";
import type { Classification } from "../classification";
import { OFFENDING_LIMIT } from "../rules/rule";
import { publicTable, quoteIdent } from "../sql";
import { forEachHostLabel, forEachTextAddress } from "./addresses";
import { BoundedCache } from "./bounded-cache";
import { isCommonWord } from "./common-words";
import { BinaryFieldWalker, forEachBinaryRowChunk } from "./binary-rows";
import { MAX_REWRITTEN_BYTES } from "./copy-rows";
import { fieldResultsFor } from "./field-results";
import { personalKind, type PersonalKind } from "./columns";
import { fullNameTextForms, PhraseFinder, textPhrasesOf } from "./text-phrases";
import { HAS_INVISIBLE, INVISIBLE_ONLY, plainText, plainTextReadings } from "./plain-text";
import { addressWordHoldsName, digitsOf, holdsPhoneDigits, holdsWebsiteHost, normaliseName, PHONE_SEPARATORS, rewriteNumbersOfRun, words, type ProductionValues } from "./values";
import { UnspacedNames } from "./unspaced-names";
import { WordFilter, WordKind, WordScanner } from "./word-scan";

/** Shorter words are too often something else; the scrubber replaces them anyway. */
const MIN_CHECKED_WORD = 4;
/** The scrubber's phone numbers (scrubber.ts), without its word bounds: "tlf22334455" is found too. */
const PHONE_IN_TEXT = /\+?\d[\d ().\u00a0\u202f-]{4,}\d/g;
/** PHONE_IN_TEXT over line breaks too, its numbers read as the scrubber reads them (rewriteNumbersOfRun, values.ts). */
const PHONE_RUN_IN_TEXT = new RegExp(`\\+?\\d[\\d${PHONE_SEPARATORS}]{4,}\\d`, "g");
/** Most text has no digit at all: one test spares it the search for numbers. */
const HAS_DIGIT = /\d/;
/** The words of addresses and user names judged, kept (a few thousand distinct words make a million). */
const ADDRESS_WORD_BYTES = 4 * 1024 * 1024;
const HOLDS = "1";
/** What a value may hold, as the offending rows say it; a column keeps its values' verdicts as positions here, 0 for none. */
const FOUND = ["a person's name", "a company's name", "an address", "an org number", "a phone number", "a company's website", "a company's name or an address"] as const;
type Found = (typeof FOUND)[number];

export class ProductionValueFinder {
  private readonly fullNames: ReadonlySet<string>;
  /** The name words a word of text may not be: MIN_CHECKED_WORD characters or more, and no common word. */
  private readonly checkedNames: ReadonlySet<string>;
  private readonly checkedFilter: WordFilter;
  /** The longest production value compared whole: a longer value (a message body) cannot be one. */
  private readonly longestWhole: number;
  /** Address word → HOLDS or "": every address repeats its domain's words and "com", and the pseudonyms' names repeat by the thousand. */
  private readonly addressWords = new BoundedCache(ADDRESS_WORD_BYTES);
  /** Companies, also without their legal form, and street addresses, as free text names them (text-phrases.ts). */
  private readonly textPhrases: PhraseFinder;
  /** Names in scripts written without spaces, as the scrubber finds them inside words; undefined when production has none. */
  private readonly unspaced: UnspacedNames | undefined;
  /**
   * Full names as free text names them (text-phrases.ts) that a word alone does not give away:
   * those with a word too short or too common to be looked for alone ("Grace Price", "Bo Ek").
   */
  private readonly namePhrases = new PhraseFinder();

  constructor(private readonly production: ProductionValues) {
    this.fullNames = new Set([...production.fullNames].map(normaliseName));
    // As written and as ASCII spells them: e-mail addresses and user names carry "bjornstad" for "Bjørnstad".
    this.checkedNames = new Set([...production.nameWords].filter((w) => [...w].length >= MIN_CHECKED_WORD && !isCommonWord(w)));
    this.checkedFilter = new WordFilter(this.checkedNames);
    this.textPhrases = textPhrasesOf(production);
    for (const name of production.fullNames) {
      if (!words(name).every((w) => this.checkedNames.has(w.toLowerCase()))) for (const form of fullNameTextForms(name)) this.namePhrases.add(form);
    }
    this.unspaced = UnspacedNames.of(production, production.companies);
    let longest = 0;
    for (const set of [this.fullNames, production.companies, production.addresses]) for (const v of set) longest = Math.max(longest, v.length);
    // Spaces are collapsed before comparing: allow for a generous number of them.
    this.longestWhole = longest * 2 + 16;
  }

  /** What production value `value` holds ("a name", …), or null when it holds none. */
  find(written: string, kind: PersonalKind): Found | null {
    const p = this.production;
    // As the scrubber reads text (plain-text.ts): a name in decomposed or full-width letters is that name.
    const read = kind === "free-text" && HAS_INVISIBLE.test(written) ? plainTextReadings(written) : undefined;
    const value = read ? read.joined : plainText(written);
    if (value.length <= this.longestWhole) {
      // Names, company names and addresses are normalised alike (values.ts).
      const whole = normaliseName(value);
      if (this.fullNames.has(whole)) return "a person's name";
      if (p.companies.has(whole)) return "a company's name";
      if (p.addresses.has(whole)) return "an address";
    }
    if (kind === "org-number" && p.orgNumbers.has(digitsOf(value))) return "an org number";
    // A website's name, and the same name in an address's domain (or anywhere else in the address).
    if ((kind === "website" || kind === "email") && holdsWebsiteHost(value, p)) return "a company's website";
    if (kind === "phone" && holdsPhoneDigits(p.phones, value)) return "a phone number";
    // A name column is pseudonymised word by word, and so is an address or a user name: none of
    // their words may be a production name, however short or common; an address's may not hold
    // one either ("hansen85", "olanordmann", "woldeide", "khansen").
    if (kind === "person-name") {
      if (words(value.toLowerCase()).some((w) => p.nameWords.has(w))) return "a person's name";
    } else if (kind === "email" || kind === "username") {
      if (this.addressHoldsName(value)) return "a person's name";
    } else {
      const held = this.holdsCheckedNameOrPhrase(value, kind === "free-text");
      if (held) return held;
      // Read split at an invisible character between letters too, as the scrubber reads it (scrubber.ts).
      if (read && read.split !== value) {
        const heldSplit = this.holdsNamesAcrossInvisible(read.split);
        if (heldSplit) return heldSplit;
      }
    }
    // An address in text is read as an address column's: "khansen@…" and "hansen85@…" hold a name too.
    if (kind === "free-text" && value.includes("@") && this.textAddressHoldsName(value)) return "a person's name";
    if (kind === "free-text" && this.holdsWebsiteHostInText(value)) return "a company's website";
    if ((kind === "free-text" || kind === "email") && HAS_DIGIT.test(value)) {
      let number: Found | null = null;
      const known = (digits: string): string | undefined => {
        if (holdsPhoneDigits(p.phones, digits)) number ??= "a phone number";
        else if (kind === "free-text" && p.orgNumbers.hasDigitsOf(digits, 0)) number ??= "an org number";
        else return undefined;
        return digits;
      };
      for (const m of value.matchAll(PHONE_RUN_IN_TEXT)) {
        rewriteNumbersOfRun(m[0], PHONE_IN_TEXT, known);
        if (number) return number;
      }
    }
    return null;
  }

  /** Whether a host name in the text ("www.firma.no") has a company's website name for a label. */
  private holdsWebsiteHostInText(text: string): boolean {
    const hosts = this.production.websiteHosts;
    if (hosts.size === 0 || !text.includes(".")) return false;
    let holds = false;
    forEachHostLabel(text, (start, end) => {
      holds ||= hosts.has(text.slice(start, end).toLowerCase());
    });
    return holds;
  }

  /** Whether an e-mail address in the text (as the scrubber finds them) holds a production name. */
  private textAddressHoldsName(text: string): boolean {
    let holds = false;
    forEachTextAddress(text, (start, end) => {
      holds ||= this.addressHoldsName(text.slice(start, end));
    });
    return holds;
  }

  /** addressHoldsName (values.ts), each distinct word judged once. */
  private addressHoldsName(value: string): boolean {
    for (const word of words(value.toLowerCase())) {
      if (this.addressWords.get(word, (w) => (addressWordHoldsName(w, this.production) ? HOLDS : "")) === HOLDS) return true;
    }
    return false;
  }

  /**
   * What text read split at its invisible characters between letters (plainTextSplit)
   * holds of the names that take two words: a company, an address or a full name as a
   * phrase ("Grace\u200bPrice"), or two checked name words either side of invisible
   * characters alone ("Kari\u200bHansen"), as the scrubber replaces them. A checked name
   * on one side alone is a fragment of a longer word ("Berg\u00aden"), which the joined
   * reading judges.
   */
  private holdsNamesAcrossInvisible(text: string): Found | null {
    const scan = WordScanner.of(text);
    let previousName = false;
    let previousEnd = 0;
    while (scan.next()) {
      if (this.textPhrases.mayStartWith(scan.hash) && this.textPhrases.startsAt(text, scan)) return "a company's name or an address";
      if (this.namePhrases.mayStartWith(scan.hash) && this.namePhrases.startsAt(text, scan)) return "a person's name";
      const name = scan.kind === WordKind.Spaced && this.checkedFilter.mayHave(scan.hash) && this.checkedNames.has(scan.word());
      if (name && previousName && INVISIBLE_ONLY.test(text.slice(previousEnd, scan.start))) return "a person's name";
      previousName = name;
      previousEnd = scan.end;
    }
    return null;
  }

  /**
   * What `text` holds: a word that is one of the checked names (MIN_CHECKED_WORD characters
   * or more, lower-cased: "İKA" is four, as "i̇ka", though written in three), or, with
   * `phrases`, a production company or street address (text-phrases.ts); null for neither.
   */
  private holdsCheckedNameOrPhrase(text: string, phrases: boolean): Found | null {
    const scan = WordScanner.of(text);
    while (scan.next()) {
      if (scan.kind !== WordKind.Spaced) {
        // A word of a script written without spaces is searched inside, as the scrubber searches it.
        const name = this.unspaced?.firstIn(text, scan.start, scan.end, scan.kind);
        if (name) return name.words ? "a person's name" : "a company's name";
      } else {
        if (this.checkedFilter.mayHave(scan.hash) && this.checkedNames.has(scan.word())) return "a person's name";
        // A user name in text, a name with digits after it ("hansen85").
        const digitsAt = scan.lettersBeforeDigits();
        if (digitsAt !== -1 && this.checkedFilter.mayHave(scan.hashBeforeDigits) && this.checkedNames.has(scan.wordAt(scan.start, digitsAt))) return "a person's name";
      }
      // In the same walk over the words: free text is most of what the check reads.
      if (phrases && this.textPhrases.mayStartWith(scan.hash) && this.textPhrases.startsAt(text, scan)) return "a company's name or an address";
      if (phrases && this.namePhrases.mayStartWith(scan.hash) && this.namePhrases.startsAt(text, scan)) return "a person's name";
    }
    return null;
  }
}

interface PersonalTable {
  table: string;
  hasId: boolean;
  columns: { column: string; kind: PersonalKind }[];
}

/** The copy's personal columns (the contract's and the classified ones it has), table by table. */
async function personalTablesOfCopy(client: pg.ClientBase, classification: Classification): Promise<PersonalTable[]> {
  const { rows } = await client.query<{ t: string; c: string; has_id: boolean }>(
    `SELECT c.table_name AS t, c.column_name AS c,
            EXISTS (SELECT 1 FROM information_schema.columns i WHERE i.table_schema = 'public' AND i.table_name = c.table_name AND i.column_name = 'id') AS has_id
       FROM information_schema.columns c WHERE c.table_schema = 'public' ORDER BY 1, 2`,
  );
  const tables = new Map<string, PersonalTable>();
  for (const r of rows) {
    const kind = personalKind(classification, r.t, r.c);
    if (!kind) continue;
    let table = tables.get(r.t);
    if (!table) tables.set(r.t, (table = { table: r.t, hasId: r.has_id, columns: [] }));
    table.columns.push({ column: r.c, kind });
  }
  return [...tables.values()];
}

/** Offending rows: `contact 12: first_name holds a person's name`, at most OFFENDING_LIMIT and a total. */
async function findProductionValues(client: pg.ClientBase, classification: Classification, production: ProductionValues): Promise<string[]> {
  const finder = new ProductionValueFinder(production);
  const offending: string[] = [];
  let total = 0;
  for (const { table, hasId, columns } of await personalTablesOfCopy(client, classification)) {
    // One read of the table for all its columns: the verifier's time is the values it looks at, not the reads.
    // In binary, every field text (its UTF-8, nothing escaped): no byte is scanned for a tab, none unescaped.
    const sql = `COPY (SELECT ${hasId ? "coalesce(id::text, '')" : "''"}, ${columns.map((c) => `${quoteIdent(c.column)}::text`).join(", ")} FROM ${publicTable(table)}) TO STDOUT (FORMAT binary)`;
    // As in the copy, a column's repeated values are looked at once.
    const results = columns.map(({ kind }) => fieldResultsFor(kind));
    // Field 0 is the row's id (never NULL, so every row sets it), read only for a row that offends; a NULL value is never visited.
    const walker = new BinaryFieldWalker([0, ...columns.map((_c, i) => i + 1)]);
    let idStart = 0;
    let idEnd = 0;
    await forEachBinaryRowChunk(client, sql, `A row of the copy's ${table}`, (data, rowsStart, rowsEnd) =>
      walker.walk(data, rowsStart, rowsEnd, (chosen, start, fieldEnd) => {
        if (chosen === 0) {
          idStart = start;
          idEnd = fieldEnd;
          return;
        }
        const kept = results[chosen - 1];
        const entry = kept ? kept.find(data, start, fieldEnd) : -1;
        let what: Found | null;
        if (entry >= 0) what = FOUND[kept!.tag(entry) - 1] ?? null;
        else {
          what = finder.find(data.toString("utf8", start, fieldEnd), columns[chosen - 1]!.kind);
          kept?.keep(data, start, fieldEnd, what ? FOUND.indexOf(what) + 1 : 0);
        }
        if (!what) return;
        total++;
        const id = idEnd > idStart ? ` ${data.toString("utf8", idStart, idEnd)}` : "";
        if (offending.length < OFFENDING_LIMIT) offending.push(`${table}${id}: ${columns[chosen - 1]!.column} holds ${what} from production`);
      }),
      // The longest the copy's rewriting writes: pseudonyms may be longer than the names they replace.
      MAX_REWRITTEN_BYTES,
    );
  }
  if (total > offending.length) offending.push(`${total} values in all`);
  return offending;
}

/**
 * Rule 18's check over a fresh connection to the finished copy, read-only in one
 * snapshot. The copy's rows are final once the after-copy rules have run: what
 * follows (foreign keys, sequences, statistics, the other checks) changes none.
 */
export async function checkPersonalData(url: string, classification: Classification, production: ProductionValues, signal?: AbortSignal): Promise<string[]> {
  const client = await openSandboxSession(url, signal);
  try {
    await client.query("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const offending = await findProductionValues(client, classification, production);
    await client.query("COMMIT");
    return offending;
  } finally {
    await endOrCut(client);
  }
}
