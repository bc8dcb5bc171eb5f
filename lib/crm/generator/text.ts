/** Small text helpers for generated values. */

/**
 * Latin letters that no mark-stripping makes ASCII, as people write them in user names
 * and e-mail addresses ("Michał" → "michal", "Yıldız" → "yildiz", "Guðrún" → "gudrun").
 * Rule 18 reads production's names through these too: a letter missing here left
 * "michal.nowak@…" half pseudonymised, and the check blind to it.
 */
const FOLD: Record<string, string> = {
  ø: "o", Ø: "O", æ: "ae", Æ: "Ae", œ: "oe", Œ: "Oe", ß: "ss", đ: "d", Đ: "D", ð: "d", Ð: "D", þ: "th", Þ: "Th",
  ł: "l", Ł: "L", ı: "i", ħ: "h", Ħ: "H", ŧ: "t", Ŧ: "T", ŋ: "ng", Ŋ: "Ng", ĸ: "k",
};
const FOLDED = new RegExp(`[${Object.keys(FOLD).join("")}]`, "g");

/** ASCII letters only, for user names, e-mail local parts and domains. */
export function asciiFold(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(FOLDED, (c) => FOLD[c] ?? c);
}

/** "Bjørnstad, Lie og Huseby AS" → "bjornstadliehuseby" */
export function asciiSlug(s: string): string {
  return asciiFold(s)
    .toLowerCase()
    .replace(/\b(og|and|und|as|ab|gmbh|ltd|inc|llc)\b/g, "")
    .replace(/[^a-z0-9]/g, "")
    .slice(0, 24);
}
