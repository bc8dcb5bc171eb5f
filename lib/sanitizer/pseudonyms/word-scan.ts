/**
 * The words of a text as WORD finds them (runs of letters, marks and digits), cut where
 * their script changes kind (below), walked
 * one by one without building a string per word. The scrubber and the verifier look at
 * every word of every free-text value of a copy (tens of millions of words), and
 * almost none of them is a name: each word's lower-cased hash is checked against a
 * bit set of the names first (WordFilter), and only a possible name becomes a string
 * to look up. A Unicode regex with a string per word was most of a pseudonymised
 * copy's time.
 *
 * A run of letters is cut where its script changes kind (WordKind): Chinese, Japanese,
 * Thai, Lao, Khmer and Myanmar are written without spaces between words, and Korean
 * attaches particles to a name ("김민수님이"); text glues them to Latin letters and
 * digits ("Hansen様", "王伟2024年"). Read as one word with them, "Hansen" was no name
 * to the scrubber or the check. The words of the scripts written without spaces, and
 * Hangul's, are searched for names inside them (unspaced-names.ts).
 */

/** What kind of word a word character makes: where two kinds touch, one word ends and the next begins. */
export const WordKind = {
  /** Scripts with spaces between words (Latin, Cyrillic, Greek, …) and digits. */
  Spaced: 1,
  /** Scripts written without spaces between words: Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar. */
  Unspaced: 2,
  /** Hangul: spaced, but a name takes its particles and honorifics in the same word. */
  Attaching: 3,
} as const;
export type WordKind = (typeof WordKind)[keyof typeof WordKind];
/** The kind's bits in a character's entry; ASTRAL marks a character of two code units. */
const KIND = 3;
const ASTRAL = 4;

/** Each BMP code unit's WordKind when it is a word character on its own, else 0. */
let wordUnits: Uint8Array | undefined;
const WORD_CHARACTER = /^[\p{L}\p{M}\p{N}]$/u;
const UNSPACED_CHARACTER = /^[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}]$/u;
const ATTACHING_CHARACTER = /^\p{scx=Hangul}$/u;
/**
 * The astral planes' answers, a bit each as they are first asked (whether it is known, and
 * whether it is a word character): a Map of them grew by an entry for every code point a
 * production held, up to tens of MB over hostile ones; these are 128 KB each, whatever it holds.
 * An astral word character is unspaced where it is Han (planes 2 and 3, where rarer names'
 * characters are) or kana (WordKind), else spaced.
 */
const ASTRAL_CODE_POINTS = 0x100000;
let astralKnown: Uint8Array | undefined;
let astralWord: Uint8Array | undefined;

/** A character's WordKind, 0 for none. */
function kindOf(character: string): number {
  if (!WORD_CHARACTER.test(character)) return 0;
  return UNSPACED_CHARACTER.test(character) ? WordKind.Unspaced : ATTACHING_CHARACTER.test(character) ? WordKind.Attaching : WordKind.Spaced;
}

function wordUnitTable(): Uint8Array {
  if (!wordUnits) {
    wordUnits = new Uint8Array(0x10000);
    for (let c = 0; c < 0x10000; c++) {
      // Surrogates are looked at in pairs (astralKind).
      if (c < 0xd800 || c > 0xdfff) wordUnits[c] = kindOf(String.fromCharCode(c));
    }
  }
  return wordUnits;
}

/** Han's supplementary planes and the kana and ideographic blocks of plane 1: the astral characters written without spaces. */
const isAstralUnspaced = (codePoint: number) => codePoint >= 0x20000 || (codePoint >= 0x16fe0 && codePoint <= 0x1b2ff);

/** An astral code point's WordKind with ASTRAL, 0 when it is no word character. */
function astralKind(codePoint: number): number {
  astralKnown ??= new Uint8Array(ASTRAL_CODE_POINTS / 8);
  astralWord ??= new Uint8Array(ASTRAL_CODE_POINTS / 8);
  const index = codePoint - 0x10000;
  const byte = index >> 3;
  const bit = 1 << (index & 7);
  if (!(astralKnown[byte]! & bit)) {
    astralKnown[byte]! |= bit;
    if (WORD_CHARACTER.test(String.fromCodePoint(codePoint))) astralWord[byte]! |= bit;
  }
  if ((astralWord[byte]! & bit) === 0) return 0;
  return (isAstralUnspaced(codePoint) ? WordKind.Unspaced : WordKind.Spaced) | ASTRAL;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** The hash of the empty word, and of a word one code unit longer: wordHash, a unit at a time. */
export const EMPTY_WORD_HASH = FNV_OFFSET;
export const extendWordHash = (hash: number, unit: number) => Math.imul(hash ^ unit, FNV_PRIME);

/** The hash WordScanner gives a word, for a word already a string (lower-cased by the caller). */
export function wordHash(word: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) h = extendWordHash(h, word.charCodeAt(i));
  return h;
}

