/**
 * The forms in which free text names a production company or street address, beyond
 * the value as written: a company without its legal form ("Fjordkraft Solutions" for
 * "Fjordkraft Solutions AS"), as people write it in a ticket. The scrubber replaces
 * them (scrubber.ts) and the check looks for them (find-production-values.ts), both
 * from this one list of forms.
 */
import { normaliseName, WORD, words, type ProductionValues } from "./values";
import { HAS_INVISIBLE, INVISIBLE_ANY, INVISIBLE_ONLY } from "./plain-text";
import { BARE_TAG, wordHash as wordHashOf, WordFilter, WordScanner } from "./word-scan";

/**
 * The most words a name matched as a phrase may have. The scrubber holds that many
 * words of text back until it knows the longest phrase from each, and a phrase ending
 * on a word names every shorter one its words end with: a bound keeps both small. A
 * real company or person is named in far fewer words.
 */
export const MAX_PHRASE_WORDS = 32;

/** Words of legal forms that end company names: Nordic, German, British, American and others the CRM's customers have. */
const LEGAL_FORM_WORDS = new Set([
  "as", "asa", "ans", "da", "sa", "ab", "publ", "hb", "kb", "aps", "a", "s", "i", "p", "k", "ivs", "amba", "oy", "oyj", "ky",
  "gmbh", "mbh", "ag", "kg", "kgaa", "ohg", "ug", "ev", "co", "ltd", "limited", "plc", "llp", "lp", "inc", "llc", "corp",
  "corporation", "company", "bv", "nv", "sarl", "sas", "srl", "spa", "sl",
]);

/**
 * A company name without the legal form it ends with, as it is written ("Fjordkraft
 * Solutions" of "Fjordkraft Solutions AS", "Berg & Hansen" of "Berg & Hansen GmbH"); null
 * when it has none, or when a single word is left ("Data" of "Data AS", "Nordvik" of
 * "Nordvik AS"): alone, such a word is as often a word of the language or a place, and
 * replacing it wherever text has it would garble the text.
 */
function withoutLegalForm(company: string): string | null {
  const spans = [...company.matchAll(WORD)].map((m) => ({ word: m[0].toLowerCase(), start: m.index }));
  let kept = spans.length;
  while (kept > 0 && LEGAL_FORM_WORDS.has(spans[kept - 1]!.word)) kept--;
  if (kept === spans.length || kept < MIN_PHRASE_WORDS) return null;
  const last = spans[kept - 1]!;
  return company.slice(0, last.start + last.word.length);
}

/** The fewest words a form other than the value as written may have: see withoutLegalForm. */
const MIN_PHRASE_WORDS = 2;

/**
 * The forms free text names a company by, as the scrubber replaces them and the check
 * looks for them: as written, and without its legal form (`short`). None for a company of
 * one word that is a person's name: in text it is that person's name, replaced as one.
 */
export function companyTextForms(company: string, nameWords: ReadonlySet<string>): { form: string; short: boolean }[] {
  if (words(company).length === 1 && nameWords.has(normaliseName(company))) return [];
  const short = withoutLegalForm(company);
  return short ? [{ form: company, short: false }, { form: short, short: true }] : [{ form: company, short: false }];
}

/** The pseudonym's own legal form left off too, as the text left production's off ("Nilsen Bygg" for "Nilsen Bygg AS"). */
export function pseudonymWithoutLegalForm(pseudonym: string): string {
  return withoutLegalForm(pseudonym) ?? pseudonym;
}

/**
 * The forms free text names a person by, as the scrubber replaces them and the check
 * looks for them: as written, and last name first with a comma ("Price, Grace",
 * "Price,Grace"), as mail programs show a sender and inbox display names hold one. Read
 * only the first way, a name of common or short words ("Grace Price", "Bo Ek"), which
 * neither replaces word by word, stayed whole in text written the other way.
 */
export function fullNameTextForms(name: string): string[] {
  const found = [...name.matchAll(WORD)];
  const last = found.at(-1);
  if (found.length < 2 || !last) return [name];
  const rest = name.slice(found[0]!.index, last.index).trimEnd();
  return [name, `${last[0]}, ${rest}`, `${last[0]},${rest}`];
}

/**
 * A street address that text names it by: of two words or more ("Storgata 12"); one alone
 * ("Storgata") is a street, not anyone's address. One of more than MAX_PHRASE_WORDS is no
 * address anyone writes: its column is still pseudonymised, and text is not read for it.
 */
export function addressNamesItself(address: string): boolean {
  const count = words(address).length;
  return count >= MIN_PHRASE_WORDS && count <= MAX_PHRASE_WORDS;
}

/**
 * What separates two words of a phrase, as the scrubber and the check both read it; most
 * often one space, which needs no work. Underscores and hyphens alone read as a space:
 * file names join a company's words so ("Fjordkraft_Solutions_AS_tilbud.pdf"); so does a
 * link's escaped space ("?q=Grace%20Price").
 */
