/**
 * Text as it reads, for rule 18's word-by-word reading: a name can be written so that
 * it shows as itself while its characters differ. Decomposed letters ("Jose\u0301"
 * for "José", as some systems store text), full-width letters ("Ｈａｎｓｅｎ"), and
 * invisible characters inside a word (a soft hyphen or a zero-width space in
 * "Han\u00ADsen") each hid a production name from the scrubber and from the check alike;
 * so did Korean written in conjoining jamo and kana with a combining sound mark, as macOS
 * stores file names ("김민수" as ᄀ + ᅵ + ᆷ …, "づ" as つ + U+3099), which NFC composes;
 * and half-width katakana, as older Japanese systems write names ("ﾀﾅｶ ﾀﾛｳ"), which is
 * read as the katakana it shows (NFKC, for those characters alone).
 * Both read text through this. Text with none of them, nearly all, is returned as it is.
 *
 * Of full-width ASCII only letters, digits and what addresses and phone numbers are made
 * of (＋ － ． ＠ ＿) are read as ASCII: Chinese and Japanese write their punctuation
 * full-width ("，" "：" "（" "！"), and text that had a name replaced came back with every
 * "，" made ",".
 */

/** Any character that plainText may change: one test spares the rest of the text. */
const DISGUISED = /[&\u0300-\u036f\u00ad\u061c\u1100-\u11ff\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u3099\u309a\ua960-\ua97f\ud7b0-\ud7ff\ufeff\uff0b\uff0d\uff0e\uff10-\uff19\uff20-\uff3a\uff3f\uff41-\uff5a\uff66-\uff9f]/;
/**
 * Invisible characters (soft hyphens, zero-width spaces and joiners, direction marks and
 * isolates, the grapheme joiner), each run of them read out only between two letters (marks
 * after the first): a word the eye reads whole. "Han\u200esen" (a left-to-right mark) hid the
 * name from the scrubber and the check as "Han\u200bsen" had. Not one pattern with `(?<=\p{L}\p{M}*)` before the run:
 * it was tried at every position, each time back over every mark before it, and a production
 * ticket body of 40,000 combining accents held the worker's thread for a minute.
 */
const INVISIBLE_CHARACTERS = "\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff";
const INVISIBLE_RUN = new RegExp(`[${INVISIBLE_CHARACTERS}]+`, "g");
/** Text with an invisible character: the only text whose two readings (plainText's `split`) may differ. */
export const HAS_INVISIBLE = new RegExp(`[${INVISIBLE_CHARACTERS}]`);
/** Text of invisible characters alone: a gap of them between two words parts them as a space does (text-phrases.ts). */
export const INVISIBLE_ONLY = new RegExp(`^[${INVISIBLE_CHARACTERS}]+$`);
export const INVISIBLE_ANY = new RegExp(`[${INVISIBLE_CHARACTERS}]+`, "g");
const LETTER = /^\p{L}$/u;
const MARK = /^\p{M}$/u;
/**
 * NFC reorders a combining sequence's marks in time that grows with the square of their
 * number: 160,000 marks after one letter took 13 s. A run this long is no name's: past
 * its first MARK_CHUNK marks (which may compose with their letter) it is composed a chunk
 * at a time.
 */
const MARK_CHUNK = 64;
const LONG_MARK_RUN = new RegExp(`\\p{M}{${MARK_CHUNK + 1},}`, "gu");

/** Full-width ASCII letters and digits ("Ｈ", "２") and ＋ － ． ＠ ＿, which sit 0xfee0 above the ASCII they show. */
const FULL_WIDTH = /[\uff0b\uff0d\uff0e\uff10-\uff19\uff20-\uff3a\uff3f\uff41-\uff5a]/g;
const FULL_WIDTH_OFFSET = 0xfee0;
/** Half-width katakana and its sound marks (not its punctuation, ｡ ｢ ｣ ､ ･, which stays as written). */
const HALF_WIDTH_KANA = /[\uff66-\uff9f]+/g;

/**
 * Letters escaped as their UTF-8 bytes, as links write them ("?q=Bj%C3%B8rnstad") and
 * quoted-printable mail bodies do ("Bj=C3=B8rnstad"), and quoted-printable's soft line
 * breaks, which a mail body has every 76 characters wherever they fall ("Bjørn=\r\nstad"):
 * "Bj", "C3", "B8rnstad" are three words, none a name to the scrubber or the check.
 * ESCAPED is the cheap test: most text has none. A letter's escape is one lead byte and its
 * continuation bytes, all escaped alike (UTF8_ESCAPE, of fixed lengths: nothing to go back
 * over); it is read only when it is valid UTF-8 of what a reference is read as
 * (READ_REFERENCE): "%3C" and "%26" (markup's and a query's own characters) stay escaped.
 * A soft line break follows a character other than a space (an encoder escapes a space at
 * the end of a line), so "x =\n1" keeps its line.
 */
