/**
 * Free text (ticket titles and messages, sale titles, appointment subjects, document
 * file names, …) with every production person's or company's name, e-mail address
 * and phone number in it replaced by its pseudonym (rule 18).
 *
 * Names match whole words, case-insensitively, as written or spelled in ASCII:
 * "HANSEN", "Hansen's" and "Bjornstad" (for "Bjørnstad") are replaced, the "Berg" in
 * "Bergen" is not. One matcher is built per run: the text is walked
 * word by word once (word-scan.ts), and a word that may be a name is looked up in
 * hash maps (the tree of phrases, longest match first, then single name words), so a
 * row costs the same whether production has ten names or a hundred thousand; an
 * alternation regex of that many names would try every one of them at every
 * position.
 */
import type { SanitizationError } from "../errors";
import { replaceTextAddresses } from "./addresses";
import { isCommonWord } from "./common-words";
import { assertRewrittenFits, MAX_REWRITTEN_BYTES } from "./copy-rows";
import type { Pseudonymiser } from "./pseudonymiser";
import { cannotPseudonymise } from "./refusal";
import { holdsPhoneDigits, normaliseName, words, type ProductionValues } from "./values";
import { WordFilter, WordScanner } from "./word-scan";

/** Shorter name words alone are too often something else ("Al", "Jo"); inside a full name they are still replaced. */
const MIN_SINGLE_WORD = 3;
/**
 * The most words a name matched as a phrase may have. Text is read from each word as
 * far as a phrase goes on matching, so a phrase's length multiplies the work: production
 * picks its names, and a company of 1,000 words ("alfa alfa … omega") held the worker's
 * thread for 1.6 s over 10,000 words of "alfa", hours over a long message body, beside
 * every other customer's run. A real company or person is named in far fewer words.
 */
export const MAX_PHRASE_WORDS = 32;
/** A run of digits with the usual phone separators, optionally `+` or `00` first. */
const PHONE = /(?<![\p{L}\p{N}+])\+?\d[\d ().-]{4,}\d(?![\p{L}\p{N}])/gu;

/**
 * Phrases (full names, company names) as a tree of their words: from a phrase's first
 * word, each next word is found by what separates it (whitespace runs as one space)
 * and the word, lower-cased. Company names share their first words by the dozen
 * ("Sæther Karlsen Solheim og …"); the tree reads each word of the text once.
 */
interface PhraseNode {
  /** Set where a phrase ends. */
  replace?: (matched: string) => string;
  next?: Map<string, PhraseNode>;
}

/** What separates two words of a phrase, as the tree keys it; most often one space, which needs no work. */
const gap = (text: string) => (text === " " ? text : text.replace(/\s+/g, " ").toLowerCase());

const edge = (gapBefore: string, word: string) => `${gapBefore}\0${word}`;
const S = "s".charCodeAt(0);

export class Scrubber {
  /** By the phrase's first word. */
  private readonly phrases = new Map<string, PhraseNode>();
  private readonly singles: ReadonlySet<string>;
  /** Every word that may start a replacement: a phrase's first word or a single name word. */
  private readonly candidates: WordFilter;

  /** A text that grows past `maxLength` code units scrubbed throws RewrittenTooLong (copy-rows.ts). */
  constructor(
    private readonly pseudonyms: Pseudonymiser,
    private readonly production: ProductionValues,
    companies: Iterable<string>,
    private readonly maxLength = MAX_REWRITTEN_BYTES,
  ) {
    // Names as written and as ASCII spells them ("Bjornstad" in a message): nameWord gives both one pseudonym.
    this.singles = new Set([...production.nameWords].filter((w) => w.length >= MIN_SINGLE_WORD && !isCommonWord(w)));
    // A full name whose every word is replaced alone reads the same word by word: only the others need a phrase.
    for (const name of production.fullNames) {
      const nameWords = words(name);
      if (nameWords.length > MAX_PHRASE_WORDS) throw tooManyWords("people's names");
      if (!nameWords.every((w) => this.singles.has(w.toLowerCase()))) this.addPhrase(name, (m) => pseudonyms.personName(m));
    }
    for (const company of companies) {
      const companyWords = words(company);
      if (companyWords.length > MAX_PHRASE_WORDS) throw tooManyWords("company names");
      if (companyWords.length === 1 && production.nameWords.has(normaliseName(company))) continue; // the person's name wins
      this.addPhrase(company, () => pseudonyms.companyName(company));
    }
    this.candidates = new WordFilter([...this.phrases.keys(), ...this.singles]);
  }