export class WordScanner {
  /** The current word: [start, end) in the text, and its lower-cased hash. */
  start = 0;
  end = 0;
  hash = 0;
  /** The hash of the word without its last character ("hansens" → "hansen"'s hash). */
  hashBeforeLast = 0;
  /** The current word's last code unit, lower-cased. */
  lastUnit = 0;
  /** The current word's WordKind: its characters are all of one kind. */
  kind: number = WordKind.Spaced;
  private pos = 0;
  private readonly units = wordUnitTable();

  /**
   * `lower` is the text lower-cased when that kept every character's position (it
   * nearly always does: "İ" is one that does not), else null.
   */
  private constructor(
    private readonly text: string,
    private readonly lower: string | null,
  ) {}

  static of(text: string): WordScanner {
    const lower = text.toLowerCase();
    return new WordScanner(text, lower.length === text.length ? lower : null);
  }

  /** Moves to the next word, past markup's bare tags (isBareTag); false when there is none left. */
  next(): boolean {
    for (;;) {
      if (!this.nextWord()) return false;
      if (!this.isBareTag()) return true;
    }
  }

  /**
   * Whether the current word is the name of a tag without attributes ("<b>", "</span>",
   * "<br />"), as HTML message bodies put them around and between the words of a name:
   * read as a word, "b" parted "<b>Grace</b> Price" into three words, no full name to the
   * scrubber or the check. Only the names of HTML's elements for text (TAG_NAMES): a name
   * in angle brackets ("<Hansen>", "<Grace Price>") is a name.
   */
  private isBareTag(): boolean {
    const text = this.text;
    const start = this.start;
    const before = start > 0 ? text.charCodeAt(start - 1) : 0;
    if (before !== LESS_THAN && (before !== SLASH || start < 2 || text.charCodeAt(start - 2) !== LESS_THAN)) return false;
    let after = this.end;
    while (after < text.length && isTagSpace(text.charCodeAt(after))) after++;
    if (text.charCodeAt(after) === SLASH) after++;
    return text.charCodeAt(after) === GREATER_THAN && this.end - start <= LONGEST_TAG_NAME && TAG_NAMES.has(this.word());
  }

  private nextWord(): boolean {
    const text = this.text;
    let i = this.pos;
    let k = 0;
    for (;;) {
      while (i < text.length && (k = this.wordKind(i)) === 0) i++;
      if (i >= text.length) return false;
      // A percent-escape's two hex digits are no part of the word after them: "Hansen" in a link's
      // "?q=Kari%20Hansen" was the word "20hansen", no name to the scrubber or the check. An escape
      // holds a digit (those of text's spaces, commas and UTF-8's bytes all do): "20%Berg" is a name
      // after a percent sign, and its "Be" is no escape.
      if (i > 0 && text.charCodeAt(i - 1) === PERCENT && i + 1 < text.length && isEscape(text.charCodeAt(i), text.charCodeAt(i + 1))) {
        i += 2;
        continue;
      }
      break;
    }
    this.start = i;
    // The word goes on while its characters are of the kind of its first.
    const kind = k & KIND;
    this.kind = kind;
    const lower = this.lower;
    if (lower === null) {
      do {
        i += k > KIND ? 2 : 1;
      } while (i < text.length && ((k = this.wordKind(i)) & KIND) === kind);
      this.end = this.pos = i;
      this.hashWord();
      return true;
    }
    // Hashed on the way, in the one pass over the word's characters.
    let h = FNV_OFFSET;
    let before = h;
    do {
      before = h;
      h = Math.imul(h ^ lower.charCodeAt(i), FNV_PRIME);
      if (k > KIND) {
        before = h;
        h = Math.imul(h ^ lower.charCodeAt(i + 1), FNV_PRIME);
        i += 2;
      } else i++;
    } while (i < text.length && ((k = this.wordKind(i)) & KIND) === kind);
    this.end = this.pos = i;
    this.hash = h;
    this.hashBeforeLast = before;
    this.lastUnit = lower.charCodeAt(i - 1);
    return true;
  }

  /**
   * Where the current word's trailing digits begin ("hansen85" → at "85"), with the
   * letters before them hashed as wordHash would: a user name in text. -1 when the word
   * does not end in digits or is nothing else. Asked only of a word whose last unit is a
   * digit: most words are not, and the hot loop above stays as it is.
   */
  lettersBeforeDigits(): number {
    if (!isAsciiDigit(this.lastUnit)) return -1;
    let at = this.end;
    while (at > this.start && isAsciiDigit(this.text.charCodeAt(at - 1))) at--;
    if (at === this.start) return -1;
    this.hashBeforeDigits = wordHash(this.wordAt(this.start, at));
    return at;
  }