export const phraseGap = (text: string) => (text === " " ? text : spaceOrGap(shownGap(text.includes("<") ? withoutTags(text) : text)));
/** A gap with invisible characters read as the rest of it ("\u00ad " as " "), or as a space when it is nothing else ("\u200b" of "Grace\u200bPrice", read split: plain-text.ts). */
const shownGap = (gap: string) => (!HAS_INVISIBLE.test(gap) ? gap : INVISIBLE_ONLY.test(gap) ? " " : gap.replace(INVISIBLE_ANY, ""));
const spaceOrGap = (text: string) => (SPACE_LIKE.test(text) ? " " : text.replace(/\s+/g, " ").toLowerCase());
const SPACE_LIKE = /^(?:[\s_-]|%20)+$/;
/**
 * A gap with markup's tags in it ("</b> ", "<br>", "<span> </span>"; the scanner reads no
 * word in them) as the text shows it: a tag between two words parts them as a space does,
 * "Nordvik<br>Bygg AS" as "Nordvik Bygg AS"; one beside other separators leaves them ("</i>, <i>").
 */
function withoutTags(gap: string): string {
  const shown = gap.replace(BARE_TAG, "");
  return shown === "" ? " " : shown;
}

/** A phrase's keys as the check compares them, word by word: its words lower-cased, joined by their gaps as phraseGap reads them; the last is the whole phrase's. */
function phraseKeys(value: string): string[] {
  const scan = WordScanner.of(value);
  const keys: string[] = [];
  let key = "";
  let previousEnd = -1;
  while (scan.next()) {
    key += previousEnd < 0 ? scan.word() : phraseGap(value.slice(previousEnd, scan.start)) + scan.word();
    keys.push(key);
    previousEnd = scan.end;
  }
  return keys;
}

export class PhraseFinder {
  private readonly phrases = new Set<string>();
  /** Every phrase's beginnings short of the whole (its first word, its first two…): reading ahead stops at the first that is none. */
  private readonly beginnings = new Set<string>();
  private readonly firstWordFilter = new WordFilter();

  add(value: string): void {
    const keys = phraseKeys(value);
    if (keys.length === 0) return;
    this.phrases.add(keys.at(-1)!);
    for (const key of keys.slice(0, -1)) this.beginnings.add(key);
    this.firstWordFilter.add(wordHashOf(keys[0]!));
  }

  /** Whether `text` holds one of the phrases, its words whole. */
  holdsIn(text: string): boolean {
    if (this.phrases.size === 0) return false;
    const scan = WordScanner.of(text);
    while (scan.next()) if (this.startsAt(text, scan)) return true;
    return false;
  }

  /**
   * Whether a phrase begins with `word` (one word, any case): a name's pseudonym must not,
   * or text that followed the production name ("Sachse GmbH & Co. KG", a company since
   * renamed) would spell another production company once the name is replaced
   * ("Herzenberg GmbH & Co. KG").
   */
  beginsWith(word: string): boolean {
    const key = word.toLowerCase();
    return this.phrases.has(key) || this.beginnings.has(key);
  }

  /** False when no phrase starts with the word of this hash (most words): the bit set says so without a string being made. */
  mayStartWith(hash: number): boolean {
    return this.firstWordFilter.mayHave(hash);
  }

  /** Whether one of the phrases starts at the scanner's word of `text`: for a caller walking the text's words anyway. */
  startsAt(text: string, scan: WordScanner): boolean {
    if (!this.firstWordFilter.mayHave(scan.hash)) return false;
    let key = scan.word();
    if (this.phrases.has(key)) return true;
    // Read ahead in place, while the words read so far begin a phrase: a copy of the rest of
    // the text at every such word made a megabyte of "the cat" minutes of work, and most
    // words that begin a phrase ("Nordic", a street's name) are not followed by its next.
    const ahead = scan.following();
    let previousEnd = scan.end;
    while (this.beginnings.has(key) && ahead.next()) {
      key += phraseGap(text.slice(previousEnd, ahead.start)) + ahead.word();
      if (this.phrases.has(key)) return true;
      previousEnd = ahead.end;
    }
    return false;
  }
}

/**
 * The phrases free text may not hold of `production`: its companies, also without their
 * legal form (companyTextForms), and its street addresses.
 */
export function textPhrasesOf(production: Pick<ProductionValues, "companies" | "addresses" | "nameWords">): PhraseFinder {
  const phrases = new PhraseFinder();
  for (const company of production.companies) for (const { form } of companyTextForms(company, production.nameWords)) phrases.add(form);
  for (const address of production.addresses) if (addressNamesItself(address)) phrases.add(address);
  return phrases;
}
