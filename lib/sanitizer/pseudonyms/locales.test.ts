/** Which locale a production value looks like: its pseudonym is drawn from that locale first. */
import { describe, expect, it } from "vitest";
import { detectLocale, FAKERS, LOCALE_COUNT } from "./locales";

const [NORWEGIAN, SWEDISH, DANISH, GERMAN, ENGLISH] = [0, 1, 2, 3, 4];

describe("detectLocale", () => {
  it("knows a value by its locale's own names and company forms, the last word that says first", () => {
    expect(detectLocale("Schmidt GmbH")).toBe(GERMAN);
    expect(detectLocale("Svensson AB")).toBe(SWEDISH);
    expect(detectLocale("Jensen ApS")).toBe(DANISH);
    expect(detectLocale("Acme LLC")).toBe(ENGLISH);
    expect(detectLocale("Johnson")).toBe(ENGLISH);
  });

  it("takes a value that names no locale for Norwegian, the home market", () => {
    expect(detectLocale("Xq Zv")).toBe(NORWEGIAN);
  });
});

describe("FAKERS", () => {
  it("draws from each locale's own names, the same for the same seed", () => {
    expect(FAKERS).toHaveLength(LOCALE_COUNT);
    const german = FAKERS[GERMAN]!;
    german.seed(7);
    const first = german.company.name();
    german.seed(7);
    expect(german.company.name()).toBe(first);
    expect(detectLocale(first)).toBe(GERMAN);
  });
});
