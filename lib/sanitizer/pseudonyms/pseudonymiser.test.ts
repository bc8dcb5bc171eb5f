import { nb_NO } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { ProductionValueFinder } from "./find-production-values";
import { Pseudonymiser } from "./pseudonymiser";
import { productionValues, type RawProductionValues } from "./values";

const RAW: RawProductionValues = {
  firstNames: ["Kari", "Ola", "Ingrid"],
  lastNames: ["Hansen", "Berg", "Olsen"],
  fullNames: ["Kari Hansen", "Ola Berg", "Ingrid Olsen", "System Administrator"],
  companies: ["Hansen AS", "Berg, Olsen og Lie"],
  websites: ["https://www.hansenas.no/kontakt", "bergolsenlie.com"],
  phones: ["+47 22 33 44 55", "+47 91 23 45 67"],
  addresses: ["Storgata 1"],
  orgNumbers: ["912 345 678"],
};

const make = (secret = "secret-1", raw = RAW) => new Pseudonymiser(secret, productionValues(raw), "mailinator.com");

describe("Pseudonymiser", () => {
  it("is deterministic: the same value and secret give the same pseudonym, in a new instance too", () => {
    const a = make();
    const b = make();
    for (const p of [a, b]) expect(p.personName("Kari Hansen")).toBe(a.personName("Kari Hansen"));
    expect(b.companyName("Hansen AS")).toBe(a.companyName("Hansen AS"));
    expect(b.phone("+47 22 33 44 55")).toBe(a.phone("+47 22 33 44 55"));
    expect(b.street("Storgata 1")).toBe(a.street("Storgata 1"));
    expect(b.orgNumber("912 345 678")).toBe(a.orgNumber("912 345 678"));
    expect(b.email("kari.hansen@firma.no")).toBe(a.email("kari.hansen@firma.no"));
  });

  it("gives other pseudonyms for another secret", () => {
    const a = make("secret-1");
    const b = make("secret-2");
    const values = ["Kari Hansen", "Ingrid Olsen", "Ola Berg"];
    expect(values.map((v) => b.personName(v))).not.toEqual(values.map((v) => a.personName(v)));
    expect(b.companyName("Hansen AS")).not.toBe(a.companyName("Hansen AS"));
    expect(b.phone("+47 22 33 44 55")).not.toBe(a.phone("+47 22 33 44 55"));
  });

  it("keeps equal values equal across columns: a name word has one pseudonym, whatever the case", () => {
    const p = make();
    const [first, last] = p.personName("Kari Hansen").split(" ");
    expect(p.personName("Kari")).toBe(first);
    expect(p.personName("HANSEN")).toBe(last);
    expect(p.personName("hansen")).toBe(last);
    // The username follows the person's pseudonym, in ASCII.
    expect(p.username("kari.hansen")).toMatch(/^[a-z0-9]+\.[a-z0-9]+$/);
    expect(p.username("kari.hansen").split(".")[1]).toBe(p.username("ola.hansen").split(".")[1]);
  });

  it("maps name words one-to-one, so unique usernames stay unique", () => {
    const many = Array.from({ length: 300 }, (_v, i) => `Name${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`);
    const p = make("s", { ...RAW, lastNames: many });
    const pseudonyms = new Set(many.map((n) => p.nameWord(n).toLowerCase()));
    expect(pseudonyms.size).toBe(many.length);
  });

  it("writes e-mail addresses in rule 2's form with the pseudonym's local part", () => {
    const p = make();
    const [first, last] = p.personName("Kari Hansen").toLowerCase().split(" ");
    const email = p.email("kari.hansen@firma.no");
    expect(email.endsWith("_firma.no@mailinator.com")).toBe(true);
    expect(email.split("_")[0]).toContain(".");
    expect(email).not.toMatch(/kari|hansen/i);
    expect(email.split("@")).toHaveLength(2);
    expect(first && last).toBeTruthy();
    // A value that is no address is pseudonymised whole and made undeliverable all the same.
    expect(p.email("kari.hansen")).toMatch(/^[^@]+@mailinator\.com$/);
  });

  it("gives a name spelled in ASCII, as addresses and user names write it, that name's pseudonym: no spelling of it remains", () => {
    const raw = { ...RAW, firstNames: [...RAW.firstNames, "Øyvind"], lastNames: [...RAW.lastNames, "Bjørnstad", "Sæther"], fullNames: [...RAW.fullNames, "Øyvind Bjørnstad"] };
    const p = make("secret-1", raw);
    // The address as production writes the name: the person's pseudonym, in ASCII.
    const expected = p.email("øyvind.bjørnstad@firma.no");
    expect(expected).not.toMatch(/yvind|bj.?.?rnstad/i);
    for (const address of ["oyvind.bjornstad@firma.no", "oeyvind.bjoernstad@firma.no", "OYVIND.BJORNSTAD@firma.no"]) expect(p.email(address)).toBe(expected);
    expect(p.username("bjornstad")).toBe(p.username("bjørnstad"));
    // The domain stays (rule 2), but for the name words in it, in any spelling; no pseudonym is any spelling of a production name either.
    const words = productionValues(raw).nameWords;
    const domain = p.email("post@saether-hansen.no").split("_")[1]!;
    expect(domain).toMatch(/^[a-z0-9]+-[a-z0-9]+\.no@mailinator\.com$/);
    for (const w of domain.split(/[^a-z0-9]+/)) expect(words.has(w), w).toBe(false);
    for (const name of ["Øyvind Bjørnstad", "Kari Hansen"]) for (const w of p.personName(name).toLowerCase().split(/\W+/)) expect(words.has(w)).toBe(false);
  });

  it("writes a name an address or user name holds (with digits, run together, after an initial) as the pseudonym, in the same form", () => {
    const p = make();
    const u = (word: string) => p.username(word);
    expect(p.email("kari.hansen85@firma.no")).toBe(`${u("kari")}.${u("hansen")}85_firma.no@mailinator.com`);
    expect(p.email("karihansen@firma.no")).toBe(`${u("kari")}${u("hansen")}_firma.no@mailinator.com`);
    expect(p.email("khansen@firma.no")).toBe(`k${u("hansen")}_firma.no@mailinator.com`);
    expect(p.username("ola.berg2")).toBe(`${u("ola")}.${u("berg")}2`);
    // A double last name run together ("Wold Eide": woldeide) is two names, each the person's pseudonym.
    expect(p.email("ingrid.bergolsen@firma.no")).toMatch(new RegExp(`^${u("ingrid")}\\.${u("berg")}\\.?${u("olsen")}_firma\\.no@mailinator\\.com$`));
    // A name beside the address is the person's pseudonym too.
    expect(p.email("Kari Hansen <kari.hansen@firma.no>")).toBe(`${p.personName("Kari Hansen")} <${u("kari")}.${u("hansen")}_firma.no>@mailinator.com`);
    // A user name with no name in it is drawn whole, and holds none either.
    const finder = new ProductionValueFinder(productionValues(RAW));
    for (let i = 0; i < 200; i++) expect(finder.find(p.username(`user${i}`), "username")).toBeNull();
  });

  it("gives a company's website name in an e-mail domain the website's pseudonym, and keeps other domains", () => {
    const p = make();
    const u = (word: string) => p.username(word);
    const site = p.website("https://www.hansenas.no/kontakt");
    const host = /^https:\/\/www\.([^./]+)\.no\/kontakt$/.exec(site)?.[1];
    expect(host).toBeDefined();
    expect(host).not.toBe("hansenas");
    expect(p.email("kari@hansenas.no")).toBe(`${u("kari")}_${host}.no@mailinator.com`);
    expect(p.email("kari@shop.HansenAS.no")).toBe(`${u("kari")}_shop.${host}.no@mailinator.com`);
    expect(p.email("kari@gmail.com")).toBe(`${u("kari")}_gmail.com@mailinator.com`);
    // Every word of an address counts, however short: with a person named "Co", ".co.uk" holds a name.
    const withCo = { ...RAW, firstNames: [...RAW.firstNames, "Co"], websites: [...RAW.websites, "firma.co.uk"] };
    const q = make("secret-1", withCo);
    expect(new ProductionValueFinder(productionValues(withCo)).find(q.email("kari@firma.co.uk"), "email")).toBeNull();
    // A website's subdomain stays, its own name does not ("shop." of shop.hansenas.no).
    expect(p.website("https://shop.hansenas.no")).toBe(`https://shop.${host}.no`);
    const finder = new ProductionValueFinder(productionValues(RAW));
    expect(finder.find(p.email("kari@hansenas.no"), "email")).toBeNull();
    expect(finder.find(site, "website")).toBeNull();
    expect(finder.find(p.website("bergolsenlie.com"), "website")).toBeNull();
  });

  it("keeps pseudonyms run together apart with a dot when together they would read as a production name", () => {
    const u = (p: Pseudonymiser, word: string) => p.username(word);
    const first = make();
    const together = `${u(first, "berg")}${u(first, "olsen")}`;
    // The same pseudonyms, drawn where production also has a person named what they make together.
    const p = make("secret-1", { ...RAW, lastNames: [...RAW.lastNames, together] });
    expect([u(p, "berg"), u(p, "olsen")]).toEqual([u(first, "berg"), u(first, "olsen")]);
    expect(p.email("ingrid.bergolsen@firma.no")).toBe(`${u(p, "ingrid")}.${u(p, "berg")}.${u(p, "olsen")}_firma.no@mailinator.com`);
    expect(new ProductionValueFinder(productionValues({ ...RAW, lastNames: [...RAW.lastNames, together] })).find(p.email("ingrid.bergolsen@firma.no"), "email")).toBeNull();
  });

  it("re-draws on a collision: no pseudonym equals a production value of its kind or holds a production name", () => {
    const p = make();
    const tokens = productionValues(RAW).nameTokens;
    for (const name of RAW.fullNames) for (const w of p.personName(name).toLowerCase().split(/\W+/)) expect(tokens.has(w)).toBe(false);
    const company = p.companyName("Hansen AS").toLowerCase();
    expect(["hansen as", "berg, olsen og lie"]).not.toContain(company);
    for (const w of company.split(/[^\p{L}]+/u)) expect(tokens.has(w)).toBe(false);
  });

  it("re-draws deterministically when the first draw collides", () => {
    // Production holds the very pseudonym drawn first: the next attempt is taken, the same one every time.
    const first = make().personName("Kari");
    const raw = { ...RAW, firstNames: [...RAW.firstNames, first] };
    const again = make("secret-1", raw).personName("Kari");
    expect(again).not.toBe(first);
    expect(make("secret-1", raw).personName("Kari")).toBe(again);
    const phone = make().phone("+47 22 33 44 55");
    const redrawn = make("secret-1", { ...RAW, phones: [...RAW.phones, phone] }).phone("+47 22 33 44 55");
    expect(redrawn).not.toBe(phone);
    expect(redrawn).toMatch(/^\+47 \d\d \d\d \d\d \d\d$/);
  });

  it("never gives a name the first word of a production company or address: text around it would spell that company", () => {
    // A company renamed since: old text names "Hansen Bygg AS", whose Hansen is replaced by a
    // pseudonym. Were the pseudonym the first word of another production company ("<P> Bygg AS"),
    // the text would name that company, and the copy would fail its check every time.
    const first = make().personName("Hansen");
    const raw = { ...RAW, companies: [...RAW.companies, `${first} Bygg AS`], addresses: [...RAW.addresses, `${make().personName("Kari")} gate 7`] };
    const p = make("secret-1", raw);
    const finder = new ProductionValueFinder(productionValues(raw));
    expect(p.personName("Hansen")).not.toBe(first);
    expect(finder.find(`Møte med ${p.personName("Hansen")} Bygg AS`, "free-text")).toBeNull();
    expect(finder.find(`Besøk i ${p.personName("Kari")} gate 7`, "free-text")).toBeNull();
  });

  it("keeps a Norwegian company Norwegian and its user names name-like when production holds every one of faker's Norwegian names", () => {
    const names = (list: unknown) => (Array.isArray(list) ? list : Object.values(list as object).flat()) as string[];
    const raw = { ...RAW, firstNames: names(nb_NO.person!.first_name), lastNames: names(nb_NO.person!.last_name) };
    const p = make("secret-1", raw);
    const finder = new ProductionValueFinder(productionValues(raw));
    // Two of faker's three Norwegian forms: "<name> AS" (or ASA, BA, …) and "<name>, <name> og <name>".
    const norwegian = / (AS|ASA|BA|Gruppen|RFH|og Sønner)$|, .+ og /u;
    const companies = Array.from({ length: 30 }, (_v, i) => p.companyName(`Firma ${i} AS`));
    // Drawn from faker's Norwegian company names, with the people in them the sandbox's own (not re-drawn from other locales).
    expect(companies.filter((c) => norwegian.test(c)).length).toBeGreaterThanOrEqual(12);
    for (const [i, company] of companies.entries()) {
      expect(finder.find(company, "company-name")).toBeNull();
      const user = p.username(`x${i}q`);
      expect(user).toMatch(/^[a-z]+[._]?[a-z]*\d*$/);
      expect(finder.find(user, "username")).toBeNull();
    }
  });

  it("draws more name words than faker's pools hold one-to-one, none a production name, and the same when built a turn at a time", async () => {
    // 12,000 last names faker has none of (its pools hold some 2,500): past them, words take made-up names.
    const syllables = ["ka", "ri", "to", "ne", "lu", "mo", "sa", "vi", "de", "go", "pe", "ha"];
    const made = (i: number) => `${syllables[i % 12]}${syllables[Math.floor(i / 12) % 12]}${syllables[Math.floor(i / 144) % 12]}${syllables[Math.floor(i / 1728) % 12]}sen`;
    const lastNames = Array.from({ length: 12_000 }, (_v, i) => made(i).charAt(0).toUpperCase() + made(i).slice(1));
    const raw = { ...RAW, lastNames };
    const values = productionValues(raw);
    const drawn = new Pseudonymiser("secret-1", values, "mailinator.com");
    const pseudonyms = lastNames.map((n) => drawn.nameWord(n).toLowerCase());
    expect(new Set(pseudonyms).size).toBe(lastNames.length);
    expect(pseudonyms.filter((p) => values.nameWords.has(p))).toEqual([]);
    // Faker's names first, as long as its pools give them; then names of four syllables (room for 64 times production's names).
    expect(pseudonyms.filter((p) => /^([bdfghklmnrstv][aeiouy]){4}$/.test(p)).length).toBeGreaterThan(0);
    // Built a turn at a time (as a run builds it), every word has the same pseudonym.
    const built = await Pseudonymiser.build("secret-1", values, "mailinator.com");
    expect(lastNames.map((n) => built.nameWord(n).toLowerCase())).toEqual(pseudonyms);
  });

  it("refuses, in the customer's words, a number production leaves no other of its length for", () => {
    // Every org number of one digit is production's: none is left to be "5"'s pseudonym.
    const p = make("secret-1", { ...RAW, orgNumbers: ["1", "2", "3", "4", "5", "6", "7", "8", "9"] });
    expect(() => p.orgNumber("5")).toThrow(
      expect.objectContaining({ code: "COPY_FAILED", message: "Production's org numbers of 1 digit leave no other number of that length to pseudonymise one as. Copy with personal data kept as in production, or correct them." }),
    );
    expect(p.orgNumber("51")).toMatch(/^[1-9]\d$/);
  });

  it("keeps formats: phone prefix and spacing, org number spacing, website scheme and domain", () => {
    const p = make();
    expect(p.phone("+47 22 33 44 55")).toMatch(/^\+47 [1-9]\d \d\d \d\d \d\d$/);
    expect(p.orgNumber("912 345 678")).toMatch(/^[1-9]\d\d \d\d\d \d\d\d$/);
    expect(p.orgNumber("912 345 678")).not.toBe("912 345 678");
    expect(p.website("https://www.hansen.no/kontakt")).toMatch(/^https:\/\/www\.[a-z0-9-]+\.no\/kontakt$/);
    expect(p.website("https://www.hansen.no/kontakt")).not.toContain("hansen");
  });
});
