/**
 * Rule 18's pseudonyms: realistic fake values from faker, deterministic per
 * production value and sandbox secret (seed.ts), so the same person gets the same
 * fake name in every table and again after a refresh. Equal values stay equal:
 * names are keyed word by word, case-insensitively ("Kari Hansen", "HANSEN" and the
 * username "kari.hansen" all agree).
 *
 * A pseudonym never equals a production value of its kind, and never contains a
 * production person's name: a candidate that does is re-drawn with the next attempt
 * number in its seed, which is as deterministic as the first draw. Name words map
 * one-to-one (two production names never share a pseudonym), so unique columns such
 * as associate.username stay unique; for that the words are drawn once, up front,
 * in a fixed order.
 */
import type { Faker } from "@faker-js/faker";
import { asciiFold } from "../../crm/generator/text";
import { rewriteEmail } from "../rules/rule-02-email";
import { replaceAddressesAndWords } from "./addresses";
import { BoundedCache } from "./bounded-cache";
import { cannotPseudonymise } from "./refusal";
import { textPhrasesOf, type PhraseFinder } from "./text-phrases";
import { detectLocale, FAKERS, localeOfAttempt } from "./locales";
import { fakerSeed, PseudonymSeeds, seedDigits } from "./seed";
import { addressHoldsName, addressNameParts, addressWordHoldsName, digitsOf, holdsWebsiteHost, normaliseAddress, normaliseName, PHONE_PREFIX, spelledName, spelledOut, websiteParts, WORD, words, type ProductionValues } from "./values";

/** Pseudonyms kept per kind of value (a draw is tens of µs, a look-up well under one). */
const CACHE_BYTES_PER_KIND = 16 * 1024 * 1024;
/** Re-draws from faker before falling back to made-up names. */
const FAKER_ATTEMPTS = 200;
const MAX_ATTEMPTS = 1000;
/**
 * faker's draws a name word may spend, on average over the run's name words. faker's
 * pools hold some 2,500 last and 4,900 first names, and name words map one-to-one: as
 * production's own names use the pools up, each word took more draws, up to all 200
 * before a made-up name. 20,000 production last names took 2.2 s to draw, 80,000 took
 * 39 s, all on the worker's one thread; beyond this average, words take made-up names.
 */
const FAKER_DRAWS_PER_NAME = 8;
/** The most faker draws a kind of name word saves up while its pool is large (spent as the pool runs out). */
const FAKER_CREDIT_LIMIT = 4 * FAKER_ATTEMPTS;
/**
 * Name words drawn between two turns of the event loop when a run builds its pseudonyms
 * (Pseudonymiser.build): at a million words the drawing takes a minute, and other
 * customers' runs on the worker must not wait for it (their production sessions may not
 * idle that long in a transaction).
 */
const NAMES_PER_TURN = 2_000;
/** Made-up names have room for this many times production's name words, so few draws collide. */
const MADE_UP_ROOM = 64;
const SYLLABLE_START = ["b", "d", "f", "g", "h", "k", "l", "m", "n", "r", "s", "t", "v"];
const SYLLABLE_VOWEL = ["a", "e", "i", "o", "u", "y"];
const SYLLABLE_COUNT = SYLLABLE_START.length * SYLLABLE_VOWEL.length;
/** A made-up name has three syllables at least, and at most the 16 that the seed's 32 bytes make. */
const MIN_SYLLABLES = 3;
const MAX_SYLLABLES = 16;

type Draw = (faker: Faker) => string;

export class Pseudonymiser {
  /** Lower-cased production name word → its pseudonym. */
  private readonly nameWords = new Map<string, string>();
  private readonly takenNames = new Set<string>();
  /** Lower-cased production name word → its pseudonym in lower-case ASCII. */
  private readonly asciiNames = new Map<string, string>();
  /** Per kind: value → pseudonym. */
  private readonly cache = new Map<string, BoundedCache>();
  private readonly seeds: PseudonymSeeds;
  /** Per kind of name word: faker's draws left to spend (FAKER_DRAWS_PER_NAME). */
  private readonly fakerCredit = new Map<string, number>();
  /** Syllables of a made-up name: enough for MADE_UP_ROOM times production's name words. */
  private readonly madeUpSyllables: number;
  /** Production's companies (also without their legal form) and addresses, as the check reads text for them. */
  private readonly textPhrases: PhraseFinder;

