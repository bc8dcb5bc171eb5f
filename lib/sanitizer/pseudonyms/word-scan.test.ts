import { describe, expect, it } from "vitest";
import { WORD } from "./values";
import { WordFilter, WordKind, WordScanner, wordHash } from "./word-scan";

function scanned(text: string) {
  const out: { word: string; hashMatches: boolean; stemHashMatches: boolean }[] = [];
  const scan = WordScanner.of(text);
  while (scan.next()) {
    const word = scan.word();
    out.push({ word, hashMatches: scan.hash === wordHash(word), stemHashMatches: scan.hashBeforeLast === wordHash(word.slice(0, -1)) });
  }
  return out;
}

describe("WordScanner", () => {
  const texts = [
    "Hi Kari,\n\nBest regards,\nØyvind Bjørnstad-Ås",
    "naïve café: Straße 12b, «Jørgensen» (d’Artagnan)",
    // Combining marks, a digit run, a letter outside the BMP (𝐀), an emoji (no word), a lone surrogate.
    "Zoe\u0308 Ba\u0301rd 2026 x𝐀y 😀 a\ud800b",
    // The astral planes' first and last code points: a letter (Linear B), and a private-use one (no word); asked again.
    "\u{10000}b \u{10FFFD} a\u{10000} 𝐀\u{10FFFD}",
    // İ lower-cases to two code units: positions are kept all the same.
    "İstanbul İZMİR and HANSEN",
    "",
    "   ,;  ",
  ];

  it("finds the same words as the WORD pattern, lower-cased", () => {
    for (const text of texts) {
      const written = text.match(WORD) ?? [];
      const words = scanned(text);
      expect(words.map((w) => w.word)).toEqual(written.map((w) => w.toLowerCase()));
    }
  });

  it("gives each word the hash of its lower-cased string, and of the string without its last character", () => {
    for (const text of texts) {
      for (const w of scanned(text)) {
        expect(w.hashMatches).toBe(true);
        expect(w.stemHashMatches).toBe(true);
      }
    }
  });

  it("gives start and end in the text as written, and a word it has moved past lower-cased as it was", () => {
    const text = "İZMİR og Hansen";
    const scan = WordScanner.of(text);
    scan.next();
    expect(text.slice(scan.start, scan.end)).toBe("İZMİR");
    expect(scan.word()).toBe("i̇zmi̇r");
    const [start, end] = [scan.start, scan.end];
    expect(scan.next()).toBe(true);
    expect(scan.word()).toBe("og");
    expect(scan.wordAt(start, end)).toBe("i̇zmi̇r");
    const plain = WordScanner.of("Kari HANSEN");
    plain.next();
    plain.next();
    expect(plain.wordAt(0, 4)).toBe("kari");
  });
});

describe("WordScanner over scripts written without spaces", () => {
  it("ends a word where its script changes kind: Latin and digits, the scripts written without spaces, Hangul", () => {
    const kinds = (text: string) => {
      const out: [string, number][] = [];
      const scan = WordScanner.of(text);
      while (scan.next()) out.push([scan.word(), scan.kind]);
      return out;
    };
    const { Spaced, Unspaced, Attaching } = WordKind;
    expect(kinds("Hansen様より、王伟2024年 김민수님이 Hansen님")).toEqual([
      ["hansen", Spaced], ["様より", Unspaced], ["王伟", Unspaced], ["2024", Spaced], ["年", Unspaced], ["김민수님이", Attaching], ["hansen", Spaced], ["님", Attaching],
    ]);
    // Kana with kanji and the prolonged sound mark, Thai with its marks, and an astral Han character (𠮷) are one word each.
    expect(kinds("𠮷田さんのコーヒー คุณสมชายที่นี่ ok")).toEqual([["𠮷田さんのコーヒー", Unspaced], ["คุณสมชายที่นี่", Unspaced], ["ok", Spaced]]);
    // Their hashes are their strings' still.
    for (const w of scanned("Hansen様 𠮷田さん 김민수님이")) expect(w.hashMatches && w.stemHashMatches).toBe(true);
  });
});

describe("WordFilter", () => {
  it("never says no to a word it holds", () => {
    const words = Array.from({ length: 5000 }, (_v, i) => `name${i}`);
    const filter = new WordFilter(words);
    expect(words.every((w) => filter.mayHave(wordHash(w)))).toBe(true);
    // And says no to most others: at most a few percent looked up for nothing.
    const others = Array.from({ length: 5000 }, (_v, i) => `other${i}`).filter((w) => filter.mayHave(wordHash(w)));
    expect(others.length).toBeLessThan(250);
  });
});
