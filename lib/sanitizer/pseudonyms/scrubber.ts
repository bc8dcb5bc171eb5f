/**
 * Free text (ticket titles and messages, sale titles, appointment subjects, document
 * file names, …) with every production person's or company's name, e-mail address,
 * company website, phone number and org number in it replaced by its pseudonym (rule 18).
 *
 * Names match whole words, case-insensitively, as written or spelled in ASCII:
 * "HANSEN", "Hansen's", "Hansens", "hansen85" (its digits kept) and "Bjornstad" (for
 * "Bjørnstad") are replaced, the "Berg" in "Bergen" is not; in scripts written without spaces
 * ("王伟先生", "田中さん") names are found inside words (unspaced-names.ts). One matcher is built per run: the text is walked
 * word by word once (word-scan.ts), and a word that may be a name is looked up in
 * hash maps (an automaton of phrases, longest match first, then single name words), so
 * a row costs the same whether production has ten names or a hundred thousand, of one
 * word or of thirty; an alternation regex of that many names would try every one of
 * them at every position.
 */
import type { SanitizationError } from "../errors";
import { replaceHostLabels, replaceTextAddresses } from "./addresses";
import { isCommonWord } from "./common-words";
import { assertRewrittenFits, MAX_REWRITTEN_BYTES } from "./copy-rows";
import type { Pseudonymiser } from "./pseudonymiser";
import { HAS_INVISIBLE, INVISIBLE_ONLY, plainText, plainTextReadings } from "./plain-text";
import { cannotPseudonymise } from "./refusal";
import { addressNamesItself, companyTextForms, fullNameTextForms, MAX_PHRASE_WORDS, phraseGap, pseudonymWithoutLegalForm } from "./text-phrases";
import { UnspacedNames, type UnspacedName } from "./unspaced-names";
import { holdsPhoneDigits, PHONE_SEPARATORS, rewriteNumbersOfRun, WORD, words, type ProductionValues, type RawProductionValues } from "./values";
import { BARE_TAG, isMarkupTag, WordFilter, WordKind, WordScanner } from "./word-scan";

/** Shorter name words alone are too often something else ("Al", "Jo"); inside a full name they are still replaced. */
const MIN_SINGLE_WORD = 3;
export { MAX_PHRASE_WORDS };
/**
 * A run of digits with the usual phone separators, optionally `+` or `00` first: spaces
 * as signatures write them too (no-break and narrow no-break). Not slashes: "22 33 44 55 /
 * 99 88 77 66" is two numbers, and read as one it was neither. Letters around it do not
 * matter, as they do not to the check: "NO912345678MVA" (a Norwegian VAT number) and
 * "tlf22334455" hold a production number, which the check found and the scrubber, reading
 * only numbers that stood apart, left, so such a production failed every copy.
 */
const PHONE = /(?<![\p{N}+])\+?\d[\d ().\u00a0\u202f-]{4,}\d(?!\p{N})/gu;
/** PHONE over line breaks too ("+47 22 33\n44 55"), its numbers read by rewriteNumbersOfRun (values.ts). */
const PHONE_RUN = new RegExp(`(?<![\\p{N}+])\\+?\\d[\\d${PHONE_SEPARATORS}]{4,}\\d(?!\\p{N})`, "gu");

/**
 * Phrases (full names, company names) as a tree of their words: from a phrase's first
 * word, each next word is found by what separates it (whitespace runs as one space)
 * and the word, lower-cased. Company names share their first words by the dozen
 * ("Sæther Karlsen Solheim og …").
 *
 * The tree is read as an Aho–Corasick automaton over words: each word of the text
 * moves it once, and on a word the phrase it was reading cannot go on with, it falls
 * back to the longest phrase beginning that the words read so far end with. So each
 * word is looked at once, however long production makes its names; reading the text
 * again from every word, as the tree alone would, took a 32 MB body of "alfa" 21 s
 * against a company named by 31 words of "alfa" and one "omega".
 */
interface PhraseNode {
  /** Set where a phrase ends. */
  replace?: (matched: string) => string;
  next?: Map<string, PhraseNode>;
  /** How many words the phrase so far has. */
  depth: number;
  /** The longest proper suffix of this node's words that begins a phrase (the root at worst). */
  fail?: PhraseNode;
  /** The longest proper suffix of this node's words that is a whole phrase, if any. */
  endsAlso?: PhraseNode;
}

