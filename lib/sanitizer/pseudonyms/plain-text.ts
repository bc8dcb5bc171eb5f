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
const DISGUISED = /[\u0300-\u036f\u00ad\u1100-\u11ff\u200b-\u200d\u2060\u3099\u309a\ua960-\ua97f\ud7b0-\ud7ff\ufeff\uff0b\uff0d\uff0e\uff10-\uff19\uff20-\uff3a\uff3f\uff41-\uff5a\uff66-\uff9f]/;
/** Invisible characters between two letters: a word the eye reads whole. */
const INVISIBLE_IN_WORD = /(?<=\p{L}\p{M}*)[\u00ad\u200b-\u200d\u2060\ufeff]+(?=\p{L})/gu;

/** Full-width ASCII letters and digits ("Ｈ", "２") and ＋ － ． ＠ ＿, which sit 0xfee0 above the ASCII they show. */
const FULL_WIDTH = /[\uff0b\uff0d\uff0e\uff10-\uff19\uff20-\uff3a\uff3f\uff41-\uff5a]/g;
const FULL_WIDTH_OFFSET = 0xfee0;
/** Half-width katakana and its sound marks (not its punctuation, ｡ ｢ ｣ ､ ･, which stays as written). */
const HALF_WIDTH_KANA = /[\uff66-\uff9f]+/g;

export function plainText(text: string): string {
  if (!DISGUISED.test(text)) return text;
  // NFC composes the letters; NFKC would as well, but would also turn every no-break space into a space.
  return text
    .replace(INVISIBLE_IN_WORD, "")
    .normalize("NFC")
    .replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - FULL_WIDTH_OFFSET))
    .replace(HALF_WIDTH_KANA, (kana) => kana.normalize("NFKC"));
}