const ESCAPED = /[%=][c-f][0-9a-f][%=][89ab]|\S=\r?\n/i;
const UTF8_ESCAPE = /([%=])(?:[cd][0-9a-f]\1[89ab][0-9a-f]|e[0-9a-f](?:\1[89ab][0-9a-f]){2}|f[0-4](?:\1[89ab][0-9a-f]){3})/gi;
const SOFT_LINE_BREAK = /(?<=\S)=\r?\n/g;

function withEscapedLettersRead(text: string): string {
  return text.replace(SOFT_LINE_BREAK, "").replace(UTF8_ESCAPE, (escaped: string, sign: string) => {
    const shown = Buffer.from(escaped.split(sign).join(""), "hex").toString("utf8");
    return [...shown].length === 1 && READ_REFERENCE.test(shown) ? shown : escaped;
  });
}

export const plainText = (written: string): string => readings(written, false).joined;

/**
 * plainText, and the text read split: an invisible run between two letters kept, where
 * plainText reads the letters as one word ("Han\u00adsen"). That is the other way to read
 * it, as what parts two names ("Grace\u200bPrice", "Kari\u2060Hansen"), which the scrubber
 * and the check read for names that take two words (scrubber.ts). The two are read
 * together: escapes and references are read once for both. Only text with an invisible
 * character (HAS_INVISIBLE) has two readings that may differ.
 */
export const plainTextReadings = (written: string): { joined: string; split: string } => readings(written, true);

function readings(written: string, withSplit: boolean): { joined: string; split: string } {
  const text = ESCAPED.test(written) ? withEscapedLettersRead(written) : written;
  if (!DISGUISED.test(text)) return { joined: text, split: text };
  const referenced = text.includes("&") ? withLettersReferenced(text) : text;
  const joined = shown(withoutInvisibleInWords(referenced));
  return { joined, split: withSplit ? shown(referenced) : joined };
}

/** Letters composed (NFC; NFKC would as well, but would also turn every no-break space into a space), full-width ASCII and half-width kana as they show. */
function shown(text: string): string {
  return composed(text)
    .replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - FULL_WIDTH_OFFSET))
    .replace(HALF_WIDTH_KANA, (kana) => kana.normalize("NFKC"));
}

/**
 * HTML character references, as SuperOffice's message bodies (HTML) and what its editors
 * wrote hold them: "K&aring;re", "Bj&oslash;rnstad", "&#75;ari", "Grace&nbsp;Price". Read
 * as the names they show only once the references are read: each hid the name from the
 * scrubber and the check alike ("K", "aring", "re" are three words), and "Grace&nbsp;Price"
 * was no phrase. Only references to what words and the spaces between them are made of
 * (letters, marks, digits, no-break and other spaces, invisible characters) are read: a
 * reference to what markup is made of ("&lt;", "&amp;", "&#39;" inside an attribute)
 * stays as written, so rewritten HTML is the same HTML. Named references are those of
 * letters with marks ("&aring;", "&Scaron;"), the other letters HTML names
 * (NAMED_LETTERS) and its spaces.
 */