  /** Every production name word is drawn here, at once: Pseudonymiser.build draws them a turn at a time. */
  constructor(
    secret: string,
    private readonly production: ProductionValues,
    private readonly invalidationDomain: string,
    drawNames = true,
  ) {
    this.seeds = new PseudonymSeeds(secret);
    this.textPhrases = textPhrasesOf(production);
    const room = Math.ceil(Math.log(MADE_UP_ROOM * production.nameTokens.size) / Math.log(SYLLABLE_COUNT));
    this.madeUpSyllables = Math.min(MAX_SYLLABLES, Math.max(MIN_SYLLABLES, room));
    if (drawNames) for (const word of this.namesInOrder()) this.nameWord(word);
  }

  /** The run's pseudonymiser, its name words drawn NAMES_PER_TURN between turns of the event loop. */
  static async build(secret: string, production: ProductionValues, invalidationDomain: string): Promise<Pseudonymiser> {
    const pseudonyms = new Pseudonymiser(secret, production, invalidationDomain, false);
    const words = pseudonyms.namesInOrder();
    for (let i = 0; i < words.length; i += NAMES_PER_TURN) {
      for (const word of words.slice(i, i + NAMES_PER_TURN)) pseudonyms.nameWord(word);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return pseudonyms;
  }

  /** Production's name words in the one order they are drawn in: each pseudonym depends on those drawn before it. */
  private namesInOrder(): string[] {
    return [...this.production.nameTokens].sort();
  }

  /**
   * One word of a person's name; a word production has as a last name draws a last name.
   * An ASCII spelling of a name word ("bjornstad") is that word ("bjørnstad"): one pseudonym.
   */
  nameWord(word: string): string {
    const lower = word.toLowerCase();
    const key = spelledName(lower, this.production);
    const known = this.nameWords.get(key);
    if (known) return known;
    const last = this.production.lastNames.has(key);
    // In ASCII too: user names and addresses carry the name folded ("Schönberg" → "schonberg",
    // "schoenberg"), which must be no one's either, and no other name's pseudonym.
    const forms = (c: string) => [c.toLowerCase(), asciiName(c), asciiName(spelledOut(c.toLowerCase()))];
    const kind = last ? "last" : "first";
    // Name words are drawn once each, up front in a fixed order (the constructor): the credit is the same on every run.
    const credit = (this.fakerCredit.get(kind) ?? FAKER_ATTEMPTS - FAKER_DRAWS_PER_NAME) + FAKER_DRAWS_PER_NAME;
    const fakerDraws = Math.min(FAKER_ATTEMPTS, credit);
    const { value: drawn, fakerDrawsMade } = this.drawWithin(
      fakerDraws,
      kind,
      key,
      (f) => (last ? f.person.lastName() : f.person.firstName()),
      (c) =>
        // Nor a company's website name: addresses carry names, and the check reads them for websites too.
        forms(c).every((form) => !this.takenNames.has(form) && !this.production.nameWords.has(form) && !this.production.websiteHosts.has(form)) &&
        // Nor the first word of a production company or street address: the words that followed
        // the name in text ("… GmbH & Co. KG") would make it one, and the copy would fail its check.
        forms(c).every((form) => !this.textPhrases.beginsWith(form)) &&
        this.clean(c) &&
        // Nor may an address read it as a production name after an initial ("franz": f + Ranz).
        !addressNameParts(asciiName(c), this.production),
    );
    this.fakerCredit.set(kind, Math.min(FAKER_CREDIT_LIMIT, credit - fakerDrawsMade));
    for (const form of forms(drawn)) this.takenNames.add(form);
    this.nameWords.set(key, drawn);
    return drawn;
  }

  /** A first, last or full name: every word replaced, the separators kept. */
  personName(value: string): string {
    // Kept per value: a copy writes each first and last name thousands of times.
    return this.cached("person", value, () => value.replace(WORD, (w) => this.nameWord(w)));
  }

  /** A user name or an address's local part: its name words as the person's pseudonym (ASCII), else a fake user name. */
  username(value: string): string {
    const mapped = this.asciiNameWords(value);
    if (mapped !== value) return mapped;
    const key = value.toLowerCase();
    // faker's user names run names together too ("ola_nordmann85"): none may be a production person's.
    return this.cached("username", key, () =>
      this.draw("username", key, (f) => this.asciiNameWords(f.internet.username().toLowerCase()), (c) => !addressHoldsName(c, this.production) && !holdsWebsiteHost(c, this.production)),
    );
  }

  /**
   * The words of `value` that are production names, as written or spelled in ASCII, or
   * that hold them as addresses do ("hansen85", "olanordmann", "woldeide", "khansen"), with the names
   * replaced by their pseudonyms in lower-case ASCII; initials and digits stay.
   */
  private asciiNameWords(value: string): string {
    return value.replace(WORD, (w) => {
      const lower = w.toLowerCase();
      if (this.production.nameWords.has(lower)) return this.asciiNameWord(lower);
      if (this.production.websiteHosts.has(lower)) return this.websiteName(lower);
      const held = addressNameParts(lower, this.production);
      if (!held) return w;
      const names = held.names.map((n) => this.asciiNameWord(n));
      const together = held.initial + names.join("") + held.digits;
      // Run together, pseudonyms may read as production names again ("rein" + "kedal…"): then a dot keeps them apart.
      return names.length > 1 && addressWordHoldsName(together, this.production) ? held.initial + names.join(".") + held.digits : together;
    });
  }

  /** A name word's pseudonym as user names and addresses carry it, kept: nearly every address has one. */
  private asciiNameWord(word: string): string {
    const key = word.toLowerCase();
    let ascii = this.asciiNames.get(key);
    if (ascii === undefined) this.asciiNames.set(key, (ascii = asciiName(this.nameWord(key))));
    return ascii;
  }

  /**
   * Rule 2's form with the pseudonym's local part: `<pseudonym local>_<domain>@<invalidation domain>`.
   * A name written beside the address ("Kari Hansen <kari.hansen@firma.no>") is the person's pseudonym too.
   */
  email(value: string): string {
    if (value === "") return value;
    const { text, found } = replaceAddressesAndWords(
      value,
      (address) => {
        const at = address.indexOf("@");
        return `${this.localPart(address.slice(0, at))}@${this.emailDomain(address.slice(at + 1))}`;
      },
      (word) => (this.production.nameWords.has(word.toLowerCase()) ? this.nameWord(word) : word),
    );
    // No well-formed address in it: the whole value is someone's local part.
    const pseudo = found ? text : this.localPart(value.replaceAll("@", ""));
    return rewriteEmail(pseudo, this.invalidationDomain);
  }

  /** An address's local part as a user name; a method, not a closure made for every address a copy rewrites. */
  private localPart(local: string): string {
    return local === "" ? local : this.username(local);
  }

  /**
   * An address's domain stays (rule 2's form) but for a company's website name in it,
   * which becomes the website's pseudonym ("husebymoesonner.no", as www.husebymoesonner.no
   * does), and words in it that are a person's name ("kari-hansen.no"); kept per domain, as
   * a company's people share it.
   */
  private emailDomain(domain: string): string {
    return this.cached("domain", domain, () => {
      const parts = websiteParts(domain);
      // Every word of an address counts, however short: a person named "Co" is in ".co.uk" too.
      return parts ? `${parts.before}${this.hostPseudonym(parts.host, false)}${this.asciiNameWords(parts.topLevel + parts.rest)}` : this.asciiNameWords(domain);
    });
  }

  /**
   * A host name's labels: a company's website name as its pseudonym, the others with the
   * person's names in them replaced ("kari-hansen"); `ownName`: the last label is the
   * website's own name and always replaced (a website is always pseudonymised).
   */
  private hostPseudonym(host: string, ownName: boolean): string {
    const labels = host.split(".");
    return labels
      .map((label, i) => {
        const lower = label.toLowerCase();
        return (ownName && i === labels.length - 1) || this.production.websiteHosts.has(lower) ? this.websiteName(lower) : this.asciiNameWords(label);
      })
      .join(".");
  }

  /** A website's name (its host without `www.` and top-level domain), lower-cased, as its pseudonym: the same in the website, in e-mail domains and in text. */
  websiteName(host: string): string {
    // E-mail domains carry it too, where the check reads names as addresses hold them ("kjedelig": k + Jedelig).
    return this.draw("website", host, (f) => f.internet.domainWord(), (c) => this.clean(c) && !addressHoldsName(c, this.production) && !holdsWebsiteHost(c, this.production));
  }

  companyName(value: string): string {
    return this.cached("company", value, () =>
      this.draw("company", normaliseName(value), (f) => this.ownPeople(f.company.name()), (c) => !this.production.companies.has(normaliseName(c)) && this.inTextClean(c)),
    );
  }

  street(value: string): string {
    return this.cached("street", value, () =>
      this.draw("street", normaliseAddress(value), (f) => this.ownPeople(f.location.streetAddress()), (c) => !this.production.addresses.has(normaliseAddress(c)) && this.inTextClean(c)),
    );
  }

  city(value: string): string {
    return this.cached("city", value, () => this.draw("city", normaliseName(value), (f) => f.location.city(), (c) => this.clean(c)));
  }

  jobTitle(value: string): string {
    return this.cached("title", value, () => this.draw("title", normaliseName(value), (f) => f.person.jobTitle(), (c) => this.clean(c)));
  }

  /** The host's name replaced (its subdomains as an e-mail domain's labels are), its scheme, `www.`, top-level domain and path kept. */
  website(value: string): string {
    return this.cached("website", value.toLowerCase(), () => {
      const parts = websiteParts(value);
      if (!parts) return this.draw("website", value.toLowerCase(), (f) => f.internet.domainName(), (c) => this.clean(c) && !holdsWebsiteHost(c, this.production));
      return `${parts.before}${this.hostPseudonym(parts.host, true)}${parts.topLevel}${parts.rest}`;
    });
  }

  /** Same format, other digits; a phone's `+<country>` (or `00<country>`) prefix is kept. */
  phone(value: string): string {
    const found = PHONE_PREFIX.exec(value);
    const prefix = found?.[0] ?? "";
    // The pseudonym's digits as holdsPhoneDigits reads them: the national ones, and with the country's before them.
    const country = found?.[1] ?? "";
    const phones = this.production.phones;
    // Nor a production org number: text carries both, and the check reads every number in it as either.
    const { orgNumbers } = this.production;
    return prefix + this.redigit("phone", value.slice(prefix.length), (digits) => !phones.has(digits) && !(country && phones.has(country + digits)) && !orgNumbers.has(digits));
  }

  orgNumber(value: string): string {
    const { orgNumbers, phones } = this.production;
    return this.redigit("org", value, (digits) => !orgNumbers.has(digits) && !phones.has(digits));
  }

  /**
   * Every digit of `value` replaced from the seed, the first one never 0, so the number
   * keeps its length; `accept` is given the new digits (a copy rewrites every phone number).
   */
  private redigit(kind: string, value: string, accept: (digits: string) => boolean): string {
    const digits = digitsOf(value);
    if (digits.length === 0) return value;
    for (let n = 0; n < MAX_ATTEMPTS; n++) {
      const drawn = seedDigits(this.seeds.seed(kind, n, digits), digits.length);
      const own = drawn.charCodeAt(0) === ZERO ? `1${drawn.slice(1)}` : drawn;
      if (accept(own)) return withDigits(value, own);
    }
    // Production holds (nearly) every number of this length: a short one ("5", "42"), as messy data has.
    throw cannotPseudonymise(
      `Production's ${kind === "phone" ? "phone" : "org"} numbers of ${digits.length} digit${digits.length === 1 ? "" : "s"} leave no other number of that length to pseudonymise one as`,
      "correct them",
    );
  }

  /**
   * A faker draw with the production names in it as their pseudonyms. faker's names are
   * real people's names, and so are production's: drawn as they come, most companies
   * ("Hansen og Sønner") and user names ("ola_nordmann85") named a production person and
   * were drawn again, eight times on average. The pseudonyms are no one's name.
   */
  private ownPeople(candidate: string): string {
    return candidate.replace(WORD, (w) => (this.production.nameWords.has(w.toLowerCase()) ? this.nameWord(w) : w));
  }

  /**
   * A company's or an address's pseudonym as free text will hold it, where the check reads
   * text for production's companies and addresses too: clean of names, and of any of
   * those ("Juhl Tøj A/S" holds production's "Juhl Tøj ApS" as text writes it), and with no
   * word that is a company's website name ("Leffler" in "Offer Leffler.docx").
   */
  private inTextClean(candidate: string): boolean {
    return this.clean(candidate) && !this.textPhrases.holdsIn(candidate) && !holdsWebsiteHost(candidate, this.production);
  }

  /** No word of the candidate is a production person's name, as written or spelled in ASCII (the verifier looks for those in every value). */
  private clean(candidate: string): boolean {
    return !words(candidate).some((w) => this.production.nameWords.has(w.toLowerCase()));
  }

  /**
   * faker's draws are kept per value as written (few distinct ones, each several re-draws;
   * a repeat costs no normalising), while the draw itself is keyed by the normalised value,
   * so case and spacing do not matter. Digit rewrites cost less than keeping them.
   */
  private cached(kind: string, key: string, make: () => string): string {
    let values = this.cache.get(kind);
    if (!values) this.cache.set(kind, (values = new BoundedCache(CACHE_BYTES_PER_KIND)));
    return values.get(key, make);
  }

  private draw(kind: string, key: string, make: Draw, accept: (c: string) => boolean): string {
    return this.drawWithin(FAKER_ATTEMPTS, kind, key, make, accept).value;
  }

  /**
   * A candidate from faker's first `fakerDraws` attempts, else a made-up name (attempts
   * FAKER_ATTEMPTS on, whatever `fakerDraws`, so a made-up name's seed never changes),
   * and how many of faker's draws it took.
   */
  private drawWithin(fakerDraws: number, kind: string, key: string, make: Draw, accept: (c: string) => boolean): { value: string; fakerDrawsMade: number } {
    const own = detectLocale(key);
    for (let n = 0; n < MAX_ATTEMPTS; n++) {
      if (n === fakerDraws && n < FAKER_ATTEMPTS) n = FAKER_ATTEMPTS;
      const digest = this.seeds.seed(kind, n, key);
      const candidate = n < FAKER_ATTEMPTS ? this.fromFaker(localeOfAttempt(own, n), digest, make) : madeUpName(digest, this.madeUpSyllables);
      if (accept(candidate)) return { value: candidate, fakerDrawsMade: Math.min(n + 1, fakerDraws) };
    }
    throw new Error(`no ${kind} pseudonym found`);
  }

  private fromFaker(locale: number, digest: Buffer, make: Draw): string {
    const faker = FAKERS[locale]!;
    faker.seed(fakerSeed(digest));
    return make(faker);
  }
}

const ZERO = 48;
const NINE = 57;

/** `value` with its digits replaced by `digits`, in order. */
function withDigits(value: string, digits: string): string {
  let out = "";
  let next = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    out += c < ZERO || c > NINE ? value[i] : digits[next++];
  }
  return out;
}

/** A name as user names and e-mail addresses write it: "Bjørnstad" → "bjornstad". */
const asciiName = (name: string) => asciiFold(name).toLowerCase().replace(/[^a-z0-9]/g, "");

/** A pronounceable name no locale holds: `syllables` syllables from the seed. */
function madeUpName(digest: Buffer, syllables: number): string {
  let name = "";
  for (let i = 0; i < syllables; i++) name += SYLLABLE_START[digest[i * 2]! % SYLLABLE_START.length]! + SYLLABLE_VOWEL[digest[i * 2 + 1]! % SYLLABLE_VOWEL.length]!;
  return name.charAt(0).toUpperCase() + name.slice(1);
}