/** What separates two words of a phrase, as the tree keys it (text-phrases.ts). */
const gap = phraseGap;

const edge = (gapBefore: string, word: string) => `${gapBefore}\0${word}`;
const wordOfEdge = (key: string) => key.slice(key.indexOf("\0") + 1);
const S = "s".charCodeAt(0);
const TRAILING_DIGITS = /[0-9]+$/;
/** The words the scrubber keeps while it waits to know the longest phrase from each: a power of two above MAX_PHRASE_WORDS. */
const WINDOW = 64;
const IN_WINDOW = WINDOW - 1;

export class Scrubber {
  /** The tree's root: its next words are phrases' first words, keyed without a gap. */
  private readonly root: PhraseNode = { depth: 0, next: new Map() };
  private readonly singles: ReadonlySet<string>;
  /** Phrases' first words. */
  private readonly phraseStarts: WordFilter;
  /** Every word that may be replaced alone: a single name word. */
  private readonly singleWords: WordFilter;
  /** Names in scripts written without spaces, found inside words; undefined when production has none. */
  private readonly unspaced: UnspacedNames | undefined;
  /**
   * The last WINDOW words read, by word number modulo WINDOW: where each lies in the
   * text, whether it may be a name alone (1, or its WordKind when it is a word of a script
   * that is searched for names inside words), and the longest phrase found from it so far
   * (the word number it ends at, -1 for none).
   */
  private readonly starts = new Int32Array(WINDOW);
  private readonly ends = new Int32Array(WINDOW);
  private readonly maybeSingle = new Uint8Array(WINDOW);
  private readonly phraseEnd = new Int32Array(WINDOW);
  private readonly phraseFound: (PhraseNode | undefined)[] = new Array(WINDOW);

  /** A text that grows past `maxLength` code units scrubbed throws RewrittenTooLong (copy-rows.ts). */
  constructor(
    private readonly pseudonyms: Pseudonymiser,
    private readonly production: ProductionValues,
    { companies, addresses }: Pick<RawProductionValues, "companies" | "addresses">,
    private readonly maxLength = MAX_REWRITTEN_BYTES,
  ) {
    // Names as written and as ASCII spells them ("Bjornstad" in a message): nameWord gives both one pseudonym.
    this.singles = new Set([...production.nameWords].filter((w) => w.length >= MIN_SINGLE_WORD && !isCommonWord(w)));
    // A full name whose every word is replaced alone reads the same word by word: only the others need a phrase,
    // also last name first ("Price, Grace").
    for (const name of production.fullNames) {
      const nameWords = words(name);
      if (nameWords.length > MAX_PHRASE_WORDS) throw tooManyWords("people's names");
      if (!nameWords.every((w) => this.singles.has(w.toLowerCase()))) {
        for (const form of fullNameTextForms(name)) this.addPhrase(form, (m) => (m.includes("<") ? personNameAmongTags(pseudonyms, m) : pseudonyms.personName(m)));
      }
    }
    for (const company of companies) {
      // Keyed as text is read (plain-text.ts); the pseudonym is the value's as written, as its column's is.
      const shown = plainText(company);
      if (words(shown).length > MAX_PHRASE_WORDS) throw tooManyWords("company names");
      // As text names it: also "Fjordkraft Solutions" for "Fjordkraft Solutions AS" (text-phrases.ts).
      for (const { form, short } of companyTextForms(shown, production.nameWords)) {
        this.addPhrase(form, short ? (m) => withTagsOf(m, pseudonymWithoutLegalForm(pseudonyms.companyName(company))) : (m) => withTagsOf(m, pseudonyms.companyName(company)));
      }
    }
    // A company's street address in text ("Levering: Storgata 12, 0155 Oslo"), as the address columns have it.
    for (const address of addresses) {
      const shown = plainText(address);
      if (addressNamesItself(shown)) this.addPhrase(shown, (m) => withTagsOf(m, pseudonyms.street(address)));
    }
    this.linkFallbacks();
    this.unspaced = UnspacedNames.of(production, companies);
    this.phraseStarts = new WordFilter(this.root.next!.keys());
    this.singleWords = new WordFilter(this.singles);
  }