const REFERENCE = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g;
/** The mark each named letter reference's ending stands for ("aring": a + ring above). */
const NAMED_MARKS: Readonly<Record<string, string>> = {
  grave: "\u0300",
  acute: "\u0301",
  circ: "\u0302",
  tilde: "\u0303",
  macr: "\u0304",
  breve: "\u0306",
  dot: "\u0307",
  uml: "\u0308",
  ring: "\u030a",
  dblac: "\u030b",
  caron: "\u030c",
  cedil: "\u0327",
  ogon: "\u0328",
};
const NAMED_LETTER_WITH_MARK = /^([A-Za-z])(grave|acute|circ|tilde|macr|breve|dot|uml|ring|dblac|caron|cedil|ogon)$/;
const NAMED_LETTERS: Readonly<Record<string, string>> = {
  AElig: "Æ", aelig: "æ", Oslash: "Ø", oslash: "ø", szlig: "ß", ETH: "Ð", eth: "ð", THORN: "Þ", thorn: "þ", OElig: "Œ", oelig: "œ",
  Lstrok: "Ł", lstrok: "ł", Dstrok: "Đ", dstrok: "đ", Hstrok: "Ħ", hstrok: "ħ", Tstrok: "Ŧ", tstrok: "ŧ", imath: "ı", inodot: "ı", ENG: "Ŋ", eng: "ŋ",
  nbsp: "\u00a0", NonBreakingSpace: "\u00a0", ensp: "\u2002", emsp: "\u2003", emsp13: "\u2004", emsp14: "\u2005", numsp: "\u2007", puncsp: "\u2008",
  thinsp: "\u2009", ThinSpace: "\u2009", hairsp: "\u200a", VeryThinSpace: "\u200a", shy: "\u00ad", ZeroWidthSpace: "\u200b", zwnj: "\u200c", zwj: "\u200d",
  NoBreak: "\u2060", lrm: "\u200e", rlm: "\u200f",
};
/** What a reference may be read as: a word's characters, spaces other than ASCII's, and the invisible ones. */
const READ_REFERENCE = /^[\p{L}\p{M}\p{N}\u00a0\u00ad\u2000-\u200f\u202f\u205f\u2060\u3000\ufeff]$/u;

function withLettersReferenced(text: string): string {
  return text.replace(REFERENCE, (reference: string, decimal?: string, hex?: string, name?: string) => {
    let shown: string | undefined;
    if (name !== undefined) {
      const marked = NAMED_LETTER_WITH_MARK.exec(name);
      // Only a letter HTML could name so: one that composes with its mark.
      const withMark = marked ? (marked[1]! + NAMED_MARKS[marked[2]!]!).normalize("NFC") : undefined;
      shown = marked ? (withMark!.length === 1 ? withMark : undefined) : NAMED_LETTERS[name];
    } else {
      const codePoint = decimal !== undefined ? Number(decimal) : parseInt(hex!, 16);
      if (codePoint <= 0x10ffff && (codePoint < 0xd800 || codePoint > 0xdfff)) shown = String.fromCodePoint(codePoint);
    }
    return shown !== undefined && READ_REFERENCE.test(shown) ? shown : reference;
  });
}

/** The code point that ends at `end` in `text`, or undefined at its start. */
function codePointBefore(text: string, end: number): string | undefined {
  if (end <= 0) return undefined;
  const low = text.charCodeAt(end - 1);
  const high = end >= 2 ? text.charCodeAt(end - 2) : 0;
  return low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff ? text.slice(end - 2, end) : text.charAt(end - 1);
}

/**
 * `text` without its invisible runs that stand between two letters. Each look back goes
 * over the marks before a run and stops at the run before it (an invisible character is
 * no letter), so the whole text is read about twice.
 */
function withoutInvisibleInWords(text: string): string {
  let floor = 0;
  return text.replace(INVISIBLE_RUN, (run: string, at: number) => {
    const end = at + run.length;
    const next = text.codePointAt(end);
    let inWord = next !== undefined && LETTER.test(String.fromCodePoint(next));
    if (inWord) {
      let before = at;
      let c: string | undefined;
      while (before > floor && (c = codePointBefore(text, before)) !== undefined && MARK.test(c)) before -= c.length;
      c = before > floor ? codePointBefore(text, before) : undefined;
      inWord = c !== undefined && LETTER.test(c);
    }
    floor = end;
    return inWord ? "" : run;
  });
}

/** `text` in NFC, a long run of marks past its first MARK_CHUNK composed a chunk at a time (LONG_MARK_RUN). */
function composed(text: string): string {
  let out = "";
  let from = 0;
  for (const run of text.matchAll(LONG_MARK_RUN)) {
    let cut = chunkEnd(text, run.index + run[0].length, run.index);
    out += text.slice(from, cut).normalize("NFC");
    for (const end = run.index + run[0].length; cut < end; ) {
      const next = chunkEnd(text, end, cut);
      out += text.slice(cut, next).normalize("NFC");
      cut = next;
    }
    from = cut;
  }
  return from === 0 ? text.normalize("NFC") : out + text.slice(from).normalize("NFC");
}

/** MARK_CHUNK code units on from `start`, never past `end` nor between the two halves of a character. */
function chunkEnd(text: string, end: number, start: number): number {
  let cut = Math.min(end, start + MARK_CHUNK);
  const unit = text.charCodeAt(cut - 1);
  if (cut < end && unit >= 0xd800 && unit <= 0xdbff) cut++;
  return cut;
}
