/** Small text helpers for generated values. */

const FOLD: Record<string, string> = { ø: "o", Ø: "O", æ: "ae", Æ: "Ae", ß: "ss", đ: "d" };

/** ASCII letters only, for user names, e-mail local parts and domains. */
export function asciiFold(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[øØæÆßđ]/g, (c) => FOLD[c] ?? c);
}

/** "Bjørnstad, Lie og Huseby AS" → "bjornstadliehuseby" */
export function asciiSlug(s: string): string {
  return asciiFold(s)
    .toLowerCase()
    .replace(/\b(og|and|und|as|ab|gmbh|ltd|inc|llc)\b/g, "")
    .replace(/[^a-z0-9]/g, "")
    .slice(0, 24);
}

export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