  scrub(text: string): string {
    if (text === "") return text;
    // The cheap tests first: most text holds no address, many no digits.
    const mailed = text.includes("@") ? replaceTextAddresses(text, (address) => this.pseudonyms.email(address), this.maxLength) : text;
    const phoned = !/\d/.test(mailed) ? mailed : mailed.replace(PHONE, (phone) => (holdsPhoneDigits(this.production.phones, phone) ? this.pseudonyms.phone(phone) : phone));
    return this.scrubNames(phoned);
  }

  /** A phrase already in the tree keeps its replacement: a person's full name comes first and wins over a company's. */
  private addPhrase(value: string, replace: (matched: string) => string): void {
    const scan = WordScanner.of(value);
    if (!scan.next()) return;
    const first = scan.word();
    let node = this.phrases.get(first);
    if (!node) this.phrases.set(first, (node = {}));
    let previousEnd = scan.end;
    while (scan.next()) {
      const key = edge(gap(value.slice(previousEnd, scan.start)), scan.word());
      node.next ??= new Map();
      let child = node.next.get(key);
      if (!child) node.next.set(key, (child = {}));
      node = child;
      previousEnd = scan.end;
    }
    node.replace ??= replace;
  }

  private scrubNames(text: string): string {
    let out = "";
    let pos = 0;
    const emit = (start: number, end: number, replacement: string) => {
      out += text.slice(pos, start) + inCaseOf(text.slice(start, end), replacement);
      pos = end;
      // A short name may have a long pseudonym: text of nothing but one name grows several times over.
      assertRewrittenFits(out.length + text.length - pos, this.maxLength);
    };
    let scan = WordScanner.of(text);
    while (scan.next()) {
      // Most words are no one's name: the bit set says so without a string being made.
      if (!this.candidates.mayHave(scan.hash) && !(scan.lastUnit === S && this.candidates.mayHave(scan.hashBeforeLast))) continue;
      const word = scan.word();
      const phrase = this.phrases.has(word) ? this.phraseAt(text, scan, word) : undefined;
      if (phrase) {
        emit(scan.start, phrase.end.end, phrase.replace(text.slice(scan.start, phrase.end.end)));
        scan = phrase.end;
      } else if (this.singles.has(word)) emit(scan.start, scan.end, this.pseudonyms.nameWord(word));
      // A genitive without an apostrophe ("Hansens kontor"): the name is replaced, its "s" kept.
      else if (scan.lastUnit === S && this.singles.has(word.slice(0, -1))) emit(scan.start, scan.end - 1, this.pseudonyms.nameWord(word.slice(0, -1)));
    }
    return pos === 0 ? text : out + text.slice(pos);
  }

  /** The longest phrase the text reads from the scanner's word on, and a scanner at its last word. */
  private phraseAt(text: string, scan: WordScanner, word: string): { replace: (matched: string) => string; end: WordScanner } | undefined {
    let node = this.phrases.get(word);
    let longest = node?.replace ? { replace: node.replace, end: scan } : undefined;
    let at = scan;
    while (node?.next) {
      const ahead = at.fork();
      if (!ahead.next()) break;
      node = node.next.get(edge(gap(text.slice(at.end, ahead.start)), ahead.word()));
      at = ahead;
      if (node?.replace) longest = { replace: node.replace, end: at };
    }
    return longest;
  }
}

/** A production whose names are too long to scrub in bounded time is not copied pseudonymised (fail closed). */
function tooManyWords(what: string): SanitizationError {
  return cannotPseudonymise(`One of production's ${what} has more than ${MAX_PHRASE_WORDS} words: too long to pseudonymise`);
}

/** The replacement in the case the text wrote the name in: "HANSEN" → "BERG", "hansen" → "berg". */
function inCaseOf(matched: string, replacement: string): string {
  if (matched === matched.toUpperCase() && matched !== matched.toLowerCase()) return replacement.toUpperCase();
  if (matched === matched.toLowerCase()) return replacement.toLowerCase();
  return replacement;
}
