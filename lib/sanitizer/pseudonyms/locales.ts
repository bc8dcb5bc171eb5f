/**
 * faker's locales for the markets a Nordic CRM's data comes from, and which of them
 * a production value looks like: a pseudonym is drawn from the value's own locale
 * first ("Hansen" gets a Norwegian name, "Schmidt GmbH" a German company), then from
 * the others when that locale's pool is used up by production's own values.
 */
import type { Faker, LocaleDefinition } from "@faker-js/faker";
import { faker as da } from "@faker-js/faker/locale/da";
import { faker as de } from "@faker-js/faker/locale/de";
import { faker as en } from "@faker-js/faker/locale/en";
import { faker as nbNO } from "@faker-js/faker/locale/nb_NO";
import { faker as sv } from "@faker-js/faker/locale/sv";
import { SeedRandomizer } from "./seed";

/*
 * From faker's per-locale entries, not its root: the root evaluates all its seventy
 * locales (16 MB of heap, 32 MB resident in every worker process), an entry only its
 * own and the English and base ones it falls back on. An entry gives a Faker built on
 * [own, en, base], whose definitions, merged, are what ours were built on.
 */
const LOCALE_FAKERS: readonly Faker[] = [nbNO, sv, da, de, en];
export const LOCALE_COUNT = LOCALE_FAKERS.length;

/** The Faker class, which only the root entry exports by name. */
const FakerClass = en.constructor as new (options: { locale: LocaleDefinition; randomizer: SeedRandomizer }) => Faker;

/** One generator per locale, re-seeded for every draw (seeding is cheap; building a Faker is not). */
export const FAKERS: readonly Faker[] = LOCALE_FAKERS.map((f) => new FakerClass({ locale: f.rawDefinitions, randomizer: new SeedRandomizer() }));

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : value && typeof value === "object" ? Object.values(value).flatMap(strings) : [];

/**
 * A definition the locale has of its own: merging keeps each entry's own object, so an
 * entry the locale lacks is English's very object (English's own lack base's).
 */
function ownEntry(f: Faker, category: "person" | "location" | "company", entry: string): unknown {
  const value = (f.rawDefinitions[category] as Record<string, unknown> | undefined)?.[entry];
  const fallback = f === en ? undefined : (en.rawDefinitions[category] as Record<string, unknown> | undefined)?.[entry];
  return value === fallback ? undefined : value;
}

let wordLocales: Map<string, number> | undefined;

/** Lower-cased word → the first locale whose own names, cities or company forms hold it. */
function localeOfWords(): Map<string, number> {
  if (wordLocales) return wordLocales;
  wordLocales = new Map();
  LOCALE_FAKERS.forEach((f, i) => {
    const known = [...strings(ownEntry(f, "person", "first_name")), ...strings(ownEntry(f, "person", "last_name")), ...strings(ownEntry(f, "location", "city_name")), ...strings(ownEntry(f, "company", "legal_entity_type"))];
    for (const value of known) for (const w of value.toLowerCase().split(/[^\p{L}]+/u)) if (w && !wordLocales!.has(w)) wordLocales!.set(w, i);
  });
  return wordLocales;
}

/** The locale a value's words point to; Norwegian (the home market) when none does. */
export function detectLocale(value: string): number {
  const known = localeOfWords();
  for (const w of value.toLowerCase().split(/[^\p{L}]+/u).reverse()) {
    const i = known.get(w);
    if (i !== undefined) return i;
  }
  return 0;
}

/**
 * The locale of the n-th draw: the value's own for the first few, then every locale
 * in turn, so a pool that production exhausts (faker has 100 Norwegian last names)
 * still yields an unused name from a larger one.
 */
export const localeOfAttempt = (own: number, attempt: number) => (attempt < 4 ? own : (own + attempt) % LOCALE_COUNT);
