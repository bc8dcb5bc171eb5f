/**
 * Production's values that pseudonyms must never equal (rule 18), normalised the
 * way they are compared: people's name tokens and company names lower-cased, phone
 * and org numbers as their digits, addresses lower-cased with spaces collapsed. Read
 * once per run inside the snapshot (read-values.ts); the pseudonymiser, the scrubber
 * and the verifier all compare through these functions, so they agree.
 */
import { asciiFold } from "../../crm/generator/text";
import { plainText } from "./plain-text";
import { DigitSet } from "./digit-set";
import { EMPTY_WORD_HASH, extendWordHash, WordFilter } from "./word-scan";

type DigitLookup = Pick<DigitSet, "has" | "hasDigitsOf">;

export interface ProductionValues {
  /** Every word of people's first, last and full names (lower-cased), as production writes it. */
  nameTokens: ReadonlySet<string>;
  /**
   * The ASCII spellings of those words that production does not have as words of their
   * own ("bjornstad", "bjoernstad"), each to the word it spells ("bjørnstad"): e-mail
   * addresses and user names write names so, and free text may.
   */
  nameSpellings: ReadonlyMap<string, string>;
  /** Every word that is a production person's name: nameTokens and their spellings. */
  nameWords: ReadonlySet<string>;
  /** Production's last names (lower-cased): a token that is one maps to a last-name pseudonym. */
  lastNames: ReadonlySet<string>;
  /**
   * The starts (two letters or more) of every name word, in any spelling, as word
   * hashes: a start of a word that is none of them starts no name either.
   */
  nameStarts: WordFilter;
  /** Production's full names as written (first + last, associates' full names): the scrubber's phrases. */
  fullNames: ReadonlySet<string>;
  companies: ReadonlySet<string>;
  /**
   * The names of companies' websites and e-mail domains, lower-cased: the label before the
   * top-level domain ("husebymoesonner" of https://www.husebymoesonner.no, of
   * shop.husebymoesonner.no and of post@husebymoesonner.no), of four characters or more.
   * The same label in any e-mail address's domain is the company's.
   */
  websiteHosts: ReadonlySet<string>;
  /** websiteHosts as word hashes (word-scan.ts): most parts of an address are none of them. */
  websiteHostHashes: WordFilter;
  /** Digits of every phone number, with and without its country prefix. */
  phones: DigitLookup;
  addresses: ReadonlySet<string>;
  orgNumbers: DigitLookup;
}

/** Words as the scrubber and the verifier see them: runs of letters, marks and digits. */
export const WORD = /[\p{L}\p{M}\p{N}]+/gu;

export const words = (text: string): string[] => text.match(WORD) ?? [];

/** Whitespace runs as one space: only runs and other whitespace need replacing, which most values have none of. */
export const normaliseName = (value: string) => value.trim().replace(/\s{2,}|[^\S ]/g, " ").toLowerCase();
export const normaliseAddress = normaliseName;
export const digitsOf = (value: string) => value.replace(/\D/g, "");

/**
 * A phone number's `+<country>` or `00<country>` prefix (the country's digits its group 1):
 * pseudonyms keep it; text may leave it out. With the trunk zero that signatures put in
 * brackets after it ("+47 (0)22 33 44 55", "+49 (0)30 1234567"): read as part of the
 * national number, that zero made the number none of production's, and it was kept.
 */
export const PHONE_PREFIX = /^\s*(?:\+|00)(\d{1,3})(?:\s*\(0\)|(?=\D))/;

/**
 * A phone number is known by its digits, and by its national part's when it has a
 * country prefix ("+47 22 33 44 55": 4722334455 and 22334455). Whether `set` holds
 * either, without making them as strings (a run looks up every phone number twice).
 */
export function holdsPhoneDigits(set: DigitLookup, value: string): boolean {
  if (set.hasDigitsOf(value, 0)) return true;
  const prefix = PHONE_PREFIX.exec(value)?.[0];
  return prefix !== undefined && set.hasDigitsOf(value, prefix.length);
}

