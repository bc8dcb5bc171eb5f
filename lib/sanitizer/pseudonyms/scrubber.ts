/**
 * Free text (ticket titles and messages, sale titles, appointment subjects, document
 * file names, …) with every production person's or company's name, e-mail address
 * and phone number in it replaced by its pseudonym (rule 18).
 *
 * Names match whole words, case-insensitively: "HANSEN" and "Hansen's" are replaced,
 * the "Berg" in "Bergen" is not. One matcher is built per run: the text is split into
 * words once and each word is looked up in hash maps (phrases by their first word,
 * longest first, then single name words), so a row costs the same whether production
 * has ten names or a hundred thousand; an alternation regex of that many names would
 * try every one of them at every position.
 */
import { isCommonWord } from "./common-words";
import type { Pseudonymiser } from "./pseudonymiser";
import { normaliseName, phoneDigits, WORD, words, type ProductionValues } from "./values";

/** Shorter name words alone are too often something else ("Al", "Jo"); inside a full name they are still replaced. */
const MIN_SINGLE_WORD = 3;
const EMAIL = /[^\s@<>(),;:"'[\]]+@[^\s@<>(),;:"'[\]]+\.[^\s@<>(),;:"'[\].]+/g;
/** A run of digits with the usual phone separators, optionally `+` or `00` first. */
const PHONE = /(?<![\p{L}\p{N}+])\+?\d[\d ().-]{4,}\d(?![\p{L}\p{N}])/gu;

interface Phrase {
  /** Lower-cased words, and what separates them (whitespace runs as one space). */
  words: string[];
  gaps: string[];
  replace: (matched: string) => string;
}

interface WordAt {
  lower: string;
  start: number;
  end: number;
}

const gap = (text: string) => text.replace(/\s+/g, " ").toLowerCase();

/** Phrases are found by their first two words: many company names share a first one ("Hansen AS", "Hansen og Berg"). */
const phraseKey = (first: string, second: string | undefined) => (second === undefined ? first : `${first} ${second}`);

export class Scrubber {
  /** By phraseKey, longest first. */
  private readonly phrases = new Map<string, Phrase[]>();
  private readonly phraseStarts = new Set<string>();
  private readonly singles: ReadonlySet<string>;

  constructor(
    private readonly pseudonyms: Pseudonymiser,
    private readonly production: ProductionValues,
    companies: Iterable<string>,
  ) {
    this.singles = new Set([...production.nameTokens].filter((w) => w.length >= MIN_SINGLE_WORD && !isCommonWord(w)));
    // A full name whose every word is replaced alone reads the same word by word: only the others need a phrase.
    for (const name of production.fullNames) {
      if (!words(name).every((w) => this.singles.has(w.toLowerCase()))) this.addPhrase(name, (m) => pseudonyms.personName(m));
    }
    for (const company of companies) {
      if (words(company).length === 1 && production.nameTokens.has(normaliseName(company))) continue; // the person's name wins
      this.addPhrase(company, () => pseudonyms.companyName(company));
    }
    for (const list of this.phrases.values()) list.sort((a, b) => b.words.length - a.words.length);
  }

  scrub(text: string): string {
    if (text === "") return text;
    // The cheap tests first: most text holds no address, many no digits.
    const mailed = text.includes("@") ? text.replace(EMAIL, (address) => this.pseudonyms.email(address)) : text;
    const phoned = !/\d/.test(mailed) ? mailed : mailed.replace(PHONE, (phone) => (phoneDigits(phone).some((d) => this.production.phones.has(d)) ? this.pseudonyms.phone(phone) : phone));
    return this.scrubNames(phoned);
  }

  private addPhrase(value: string, replace: (matched: string) => string): void {
    const at = wordsAt(value);
    const first = at[0];
    if (!first) return;
    const phrase = { words: at.map((w) => w.lower), gaps: at.slice(1).map((w, i) => gap(value.slice(at[i]!.end, w.start))), replace };
    const key = phraseKey(first.lower, at[1]?.lower);
    const list = this.phrases.get(key);
    if (list) list.push(phrase);
    else this.phrases.set(key, [phrase]);
    this.phraseStarts.add(first.lower);
  }

  /** Whether a lower-cased word may start a replacement. */
  private mayMatch = (lower: string): boolean =>
    this.phraseStarts.has(lower) || this.singles.has(lower) || (lower.endsWith("s") && this.singles.has(lower.slice(0, -1)));

  private scrubNames(text: string): string {
    // Most text names nobody: one pass over its words, with nothing built, says so.
    if (!(text.toLowerCase().match(WORD) ?? []).some(this.mayMatch)) return text;
    const at = wordsAt(text);
    let out = "";
    let pos = 0;
    const emit = (start: number, end: number, replacement: string) => {
      out += text.slice(pos, start) + inCaseOf(text.slice(start, end), replacement);
      pos = end;
    };
    for (let i = 0; i < at.length; ) {
      const word = at[i]!;
      const next = at[i + 1]?.lower;
      const phrase = this.phraseStarts.has(word.lower)
        ? ((next !== undefined ? this.phrases.get(phraseKey(word.lower, next))?.find((p) => matchesAt(text, at, i, p)) : undefined) ?? this.phrases.get(word.lower)?.[0])
        : undefined;
      if (phrase) {
        const end = at[i + phrase.words.length - 1]!.end;
        emit(word.start, end, phrase.replace(text.slice(word.start, end)));
        i += phrase.words.length;
        continue;
      }
      if (this.singles.has(word.lower)) emit(word.start, word.end, this.pseudonyms.nameWord(word.lower));
      // A genitive without an apostrophe ("Hansens kontor"): the name is replaced, its "s" kept.
      else if (word.lower.endsWith("s") && this.singles.has(word.lower.slice(0, -1))) emit(word.start, word.end - 1, this.pseudonyms.nameWord(word.lower.slice(0, -1)));
      i++;
    }
    return out + text.slice(pos);
  }
}

function wordsAt(text: string): WordAt[] {
  return Array.from(text.matchAll(WORD), (m) => ({ lower: m[0].toLowerCase(), start: m.index, end: m.index + m[0].length }));
}

function matchesAt(text: string, at: WordAt[], i: number, phrase: Phrase): boolean {
  for (let k = 1; k < phrase.words.length; k++) {
    const word = at[i + k];
    if (!word || word.lower !== phrase.words[k] || gap(text.slice(at[i + k - 1]!.end, word.start)) !== phrase.gaps[k - 1]) return false;
  }
  return true;
}

/** The replacement in the case the text wrote the name in: "HANSEN" → "BERG", "hansen" → "berg". */
function inCaseOf(matched: string, replacement: string): string {
  if (matched === matched.toUpperCase() && matched !== matched.toLowerCase()) return replacement.toUpperCase();
  if (matched === matched.toLowerCase()) return replacement.toLowerCase();
  return replacement;
}
