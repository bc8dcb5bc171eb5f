import { describe, expect, it } from "vitest";
import { replaceAddressesAndWords, replaceHostLabels, replaceTextAddresses } from "./addresses";

/** What the one-pass scanners must find: the regular expressions they replace. */
const TEXT_ADDRESS = /[^\s@<>(),;:"'[\]]+@[^\s@<>(),;:"'[\]]+\.[^\s@<>(),;:"'[\].]+/g;
const ADDRESS_OR_WORD = /[^\s@<>(),;:"']+@[^\s@<>(),;:"']+|[\p{L}\p{M}\p{N}]+/gu;

const mark = (m: string) => `<${m}>`;

/** Random strings over the characters that decide where an address starts and ends. */
function* samples(count: number): Generator<string> {
  const alphabet = ["a", "b", "ø", "1", ".", ".", "@", "@", " ", "\t", "\u00a0", "[", "]", "<", ",", "-", "_", "😀", "é"];
  let seed = 42;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < count; i++) {
    const length = Math.floor(next() * 24);
    yield Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
  }
}

const CASES = [
  "Mail kari.hansen@firma.no now",
  "kari@firma.no.",
  "a@b@c.d",
  "x@y..z and x@.y.z",
  "[kari@firma.no]",
  "Kari Hansen <kari.hansen@firma.no>, ola@x.no",
  "no address",
  "@@",
  "trailing@",
];

describe("replaceTextAddresses", () => {
  it("finds what the free-text address pattern finds, on chosen and random text", () => {
    for (const text of [...CASES, ...samples(20_000)]) expect(replaceTextAddresses(text, mark), JSON.stringify(text)).toBe(text.replace(TEXT_ADDRESS, mark));
  });

  it("reads a hostile megabyte of address characters around an @ in one pass", () => {
    // The pattern tried each of a million starts and scanned the rest of the run from each.
    const hostile = `${"a.".repeat(500_000)}@b`;
    expect(replaceTextAddresses(hostile, mark)).toBe(hostile);
    expect(replaceTextAddresses(`${"a".repeat(500_000)}@b.c`, () => "x")).toBe("x");
  });

  it("looks for an address's dot in its own domain only: 200,000 @ after one dot are read in one pass", () => {
    // Each @ looked back through the whole text for a dot: 40,000 of them took 3.5 s, these would take minutes.
    const hostile = `.${"a@b ".repeat(200_000)}`;
    expect(replaceTextAddresses(hostile, mark)).toBe(hostile);
    expect(replaceTextAddresses(`x.${"a@b ".repeat(200_000)}k@f.no`, mark)).toBe(`x.${"a@b ".repeat(200_000)}<k@f.no>`);
  });
});

describe("replaceAddressesAndWords", () => {
  it("finds what the address-or-word pattern finds, on chosen and random values", () => {
    for (const value of [...CASES, ...samples(20_000)]) {
      let found = false;
      const expected = value.replace(ADDRESS_OR_WORD, (m) => {
        if (m.includes("@")) found = true;
        return m.includes("@") ? `<${m}>` : `{${m}}`;
      });
      expect(replaceAddressesAndWords(value, mark, (w) => `{${w}}`), JSON.stringify(value)).toEqual({ text: expected, found });
    }
  });

  it("reads a hostile megabyte of address characters in one pass", () => {
    const hostile = "a.".repeat(500_000);
    expect(replaceAddressesAndWords(hostile, mark, (w) => w.toUpperCase()).text).toBe("A.".repeat(500_000));
  });
});

describe("replaceHostLabels", () => {
  const upper = (label: string) => (label === "firma" || label === "nordvik-bygg" ? label.toUpperCase() : undefined);

  it("finds the labels of host names in text, and nothing that is no host name", () => {
    expect(replaceHostLabels("Mvh Kari, www.firma.no, shop.nordvik-bygg.co.uk/tilbud.", upper)).toBe("Mvh Kari, www.FIRMA.no, shop.NORDVIK-BYGG.co.uk/tilbud.");
    expect(replaceHostLabels("Ring firma. Firma.", upper)).toBe("Ring firma. Firma.");
    expect(replaceHostLabels("firma..no and .firma and firma.", upper)).toBe("firma..no and .firma and firma.");
    expect(replaceHostLabels("Kari@firma.no", upper)).toBe("Kari@FIRMA.no");
  });

  it("reads hostile megabytes of dots and labels in one pass", () => {
    expect(replaceHostLabels("firma.".repeat(400_000), upper)).toBe("FIRMA.".repeat(400_000));
    expect(replaceHostLabels(".".repeat(2_000_000) + "a", upper)).toBe(".".repeat(2_000_000) + "a");
  });
});