/** The separators a phone number is written with, line breaks as well: a mail program wraps a signature's number ("+47 22 33\n44 55"). */
export const PHONE_SEPARATORS = " ().\u00a0\u202f\r\n-";
const LINE_BREAK = /\r\n|\r|\n/g;
const HAS_LINE_BREAK = /[\r\n]/;

/**
 * A run of digits and phone separators (PHONE_SEPARATORS) with the numbers in it that
 * `rewrite` knows (it gives a number's new form, or undefined for a number it does not
 * know) rewritten. A run on one line is one number. A run over several lines is one
 * number, or else each line's own numbers (`onOneLine`, as one line was read before line
 * breaks were), or a number broken across two lines ("+47 22 33" and "44 55"): a
 * number of lines of digits ("22 33 44 55" over "99 88 77 66") is each line's. Each line
 * is read at most three times, however many the run has.
 */
export function rewriteNumbersOfRun(run: string, onOneLine: RegExp, rewrite: (number: string) => string | undefined): string {
  const whole = rewrite(run);
  if (whole !== undefined || !HAS_LINE_BREAK.test(run)) return whole ?? run;
  const starts = [0];
  const ends: number[] = [];
  for (const m of run.matchAll(LINE_BREAK)) {
    ends.push(m.index);
    starts.push(m.index + m[0].length);
  }
  ends.push(run.length);
  const lineBreakAfter = (line: number) => (line + 1 < starts.length ? run.slice(ends[line]!, starts[line + 1]!) : "");
  let out = "";
  for (let line = 0; line < starts.length; ) {
    let known = false;
    const own = run.slice(starts[line]!, ends[line]!).replace(onOneLine, (number) => {
      const rewritten = rewrite(number);
      known ||= rewritten !== undefined;
      return rewritten ?? number;
    });
    const twoLines = known || line + 1 >= starts.length ? undefined : rewrite(run.slice(starts[line]!, ends[line + 1]!));
    if (twoLines !== undefined) {
      out += twoLines + lineBreakAfter(line + 1);
      line += 2;
    } else {
      out += own + lineBreakAfter(line);
      line++;
    }
  }
  return out;
}

/** A phone number's digits, both ways holdsPhoneDigits reads them, into `set`: those of MIN_PHONE_DIGITS or more. */
function addPhoneDigits(set: DigitSet, value: string): void {
  set.addDigitsOf(value, 0, MIN_PHONE_DIGITS);
  const prefix = PHONE_PREFIX.exec(value)?.[0];
  if (prefix) set.addDigitsOf(value, prefix.length, MIN_PHONE_DIGITS);
}

/** Letters that ASCII spells out (Bjørnstad → Bjoernstad), besides dropping their marks (Bjornstad). */
const SPELLED_OUT: Readonly<Record<string, string>> = { æ: "ae", ø: "oe", å: "aa", ä: "ae", ö: "oe", ü: "ue", ß: "ss" };
const SPELLED_OUT_LETTERS = /[æøåäöüß]/g;

/** A lower-cased word with its Nordic and German letters spelled out, then folded to ASCII. */
export const spelledOut = (word: string) => asciiFold(word.replace(SPELLED_OUT_LETTERS, (c) => SPELLED_OUT[c] ?? c));

/**
 * A lower-cased name word's ASCII spellings other than itself: marks dropped
 * ("søren" → "soren") and letters spelled out ("soeren"). Only spellings of plain
 * letters and digits: a word with letters that have no ASCII form has none.
 */
function asciiSpellings(word: string): string[] {
  const out: string[] = [];
  for (const spelling of [asciiFold(word), spelledOut(word)]) {
    if (spelling !== word && /^[a-z0-9]+$/.test(spelling) && !out.includes(spelling)) out.push(spelling);
  }
  return out;
}

/** Phone numbers shorter than this are not numbers anyone could be reached at (and would match too much). */
const MIN_PHONE_DIGITS = 6;

export interface RawProductionValues {
  firstNames: Iterable<string>;
  lastNames: Iterable<string>;
  fullNames: Iterable<string>;
  companies: Iterable<string>;
  /** Companies' websites, and the domains of their e-mail addresses. */
  websites: Iterable<string>;
  phones: Iterable<string>;
  addresses: Iterable<string>;
  orgNumbers: Iterable<string>;
}

