/**
 * Word pools drawn once per seed with faker, then indexed by the fast per-row PRNG.
 * Names and places come from the locales a Nordic CRM customer base really has.
 */
import { Faker, base, da, de, en, nb_NO, sv, type LocaleDefinition } from "@faker-js/faker";

/** Names and places of one country, so a company's name, street and city agree. */
export interface RegionPool {
  country: string;
  dial: string;
  tld: string;
  firstNames: string[];
  lastNames: string[];
  companyNames: string[];
  streets: string[];
  cities: string[];
}

export interface Pools {
  /** Weighted towards the home market: a region appears `weight` times. */
  regions: RegionPool[];
  /** The installation's own country (associates live here). */
  home: RegionPool;
  jobTitles: string[];
  phrases: string[];
  products: string[];
  words: string[];
}

interface Region {
  locale: LocaleDefinition;
  country: string;
  dial: string;
  tld: string;
  weight: number;
}

const REGIONS: Region[] = [
  { locale: nb_NO, country: "Norway", dial: "+47", tld: "no", weight: 5 },
  { locale: sv, country: "Sweden", dial: "+46", tld: "se", weight: 3 },
  { locale: da, country: "Denmark", dial: "+45", tld: "dk", weight: 2 },
  { locale: de, country: "Germany", dial: "+49", tld: "de", weight: 1 },
  { locale: en, country: "United Kingdom", dial: "+44", tld: "co.uk", weight: 1 },
];

const POOL_SIZE = 400;

export function buildPools(seed: number): Pools {
  const regions = REGIONS.map((region, index): RegionPool => {
    const faker = new Faker({ locale: [region.locale, en, base] });
    faker.seed(seed * 31 + index);
    const pool: RegionPool = {
      country: region.country, dial: region.dial, tld: region.tld,
      firstNames: [], lastNames: [], companyNames: [], streets: [], cities: [],
    };
    for (let i = 0; i < POOL_SIZE; i++) {
      pool.firstNames.push(faker.person.firstName());
      pool.lastNames.push(faker.person.lastName());
      pool.companyNames.push(faker.company.name());
      pool.streets.push(faker.location.streetAddress());
      pool.cities.push(faker.location.city());
    }
    return pool;
  });
  const home = regions[0];
  if (!home) throw new Error("no regions");
  const pools: Pools = {
    regions: REGIONS.flatMap((region, index) => Array<RegionPool>(region.weight).fill(regions[index] ?? home)),
    home,
    jobTitles: [],
    phrases: [],
    products: [],
    words: [],
  };
  // Free text in English: CRM mail and notes in these markets are mostly English or
  // local, and faker's local lorem is Latin anyway.
  const faker = new Faker({ locale: [en, base] });
  faker.seed(seed * 31 + 99);
  for (let i = 0; i < 400; i++) pools.jobTitles.push(faker.person.jobTitle());
  for (let i = 0; i < 1200; i++) pools.phrases.push(sentence(faker));
  for (let i = 0; i < 600; i++) pools.products.push(faker.commerce.productName());
  for (let i = 0; i < 600; i++) pools.words.push(faker.word.noun());
  return pools;
}

function sentence(faker: Faker): string {
  switch (faker.number.int(3)) {
    case 0:
      return `${faker.hacker.phrase()}`;
    case 1:
      return `We would like to ${faker.company.buzzPhrase()} before the end of the quarter.`;
    case 2:
      return `Could you send an updated quote for the ${faker.commerce.productName().toLowerCase()}?`;
    default:
      return `${faker.company.catchPhrase()}.`;
  }
}
