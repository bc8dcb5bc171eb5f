/**
 * Production's names in scripts written without spaces between words (rule 18): Chinese
 * and Japanese (Han, Hiragana, Katakana), Thai, Lao, Khmer and Myanmar, where a sentence
 * is one run of letters ("王伟先生来电询问报价", "田中太郎様からの問い合わせ",
 * "คุณสมชายโทรมาถามราคา"), and Korean, which spaces its words but writes a name with its
 * honorific and particle in one ("김민수님이"). Matched at word boundaries, as spaced
 * scripts' names are, such a name was never found: the scrubber kept it and the check,
 * reading text the same way, passed the copy. The scrubber replaces what this finds and
 * the check looks for the same, so they agree.
 *
 * Inside a word of those scripts (WordKind) a name is looked for at every character,
 * longest first, left to right; Korean's only at the word's start, or right after a name
 * (a name and what attaches to it). Which names, and the trade-off:
 *
 * - A full name, surname and given name run together in either order ("王伟" of the
 *   contact 伟 王, "田中太郎"), and a company of those scripts (also without its legal form:
 *   "华为技术" of "华为技术有限公司"), whatever their length.
 * - A name word alone of two characters or more in Han or Hangul, where each character
 *   is a syllable ("田中", "太郎", "민수"), three in kana, and four in Thai, Lao, Khmer and
 *   Myanmar, whose letters are letters: a shorter one is in too many other words
 *   ("はな" in "はなし", a Thai syllable in every other word) to be replaced wherever it
 *   occurs. A shorter one (a Chinese surname such as 王 or 李, a one-character given name)
 *   is not replaced alone, as "Al" and "Jo" are not in spaced text: 王 alone is the "king"
 *   of 国王 and 王国 and a surname a hundred million people share, and replacing it
 *   everywhere would garble the text and identify no one; inside a full name it is
 *   replaced with the name. A name word that is also a word of the language ("建国",
 *   "海燕") is replaced where that word is too: the contract names no exception for it.
 * - The scrubber also replaces such a name of three letters or more that is a whole word
 *   (a Thai name between spaces), as spaced scripts' names are; the check, like its check
 *   of spaced words, does not count those.
 *
 * A name is not found where the character after it is a combining mark, nor (Thai, Lao)
 * where the one before it is a vowel written before its consonant: either belongs to
 * the name's last or first syllable, which is then another word.
 *
 * Pseudonyms are drawn in Latin letters (the locales of locales.ts have no others), and
 * are meant to be, never in these scripts: a pseudonym
 * in the text's own script could, run together with the characters after it, spell
 * another production name where nothing keeps them apart, and the check would fail that
 * copy every time.
 */
import { plainText } from "./plain-text";
import { normaliseName, type ProductionValues } from "./values";
import { EMPTY_WORD_HASH, extendWordHash, WordFilter, WordKind, WordScanner } from "./word-scan";

/** Longer names are not searched for inside words (they are still found as a word of their own, or as a phrase): see `longest`. */
export const MAX_UNSPACED_NAME = 32;
/** The fewest characters a name word alone needs to be found inside a word, by script; the most a name's characters ask for counts. */
const HAN_OR_HANGUL = 2;
const KANA = 3;
const LETTERS = 4;
/** As the scrubber's spaced names (scrubber.ts): a word of its own of fewer characters is kept. */
const MIN_WHOLE_WORD = 3;

const KANA_CHARACTER = /[\p{scx=Hiragana}\p{scx=Katakana}]/u;
const HAN_OR_HANGUL_CHARACTER = /^[\p{scx=Han}\p{scx=Hangul}]$/u;
const MARK = /^\p{M}$/u;
/** Thai's and Lao's vowels written before the consonant they follow in speech. */
const isLeadingVowel = (unit: number) => (unit >= 0x0e40 && unit <= 0x0e44) || (unit >= 0x0ec0 && unit <= 0x0ec4);
const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;