/** The names, companies, websites and addresses of `raw` as plainText reads them (numbers need none). */
function plainValues(raw: RawProductionValues): Pick<RawProductionValues, "firstNames" | "lastNames" | "fullNames" | "companies" | "websites" | "addresses"> {
  const plain = (values: Iterable<string>) => Array.from(values, plainText);
  return {
    firstNames: plain(raw.firstNames),
    lastNames: plain(raw.lastNames),
    fullNames: plain(raw.fullNames),
    companies: plain(raw.companies),
    websites: plain(raw.websites),
    addresses: plain(raw.addresses),
  };
}

/** How many values a raw set holds, when it says (a Set or an array does). */
const sizeOf = (values: Iterable<string>) => (values instanceof Set ? values.size : Array.isArray(values) ? values.length : 0);

/** The sets from production's raw distinct values. */
export function productionValues(written: RawProductionValues): ProductionValues {
  // As text is read (plain-text.ts): a name production stores decomposed ("Jose" + U+0301) is the name it shows.
  const raw = { ...written, ...plainValues(written) };
  const nameTokens = new Set<string>();
  const lastNames = new Set<string>();
  const fullNames = new Set<string>();
  for (const v of raw.firstNames) for (const w of words(v)) nameTokens.add(w.toLowerCase());
  for (const v of raw.lastNames) {
    for (const w of words(v)) {
      nameTokens.add(w.toLowerCase());
      lastNames.add(w.toLowerCase());
    }
  }
  for (const v of raw.fullNames) {
    const ws = words(v);
    ws.forEach((w) => nameTokens.add(w.toLowerCase()));
    const last = ws.at(-1);
    if (ws.length > 1 && last) lastNames.add(last.toLowerCase());
    if (ws.length > 1) fullNames.add(v.trim().replace(/\s+/g, " "));
  }
  // In sorted order, so a spelling two words share ("sørensen", "sörensen") always goes to the same one.
  const nameSpellings = new Map<string, string>();
  for (const token of [...nameTokens].sort()) {
    for (const spelling of asciiSpellings(token)) if (!nameTokens.has(spelling) && !nameSpellings.has(spelling)) nameSpellings.set(spelling, token);
  }
  // Plain loops: hundreds of thousands of phone numbers, where flatMap's arrays cost more than the numbers.
  const set = (values: Iterable<string>, normalise: (v: string) => string) => {
    const out = new Set<string>();
    for (const v of values) {
      const n = normalise(v);
      if (n.length > 0) out.add(n);
    }
    return out;
  };
  // Each phone number is added as written and without its country prefix.
  const phones = new DigitSet(2 * sizeOf(raw.phones));
  for (const v of raw.phones) addPhoneDigits(phones, v);
  const hosts = websiteHosts(raw.websites);
  const orgNumbers = new DigitSet(sizeOf(raw.orgNumbers));
  for (const v of raw.orgNumbers) {
    const d = digitsOf(v);
    if (d.length > 0) orgNumbers.add(d);
  }
  return {
    nameTokens,
    nameSpellings,
    nameWords: new Set([...nameTokens, ...nameSpellings.keys()]),
    lastNames,
    nameStarts: nameStarts(nameTokens, nameSpellings),
    fullNames,
    companies: set(raw.companies, normaliseName),
    websiteHosts: hosts,
    websiteHostHashes: new WordFilter(hosts),
    phones,
    addresses: set(raw.addresses, normaliseAddress),
    orgNumbers,
  };
}

/**
 * A website as its parts: what comes before the host name (scheme, `www.`), the host
 * name (with its subdomains: "shop.firma"), its top-level domain (".no", ".co.uk") and
 * the rest (path, query). An e-mail address's domain reads the same way. Undefined for
 * what is no website.
 */
