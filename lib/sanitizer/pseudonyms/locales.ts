/**
 * faker's locales for the markets a Nordic CRM's data comes from, and which of them
 * a production value looks like: a pseudonym is drawn from the value's own locale
 * first ("Hansen" gets a Norwegian name, "Schmidt GmbH" a German company), then from
 * the others when that locale's pool is used up by production's own values.
 */
import { Faker, base, da, de, en, nb_NO, sv, type LocaleDefinition } from "@faker-js/faker";
import { SeedRandomizer } from "./seed";

const DEFINITIONS: readonly LocaleDefinition[] = [nb_NO, sv, da, de, en];
export const LOCALE_COUNT = DEFINITIONS.length;

/** One generator per locale, re-seeded for every draw (seeding is cheap; building a Faker is not). */
export const FAKERS: readonly Faker[] = DEFINITIONS.map((locale) => new Faker({ locale: [locale, en, base], randomizer: new SeedRandomizer() }));

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : value && typeof value === "object" ? Object.values(value).flatMap(strings) : [];

let wordLocales: Map<string, number> | undefined;

/** Lower-cased word → the first locale whose names, cities or company forms hold it. */
function localeOfWords(): Map<string, number> {
  if (wordLocales) return wordLocales;
  wordLocales = new Map();
  DEFINITIONS.forEach((d, i) => {
    const known = [...strings(d.person?.first_name), ...strings(d.person?.last_name), ...strings(d.location?.city_name), ...strings(d.company?.legal_entity_type)];
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