  /** The hash of the letters before the trailing digits, set by lettersBeforeDigits. */
  hashBeforeDigits = 0;

  /** A scanner over the same text, at the current word's end: to read ahead without losing this one's place (nor lower-casing the text again). */
  following(): WordScanner {
    const ahead = new WordScanner(this.text, this.lower);
    ahead.pos = this.end;
    return ahead;
  }

  /** The current word, lower-cased. */
  word(): string {
    return this.wordAt(this.start, this.end);
  }

  /** The word at [start, end) of the text, lower-cased as word() does: for a word the scanner has moved past. */
  wordAt(start: number, end: number): string {
    return this.lower !== null ? this.lower.slice(start, end) : this.text.slice(start, end).toLowerCase();
  }

  /** The current word's hashes, from its lower-cased string: for a text whose lower case moved characters. */
  private hashWord(): void {
    const source = this.word();
    let h = FNV_OFFSET;
    let before = h;
    for (let i = 0; i < source.length; i++) {
      before = h;
      h = Math.imul(h ^ source.charCodeAt(i), FNV_PRIME);
    }
    this.hash = h;
    this.hashBeforeLast = before;
    this.lastUnit = source.charCodeAt(source.length - 1);
  }

  /** 0 when the text has no word character at `i`, else its WordKind, with ASTRAL when it is two code units long. */
  private wordKind(i: number): number {
    const c = this.text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) return this.units[c]!;
    const codePoint = this.text.codePointAt(i)!;
    return codePoint > 0xffff ? astralKind(codePoint) : 0;
  }
}

const PERCENT = 0x25;
const LESS_THAN = 0x3c;
const GREATER_THAN = 0x3e;
const SLASH = 0x2f;
const isTagSpace = (unit: number) => unit === 0x20 || unit === 0x09 || unit === 0x0a || unit === 0x0d;

/**
 * The elements HTML message bodies wrap and part text's words with (mail editors', SuperOffice's):
 * markup, not words, where they stand as a tag of their own. Not "mark" nor "label": names
 * people have, written in angle brackets.
 */
const TAG_NAMES: ReadonlySet<string> = new Set([
  "a", "abbr", "b", "bdi", "bdo", "big", "blockquote", "br", "center", "cite", "code", "dd", "del", "div", "dl", "dt", "em",
  "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "nobr", "ol", "p", "pre", "q", "s", "samp",
  "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "wbr",
]);
const LONGEST_TAG_NAME = 10;
/** A tag isBareTag reads as markup, as it stands in text: for a phrase's gap (text-phrases.ts) and a replaced name's tags. */
export const BARE_TAG = /<\/?[A-Za-z][A-Za-z0-9]{0,9}[ \t\r\n]*\/?>/g;
const TAG_NAME = /[A-Za-z][A-Za-z0-9]*/;

/** Whether a BARE_TAG match is a tag isBareTag reads as markup ("</b>"), not a name in angle brackets ("<Hansen>"). */
export const isMarkupTag = (tag: string) => TAG_NAMES.has(TAG_NAME.exec(tag)![0].toLowerCase());

/** Two hex digits of a percent-escape that text would hold: at least one of them a decimal digit. */
function isEscape(first: number, second: number): boolean {
  return isHexDigit(first) && isHexDigit(second) && (isAsciiDigit(first) || isAsciiDigit(second));
}

/** 0-9, A-F, a-f. */
function isHexDigit(unit: number): boolean {
  return isAsciiDigit(unit) || (unit >= 0x41 && unit <= 0x46) || (unit >= 0x61 && unit <= 0x66);
}

/** "0" to "9": the digits user names end with. */
function isAsciiDigit(unit: number): boolean {
  return unit >= 48 && unit <= 57;
}

/** 2^22 bits (512 KB): with a hundred thousand names, about one word in forty is looked up for nothing. */
const FILTER_BITS = 22;

/** A bit set of words' hashes: "no" is certain, "maybe" is then looked up in the set itself. */
export class WordFilter {
  private readonly bits = new Uint32Array(1 << (FILTER_BITS - 5));

  constructor(words: Iterable<string> = []) {
    for (const word of words) this.add(wordHash(word));
  }

  add(hash: number): void {
    const slot = hash >>> (32 - FILTER_BITS);
    this.bits[slot >>> 5]! |= 1 << (slot & 31);
  }

  mayHave(hash: number): boolean {
    const slot = hash >>> (32 - FILTER_BITS);
    return (this.bits[slot >>> 5]! & (1 << (slot & 31))) !== 0;
  }
}