  scrub(written: string): string {
    if (written === "") return written;
    // As it reads: a name in decomposed, full-width or hyphenated-by-soft-hyphen letters is that name.
    // An invisible character between two letters may part two names ("Grace\u200bPrice") as well as
    // join a name's letters ("Han\u00adsen"): the text is read split there first, for the names that
    // take two words (phrases, and two name words either side of it), then joined for the rest.
    const read = HAS_INVISIBLE.test(written) ? plainTextReadings(written) : undefined;
    let text = read ? read.joined : plainText(written);
    let splitNamed = false;
    if (read) {
      const split = read.split;
      if (split !== text) {
        assertRewrittenFits(split.length, this.maxLength);
        const named = this.scrubNames(split, true);
        if (named !== split) {
          splitNamed = true;
          text = plainText(named);
        }
      }
    }
    if (text !== written) assertRewrittenFits(text.length, this.maxLength);
    // The cheap tests first: most text holds no address, many no digits.
    const mailed = text.includes("@") ? replaceTextAddresses(text, (address) => this.pseudonyms.email(address), this.maxLength) : text;
    // A run of digits may be a phone number, or an org number ("org.nr 912 345 678" on an invoice).
    const phoned = !/\d/.test(mailed) ? mailed : mailed.replace(PHONE_RUN, (run) => rewriteNumbersOfRun(run, PHONE, (digits) => this.replaceNumber(digits)));
    // A company's website in a signature ("www.firma.no") names the company as its e-mail domain does.
    const { websiteHosts } = this.production;
    const hosted =
      websiteHosts.size === 0 || !phoned.includes(".")
        ? phoned
        : replaceHostLabels(phoned, (label) => this.replaceWebsiteName(label), this.maxLength);
    const scrubbed = this.scrubNames(hosted);
    // Nothing replaced: the value as it came, not as plainText read it (a file name stored decomposed keeps its form).
    return !splitNamed && text !== written && scrubbed === text ? written : scrubbed;
  }

  /** A host name's label that is a company's website name as that website's pseudonym, in its case; undefined for any other. */
  private replaceWebsiteName(label: string): string | undefined {
    const lower = label.toLowerCase();
    return this.production.websiteHosts.has(lower) ? inCaseOf(label, this.pseudonyms.websiteName(lower)) : undefined;
  }

  /** A production phone or org number's pseudonym; undefined for any other number. */
  private replaceNumber(digits: string): string | undefined {
    if (holdsPhoneDigits(this.production.phones, digits)) return this.pseudonyms.phone(digits);
    return this.production.orgNumbers.hasDigitsOf(digits, 0) ? this.pseudonyms.orgNumber(digits) : undefined;
  }

  /** A phrase already in the tree keeps its replacement: a person's full name comes first and wins over a company's. */
  private addPhrase(value: string, replace: (matched: string) => string): void {
    const scan = WordScanner.of(value);
    if (!scan.next()) return;
    let key = scan.word();
    let node = this.root;
    let previousEnd = scan.end;
    for (;;) {
      node.next ??= new Map();
      let child = node.next.get(key);
      if (!child) node.next.set(key, (child = { depth: node.depth + 1 }));
      node = child;
      if (!scan.next()) break;
      key = edge(gap(value.slice(previousEnd, scan.start)), scan.word());
      previousEnd = scan.end;
    }
    node.replace ??= replace;
  }

  /** Each node's fallback and the shorter phrase its words end with, breadth first: a node's come from shallower ones. */
  private linkFallbacks(): void {
    const root = this.root;
    const queue: PhraseNode[] = [];
    for (const first of root.next!.values()) {
      first.fail = root;
      queue.push(first);
    }
    for (let q = 0; q < queue.length; q++) {
      const node = queue[q]!;
      for (const [key, child] of node.next ?? []) {
        let fallback = node.fail!;
        let target: PhraseNode | undefined;
        // A phrase's first word is keyed without the gap before it.
        while (!(target = fallback === root ? root.next!.get(wordOfEdge(key)) : fallback.next?.get(key)) && fallback !== root) fallback = fallback.fail!;
        child.fail = target ?? root;
        child.endsAlso = child.fail.replace ? child.fail : child.fail.endsAlso;
        queue.push(child);
      }
    }
  }

  /**
   * Whether the word just read may be a name alone (maybeSingle): 0 if not; 1 for a word of a
   * spaced script that may be one; its WordKind for a word of a script written without spaces,
   * searched inside when production has such names.
   */
  private singleNameFlag(scan: WordScanner): number {
    if (scan.kind !== WordKind.Spaced) return this.unspaced ? scan.kind : 0;
    const mayBe =
      this.singleWords.mayHave(scan.hash) ||
      (scan.lastUnit === S && this.singleWords.mayHave(scan.hashBeforeLast)) ||
      (scan.lettersBeforeDigits() !== -1 && this.singleWords.mayHave(scan.hashBeforeDigits));
    return mayBe ? 1 : 0;
  }