/** Chinese, Japanese and Korean legal forms, as they begin or end a company's name ("华为技术有限公司", "株式会社田中商事"). */
const LEGAL_FORMS = ["股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "集团", "集團", "株式会社", "有限会社", "合同会社", "주식회사", "유한회사"];

export interface UnspacedName {
  /** The name's words in the order the text writes them (a person), or undefined for a company. */
  words?: readonly string[];
  /** The company as the caller gave it, and whether this is its name without its legal form. */
  company?: string;
  short?: boolean;
  /** False for a name word found only as a word of its own (MIN_WHOLE_WORD), never inside one. */
  inside: boolean;
}

/** How many code points a string has. */
const length = (text: string) => {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (!isHighSurrogate(text.charCodeAt(i))) n++;
  return n;
};

/** The fewest characters `name` needs to be found inside a word alone (see the module's comment). */
function minInside(name: string): number {
  let min = HAN_OR_HANGUL;
  for (const c of name) {
    if (HAN_OR_HANGUL_CHARACTER.test(c)) continue;
    min = Math.max(min, KANA_CHARACTER.test(c) ? KANA : LETTERS);
  }
  return min;
}

/** The words of `value` (lower-cased) when all of them are of one kind that is not spaced, else undefined. */
function unspacedWords(value: string): { words: string[]; kind: number } | undefined {
  const scan = WordScanner.of(value);
  const words: string[] = [];
  let kind = 0;
  while (scan.next()) {
    if (scan.kind === WordKind.Spaced || (kind !== 0 && scan.kind !== kind)) return undefined;
    kind = scan.kind;
    words.push(scan.word());
  }
  return words.length > 0 ? { words, kind } : undefined;
}

/** A company's name without a legal form it begins or ends with, when two characters or more are left. */
function withoutLegalForm(joined: string): string | undefined {
  for (const form of LEGAL_FORMS) {
    const rest = joined.endsWith(form) ? joined.slice(0, -form.length) : joined.startsWith(form) ? joined.slice(form.length) : undefined;
    if (rest !== undefined && length(rest) >= HAN_OR_HANGUL) return rest;
  }
  return undefined;
}

export class UnspacedNames {
  private readonly names = new Map<string, UnspacedName>();
  /** The names' hashes, and the hashes of every beginning of them: the search from a character stops at the first that is none. */
  private readonly wholes = new WordFilter();
  private readonly beginnings = new WordFilter();
  /** The longest name in code units: no search from a character reads further. */
  private longest = 0;

  /**
   * Production's names and `companies` (as written, or normalised: the callback is given
   * what it was given) that are written in these scripts; undefined when there is none, as
   * for nearly every production, and nothing is searched.
   */
  static of(production: Pick<ProductionValues, "nameTokens" | "fullNames">, companies: Iterable<string>): UnspacedNames | undefined {
    const names = new UnspacedNames();
    // Full names first: "王伟" of the contact 伟 王 is the person's two words, as the name columns have them.
    for (const full of production.fullNames) {
      const found = unspacedWords(plainText(full));
      if (!found || found.words.length < 2) continue;
      const { words } = found;
      names.add(words.join(""), { words, inside: true });
      // Surname first: the CRM has first and last names, and these languages write the last first.
      const lastFirst = [words.at(-1)!, ...words.slice(0, -1)];
      names.add(lastFirst.join(""), { words: lastFirst, inside: true });
    }
    // Then name words, before companies: a one-word company that is a person's name is that person in text, as in spaced text (text-phrases.ts).
    for (const token of production.nameTokens) {
      const found = unspacedWords(token);
      if (!found || found.words.length !== 1) continue;
      const n = length(token);
      if (n >= minInside(token)) names.add(token, { words: [token], inside: true });
      else if (token.length >= MIN_WHOLE_WORD) names.add(token, { words: [token], inside: false });
    }
    for (const company of companies) {
      const found = unspacedWords(plainText(company));
      if (!found) continue;
      const joined = found.words.join("");
      if (length(joined) >= minInside(joined)) names.add(joined, { company, inside: true });
      const short = withoutLegalForm(joined);
      if (short !== undefined && length(short) >= minInside(short)) names.add(short, { company, short: true, inside: true });
    }
    return names.names.size > 0 ? names : undefined;
  }

  /** A name already known keeps what it was first: a person's full name wins over a name word, a name word over a company. */
  private add(key: string, name: UnspacedName): void {
    const lower = normaliseName(key);
    if (lower.length > MAX_UNSPACED_NAME || this.names.has(lower)) return;
    this.names.set(lower, name);
    let hash = EMPTY_WORD_HASH;
    for (let i = 0; i < lower.length; i++) {
      hash = extendWordHash(hash, lower.charCodeAt(i));
      this.beginnings.add(hash);
    }
    this.wholes.add(hash);
    this.longest = Math.max(this.longest, lower.length);
  }

  /**
   * Calls `found` for each name in the word [start, end) of `text` that a WordScanner read
   * as of `kind` (not spaced), left to right, the longest from each character, none
   * overlapping; `wholeWords`: also the names found only as a word of their own (the
   * scrubber's). `found` returns true to stop.
   */
  forEachIn(text: string, start: number, end: number, kind: number, wholeWords: boolean, found: (start: number, end: number, name: UnspacedName) => boolean | void): void {
    // After a name, the rest of the word is read as a word of its own: the scrubber's
    // pseudonym in Latin letters makes it one, and the check reads it so.
    let atStart = true;
    for (let i = start; i < end; ) {
      let hash = EMPTY_WORD_HASH;
      let matchEnd = -1;
      let match: UnspacedName | undefined;
      const last = Math.min(end, i + this.longest);
      for (let j = i; j < last; ) {
        hash = extendWordHash(hash, text.charCodeAt(j));
        if (isHighSurrogate(text.charCodeAt(j++)) && j < end) hash = extendWordHash(hash, text.charCodeAt(j++));
        if (!this.beginnings.mayHave(hash)) break;
        if (!this.wholes.mayHave(hash)) continue;
        const name = this.names.get(text.slice(i, j));
        if (name && (name.inside || (wholeWords && atStart && j === end)) && this.standsAlone(text, start, i, j, end)) {
          matchEnd = j;
          match = name;
        }
      }
      if (match) {
        if (found(i, matchEnd, match) === true) return;
        i = matchEnd;
        atStart = true;
        continue;
      }
      // Korean: a name begins its word.
      if (kind === WordKind.Attaching) return;
      i += isHighSurrogate(text.charCodeAt(i)) ? 2 : 1;
      atStart = false;
    }
  }

  /** The first name in the word, as forEachIn finds them without wholeWords (the check's), or undefined. */
  firstIn(text: string, start: number, end: number, kind: number): UnspacedName | undefined {
    let first: UnspacedName | undefined;
    this.forEachIn(text, start, end, kind, false, (_s, _e, name) => {
      first = name;
      return true;
    });
    return first;
  }

  /** Whether [from, to) is a name where it stands: no mark after it, no leading vowel before it, within the word. */
  private standsAlone(text: string, wordStart: number, from: number, to: number, wordEnd: number): boolean {
    if (to < wordEnd && MARK.test(text.charAt(to))) return false;
    return from === wordStart || !isLeadingVowel(text.charCodeAt(from - 1));
  }
}