const WEBSITE = /^(\s*(?:[a-z][a-z0-9+.-]*:\/\/)?(?:www\.)?)([^/?#\s]+?)((?:\.(?:ac|co|com|edu|gov|net|org))?\.[a-z]{2,})?([/?#].*)?$/i;

interface WebsiteParts {
  before: string;
  host: string;
  topLevel: string;
  rest: string;
}

export function websiteParts(value: string): WebsiteParts | undefined {
  const m = WEBSITE.exec(value);
  return m ? { before: m[1] ?? "", host: m[2] ?? "", topLevel: m[3] ?? "", rest: m[4] ?? "" } : undefined;
}

/** Shorter host names ("ab" of ab.no) are too often something else in an address. */
const MIN_WEBSITE_HOST = 4;

function websiteHosts(websites: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const website of websites) {
    const parts = websiteParts(website);
    // The company's own name, not a subdomain's ("shop", "mail").
    const label = parts?.host.toLowerCase().split(".").at(-1);
    if (label && label.length >= MIN_WEBSITE_HOST) out.add(label);
  }
  return out;
}

const HYPHEN = 0x2d;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
/** 1 for the ASCII letters and digits. */
const ASCII_LABEL = Uint8Array.from({ length: 128 }, (_v, code) => (/[a-zA-Z0-9]/.test(String.fromCharCode(code)) ? 1 : 0));

/** What a host name's labels are made of: letters, digits and hyphens. */
export const isLabelCharacter = (code: number) => (code < 0x80 ? ASCII_LABEL[code] === 1 || code === HYPHEN : LETTER_OR_DIGIT.test(String.fromCharCode(code)));

/**
 * Whether a part of `value` (a website, an e-mail address, a user name), read as host
 * labels are (runs of letters, digits and hyphens), is a company's website name. Each
 * part is hashed as it is read, and only a possible name becomes a string to look up:
 * the check reads every address of a copy.
 */
export function holdsWebsiteHost(value: string, values: ProductionValues): boolean {
  if (values.websiteHosts.size === 0) return false;
  const lower = value.toLowerCase();
  let start = 0;
  let hash = EMPTY_WORD_HASH;
  for (let i = 0; i <= lower.length; i++) {
    const code = i < lower.length ? lower.charCodeAt(i) : -1;
    if (code !== -1 && isLabelCharacter(code)) {
      hash = extendWordHash(hash, code);
      continue;
    }
    if (i > start && values.websiteHostHashes.mayHave(hash) && values.websiteHosts.has(lower.slice(start, i))) return true;
    start = i + 1;
    hash = EMPTY_WORD_HASH;
  }
  return false;
}

/** Longer names are not run together with others in anyone's address. */
const MAX_NAME_IN_ADDRESS = 40;
/** The most names one word of an address is read as: a first name, a middle name and a double last name ("olakariwoldeide"). */
const MAX_NAMES_IN_ADDRESS_WORD = 4;
/** A name run together with others is two letters at least when it comes first ("bo"), three after. */
const MIN_FIRST_IN_RUN = 2;
const MIN_LATER_IN_RUN = 3;

function nameStarts(names: ReadonlySet<string>, spellings: ReadonlyMap<string, string>): WordFilter {
  const starts = new WordFilter();
  const add = (name: string) => {
    let hash = EMPTY_WORD_HASH;
    // A fixed-size bit set, and no start past the longest split tried: a customer's 200 KB "first name" costs 40 steps.
    for (let i = 0; i < Math.min(name.length, MAX_NAME_IN_ADDRESS); i++) {
      hash = extendWordHash(hash, name.charCodeAt(i));
      if (i >= 1) starts.add(hash);
    }
  };
  for (const name of names) add(name);
  for (const spelling of spellings.keys()) add(spelling);
  return starts;
}

/** A word of an address or user name that may hold names: ASCII letters, then digits or none. */
const ADDRESS_WORD = /^([a-z]+)(\d*)$/;

export interface AddressNameParts {
  /** An initial before a last name ("k" of "khansen"), kept as it is. */
  initial: string;
  /** The name words, as the word spells them. */
  names: string[];
  /** Digits after the names ("85" of "hansen85"), kept as they are. */
  digits: string;
}

/**
 * How a one-word address or user name (lower-cased) holds a production person's name
 * when it is no name word itself: a name with digits after it ("hansen85"), names run
 * together ("olanordmann", "woldeide" for Wold Eide, "oyvindsaether2"), or an initial and
 * a last name ("khansen"). Undefined when it holds none of these. Only the forms addresses
 * are made of: a word of free text is compared whole.
 */
export function addressNameParts(word: string, values: ProductionValues): AddressNameParts | undefined {
  const m = ADDRESS_WORD.exec(word);
  if (!m) return undefined;
  const letters = m[1]!;
  const digits = m[2]!;
  if (digits !== "" && values.nameWords.has(letters)) return { initial: "", names: [letters], digits };
  const run = namesRunTogether(letters, values);
  if (run) return { initial: "", names: run, digits };
  const afterInitial = letters.slice(1);
  if (afterInitial.length >= 4 && holds(values.lastNames, values, afterInitial)) return { initial: letters.charAt(0), names: [afterInitial], digits };
  return undefined;
}

/**
 * `letters` as two to MAX_NAMES_IN_ADDRESS_WORD name words run together (nameWords: as
 * written or spelled in ASCII), the fewest names and then the shortest first one
 * preferred; undefined when it is none. Called for every word of every address (twice a
 * copy), on the customer's values: a name is tried only from a start that begins one
 * (nameStarts), none longer than MAX_NAME_IN_ADDRESS, and each position's failure is
 * remembered, so a 200 KB word costs its length times that bound, never a search of
 * every split.
 */
function namesRunTogether(letters: string, values: ProductionValues): string[] | undefined {
  if (letters.length < MIN_FIRST_IN_RUN + MIN_LATER_IN_RUN) return undefined;
  // failedAt[p] = n: the letters from p on are not n or fewer names (0: not known). Made at
  // the first failure past the start: most address words begin no name, and end there.
  let failedAt: Uint8Array | undefined;
  const from = (start: number, names: number): string[] | undefined => {
    const rest = letters.length - start;
    if ((failedAt?.[start] ?? 0) >= names) return undefined;
    const min = start === 0 ? MIN_FIRST_IN_RUN : MIN_LATER_IN_RUN;
    // The rest as one name: fewer names are preferred.
    if (start > 0 && rest <= MAX_NAME_IN_ADDRESS && values.nameWords.has(letters.slice(start))) return [letters.slice(start)];
    if (names > 1) {
      let hash = EMPTY_WORD_HASH;
      const longest = Math.min(MAX_NAME_IN_ADDRESS, rest - MIN_LATER_IN_RUN);
      for (let end = start + 1; end - start <= longest; end++) {
        hash = extendWordHash(hash, letters.charCodeAt(end - 1));
        if (end - start < min) continue;
        if (!values.nameStarts.mayHave(hash)) break;
        const name = letters.slice(start, end);
        if (!values.nameWords.has(name)) continue;
        const after = from(end, names - 1);
        if (after) return [name, ...after];
      }
    }
    if (start > 0) (failedAt ??= new Uint8Array(letters.length + 1))[start] = names;
    return undefined;
  };
  return from(0, MAX_NAMES_IN_ADDRESS_WORD);
}

/** Whether `set` holds the name `word` is, as written or as an ASCII spelling of it. */
function holds(set: ReadonlySet<string>, values: ProductionValues, word: string): boolean {
  return set.has(spelledName(word, values));
}

/** The name word a lower-cased word is: itself, or the name an ASCII spelling of it spells ("bjornstad" → "bjørnstad"). */
export const spelledName = (word: string, values: ProductionValues): string => values.nameSpellings.get(word) ?? word;

/**
 * Whether a word of an address or user name is a production person's name, however
 * short, or holds one as addresses do (addressNameParts): the rewriting draws user
 * names until this is false, and the check fails a copy where it is true.
 */
export function addressHoldsName(value: string, values: ProductionValues): boolean {
  return words(value.toLowerCase()).some((w) => addressWordHoldsName(w, values));
}

/** addressHoldsName for one lower-cased word of an address. */
export const addressWordHoldsName = (word: string, values: ProductionValues): boolean => values.nameWords.has(word) || addressNameParts(word, values) !== undefined;