  /** The node after `node` has read the scanner's word, which `gapStart` (the previous word's end) is the gap before. */
  private step(node: PhraseNode, text: string, gapStart: number, scan: WordScanner): PhraseNode {
    const root = this.root;
    let word: string | undefined;
    let key: string | undefined;
    for (;;) {
      if (node === root) {
        // Most words begin no phrase: the bit set says so without a string being made.
        if (!this.phraseStarts.mayHave(scan.hash)) return root;
        return root.next!.get((word ??= scan.word())) ?? root;
      }
      key ??= edge(gap(text.slice(gapStart, scan.start)), (word ??= scan.word()));
      const next = node.next?.get(key);
      if (next) return next;
      node = node.fail!;
    }
  }

  /**
   * Left to right, the longest phrase from each word not already replaced, else the
   * word alone if it is a name. A word is settled once MAX_PHRASE_WORDS - 1 more are
   * read: no phrase from it can end later.
   */
  private scrubNames(text: string, split = false): string {
    const { starts, ends, maybeSingle, phraseEnd, phraseFound } = this;
    const pass: Pass = { text, scan: WordScanner.of(text), out: "", pos: 0, free: 0, split, last: -1 };
    const scan = pass.scan;
    let node = this.root;
    let n = -1;
    let previousEnd = 0;
    while (scan.next()) {
      const at = ++n & IN_WINDOW;
      starts[at] = scan.start;
      ends[at] = scan.end;
      phraseEnd[at] = -1;
      // Read split, a word is a name alone only beside another across an invisible character (settle).
      maybeSingle[at] = split ? (scan.kind === WordKind.Spaced && this.singleWords.mayHave(scan.hash) && this.singles.has(scan.word()) ? 1 : 0) : this.singleNameFlag(scan);
      pass.last = n;
      node = this.step(node, text, previousEnd, scan);
      previousEnd = scan.end;
      // Every phrase that ends at this word; from a given first word, a later end is a longer phrase.
      for (let found = node.replace ? node : node.endsAlso; found; found = found.endsAlso) {
        const from = (n - found.depth + 1) & IN_WINDOW;
        phraseEnd[from] = n;
        phraseFound[from] = found;
      }
      if (n >= MAX_PHRASE_WORDS - 1) this.settle(pass, n - MAX_PHRASE_WORDS + 1);
    }
    for (let m = Math.max(0, n - MAX_PHRASE_WORDS + 2); m <= n; m++) this.settle(pass, m);
    return pass.pos === 0 ? text : pass.out + text.slice(pass.pos);
  }

  /** Word `n`, with every word after it that a phrase can reach read: replaced by the longest phrase from it, or alone, or kept. */
  private settle(pass: Pass, n: number): void {
    if (n < pass.free) return;
    const at = n & IN_WINDOW;
    const last = this.phraseEnd[at]!;
    const start = this.starts[at]!;
    if (last >= 0) {
      const end = this.ends[last & IN_WINDOW]!;
      this.emit(pass, start, end, this.phraseFound[at]!.replace!(pass.text.slice(start, end)));
      pass.free = last + 1;
      return;
    }
    const maybe = this.maybeSingle[at]!;
    if (maybe === 0) return;
    const end = this.ends[at]!;
    if (pass.split) {
      if (this.besideNameAcrossInvisible(pass, n)) this.emit(pass, start, end, this.pseudonyms.nameWord(pass.scan.wordAt(start, end)));
      return;
    }
    if (maybe !== 1) {
      this.unspaced!.forEachIn(pass.text, start, end, maybe, true, (from, to, name) => this.emit(pass, from, to, this.unspacedPseudonym(name)));
      return;
    }
    const word = pass.scan.wordAt(start, end);
    if (this.singles.has(word)) this.emit(pass, start, end, this.pseudonyms.nameWord(word));
    // A genitive without an apostrophe ("Hansens kontor"): the name is replaced, its "s" kept.
    else if (word.charCodeAt(word.length - 1) === S && this.singles.has(word.slice(0, -1))) this.emit(pass, start, end - 1, this.pseudonyms.nameWord(word.slice(0, -1)));
    // A user name in text ("logget inn som hansen85"): the name is replaced, its digits kept.
    else {
      const letters = word.replace(TRAILING_DIGITS, "");
      if (letters !== word && this.singles.has(letters)) this.emit(pass, start, start + letters.length, this.pseudonyms.nameWord(letters));
    }
  }

