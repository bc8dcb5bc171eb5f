import { describe, expect, it } from "vitest";
import { MAX_REWRITTEN_BYTES, RewrittenTooLong } from "./copy-rows";
import { ProductionValueFinder } from "./find-production-values";
import { Pseudonymiser } from "./pseudonymiser";
import { MAX_PHRASE_WORDS, Scrubber } from "./scrubber";
import { productionValues, type RawProductionValues } from "./values";

const RAW: RawProductionValues = {
  firstNames: ["Kari", "Ola", "Grace", "Per"],
  lastNames: ["Hansen", "Berg", "Price"],
  fullNames: ["Kari Hansen", "Ola Berg", "Grace Price", "Per Berg"],
  companies: ["Nordvik Bygg AS", "Berg, Hansen og Lie"],
  websites: [],
  phones: ["+47 22 33 44 55"],
  addresses: ["Storgata 1"],
  orgNumbers: [],
};

function setUp() {
  const values = productionValues(RAW);
  const p = new Pseudonymiser("secret", values, "mailinator.com");
  return { p, scrub: (text: string) => new Scrubber(p, values, RAW).scrub(text) };
}

describe("Scrubber", () => {
  it("replaces a name spelled in ASCII (Bjornstad, BJOERNSTAD for Bjørnstad) with that name's pseudonym", () => {
    const values = productionValues({ ...RAW, lastNames: [...RAW.lastNames, "Bjørnstad"], fullNames: [...RAW.fullNames, "Kari Bjørnstad"] });
    const p = new Pseudonymiser("secret", values, "mailinator.com");
    const scrub = (text: string) => new Scrubber(p, values, RAW).scrub(text);
    const pseudonym = p.nameWord("Bjørnstad");
    expect(scrub("Ring Bjornstad eller BJOERNSTAD")).toBe(`Ring ${pseudonym} eller ${pseudonym.toUpperCase()}`);
    expect(scrub("Kari Bjornstad skrev")).toBe(`${p.personName("Kari Bjørnstad")} skrev`);
  });

  it("replaces a name at word boundaries, in any case, with the person's pseudonym", () => {
    const { p, scrub } = setUp();
    const hansen = p.nameWord("hansen");
    expect(scrub("Call Hansen today")).toBe(`Call ${hansen} today`);
    expect(scrub("CALL HANSEN")).toBe(`CALL ${hansen.toUpperCase()}`);
    expect(scrub("cc: hansen")).toBe(`cc: ${hansen.toLowerCase()}`);
    expect(scrub("Kari Hansen wrote")).toBe(`${p.personName("Kari Hansen")} wrote`);
  });

  it("gives a name in a script without case its pseudonym as the pseudonym is written, not lower-cased", () => {
    const raw = { ...RAW, firstNames: [...RAW.firstNames, "สมชาย", "太郎"], lastNames: [...RAW.lastNames, "ใจดี", "田中"], fullNames: [...RAW.fullNames, "สมชาย ใจดี", "田中 太郎"] };
    const values = productionValues(raw);
    const p = new Pseudonymiser("secret", values, "mailinator.com");
    const scrub = (text: string) => new Scrubber(p, values, raw).scrub(text);
    expect(scrub("สมชาย ใจดี โทรมา")).toBe(`${p.personName("สมชาย ใจดี")} โทรมา`);
    expect(scrub("田中 太郎 様")).toBe(`${p.personName("田中 太郎")} 様`);
    expect(p.personName("田中 太郎")).not.toBe(p.personName("田中 太郎").toLowerCase());
  });

  it("replaces possessives and keeps their ending", () => {
    const { p, scrub } = setUp();
    const hansen = p.nameWord("hansen");
    expect(scrub("Hansen's offer")).toBe(`${hansen}'s offer`);
    expect(scrub("Hansen’s offer")).toBe(`${hansen}’s offer`);
    expect(scrub("Hansens kontor")).toBe(`${hansen}s kontor`);
  });

  it("replaces a name with digits after it, a user name in text, and keeps the digits; the check then finds none", () => {
    const { p, scrub } = setUp();
    const hansen = p.nameWord("hansen");
    const scrubbed = scrub("Bruker hansen85 og HANSEN2 logget inn, sak 2024, rom 12B");
    expect(scrubbed).toBe(`Bruker ${hansen.toLowerCase()}85 og ${hansen.toUpperCase()}2 logget inn, sak 2024, rom 12B`);
    expect(new ProductionValueFinder(productionValues(RAW)).find(scrubbed, "free-text")).toBeNull();
  });

  it("replaces a name written against the letters of a script of another kind, as Japanese and Korean attach their honorifics and particles, and keeps its digits", () => {
    const { p, scrub } = setUp();
    const hansen = p.nameWord("hansen");
    expect(scrub("Hansen様より、Hansenさん、Hansen님이 hansen85さん")).toBe(`${hansen}様より、${hansen}さん、${hansen}님이 ${hansen.toLowerCase()}85さん`);
    expect(scrub("Kari Hansen様")).toBe(`${p.personName("Kari Hansen")}様`);
    // A name inside a word of its own script is still another word.
    expect(scrub("Hansenbyen様")).toBe("Hansenbyen様");
    expect(new ProductionValueFinder(productionValues(RAW)).find("Hansen様より", "free-text")).toBe("a person's name");
  });

  it("leaves names inside other words alone", () => {
    const { scrub } = setUp();
    expect(scrub("Meeting in Bergen, then Kariba and Olavsen")).toBe("Meeting in Bergen, then Kariba and Olavsen");
    expect(scrub("Hansenbyen")).toBe("Hansenbyen");
  });

  it("keeps names that are common words when they stand alone, but replaces them inside a full name", () => {
    const { p, scrub } = setUp();
    expect(scrub("See the price list, per month, by God's grace")).toBe("See the price list, per month, by God's grace");
    expect(scrub("Grace Price called")).toBe(`${p.personName("Grace Price")} called`);
    expect(scrub("per berg")).toBe(p.personName("Per Berg").toLowerCase());
  });

  it("keeps the short words text is full of when production has them as names: can, don't, van, den", () => {
    const raw = { ...RAW, firstNames: [...RAW.firstNames, "Can", "Don"], lastNames: [...RAW.lastNames, "Yilmaz"], fullNames: [...RAW.fullNames, "Can Yilmaz", "Don van den Berg"] };
    const values = productionValues(raw);
    const p = new Pseudonymiser("secret", values, "mailinator.com");
    const scrub = (text: string) => new Scrubber(p, values, raw).scrub(text);
    expect(scrub("Then you can input it, but don't restart the van. Den er klar.")).toBe("Then you can input it, but don't restart the van. Den er klar.");
    // As a name, in a full name, they are still replaced.
    expect(scrub("Can Yilmaz called")).toBe(`${p.personName("Can Yilmaz")} called`);
    expect(scrub("Don van den Berg called")).toBe(`${p.personName("Don van den Berg")} called`);
  });

  it("replaces a full name of common or short words written last name first (\"Price, Grace\"), and the check finds such a name left in text either way round", () => {
    const raw = { ...RAW, firstNames: [...RAW.firstNames, "Bo", "Will"], lastNames: [...RAW.lastNames, "Ek", "Smith"], fullNames: [...RAW.fullNames, "Bo Ek", "Will Smith"] };
    const values = productionValues(raw);
    const p = new Pseudonymiser("secret", values, "mailinator.com");
    const scrubber = new Scrubber(p, values, raw);
    const finder = new ProductionValueFinder(values);
    for (const text of ["Fra: Price, Grace", "Møte med Grace Price", "Ek, Bo ringte", "Smith,Will", "Kopi: Bo Ek"]) {
      expect(finder.find(text, "free-text"), text).toBe("a person's name");
      const scrubbed = scrubber.scrub(text);
      expect(finder.find(scrubbed, "free-text"), scrubbed).toBeNull();
    }
    expect(scrubber.scrub("Fra: Price, Grace")).toBe(`Fra: ${p.personName("Price, Grace")}`);
    expect(p.personName("Price, Grace")).toBe(p.personName("Grace Price").split(" ").reverse().join(", "));
    // The words apart are common words, and stay: "the price, grace period".
    expect(finder.find("the price list, grace period", "free-text")).toBeNull();
    expect(scrubber.scrub("the price list, grace period")).toBe("the price list, grace period");
  });

  it("replaces a production org number in text, as it replaces a phone number, and leaves other numbers", () => {
    const raw = { ...RAW, orgNumbers: ["912 345 678"] };
    const values = productionValues(raw);
    const p = new Pseudonymiser("secret", values, "mailinator.com");
    const scrub = (text: string) => new Scrubber(p, values, raw).scrub(text);
    expect(scrub("Faktura, org.nr 912345678, tlf +47 22 33 44 55.")).toBe(`Faktura, org.nr ${p.orgNumber("912345678")}, tlf ${p.phone("+47 22 33 44 55")}.`);
    expect(scrub("Ordre 123456789 levert")).toBe("Ordre 123456789 levert");
  });

  it("replaces a company's website name in a host name in text with the website's pseudonym", () => {
    const raw = { ...RAW, websites: ["https://www.nordvikbygg.no", "berg-hansen.com"] };
    const values = productionValues(raw);
    const p = new Pseudonymiser("secret", values, "mailinator.com");
    const scrub = (text: string) => new Scrubber(p, values, raw).scrub(text);
    const site = p.website("https://www.nordvikbygg.no");
    expect(scrub("Mvh Tommy\nwww.nordvikbygg.no | shop.Berg-Hansen.com.")).toBe(`Mvh Tommy\n${site.replace("https://", "")} | shop.${p.websiteName("berg-hansen")}.com.`);
    // Not a host name: kept.
    expect(scrub("nordvikbygg. Then")).toBe("nordvikbygg. Then");
  });

  it("replaces company names as a whole, longest first, with the company's pseudonym", () => {
    const { p, scrub } = setUp();
    expect(scrub("Offer Nordvik Bygg AS 2026.pdf")).toBe(`Offer ${p.companyName("Nordvik Bygg AS")} 2026.pdf`);
    expect(scrub("Offer Nordvik  Bygg as")).toBe(`Offer ${p.companyName("Nordvik Bygg AS")}`);
    expect(scrub("Berg, Hansen og Lie: rollout")).toBe(`${p.companyName("Berg, Hansen og Lie")}: rollout`);
  });

  it("replaces the longest of the company names that share their first words, and a person's full name before a company's", () => {
    const raw = { ...RAW, companies: ["Sæther Karlsen AS", "Sæther Karlsen Solheim og Fossum", "Sæther Karlsen Solheim og Fossum Smebø", "Grace Price"] };
    const values = productionValues(raw);
    const p = new Pseudonymiser("secret", values, "mailinator.com");
    const scrub = (text: string) => new Scrubber(p, values, raw).scrub(text);
    expect(scrub("Quote for Sæther Karlsen Solheim og Fossum Smebø, Oslo")).toBe(`Quote for ${p.companyName("Sæther Karlsen Solheim og Fossum Smebø")}, Oslo`);
    expect(scrub("Quote for Sæther Karlsen Solheim og Fossum Lostad")).toBe(`Quote for ${p.companyName("Sæther Karlsen Solheim og Fossum")} Lostad`);
    expect(scrub("sæther karlsen as")).toBe(p.companyName("Sæther Karlsen AS").toLowerCase());
    // The words must be separated as in the name: a comma is not a space.
    expect(scrub("Sæther Karlsen, Solheim")).not.toContain(p.companyName("Sæther Karlsen Solheim og Fossum"));
    expect(scrub("Grace Price called")).toBe(`${p.personName("Grace Price")} called`);
  });

  it("finds a company whose name begins partway into another that did not go on, and one that ends inside another's first words", () => {
    const raw = { ...RAW, companies: ["Alfa Alfa Omega", "Sæther Karlsen Solheim og Fossum", "Solheim og Fossum Eiendom", "Karlsen Solheim"] };
    const values = productionValues(raw);
    const p = new Pseudonymiser("secret", values, "mailinator.com");
    const scrub = (text: string) => new Scrubber(p, values, raw).scrub(text);
    // Read from the first "alfa", the phrase breaks at the third word; it starts again at the second.
    expect(scrub("alfa alfa alfa omega")).toBe(`alfa ${p.companyName("Alfa Alfa Omega").toLowerCase()}`);
    expect(scrub("Alfa Alfa Alfa Alfa Omega!")).toBe(`Alfa Alfa ${p.companyName("Alfa Alfa Omega")}!`);
    // "Sæther Karlsen Solheim og Fossum" breaks at "Sønn": the longest name from "Karlsen" on is "Karlsen Solheim".
    expect(scrub("Sæther Karlsen Solheim og Sønn")).toBe(`Sæther ${p.companyName("Karlsen Solheim")} og Sønn`);
    expect(scrub("Sæther Karlsen Solheim og Fossum Eiendom")).toBe(`${p.companyName("Sæther Karlsen Solheim og Fossum")} Eiendom`);
    expect(scrub("til Solheim og Fossum Eiendom")).toBe(`til ${p.companyName("Solheim og Fossum Eiendom")}`);
  });

  it("replaces e-mail addresses and production phone numbers, with or without the country prefix", () => {
    const { p, scrub } = setUp();
    expect(scrub("Mail kari.hansen@firma.no now")).toBe(`Mail ${p.email("kari.hansen@firma.no")} now`);
    // A name in the domain is replaced too, the same way in free text as in the e-mail columns.
    expect(scrub("from kari@hansen.no")).toBe(`from ${p.email("kari@hansen.no")}`);
    expect(p.email("kari@hansen.no")).not.toMatch(/hansen|kari/i);
    expect(scrub("Ring +47 22 33 44 55.")).toBe(`Ring ${p.phone("+47 22 33 44 55")}.`);
    expect(scrub("Ring 22 33 44 55")).toBe(`Ring ${p.phone("+47 22 33 44 55").slice(4)}`);
    expect(scrub("Invoice 2026-01-15, order 12 34 56 78")).toBe("Invoice 2026-01-15, order 12 34 56 78");
  });

  it("finds and replaces phone numbers written with no-break spaces, as signatures write them, and each of two numbers a slash parts", () => {
    const raw = { ...RAW, orgNumbers: ["912 345 678"] };
    const values = productionValues(raw);
    const p = new Pseudonymiser("secret", values, "mailinator.com");
    const scrubber = new Scrubber(p, values, raw);
    const finder = new ProductionValueFinder(values);
    for (const text of ["Tlf +47\u00a022\u00a033\u00a044\u00a055", "Tlf 22 33 44 55 / 99 88 77 66", "Tlf 22334455/99887766", "Tlf +47\u202f22\u202f33\u202f44\u202f55", "org.nr 912\u00a0345\u00a0678"]) {
      expect(finder.find(text, "free-text"), text).not.toBeNull();
      const scrubbed = scrubber.scrub(text);
      expect(scrubbed).not.toContain("22");
      expect(finder.find(scrubbed, "free-text"), scrubbed).toBeNull();
    }
  });

  it("replaces a production phone or org number written against letters, as the check finds it (\"NO912345678MVA\", \"tlf22334455\")", () => {
    const raw = { ...RAW, orgNumbers: ["912 345 678"] };
    const values = productionValues(raw);
    const p = new Pseudonymiser("secret", values, "mailinator.com");
    const scrubber = new Scrubber(p, values, raw);
    const finder = new ProductionValueFinder(values);
    for (const text of ["Org.nr NO912345678MVA", "tlf22334455", "Ring mob22 33 44 55x", "Ref 912345678A"]) {
      expect(finder.find(text, "free-text"), text).not.toBeNull();
      const scrubbed = scrubber.scrub(text);
      expect(finder.find(scrubbed, "free-text"), scrubbed).toBeNull();
    }
    expect(scrubber.scrub("Org.nr NO912345678MVA")).toBe(`Org.nr NO${p.orgNumber("912345678")}MVA`);
    // Other numbers against letters stay as they are.
    expect(scrubber.scrub("Ordre A123456789B, rom 12B")).toBe("Ordre A123456789B, rom 12B");
  });

  it("replaces a production phone number written with its trunk zero in brackets after the country prefix (\"+47 (0)22 33 44 55\"), and keeps that form", () => {
    const { p, scrub } = setUp();
    const finder = new ProductionValueFinder(productionValues(RAW));
    for (const text of ["Tlf +47 (0)22 33 44 55", "Tlf +47(0)22334455", "Tlf 0047 (0) 22 33 44 55"]) {
      expect(finder.find(text, "free-text"), text).toBe("a phone number");
      const scrubbed = scrub(text);
      expect(scrubbed, text).not.toContain("22 33 44 55");
      expect(scrubbed, text).not.toContain("22334455");
      expect(finder.find(scrubbed, "free-text"), scrubbed).toBeNull();
    }
    expect(scrub("Tlf +47 (0)22 33 44 55")).toBe(`Tlf +47 (0)${p.phone("+47 22 33 44 55").slice(4)}`);
    // A production number stored so is the same number written without the zero.
    const raw = { ...RAW, phones: ["+49 (0)30 1234567"] };
    const values = productionValues(raw);
    const q = new Pseudonymiser("secret", values, "mailinator.com");
    expect(new ProductionValueFinder(values).find("Ruf +49 30 1234567 an", "free-text")).toBe("a phone number");
    expect(new Scrubber(q, values, raw).scrub("Ruf +49 30 1234567 an")).toBe(`Ruf ${q.phone("+49 30 1234567")} an`);
  });

  it("replaces a production phone number broken across lines (\"+47 22 33\\n44 55\"), as the check finds it, and still reads each line's own numbers apart", () => {
    const { p, scrub } = setUp();
    const finder = new ProductionValueFinder(productionValues(RAW));
    for (const text of ["Tlf +47 22 33\n44 55 hele dagen", "Ring 22 33 44\r\n55", "Tlf: 22334455\n99 88 77 66", "Ordre 12 34\n22 33 44 55\n", "Tlf 22 33\r44 55"]) {
      expect(finder.find(text, "free-text"), text).toBe("a phone number");
      const scrubbed = scrub(text);
      expect(scrubbed.replace(/\D/g, ""), text).not.toContain("22334455");
      expect(finder.find(scrubbed, "free-text"), scrubbed).toBeNull();
    }
    expect(scrub("Tlf +47 22 33\n44 55 hele dagen")).toBe(`Tlf ${p.phone("+47 22 33\n44 55")} hele dagen`);
    // A number on a line of its own keeps the line breaks around it; other numbers stay as written.
    expect(scrub("Ordre 12 34\n22 33 44 55\n")).toBe(`Ordre 12 34\n${p.phone("22 33 44 55")}\n`);
    expect(scrub("Sak 2024\n12 34 56 78\n")).toBe("Sak 2024\n12 34 56 78\n");
    // A megabyte of digits and line breaks is each line and each pair of lines read once.
    const lines = "12 34\n".repeat(170_000);
    expect(finder.find(`${lines}+47 22 33\n44 55`, "free-text")).toBe("a phone number");
    expect(scrub(`${lines}+47 22 33\n44 55`)).toBe(`${lines}${p.phone("+47 22 33\n44 55")}`);
  });

  it("spells in ASCII the letters that no mark-dropping makes ASCII (ł, ı, ð, þ, œ): addresses and text hold none of those names", () => {
    const raw = {
      ...RAW,
      firstNames: ["Ahmet", "Michał", "Guðrún", "Þórunn"],
      lastNames: ["Yıldız", "Nowak", "Aydın", "Jónsdóttir"],
      fullNames: ["Ahmet Yıldız", "Michał Nowak", "Guðrún Jónsdóttir", "Þórunn Aydın"],
    };
    const values = productionValues(raw);
    const p = new Pseudonymiser("secret", values, "mailinator.com");
    const scrubber = new Scrubber(p, values, raw);
    const finder = new ProductionValueFinder(values);
    const leaked = /yildiz|michal|gudrun|aydin|thorunn|jonsdottir/i;
    for (const address of ["ahmet.yildiz@firma.no", "michal.nowak@firma.no", "gudrun.jonsdottir@firma.no", "thorunn@firma.no"]) {
      expect(finder.find(address, "email"), address).toBe("a person's name");
      expect(p.email(address)).not.toMatch(leaked);
    }
    // Upper case loses the dotless i ("YILDIZ" lower-cases to "yildiz"): the ASCII spelling is the name.
    const text = "AHMET YILDIZ ringte; Aydin, Gudrun og Michal også";
    expect(finder.find(text, "free-text")).toBe("a person's name");
    const scrubbed = scrubber.scrub(text);
    expect(scrubbed).not.toMatch(leaked);
    expect(finder.find(scrubbed, "free-text")).toBeNull();
  });

  it("reads names as they show: decomposed letters, full-width letters and invisible characters inside a word hide none from the scrubber or the check", () => {
    const raw = { ...RAW, firstNames: [...RAW.firstNames, "José"], lastNames: [...RAW.lastNames, "Müller"], fullNames: [...RAW.fullNames, "José Müller"] };
    const values = productionValues(raw);
    const p = new Pseudonymiser("secret", values, "mailinator.com");
    const scrubber = new Scrubber(p, values, raw);
    const finder = new ProductionValueFinder(values);
    const disguised = [
      "Ring Jose\u0301 Mu\u0308ller",
      "Han\u00adsen ringte",
      "Han\u200bsen ringte",
      "\uff28\uff41\uff4e\uff53\uff45\uff4e ringte",
      // Direction marks and isolates, a grapheme joiner: as invisible inside a word.
      "Han\u200esen ringte",
      "Ha\u2060n\u200fsen ringte",
      "Han\u2066\u2069sen ringte",
      "Han\u202a\u202csen ringte",
      "Han\u034fsen ringte",
    ];
    for (const text of disguised) {
      expect(finder.find(text, "free-text"), text).toBe("a person's name");
      const scrubbed = scrubber.scrub(text);
      expect(finder.find(scrubbed, "free-text"), scrubbed).toBeNull();
    }
    expect(scrubber.scrub(disguised[0]!)).toBe(`Ring ${p.personName("José Müller")}`);
    expect(scrubber.scrub(disguised[1]!)).toBe(`${p.nameWord("hansen")} ringte`);
    // Text with none of those characters is passed on as it came, and so are the ones between words.
    expect(scrubber.scrub("Møte\u00a0i\u00a0morgen \u200b ok")).toBe("Møte\u00a0i\u00a0morgen \u200b ok");
  });

  it("reads a name that takes a phrase across markup's tags (\"<b>Grace</b> Price\", \"Nordvik<br>Bygg AS\"), and keeps the tags", () => {
    const raw = { ...RAW, firstNames: [...RAW.firstNames, "Bo"], lastNames: [...RAW.lastNames, "Ek", "Font"], fullNames: [...RAW.fullNames, "Bo Ek", "Kari Font"] };
    const values = productionValues(raw);
    const p = new Pseudonymiser("secret", values, "mailinator.com");
    const scrubber = new Scrubber(p, values, raw);
    const finder = new ProductionValueFinder(values);
    const marked = [
      "<b>Grace</b> Price ringte",
      "Nordvik<br>Bygg AS",
      "<p>Nordvik<br />Bygg AS</p>",
      "Grace<span> </span>Price",
      "<p>Fra: <i>Price</i>, <i>Grace</i></p>",
      "<strong>Bo</strong>&nbsp;<STRONG>Ek</STRONG>",
      "Nordvik</span>\r\n<span>Bygg",
    ];
    for (const text of marked) {
      expect(finder.find(text, "free-text"), text).not.toBeNull();
      const scrubbed = scrubber.scrub(text);
      expect(scrubbed, text).not.toMatch(/grace|price|nordvik|bygg|\bbo\b|\bek\b/i);
      expect(finder.find(scrubbed, "free-text"), scrubbed).toBeNull();
    }
    // A person's name keeps its tags where they were; a company's pseudonym is followed by them.
    expect(scrubber.scrub("<b>Grace</b> Price ringte")).toBe(`<b>${p.nameWord("Grace")}</b> ${p.nameWord("Price")} ringte`);
    expect(scrubber.scrub("Nordvik<br>Bygg AS, Oslo")).toBe(`${p.companyName("Nordvik Bygg AS")}<br>, Oslo`);
    // A tag's name is markup, not a word (Font is a name here), and words apart stay apart.
    expect(scrubber.scrub("<font>Viktig</font> pris<br>grace period, Font")).toBe(`<font>Viktig</font> pris<br>grace period, ${p.nameWord("Font")}`);
    expect(finder.find("<FONT>Viktig</FONT> <p>price</p><p>list</p>", "free-text")).toBeNull();
    // A name in angle brackets is no tag: "<Hansen>" and "<Grace Price>" are names.
    expect(finder.find("Til <Grace Price>", "free-text")).toBe("a person's name");
    expect(scrubber.scrub("Til <Hansen>")).toBe(`Til <${p.nameWord("Hansen")}>`);
    // A megabyte of tags is read once, a phrase across them found.
    const tags = "</b>".repeat(250_000);
    expect(finder.find(`Grace${tags}Price`, "free-text")).toBe("a person's name");
    expect(scrubber.scrub(`Grace${tags} Price`)).toBe(`${p.nameWord("Grace")}${tags} ${p.nameWord("Price")}`);
    for (const hostile of ["<b>".repeat(350_000), "<b".repeat(500_000), `<b${" ".repeat(1_000_000)}`, "<i>Grace</i> ".repeat(80_000)]) {
      expect(finder.find(hostile, "free-text")).toBeNull();
      expect(scrubber.scrub(hostile)).toBe(hostile);
    }
  });

  it("reads an invisible character between two names (\"Grace\\u200BPrice\", \"Grace\\u00AD Price\") as what parts them, and one inside a word as before", () => {
    const raw = { ...RAW, firstNames: [...RAW.firstNames, "Bo"], lastNames: [...RAW.lastNames, "Ek"], fullNames: [...RAW.fullNames, "Bo Ek"] };
    const values = productionValues(raw);
    const p = new Pseudonymiser("secret", values, "mailinator.com");
    const scrubber = new Scrubber(p, values, raw);
    const finder = new ProductionValueFinder(values);
    const hidden = [
      "Grace\u200bPrice ringte",
      "Grace\u00ad Price ringte",
      "Grace \u200bPrice",
      "Bo\u2060Ek",
      "Fra: Price,\u200bGrace",
      "Nordvik\u200bBygg\u200cAS",
      "Nordvik\u00ad\u200b Bygg AS",
      "Kari\u200bHansen",
      "Ola\u200eBerg",
      "Han\u00adsen ringte",
    ];
    for (const text of hidden) {
      expect(finder.find(text, "free-text"), text).not.toBeNull();
      const scrubbed = scrubber.scrub(text);
      expect(scrubbed, text).not.toMatch(/grace|price|nordvik|bygg|hansen|kari|\bbo|ek\b|berg/i);
      expect(finder.find(scrubbed, "free-text"), scrubbed).toBeNull();
    }
    expect(scrubber.scrub("Grace\u200bPrice ringte")).toBe(`${p.nameWord("Grace")}${p.nameWord("Price")} ringte`);
    expect(scrubber.scrub("Grace\u00ad Price ringte")).toBe(`${p.personName("Grace\u00ad Price")} ringte`);
    // Inside a word, an invisible character still hides no name and parts no word: Bergen and Hansenbyen stay, a name's fragment is no name.
    for (const text of ["Ber\u00adgen og Hansen\u00adbyen", "Berg\u00aden", "Price\u200blist, grace\u00adful", "Ola\u200bnordmannsvei"]) {
      expect(scrubber.scrub(text), text).toBe(text);
      expect(finder.find(text, "free-text"), text).toBeNull();
    }
    expect(scrubber.scrub("Han\u200bsen ringte")).toBe(`${p.nameWord("hansen")} ringte`);
    // A megabyte of invisible characters between letters is read in two passes, a name after it found.
    for (const hostile of ["a\u200b".repeat(500_000), "Grace\u00ad".repeat(170_000), "Bo\u200b".repeat(330_000)]) {
      expect(finder.find(`${hostile} Hansen`, "free-text")).toBe("a person's name");
      expect(scrubber.scrub(`${hostile} Hansen`)).toContain(p.nameWord("hansen"));
    }
  });

  it("reads HTML character references as the letters they show (\"K&aring;re\", \"&#75;ari\", \"Grace&nbsp;Price\"), as SuperOffice's message bodies hold them, and leaves markup's own alone", () => {
    const raw = {
      ...RAW,
      firstNames: [...RAW.firstNames, "Kåre", "Bo"],
      lastNames: [...RAW.lastNames, "Bjørnstad", "Ek"],
      fullNames: [...RAW.fullNames, "Kåre Bjørnstad", "Bo Ek"],
    };
    const values = productionValues(raw);
    const p = new Pseudonymiser("secret", values, "mailinator.com");
    const scrubber = new Scrubber(p, values, raw);
    const finder = new ProductionValueFinder(values);
    const encoded = [
      "<p>Hei K&aring;re!</p>",
      "<p>Ring Bj&oslash;rnstad</p>",
      "&#75;&#97;&#114;&#105; &#x48;&#x61;nsen",
      "<td>Storgata&nbsp;1</td>",
      "Nordvik&nbsp;Bygg&nbsp;AS",
      "Han&shy;sen",
      "&#x6b;ari.hansen@firma.no",
      "Tlf&nbsp;&#50;2&nbsp;33&nbsp;44&nbsp;55",
    ];
    for (const text of encoded) {
      expect(finder.find(text, "free-text"), text).not.toBeNull();
      const scrubbed = scrubber.scrub(text);
      expect(finder.find(scrubbed, "free-text"), scrubbed).toBeNull();
    }
    expect(scrubber.scrub(encoded[0]!)).toBe(`<p>Hei ${p.nameWord("kåre")}!</p>`);
    // A full name of common or short words is a phrase, its words parted by a no-break space as by a space.
    expect(scrubber.scrub("<p>Grace&nbsp;Price ringte</p>")).toBe(`<p>${p.personName("Grace\u00a0Price")} ringte</p>`);
    expect(scrubber.scrub("Bo&nbsp;Ek")).toBe(p.personName("Bo\u00a0Ek"));
    expect(p.personName("Bo\u00a0Ek")).toBe(p.personName("Bo Ek").replace(" ", "\u00a0"));
    // What markup is made of stays a reference, and text without a name keeps every reference as written.
    expect(scrubber.scrub("<p title='Hansen&#39;s'>&lt;Hansen&gt; &amp; Ola&#39;s</p>")).toBe(
      `<p title='${p.nameWord("hansen")}&#39;s'>&lt;${p.nameWord("hansen")}&gt; &amp; ${p.nameWord("ola")}&#39;s</p>`,
    );
    expect(scrubber.scrub("<p>P&aring; m&oslash;tet&nbsp;&amp;&#160;i dag</p>")).toBe("<p>P&aring; m&oslash;tet&nbsp;&amp;&#160;i dag</p>");
    expect(finder.find("&amp;aring; &lt;b&gt; &#0; &#x110000; &bogus;", "free-text")).toBeNull();
  });

  it("reads a name in a link's percent-escaped text (\"?q=Kari%20Hansen\", \"Price%2C%20Grace\") as the name, its escapes kept", () => {
    const { p, scrub } = setUp();
    const finder = new ProductionValueFinder(productionValues(RAW));
    for (const text of ['<a href="https://crm.example/find?q=Kari%20Hansen">søk</a>', "mailto:x@y.no?subject=Sak%20fra%20Hansen", "?to=Grace%20Price"]) {
      const scrubbed = scrub(text);
      expect(scrubbed, text).not.toMatch(/hansen|kari|grace%20price/i);
      expect(finder.find(scrubbed, "free-text"), scrubbed).toBeNull();
    }
    expect(finder.find("?q=Kari%20Hansen", "free-text")).toBe("a person's name");
    expect(scrub("?q=Kari%20Hansen")).toBe(`?q=${p.nameWord("kari")}%20${p.nameWord("hansen")}`);
    expect(scrub("?to=Grace%20Price")).toBe(`?to=${p.personName("Grace%20Price")}`);
    // Text that is no escape keeps its words: "100%ab" is no name, and a long run of escapes is read once.
    expect(scrub("100%ab, 20hansen")).toBe("100%ab, 20hansen");
    // A name right after a percent sign is no escape, though its first two letters read as hex: "Be" of Berg.
    expect(scrub("rabatt 20%Berg")).toBe(`rabatt 20%${p.nameWord("berg")}`);
    expect(finder.find("rabatt 20%Berg", "free-text")).toBe("a person's name");
    const escapes = "%20".repeat(3_000_000);
    const started = performance.now();
    expect(scrub(`${escapes}Hansen`)).toBe(`${escapes}${p.nameWord("hansen")}`);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it("reads letters escaped as UTF-8 bytes in a link (\"Bj%C3%B8rnstad\") or quoted-printable in a mail body (\"Bj=C3=B8rnstad\", soft line breaks \"=\\r\\n\") as the letters they are", () => {
    const raw = { ...RAW, firstNames: [...RAW.firstNames, "Kåre"], lastNames: [...RAW.lastNames, "Bjørnstad"], fullNames: [...RAW.fullNames, "Kåre Bjørnstad"] };
    const values = productionValues(raw);
    const p = new Pseudonymiser("secret", values, "mailinator.com");
    const scrubber = new Scrubber(p, values, raw);
    const finder = new ProductionValueFinder(values);
    const escaped = [
      '<a href="https://crm.example/find?q=Bj%C3%B8rnstad">søk</a>',
      "?q=bj%c3%b8rnstad",
      "Hilsen Bj=C3=B8rnstad",
      "Hilsen K=C3=A5re",
      "Vennlig hilsen Bj=C3=B8rn=\r\nstad",
      "Ring Han=\nsen",
      "Ring Bj=C3=\r\n=B8rnstad",
      "?to=Grace%C2%A0Price",
      "Grace=C2=A0Price",
      "Tlf 22 33=\r\n44 55",
    ];
    for (const text of escaped) {
      expect(finder.find(text, "free-text"), text).not.toBeNull();
      const scrubbed = scrubber.scrub(text);
      expect(scrubbed, text).not.toMatch(/bj(%c3%b8|=c3=b8|ø)rn|hansen|k=c3=a5re|grace/i);
      expect(finder.find(scrubbed, "free-text"), scrubbed).toBeNull();
    }
    expect(scrubber.scrub("?q=Bj%C3%B8rnstad")).toBe(`?q=${p.nameWord("bjørnstad")}`);
    expect(scrubber.scrub("Hilsen Bj=C3=B8rn=\r\nstad")).toBe(`Hilsen ${p.nameWord("bjørnstad")}`);
    // What is no escaped letter stays as written: markup's characters, invalid UTF-8, an equals sign at a line's end after a space.
    for (const text of ["?a=%C3%28&b=%E2%82", "x =\n1", "Cost=C0=80 %F5%80%80%80 %C2%3C"]) {
      expect(scrubber.scrub(text)).toBe(text);
      expect(finder.find(text, "free-text")).toBeNull();
    }
    // A megabyte of escapes that never complete a letter is read once.
    for (const hostile of ["%C3%".repeat(260_000), "=E2=82 ".repeat(150_000), "=\n".repeat(500_000), "a=\r\n ".repeat(200_000)]) {
      expect(finder.find(`${hostile}Hansen`, "free-text")).toBe("a person's name");
      expect(scrubber.scrub(`${hostile}Hansen`)).toContain(p.nameWord("hansen"));
    }
  });

  it("reads a production text of combining marks and invisible characters in time that grows with its length, and still finds the names around them", () => {
    const values = productionValues(RAW);
    const p = new Pseudonymiser("secret", values, "mailinator.com");
    const scrubber = new Scrubber(p, values, RAW);
    const finder = new ProductionValueFinder(values);
    // 40,000 accents took the check a minute (a look-behind over every mark before each position), and NFC's reordering of
    // 160,000 marks of two classes after one letter 13 s: the worker's one thread, every other tenant's run waiting.
    const hostile = [
      "\u0301".repeat(400_000),
      `a${"\u0301\u0316".repeat(200_000)}`,
      `a${"\u0301".repeat(200_000)}${"\u0316".repeat(200_000)}`,
      `${"a\u0301\u00ad".repeat(200_000)}`,
      `a${"\u0301".repeat(200_000)}${"\u00ad".repeat(200_000)}1`,
      // HTML character references, read or not: each is looked at once.
      "&aring;&#768;&shy;".repeat(100_000),
      `${"&aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".repeat(20_000)}&#12345678&#x1234567;`,
    ];
    for (const text of hostile) {
      const started = performance.now();
      expect(finder.find(text, "free-text")).toBeNull();
      expect(scrubber.scrub(text)).toBe(text);
      expect(performance.now() - started, `${text.slice(0, 8)}… of ${text.length}`).toBeLessThan(3_000);
    }
    const hansen = p.nameWord("hansen");
    const around = `Hansen ${hostile[1]} Han\u00adsen`;
    expect(finder.find(around, "free-text")).toBe("a person's name");
    const scrubbed = scrubber.scrub(around);
    expect(scrubbed.startsWith(`${hansen} `)).toBe(true);
    expect(scrubbed.endsWith(` ${hansen}`)).toBe(true);
    expect(finder.find(scrubbed, "free-text")).toBeNull();
    // Marks after a letter and before an invisible character stay in the word: "Mu\u0308\u00adller" is Müller.
    const muller = productionValues({ ...RAW, lastNames: [...RAW.lastNames, "Müller"] });
    expect(new ProductionValueFinder(muller).find("Ring Mu\u0308\u00adller", "free-text")).toBe("a person's name");
  });

  it("keeps the full-width punctuation of Chinese and Japanese text it replaces a name in, and still reads full-width letters and digits as ASCII", () => {
    const { p, scrub } = setUp();
    const hansen = p.nameWord("hansen");
    expect(scrub("Hansen 先生，您好！请确认（报价）：谢谢。")).toBe(`${hansen} 先生，您好！请确认（报价）：谢谢。`);
    // Letters, digits and what phone numbers and addresses are made of are read as their ASCII.
    expect(scrub("\uff28\uff41\uff4e\uff53\uff45\uff4e 様，\uff0b\uff14\uff17 \uff12\uff12 \uff13\uff13 \uff14\uff14 \uff15\uff15")).toBe(`${hansen} 様，${p.phone("+47 22 33 44 55")}`);
  });

  it("replaces a company named without its legal form or with its words joined as file names join them, and its street address, so that the check finds none", () => {
    const raw = { ...RAW, companies: [...RAW.companies, "Fjordkraft Solutions AS", "Data AS"], addresses: ["Storgata 12", "Bryggen"] };
    const values = productionValues(raw);
    const p = new Pseudonymiser("secret", values, "mailinator.com");
    const scrubber = new Scrubber(p, values, raw);
    const finder = new ProductionValueFinder(values);
    const company = p.companyName("Fjordkraft Solutions AS");
    for (const text of ["Møte med Fjordkraft Solutions i morgen", "Fjordkraft_Solutions_AS_tilbud.pdf", "fjordkraft-solutions-kontrakt.docx", "Levering: Storgata 12, 0155 Oslo"]) {
      expect(finder.find(text, "free-text"), text).not.toBeNull();
      const scrubbed = scrubber.scrub(text);
      expect(scrubbed).not.toMatch(/fjordkraft|storgata 12/i);
      expect(finder.find(scrubbed, "free-text"), scrubbed).toBeNull();
    }
    expect(scrubber.scrub("Møte med Fjordkraft Solutions i morgen")).toBe(`Møte med ${company.replace(/\s+(AS|ASA|AB|GmbH|Ltd|Inc|LLC|A\/S|ApS|Oy)$/i, "")} i morgen`);
    expect(scrubber.scrub("Levering: Storgata 12, 0155 Oslo")).toBe(`Levering: ${p.street("Storgata 12")}, 0155 Oslo`);
    // A single word left of a name ("Data" of "Data AS"), or a street alone, is a word of the text: it stays.
    expect(scrubber.scrub("Send data til Bryggen")).toBe("Send data til Bryggen");
    expect(finder.find("Send data til Bryggen", "free-text")).toBeNull();
  });

  it("reads production's own values as text is read: a name stored decomposed is found, in text either way", () => {
    const raw = { ...RAW, firstNames: [...RAW.firstNames, "Jose\u0301"], lastNames: [...RAW.lastNames, "Mu\u0308ller"], fullNames: [...RAW.fullNames, "Jose\u0301 Mu\u0308ller"] };
    const values = productionValues(raw);
    const scrubber = new Scrubber(new Pseudonymiser("secret", values, "mailinator.com"), values, raw);
    const finder = new ProductionValueFinder(values);
    for (const text of ["Ring Jose\u0301 Mu\u0308ller", "Ring José Müller"]) {
      expect(finder.find(text, "free-text"), text).toBe("a person's name");
      expect(finder.find(scrubber.scrub(text), "free-text")).toBeNull();
    }
  });

  it("agrees with the check on what is no company in text, so ordinary text never fails a copy: a one-word company that is a person's name and a common word, an address of more words than a phrase", () => {
    const longAddress = Array.from({ length: 40 }, (_v, i) => `w${i}`).join(" ");
    const raw = { ...RAW, firstNames: [...RAW.firstNames, "Storm"], fullNames: [...RAW.fullNames, "Storm Hansen"], companies: [...RAW.companies, "Storm"], addresses: [longAddress] };
    const values = productionValues(raw);
    const scrubber = new Scrubber(new Pseudonymiser("secret", values, "mailinator.com"), values, raw);
    const finder = new ProductionValueFinder(values);
    expect(scrubber.scrub("Det blir storm i kveld")).toBe("Det blir storm i kveld");
    expect(finder.find("Det blir storm i kveld", "free-text")).toBeNull();
  });

  it("finds a company at the end of a long text whose words keep beginning one, reading each word once", () => {
    const raw = { ...RAW, companies: [...RAW.companies, "The Coffee Company Ltd"] };
    const values = productionValues(raw);
    const finder = new ProductionValueFinder(values);
    // A copy of the rest of the text at every "the" made this 640 KB body take minutes.
    const body = "the cat ".repeat(80_000);
    expect(finder.find(body, "free-text")).toBeNull();
    expect(finder.find(`${body}The Coffee Company`, "free-text")).toBe("a company's name or an address");
  });

  it("rewrites an address in text whose local part holds a name (khansen, hansen85, karihansen) so that the check finds none", () => {
    const values = productionValues(RAW);
    const p = new Pseudonymiser("secret", values, "mailinator.com");
    const scrubber = new Scrubber(p, values, RAW);
    const finder = new ProductionValueFinder(values);
    for (const text of ["Skriv til khansen@firma.no", "Fra: <hansen85@gmail.com>", "cc karihansen@firma.no, oberg@firma.no."]) {
      expect(finder.find(text, "free-text")).toBe("a person's name");
      const scrubbed = scrubber.scrub(text);
      expect(scrubbed).not.toMatch(/hansen|berg/i);
      expect(finder.find(scrubbed, "free-text")).toBeNull();
    }
  });

  it("leaves text with no production value untouched", () => {
    const { scrub } = setUp();
    const text = "Could you send an updated quote?\nThanks!\t\\N";
    expect(scrub(text)).toBe(text);
    expect(scrub("")).toBe("");
  });

  it("stops, rather than hold it, a text its pseudonyms grow past what a copy writes: a one-letter company named thousands of times", () => {
    const values = productionValues({ ...RAW, companies: [...RAW.companies, "Q"] });
    const p = new Pseudonymiser("secret", values, "mailinator.com");
    // A bound of 10,000 characters here; a copy's is MAX_REWRITTEN_BYTES.
    const max = 10_000;
    const scrub = (text: string) => new Scrubber(p, values, { ...RAW, companies: [...RAW.companies, "Q"] }, max).scrub(text);
    const grown = p.companyName("Q").length + 1;
    expect(scrub("Call q")).toBe(`Call ${p.companyName("Q").toLowerCase()}`);
    // "q " becomes the pseudonym and a space: the text fits up to the bound and no further.
    expect(scrub("q ".repeat(Math.floor(max / grown))).length).toBeLessThanOrEqual(max);
    expect(() => scrub("q ".repeat(Math.floor(max / grown) + 1))).toThrow(RewrittenTooLong);
    // Short addresses grow too: rule 2's form adds a domain to each.
    const address = p.email("a@b.no").length + 1;
    expect(() => scrub("a@b.no ".repeat(Math.floor(max / address) + 1))).toThrow(RewrittenTooLong);
    expect(MAX_REWRITTEN_BYTES).toBe(64 * 1024 * 1024);
  });

  it("refuses, in the customer's words, a name of more words than a phrase may have: the scrubber holds that many words of text back", () => {
    const longest = `${"alfa ".repeat(MAX_PHRASE_WORDS - 1)}omega`;
    const build = (companies: string[], fullNames: Iterable<string> = RAW.fullNames) => {
      const values = productionValues({ ...RAW, companies, fullNames });
      return () => new Scrubber(new Pseudonymiser("secret", values, "mailinator.com"), values, { companies, addresses: [] });
    };
    // The longest allowed is still scrubbed as a phrase.
    const scrubber = build([longest])();
    expect(scrubber.scrub(`Til ${longest}.`)).not.toContain("omega");
    expect(build([`alfa ${longest}`])).toThrow(
      expect.objectContaining({ code: "COPY_FAILED", message: `One of production's company names has more than ${MAX_PHRASE_WORDS} words: too long to pseudonymise. Copy with personal data kept as in production, or shorten it.` }),
    );
    expect(build([...RAW.companies], [...RAW.fullNames, `Kari ${"Ann ".repeat(MAX_PHRASE_WORDS)}Hansen`])).toThrow(/people's names has more than 32 words/);
  });
});