  /**
   * Whether word `n` of a text read split has a name word for a neighbour across a gap of
   * invisible characters alone ("Kari\u200bHansen"): two names, read apart. One name word
   * there is a fragment of a longer word ("Berg\u00aden" is Bergen), left to the joined reading.
   */
  private besideNameAcrossInvisible(pass: Pass, n: number): boolean {
    const { starts, ends, maybeSingle } = this;
    const text = pass.text;
    const at = n & IN_WINDOW;
    if (n > 0 && n - 1 >= pass.last - IN_WINDOW) {
      const before = (n - 1) & IN_WINDOW;
      if (maybeSingle[before] === 1 && INVISIBLE_ONLY.test(text.slice(ends[before]!, starts[at]!))) return true;
    }
    if (n < pass.last) {
      const after = (n + 1) & IN_WINDOW;
      if (maybeSingle[after] === 1 && INVISIBLE_ONLY.test(text.slice(ends[at]!, starts[after]!))) return true;
    }
    return false;
  }

  /** A name found inside a word (unspaced-names.ts): a person's words' pseudonyms in the text's order, or the company's. */
  private unspacedPseudonym(name: UnspacedName): string {
    if (name.words) return name.words.map((w) => this.pseudonyms.nameWord(w)).join(" ");
    const company = this.pseudonyms.companyName(name.company!);
    return name.short ? pseudonymWithoutLegalForm(company) : company;
  }

  private emit(pass: Pass, start: number, end: number, replacement: string): void {
    const { text } = pass;
    pass.out += text.slice(pass.pos, start) + inCaseOf(text.slice(start, end), replacement);
    pass.pos = end;
    // A short name may have a long pseudonym: text of nothing but one name grows several times over.
    assertRewrittenFits(pass.out.length + text.length - pass.pos, this.maxLength);
  }
}

/** One text being scrubbed: what is written so far, up to `pos` in the text, and the first word not inside a phrase already replaced. */
interface Pass {
  text: string;
  scan: WordScanner;
  out: string;
  pos: number;
  free: number;
  /** Read split at invisible characters between letters (plainText's `split`): phrases, and name words beside each other across one. */
  split: boolean;
  /** The number of the last word read. */
  last: number;
}

/**
 * A full name read across markup's tags ("Grace</b> Price", word-scan.ts) with its words
 * replaced as personName replaces them and the tags kept where they were: the HTML stays
 * the same HTML.
 */
function personNameAmongTags(pseudonyms: Pseudonymiser, matched: string): string {
  return matched.replace(TAG_OR_WORD, (part) =>
    part.charCodeAt(0) !== LESS_THAN ? pseudonyms.nameWord(part) : isMarkupTag(part) ? part : part.replace(WORD, (w) => pseudonyms.nameWord(w)),
  );
}
const TAG_OR_WORD = new RegExp(`${BARE_TAG.source}|[\\p{L}\\p{M}\\p{N}]+`, "gu");
const LESS_THAN = 0x3c;

/** A company's or an address's pseudonym, followed by the tags of the text it replaces ("Nordvik<br>Bygg AS"), so that none is lost. */
function withTagsOf(matched: string, pseudonym: string): string {
  if (!matched.includes("<")) return pseudonym;
  const tags = (matched.match(BARE_TAG) ?? []).filter(isMarkupTag);
  return pseudonym + tags.join("");
}

/** A production whose names are too long to scrub in bounded time is not copied pseudonymised (fail closed). */
function tooManyWords(what: string): SanitizationError {
  return cannotPseudonymise(`One of production's ${what} has more than ${MAX_PHRASE_WORDS} words: too long to pseudonymise`);
}

/**
 * The replacement in the case the text wrote the name in: "HANSEN" → "BERG", "hansen" →
 * "berg"; a name in a script without case ("สมชาย", "王伟") gives none, and the pseudonym
 * keeps its own (it was lower-cased, as if the text had written the name so).
 */
function inCaseOf(matched: string, replacement: string): string {
  const lower = matched.toLowerCase();
  if (matched === matched.toUpperCase()) return matched !== lower ? replacement.toUpperCase() : replacement;
  if (matched === lower) return replacement.toLowerCase();
  return replacement;
}
